import { describe, expect, it } from 'vitest';
import { encodeCd, encodeSte, FakeGuestRam, GuestTables, S2TG, TG0, TG1, type CdSpec, type Granule, type SteSpec } from './fixtures.js';
import { SmmuTranslator } from './translate.js';
import { EVT, EVT_CLASS, smmuCaps, type SmmuEventInfo, type SmmuTranslation, type Smmuv3Config } from './types.js';

const PA = 0x8000_0000n;

function config(o: Partial<Smmuv3Config> = {}): Smmuv3Config {
  return { stage: 1, accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true }, ...o };
}

function unit(o: Partial<Smmuv3Config> = {}) {
  const ram = new FakeGuestRam();
  const gt = new GuestTables(ram);
  const tr = new SmmuTranslator(ram, smmuCaps(config(o)));
  const st = gt.linearStreamTable(8);
  tr.table = st;
  return { ram, gt, tr, st };
}

type Unit = ReturnType<typeof unit>;

/** A stage-1 stream: CD (TTB0 = fresh table) + STE Config=S1. */
function s1(u: Unit, o: { sid?: number; granule?: Granule; tsz?: number; cd?: Partial<CdSpec>; ste?: Partial<SteSpec> } = {}) {
  const granule = o.granule ?? 12;
  const tsz = o.tsz ?? 16;
  const root = u.gt.table(granule);
  const cdAddr = u.gt.cd({ t0sz: tsz, tg0: TG0[granule], ttb0: root, asid: 1, r: true, ...o.cd });
  const steAddr = u.gt.ste(u.st, o.sid ?? 1, { config: 's1', ctxPtr: cdAddr, ...o.ste });
  const map = (iova: bigint, pa: bigint, m: { level?: number; readOnly?: boolean; af?: boolean; apTable?: number } = {}) =>
    u.gt.s1Map(root, { granule, tsz, iova, pa, ...m });
  return { root, cdAddr, steAddr, map, granule, tsz };
}

function ev(o: Partial<SmmuEventInfo> & { id: number }): SmmuEventInfo {
  return { sid: 1, inputAddr: 0n, addr2: 0n, rnw: false, pnu: false, ind: false, s2: false, cls: 0, stall: false, stag: 0, ...o };
}

function ok(r: SmmuTranslation) {
  if (!r.ok) throw new Error(`fault ${JSON.stringify(r.event, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`);
  return r;
}
function fault(r: SmmuTranslation) {
  if (r.ok) throw new Error(`translated to 0x${r.pa.toString(16)}`);
  return r;
}

