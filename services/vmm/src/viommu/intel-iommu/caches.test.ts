import { describe, expect, it } from 'vitest';
import { IOTLB_MAX_SIZE, levelPageMask, sidMatches, VtdIotlb } from './caches.js';
import { Builder, CTX, DID, fail, FakeRam, legacy, ok, PTAB, scalable, SID } from './fixtures.js';
import { VTD_FR, type VtdInvalidateScope, type VtdPasidBindingEvent, type VtdTranslation } from './translate.js';

/** A second device context entry under the same root (bus 0), with its own table and DID. */
function addDevice(env: { ram: FakeRam; b: Builder }, sid: number, did: number, tt = 0): bigint {
  const top = env.b.table();
  env.ram.w64(CTX + BigInt(sid & 0xff) * 16n, top | BigInt(tt << 2) | 1n);
  env.ram.w64(CTX + BigInt(sid & 0xff) * 16n + 8n, BigInt(did << 8) | 2n);
  return top;
}

const pa = (r: VtdTranslation) => ok(r).pa;

// ------------------------------------------------------------------------------ IOTLB

describe('IOTLB: stale until the matching invalidation', () => {
  it('a changed PTE keeps its old translation until a page-selective invalidation with AM covers it', () => {
    const { b, t, top, levels } = legacy();
    for (let i = 1n; i <= 3n; i++) b.map(top, levels, i * 0x1000n, (0x10000n + i * 0x1000n) | 3n);
    for (let i = 1n; i <= 3n; i++) expect(pa(t.translate(SID, undefined, i * 0x1000n, false))).toBe(0x10000n + i * 0x1000n);
    for (let i = 1n; i <= 3n; i++) b.map(top, levels, i * 0x1000n, (0x20000n + i * 0x1000n) | 3n);
    // stale for every page
    for (let i = 1n; i <= 3n; i++) expect(pa(t.translate(SID, undefined, i * 0x1000n, false))).toBe(0x10000n + i * 0x1000n);
    // PSI of another domain: nothing moves
    t.invalidateIotlbPage(DID + 1, 0x2000n, 0, false);
    expect(pa(t.translate(SID, undefined, 0x2000n, false))).toBe(0x12000n);
    // PSI AM=0 at 0x2000: that page only
    t.invalidateIotlbPage(DID, 0x2000n, 0, false);
    expect(pa(t.translate(SID, undefined, 0x1000n, false))).toBe(0x11000n);
    expect(pa(t.translate(SID, undefined, 0x2000n, false))).toBe(0x22000n);
    expect(pa(t.translate(SID, undefined, 0x3000n, false))).toBe(0x13000n);
    // AM=2: the 4 pages 0x0..0x3fff
    t.invalidateIotlbPage(DID, 0x0n, 2, false);
    expect(pa(t.translate(SID, undefined, 0x1000n, false))).toBe(0x21000n);
    expect(pa(t.translate(SID, undefined, 0x3000n, false))).toBe(0x23000n);
  });

  it('an unmapped page stays usable until its PSI, then faults', () => {
    const { b, t, top, levels } = legacy();
    b.map(top, levels, 0x5000n, 0x9000n | 3n);
    expect(pa(t.translate(SID, undefined, 0x5000n, true))).toBe(0x9000n);
    b.map(top, levels, 0x5000n, 0n);
    expect(ok(t.translate(SID, undefined, 0x5010n, true))).toMatchObject({ pa: 0x9010n, perm: 3 });
    expect(t.iotlbEntries()).toHaveLength(1);
    t.invalidateIotlbPage(DID, 0x5000n, 0, true);
    expect(t.iotlbEntries()).toEqual([]);
    expect(fail(t.translate(SID, undefined, 0x5000n, true)).reason).toBe(VTD_FR.WRITE);
  });

  it('a large-page entry is dropped by a PSI of any address inside it', () => {
    const { b, t, top, levels } = legacy();
    b.map(top, levels, 0x20_0000n, 0x80_0000n | (1n << 7n) | 3n, 2);
    expect(pa(t.translate(SID, undefined, 0x21_0000n, false))).toBe(0x81_0000n);
    // hits at level 2 for another address of the same 2M page
    expect(pa(t.translate(SID, undefined, 0x3f_f000n, false))).toBe(0x9f_f000n);
    expect(t.iotlbEntries()).toHaveLength(1);
    t.invalidateIotlbPage(DID, 0x23_4000n, 0, false);
    expect(t.iotlbEntries()).toEqual([]);
  });

  it('a write through a cached read-only entry returns perm without W (no walk, no fault)', () => {
    const { b, t, top, levels } = legacy();
    b.map(top, levels, 0x1000n, 0x9000n | 1n);
    expect(ok(t.translate(SID, undefined, 0x1000n, false)).perm).toBe(1);
    expect(ok(t.translate(SID, undefined, 0x1000n, true)).perm).toBe(1);
    t.invalidateIotlbGlobal();
    expect(fail(t.translate(SID, undefined, 0x1000n, true)).reason).toBe(VTD_FR.WRITE);
  });

  it('domain-selective drops that DID only; global drops everything', () => {
    const env = legacy();
    const { b, t, top, levels } = env;
    const SID2 = 0x0018;
    const top2 = addDevice(env, SID2, 8);
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    b.map(top2, 4, 0x1000n, 0x6000n | 3n);
    t.translate(SID, undefined, 0x1000n, false);
    t.translate(SID2, undefined, 0x1000n, false);
    expect(t.iotlbEntries().map((e) => [e.sid, e.did])).toEqual([
      [SID, DID],
      [SID2, 8],
    ]);
    t.invalidateIotlbDomain(8);
    expect(t.iotlbEntries().map((e) => e.sid)).toEqual([SID]);
    t.translate(SID2, undefined, 0x1000n, false);
    t.invalidateIotlbGlobal();
    expect(t.iotlbEntries()).toEqual([]);
  });

  it(`holds at most ${IOTLB_MAX_SIZE} entries: the next insert drops them all first`, () => {
    const { b, t, top, levels } = legacy();
    for (let i = 0n; i < BigInt(IOTLB_MAX_SIZE); i++) b.map(top, levels, i << 12n, (0x100000n + (i << 12n)) | 3n);
    b.map(top, levels, BigInt(IOTLB_MAX_SIZE) << 12n, 0x5000n | 3n);
    for (let i = 0n; i < BigInt(IOTLB_MAX_SIZE); i++) t.translate(SID, undefined, i << 12n, false);
    expect(t.iotlbEntries()).toHaveLength(IOTLB_MAX_SIZE);
    t.translate(SID, undefined, BigInt(IOTLB_MAX_SIZE) << 12n, false);
    expect(t.iotlbEntries()).toEqual([{ sid: SID, did: DID, iova: BigInt(IOTLB_MAX_SIZE) << 12n, pa: 0x5000n, pageShift: 12, perm: 3 }]);
  });
});

