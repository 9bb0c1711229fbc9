import { describe, expect, it } from 'vitest';
import { HALVES, makeTlbEntry, SMMU_IOTLB_MAX_SIZE, SmmuConfigCache, SmmuIotlb, split64, emptyCfg, type SmmuTlbEntry } from './caches.js';
import { FakeGuestRam, GuestTables, TG0 } from './fixtures.js';
import { SmmuTranslator } from './translate.js';
import { smmuCaps } from './types.js';

/** A stage-1 entry (4K granule) of `size` bytes at `iova`. */
function s1e(asid: number, vmid: number, iova: bigint, level = 3, granule = 12): SmmuTlbEntry {
  const shift = granule + (3 - level) * (granule - 3);
  const m = (1n << BigInt(shift)) - 1n;
  return makeTlbEntry(asid, vmid, iova & ~m, 0x9000_0000n, m, granule, level, 3, 3, asid < 0 ? 2 : 1);
}

function find(t: SmmuIotlb, asid: number, vmid: number, iova: bigint, granule = 12, tsz = 16): SmmuTlbEntry | undefined {
  split64(iova);
  return t.lookupAllLevels(asid, vmid, granule, tsz, HALVES[1]!, HALVES[0]!);
}

const keys = (t: SmmuIotlb) =>
  t
    .entries()
    .map((e) => `${e.asid}/${e.vmid}/${e.iova.toString(16)}/L${e.level}`)
    .sort();

describe('SmmuIotlb: keys and lookups', () => {
  it('finds an entry from any address of its page or block, at its own level only', () => {
    const t = new SmmuIotlb();
    t.insert(s1e(1, -1, 0x20_0000n, 2));
    t.insert(s1e(1, -1, 0x1000n, 3));
    expect(find(t, 1, -1, 0x3f_ffffn)?.iova).toBe(0x20_0000n);
    expect(find(t, 1, -1, 0x1fffn)?.iova).toBe(0x1000n);
    expect(find(t, 1, -1, 0x2000n)).toBeUndefined();
    expect(find(t, 2, -1, 0x1000n)).toBeUndefined(); // other ASID
    expect(find(t, 1, 3, 0x1000n)).toBeUndefined(); // other VMID
    expect(find(t, 1, -1, 0x1000n, 16)).toBeUndefined(); // other granule (tg)
    // start level from the table size: T0SZ 39 (25-bit input) starts at level 2, so a level-2 key is tried
    expect(find(t, 1, -1, 0x20_0000n, 12, 39)?.level).toBe(2);
  });

  it('high addresses (TTB1, top byte) are exact', () => {
    const t = new SmmuIotlb();
    t.insert(s1e(1, -1, 0xffff_ffff_ffff_f000n));
    t.insert(s1e(1, -1, 0xab00_0000_0000_5000n));
    expect(find(t, 1, -1, 0xffff_ffff_ffff_ffffn)?.iova).toBe(0xffff_ffff_ffff_f000n);
    expect(find(t, 1, -1, 0xab00_0000_0000_5fffn)?.iova).toBe(0xab00_0000_0000_5000n);
    expect(find(t, 1, -1, 0xaa00_0000_0000_5000n)).toBeUndefined();
  });

  it(`holds at most ${SMMU_IOTLB_MAX_SIZE} entries: the insert after that drops them all first`, () => {
    const t = new SmmuIotlb();
    for (let i = 0; i < SMMU_IOTLB_MAX_SIZE; i++) t.insert(s1e(1, -1, BigInt(i) << 12n));
    expect(t.size).toBe(SMMU_IOTLB_MAX_SIZE);
    t.insert(s1e(1, -1, 0x1000_0000n));
    expect(t.size).toBe(1);
    expect(keys(t)).toEqual(['1/-1/10000000/L3']);
    // re-inserting an existing key does not count twice
    t.insert(s1e(1, -1, 0x1000_0000n));
    expect(t.size).toBe(1);
  });
});

