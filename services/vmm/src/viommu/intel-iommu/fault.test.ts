import { describe, expect, it } from 'vitest';
import { FlatRam, UNIT_CFG } from './fixtures.js';
import { FRCD, frcdRecord, VTD_FR } from './fault.js';
import { DMAR, FECTL, FSTS, GCMD, IntelIommu, type VtdIrq, type VtdTranslation, type VtdTranslatorPort } from './index.js';

// ------------------------------------------------------------------------------ fixture

/** A translator that fails with whatever the test queues (the fault fields are the subject here). */
function scriptedTranslator(results: VtdTranslation[]): VtdTranslatorPort {
  const noop = (): void => undefined;
  return {
    root: { rootGpa: 0n, scalable: false, translationEnabled: false },
    translate: () => results.shift() ?? { ok: true, pa: 0n, pageShift: 12, perm: 3, did: 0 },
    resetCaches: noop,
    invalidateContextGlobal: noop,
    invalidateContextDevice: noop,
    invalidateIotlbGlobal: noop,
    invalidateIotlbDomain: noop,
    invalidateIotlbPage: noop,
    invalidatePasidCache: noop,
    invalidatePiotlb: noop,
  };
}

function setup(script?: VtdTranslation[]) {
  const irqs: VtdIrq[] = [];
  const ram = new FlatRam(1 << 20);
  const u = script ? new IntelIommu(UNIT_CFG, ram, (i) => irqs.push(i), () => scriptedTranslator(script)) : new IntelIommu(UNIT_CFG, ram, (i) => irqs.push(i));
  const r = (off: number, size: 4 | 8 = 4): bigint => u.mmioRead(off, size);
  const w = (off: number, v: bigint | number, size: 4 | 8 = 4): void => u.mmioWrite(off, size, BigInt(v));
  return { u, ram, irqs, r, w };
}

/** Real translator, DMA remapping on, root table at 0x10000 all zero: every DMA faults ROOT_ENTRY_P. */
function enabled() {
  const s = setup();
  s.w(DMAR.RTADDR, 0x10000n, 8);
  s.w(DMAR.GCMD, GCMD.SRTP);
  s.w(DMAR.GCMD, GCMD.TE);
  return s;
}

const fault = (reason: number, addr: bigint, isWrite: boolean, pasid?: number, recordable = true): VtdTranslation => ({ ok: false, reason, addr, isWrite, recordable, ...(pasid === undefined ? {} : { pasid }) });

// ------------------------------------------------------------------------------ record format

describe('FRCD record (vtd_report_dmar_fault)', () => {
  it('lo = page address; hi = SID | FR<<32 | T (reads) ', () => {
    expect(frcdRecord({ sid: 0x0108, reason: VTD_FR.READ, addr: 0x12345678n, write: false })).toEqual({
      lo: 0x12345000n,
      hi: 0x4000000600000108n,
    });
    expect(frcdRecord({ sid: 0x0108, reason: VTD_FR.WRITE, addr: 0xfffff_ffff_f123n, write: true })).toEqual({
      lo: 0xfffff_ffff_f000n,
      hi: 0x0000000500000108n,
    });
  });

  it('with PASID: PP (31) and PV = pasid & 0xffff (QEMU masks 16 of the 20 bits)', () => {
    const { hi } = frcdRecord({ sid: 0x10, reason: VTD_FR.FS_PAGING_ENTRY_P, addr: 0n, write: true, pasid: 0x12345 });
    expect(hi).toBe((0x2345n << 40n) | FRCD.PP | (0x71n << 32n) | 0x10n);
    expect(hi).toBe(0x0023457180000010n);
  });
});

// ------------------------------------------------------------------------------ recording