describe('SMMUEN=0 and STE abort / bypass', () => {
  it('GBPA.ABORT aborts silently; otherwise the address passes with the access permission', () => {
    const u = unit();
    u.tr.table = { ...u.st, smmuEnabled: false, gbpaAbort: true };
    expect(u.tr.translate(1, undefined, 0x1234n, false)).toEqual({ ok: false, event: undefined, record: false });
    u.tr.table = { ...u.st, smmuEnabled: false, gbpaAbort: false };
    expect(u.tr.translate(1, undefined, 0x1234n, true)).toEqual({ ok: true, pa: 0x1234n, perm: 2, pageShift: 12, bypass: true });
    expect(u.tr.translate(1, undefined, 0x1234n, false)).toEqual({ ok: true, pa: 0x1234n, perm: 1, pageShift: 12, bypass: true });
    expect(u.tr.configCacheEntries()).toEqual([]);
    expect(u.tr.lookup(1, undefined, 0x99n)).toBe(0x99n);
    expect(u.tr.steView(1)).toEqual({ kind: 'disabled', abort: false });
  });

  it('Config abort (any value with bit 2 clear) aborts without an event; bypass passes; both cached', () => {
    const u = unit();
    for (const [sid, config] of [[1, 0], [2, 1], [3, 2], [4, 3]] as const) {
      u.gt.ste(u.st, sid, { config });
      expect(u.tr.translate(sid, undefined, 0x1000n, false)).toEqual({ ok: false, event: undefined, record: false });
    }
    u.gt.ste(u.st, 5, { config: 'bypass' });
    expect(u.tr.translate(5, undefined, 0xabc123n, true)).toEqual({ ok: true, pa: 0xabc123n, perm: 2, pageShift: 12, bypass: true });
    expect(u.tr.configCacheEntries().map((e) => e.sid).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBeUndefined();
    expect(u.tr.lookup(5, undefined, 0x1000n)).toBe(0x1000n);
  });
});

describe('stream table lookup', () => {
  it('C_BAD_STREAMID for a SID beyond 2^LOG2SIZE, always recorded, nothing cached', () => {
    const u = unit();
    const r = fault(u.tr.translate(256, undefined, 0x1000n, true));
    expect(r).toEqual({ ok: false, event: ev({ id: EVT.C_BAD_STREAMID, sid: 256 }), record: true });
    expect(u.tr.configCacheEntries()).toEqual([]);
  });

  it('F_STE_FETCH carries the STE address in ADDR2 (stream table outside RAM)', () => {
    const u = unit();
    u.tr.table = { ...u.st, strtabBase: 0x1000_0000n };
    const r = fault(u.tr.translate(3, undefined, 0x5000n, false));
    expect(r).toEqual({ ok: false, event: ev({ id: EVT.F_STE_FETCH, sid: 3, addr2: 0x1000_0000n + 3n * 64n }), record: true });
  });

  it('linear table base is aligned down to the table size (LOG2SIZE + 5)', () => {
    const u = unit();
    u.gt.ste(u.st, 7, { config: 'bypass' });
    u.tr.table = { ...u.st, strtabBase: u.st.strtabBase + 0x40n };
    expect(ok(u.tr.translate(7, undefined, 0x10n, false)).bypass).toBe(true);
  });

  it('2-level: L1 descriptor + L2 STE; SPAN 0 → C_BAD_STREAMID; L2 index beyond SPAN → C_BAD_STE; L1 fetch error → F_STE_FETCH', () => {
    const u = unit();
    const st = u.gt.twoLevelStreamTable(16, 8);
    u.tr.table = st;
    const sid = 0x0312;
    const addr = u.gt.ste(st, sid, { config: 'bypass' });
    expect(ok(u.tr.translate(sid, undefined, 0x2000n, false))).toMatchObject({ pa: 0x2000n, bypass: true });
    expect(u.tr.steView(sid)).toEqual({ kind: 'ste', addr, words: encodeSte({ config: 'bypass' }) });
    // SPAN = 0 for bus 4
    expect(fault(u.tr.translate(0x0400, undefined, 0n, false)).event).toEqual(ev({ id: EVT.C_BAD_STREAMID, sid: 0x400 }));
    // SPAN = 2 (4 STEs) for bus 5: index 0x10 is beyond it
    const l2 = u.gt.alloc(256n, 256n);
    u.ram.w64(u.gt.l1Addr(st, 0x0500), l2 | 2n);
    expect(fault(u.tr.translate(0x0510, undefined, 0n, false))).toEqual({ ok: false, event: ev({ id: EVT.C_BAD_STE, sid: 0x510 }), record: true });
    // L1 outside RAM (SID 0x312's config is cached: drop it first)
    u.tr.resetCaches();
    u.tr.table = { ...st, strtabBase: 0x2000_0000n };
    expect(fault(u.tr.translate(0x0312, undefined, 0n, false)).event).toEqual(ev({ id: EVT.F_STE_FETCH, sid: 0x312, addr2: 0x2000_0000n + 3n * 8n }));
    expect(u.tr.steView(0x0312)).toEqual({ kind: 'error', event: ev({ id: EVT.F_STE_FETCH, sid: 0x312, addr2: 0x2000_0000n + 3n * 8n }) });
  });
});

describe('STE decode (C_BAD_STE rules of decode_ste)', () => {
  const bad = (o: Partial<Smmuv3Config>, spec: SteSpec) => {
    const u = unit(o);
    u.gt.ste(u.st, 1, spec);
    return u.tr.translate(1, undefined, 0x1000n, false);
  };
  const badSte = { ok: false, event: ev({ id: EVT.C_BAD_STE }), record: true };
  const s2ok: SteSpec = { config: 's2', s2t0sz: 24, s2sl0: 1, s2tg: 0, s2ps: 4, s2ttb: 0x4010_0000n, s2affd: true };

  it('V=0', () => expect(bad({}, { valid: false, config: 'bypass' })).toEqual(badSte));
  it('stage 1 on a stage-2-only unit, stage 2 on a stage-1-only unit', () => {
    expect(bad({ stage: 2 }, { config: 's1' })).toEqual(badSte);
    expect(bad({ stage: 1 }, s2ok)).toEqual(badSte);
    expect(bad({ stage: 1 }, { ...s2ok, config: 'nested' })).toEqual(badSte);
  });
  it('a valid stage-2 STE decodes (the walk then faults: translation, unrecorded without S2R)', () => {
    const r = fault(bad({ stage: 2 }, s2ok));
    expect(r.event?.id).toBe(EVT.F_TRANSLATION);
    expect(r.record).toBe(false);
  });
  it.each([
    ['S2AA64=0 (QEMU asserts)', { s2aa64: false }],
    ['S2TG=3', { s2tg: 3 }],
    ['S2SL0=3', { s2sl0: 3 }],
    ['S2TTB beyond the effective PS', { s2ttb: 1n << 44n }],
    ['S2TTB beyond a small S2PS', { s2ps: 0, s2ttb: 1n << 32n }],
    ['S2T0SZ > 39', { s2t0sz: 40 }],
    ['S2T0SZ < 64 - PS', { s2t0sz: 19 }],
    ['more than 16 concatenated tables', { s2t0sz: 16, s2ps: 5, s2sl0: 0 }],
    ['S2ENDI', { s2endi: true }],
    ['S2S', { s2s: true }],
    ['S1CDMax without SubstreamID support', { s1cdmax: 1 }],
    ['S1STALLD (even for stage 2)', { s1stalld: true }],
  ])('%s', (_n, f) => expect(bad({ stage: 2 }, { ...s2ok, ...f })).toEqual(badSte));
  it('S2PS above the OAS is capped (S2TTB below 2^44 accepted)', () => {
    expect(fault(bad({ stage: 2 }, { ...s2ok, s2ps: 7 })).event?.id).toBe(EVT.F_TRANSLATION);
  });
  it('a granule the VM spec leaves out of IDR5 is C_BAD_STE', () => {
    expect(bad({ stage: 2, granules: { g4k: false, g16k: true, g64k: true } }, s2ok)).toEqual(badSte);
  });
  it('S1CDMax != 0 is accepted with ssidsize > 0 (CD 0 is used whatever the SSID)', () => {
    const u = unit({ accel: true, ssidsize: 8 });
    const s = s1(u, { ste: { s1cdmax: 4 } });
    s.map(0x4000n, PA);
    expect(ok(u.tr.translate(1, 3, 0x4000n, false)).pa).toBe(PA);
  });
});

describe('CD fetch and decode', () => {
  it('F_CD_FETCH with the CD address in InputAddr (as QEMU records it)', () => {
    const u = unit();
    u.gt.ste(u.st, 1, { config: 's1', ctxPtr: 0x2000_0040n });
    const r = fault(u.tr.translate(1, undefined, 0x7000n, true));
    expect(r).toEqual({ ok: false, event: ev({ id: EVT.F_CD_FETCH, inputAddr: 0x2000_0040n }), record: true });
  });

  it('S1ContextPtr keeps bits 55:6 and S1Fmt is not used (CD 0 read at the pointer)', () => {
    const u = unit();
    const s = s1(u, { ste: { s1fmt: 2 } });
    s.map(0x1000n, PA);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    expect(u.tr.configCacheEntries()[0]!.cd).toEqual(encodeCd({ t0sz: 16, tg0: 0, ttb0: s.root, asid: 1, r: true }));
  });

  it.each([
    ['V=0', { valid: false }],
    ['AA64=0', { aa64: false }],
    ['A=0', { a: false }],
    ['S=1', { s: true }],
    ['HA=1', { ha: true }],
    ['HD=1', { hd: true }],
    ['T0SZ < 16', { t0sz: 15 }],
    ['T0SZ > 39', { t0sz: 40 }],
    ['TG0 reserved', { tg0: 3 }],
    ['ENDI', { endi: true }],
    ['TTB0 beyond the IPS', { ips: 2, ttb0: 1n << 40n }],
    ['TTB1 enabled with a reserved TG1', { epd1: false, t1sz: 16, tg1: 0 }],
    ['TTB1 enabled with T1SZ < 16', { epd1: false, t1sz: 8, tg1: 2 }],
  ])('C_BAD_CD: %s', (_n, f) => {
    const u = unit();
    s1(u, { cd: f as Partial<CdSpec> });
    expect(u.tr.translate(1, undefined, 0x1000n, false)).toEqual({ ok: false, event: ev({ id: EVT.C_BAD_CD }), record: true });
    expect(u.tr.configCacheEntries()).toEqual([]);
  });

  it('a disabled TTB may hold anything; IPS 6/7 is capped to the OAS; a granule left out of IDR5 is C_BAD_CD', () => {
    const u = unit();
    const s = s1(u, { cd: { epd1: true, t1sz: 1, tg1: 0, ips: 7 } });
    s.map(0x1000n, (1n << 44n) - 0x1000n);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe((1n << 44n) - 0x1000n);
    const v = unit({ granules: { g4k: true, g16k: false, g64k: true } });
    s1(v, { granule: 14, tsz: 17 });
    expect(fault(v.tr.translate(1, undefined, 0n, false)).event?.id).toBe(EVT.C_BAD_CD);
  });
});

describe('stage-1 walk', () => {
  it.each([
    [12, 16, 0x0000_1234_5678_9000n],
    [12, 25, 0x0000_0000_7654_3000n],
    [14, 16, 0x0000_8765_4321_c000n],
    [14, 17, 0x0000_4765_4321_c000n],
    [16, 16, 0x0000_a5a5_5a5a_0000n],
    [16, 34, 0x0000_0000_2345_0000n],
  ] as const)('granule 2^%i, T0SZ %i: page translation, entry cached', (granule, tsz, iova) => {
    const u = unit();
    const s = s1(u, { granule, tsz });
    const page = 1n << BigInt(granule);
    s.map(iova, PA);
    const r = ok(u.tr.translate(1, undefined, iova + 0x18n, true));
    expect(r).toEqual({ ok: true, pa: PA + 0x18n, perm: 3, pageShift: granule, bypass: false });
    expect(u.tr.iotlbEntries()).toEqual([{ asid: 1, vmid: -1, iova, pa: PA, pageShift: granule, perm: 3, stage: 1 }]);
    // the next page is not mapped
    expect(fault(u.tr.translate(1, undefined, iova + page, false)).event?.id).toBe(EVT.F_TRANSLATION);
  });

  it.each([
    [12, 2, 21],
    [12, 1, 30],
    [14, 2, 25],
    [16, 2, 29],
    [16, 1, 42],
  ] as const)('granule 2^%i block at level %i covers 2^%i bytes', (granule, level, shift) => {
    const u = unit();
    const s = s1(u, { granule });
    const size = 1n << BigInt(shift);
    const iova = size * 3n;
    s.map(iova, size * 2n, { level });
    const off = size - 0x40n;
    expect(ok(u.tr.translate(1, undefined, iova + off, false))).toEqual({ ok: true, pa: size * 2n + off, perm: 3, pageShift: shift, bypass: false });
  });

  it('TTB1 for addresses with the high bits set (TG1 encoding), gap between the regions faults', () => {
    const u = unit();
    const root1 = u.gt.table(12);
    const s = s1(u, { tsz: 25, cd: { epd1: false, t1sz: 25, tg1: TG1[12], ttb1: root1 } });
    u.gt.s1Map(root1, { granule: 12, tsz: 25, iova: 0xffff_ffff_ffe0_0000n, pa: PA });
    s.map(0x20_0000n, PA + 0x1000n);
    expect(ok(u.tr.translate(1, undefined, 0xffff_ffff_ffe0_0010n, false)).pa).toBe(PA + 0x10n);
    expect(ok(u.tr.translate(1, undefined, 0x20_0010n, false)).pa).toBe(PA + 0x1010n);
    expect(fault(u.tr.translate(1, undefined, 0x0000_8000_0000_0000n, false)).event).toEqual(
      ev({ id: EVT.F_TRANSLATION, inputAddr: 0x0000_8000_0000_0000n, rnw: true, cls: EVT_CLASS.IN }),
    );
  });

  it('EPD0: the TTB0 region translates nothing', () => {
    const u = unit();
    s1(u, { cd: { epd0: true, epd1: false, t1sz: 16, tg1: TG1[12], ttb1: 0x4020_0000n } });
    expect(fault(u.tr.translate(1, undefined, 0x1000n, false)).event?.id).toBe(EVT.F_TRANSLATION);
  });

  it('TBI: the top byte is ignored when selecting TTB0 and kept in the cached page address', () => {
    const u = unit();
    const s = s1(u, { cd: { tbi: 1 } });
    s.map(0x5000n, PA);
    expect(ok(u.tr.translate(1, undefined, 0xab00_0000_0000_5008n, false)).pa).toBe(PA + 8n);
    expect(u.tr.iotlbEntries()[0]!.iova).toBe(0xab00_0000_0000_5000n);
  });

  it('AP[2] forbids writes (F_PERMISSION, recorded with CD.R), reads get perm R', () => {
    const u = unit();
    const s = s1(u);
    s.map(0x3000n, PA, { readOnly: true });
    expect(ok(u.tr.translate(1, undefined, 0x3000n, false))).toMatchObject({ pa: PA, perm: 1 });
    // miss path (new unit) and cached path give the same event
    const r = fault(u.tr.translate(1, undefined, 0x3004n, true));
    expect(r).toEqual({ ok: false, event: ev({ id: EVT.F_PERMISSION, inputAddr: 0x3004n, cls: EVT_CLASS.IN }), record: true });
    const v = unit();
    s1(v, { cd: { r: false } }).map(0x3000n, PA, { readOnly: true });
    expect(fault(v.tr.translate(1, undefined, 0x3004n, true))).toEqual({ ok: false, event: ev({ id: EVT.F_PERMISSION, inputAddr: 0x3004n, cls: EVT_CLASS.IN }), record: false });
  });

  it('APTable[1] forbids writes below the table unless HAD0', () => {
    const u = unit();
    s1(u).map(0x6000n, PA, { apTable: 2 });
    expect(fault(u.tr.translate(1, undefined, 0x6000n, true)).event?.id).toBe(EVT.F_PERMISSION);
    expect(ok(u.tr.translate(1, undefined, 0x6000n, false)).perm).toBe(3);
    const v = unit();
    s1(v, { cd: { had0: true } }).map(0x6000n, PA, { apTable: 2 });
    expect(ok(v.tr.translate(1, undefined, 0x6000n, true)).pa).toBe(PA);
  });

  it('AF=0 is F_ACCESS (before permissions) unless CD.AFFD', () => {
    const u = unit();
    s1(u).map(0x7000n, PA, { af: false, readOnly: true });
    expect(fault(u.tr.translate(1, undefined, 0x7000n, true))).toEqual({ ok: false, event: ev({ id: EVT.F_ACCESS, inputAddr: 0x7000n, cls: EVT_CLASS.IN }), record: true });
    const v = unit();
    s1(v, { cd: { affd: true } }).map(0x7000n, PA, { af: false });
    expect(ok(v.tr.translate(1, undefined, 0x7000n, true)).pa).toBe(PA);
  });

  it('F_ADDR_SIZE for an output beyond the effective IPS', () => {
    const u = unit();
    s1(u, { cd: { ips: 2 } }).map(0x8000n, 1n << 40n);
    expect(fault(u.tr.translate(1, undefined, 0x8000n, false))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_ADDR_SIZE, inputAddr: 0x8000n, rnw: true, cls: EVT_CLASS.IN }),
      record: true,
    });
  });

  it('F_TRANSLATION (invalid or level-3 reserved descriptor) is recorded only with CD.R', () => {
    const u = unit();
    const s = s1(u, { cd: { r: false } });
    const leaf = s.map(0x9000n, PA);
    u.ram.w64(leaf, PA | 1n); // level-3 type 1: reserved
    expect(fault(u.tr.translate(1, undefined, 0x9000n, false))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_TRANSLATION, inputAddr: 0x9000n, rnw: true, cls: EVT_CLASS.IN }),
      record: false,
    });
  });

  it('F_WALK_EABT: a table outside RAM, ADDR2 = descriptor address, CLASS=TT, recorded whatever CD.R', () => {
    const u = unit();
    const s = s1(u, { cd: { r: false } });
    const l0 = s.root + ((0x1000n >> 39n) & 0x1ffn) * 8n;
    u.ram.w64(l0, 0x3000_0000n | 3n);
    expect(fault(u.tr.translate(1, 9, 0x1000n, true))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_WALK_EABT, ssid: 9, inputAddr: 0x1000n, addr2: 0x3000_0000n, cls: EVT_CLASS.TT }),
      record: true,
    });
  });
});

