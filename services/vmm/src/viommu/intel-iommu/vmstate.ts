/**
 * The migration state of the intel-iommu (QEMU hw/i386/intel_iommu.c `vtd_vmstate`: section
 * `iommu-intel` version 1, priority MIG_PRI_IOMMU, `.post_load = vtd_post_load`). Fields in
 * QEMU's order: root, intr_root, iq (u64); intr_size (u32); iq_head, iq_tail, iq_size,
 * next_frcd_reg (u16); csr[DMAR_REG_SIZE]; iq_last_desc_type (u8); one unused byte (the obsolete
 * `root_extended`); dmar_enabled, qi_enabled, intr_enabled, intr_eime (bool).
 *
 * QEMU does not migrate the properties: the destination re-derives CAP/ECAP from its own and
 * silently diverges when they differ (only the CAP/ECAP register images travel in csr). The twin
 * refuses instead: its `iommu-intel/config` subsection carries the properties, and the VER, CAP
 * and ECAP images must equal the destination's (VMSTATE_CONFIG_MISMATCH, every difference listed).
 * Every other field is checked against what the unit can hold (VMSTATE_INVALID) before anything
 * changes. Load runs `vtd_post_load` (IntelIommu.loadMigrationState): caches dropped, scalable
 * root and descriptor width recomputed, the translator switched to the migrated root.
 */
import { hex } from '#libs/u64/index.js';
import { decodeSection, encodeSection, refuseViolations, vmstateError, type VmstateReader, type VmstateWriter } from '../vmstate-wire.js';
import type { IntelIommuConfig } from './caps.js';
import { FRCD_COUNT } from './fault.js';
import type { IntelIommu, IntelIommuMigrationState } from './index.js';
import { INV_DESC } from './qi.js';
import { DMAR, DMAR_REG_SIZE, GSTS, RTADDR_SMT } from './regs.js';

export const INTEL_IOMMU_VMSTATE = { idstr: 'iommu-intel', version: 1, minimumVersion: 1 } as const;
const ID = INTEL_IOMMU_VMSTATE.idstr;

/** What the section carries, decoded but not yet checked against a unit. */
export interface IntelIommuImage {
  state: IntelIommuMigrationState;
  config: IntelIommuConfig | undefined;
}

function writeConfig(w: VmstateWriter, c: IntelIommuConfig): void {
  w.u8(c.awBits).bool(c.cachingMode).bool(c.scalableMode).bool(c.flts).u8(c.pasidBits).bool(c.deviceIotlb).bool(c.dmaDrain).bool(c.snoopControl);
}

function readConfig(r: VmstateReader): IntelIommuConfig {
  const awBits = r.u8('aw-bits');
  if (awBits !== 39 && awBits !== 48) throw vmstateError('VMSTATE_INVALID', ID, `aw-bits ${awBits} (39 or 48)`);
  return {
    awBits,
    cachingMode: r.bool('caching-mode'),
    scalableMode: r.bool('x-scalable-mode'),
    flts: r.bool('x-flts'),
    pasidBits: r.u8('pasid bits'),
    deviceIotlb: r.bool('device-iotlb'),
    dmaDrain: r.bool('dma-drain'),
    snoopControl: r.bool('snoop-control'),
  };
}

/** The unit's state as bytes (QEMU's field order, big-endian; csr as its little-endian image). */
export function saveIntelIommuState(unit: IntelIommu): Uint8Array {
  const s = unit.migrationState();
  return encodeSection({
    idstr: ID,
    version: INTEL_IOMMU_VMSTATE.version,
    fields: (w) => {
      w.u64(s.root).u64(s.intrRoot).u64(s.iq);
      w.u32(s.intrSize);
      w.u16(s.iqHead).u16(s.iqTail).u16(s.iqSize).u16(s.nextFrcdReg);
      w.bytes(s.csr);
      w.u8(s.iqLastDescType);
      w.u8(0); // VMSTATE_UNUSED(1): root_extended
      w.bool(s.dmarEnabled).bool(s.qiEnabled).bool(s.intrEnabled).bool(s.intrEime);
    },
    subsections: [{ name: 'iommu-intel/config', version: 1, fields: (w) => writeConfig(w, unit.cfg) }],
  });
}

