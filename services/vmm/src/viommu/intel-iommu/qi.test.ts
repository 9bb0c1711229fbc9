import { describe, expect, it, vi } from 'vitest';
import type { IntelIommuConfig } from './caps.js';
import { FlatRam, UNIT_CFG } from './fixtures.js';
import { DMAR, FSTS, GCMD, GSTS, IECTL, INV_DESC, IntelIommu, type VtdIrq } from './index.js';

// ------------------------------------------------------------------------------ fixture

const SM: Partial<IntelIommuConfig> = { scalableMode: true, pasidBits: 8 };
const IQ = 0x20000;
const STATUS = 0x30000;

function setup(o: Partial<IntelIommuConfig> = {}, dw = false, qs = 0) {
  const irqs: VtdIrq[] = [];
  const ram = new FlatRam(1 << 20);
  const u = new IntelIommu({ ...UNIT_CFG, ...o }, ram, (i) => irqs.push(i));
  const r = (off: number, size: 4 | 8 = 4): bigint => u.mmioRead(off, size);
  const w = (off: number, v: bigint | number, size: 4 | 8 = 4): void => u.mmioWrite(off, size, BigInt(v));
  const t = u.translator;
  const spies = {
    ccGlobal: vi.spyOn(t, 'invalidateContextGlobal'),
    ccDevice: vi.spyOn(t, 'invalidateContextDevice'),
    iotlbGlobal: vi.spyOn(t, 'invalidateIotlbGlobal'),
    iotlbDomain: vi.spyOn(t, 'invalidateIotlbDomain'),
    iotlbPage: vi.spyOn(t, 'invalidateIotlbPage'),
    pasidCache: vi.spyOn(t, 'invalidatePasidCache'),
    piotlb: vi.spyOn(t, 'invalidatePiotlb'),
  };
  const size = dw ? 32 : 16;
  /** Put descriptors at queue slots from `slot`. */
  const put = (slot: number, ...descs: bigint[][]): void => {
    descs.forEach((d, i) => {
      for (let q = 0; q < size / 8; q++) ram.dv.setBigUint64(IQ + (slot + i) * size + q * 8, d[q] ?? 0n, true);
    });
  };
  /** Write IQT for `n` descriptors from the start (tail index n). */
  const tail = (n: number): void => w(DMAR.IQT, BigInt(n) << (dw ? 5n : 4n), 8);
  const enable = (): void => {
    w(DMAR.IQA, BigInt(IQ) | (dw ? 0x800n : 0n) | BigInt(qs), 8);
    w(DMAR.GCMD, GCMD.QIE);
  };
  const calls = (): number => Object.values(spies).reduce((n, s) => n + s.mock.calls.length, 0);
  return { u, ram, irqs, r, w, put, tail, enable, spies, calls };
}

// Descriptor builders (VT-d 6.5.2; QEMU field extraction).
const cc = (g: number, did = 0, sid = 0, fm = 0): bigint[] => [0x1n | (BigInt(g) << 4n) | (BigInt(did) << 16n) | (BigInt(sid) << 32n) | (BigInt(fm) << 48n), 0n];
const iotlb = (g: number, did = 0, addr = 0n, am = 0, ih = false): bigint[] => [0x2n | (BigInt(g) << 4n) | (BigInt(did) << 16n), addr | BigInt(am) | (ih ? 0x40n : 0n)];
const wait = (f: { sw?: boolean; if?: boolean; fn?: boolean; data?: number; addr?: bigint }): bigint[] => [
  0x5n | (f.if ? 0x10n : 0n) | (f.sw ? 0x20n : 0n) | (f.fn ? 0x40n : 0n) | (BigInt(f.data ?? 0) << 32n),
  f.addr ?? 0n,
];
const piotlb = (g: number, did: number, pasid: number, addr = 0n, am = 0, ih = false): bigint[] => [0x6n | (BigInt(g) << 4n) | (BigInt(did) << 16n) | (BigInt(pasid) << 32n), addr | BigInt(am) | (ih ? 0x40n : 0n)];
const pc = (g: number, did: number, pasid: number): bigint[] => [0x7n | (BigInt(g) << 4n) | (BigInt(did) << 16n) | (BigInt(pasid) << 32n), 0n];
const u32 = (ram: FlatRam, gpa: number): number => ram.dv.getUint32(gpa, true);

// ------------------------------------------------------------------------------ 128-bit queue