describe('stage 2', () => {
  /** S2 stream: 4K granule, 40-bit IPA, SL0=1 (start level 1, 2 concatenated tables). */
  function s2(u: Unit, o: { granule?: Granule; tsz?: number; sl0?: number; ste?: Partial<SteSpec> } = {}) {
    const granule = o.granule ?? 12;
    const tsz = o.tsz ?? 24;
    const sl0 = o.sl0 ?? 1;
    const root = u.gt.s2Root(granule, tsz, sl0);
    u.gt.ste(u.st, 1, { config: 's2', vmid: 7, s2t0sz: tsz, s2sl0: sl0, s2tg: S2TG[granule], s2ps: 4, s2ttb: root, s2r: true, ...o.ste });
    const map = (ipa: bigint, pa: bigint, m: { level?: number; s2ap?: number; af?: boolean } = {}) => u.gt.s2Map(root, { granule, tsz, sl0, ipa, pa, ...m });
    return { root, map };
  }

  it('concatenated start tables: the top IPA bit selects table 1', () => {
    const u = unit({ stage: 2 });
    const s = s2(u);
    s.map(0x1000n, PA);
    s.map((1n << 39n) + 0x1000n, PA + 0x10000n);
    expect(ok(u.tr.translate(1, undefined, 0x1008n, true))).toEqual({ ok: true, pa: PA + 8n, perm: 3, pageShift: 12, bypass: false });
    expect(ok(u.tr.translate(1, undefined, (1n << 39n) + 0x1008n, false)).pa).toBe(PA + 0x10008n);
    expect(u.tr.iotlbEntries().map((e) => ({ ...e }))).toEqual(
      expect.arrayContaining([{ asid: -1, vmid: 7, iova: 0x1000n, pa: PA, pageShift: 12, perm: 3, stage: 2 }]),
    );
  });

  it.each([
    [12, 20, 2],
    [12, 32, 0],
    [14, 24, 1],
    [16, 22, 1],
    [16, 30, 1],
  ] as const)('granule 2^%i, S2T0SZ %i, SL0 %i', (granule, tsz, sl0) => {
    const u = unit({ stage: 2 });
    const s = s2(u, { granule, tsz, sl0 });
    const ipa = (1n << BigInt(64 - tsz)) - (1n << BigInt(granule));
    s.map(ipa, PA);
    expect(ok(u.tr.translate(1, undefined, ipa + 4n, false)).pa).toBe(PA + 4n);
  });

  it('S2 block at level 2; S2AP read / write; faults carry S2=1, ADDR2=IPA, recorded with S2R', () => {
    const u = unit({ stage: 2 });
    const s = s2(u);
    s.map(0x4000_0000n, PA, { level: 2, s2ap: 1 });
    expect(ok(u.tr.translate(1, undefined, 0x4012_3456n, false))).toEqual({ ok: true, pa: PA + 0x12_3456n, perm: 1, pageShift: 21, bypass: false });
    expect(fault(u.tr.translate(1, undefined, 0x4000_0010n, true))).toEqual({
      ok: false,
      // cached entry without W for an S2-only stream: QEMU reports it as a stage-1 fault (CD.R: never recorded)
      event: ev({ id: EVT.F_PERMISSION, inputAddr: 0x4000_0010n, cls: EVT_CLASS.IN }),
      record: false,
    });
    const v = unit({ stage: 2 });
    s2(v).map(0x4000_0000n, PA, { level: 2, s2ap: 1 });
    expect(fault(v.tr.translate(1, undefined, 0x4000_0010n, true))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_PERMISSION, inputAddr: 0x4000_0010n, addr2: 0x4000_0010n, s2: true, cls: EVT_CLASS.IN }),
      record: true,
    });
    // write-only: a read faults on the walk, but once a write cached it the memory core refuses it silently
    const w = unit({ stage: 2 });
    s2(w).map(0x2000n, PA, { s2ap: 2 });
    expect(fault(w.tr.translate(1, undefined, 0x2000n, false)).event).toEqual(ev({ id: EVT.F_PERMISSION, inputAddr: 0x2000n, addr2: 0x2000n, s2: true, rnw: true, cls: EVT_CLASS.IN }));
    expect(ok(w.tr.translate(1, undefined, 0x2000n, true)).perm).toBe(2);
    expect(w.tr.translate(1, undefined, 0x2000n, false)).toEqual({ ok: false, event: undefined, record: false });
  });

  it('S2 F_TRANSLATION / F_ACCESS / F_ADDR_SIZE / F_WALK_EABT; input beyond S2T0SZ; input beyond the OAS is an unrecorded stage-1 F_ADDR_SIZE', () => {
    const u = unit({ stage: 2 });
    const s = s2(u, { ste: { s2r: false } });
    expect(fault(u.tr.translate(1, undefined, 0x5000n, false))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_TRANSLATION, inputAddr: 0x5000n, addr2: 0x5000n, s2: true, rnw: true, cls: EVT_CLASS.IN }),
      record: false,
    });
    s.map(0x6000n, PA, { af: false });
    expect(fault(u.tr.translate(1, undefined, 0x6000n, false)).event).toMatchObject({ id: EVT.F_ACCESS, s2: true, addr2: 0x6000n });
    s.map(0x7000n, 1n << 44n);
    expect(fault(u.tr.translate(1, undefined, 0x7000n, false)).event).toMatchObject({ id: EVT.F_ADDR_SIZE, s2: true, addr2: 0x7000n });
    expect(fault(u.tr.translate(1, undefined, 1n << 40n, false)).event).toMatchObject({ id: EVT.F_TRANSLATION, s2: true, addr2: 1n << 40n });
    const r = fault(u.tr.translate(1, undefined, 1n << 44n, false));
    expect(r).toEqual({ ok: false, event: ev({ id: EVT.F_ADDR_SIZE, inputAddr: 1n << 44n, rnw: true, cls: EVT_CLASS.IN }), record: false });
    const l1 = u.gt.s2EntryAddr(s.root, { granule: 12, tsz: 24, sl0: 1, ipa: 0x4000_0000n, level: 1 });
    u.ram.w64(l1, 0x3000_0000n | 3n);
    expect(fault(u.tr.translate(1, undefined, 0x4000_0000n, true))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_WALK_EABT, inputAddr: 0x4000_0000n, addr2: 0x3000_0000n + 8n * 0n, s2: true, cls: EVT_CLASS.IN }),
      record: true,
    });
  });

  it('S2AFFD lets AF=0 descriptors translate', () => {
    const u = unit({ stage: 2 });
    s2(u, { ste: { s2affd: true } }).map(0x6000n, PA, { af: false });
    expect(ok(u.tr.translate(1, undefined, 0x6000n, false)).pa).toBe(PA);
  });
});