/** Decode the bytes (framing, checksum, field syntax) without looking at any unit. */
export function decodeIntelIommuState(bytes: Uint8Array): IntelIommuImage {
  return decodeSection<IntelIommuImage>(bytes, {
    ...INTEL_IOMMU_VMSTATE,
    fields: (r) => {
      const root = r.u64('root');
      const intrRoot = r.u64('intr_root');
      const iq = r.u64('iq');
      const intrSize = r.u32('intr_size');
      const iqHead = r.u16('iq_head');
      const iqTail = r.u16('iq_tail');
      const iqSize = r.u16('iq_size');
      const nextFrcdReg = r.u16('next_frcd_reg');
      const csr = r.bytes(DMAR_REG_SIZE, 'csr');
      const iqLastDescType = r.u8('iq_last_desc_type');
      r.u8('unused (root_extended)');
      const state: IntelIommuMigrationState = {
        root,
        intrRoot,
        iq,
        intrSize,
        iqHead,
        iqTail,
        iqSize,
        nextFrcdReg,
        csr,
        iqLastDescType,
        dmarEnabled: r.bool('dmar_enabled'),
        qiEnabled: r.bool('qi_enabled'),
        intrEnabled: r.bool('intr_enabled'),
        intrEime: r.bool('intr_eime'),
      };
      return { state, config: undefined };
    },
    subsections: new Map([['iommu-intel/config', { version: 1, load: (r, into) => void (into.config = readConfig(r)) }]]),
  });
}

const onOff = (b: boolean): string => (b ? 'on' : 'off');

/** Configuration differences between the image and `unit` (empty: same guest-visible unit). */
function configViolations(unit: IntelIommu, img: IntelIommuImage): string[] {
  const c = img.config;
  if (c === undefined) return ['the iommu-intel/config subsection is missing'];
  const d = unit.cfg;
  const out: string[] = [];
  if (c.awBits !== d.awBits) out.push(`aw-bits ${c.awBits} ≠ destination ${d.awBits}`);
  for (const [k, name] of [['cachingMode', 'caching-mode'], ['scalableMode', 'x-scalable-mode'], ['flts', 'x-flts'], ['deviceIotlb', 'device-iotlb'], ['dmaDrain', 'dma-drain'], ['snoopControl', 'snoop-control']] as const) {
    if (c[k] !== d[k]) out.push(`${name} ${onOff(c[k])} ≠ destination ${onOff(d[k])}`);
  }
  if (c.pasidBits !== d.pasidBits) out.push(`PASID bits ${c.pasidBits} ≠ destination ${d.pasidBits}`);
  const src = new DataView(img.state.csr.buffer, img.state.csr.byteOffset, img.state.csr.byteLength);
  const ver = src.getUint32(DMAR.VER, true);
  const dstVer = Number(unit.mmioRead(DMAR.VER, 4));
  if (ver !== dstVer) out.push(`VER ${hex(ver)} ≠ destination ${hex(dstVer)}`);
  const cap = src.getBigUint64(DMAR.CAP, true);
  if (cap !== unit.cap) out.push(`CAP ${hex(cap)} ≠ destination ${hex(unit.cap)}`);
  const ecap = src.getBigUint64(DMAR.ECAP, true);
  if (ecap !== unit.ecap) out.push(`ECAP ${hex(ecap)} ≠ destination ${hex(unit.ecap)}`);
  return out;
}

