/**
 * The migration state of the emulated SMMUv3 (QEMU hw/arm/smmuv3.c `vmstate_smmuv3`: section
 * `smmuv3` version 1, priority MIG_PRI_IOMMU, no post_load). Fields in QEMU's order: features
 * (u32), sid_size, sid_split (u8), cr[3], cr0ack, statusr, irq_ctrl, gerror, gerrorn (u32),
 * gerror_irq_cfg0 (u64), gerror_irq_cfg1/2 (u32), strtab_base (u64), strtab_base_cfg (u32),
 * eventq_irq_cfg0 (u64), eventq_irq_cfg1/2 (u32), then `cmdq` and `eventq` as
 * `vmstate_smmuv3_queue` (base u64, prod u32, cons u32, log2size u8). Subsection `smmuv3/gbpa`
 * only when GBPA differs from SMMU_GBPA_RESET_VAL (`smmuv3_gbpa_needed`).
 *
 * Not migrated, as in QEMU: the IDRs/IIDR/AIDR (recomputed from properties), the configuration
 * cache and IOTLB (rebuilt lazily from guest RAM; the EVTQ, CMDQ, stream table and page tables
 * travel with guest RAM). QEMU silently diverges when the two sides' properties differ; the twin
 * refuses: its `smmuv3/idr` subsection carries IDR0–5, IIDR and AIDR, which must equal the
 * destination's (VMSTATE_CONFIG_MISMATCH), as must `sid_size`. Accel mode carries QEMU's blocker
 * "Migration not supported with SMMUv3 accelerator mode enabled" (MIGRATION_BLOCKED).
 */
import { DomainError } from '#libs/errno/index.js';
import { hex } from '#libs/u64/index.js';
import { decodeSection, encodeSection, refuseViolations, vmstateError, type VmstateReader, type VmstateSection, type VmstateWriter } from '../vmstate-wire.js';
import { idrSidSize, SMMU_CMDQS, SMMU_EVENTQS } from './idr.js';
import type { Smmuv3, Smmuv3MigrationState, SmmuQueueVmstate } from './index.js';
import { A, GBPA, GERROR, SMMU_CR0_RESERVED, SMMU_GBPA_RESET_VAL } from './regs.js';

export const SMMUV3_VMSTATE = { idstr: 'smmuv3', version: 1, minimumVersion: 1 } as const;
const ID = SMMUV3_VMSTATE.idstr;
/** QEMU's blocker text (smmuv3.c realize with accel=on: `migrate_add_blocker`). */
export const SMMUV3_ACCEL_BLOCKER = 'Migration not supported with SMMUv3 accelerator mode enabled';

/** IDR0–5, IIDR, AIDR: the guest-visible identity the twin pins. */
interface IdrImage {
  idr: number[];
  iidr: number;
  aidr: number;
}

export interface Smmuv3Image {
  state: Smmuv3MigrationState;
  idr: IdrImage | undefined;
}

function idrOf(unit: Smmuv3): IdrImage {
  return { idr: [0, 1, 2, 3, 4, 5].map((i) => Number(unit.mmioRead(A.IDR0 + i * 4, 4))), iidr: Number(unit.mmioRead(A.IIDR, 4)), aidr: Number(unit.mmioRead(A.AIDR, 4)) };
}

function accelBlocked(): DomainError {
  return new DomainError('FAILED_PRECONDITION', 'MIGRATION_BLOCKED', SMMUV3_ACCEL_BLOCKER, { device: ID, blocker: 'SMMUV3_ACCEL' });
}

function writeQueue(w: VmstateWriter, q: SmmuQueueVmstate): void {
  w.u64(q.base).u32(q.prod).u32(q.cons).u8(q.log2size);
}

function readQueue(r: VmstateReader, name: string): SmmuQueueVmstate {
  return { base: r.u64(`${name}.base`), prod: r.u32(`${name}.prod`), cons: r.u32(`${name}.cons`), log2size: r.u8(`${name}.log2size`) };
}