describe('nested', () => {
  /** IPA = PA + OFF for every table/CD page; S2 maps those pages back, data IPA 0x1_0000_0000 → PA. */
  const OFF = 0x10_0000_0000n;
  function nested(o: { cd?: Partial<CdSpec>; ste?: Partial<SteSpec>; mapCd?: boolean; mapTables?: boolean } = {}) {
    const u = unit({ stage: 'nested' });
    const s2root = u.gt.s2Root(12, 20, 2);
    const s2map = (ipa: bigint, pa: bigint, s2ap = 3) => u.gt.s2Map(s2root, { granule: 12, tsz: 20, sl0: 2, ipa, pa, s2ap });
    const root = u.gt.table(12);
    const cdPa = u.gt.cd({ t0sz: 16, tg0: 0, ttb0: root + OFF, asid: 5, r: true, ...o.cd });
    u.gt.ste(u.st, 1, { config: 'nested', ctxPtr: cdPa + OFF, vmid: 9, s2t0sz: 20, s2sl0: 2, s2tg: 0, s2ps: 5, s2ttb: s2root, s2r: true, ...o.ste });
    if (o.mapCd !== false) s2map((cdPa + OFF) & ~0xfffn, cdPa & ~0xfffn, 1);
    if (o.mapTables !== false) s2map(root + OFF, root, 1);
    const s1map = (iova: bigint, ipa: bigint) => {
      const leaf = u.gt.s1Map(root, { granule: 12, tsz: 16, iova, pa: ipa, ipaOffset: OFF });
      // map the tables the walk created
      for (let t = root + 0x1000n; t < u.gt.next; t += 0x1000n) s2map(t + OFF, t, 1);
      return leaf;
    };
    return { u, s2map, s1map, root, cdPa, s2root };
  }

  it('CD, TTB0 and tables through stage 2, then the IPA through stage 2; combined entry cached', () => {
    const n = nested();
    n.s1map(0x1234_5000n, 0x1_0000_0000n);
    n.s2map(0x1_0000_0000n, PA);
    expect(ok(n.u.tr.translate(1, undefined, 0x1234_5010n, true))).toEqual({ ok: true, pa: PA + 0x10n, perm: 3, pageShift: 12, bypass: false });
    const entries = n.u.tr.iotlbEntries();
    expect(entries).toContainEqual({ asid: 5, vmid: 9, iova: 0x1234_5000n, pa: PA, pageShift: 12, perm: 3, stage: 'nested' });
    expect(entries.filter((e) => e.stage === 2).length).toBeGreaterThanOrEqual(5); // CD, TTB0, 3 tables
    expect(n.u.tr.lookup(1, undefined, 0x1234_5010n)).toBe(PA + 0x10n);
  });

  it('CD IPA unmapped in stage 2: F_TRANSLATION CLASS=CD, S2=1, ADDR2 = CD IPA, RnW=1, recorded with S2R', () => {
    const n = nested({ mapCd: false });
    const r = fault(n.u.tr.translate(1, undefined, 0x1000n, true));
    expect(r).toEqual({
      ok: false,
      event: ev({ id: EVT.F_TRANSLATION, inputAddr: 0x1000n, addr2: n.cdPa + OFF, s2: true, rnw: true, cls: EVT_CLASS.CD }),
      record: true,
    });
    expect(n.u.tr.configCacheEntries()).toEqual([]);
  });

  it('F_WALK_EABT on a stage-2 descriptor while fetching the CD: CLASS=CD, S2=1, ADDR2 = that descriptor', () => {
    const n = nested({ mapCd: false, mapTables: false });
    const ipa = n.cdPa + OFF;
    const l1 = n.u.gt.s2EntryAddr(n.s2root, { granule: 12, tsz: 20, sl0: 2, ipa, level: 1 });
    n.u.ram.w64(l1, 0x3000_0000n | 3n);
    expect(fault(n.u.tr.translate(1, undefined, 0x1000n, true))).toEqual({
      ok: false,
      event: ev({ id: EVT.F_WALK_EABT, inputAddr: 0x1000n, addr2: 0x3000_0000n + ((ipa >> 21n) & 0x1ffn) * 8n, s2: true, rnw: true, cls: EVT_CLASS.CD }),
      record: true,
    });
  });

  it('TLBI_NH_ALL on a unit with stage 2 (inv_vmid_s1) keeps the stage-2 entries; NH_ASID drops the nested ones of (ASID, VMID)', () => {
    const n = nested();
    n.s1map(0x3000n, 0x1_0000_3000n);
    n.s2map(0x1_0000_3000n, PA);
    n.u.tr.translate(1, undefined, 0x3000n, false);
    const s2count = n.u.tr.iotlbEntries().filter((e) => e.stage === 2).length;
    n.u.tr.invalidateAsid(5, 8);
    expect(n.u.tr.iotlbEntries().some((e) => e.stage === 'nested')).toBe(true);
    n.u.tr.invalidateAsid(5, 9);
    expect(n.u.tr.iotlbEntries().some((e) => e.stage === 'nested')).toBe(false);
    n.u.tr.translate(1, undefined, 0x3000n, false);
    n.u.tr.invalidateVmidS1(9);
    expect(n.u.tr.iotlbEntries().map((e) => e.stage)).toEqual(Array(s2count).fill(2));
    n.u.tr.invalidateVmid(9);
    expect(n.u.tr.iotlbEntries()).toEqual([]);
  });

  it('TTB0 IPA unmapped: CLASS=TT, S2=1', () => {
    const n = nested({ mapTables: false });
    expect(fault(n.u.tr.translate(1, undefined, 0x1000n, false)).event).toEqual(
      ev({ id: EVT.F_TRANSLATION, inputAddr: 0x1000n, addr2: n.root + OFF, s2: true, rnw: true, cls: EVT_CLASS.TT }),
    );
  });

  it('a stage-1 table IPA unmapped in stage 2: CLASS=TT but S2=0, recorded per CD.R (QEMU)', () => {
    const n = nested({ cd: { r: false } });
    // level-0 descriptor to an unmapped IPA
    n.u.ram.w64(n.root, (0x2_0000_0000n + OFF) | 3n);
    const r = fault(n.u.tr.translate(1, undefined, 0x1000n, false));
    expect(r).toEqual({
      ok: false,
      event: ev({ id: EVT.F_TRANSLATION, inputAddr: 0x1000n, addr2: 0x2_0000_0000n + OFF, rnw: true, cls: EVT_CLASS.TT }),
      record: false,
    });
  });

  it('final IPA unmapped: CLASS=IN, S2=1, ADDR2 = IPA; S2AP write denied: F_PERMISSION S2=1', () => {
    const n = nested();
    n.s1map(0x3000n, 0x1_0000_3000n);
    expect(fault(n.u.tr.translate(1, undefined, 0x3008n, true)).event).toEqual(
      ev({ id: EVT.F_TRANSLATION, inputAddr: 0x3008n, addr2: 0x1_0000_3008n, s2: true, cls: EVT_CLASS.IN }),
    );
    n.s2map(0x1_0000_3000n, PA, 1);
    expect(fault(n.u.tr.translate(1, undefined, 0x3008n, true)).event).toEqual(
      ev({ id: EVT.F_PERMISSION, inputAddr: 0x3008n, addr2: 0x1_0000_3008n, s2: true, cls: EVT_CLASS.IN }),
    );
    // a read fills the combined entry (perm: S1 RW, S2 R); a write then hits it: stage-2 permission fault
    expect(ok(n.u.tr.translate(1, undefined, 0x3008n, false)).perm).toBe(3);
    expect(fault(n.u.tr.translate(1, undefined, 0x3008n, true))).toMatchObject({ event: { id: EVT.F_PERMISSION, s2: true, addr2: 0n }, record: true });
  });

  it('combined entry takes the smaller page: S1 2M block over S2 4K pages', () => {
    const n = nested();
    n.s1map(0n, 0n); // creates the tables down to level 3 (unused)
    const leaf = n.u.gt.s1EntryAddr(n.root, { granule: 12, tsz: 16, iova: 0x4000_0000n, level: 2, ipaOffset: OFF });
    for (let t = n.root + 0x1000n; t < n.u.gt.next; t += 0x1000n) n.s2map(t + OFF, t, 1);
    n.u.ram.w64(leaf, 0x1_0020_0000n | 1n | (1n << 10n));
    n.s2map(0x1_0020_5000n, PA);
    expect(ok(n.u.tr.translate(1, undefined, 0x4000_5678n, false))).toMatchObject({ pa: PA + 0x678n, pageShift: 12 });
    expect(n.u.tr.iotlbEntries()).toContainEqual({ asid: 5, vmid: 9, iova: 0x4000_5000n, pa: PA, pageShift: 12, perm: 3, stage: 'nested' });
    // found again through the stage-2 granule retry
    const before = n.u.tr.iotlb.hits;
    expect(ok(n.u.tr.translate(1, undefined, 0x4000_5000n, false)).pa).toBe(PA);
    expect(n.u.tr.iotlb.hits).toBe(before + 1);
  });
});