describe('invalidation queue, 128-bit descriptors', () => {
  it('QIE sets QIES and latches IQA; IQT runs every descriptor, IQH follows, the wait writes its status', () => {
    const { u, ram, r, put, tail, enable, spies } = setup();
    enable();
    expect(r(DMAR.GSTS)).toBe(BigInt(GSTS.QIES));
    expect(u.state().qi).toMatchObject({ enabled: true, base: BigInt(IQ), size: 256, dw: false });
    put(0, iotlb(1), cc(3, 0, 0x0108, 1), iotlb(3, 4, 0x7000n, 1, true), wait({ sw: true, data: 0xcafe1234, addr: BigInt(STATUS) }));
    tail(4);
    expect(spies.iotlbGlobal).toHaveBeenCalledTimes(1);
    expect(spies.ccDevice).toHaveBeenCalledWith(0x0108, 1);
    expect(spies.iotlbPage).toHaveBeenCalledWith(4, 0x7000n, 1, true);
    expect(u32(ram, STATUS)).toBe(0xcafe1234);
    expect(r(DMAR.IQH, 8)).toBe(0x40n);
    expect(r(DMAR.FSTS)).toBe(0n);
  });

  it('context-cache domain-selective runs as global; IOTLB domain-selective by DID', () => {
    const { put, tail, enable, spies } = setup();
    enable();
    put(0, cc(2, 9), cc(1), iotlb(2, 9));
    tail(3);
    expect(spies.ccGlobal).toHaveBeenCalledTimes(2);
    expect(spies.iotlbDomain).toHaveBeenCalledWith(9);
  });

  it('inv_wait IF: ICS.IWC + IECTL.IP while masked (reset), the interrupt when IM clears', () => {
    const { r, w, put, tail, enable, irqs } = setup();
    w(DMAR.IEADDR, 0xfee00000);
    w(DMAR.IEDATA, 0x4022);
    enable();
    put(0, wait({ if: true }));
    tail(1);
    expect(r(DMAR.ICS)).toBe(1n);
    expect(r(DMAR.IECTL)).toBe(BigInt((IECTL.IM | IECTL.IP) >>> 0));
    expect(irqs).toEqual([]);
    w(DMAR.IECTL, 0);
    expect(irqs).toEqual([{ source: 'dmar-inv', msiAddr: 0xfee00000n, msiData: 0x4022 }]);
    expect(r(DMAR.IECTL)).toBe(0n);
    w(DMAR.ICS, 1); // W1C
    expect(r(DMAR.ICS)).toBe(0n);
  });

  it('inv_wait IF unmasked: interrupt at once; none while IWC is still set; ICS clear clears a masked IP', () => {
    const { r, w, put, tail, enable, irqs } = setup();
    w(DMAR.IEADDR, 0xfee00000);
    w(DMAR.IEDATA, 0x22);
    w(DMAR.IECTL, 0);
    enable();
    put(0, wait({ if: true }), wait({ if: true }));
    tail(1);
    expect(irqs).toHaveLength(1);
    tail(2);
    expect(irqs).toHaveLength(1); // one pending: skipped
    w(DMAR.ICS, 1);
    w(DMAR.IECTL, IECTL.IM);
    put(2, wait({ if: true }));
    tail(3);
    expect(r(DMAR.IECTL)).toBe(BigInt((IECTL.IM | IECTL.IP) >>> 0));
    w(DMAR.ICS, 1);
    expect(r(DMAR.IECTL)).toBe(BigInt(IECTL.IM >>> 0));
    expect(irqs).toHaveLength(1);
  });

  it('a reserved bit stops the queue: IQE, IQH at the bad descriptor, nothing after it runs, fault event', () => {
    const { ram, r, w, put, tail, enable, spies, irqs, u } = setup();
    w(DMAR.FEADDR, 0xfee00000);
    w(DMAR.FEDATA, 0x30);
    w(DMAR.FECTL, 0);
    enable();
    const bad = iotlb(1);
    bad[0] = bad[0]! | 0x100n; // lo bit 8: reserved
    put(0, iotlb(1), bad, wait({ sw: true, if: true, data: 1, addr: BigInt(STATUS) }));
    tail(3);
    expect(spies.iotlbGlobal).toHaveBeenCalledTimes(1);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(r(DMAR.IQH, 8)).toBe(0x10n);
    expect(u32(ram, STATUS)).toBe(0);
    expect(r(DMAR.ICS)).toBe(0n);
    expect(irqs).toEqual([{ source: 'dmar-fault', msiAddr: 0xfee00000n, msiData: 0x30 }]);
    expect(u.state().qi.lastError).toMatchObject({ reason: 'reserved-bits', head: 1 });
    // IQT writes do nothing while IQE is set; clearing IQE alone does not restart either
    tail(3);
    put(1, iotlb(2, 3));
    w(DMAR.FSTS, FSTS.IQE);
    expect(r(DMAR.FSTS)).toBe(0n);
    expect(spies.iotlbDomain).not.toHaveBeenCalled();
    tail(3);
    expect(spies.iotlbDomain).toHaveBeenCalledWith(3);
    expect(u32(ram, STATUS)).toBe(1);
    expect(r(DMAR.IQH, 8)).toBe(0x30n);
  });

  it('IQE while a fault is already pending raises no second event', () => {
    const { r, w, put, tail, enable, irqs } = setup();
    w(DMAR.FECTL, 0);
    enable();
    put(0, [0xan, 0n]); // unknown type
    tail(1);
    expect(irqs).toHaveLength(1);
    put(1, [0xan, 0n]);
    w(DMAR.FSTS, 0); // IQE still set
    tail(2);
    expect(irqs).toHaveLength(1);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
  });

  it.each([
    ['unknown type 0xa', [0xan, 0n]],
    ['type bits 11:9 (0x201 → 0x21)', [0x201n, 0n]],
    ['context-cache G=0', cc(0)],
    ['context-cache hi non-zero', [cc(1)[0]!, 1n]],
    ['IOTLB G=0', iotlb(0)],
    ['IOTLB PSI AM 19 > MAMV', iotlb(3, 1, 0n, 19)],
    ['IOTLB hi reserved bit 7', [iotlb(3, 1)[0]!, 0x80n]],
    ['wait with SW=IF=FN=0', wait({})],
    ['wait status address not 4-byte aligned', wait({ sw: true, addr: BigInt(STATUS + 2) })],
    ['wait reserved bit 7 (PD without ECAP.PDS)', [0x25n | 0x80n, BigInt(STATUS)]],
    ['dev-TLB hi reserved bit 1', [0x3n, 0x2n]],
    ['IEC reserved bit 5', [0x24n, 0n]],
    ['PASID-IOTLB in a 128-bit queue', piotlb(2, 1, 1)],
    ['PASID-cache in a 128-bit queue', pc(0, 1, 0)],
    ['PASID dev-TLB in a 128-bit queue', [0x8n, 0n]],
    ['page-group response without PASID (PP=0)', [0x9n, 0n]],
    ['page-group response reserved hi bit 0', [0x19n, 1n]],
  ])('IQE: %s', (_name, desc) => {
    const { r, put, tail, enable, calls, ram } = setup();
    enable();
    put(0, desc);
    tail(1);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(r(DMAR.IQH, 8)).toBe(0n);
    expect(calls()).toBe(0);
    expect(u32(ram, STATUS)).toBe(0);
  });

  it('valid descriptors without a modelled effect complete: dev-TLB, IEC, page-group response, wait FN', () => {
    const { r, put, tail, enable } = setup();
    enable();
    put(0, [0x3n | (0x0108n << 32n), 0x5000n | 1n], [0x4n | 0x10n, 0n], [0x9n | 0x10n | (0x0108n << 16n) | (5n << 32n), 3n << 3n], wait({ fn: true }));
    tail(4);
    expect(r(DMAR.FSTS)).toBe(0n);
    expect(r(DMAR.IQH, 8)).toBe(0x40n);
  });

  it('a status write outside RAM is an IQE, but IF of the same wait still completes', () => {
    const { r, put, tail, enable } = setup();
    enable();
    put(0, wait({ sw: true, if: true, addr: 0x4000_0000n }));
    tail(1);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(r(DMAR.ICS)).toBe(1n);
    expect(r(DMAR.IQH, 8)).toBe(0n);
  });

  it('a tail beyond the queue size is an IQE (QS 0: 256 entries)', () => {
    const { r, w, enable, u } = setup();
    enable();
    w(DMAR.IQT, 256n << 4n, 8);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(u.state().qi.lastError?.reason).toBe('tail-beyond-queue');
  });

  it('QS sizes the queue: QS 1 → 512 entries, the wrap at the end', () => {
    const { u, r, put, tail, enable, spies } = setup({}, false, 1);
    enable();
    expect(u.state().qi.size).toBe(512);
    put(510, iotlb(1), iotlb(1));
    // head 0 → 510 first: fill 0..509 with waits (FN only)
    for (let i = 0; i < 510; i++) put(i, wait({ fn: true }));
    tail(511);
    expect(r(DMAR.IQH, 8)).toBe(511n << 4n);
    tail(0); // wraps: runs slot 511
    expect(r(DMAR.IQH, 8)).toBe(0n);
    expect(spies.iotlbGlobal).toHaveBeenCalledTimes(2);
  });

  it('a descriptor fetch outside RAM is an IQE', () => {
    const { r, w, u } = setup();
    w(DMAR.IQA, 0x4000_0000n, 8);
    w(DMAR.GCMD, GCMD.QIE);
    w(DMAR.IQT, 1n << 4n, 8);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(u.state().qi).toMatchObject({ lastDescType: INV_DESC.NONE, lastError: { reason: 'fetch-failed' } });
  });

  it('QIE with IQT already set processes at once (the Windows quirk)', () => {
    const { w, put, spies, r } = setup();
    put(0, iotlb(1));
    w(DMAR.IQT, 1n << 4n, 8); // QI off: only latched
    expect(spies.iotlbGlobal).not.toHaveBeenCalled();
    w(DMAR.IQA, BigInt(IQ), 8);
    w(DMAR.GCMD, GCMD.QIE);
    expect(spies.iotlbGlobal).toHaveBeenCalledTimes(1);
    expect(r(DMAR.IQH, 8)).toBe(0x10n);
  });

  it('QIE off only when drained and the last descriptor was a wait; IQH resets, IQA keeps the base', () => {
    const { r, w, put, tail, enable, u } = setup();
    enable();
    put(0, iotlb(1));
    tail(1);
    w(DMAR.GCMD, 0);
    expect(r(DMAR.GSTS)).toBe(BigInt(GSTS.QIES)); // last was not a wait: ignored
    put(1, wait({ fn: true }));
    tail(2);
    w(DMAR.GCMD, GCMD.QIE); // no change: QIE already on
    w(DMAR.GCMD, 0);
    expect(r(DMAR.GSTS)).toBe(0n);
    expect(r(DMAR.IQH, 8)).toBe(0n);
    expect(u.state().qi).toMatchObject({ enabled: false, head: 0, tail: 2 });
    expect(r(DMAR.IQA, 8)).toBe(BigInt(IQ));
  });
});

