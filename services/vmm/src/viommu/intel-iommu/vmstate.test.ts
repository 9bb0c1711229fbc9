import { describe, expect, it } from 'vitest';
import { encodeSection } from '../vmstate-wire.js';
import { expectRefused } from '../vmstate-test-support.js';
import type { IntelIommuConfig } from './caps.js';
import { config as fixtureConfig, FlatRam, ROOT as SM_ROOT, scalable, SID as SM_SID, UNIT_CFG } from './fixtures.js';
import { DMAR, FSTS, GCMD, GSTS, IntelIommu, RTADDR_SMT, VTD_REGISTERS, type VtdIrq, type VtdPasidBindingEvent } from './index.js';
import { decodeIntelIommuState, INTEL_IOMMU_VMSTATE, loadIntelIommuState, saveIntelIommuState } from './vmstate.js';

// legacy mode as Linux builds it: root table → context entry of 00:01.0 (SID 8, DID 5) → 4-level
// second-stage tables mapping IOVA 0x1000 → GPA 0x80000 (RW) and 0x2000 → 0x81000 (read-only)
const ROOT = 0x10000, CTX = 0x11000, PML4 = 0x12000, PDPT = 0x13000, PD = 0x14000, PT = 0x15000, IQ = 0x20000, STATUS = 0x30000;
const SID = 0x0008;

function unit(ram: FlatRam, cfg: IntelIommuConfig = UNIT_CFG) {
  const irqs: VtdIrq[] = [];
  const u = new IntelIommu(cfg, ram, (i) => irqs.push(i));
  return { u, irqs };
}

function guest() {
  const ram = new FlatRam(1 << 21);
  const { u, irqs } = unit(ram);
  const w = (off: number, v: bigint | number, size: 4 | 8 = 4): void => u.mmioWrite(off, size, BigInt(v));
  ram.q(ROOT, BigInt(CTX) | 1n);
  ram.q(CTX + SID * 16, BigInt(PML4) | 1n);
  ram.q(CTX + SID * 16 + 8, 2n | (5n << 8n));
  ram.q(PML4, BigInt(PDPT) | 3n);
  ram.q(PDPT, BigInt(PD) | 3n);
  ram.q(PD, BigInt(PT) | 3n);
  ram.q(PT + 8, 0x80000n | 3n);
  ram.q(PT + 16, 0x81000n | 1n);
  w(DMAR.RTADDR, BigInt(ROOT), 8);
  w(DMAR.GCMD, GCMD.SRTP);
  w(DMAR.IQA, BigInt(IQ) | 1n, 8); // QS 1: 512 entries
  w(DMAR.FEDATA, 0x41);
  w(DMAR.FEADDR, 0xfee00000);
  w(DMAR.FECTL, 0);
  w(DMAR.GCMD, GCMD.QIE);
  // context-cache global, IOTLB global, wait with status write
  const descs = [[0x11n, 0n], [0x12n, 0n], [0x25n | (1n << 32n), BigInt(STATUS)]];
  descs.forEach(([a, b], i) => {
    ram.q(IQ + i * 16, a!);
    ram.q(IQ + i * 16 + 8, b!);
  });
  w(DMAR.IQT, BigInt(descs.length) << 4n, 8);
  w(DMAR.GCMD, GCMD.QIE | GCMD.TE);
  // DMA: fills the context cache and IOTLB; an unmapped IOVA records a fault in FRCD0
  expect(u.dmaTranslate(SID, undefined, 0x1000n, true).ok).toBe(true);
  expect(u.dmaTranslate(SID, undefined, 0x2000n, false).ok).toBe(true);
  expect(u.dmaTranslate(SID, undefined, 0x5000n, true).ok).toBe(false);
  return { u, ram, irqs, w };
}

const IOVAS = [0x1000n, 0x1800n, 0x2000n, 0x3000n, 0x5000n];

function registers(u: IntelIommu): Array<[string, bigint]> {
  return VTD_REGISTERS.map((r) => [r.name, u.mmioRead(r.offset, r.width === 64 ? 8 : 4)]);
}

