import { describe, expect, it } from 'vitest';
import type { IntelIommuConfig } from './caps.js';
import { CTX, DID, fail, legacy, ok, PDIR, PTAB, ROOT, scalable, SID } from './fixtures.js';
import { VTD_FR } from './translate.js';

const OUTSIDE = 1n << 40n; // a GPA outside RAM

// ------------------------------------------------------------------------------ legacy mode

describe('legacy mode: root → context → second stage', () => {
  it('translates a 4K page through a 4-level table, with R/W, DID and an IOTLB entry', () => {
    const { b, t, top, levels } = legacy();
    b.map(top, levels, 0x12345000n, 0x40000000n | 3n);
    expect(ok(t.translate(SID, undefined, 0x12345678n, true))).toEqual({ ok: true, pa: 0x40000678n, pageShift: 12, perm: 3, did: DID });
    // a read result never carries W (QEMU: perm & ~IOMMU_WO)
    expect(ok(t.translate(SID, undefined, 0x12345010n, false)).perm).toBe(1);
    expect(t.iotlbEntries()).toEqual([{ sid: SID, did: DID, iova: 0x12345000n, pa: 0x40000000n, pageShift: 12, perm: 3 }]);
  });

  it('walks 3 levels for AW=1 on a 39-bit unit and refuses AW=2 there (CONTEXT_ENTRY_INV)', () => {
    const { b, t, top, levels } = legacy({ awBits: 39 });
    expect(levels).toBe(3);
    b.map(top, 3, 0x7f_0000_0000n, 0x5000n | 1n);
    expect(ok(t.translate(SID, undefined, 0x7f_0000_0123n, false)).pa).toBe(0x5123n);
    const bad = legacy({ awBits: 39 }, { aw: 2 });
    expect(fail(bad.t.translate(SID, undefined, 0n, false))).toMatchObject({ reason: VTD_FR.CONTEXT_ENTRY_INV, recordable: true });
  });

  it('2M and 1G leaves give pageShift 21 / 30 and keep the offset', () => {
    const { b, t, top, levels } = legacy();
    b.map(top, levels, 0x4020_0000n, 0x8000_0000n | (1n << 7n) | 3n, 2);
    b.map(top, levels, 0x80_4000_0000n, 0x4000_0000n | (1n << 7n) | 1n, 3);
    expect(ok(t.translate(SID, undefined, 0x4021_2345n, true))).toMatchObject({ pa: 0x8001_2345n, pageShift: 21, perm: 3 });
    expect(ok(t.translate(SID, undefined, 0x80_4abc_def0n, false))).toMatchObject({ pa: 0x4abc_def0n, pageShift: 30, perm: 1 });
    expect(t.iotlbEntries().map((e) => [e.iova, e.pageShift])).toEqual([
      [0x4020_0000n, 21],
      [0x80_4000_0000n, 30],
    ]);
  });

  it('permissions: W missing → WRITE (5), R missing at any level → READ (6), a zero PTE is a READ/WRITE fault', () => {
    const { b, ram, t, top, levels } = legacy();
    b.map(top, levels, 0x1000n, 0x9000n | 1n); // read-only
    expect(fail(t.translate(SID, undefined, 0x1000n, true))).toEqual({ ok: false, reason: VTD_FR.WRITE, addr: 0x1000n, isWrite: true, recordable: true });
    expect(ok(t.translate(SID, undefined, 0x1000n, false)).perm).toBe(1);
    // a middle level without R: reads fault, writes still pass
    b.map(top, levels, 0x4000_0000n, 0xa000n | 3n);
    const l2 = b.entryAddr(top, levels, 0x4000_0000n, 2);
    ram.w64(l2, ram.r64(l2) & ~1n);
    expect(fail(t.translate(SID, undefined, 0x4000_0000n, false)).reason).toBe(VTD_FR.READ);
    expect(ok(t.translate(SID, undefined, 0x4000_0000n, true))).toMatchObject({ pa: 0xa000n, perm: 2 });
    expect(fail(t.translate(SID, undefined, 0x2000_0000_0000n, false)).reason).toBe(VTD_FR.READ);
    expect(fail(t.translate(SID, undefined, 0x2000_0000_0000n, true)).reason).toBe(VTD_FR.WRITE);
  });

  it('an IOVA above min(MGAW, AGAW) faults ADDR_BEYOND_MGAW (4)', () => {
    const { t } = legacy({ awBits: 39 });
    expect(fail(t.translate(SID, undefined, 1n << 39n, false)).reason).toBe(VTD_FR.ADDR_BEYOND_MGAW);
    const w = legacy({ awBits: 48 }, { aw: 1 }); // 3-level context on a 48-bit unit: AGAW 39
    expect(fail(w.t.translate(SID, undefined, 1n << 40n, false)).reason).toBe(VTD_FR.ADDR_BEYOND_MGAW);
  });

  it('reserved bits: above HAW, SNP without scalable/snoop-control, PS in the PML4E, large-page low bits → PAGING_ENTRY_RSVD (0xc)', () => {
    const a = legacy({ awBits: 39 });
    a.b.map(a.top, 3, 0x1000n, (1n << 39n) | 0x5000n | 3n);
    expect(fail(a.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_RSVD);
    // ignored bits (63, 61:52) are not reserved
    a.b.map(a.top, 3, 0x2000n, 0xbff0000000000000n | 0x6000n | 3n);
    expect(ok(a.t.translate(SID, undefined, 0x2000n, false)).pa).toBe(0x6000n);
    // TM (62) is reserved (stale-tm off)
    a.b.map(a.top, 3, 0x3000n, (1n << 62n) | 0x7000n | 3n);
    expect(fail(a.t.translate(SID, undefined, 0x3000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_RSVD);

    const snp = 0x800n;
    const c = legacy();
    c.b.map(c.top, c.levels, 0x1000n, snp | 0x5000n | 3n);
    expect(fail(c.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_RSVD);
    for (const o of [{ scalableMode: true }, { snoopControl: true }]) {
      const d = legacy(o);
      d.b.map(d.top, d.levels, 0x1000n, snp | 0x5000n | 3n);
      expect(ok(d.t.translate(SID, undefined, 0x1000n, false)).pa).toBe(0x5000n);
      // SNP stays reserved in a non-leaf L2 entry
      d.b.map(d.top, d.levels, 0x4000_0000n, 0x6000n | 3n);
      const l2 = d.b.entryAddr(d.top, d.levels, 0x4000_0000n, 2);
      d.ram.w64(l2, d.ram.r64(l2) | snp);
      expect(fail(d.t.translate(SID, undefined, 0x4000_0000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_RSVD);
    }

    const e = legacy();
    e.ram.w64(e.top, 0x9000n | (1n << 7n) | 3n); // PS in a PML4E
    expect(fail(e.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_RSVD);
    e.b.map(e.top, e.levels, 0x80_0020_0000n, 0x20_0000n | 0x1000n | (1n << 7n) | 3n, 2); // 2M leaf with bit 12
    expect(fail(e.t.translate(SID, undefined, 0x80_0020_0000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_RSVD);
  });

  it('table fetch errors: top table outside RAM → CONTEXT_ENTRY_INV (3), a lower one → PAGING_ENTRY_INV (7)', () => {
    const { ram, t, top } = legacy();
    ram.w64(top, OUTSIDE | 3n);
    expect(fail(t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PAGING_ENTRY_INV);
    const o = legacy();
    o.ram.w64(CTX + BigInt(SID & 0xff) * 16n, OUTSIDE | 1n);
    expect(fail(o.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_INV);
  });

  it('root and context chain faults in QEMU order, FPD only for qualified reasons', () => {
    const r = legacy();
    r.t.root = { ...r.t.root, rootGpa: OUTSIDE };
    expect(fail(r.t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.ROOT_TABLE_INV, recordable: true });

    const p = legacy();
    expect(fail(p.t.translate(0x0110, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.ROOT_ENTRY_P, recordable: true });

    const rsvd = legacy();
    rsvd.ram.w64(ROOT + 8n, 1n); // legacy: any non-zero hi
    expect(fail(rsvd.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.ROOT_ENTRY_RSVD);
    const rsvd2 = legacy();
    rsvd2.ram.w64(ROOT, CTX | 0x10n | 1n);
    expect(fail(rsvd2.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.ROOT_ENTRY_RSVD);

    const ctf = legacy();
    ctf.ram.w64(ROOT, OUTSIDE | 1n);
    expect(fail(ctf.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_TABLE_INV);

    // CE not present; its FPD still suppresses the (qualified) fault
    const np = legacy();
    expect(fail(np.t.translate(SID + 1, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.CONTEXT_ENTRY_P, recordable: true });
    np.ram.w64(CTX + BigInt((SID + 1) & 0xff) * 16n, 2n);
    expect(fail(np.t.translate(SID + 1, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.CONTEXT_ENTRY_P, recordable: false });

    const cr = legacy({}, { fpd: true });
    cr.ram.w64(CTX + BigInt(SID & 0xff) * 16n + 8n, (1n << 7n) | BigInt(DID << 8) | 2n);
    // CONTEXT_ENTRY_RSVD is not qualified: recorded despite FPD
    expect(fail(cr.t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.CONTEXT_ENTRY_RSVD, recordable: true });

    const tt3 = legacy({}, { tt: 3 });
    expect(fail(tt3.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_INV);
    const tt1 = legacy({}, { tt: 1 });
    expect(fail(tt1.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_INV);
    const tt1ok = legacy({ deviceIotlb: true }, { tt: 1 });
    tt1ok.b.map(tt1ok.top, tt1ok.levels, 0x1000n, 0x5000n | 3n);
    expect(ok(tt1ok.t.translate(SID, undefined, 0x1000n, false)).pa).toBe(0x5000n);

    // a walk fault under a CE with FPD is not recorded
    const f = legacy({}, { fpd: true });
    expect(fail(f.t.translate(SID, undefined, 0x1000n, true))).toMatchObject({ reason: VTD_FR.WRITE, recordable: false });
  });

  it('pass-through (TT=2): the address space bypasses the unit (nodmar): identity, no IOTLB entry', () => {
    const { t } = legacy({}, { tt: 2, did: 9 });
    expect(ok(t.translate(SID, undefined, 0x1234_5678n, true))).toEqual({ ok: true, pa: 0x1234_5678n, pageShift: 12, perm: 3, did: -1, passThrough: true });
    expect(t.iotlbEntries()).toEqual([]);
    expect(t.passThroughSpaces()).toEqual([{ sid: SID }]);
  });

  it('an output range overlapping 0xFEEx_xxxx faults INTERRUPT_ADDR (0xe), SM_INTERRUPT_ADDR (0x87) on a scalable-capable unit', () => {
    const a = legacy();
    a.b.map(a.top, a.levels, 0x1000n, 0xfee00000n | 3n);
    expect(fail(a.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.INTERRUPT_ADDR);
    a.b.map(a.top, a.levels, 0x80_c000_0000n, 0xc000_0000n | (1n << 7n) | 3n, 3); // a 1G page containing the window
    expect(fail(a.t.translate(SID, undefined, 0x80_c000_0000n, false)).reason).toBe(VTD_FR.INTERRUPT_ADDR);
    const s = legacy({ scalableMode: true });
    s.b.map(s.top, s.levels, 0x1000n, 0xfee00000n | 3n);
    expect(fail(s.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.SM_INTERRUPT_ADDR);
  });

  it('an input address in 0xFEEx_xxxx without PASID is an interrupt, never walked; DMAR off is identity', () => {
    const { t } = legacy();
    expect(ok(t.translate(SID, undefined, 0xfee01000n, true))).toMatchObject({ interrupt: true, pa: 0xfee01000n });
    t.root = { ...t.root, translationEnabled: false };
    expect(ok(t.translate(SID, undefined, 0x1234n, true))).toEqual({ ok: true, pa: 0x1234n, pageShift: 12, perm: 3, did: -1, passThrough: true });
  });
});

// ------------------------------------------------------------------------------ scalable mode


describe('scalable mode: context → PASID directory → PASID entry → walk', () => {
  it('second stage (PGTT=SST) for a request without PASID uses PASID 0; its faults carry PASID 0', () => {
    const { b, t, pe } = scalable();
    const ss = b.table();
    pe(0, { pgtt: 2, ss, did: 42 });
    b.map(ss, 4, 0x1000n, 0x7000n | 3n);
    expect(ok(t.translate(SID, undefined, 0x1004n, true))).toEqual({ ok: true, pa: 0x7004n, pageShift: 12, perm: 3, did: 42 });
    expect(t.iotlbEntries()).toEqual([{ sid: SID, did: 42, pasid: 0, iova: 0x1000n, pa: 0x7000n, pageShift: 12, perm: 3 }]);
    expect(fail(t.translate(SID, undefined, 0x2000n, false))).toEqual({ ok: false, reason: VTD_FR.READ, addr: 0x2000n, isWrite: false, pasid: 0, recordable: true });
  });

  it('devfn ≥ 128 uses the upper context-table pointer of the root entry', () => {
    const sid = 0x0085;
    const { b, t, pe } = scalable({}, sid);
    const ss = b.table();
    pe(0, { pgtt: 2, ss });
    b.map(ss, 4, 0x1000n, 0x7000n | 3n);
    expect(ok(t.translate(sid, undefined, 0x1000n, false)).pa).toBe(0x7000n);
    // the lower half is not present for it
    expect(fail(t.translate(0x0005, undefined, 0x1000n, false)).reason).toBe(VTD_FR.ROOT_ENTRY_P);
  });

  it('PGTT: FST without x-flts, SST with x-flts, NESTED, 0 (a zeroed entry) → PASID_TABLE_ENTRY_INV (0x5b); PT → identity', () => {
    const cases: Array<[Partial<IntelIommuConfig>, number]> = [
      [{}, 1],
      [{ flts: true }, 2],
      [{}, 3],
      [{ flts: true }, 3],
      [{}, 0],
      [{}, 5],
    ];
    for (const [o, pgtt] of cases) {
      const { t, pe } = scalable(o);
      pe(0, { pgtt, ss: 0x9000n, fs: 0x9000n });
      expect(fail(t.translate(SID, undefined, 0x1000n, false)), `pgtt ${pgtt}`).toMatchObject({ reason: VTD_FR.PASID_TABLE_ENTRY_INV, recordable: true });
    }
    // an all-zero PASID entry: the type check comes before the present check (0x5b, not 0x59)
    const z = scalable();
    expect(fail(z.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_TABLE_ENTRY_INV);
    // SST level not in SAGAW
    const l = scalable({ awBits: 39 });
    l.pe(0, { pgtt: 2, aw: 2, ss: 0x9000n });
    expect(fail(l.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_TABLE_ENTRY_INV);
    // FST with 5-level paging (FSPM=1)
    const f5 = scalable({ flts: true });
    f5.pe(0, { pgtt: 1, fs: 0x9000n, fspm: 1 });
    expect(fail(f5.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_TABLE_ENTRY_INV);
    for (const o of [{}, { flts: true }]) {
      const pt = scalable(o);
      pt.pe(0, { pgtt: 4, did: 3 });
      expect(ok(pt.t.translate(SID, undefined, 0xdead_b000n, true))).toEqual({ ok: true, pa: 0xdead_b000n, pageShift: 12, perm: 3, did: -1, passThrough: true });
      expect(pt.t.iotlbEntries()).toEqual([]);
    }
  });

  it('PASID directory and table faults: 0x50, 0x51, 0x58, 0x59; scalable context reserved bits → 0xb', () => {
    const d = scalable();
    d.ram.w64(d.ceAddr, OUTSIDE | 1n);
    expect(fail(d.t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.PASID_DIR_ACCESS_ERR, recordable: true });
    const dp = scalable();
    dp.ram.w64(PDIR, PTAB);
    expect(fail(dp.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_DIR_ENTRY_P);
    const tr = scalable();
    tr.ram.w64(PDIR, OUTSIDE | 1n);
    expect(fail(tr.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_TABLE_ACCESS_ERR);
    const np = scalable();
    np.pe(0, { pgtt: 2, ss: 0x9000n, present: false });
    expect(fail(np.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_ENTRY_P);
    const rs = scalable();
    rs.pe(0, { pgtt: 2, ss: 0x9000n });
    rs.ram.w64(rs.ceAddr + 16n, 1n); // val[2] must be zero
    expect(fail(rs.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_RSVD);
    const rs1 = scalable();
    rs1.pe(0, { pgtt: 2, ss: 0x9000n });
    rs1.ram.w64(rs1.ceAddr, PDIR | 0x20n | 1n); // bits 8:5
    expect(fail(rs1.t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_RSVD);
  });

  it('a request with PASID walks its own entry; a non-present one faults 0x59 with PASID; FPD in the PASID entry suppresses', () => {
    const { b, t, pe } = scalable();
    const ss0 = b.table();
    const ss5 = b.table();
    pe(0, { pgtt: 2, ss: ss0, did: 1 });
    pe(5, { pgtt: 2, ss: ss5, did: 2 });
    b.map(ss0, 4, 0x1000n, 0x7000n | 3n);
    b.map(ss5, 4, 0x1000n, 0x8000n | 3n);
    expect(ok(t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ pa: 0x7000n, did: 1 });
    expect(ok(t.translate(SID, 5, 0x1000n, false))).toMatchObject({ pa: 0x8000n, did: 2 });
    expect(fail(t.translate(SID, 5, 0x2000n, true))).toMatchObject({ reason: VTD_FR.WRITE, pasid: 5, recordable: true });
    pe(6, { pgtt: 2, ss: ss5, present: false });
    expect(fail(t.translate(SID, 6, 0x1000n, false))).toMatchObject({ reason: VTD_FR.PASID_ENTRY_P, pasid: 6, recordable: true });
    pe(7, { pgtt: 2, ss: ss5, fpd: true });
    expect(fail(t.translate(SID, 7, 0x2000n, false))).toMatchObject({ reason: VTD_FR.READ, pasid: 7, recordable: false });
    // a directory entry with FPD (PASIDs 64..127) suppresses its qualified faults
    t.root = { ...t.root };
    b.ram.w64(PDIR + 8n, 2n);
    expect(fail(t.translate(SID, 64, 0x1000n, false))).toMatchObject({ reason: VTD_FR.PASID_DIR_ENTRY_P, recordable: false });
  });

  it('PASID + pass-through: the interrupt window faults SM_INTERRUPT_ADDR (0x87), other addresses are identity', () => {
    const { t, pe } = scalable();
    pe(0, { pgtt: 2, ss: 0x9000n });
    pe(3, { pgtt: 4, did: 4 });
    expect(ok(t.translate(SID, 3, 0x1234_5000n, true))).toMatchObject({ pa: 0x1234_5000n, passThrough: true });
    expect(fail(t.translate(SID, 3, 0xfee00000n, true))).toMatchObject({ reason: VTD_FR.SM_INTERRUPT_ADDR, pasid: 3, recordable: true });
    expect(ok(t.translate(SID, 3, 0x2000n, true)).passThrough).toBe(true);
  });
});

describe('first stage (x-flts)', () => {
  const US = 4n;
  const A = 1n << 5n;
  const D = 1n << 6n;

  function fs() {
    const s = scalable({ flts: true });
    const top = s.b.table();
    s.pe(0, { pgtt: 1, fs: top, did: 11 });
    return { ...s, top };
  }

  it('translates a 4K page, setting A in every level and D in the leaf of a write only', () => {
    const { b, ram, t, top } = fs();
    b.map(top, 4, 0x7000_1000n, 0x2000_0000n | US | 3n, 1, 7n);
    const leaf = b.entryAddr(top, 4, 0x7000_1000n, 1);
    expect(ok(t.translate(SID, undefined, 0x7000_1234n, false))).toEqual({ ok: true, pa: 0x2000_0234n, pageShift: 12, perm: 1, did: 11 });
    for (let l = 4; l >= 1; l--) expect(ram.r64(b.entryAddr(top, 4, 0x7000_1000n, l)) & (A | D), `level ${l}`).toBe(A);
    t.invalidateIotlbGlobal();
    expect(ok(t.translate(SID, undefined, 0x7000_1234n, true)).perm).toBe(3);
    expect(ram.r64(leaf) & (A | D)).toBe(A | D);
    expect(ram.r64(b.entryAddr(top, 4, 0x7000_1000n, 2)) & D).toBe(0n);
    expect(t.iotlbEntries()[0]).toMatchObject({ pasid: 0, did: 11, pa: 0x2000_0000n });
  });

  it('1G leaves are accepted (regardless of FS1GP) and 2M leaves too', () => {
    const { b, t, top } = fs();
    b.map(top, 4, 0x40_0000_0000n, 0x4000_0000n | (1n << 7n) | US | 3n, 3, 7n);
    b.map(top, 4, 0x20_0000n, 0x60_0000n | (1n << 7n) | US | 3n, 2, 7n);
    expect(ok(t.translate(SID, undefined, 0x40_1234_5678n, false))).toMatchObject({ pa: 0x5234_5678n, pageShift: 30 });
    expect(ok(t.translate(SID, undefined, 0x2f_ffffn, false))).toMatchObject({ pa: 0x6f_ffffn, pageShift: 21 });
  });

  it('faults: P (0x71), U/S (0x81), write (0x85), reserved (0x72), non-canonical (0x80), fetches (0x73 / 0x70), A/D write-back (0x91)', () => {
    const { b, ram, t, top } = fs();
    expect(fail(t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ reason: VTD_FR.FS_PAGING_ENTRY_P, pasid: 0 });
    b.map(top, 4, 0x1000n, 0x5000n | 3n, 1, 7n); // no U/S in the leaf
    expect(fail(t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.FS_PAGING_ENTRY_US);
    b.map(top, 4, 0x2000n, 0x5000n | US | 1n, 1, 7n); // read-only
    expect(fail(t.translate(SID, undefined, 0x2000n, true)).reason).toBe(VTD_FR.SM_WRITE);
    expect(ok(t.translate(SID, undefined, 0x2000n, false)).perm).toBe(1);
    b.map(top, 4, 0x3000n, (1n << 50n) | 0x5000n | US | 3n, 1, 7n); // bit 50 above HAW 48
    expect(fail(t.translate(SID, undefined, 0x3000n, false)).reason).toBe(VTD_FR.FS_PAGING_ENTRY_RSVD);
    b.map(top, 4, 0x4000n, (1n << 63n) | 0x5000n | US | 3n, 1, 7n); // XD: ignored
    expect(ok(t.translate(SID, undefined, 0x4000n, false)).pa).toBe(0x5000n);
    // non-canonical: bit 47 set without the upper bits
    expect(fail(t.translate(SID, undefined, 0x8000_0000_0000n, false)).reason).toBe(VTD_FR.FS_NON_CANONICAL);
    // canonical-high addresses walk (and fault on the empty table)
    expect(fail(t.translate(SID, undefined, 0xffff_8000_0000_0000n, false)).reason).toBe(VTD_FR.FS_PAGING_ENTRY_P);
    // PS in the PML4E is reserved
    ram.w64(top + 8n * 10n, 0x9000n | (1n << 7n) | 7n);
    expect(fail(t.translate(SID, undefined, 10n << 39n, false)).reason).toBe(VTD_FR.FS_PAGING_ENTRY_RSVD);
    // a lower table outside RAM
    ram.w64(top + 8n * 11n, OUTSIDE | 7n);
    expect(fail(t.translate(SID, undefined, 11n << 39n, false)).reason).toBe(VTD_FR.FS_PAGING_ENTRY_INV);
    // A/D write-back refused (read-only guest page holding the leaf table)
    b.map(top, 4, 0x6000n, 0x5000n | US | 3n, 1, 7n);
    ram.readOnly.add(b.entryAddr(top, 4, 0x6000n, 1) >> 12n);
    expect(fail(t.translate(SID, undefined, 0x6000n, true)).reason).toBe(VTD_FR.FS_BIT_UPDATE_FAILED);
  });

  it('FSPTPTR outside RAM → PASID_ENTRY_FSPTPTR_INV (0x73)', () => {
    const { t, pe } = scalable({ flts: true });
    pe(0, { pgtt: 1, fs: OUTSIDE });
    expect(fail(t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.PASID_ENTRY_FSPTPTR_INV);
  });
});