// ------------------------------------------------------------------------------ 256-bit queue

describe('invalidation queue, 256-bit descriptors (scalable mode)', () => {
  it('IQA.DW with ECAP.SMTS: 32-byte descriptors, IQH in 32-byte units, PASID descriptors run', () => {
    const { u, r, put, tail, enable, spies } = setup(SM, true);
    enable();
    expect(u.state().qi).toMatchObject({ dw: true, size: 128 });
    put(0, piotlb(3, 3, 5, 0x40000n, 1, true), piotlb(2, 3, 5), pc(0, 4, 0), pc(1, 4, 9), pc(3, 0, 0), iotlb(1));
    tail(6);
    expect(spies.piotlb.mock.calls).toEqual([
      [3, 5, 0x40000n, 1, true],
      [3, 5],
    ]);
    expect(spies.pasidCache.mock.calls).toEqual([[4], [4, 9], [0, undefined, true]]);
    expect(spies.iotlbGlobal).toHaveBeenCalledTimes(1);
    expect(r(DMAR.IQH, 8)).toBe(6n << 5n);
    expect(r(DMAR.FSTS)).toBe(0n);
  });

  it('PASID-IOTLB page-selective with AM above MAMV drops the whole (DID, PASID)', () => {
    const { put, tail, enable, spies } = setup(SM, true);
    enable();
    put(0, piotlb(3, 3, 5, 0x40000n, 30));
    tail(1);
    expect(spies.piotlb.mock.calls).toEqual([[3, 5]]);
  });

  it.each([
    ['a 128-bit type with val[2] non-zero', [...iotlb(1), 1n, 0n]],
    ['a 128-bit type with val[3] non-zero', [...cc(1), 0n, 1n << 63n]],
    ['PASID-IOTLB G=1', piotlb(1, 1, 1)],
    ['PASID-cache G=2', pc(2, 1, 1)],
    ['PASID-cache val[1] non-zero', [pc(0, 1, 0)[0]!, 1n]],
    ['PASID dev-TLB reserved val1 bit 1', [0x8n, 0x2n]],
  ])('IQE: %s', (_name, desc) => {
    const { r, put, tail, enable, calls } = setup(SM, true);
    enable();
    put(0, desc);
    tail(1);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(calls()).toBe(0);
  });

  it('IQT bit 4 set in a 256-bit queue is an IQE and leaves the tail', () => {
    const { r, w, enable, u } = setup(SM, true);
    enable();
    w(DMAR.IQT, 0x30n, 8);
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.IQE));
    expect(u.state().qi).toMatchObject({ tail: 0, lastError: { reason: 'tail-reserved-bit' } });
  });

  it('without ECAP.SMTS the DW bit is stored but the queue stays 128-bit', () => {
    const { u, r, w, put, tail, spies } = setup({}, false);
    w(DMAR.IQA, BigInt(IQ) | 0x800n, 8);
    w(DMAR.GCMD, GCMD.QIE);
    expect(u.state().qi).toMatchObject({ dw: false, size: 256 });
    expect(r(DMAR.IQA, 8)).toBe(BigInt(IQ) | 0x800n);
    put(0, iotlb(1), iotlb(1));
    tail(2);
    expect(spies.iotlbGlobal).toHaveBeenCalledTimes(2);
  });
});