/** The unit's state as bytes; accel mode is refused with QEMU's blocker. */
export function saveSmmuv3State(unit: Smmuv3): Uint8Array {
  if (unit.cfg.accel) throw accelBlocked();
  const s = unit.migrationState();
  const id = idrOf(unit);
  const subsections: VmstateSection['subsections'] = [];
  if (s.gbpa !== SMMU_GBPA_RESET_VAL) subsections.push({ name: 'smmuv3/gbpa', version: 1, fields: (w) => w.u32(s.gbpa) });
  subsections.push({ name: 'smmuv3/idr', version: 1, fields: (w) => {
    for (const v of id.idr) w.u32(v);
    w.u32(id.iidr).u32(id.aidr);
  } });
  return encodeSection({
    idstr: ID,
    version: SMMUV3_VMSTATE.version,
    fields: (w) => {
      w.u32(s.features).u8(s.sidSize).u8(s.sidSplit);
      for (const c of s.cr) w.u32(c);
      w.u32(s.cr0ack).u32(s.statusr).u32(s.irqCtrl).u32(s.gerror).u32(s.gerrorn);
      w.u64(s.gerrorIrqCfg0).u32(s.gerrorIrqCfg1).u32(s.gerrorIrqCfg2);
      w.u64(s.strtabBase).u32(s.strtabBaseCfg);
      w.u64(s.eventqIrqCfg0).u32(s.eventqIrqCfg1).u32(s.eventqIrqCfg2);
      writeQueue(w, s.cmdq);
      writeQueue(w, s.eventq);
    },
    subsections,
  });
}

/** Decode the bytes (framing, checksum, field syntax) without looking at any unit. */
export function decodeSmmuv3State(bytes: Uint8Array): Smmuv3Image {
  return decodeSection<Smmuv3Image>(bytes, {
    ...SMMUV3_VMSTATE,
    fields: (r) => {
      const features = r.u32('features');
      const sidSize = r.u8('sid_size');
      const sidSplit = r.u8('sid_split');
      const cr: [number, number, number] = [r.u32('cr[0]'), r.u32('cr[1]'), r.u32('cr[2]')];
      const state: Smmuv3MigrationState = {
        features,
        sidSize,
        sidSplit,
        cr,
        cr0ack: r.u32('cr0ack'),
        statusr: r.u32('statusr'),
        irqCtrl: r.u32('irq_ctrl'),
        gerror: r.u32('gerror'),
        gerrorn: r.u32('gerrorn'),
        gerrorIrqCfg0: r.u64('gerror_irq_cfg0'),
        gerrorIrqCfg1: r.u32('gerror_irq_cfg1'),
        gerrorIrqCfg2: r.u32('gerror_irq_cfg2'),
        strtabBase: r.u64('strtab_base'),
        strtabBaseCfg: r.u32('strtab_base_cfg'),
        eventqIrqCfg0: r.u64('eventq_irq_cfg0'),
        eventqIrqCfg1: r.u32('eventq_irq_cfg1'),
        eventqIrqCfg2: r.u32('eventq_irq_cfg2'),
        cmdq: readQueue(r, 'cmdq'),
        eventq: readQueue(r, 'eventq'),
        // absent subsection: GBPA at its reset value (smmuv3_gbpa_needed was false)
        gbpa: SMMU_GBPA_RESET_VAL,
      };
      return { state, idr: undefined };
    },
    subsections: new Map([
      [
        'smmuv3/gbpa',
        {
          version: 1,
          load: (r, into) => {
            const g = r.u32('gbpa');
            if (g === SMMU_GBPA_RESET_VAL) throw vmstateError('VMSTATE_INVALID', ID, 'smmuv3/gbpa sent with the reset value (QEMU sends it only when GBPA differs)');
            into.state.gbpa = g;
          },
        },
      ],
      [
        'smmuv3/idr',
        {
          version: 1,
          load: (r, into) => {
            const idr = [0, 1, 2, 3, 4, 5].map((i) => r.u32(`IDR${i}`));
            into.idr = { idr, iidr: r.u32('IIDR'), aidr: r.u32('AIDR') };
          },
        },
      ],
    ]),
  });
}