describe('stale structures until the right invalidation', () => {
  it('STE rewritten without CFGI keeps the cached config; CFGI_STE / CFGI_CD / CFGI_STE_RANGE drop it', () => {
    const u = unit();
    const s = s1(u);
    s.map(0x1000n, PA);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    u.gt.ste(u.st, 1, { config: 'abort' });
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBeUndefined(); // lookup reads RAM fresh
    u.tr.invalidateSte(2);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    u.tr.invalidateSte(1);
    expect(u.tr.translate(1, undefined, 0x1000n, false)).toEqual({ ok: false, event: undefined, record: false });

    u.gt.ste(u.st, 1, { config: 'bypass' });
    u.tr.invalidateCd(1, 0);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).bypass).toBe(true);
    u.gt.ste(u.st, 1, { config: 'abort' });
    u.tr.invalidateCdAll(1);
    expect(u.tr.translate(1, undefined, 0x1000n, false)).toEqual({ ok: false, event: undefined, record: false });
  });

  it('CFGI_STE_RANGE drops the 2^(range+1) aligned SIDs; range 31 drops every SID', () => {
    const u = unit();
    for (const sid of [0x10, 0x11, 0x12, 0x13, 0x14, 0x20]) u.gt.ste(u.st, sid, { config: 'bypass' });
    for (const sid of [0x10, 0x11, 0x12, 0x13, 0x14, 0x20]) u.tr.translate(sid, undefined, 0n, false);
    u.tr.invalidateSteRange(0x11, 1); // 0x10..0x13
    expect(u.tr.configCacheEntries().map((e) => e.sid).sort((a, b) => a - b)).toEqual([0x14, 0x20]);
    u.tr.invalidateSteRange(0x14, 31);
    expect(u.tr.configCacheEntries()).toEqual([]);
  });

  it('a CD rewritten without CFGI keeps the old ASID/TTB', () => {
    const u = unit();
    const s = s1(u);
    s.map(0x1000n, PA);
    u.tr.translate(1, undefined, 0x1000n, false);
    u.gt.cd({ t0sz: 16, tg0: 0, ttb0: s.root, asid: 2, r: true, valid: false }, s.cdAddr);
    u.tr.invalidateAll();
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    expect(u.tr.iotlbEntries()[0]!.asid).toBe(1);
    u.tr.invalidateCd(1, 0);
    expect(fault(u.tr.translate(1, undefined, 0x1000n, false)).event?.id).toBe(EVT.C_BAD_CD);
  });

  it('a PTE changed without TLBI keeps the stale translation until TLBI_NH_VA / NH_ASID / NSNH_ALL', () => {
    const u = unit();
    const s = s1(u);
    const leaf = s.map(0x1000n, PA);
    u.tr.translate(1, undefined, 0x1000n, false);
    u.ram.w64(leaf, 0n); // unmapped in RAM
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBeUndefined();
    u.tr.invalidateIova({ asid: 2, vmid: -1, addr: 0x1000n, tg: 0, numPages: 1n, ttl: 0, stage: 1 });
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA);
    u.tr.invalidateIova({ asid: 1, vmid: -1, addr: 0x1000n, tg: 0, numPages: 1n, ttl: 0, stage: 1 });
    expect(fault(u.tr.translate(1, undefined, 0x1000n, false)).event?.id).toBe(EVT.F_TRANSLATION);

    s.map(0x1000n, PA + 0x2000n);
    u.tr.translate(1, undefined, 0x1000n, false);
    s.map(0x1000n, PA + 0x4000n);
    u.tr.invalidateAsid(2, -1);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA + 0x2000n);
    u.tr.invalidateAsid(1, -1);
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA + 0x4000n);
    s.map(0x1000n, PA + 0x6000n);
    u.tr.invalidateAll();
    expect(ok(u.tr.translate(1, undefined, 0x1000n, false)).pa).toBe(PA + 0x6000n);
  });

  it('stage 2: TLBI_S2_IPA and TLBI_S12_VMALL (by VMID)', () => {
    const u = unit({ stage: 2 });
    const root = u.gt.s2Root(12, 24, 1);
    u.gt.ste(u.st, 1, { config: 's2', vmid: 7, s2t0sz: 24, s2sl0: 1, s2tg: 0, s2ps: 4, s2ttb: root });
    const leaf = u.gt.s2Map(root, { granule: 12, tsz: 24, sl0: 1, ipa: 0x8000n, pa: PA });
    u.tr.translate(1, undefined, 0x8000n, false);
    u.ram.w64(leaf, 0n);
    u.tr.invalidateIova({ asid: -1, vmid: 7, addr: 0x8000n, tg: 0, numPages: 1n, ttl: 0, stage: 1 }); // NH_VAA also matches asid −1 entries
    expect(u.tr.translate(1, undefined, 0x8000n, false).ok).toBe(false);
    u.gt.s2Map(root, { granule: 12, tsz: 24, sl0: 1, ipa: 0x8000n, pa: PA });
    u.tr.translate(1, undefined, 0x8000n, false);
    u.ram.w64(leaf, 0n);
    u.tr.invalidateVmid(8);
    expect(u.tr.translate(1, undefined, 0x8000n, false).ok).toBe(true);
    u.tr.invalidateIova({ asid: -1, vmid: 7, addr: 0x9000n, tg: 0, numPages: 1n, ttl: 0, stage: 2 });
    expect(u.tr.translate(1, undefined, 0x8000n, false).ok).toBe(true);
    u.tr.invalidateIova({ asid: -1, vmid: 7, addr: 0x8000n, tg: 0, numPages: 1n, ttl: 0, stage: 2 });
    expect(u.tr.translate(1, undefined, 0x8000n, false).ok).toBe(false);
    u.gt.s2Map(root, { granule: 12, tsz: 24, sl0: 1, ipa: 0x8000n, pa: PA });
    u.tr.translate(1, undefined, 0x8000n, false);
    u.ram.w64(leaf, 0n);
    u.tr.invalidateVmid(7);
    expect(u.tr.translate(1, undefined, 0x8000n, false).ok).toBe(false);
  });

  it('resetCaches drops both caches', () => {
    const u = unit();
    s1(u).map(0x1000n, PA);
    u.tr.translate(1, undefined, 0x1000n, false);
    expect(u.tr.iotlbEntries().length).toBe(1);
    u.tr.resetCaches();
    expect(u.tr.iotlbEntries()).toEqual([]);
    expect(u.tr.configCacheEntries()).toEqual([]);
  });
});