describe('fault recording through dmaTranslate', () => {
  it('a root-entry-not-present DMA is recorded: FRCD, FSTS.PPF, FRI 0; masked (reset IM) → FECTL.IP, no interrupt', () => {
    const { u, r, irqs } = enabled();
    const t = u.dmaTranslate(0x0010, undefined, 0x5678n, false);
    expect(t).toMatchObject({ ok: false, reason: VTD_FR.ROOT_ENTRY_P, recordable: true });
    expect(r(DMAR.FRCD0_LO, 8)).toBe(0x5000n);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0xc000000100000010n); // F | T | FR 1 | SID 0x10
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF));
    expect(r(DMAR.FECTL)).toBe(BigInt((FECTL.IM | FECTL.IP) >>> 0));
    expect(irqs).toEqual([]);
    expect(u.lastFault).toBe('recorded');
  });

  it('clearing IM with IP pending fires the fault event and clears IP', () => {
    const { u, r, w, irqs } = enabled();
    w(DMAR.FEADDR, 0xfee00000);
    w(DMAR.FEDATA, 0x4021);
    u.dmaTranslate(0x0010, undefined, 0x1000n, true);
    expect(irqs).toEqual([]);
    w(DMAR.FECTL, 0);
    expect(irqs).toEqual([{ source: 'dmar-fault', msiAddr: 0xfee00000n, msiData: 0x4021 }]);
    expect(r(DMAR.FECTL)).toBe(0n);
  });

  it('unmasked: the fault event is sent at once, FECTL.IP stays clear', () => {
    const { u, r, w, irqs } = enabled();
    w(DMAR.FEADDR, 0xfee01000);
    w(DMAR.FEDATA, 0x41);
    w(DMAR.FECTL, 0);
    u.dmaTranslate(0x0200, undefined, 0x3000n, true);
    expect(irqs).toEqual([{ source: 'dmar-fault', msiAddr: 0xfee01000n, msiData: 0x41 }]);
    expect(r(DMAR.FECTL)).toBe(0n);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0x8000000100000200n); // F | FR 1 | SID 0x200, write → no T
  });

  it('a second fault of the same SID while one is pending is collapsed (dropped, no PFO)', () => {
    const { u, r } = enabled();
    u.dmaTranslate(0x0010, undefined, 0x1000n, false);
    u.dmaTranslate(0x0010, undefined, 0x9000n, true);
    expect(u.lastFault).toBe('dropped-collapsed');
    expect(r(DMAR.FRCD0_LO, 8)).toBe(0x1000n);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF));
  });

  it('another SID while FRCD0 is pending sets PFO (no event); then every fault is dropped', () => {
    const { u, r, w, irqs } = enabled();
    w(DMAR.FECTL, 0);
    u.dmaTranslate(0x0010, undefined, 0x1000n, false);
    expect(irqs).toHaveLength(1);
    u.dmaTranslate(0x0018, undefined, 0x2000n, false);
    expect(u.lastFault).toBe('overflow');
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF | FSTS.PFO));
    expect(irqs).toHaveLength(1);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0xc000000100000010n); // still the first
    // guest clears F (W1C bit 127): PPF recomputed; PFO still set → new faults dropped
    w(DMAR.FRCD0_HI, 1n << 63n, 8);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0x4000000100000010n);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PFO));
    u.dmaTranslate(0x0020, undefined, 0x3000n, false);
    expect(u.lastFault).toBe('dropped-pfo');
    // PFO is W1C; then the next fault records and signals again
    w(DMAR.FSTS, FSTS.PFO);
    expect(r(DMAR.FSTS)).toBe(0n);
    u.dmaTranslate(0x0020, undefined, 0x3000n, true);
    expect(u.lastFault).toBe('recorded');
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0x8000000100000020n);
    expect(irqs).toHaveLength(2);
  });

  it('F is also cleared by a 4-byte write of 0x80000000 at FRCD0 + 0xc; a write of 0 keeps it', () => {
    const { u, r, w } = enabled();
    u.dmaTranslate(0x0010, undefined, 0x1000n, false);
    w(DMAR.FRCD0_HI_HI, 0);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF));
    w(DMAR.FRCD0_HI, 0xffffffff); // low dword of the high quad: no W1C bits there
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0xc000000100000010n);
    w(DMAR.FRCD0_HI_HI, 0x80000000);
    expect(r(DMAR.FSTS)).toBe(0n);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0x4000000100000010n);
  });

  it('clearing all of FSTS clears a pending FECTL.IP (masked case); IM then has nothing to fire', () => {
    const { u, r, w, irqs } = enabled();
    u.dmaTranslate(0x0010, undefined, 0x1000n, false);
    w(DMAR.FRCD0_HI_HI, 0x80000000);
    expect(r(DMAR.FECTL)).toBe(BigInt((FECTL.IM | FECTL.IP) >>> 0)); // FRCD write does not touch IP
    w(DMAR.FSTS, 0x13); // W1C of nothing pending: runs vtd_handle_fsts_write
    expect(r(DMAR.FECTL)).toBe(BigInt(FECTL.IM >>> 0));
    w(DMAR.FECTL, 0);
    expect(irqs).toEqual([]);
  });

  it('an invalidation-queue error while a fault is pending (PPF) sets IQE without a second event', () => {
    const { u, r, w, irqs } = enabled();
    w(DMAR.FECTL, 0);
    u.dmaTranslate(0x0010, undefined, 0x1000n, false);
    expect(irqs).toHaveLength(1);
    w(DMAR.IQA, 0x4000_0000n, 8); // queue outside RAM: the first fetch fails
    w(DMAR.GCMD, GCMD.QIE | GCMD.TE);
    w(DMAR.IQT, 1n << 4n, 8);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF | FSTS.IQE));
    expect(irqs).toHaveLength(1);
  });

  it('FSTS: PPF is not guest-writable, FRI holds the slot', () => {
    const { u, r, w } = enabled();
    u.dmaTranslate(0x0010, undefined, 0x1000n, false);
    w(DMAR.FSTS, 0xffffffff);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF)); // FRI 0
  });

  it('PASID and T fields come from the translation; FPD-suppressed faults are not recorded', () => {
    const script = [fault(VTD_FR.SM_WRITE, 0xabcdef123n, true, 0x7), fault(VTD_FR.READ, 0x2000n, false, undefined, false)];
    const { u, r, w } = setup(script);
    w(DMAR.FECTL, 0);
    u.dmaTranslate(0x0300, 7, 0xabcdef123n, true);
    expect(r(DMAR.FRCD0_LO, 8)).toBe(0xabcdef000n);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0x8000078580000300n); // F | PV 7 | FR 0x85 | PP | SID
    w(DMAR.FRCD0_HI, 1n << 63n, 8);
    const before = r(DMAR.FRCD0_HI, 8);
    u.dmaTranslate(0x0400, undefined, 0x2000n, false);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(before);
    expect(r(DMAR.FSTS)).toBe(0n);
  });

  it('a successful translation records nothing', () => {
    const { u, r } = setup([]);
    expect(u.dmaTranslate(0x10, undefined, 0x1000n, true)).toMatchObject({ ok: true });
    expect(r(DMAR.FSTS)).toBe(0n);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0n);
  });
});