function configViolations(unit: Smmuv3, img: Smmuv3Image): string[] {
  const out: string[] = [];
  const mine = idrOf(unit);
  if (img.idr === undefined) return ['the smmuv3/idr subsection is missing'];
  img.idr.idr.forEach((v, i) => {
    if (v !== mine.idr[i]) out.push(`IDR${i} ${hex(v)} ≠ destination ${hex(mine.idr[i]!)}`);
  });
  if (img.idr.iidr !== mine.iidr) out.push(`IIDR ${hex(img.idr.iidr)} ≠ destination ${hex(mine.iidr)}`);
  if (img.idr.aidr !== mine.aidr) out.push(`AIDR ${hex(img.idr.aidr)} ≠ destination ${hex(mine.aidr)}`);
  const sidSize = idrSidSize(mine.idr[1]!);
  if (img.state.sidSize !== sidSize) out.push(`sid_size ${img.state.sidSize} ≠ destination ${sidSize}`);
  return out;
}

const GERROR_BITS = Object.values(GERROR).reduce((a, b) => a | b, 0);

function stateViolations(s: Smmuv3MigrationState): string[] {
  const out: string[] = [];
  if ((s.features & ~1) !== 0) out.push(`features ${hex(s.features)}: only SMMU_FEATURE_2LVL_STE (bit 0) exists`);
  if (s.features === 0 && s.sidSplit !== 0) out.push(`sid_split ${s.sidSplit} without the 2-level stream table feature (latched together)`);
  if (s.sidSplit > 0x1f) out.push(`sid_split ${s.sidSplit} beyond STRTAB_BASE_CFG.SPLIT (5 bits)`);
  if (s.cr0ack !== (s.cr[0] & ~SMMU_CR0_RESERVED) >>> 0) out.push(`cr0ack ${hex(s.cr0ack)} ≠ CR0 ${hex(s.cr[0])} without its reserved bits`);
  if (s.statusr !== 0) out.push(`statusr ${hex(s.statusr)}: the unit never sets it`);
  if ((s.gerror & ~GERROR_BITS) !== 0) out.push(`gerror ${hex(s.gerror)} has bits the unit never raises`);
  if ((s.gbpa & GBPA.UPDATE) !== 0) out.push(`gbpa ${hex(s.gbpa)} with UPDATE set (the update completes at once: UPDATE reads 0)`);
  if (s.cmdq.log2size > SMMU_CMDQS) out.push(`cmdq.log2size ${s.cmdq.log2size} beyond IDR1.CMDQS ${SMMU_CMDQS}`);
  if (s.eventq.log2size > SMMU_EVENTQS) out.push(`eventq.log2size ${s.eventq.log2size} beyond IDR1.EVENTQS ${SMMU_EVENTQS}`);
  return out;
}

/**
 * Load `bytes` into `unit` (built from the same VmSpec). Refusals leave the unit as it was:
 * DomainError INVALID_ARGUMENT VMSTATE_CORRUPT / VMSTATE_WRONG_DEVICE / VMSTATE_VERSION,
 * VMSTATE_CONFIG_MISMATCH (other IDRs or sid_size: every difference), VMSTATE_INVALID (every field
 * the unit could not hold); FAILED_PRECONDITION MIGRATION_BLOCKED for an accel unit.
 */
export function loadSmmuv3State(unit: Smmuv3, bytes: Uint8Array): void {
  if (unit.cfg.accel) throw accelBlocked();
  const img = decodeSmmuv3State(bytes);
  refuseViolations(ID, () => configViolations(unit, img), () => stateViolations(img.state));
  unit.loadMigrationState(img.state);
}