describe('SmmuIotlb against a reference map (random inserts, removals, lookups)', () => {
  it('keeps exactly the entries a plain keyed map would', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const t = new SmmuIotlb();
    const ref = new Map<string, SmmuTlbEntry>();
    const key = (e: SmmuTlbEntry) => `${e.asid}/${e.vmid}/${e.tg}/${e.level}/${e.iova}`;
    for (let step = 0; step < 5000; step++) {
      const op = rnd(10);
      const asid = rnd(4) - 1;
      const vmid = rnd(3) - 1;
      if (op < 6) {
        const e = s1e(asid, vmid, (BigInt(rnd(64)) << 12n) | (BigInt(rnd(4)) << 40n), rnd(10) === 0 ? 2 : 3);
        if (ref.size >= SMMU_IOTLB_MAX_SIZE) ref.clear();
        ref.set(key(e), e);
        t.insert(e);
      } else if (op === 6) {
        t.invAsidVmid(asid, vmid);
        for (const [k, e] of ref) if (e.asid === asid && e.vmid === vmid) ref.delete(k);
      } else if (op === 7) {
        t.invVmidS1(vmid);
        for (const [k, e] of ref) if (e.vmid === vmid && e.asid >= 0) ref.delete(k);
      } else {
        const iova = (BigInt(rnd(64)) << 12n) | (BigInt(rnd(4)) << 40n);
        // levels are tried from the start level down: the 2M key before the 4K one
        const want =
          [...ref.values()].find((e) => e.asid === asid && e.vmid === vmid && e.level === 2 && e.iova === (iova & ~0x1f_ffffn)) ??
          [...ref.values()].find((e) => e.asid === asid && e.vmid === vmid && e.level === 3 && e.iova === iova);
        expect(find(t, asid, vmid, iova)).toBe(want);
      }
      expect(t.size).toBe(ref.size);
    }
    expect(t.entries().map(key).sort()).toEqual([...ref.keys()].sort());
  });
});

describe('SmmuIotlb: invalidations (smmu_iotlb_inv_*)', () => {
  function filled(): SmmuIotlb {
    const t = new SmmuIotlb();
    t.insert(s1e(1, 5, 0x1000n));
    t.insert(s1e(1, 6, 0x1000n));
    t.insert(s1e(2, 5, 0x2000n));
    t.insert(s1e(-1, 5, 0x1000n)); // stage 2
    t.insert(s1e(-1, 6, 0x1000n));
    t.insert(s1e(1, 5, 0x20_0000n, 2)); // 2M block
    return t;
  }

  it('inv_asid_vmid drops (asid, vmid) exactly', () => {
    const t = filled();
    expect(t.invAsidVmid(1, 5)).toBe(2);
    expect(keys(t)).toEqual(['-1/5/1000/L3', '-1/6/1000/L3', '1/6/1000/L3', '2/5/2000/L3']);
  });

  it('inv_vmid drops every entry of the VMID (stage 1 and stage 2)', () => {
    const t = filled();
    expect(t.invVmid(5)).toBe(4);
    expect(keys(t)).toEqual(['-1/6/1000/L3', '1/6/1000/L3']);
  });

  it('inv_vmid_s1 keeps the VMID\'s stage-2 (asid −1) entries', () => {
    const t = filled();
    expect(t.invVmidS1(5)).toBe(3);
    expect(keys(t)).toEqual(['-1/5/1000/L3', '-1/6/1000/L3', '1/6/1000/L3']);
  });

  it('inv_iova: asid and vmid −1 match anything (stage-2 entries included); a block containing the address goes', () => {
    const t = filled();
    expect(t.invIova(-1, -1, 0x1000n, 0, 1n, 0)).toBe(4);
    expect(keys(t)).toEqual(['1/5/200000/L2', '2/5/2000/L3']);
    expect(t.invIova(1, 5, 0x23_4000n, 0, 1n, 0)).toBe(1); // inside the 2M block
    expect(keys(t)).toEqual(['2/5/2000/L3']);
  });

  it('inv_iova with TG/NUM: the 2^n-page range at the address (TG 0 = 4K pages)', () => {
    const t = new SmmuIotlb();
    for (const a of [0xf000n, 0x10000n, 0x11000n, 0x13000n, 0x14000n]) t.insert(s1e(3, -1, a));
    expect(t.invIova(3, -1, 0x10000n, 1, 4n, 0)).toBe(3);
    expect(keys(t)).toEqual(['3/-1/14000/L3', '3/-1/f000/L3']);
    // 64K granule (TG 3) one page covers 0x10000..0x1ffff
    t.insert(s1e(3, -1, 0x1f000n));
    expect(t.invIova(3, -1, 0x10000n, 3, 1n, 0)).toBe(2);
    expect(keys(t)).toEqual(['3/-1/f000/L3']);
  });

  it('inv_iova TTL fast path: one exact key removed and nothing else, even a containing block', () => {
    const t = new SmmuIotlb();
    t.insert(s1e(1, -1, 0x1000n));
    t.insert(s1e(1, -1, 0n, 2));
    expect(t.invIova(1, -1, 0x1000n, 1, 1n, 3)).toBe(1);
    expect(keys(t)).toEqual(['1/-1/0/L2']);
    // no exact key: falls back to matching, the block goes
    expect(t.invIova(1, -1, 0x1000n, 1, 1n, 3)).toBe(1);
    expect(t.size).toBe(0);
  });

  it('inv_ipa drops only stage-2 (asid −1) entries of the VMID', () => {
    const t = filled();
    expect(t.invIpa(5, 0x1000n, 0, 1n, 0)).toBe(1);
    expect(keys(t)).toEqual(['-1/6/1000/L3', '1/5/1000/L3', '1/5/200000/L2', '1/6/1000/L3', '2/5/2000/L3']);
    expect(t.invIpa(6, 0x1000n, 1, 1n, 3)).toBe(1); // TTL fast path on the stage-2 key
    expect(t.entries().filter((e) => e.asid < 0)).toEqual([]);
  });

  it('inv_all', () => {
    const t = filled();
    t.clear();
    expect(t.size).toBe(0);
    expect(t.entries()).toEqual([]);
  });
});