describe('inspection', () => {
  it('lookup() neither fills nor uses the caches and records nothing', () => {
    const u = unit();
    s1(u).map(0x1000n, PA);
    const reads = u.ram.reads;
    expect(u.tr.lookup(1, undefined, 0x1010n)).toBe(PA + 0x10n);
    expect(u.ram.reads).toBeGreaterThan(reads);
    expect(u.tr.iotlbEntries()).toEqual([]);
    expect(u.tr.configCacheEntries()).toEqual([]);
    expect(u.tr.lookup(1, undefined, 0x5000n)).toBeUndefined();
    expect(u.tr.lookup(300, undefined, 0x5000n)).toBeUndefined();
  });

  it('lookup() picks the CD by the substream rules (S1CDMax, S1DSS, S1Fmt) as the host does; translate() uses CD 0 (QEMU)', () => {
    const u = unit({ accel: true, ssidsize: 10 });
    const roots = [0, 1, 2, 3].map(() => u.gt.table(12));
    const table = u.gt.alloc(256n, 64n);
    roots.forEach((root, i) => {
      u.gt.cd({ t0sz: 16, tg0: 0, ttb0: root, asid: 10 + i }, table + BigInt(i) * 64n);
      u.gt.s1Map(root, { granule: 12, tsz: 16, iova: 0x1000n, pa: PA + BigInt(i) * 0x10000n });
    });
    const ste = (s1dss: number) => u.gt.ste(u.st, 1, { config: 's1', ctxPtr: table, s1cdmax: 2, s1dss });
    ste(2);
    expect(u.tr.lookup(1, 3, 0x1000n)).toBe(PA + 0x30000n);
    expect(u.tr.lookup(1, 4, 0x1000n)).toBeUndefined(); // SSID ≥ 2^S1CDMax
    expect(u.tr.lookup(1, 0, 0x1000n)).toBeUndefined(); // SSID 0 with S1DSS=2
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBe(PA); // S1DSS=2: CD 0
    expect(ok(u.tr.translate(1, 3, 0x1000n, false)).pa).toBe(PA); // QEMU: CD 0 whatever the SSID
    ste(0);
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBeUndefined(); // terminate
    ste(1);
    expect(u.tr.lookup(1, undefined, 0x1234n)).toBe(0x1234n); // stage 1 bypassed
    // S1CDMax = 0: no SubstreamID allowed
    u.gt.ste(u.st, 1, { config: 's1', ctxPtr: table });
    expect(u.tr.lookup(1, 1, 0x1000n)).toBeUndefined();
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBe(PA);
    // 2-level, 4K leaves (64 CDs each): SSID 70 = L1 entry 1, CD 6
    const l1 = u.gt.alloc(64n, 64n);
    const leaf = u.gt.alloc(4096n, 4096n);
    u.ram.w64(l1 + 8n, leaf | 1n);
    u.gt.cd({ t0sz: 16, tg0: 0, ttb0: roots[2]!, asid: 70 }, leaf + 6n * 64n);
    u.gt.ste(u.st, 1, { config: 's1', ctxPtr: l1, s1cdmax: 7, s1fmt: 1, s1dss: 1 });
    expect(u.tr.lookup(1, 70, 0x1000n)).toBe(PA + 0x20000n);
    expect(u.tr.lookup(1, 6, 0x1000n)).toBeUndefined(); // L1 entry 0 not valid
    expect((u.tr.describeStream(1, 70) as Record<string, any>).cd.fields.asid).toBe(70);
    // only translate() filled the IOTLB (CD 0's ASID)
    expect(u.tr.iotlbEntries().map((e) => e.asid)).toEqual([10]);
  });

  it('a write-protected page is still looked up (the access already happened)', () => {
    const u = unit();
    s1(u).map(0x1000n, PA, { readOnly: true });
    expect(u.tr.lookup(1, undefined, 0x1000n)).toBe(PA);
  });

  it('describeStream decodes STE and CD from RAM without caching', () => {
    const u = unit();
    const s = s1(u);
    const d = u.tr.describeStream(1) as Record<string, any>;
    expect(d.ste.addr).toBe(s.steAddr);
    expect(d.ste.fields).toMatchObject({ valid: true, config: 5, configName: 's1', s1ContextPtr: s.cdAddr });
    expect(d.cd.fields).toMatchObject({ valid: true, t0sz: 16, asid: 1, ttb0: s.root, r: true, a: true, aa64: true });
    expect(d.config).toMatchObject({ kind: 's1', asid: 1, vmid: -1, oas: 44 });
    expect(u.tr.configCacheEntries()).toEqual([]);
    const bad = u.tr.describeStream(999) as Record<string, any>;
    expect(bad.error).toEqual(ev({ id: EVT.C_BAD_STREAMID, sid: 999 }));
  });

  it('steView returns the 8 STE words and their address', () => {
    const u = unit();
    const s = s1(u);
    expect(u.tr.steView(1)).toEqual({ kind: 'ste', addr: s.steAddr, words: encodeSte({ config: 's1', ctxPtr: s.cdAddr }) });
    expect(u.tr.steView(256)).toEqual({ kind: 'error', event: ev({ id: EVT.C_BAD_STREAMID, sid: 256 }) });
  });
});