describe('intel-iommu vmstate (QEMU "iommu-intel" v1, vtd_post_load)', () => {
  it('round trip over a copy of guest RAM: every register read, the latched state, the pending fault and every translation equal; caches empty after load', () => {
    const src = guest();
    expect(src.u.mmioRead(DMAR.FSTS, 4) & BigInt(FSTS.PPF)).toBe(BigInt(FSTS.PPF));
    expect(src.u.translator.iotlbEntries().length).toBeGreaterThan(0);
    const bytes = saveIntelIommuState(src.u);
    const dst = unit(src.ram.copy());
    loadIntelIommuState(dst.u, bytes);
    // post_load drops every cache (the destination rebuilds them lazily from guest RAM)
    expect(dst.u.translator.iotlbEntries()).toEqual([]);
    expect(dst.u.translator.contextCacheEntries()).toEqual([]);
    expect(registers(dst.u)).toEqual(registers(src.u));
    expect(dst.u.state()).toEqual({ ...src.u.state(), qi: { ...src.u.state().qi } });
    expect(dst.u.mmioRead(DMAR.GSTS, 4)).toBe(BigInt((GSTS.TES | GSTS.QIES | GSTS.RTPS) >>> 0));
    // the fault recorded on the source is still pending in FRCD0 (F set), FSTS.PPF with it
    expect(dst.u.mmioRead(0x228, 8) >> 63n).toBe(1n);
    expect(Buffer.from(saveIntelIommuState(dst.u)).equals(Buffer.from(bytes))).toBe(true);
    for (const iova of IOVAS) for (const write of [false, true]) {
      const a = src.u.translator.translate(SID, undefined, iova, write);
      const b = dst.u.translator.translate(SID, undefined, iova, write);
      expect(b, `0x${iova.toString(16)} ${write}`).toEqual(a);
    }
    expect(dst.u.translator.iotlbEntries()).toEqual(src.u.translator.iotlbEntries());
  });

  it('the loaded unit keeps working: the queue continues at the migrated head/tail, a wait descriptor writes its status', () => {
    const src = guest();
    const bytes = saveIntelIommuState(src.u);
    const ram = src.ram.copy();
    const dst = unit(ram);
    loadIntelIommuState(dst.u, bytes);
    expect(dst.u.state().qi).toMatchObject({ enabled: true, head: 3, tail: 3, size: 512 });
    ram.q(IQ + 3 * 16, 0x25n | (7n << 32n));
    ram.q(IQ + 3 * 16 + 8, BigInt(STATUS + 8));
    dst.u.mmioWrite(DMAR.IQT, 8, 4n << 4n);
    expect(dst.u.state().qi.head).toBe(4);
    expect(new DataView(ram.bytes.buffer).getUint32(STATUS + 8, true)).toBe(7);
  });

  it('the byte layout is QEMU\'s field order: root, intr_root, iq, intr_size, iq_head/tail/size, next_frcd_reg, csr[0x230], …', () => {
    const src = guest();
    const b = Buffer.from(saveIntelIommuState(src.u));
    const at = 4 + 4 + 1 + 4 + 1 + 'iommu-intel'.length + 4 + 4;
    expect(b.subarray(14, 14 + 11).toString()).toBe('iommu-intel');
    expect(b.readUInt32BE(at - 4)).toBe(INTEL_IOMMU_VMSTATE.version);
    expect(b.readBigUInt64BE(at)).toBe(BigInt(ROOT));
    expect(b.readBigUInt64BE(at + 16)).toBe(BigInt(IQ));
    expect([b.readUInt16BE(at + 28), b.readUInt16BE(at + 30), b.readUInt16BE(at + 32), b.readUInt16BE(at + 34)]).toEqual([3, 3, 512, 0]);
    // csr is the little-endian register image: CAP at 0x08
    expect(b.readBigUInt64LE(at + 36 + DMAR.CAP)).toBe(src.u.cap);
    const tail = at + 36 + 0x230;
    expect([...b.subarray(tail, tail + 6)]).toEqual([0x05, 0, 1, 1, 0, 0]); // last desc WAIT, unused, dmar, qi, intr, eime
  });

  it('x-flts: post_load re-reads the PASID entries and binds them again for the nested backend (vtd_replay_pasid_bindings_all)', () => {
    const cfg = fixtureConfig({ scalableMode: true, flts: true });
    const { ram, pe } = scalable(cfg);
    pe(0, { pgtt: 1, fs: 0x7000n, did: 9 });
    const src = new IntelIommu(cfg, ram, () => undefined);
    src.translator.addAddressSpace(SM_SID);
    src.mmioWrite(DMAR.RTADDR, 8, SM_ROOT | RTADDR_SMT);
    src.mmioWrite(DMAR.GCMD, 4, BigInt(GCMD.SRTP));
    src.mmioWrite(DMAR.GCMD, 4, BigInt(GCMD.TE >>> 0));
    expect(src.state()).toMatchObject({ dmarEnabled: true, rootScalable: true });
    const bytes = saveIntelIommuState(src);
    const dst = new IntelIommu(cfg, ram, () => undefined);
    dst.translator.addAddressSpace(SM_SID);
    const events: VtdPasidBindingEvent[] = [];
    dst.translator.onPasidBinding = (e) => events.push(e);
    loadIntelIommuState(dst, bytes);
    expect(dst.state()).toMatchObject({ dmarEnabled: true, rootScalable: true, root: SM_ROOT });
    expect(events.map((e) => [e.sid, e.pasid, e.change, e.entry?.[1]])).toEqual([[SM_SID, undefined, 'bind', 9n]]);
  });

  it('refuses bytes of a unit configured otherwise (every difference) and leaves the destination unchanged', () => {
    const src = guest();
    const bytes = saveIntelIommuState(src.u);
    const dst = unit(src.ram.copy(), { ...UNIT_CFG, cachingMode: false, awBits: 39 });
    const before = registers(dst.u);
    const e = expectRefused(() => loadIntelIommuState(dst.u, bytes), 'VMSTATE_CONFIG_MISMATCH', /aw-bits 48 ≠ destination 39/);
    const v = JSON.parse(e.metadata.violations!) as string[];
    expect(v[0]).toBe('aw-bits 48 ≠ destination 39');
    expect(v[1]).toBe('caching-mode on ≠ destination off');
    expect(v.some((x) => x.startsWith('CAP 0x'))).toBe(true);
    expect(registers(dst.u)).toEqual(before);
  });

  it('refuses tampered, truncated and other-model bytes; refuses forged fields the unit cannot hold (valid checksum)', () => {
    const src = guest();
    const bytes = saveIntelIommuState(src.u);
    const dst = unit(src.ram.copy());
    const before = registers(dst.u);
    const t = bytes.slice();
    t[100]! ^= 1;
    expectRefused(() => loadIntelIommuState(dst.u, t), 'VMSTATE_CORRUPT', /checksum/);
    expectRefused(() => loadIntelIommuState(dst.u, bytes.subarray(0, 200)), 'VMSTATE_CORRUPT');
    expectRefused(() => loadIntelIommuState(dst.u, encodeSection({ idstr: 'virtio-iommu', version: 2, fields: () => undefined, subsections: [] })), 'VMSTATE_WRONG_DEVICE');
    const img = decodeIntelIommuState(bytes);
    const forge = (mut: (s: typeof img.state) => void) => {
      const s = { ...img.state, csr: img.state.csr.slice() };
      mut(s);
      return encodeSection({
        idstr: 'iommu-intel',
        version: 1,
        fields: (w) => {
          w.u64(s.root).u64(s.intrRoot).u64(s.iq).u32(s.intrSize).u16(s.iqHead).u16(s.iqTail).u16(s.iqSize).u16(s.nextFrcdReg).bytes(s.csr).u8(s.iqLastDescType).u8(0);
          w.bool(s.dmarEnabled).bool(s.qiEnabled).bool(s.intrEnabled).bool(s.intrEime);
        },
        subsections: [{ name: 'iommu-intel/config', version: 1, fields: (w) => w.u8(48).bool(true).bool(false).bool(false).u8(0).bool(false).bool(true).bool(false) }],
      });
    };
    const cases: Array<[Uint8Array, RegExp]> = [
      [forge((s) => void (s.dmarEnabled = false)), /dmar_enabled false disagrees with GSTS.TES/],
      [forge((s) => void (s.iqHead = 600)), /iq_head 600 is not inside the 512-entry queue/],
      [forge((s) => void (s.iqSize = 300)), /iq_size 300 is not a power of two/],
      [forge((s) => void (s.nextFrcdReg = 1)), /next_frcd_reg 1/],
      [forge((s) => void (s.root = 1n << 50n)), /root 0x4000000000000 has bits outside/],
      [forge((s) => void (s.intrEnabled = true)), /interrupt remapping enabled/],
      [forge((s) => void (s.iqLastDescType = 12)), /iq_last_desc_type 12/],
      [forge((s) => void new DataView(s.csr.buffer).setBigUint64(DMAR.ECAP, 0n, true)), /ECAP 0x0 ≠ destination/],
    ];
    for (const [b, why] of cases) expectRefused(() => loadIntelIommuState(dst.u, b), why.source.startsWith('ECAP') ? 'VMSTATE_CONFIG_MISMATCH' : 'VMSTATE_INVALID', why);
    expect(registers(dst.u)).toEqual(before);
    expect(dst.u.state().dmarEnabled).toBe(false);
  });
});