describe('SmmuConfigCache', () => {
  it('deleteRange drops the cached SIDs in [start, end] only', () => {
    const c = new SmmuConfigCache();
    for (const sid of [0, 7, 8, 15, 16, 0xffff]) c.set(sid, emptyCfg());
    expect(c.deleteRange(8, 15)).toBe(2);
    expect(c.entries().map(([s]) => s)).toEqual([0, 7, 16, 0xffff]);
    expect(c.deleteRange(0, 0xffff_ffff)).toBe(4);
    expect(c.size).toBe(0);
  });
});

describe('translator IOTLB overflow', () => {
  it(`the ${SMMU_IOTLB_MAX_SIZE + 1}th distinct page flushes every cached translation (stale ones too)`, () => {
    const ram = new FakeGuestRam();
    const gt = new GuestTables(ram);
    const tr = new SmmuTranslator(ram, smmuCaps({ stage: 1, accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true } }));
    const st = gt.linearStreamTable(4);
    tr.table = st;
    const root = gt.table(12);
    gt.ste(st, 1, { config: 's1', ctxPtr: gt.cd({ t0sz: 16, tg0: TG0[12], ttb0: root, asid: 1 }) });
    const leaves: bigint[] = [];
    for (let i = 0; i <= SMMU_IOTLB_MAX_SIZE; i++) leaves.push(gt.s1Map(root, { granule: 12, tsz: 16, iova: BigInt(i) << 12n, pa: 0x9000_0000n + (BigInt(i) << 12n) }));
    for (let i = 0; i < SMMU_IOTLB_MAX_SIZE; i++) tr.translate(1, undefined, BigInt(i) << 12n, false);
    expect(tr.iotlbEntries().length).toBe(SMMU_IOTLB_MAX_SIZE);
    ram.w64(leaves[0]!, 0x7000_0000n | 3n | (1n << 10n)); // remap page 0 without TLBI
    const r0 = tr.translate(1, undefined, 0n, false);
    expect(r0.ok && r0.pa).toBe(0x9000_0000n); // stale
    tr.translate(1, undefined, BigInt(SMMU_IOTLB_MAX_SIZE) << 12n, false);
    expect(tr.iotlbEntries().map((e) => e.iova)).toEqual([BigInt(SMMU_IOTLB_MAX_SIZE) << 12n]);
    const r1 = tr.translate(1, undefined, 0n, false);
    expect(r1.ok && r1.pa).toBe(0x7000_0000n);
    expect(tr.iotlb.hits).toBe(1);
  });
});