/** Field values the unit could never hold (empty: none). */
function stateViolations(unit: IntelIommu, s: IntelIommuMigrationState): string[] {
  const out: string[] = [];
  const haw = (1n << BigInt(unit.cfg.awBits)) - 1n;
  const page = haw & ~0xfffn;
  const csr = new DataView(s.csr.buffer, s.csr.byteOffset, s.csr.byteLength);
  const gsts = csr.getUint32(DMAR.GSTS, true);
  if (s.dmarEnabled !== ((gsts & GSTS.TES) !== 0)) out.push(`dmar_enabled ${s.dmarEnabled} disagrees with GSTS.TES (GSTS ${hex(gsts)})`);
  if (s.qiEnabled !== ((gsts & GSTS.QIES) !== 0)) out.push(`qi_enabled ${s.qiEnabled} disagrees with GSTS.QIES (GSTS ${hex(gsts)})`);
  if (s.intrEnabled || (gsts & GSTS.IRES) !== 0) out.push('interrupt remapping enabled: the unit does not model it (intremap=off)');
  if ((s.root & ~(page | RTADDR_SMT)) !== 0n) out.push(`root ${hex(s.root)} has bits outside the ${unit.cfg.awBits}-bit page address and SMT`);
  if ((s.root & RTADDR_SMT) !== 0n && !unit.cfg.scalableMode) out.push('root has RTADDR.SMT on a unit without scalable mode');
  if ((s.iq & ~page) !== 0n) out.push(`iq ${hex(s.iq)} is not a ${unit.cfg.awBits}-bit page address`);
  if (s.iqSize !== 0 && (s.iqSize & (s.iqSize - 1)) !== 0) out.push(`iq_size ${s.iqSize} is not a power of two`);
  else if (s.iqSize !== 0 && (s.iqSize < 128 || s.iqSize > 32768)) out.push(`iq_size ${s.iqSize} outside [128, 32768] (IQA.QS 0..7)`);
  if (s.qiEnabled && s.iqSize === 0) out.push('qi_enabled with iq_size 0');
  if (s.qiEnabled && s.iqHead >= s.iqSize) out.push(`iq_head ${s.iqHead} is not inside the ${s.iqSize}-entry queue`);
  if (!s.qiEnabled && s.iqHead !== 0) out.push(`iq_head ${s.iqHead} while QI is disabled (disabling rewinds it to 0)`);
  if (s.iqTail > 0x7fff) out.push(`iq_tail ${s.iqTail} beyond IQT.QT (15 bits)`);
  if (s.nextFrcdReg >= FRCD_COUNT) out.push(`next_frcd_reg ${s.nextFrcdReg}: the unit has ${FRCD_COUNT} fault recording register(s)`);
  if (!Object.values(INV_DESC).includes(s.iqLastDescType as never)) out.push(`iq_last_desc_type ${s.iqLastDescType} is not a descriptor type`);
  if ((s.intrRoot & ~page) !== 0n) out.push(`intr_root ${hex(s.intrRoot)} is not a ${unit.cfg.awBits}-bit page address`);
  if (s.intrSize !== 0 && ((s.intrSize & (s.intrSize - 1)) !== 0 || s.intrSize < 2 || s.intrSize > 65536)) out.push(`intr_size ${s.intrSize} is not 2^(IRTA.S+1)`);
  return out;
}

/**
 * Load `bytes` into `unit` (a unit built from the same VmSpec). Refusals leave the unit as it was:
 * DomainError INVALID_ARGUMENT VMSTATE_CORRUPT / VMSTATE_WRONG_DEVICE / VMSTATE_VERSION,
 * VMSTATE_CONFIG_MISMATCH (other properties: every difference), VMSTATE_INVALID (every field the
 * unit could not hold).
 */
export function loadIntelIommuState(unit: IntelIommu, bytes: Uint8Array): void {
  const img = decodeIntelIommuState(bytes);
  refuseViolations(ID, () => configViolations(unit, img), () => stateViolations(unit, img.state));
  unit.loadMigrationState(img.state);
}