// ------------------------------------------------------------------------------ context cache

describe('context cache: by generation, device-selective with FM, domain executed as global', () => {
  it('a changed context entry is used only after a context invalidation', () => {
    const env = legacy();
    const { b, ram, t, top, levels } = env;
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    b.map(top, levels, 0x2000n, 0x6000n | 3n);
    expect(pa(t.translate(SID, undefined, 0x1000n, false))).toBe(0x5000n);
    // point the context entry at another table (and DID) without invalidating
    const top2 = b.table();
    b.map(top2, 4, 0x2000n, 0x7000n | 3n);
    ram.w64(CTX + BigInt(SID & 0xff) * 16n, top2 | 1n);
    ram.w64(CTX + BigInt(SID & 0xff) * 16n + 8n, (9n << 8n) | 2n);
    // an IOTLB miss still walks the cached context entry
    expect(ok(t.translate(SID, undefined, 0x2000n, false))).toMatchObject({ pa: 0x6000n, did: DID });
    expect(t.contextCacheEntries().map((c) => [c.sid, c.ce[0]])).toEqual([[SID, top | 1n]]);
    t.invalidateContextDevice(SID, 0);
    expect(t.contextCacheEntries()).toEqual([]);
    // the IOTLB is separate: the cached 0x2000 entry still answers
    expect(ok(t.translate(SID, undefined, 0x2000n, false))).toMatchObject({ pa: 0x6000n, did: DID });
    t.invalidateIotlbDomain(DID);
    expect(ok(t.translate(SID, undefined, 0x2000n, false))).toMatchObject({ pa: 0x7000n, did: 9 });
  });

  it('a cleared context entry keeps translating until the invalidation, then faults CONTEXT_ENTRY_P', () => {
    const { b, ram, t, top, levels } = legacy();
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    b.map(top, levels, 0x2000n, 0x6000n | 3n);
    t.translate(SID, undefined, 0x1000n, false);
    ram.w64(CTX + BigInt(SID & 0xff) * 16n, 0n);
    expect(pa(t.translate(SID, undefined, 0x2000n, false))).toBe(0x6000n);
    t.invalidateContextGlobal();
    t.invalidateIotlbGlobal();
    expect(fail(t.translate(SID, undefined, 0x2000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_P);
  });

  it('device-selective: FM masks function bits; other devices keep their entry; domain-selective is global', () => {
    const env = legacy();
    const { t } = env;
    const sids = [0x0010, 0x0011, 0x0017, 0x0018];
    for (const s of sids.slice(1)) env.b.map(addDevice(env, s, 20 + s), 4, 0x1000n, 0x5000n | 3n);
    env.b.map(env.top, env.levels, 0x1000n, 0x5000n | 3n);
    const fill = () => {
      t.invalidateIotlbGlobal();
      for (const s of sids) t.translate(s, undefined, 0x1000n, false);
    };
    const cached = () => t.contextCacheEntries().map((c) => c.sid).sort((x, y) => x - y);
    fill();
    expect(cached()).toEqual(sids);
    t.invalidateContextDevice(0x0010, 0);
    expect(cached()).toEqual([0x0011, 0x0017, 0x0018]);
    fill();
    t.invalidateContextDevice(0x0010, 1); // devfn bit 2 masked: functions 0,4 of slot 2
    expect(cached()).toEqual([0x0011, 0x0017, 0x0018]);
    fill();
    t.invalidateContextDevice(0x0010, 3); // all functions of slot 2
    expect(cached()).toEqual([0x0018]);
    fill();
    t.invalidateContextDomain(12345 & 0xffff);
    expect(cached()).toEqual([]);
    expect(sidMatches(0x0016, 0x0010, 2)).toBe(true);
    expect(sidMatches(0x0011, 0x0010, 2)).toBe(false);
  });

  it('pass-through is sticky (nodmar) until the address space is switched by a context invalidation', () => {
    const env = legacy({}, { tt: 2 });
    const { b, ram, t, top, levels } = env;
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    expect(ok(t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ pa: 0x1000n, passThrough: true });
    ram.w64(CTX + BigInt(SID & 0xff) * 16n, top | 1n); // TT=0
    expect(ok(t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ pa: 0x1000n, passThrough: true });
    t.invalidateIotlbGlobal(); // not a switch
    expect(ok(t.translate(SID, undefined, 0x1000n, false)).pa).toBe(0x1000n);
    t.invalidateContextDevice(SID, 0);
    expect(t.passThroughSpaces()).toEqual([]);
    expect(ok(t.translate(SID, undefined, 0x1000n, false))).toEqual({ ok: true, pa: 0x5000n, pageShift: 12, perm: 1, did: DID });
  });

  it('resetCaches (SRTP / TE) drops the IOTLB and the context cache', () => {
    const { b, ram, t, top, levels } = legacy();
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    t.translate(SID, undefined, 0x1000n, false);
    ram.w64(CTX + BigInt(SID & 0xff) * 16n, 0n);
    t.resetCaches();
    expect(t.iotlbEntries()).toEqual([]);
    expect(t.contextCacheEntries()).toEqual([]);
    expect(fail(t.translate(SID, undefined, 0x1000n, false)).reason).toBe(VTD_FR.CONTEXT_ENTRY_P);
  });

  it('scalable: the PASID entry is re-read on every IOTLB miss (QEMU caches only the context entry for DMA)', () => {
    const { b, t, pe } = scalable();
    const ss1 = b.table();
    const ss2 = b.table();
    b.map(ss1, 4, 0x1000n, 0x5000n | 3n);
    b.map(ss2, 4, 0x1000n, 0x6000n | 3n);
    pe(0, { pgtt: 2, ss: ss1 });
    expect(pa(t.translate(SID, undefined, 0x1000n, false))).toBe(0x5000n);
    pe(0, { pgtt: 2, ss: ss2, did: 8 });
    expect(pa(t.translate(SID, undefined, 0x1000n, false))).toBe(0x5000n); // IOTLB
    t.invalidatePiotlb(DID, 0); // all-in-PASID of the old DID (PASID 0 = requests without PASID)
    expect(ok(t.translate(SID, undefined, 0x1000n, false))).toMatchObject({ pa: 0x6000n, did: 8 });
  });
});

// ------------------------------------------------------------------------------ PASID-based

describe('PASID-based IOTLB invalidation', () => {
  it('first stage: PSI-in-PASID drops the range of (DID, PASID); IOTLB PSI drops every FST entry of the DID', () => {
    const s = scalable({ flts: true });
    const top = s.b.table();
    s.pe(0, { pgtt: 1, fs: top, did: 11 });
    s.pe(5, { pgtt: 1, fs: top, did: 11 });
    for (const iova of [0x1000n, 0x2000n, 0x8000n]) s.b.map(top, 4, iova, (iova + 0x100000n) | 4n | 3n, 1, 7n);
    const fillAll = () => {
      for (const iova of [0x1000n, 0x2000n, 0x8000n]) {
        s.t.translate(SID, undefined, iova, false);
        s.t.translate(SID, 5, iova, false);
      }
    };
    const keys = () => s.t.iotlbEntries().map((e) => `${e.pasid}:${e.iova.toString(16)}`).sort();
    fillAll();
    expect(keys()).toHaveLength(6);
    s.t.invalidatePiotlb(11, 5, 0x0n, 1, false); // PASID 5, pages 0x0, 0x1000
    expect(keys()).toEqual(['0:1000', '0:2000', '0:8000', '5:2000', '5:8000']);
    s.t.invalidatePiotlb(12, 0); // another DID: nothing
    expect(keys()).toHaveLength(5);
    s.t.invalidatePiotlb(11, 0); // all of PASID 0 (requests without PASID)
    expect(keys()).toEqual(['5:2000', '5:8000']);
    fillAll();
    s.t.invalidateIotlbPage(11, 0x8000n, 0, false); // type-2 PSI: every FST entry of DID 11
    expect(keys()).toEqual([]);
  });

  it('second stage: PSI-in-PASID leaves SST entries; all-in-PASID drops them', () => {
    const s = scalable();
    const ss = s.b.table();
    s.pe(0, { pgtt: 2, ss });
    s.b.map(ss, 4, 0x1000n, 0x5000n | 3n);
    s.t.translate(SID, undefined, 0x1000n, false);
    s.t.invalidatePiotlb(DID, 0, 0x1000n, 0, false);
    expect(s.t.iotlbEntries()).toHaveLength(1);
    s.t.invalidatePiotlb(DID, 0);
    expect(s.t.iotlbEntries()).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ notifications

describe('onInvalidate', () => {
  it('tells listeners after each invalidation, with its scope', () => {
    const { t } = legacy();
    const seen: VtdInvalidateScope[] = [];
    t.onInvalidate = (s) => seen.push(s);
    t.invalidateIotlbPage(7, 0x12345678n, 3, false);
    t.invalidateIotlbDomain(7);
    t.invalidateIotlbGlobal();
    t.invalidateContextDevice(0x10, 3);
    t.invalidateContextGlobal();
    t.invalidateContextDomain(4);
    t.invalidatePiotlb(7, 9, 0x4000n, 1, true);
    t.invalidatePiotlb(7, 9);
    t.resetCaches();
    expect(seen).toEqual([
      { kind: 'page', did: 7, addr: 0x12345000n, am: 3 },
      { kind: 'domain', did: 7 },
      { kind: 'global' },
      { kind: 'context', sid: 0x10, fm: 3 },
      { kind: 'context' },
      { kind: 'context' },
      { kind: 'page', did: 7, addr: 0x4000n, am: 1, pasid: 9, ih: true },
      { kind: 'domain', did: 7, pasid: 9 },
      { kind: 'global' },
    ]);
  });

  it('refuses an address mask above MAMV (the caller reports it)', () => {
    const { t } = legacy();
    expect(() => t.invalidateIotlbPage(1, 0n, 19, false)).toThrow(RangeError);
  });
});

// ------------------------------------------------------------------------------ PASID cache

describe('PASID cache (vtd_pasid_cache_sync)', () => {
  it('binds, replaces and unbinds per address space, with QEMU’s DSI / PASID-SI filters', () => {
    const s = scalable();
    const ev: VtdPasidBindingEvent[] = [];
    s.t.onPasidBinding = (e) => ev.push(e);
    s.pe(0, { pgtt: 2, ss: 0x9000n, did: 3 });
    s.pe(4, { pgtt: 2, ss: 0x9000n, did: 3 });
    s.t.addAddressSpace(SID);
    s.t.addAddressSpace(SID, 4);
    s.t.invalidatePasidCache(0, undefined, true);
    expect(ev.map((e) => [e.pasid, e.change])).toEqual([
      [undefined, 'bind'],
      [4, 'bind'],
    ]);
    expect(s.t.pasidCacheEntries().map((e) => e.entry[1])).toEqual([3n, 3n]);
    ev.length = 0;
    // the entry of PASID 4 changes (same DID)
    s.pe(4, { pgtt: 2, ss: 0xa000n, did: 3 });
    s.t.invalidatePasidCache(2); // DSI of another DID: filtered out
    s.t.invalidatePasidCache(3, 5); // PASID-SI of another PASID
    expect(ev).toEqual([]);
    s.t.invalidatePasidCache(3, 4);
    expect(ev.map((e) => [e.pasid, e.change])).toEqual([[4, 'replace']]);
    ev.length = 0;
    // descriptor PASID 0 names the requests-without-PASID address space
    s.pe(0, { pgtt: 2, ss: 0xb000n, did: 3 });
    s.t.invalidatePasidCache(3, 0);
    expect(ev.map((e) => [e.pasid, e.change])).toEqual([[undefined, 'replace']]);
    ev.length = 0;
    // a cleared entry: unbound by any sync (no DID filter applies)
    s.ram.w64(PTAB + 4n * 64n, 0n);
    s.t.invalidatePasidCache(77);
    expect(ev.map((e) => [e.pasid, e.change])).toEqual([[4, 'unbind']]);
    expect(s.t.pasidCacheEntries()).toHaveLength(1);
  });

  it('does nothing in legacy mode or with translation off', () => {
    const s = scalable();
    const ev: VtdPasidBindingEvent[] = [];
    s.t.onPasidBinding = (e) => ev.push(e);
    s.pe(0, { pgtt: 2, ss: 0x9000n });
    s.t.addAddressSpace(SID);
    s.t.root = { ...s.t.root, translationEnabled: false };
    s.t.invalidatePasidCache(0, undefined, true);
    s.t.root = { ...s.t.root, translationEnabled: true, scalable: false };
    s.t.invalidatePasidCache(0, undefined, true);
    expect(ev).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ shadow walk

describe('walkRange (vtd_page_walk for caching-mode replay)', () => {
  it('emits one event per leaf with stacked permissions and one per unmapped range', () => {
    const { b, t, top, levels } = legacy();
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    b.map(top, levels, 0x3000n, 0x6000n | 1n);
    b.map(top, levels, 0x20_0000n, 0x40_0000n | (1n << 7n) | 3n, 2);
    const w = t.walkRange(SID, undefined, 0n, 0x40_0000n);
    expect(w?.did).toBe(DID);
    const mapped = w!.events.filter((e) => e.perm !== 0);
    expect(mapped).toEqual([
      { iova: 0x1000n, addrMask: 0xfffn, pa: 0x5000n, perm: 3 },
      { iova: 0x3000n, addrMask: 0xfffn, pa: 0x6000n, perm: 1 },
      { iova: 0x20_0000n, addrMask: 0x1f_ffffn, pa: 0x40_0000n, perm: 3 },
    ]);
    // every 4K slot of the first 2M table is reported, mapped or not
    expect(w!.events.filter((e) => e.iova < 0x20_0000n)).toHaveLength(512);
    expect(t.walkRange(SID + 1, undefined, 0n, 0x1000n)).toBeUndefined();
  });

  it('stops on a guest table loop (entry budget)', () => {
    const { ram, t, top } = legacy();
    for (let i = 0n; i < 512n; i++) ram.w64(top + i * 8n, top | 3n); // every entry points at the table itself: 512^4 leaves
    expect(() => t.walkRange(SID, undefined, 0n, 1n << 48n, 100_000)).toThrow(RangeError);
    // a walk within its budget completes
    expect(t.walkRange(SID, undefined, 0n, 0x1000n, 100_000)?.events).toEqual([{ iova: 0n, addrMask: 0xfffn, pa: top, perm: 3 }]);
  });

  it('walkRangeAsync gives the event loop back while it walks, and finds what walkRange finds', async () => {
    const { b, ram, t, top, levels } = legacy();
    b.map(top, levels, 0x1000n, 0x5000n | 3n);
    expect(await t.walkRangeAsync(SID, undefined, 0n, 0x40_0000n)).toEqual(t.walkRange(SID, undefined, 0n, 0x40_0000n));
    for (let i = 0n; i < 512n; i++) ram.w64(top + i * 8n, top | 3n);
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    try {
      await expect(t.walkRangeAsync(SID, undefined, 0n, 1n << 48n, 50_000, 1000)).rejects.toThrow(RangeError);
    } finally {
      clearInterval(tick);
    }
    expect(turns).toBeGreaterThan(0); // timers ran during the 50 000-entry walk
  });
});

describe('VtdIotlb keys', () => {
  it('keeps entries per (sid, pasid, level, gfn) and looks up 4K, 2M, 1G in turn', () => {
    const c = new VtdIotlb();
    c.update(1, -1, 5, 0x4000_1234n, 0x9000_0000n | 0x83n, 3, 3, 2);
    expect(c.lookup(1, -1, 0x7fff_ffffn)?.level).toBe(3);
    expect(c.lookup(1, 0, 0x4000_0000n)).toBeUndefined();
    expect(c.lookup(2, -1, 0x4000_0000n)).toBeUndefined();
    expect(levelPageMask(2)).toBe(0xffffffffffe00000n);
  });
});
