import { describe, expect, it } from 'vitest';
import { Iotlb, newTranslateOut, newWalkOut, translate, type WalkOut, type Walker } from './index.js';

const R = 1;
const W = 2;
const RW = R | W;

/** A tiny page table: a list of leaves; each walk reports `4 - level` memory references. */
class FakeWalker implements Walker {
  leaves: { iova: number; pa: number; shift: number; perm: number }[] = [];
  calls = 0;
  map(iova: number, pa: number, shift: number, perm: number): this {
    this.leaves.push({ iova, pa, shift, perm });
    return this;
  }
  unmap(iova: number): void {
    this.leaves = this.leaves.filter((l) => l.iova !== iova);
  }
  walk(iovaPfn: number, out: WalkOut): boolean {
    this.calls++;
    for (const l of this.leaves) {
      const span = 2 ** (l.shift - 12);
      if (iovaPfn >= l.iova && iovaPfn < l.iova + span) {
        out.paPfn = l.pa + (iovaPfn - l.iova);
        out.pageShift = l.shift;
        out.perm = l.perm;
        out.level = (l.shift - 12) / 9;
        out.memRefs = 4 - out.level;
        out.dirty = false;
        return true;
      }
    }
    out.memRefs = 4;
    return false;
  }
}

const TAG = 7 * 2 ** 21 + 0; // did 7, pasid 0
const TAG2 = 7 * 2 ** 21 + 1; // did 7, pasid 1
const TAG_BIG = 65535 * 2 ** 21 + 0xfffff; // largest did, large pasid: > 2^32

describe('Iotlb construction', () => {
  it('defaults to 4096 entries, 4 ways', () => {
    const t = new Iotlb();
    expect([t.capacity, t.ways, t.sets]).toEqual([4096, 4, 1024]);
    expect(t.stats().validEntries).toBe(0);
  });
  it('rejects a capacity or associativity that is not a power of two', () => {
    expect(() => new Iotlb(1000)).toThrow(RangeError);
    expect(() => new Iotlb(0)).toThrow(RangeError);
    expect(() => new Iotlb(16, 3)).toThrow(RangeError);
    expect(() => new Iotlb(16, 32)).toThrow(RangeError);
    expect(new Iotlb(16, 16).sets).toBe(1);
    expect(new Iotlb(16, 1).sets).toBe(16);
  });
  it('rejects leaf sizes outside 4 KiB .. 4 TiB', () => {
    const t = new Iotlb(16);
    expect(() => t.insert(TAG, 0, 0, 11, R)).toThrow(RangeError);
    expect(() => t.insert(TAG, 0, 0, 43, R)).toThrow(RangeError);
    expect(() => t.insert(TAG, 0, 0, 12.5, R)).toThrow(RangeError);
    expect(t.validEntries).toBe(0);
  });
});

describe('translate: hits, misses and walk accounting', () => {
  it('walks on a miss, caches, then hits', () => {
    const t = new Iotlb();
    const w = new FakeWalker().map(0x100, 0x5000, 12, RW).map(0x101, 0x9000, 12, R);
    const out = newTranslateOut();

    expect(translate(t, TAG, w, 0x100, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x5000, pageShift: 12, perm: RW, hit: false });
    expect(translate(t, TAG, w, 0x100, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x5000, pageShift: 12, perm: RW, hit: true });
    expect(translate(t, TAG, w, 0x101, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x9000, pageShift: 12, perm: R, hit: false });
    expect(translate(t, TAG, w, 0x101, out)).toBe(true);
    expect(translate(t, TAG, w, 0x100, out)).toBe(true);

    expect(w.calls).toBe(2);
    const s = t.stats();
    expect([s.hits, s.misses, s.walks, s.walkMemRefs, s.inserts, s.evictions, s.walkFaults, s.validEntries])
      .toEqual([3, 2, 2, 8, 2, 0, 0, 2]);
  });

  it('does not cache a failed walk and counts it', () => {
    const t = new Iotlb();
    const w = new FakeWalker();
    const out = newTranslateOut();
    out.paPfn = 123;
    expect(translate(t, TAG, w, 0x42, out)).toBe(false);
    expect(out).toEqual({ paPfn: 0, pageShift: 0, perm: 0, hit: false });
    expect(translate(t, TAG, w, 0x42, out)).toBe(false);
    const s = t.stats();
    expect([s.hits, s.misses, s.walks, s.walkFaults, s.walkMemRefs, s.inserts, s.validEntries]).toEqual([0, 2, 2, 2, 8, 0, 0]);
    expect(w.calls).toBe(2);
  });

  it('lookup counts hits and misses; peek does not', () => {
    const t = new Iotlb();
    const out = newTranslateOut();
    t.insert(TAG, 0x10, 0x20, 12, R);
    expect(t.lookup(TAG, 0x10, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x20, pageShift: 12, perm: R, hit: true });
    expect(t.lookup(TAG, 0x11, out)).toBe(false);
    expect(out.hit).toBe(false);
    expect(t.peek(TAG, 0x10, out)).toBe(true);
    expect(t.peek(TAG, 0x11, out)).toBe(false);
    const s = t.stats();
    expect([s.hits, s.misses, s.walks]).toEqual([1, 1, 0]);
    t.resetStats();
    expect(t.stats()).toMatchObject({ hits: 0, misses: 0, inserts: 0, validEntries: 1 });
  });

  it('re-inserting the same key replaces the entry instead of duplicating it', () => {
    const t = new Iotlb(16, 16);
    t.insert(TAG, 0x10, 0x20, 12, R);
    t.insert(TAG, 0x10, 0x30, 12, RW);
    expect(t.validEntries).toBe(1);
    expect(t.snapshot()).toEqual([{ slot: 0, tag: TAG, iovaPfn: 0x10, paPfn: 0x30, pageShift: 12, perm: RW }]);
    expect(t.stats().evictions).toBe(0);
  });

  it('handles frames and tags above 2^32 exactly', () => {
    const t = new Iotlb();
    const out = newTranslateOut();
    const iova = 2 ** 40 + 0x1234; // a 52-bit byte address space, frame above 2^32
    const pa = 2 ** 36 + 5;
    t.insert(TAG_BIG, iova, pa, 12, RW);
    expect(t.lookup(TAG_BIG, iova, out)).toBe(true);
    expect(out.paPfn).toBe(pa);
    // same low 32 bits, different high bits: a different frame
    expect(t.lookup(TAG_BIG, iova + 2 ** 33, out)).toBe(false);
    // tag differing only above bit 32
    expect(t.lookup(TAG_BIG - 2 ** 33, iova, out)).toBe(false);
  });
});

describe('huge entries', () => {
  it('a 2 MiB leaf is cached once under its aligned base and hits anywhere inside', () => {
    const t = new Iotlb();
    const w = new FakeWalker().map(0x200, 0x40000, 21, RW);
    const out = newTranslateOut();
    expect(translate(t, TAG, w, 0x207, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x40007, pageShift: 21, perm: RW, hit: false });
    expect(t.snapshot()).toEqual([{ slot: expect.any(Number), tag: TAG, iovaPfn: 0x200, paPfn: 0x40000, pageShift: 21, perm: RW }]);
    for (const off of [0, 1, 0x12c, 0x1ff]) {
      expect(translate(t, TAG, w, 0x200 + off, out)).toBe(true);
      expect(out).toEqual({ paPfn: 0x40000 + off, pageShift: 21, perm: RW, hit: true });
    }
    expect(w.calls).toBe(1);
    // one past the leaf: not covered
    expect(t.lookup(TAG, 0x400, out)).toBe(false);
    expect(t.lookup(TAG, 0x1ff, out)).toBe(false);
  });

  it('a 1 GiB leaf inserted from an inner frame aligns both IOVA and PA', () => {
    const t = new Iotlb();
    const out = newTranslateOut();
    const base = 3 * 2 ** 18; // 3 GiB
    t.insert(TAG, base + 0x12345, 2 ** 20 + 0x12345, 30, R);
    expect(t.snapshot()).toEqual([{ slot: expect.any(Number), tag: TAG, iovaPfn: base, paPfn: 2 ** 20, pageShift: 30, perm: R }]);
    expect(t.lookup(TAG, base, out)).toBe(true);
    expect(out).toEqual({ paPfn: 2 ** 20, pageShift: 30, perm: R, hit: true });
    expect(t.lookup(TAG, base + 2 ** 18 - 1, out)).toBe(true);
    expect(out.paPfn).toBe(2 ** 20 + 2 ** 18 - 1);
    expect(t.lookup(TAG, base + 2 ** 18, out)).toBe(false);
  });

  it('tracks the page sizes present and shrinks the set on a full scan', () => {
    const t = new Iotlb();
    expect(t.pageSizeBits).toBe(0);
    t.insert(TAG, 0x10, 0x10, 12, R);
    expect(t.pageSizeBits).toBe(1);
    t.insert(TAG2, 0x200, 0x400, 21, R);
    t.insert(TAG2, 0x40000, 0x40000, 30, R);
    expect(t.pageSizeBits).toBe(1 | (1 << 9) | (1 << 18));
    t.invalidateTag(TAG2);
    expect(t.pageSizeBits).toBe(1);
    // a scan keeps the sizes of the entries that survive it
    t.insert(TAG, 0x400, 0x400, 21, R);
    t.insert(TAG2, 0x600, 0x400, 21, R);
    t.invalidateTag(TAG2);
    expect(t.pageSizeBits).toBe(1 | (1 << 9));
    expect(t.lookup(TAG, 0x4ff, newTranslateOut())).toBe(true);
    t.invalidateAll();
    expect(t.pageSizeBits).toBe(0);
  });

  it('probes 4 KiB first when a stale 4 KiB entry and a huge entry overlap', () => {
    const t = new Iotlb();
    const out = newTranslateOut();
    t.insert(TAG, 0x200, 0x1000, 21, RW);
    t.insert(TAG, 0x205, 0x7777, 12, R);
    expect(t.lookup(TAG, 0x205, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x7777, pageShift: 12, perm: R, hit: true });
    expect(t.lookup(TAG, 0x206, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x1006, pageShift: 21, perm: RW, hit: true });
  });
});

describe('tag isolation', () => {
  it('entries of one tag never answer another', () => {
    const t = new Iotlb();
    const w1 = new FakeWalker().map(0x100, 0x1000, 12, RW);
    const w2 = new FakeWalker().map(0x100, 0x2000, 12, R);
    const out = newTranslateOut();
    translate(t, TAG, w1, 0x100, out);
    expect(out.paPfn).toBe(0x1000);
    translate(t, TAG2, w2, 0x100, out);
    expect(out).toEqual({ paPfn: 0x2000, pageShift: 12, perm: R, hit: false });
    translate(t, TAG, w1, 0x100, out);
    expect(out).toEqual({ paPfn: 0x1000, pageShift: 12, perm: RW, hit: true });
    translate(t, TAG2, w2, 0x100, out);
    expect(out).toEqual({ paPfn: 0x2000, pageShift: 12, perm: R, hit: true });
    expect(t.lookup(TAG_BIG, 0x100, out)).toBe(false);
    expect([w1.calls, w2.calls]).toEqual([1, 1]);
    expect(t.validEntries).toBe(2);
  });

  it('holds within one set too (fully associative: every key shares the set)', () => {
    const t = new Iotlb(16, 16);
    const out = newTranslateOut();
    t.insert(TAG, 0x100, 0x1000, 12, RW);
    t.insert(TAG, 0x200, 0x4000, 21, RW);
    expect(t.lookup(TAG2, 0x100, out)).toBe(false);
    expect(t.lookup(TAG2, 0x210, out)).toBe(false);
    t.insert(TAG2, 0x100, 0x2000, 12, R);
    expect(t.lookup(TAG2, 0x100, out)).toBe(true);
    expect(out.paPfn).toBe(0x2000);
    expect(t.lookup(TAG, 0x100, out)).toBe(true);
    expect(out.paPfn).toBe(0x1000);
    // a 4 KiB entry never answers for a frame of the same number under another size
    expect(t.lookup(TAG, 0x200, out)).toBe(true);
    expect(out.pageShift).toBe(21);
  });
});

describe('invalidation', () => {
  function populated(): Iotlb {
    const t = new Iotlb();
    for (let p = 100; p < 110; p++) t.insert(TAG, p, 0x8000 + p, 12, RW);
    t.insert(TAG, 1024, 0x40000, 21, RW); // [1024, 1536)
    t.insert(TAG, 2000, 0x9000, 12, R);
    for (let p = 100; p < 110; p++) t.insert(TAG2, p, 0xa000 + p, 12, R);
    t.insert(TAG2, 1024, 0x80000, 21, R);
    return t;
  }
  const keys = (t: Iotlb) => t.snapshot().map((e) => `${e.tag === TAG ? 'a' : 'b'}:${e.iovaPfn}:${e.pageShift}`);

  it('range invalidation drops only leaves overlapping the range, of that tag (probe path)', () => {
    const t = populated();
    expect(t.validEntries).toBe(23);
    expect(t.invalidateRange(TAG, 105, 2)).toBe(2);
    let k = keys(t);
    expect(k).not.toContain('a:105:12');
    expect(k).not.toContain('a:106:12');
    expect(k).toContain('a:104:12');
    expect(k).toContain('a:107:12');
    expect(k).toContain('b:105:12');
    expect(k).toContain('b:106:12');
    expect(t.validEntries).toBe(21);

    // a one-page range in the middle of the 2 MiB leaf drops the whole leaf, not TAG2's
    expect(t.invalidateRange(TAG, 1100, 1)).toBe(1);
    k = keys(t);
    expect(k).not.toContain('a:1024:21');
    expect(k).toContain('b:1024:21');
    expect(k).toContain('a:2000:12');

    // a range touching only the last frame of TAG2's leaf and the first after it
    expect(t.invalidateRange(TAG2, 1535, 2)).toBe(1);
    expect(keys(t)).not.toContain('b:1024:21');

    // a range that ends right before a leaf does not touch it
    expect(t.invalidateRange(TAG, 1990, 10)).toBe(0);
    expect(keys(t)).toContain('a:2000:12');

    const s = t.stats();
    expect(s.invalidations).toEqual({ all: 0, tag: 0, range: 4 });
    expect(s.rangeScans).toBe(0);
    expect(s.invalidatedEntries).toBe(4);
    expect(s.validEntries).toBe(19);
  });

  it('a large range scans and drops the same leaves the probe path would', () => {
    const t = populated();
    // [110, 110 + 2^40) overlaps the 2 MiB leaf and the 4 KiB page at 2000, not the page at 109
    expect(t.invalidateRange(TAG, 110, 2 ** 40)).toBe(2);
    expect(t.stats().rangeScans).toBe(1);
    let k = keys(t);
    expect(k).not.toContain('a:1024:21');
    expect(k).not.toContain('a:2000:12');
    expect(k).toContain('a:109:12');
    expect(k).toContain('b:1024:21');
    expect(t.validEntries).toBe(21);
    // a large range starting in the middle of TAG2's 2 MiB leaf, after its 4 KiB pages
    expect(t.invalidateRange(TAG2, 1500, 2 ** 40)).toBe(1);
    k = keys(t);
    expect(k).not.toContain('b:1024:21');
    expect(k).toContain('b:109:12');
    // a large range starting right after a leaf leaves it alone
    t.insert(TAG2, 1024, 0x80000, 21, R);
    expect(t.invalidateRange(TAG2, 1536, 2 ** 40)).toBe(0);
    // whole space for TAG2
    expect(t.invalidateRange(TAG2, 0, 2 ** 52)).toBe(11);
    expect(keys(t).filter((x) => x.startsWith('b:'))).toEqual([]);
    expect(t.stats().rangeScans).toBe(4);
  });

  it('probes while the probe count is within the number of sets, scans beyond', () => {
    const t = new Iotlb(256, 4); // 64 sets
    for (let p = 0; p < 100; p++) t.insert(TAG, p, p, 12, R);
    expect(t.invalidateRange(TAG, 0, 64)).toBe(64);
    expect(t.stats().rangeScans).toBe(0);
    expect(t.invalidateRange(TAG, 0, 65)).toBe(1);
    expect(t.stats().rangeScans).toBe(1);
    t.insert(TAG, 0, 0, 21, R); // now each range also needs one probe per 2 MiB leaf
    expect(t.invalidateRange(TAG, 70, 63)).toBe(30 + 1);
    expect(t.stats().rangeScans).toBe(1);
    expect(t.invalidateRange(TAG, 0, 64)).toBe(0);
    expect(t.stats().rangeScans).toBe(2);
  });

  it('probe and scan agree on random ranges', () => {
    // the same content, one cache forced to probe (tiny range count), compared with a brute-force model
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const t = new Iotlb(256, 4);
      const model: { iova: number; shift: number }[] = [];
      for (let i = 0; i < 40; i++) {
        const shift = rnd(4) === 0 ? 21 : 12;
        const span = 2 ** (shift - 12);
        const iova = Math.floor(rnd(8192) / span) * span;
        t.insert(TAG, iova, iova, shift, R);
      }
      for (const e of t.snapshot()) model.push({ iova: e.iovaPfn, shift: e.pageShift });
      const start = rnd(8192);
      const n = 1 + rnd(round % 2 ? 40 : 4000);
      const expected = model.filter((m) => m.iova < start + n && m.iova + 2 ** (m.shift - 12) > start).length;
      expect(t.invalidateRange(TAG, start, n)).toBe(expected);
      for (const e of t.snapshot()) {
        expect(e.iovaPfn < start + n && e.iovaPfn + 2 ** (e.pageShift - 12) > start).toBe(false);
      }
      expect(t.validEntries).toBe(model.length - expected);
    }
  });

  it('invalidate by tag drops every entry of that tag only', () => {
    const t = populated();
    expect(t.invalidateTag(TAG)).toBe(12);
    expect(keys(t).every((x) => x.startsWith('b:'))).toBe(true);
    expect(t.validEntries).toBe(11);
    expect(t.invalidateTag(TAG)).toBe(0);
    expect(t.invalidateTag(TAG2)).toBe(11);
    expect(t.validEntries).toBe(0);
    expect(t.stats().invalidations).toEqual({ all: 0, tag: 3, range: 0 });
  });

  it('invalidate a tag span drops all PASIDs of a domain', () => {
    const t = populated();
    t.insert(8 * 2 ** 21, 100, 1, 12, R); // did 8
    expect(t.invalidateTags(7 * 2 ** 21, 2 ** 21)).toBe(23);
    expect(t.snapshot().map((e) => e.tag)).toEqual([8 * 2 ** 21]);
  });

  it('invalidate a tag span over a range', () => {
    const t = populated();
    expect(t.invalidateTagsRange(TAG, 2, 100, 3)).toBe(6);
    expect(t.validEntries).toBe(17);
    expect(t.stats().invalidations.range).toBe(1);
  });

  it('invalidate all empties the cache', () => {
    const t = populated();
    expect(t.invalidateAll()).toBe(23);
    expect(t.snapshot()).toEqual([]);
    const s = t.stats();
    expect([s.validEntries, s.invalidatedEntries, s.invalidations.all]).toEqual([0, 23, 1]);
    const out = newTranslateOut();
    expect(t.lookup(TAG, 100, out)).toBe(false);
  });

  it('rejects malformed ranges', () => {
    const t = populated();
    expect(() => t.invalidateRange(TAG, -1, 1)).toThrow(RangeError);
    expect(() => t.invalidateRange(TAG, 0, 1.5)).toThrow(RangeError);
    expect(() => t.invalidateRange(TAG, 2 ** 53 - 1, 2)).toThrow(RangeError);
    expect(t.invalidateRange(TAG, 100, 0)).toBe(0);
    expect(t.validEntries).toBe(23);
  });
});

describe('capacity and eviction', () => {
  it('a full set evicts its oldest entry (FIFO), wherever entries were displaced to', () => {
    const t = new Iotlb(4, 4); // fully associative
    for (let p = 0; p < 4; p++) t.insert(TAG, 0x100 + p, 0x200 + p, 12, R);
    expect(t.stats().evictions).toBe(0);
    t.insert(TAG, 0x104, 0x204, 12, R);
    expect(t.stats().evictions).toBe(1);
    expect(t.snapshot().map((e) => e.iovaPfn)).toEqual([0x101, 0x102, 0x103, 0x104]);
    t.insert(TAG, 0x105, 0x205, 12, R);
    expect(t.snapshot().map((e) => e.iovaPfn)).toEqual([0x102, 0x103, 0x104, 0x105]);
    // an invalid way is reused before evicting
    t.invalidateRange(TAG, 0x103, 1);
    t.insert(TAG, 0x106, 0x206, 12, R);
    expect(t.stats().evictions).toBe(2);
    expect(t.snapshot().map((e) => e.iovaPfn)).toEqual([0x102, 0x104, 0x105, 0x106]);
    expect(t.validEntries).toBe(4);
  });

  it('FIFO holds over many rounds in one set, whatever the preferred ways', () => {
    // keys: all sharing one preferred way (multiples of 8), spreading over all of them, and random
    let seed = 99;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 4;
    };
    const keyings: ((p: number) => number)[] = [(p) => p * 8, (p) => p * 977, () => 0];
    for (const keyOf of keyings) {
      const t = new Iotlb(8, 8);
      const out = newTranslateOut();
      const order: number[] = [];
      for (let p = 0; p < 200; p++) {
        let key = keyOf(p);
        if (key === 0) do key = rnd(); while (order.includes(key));
        order.push(key);
        t.insert(TAG, key, p, 12, R);
        const expected = order.slice(-8);
        const live = t.snapshot().map((e) => e.iovaPfn);
        expect(live.sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
        for (const v of expected) {
          expect(t.peek(TAG, v, out)).toBe(true);
          expect(out.paPfn).toBe(order.indexOf(v));
        }
      }
      expect(t.stats().evictions).toBe(200 - 8);
    }
  });

  it('re-inserting a key refreshes its age', () => {
    const t = new Iotlb(4, 4);
    for (const v of [1, 2, 3, 4]) t.insert(TAG, v * 8, v, 12, R);
    t.insert(TAG, 8, 11, 12, R); // refresh the oldest
    t.insert(TAG, 40, 5, 12, R); // evicts 16, now the oldest
    expect(t.snapshot().map((e) => [e.iovaPfn, e.paPfn])).toEqual([[8, 11], [24, 3], [32, 4], [40, 5]]);
  });

  it('a one-entry cache checks tag and size on its only slot', () => {
    const t = new Iotlb(1, 1);
    const out = newTranslateOut();
    t.insert(TAG, 0x100, 0x9000, 12, RW);
    expect(t.lookup(TAG2, 0x100, out)).toBe(false);
    expect(t.lookup(TAG, 0x100, out)).toBe(true);
    // a 2 MiB entry (then evicted) leaves the 2 MiB probe on; a 4 KiB entry at a 2 MiB-aligned
    // frame must not answer for the rest of that 2 MiB range
    t.insert(TAG, 0x400, 0x800, 21, RW);
    t.insert(TAG, 0x200, 0x9000, 12, RW);
    expect(t.stats().evictions).toBe(2);
    expect(t.pageSizeBits).toBe(1 | (1 << 9));
    expect(t.lookup(TAG, 0x2ff, out)).toBe(false);
    expect(t.lookup(TAG, 0x200, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x9000, pageShift: 12, perm: RW, hit: true });
  });

  it('restarts the insertion clock before stamps would lose precision, keeping every entry', () => {
    const t = new Iotlb(4, 4);
    for (const v of [1, 2, 3, 4]) t.insert(TAG, v * 8, v, 12, RW);
    // white-box: jump the clock to its limit (2^37 - 1) instead of inserting 2^37 times
    (t as unknown as { stamp: number }).stamp = 2 ** 37 - 1;
    t.insert(TAG, 40, 5, 12, RW); // evicts 8 (oldest), then the clock restarts
    expect((t as unknown as { stamp: number }).stamp).toBe(2);
    const out = newTranslateOut();
    expect(t.snapshot().map((e) => [e.iovaPfn, e.paPfn, e.perm])).toEqual([[16, 2, RW], [24, 3, RW], [32, 4, RW], [40, 5, RW]]);
    for (const v of [16, 24, 32, 40]) {
      expect(t.peek(TAG, v, out)).toBe(true);
      expect(out).toEqual({ paPfn: v / 8, pageShift: 12, perm: RW, hit: true });
    }
    // the newest entry is stamped after the restart, so it outlives the (equally old) others
    for (const v of [48, 56, 64]) t.insert(TAG, v, v / 8, 12, RW);
    expect(t.snapshot().map((e) => e.iovaPfn)).toContain(40);
  });

  it('keeps 8 permission bits', () => {
    const t = new Iotlb(4, 4);
    const out = newTranslateOut();
    t.insert(TAG, 8, 1, 12, 0xa5);
    expect(t.peek(TAG, 8, out)).toBe(true);
    expect(out.perm).toBe(0xa5);
    expect(t.snapshot()[0].perm).toBe(0xa5);
  });

  it('entries displaced from their preferred way still hit', () => {
    const t = new Iotlb(16, 16);
    const out = newTranslateOut();
    for (let p = 0; p < 16; p++) t.insert(TAG, 0x1000 + p * 16, 0x5000 + p, 12, RW);
    for (let p = 0; p < 16; p++) {
      expect(t.lookup(TAG, 0x1000 + p * 16, out)).toBe(true);
      expect(out.paPfn).toBe(0x5000 + p);
    }
    expect(t.stats()).toMatchObject({ hits: 16, misses: 0, evictions: 0, validEntries: 16 });
  });

  it('never holds more than capacity; evictions = inserts - valid entries', () => {
    for (const ways of [1, 2, 4, 64]) {
      const t = new Iotlb(64, ways);
      for (let p = 0; p < 1000; p++) t.insert(p % 3, p * 7, p, 12, R);
      const s = t.stats();
      expect(s.validEntries).toBeLessThanOrEqual(64);
      expect(s.validEntries).toBe(t.snapshot().length);
      expect(s.evictions).toBe(s.inserts - s.validEntries);
      if (ways === 64) expect(s.validEntries).toBe(64);
    }
  });

  it('a hot working set that fits keeps hitting', () => {
    const t = new Iotlb(256, 4);
    let walks = 0;
    const w4: Walker = {
      walk(iovaPfn: number, out: WalkOut) {
        walks++;
        out.paPfn = iovaPfn + 0x10000;
        out.pageShift = 12;
        out.perm = RW;
        out.memRefs = 4;
        return true;
      },
    };
    const out = newTranslateOut();
    for (let rep = 0; rep < 3; rep++) for (let p = 0; p < 256; p++) translate(t, TAG, w4, p, out);
    // 256 consecutive frames of one tag spread over every set exactly `ways` times
    expect(t.stats()).toMatchObject({ misses: 256, hits: 512, evictions: 0, validEntries: 256, walkMemRefs: 1024 });
    expect(walks).toBe(256);
  });
});

describe('coherence is explicit (the stale-entry bug is reproducible)', () => {
  it('a changed table keeps translating to the old frame until invalidated', () => {
    const t = new Iotlb();
    const w = new FakeWalker().map(0x300, 0x1111, 12, RW);
    const out = newTranslateOut();
    translate(t, TAG, w, 0x300, out);
    expect(out.paPfn).toBe(0x1111);

    // remap without invalidation: stale
    w.unmap(0x300);
    w.map(0x300, 0x2222, 12, R);
    expect(translate(t, TAG, w, 0x300, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x1111, pageShift: 12, perm: RW, hit: true });

    // invalidating another tag or a neighbouring page does not help
    t.invalidateTag(TAG2);
    t.invalidateRange(TAG, 0x301, 1);
    translate(t, TAG, w, 0x300, out);
    expect(out.paPfn).toBe(0x1111);

    // the right invalidation makes the next translate walk and see the new PTE
    expect(t.invalidateRange(TAG, 0x300, 1)).toBe(1);
    expect(translate(t, TAG, w, 0x300, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x2222, pageShift: 12, perm: R, hit: false });
  });

  it('an unmapped page stays usable until invalidated, then faults', () => {
    const t = new Iotlb();
    const w = new FakeWalker().map(0x200, 0x40000, 21, RW);
    const out = newTranslateOut();
    translate(t, TAG, w, 0x210, out);
    w.unmap(0x200);
    expect(translate(t, TAG, w, 0x3ff, out)).toBe(true);
    expect(out).toEqual({ paPfn: 0x401ff, pageShift: 21, perm: RW, hit: true });
    t.invalidateRange(TAG, 0x3ff, 1);
    expect(translate(t, TAG, w, 0x3ff, out)).toBe(false);
    expect(t.stats().walkFaults).toBe(1);
  });
});

describe('snapshot', () => {
  it('lists valid entries as plain objects, sorted by tag then IOVA', () => {
    const t = new Iotlb(8, 8);
    t.insert(TAG2, 0x50, 0x60, 12, R);
    t.insert(TAG, 0x400 + 3, 0x800 + 3, 21, RW);
    t.insert(TAG, 0x10, 0x20, 12, W);
    t.insert(TAG_BIG, 2 ** 35, 2 ** 34, 30, RW);
    const slot = expect.any(Number);
    expect(t.snapshot()).toEqual([
      { slot, tag: TAG, iovaPfn: 0x10, paPfn: 0x20, pageShift: 12, perm: W },
      { slot, tag: TAG, iovaPfn: 0x400, paPfn: 0x800, pageShift: 21, perm: RW },
      { slot, tag: TAG2, iovaPfn: 0x50, paPfn: 0x60, pageShift: 12, perm: R },
      { slot, tag: TAG_BIG, iovaPfn: 2 ** 35, paPfn: 2 ** 34, pageShift: 30, perm: RW },
    ]);
    const snap = t.snapshot();
    const slots = snap.map((x) => x.slot);
    expect(new Set(slots).size).toBe(4);
    expect(slots.every((x) => Number.isInteger(x) && x >= 0 && x < 8)).toBe(true);
    expect(Object.getPrototypeOf(snap[0])).toBe(Object.prototype);
    // a snapshot is a copy
    snap[0].paPfn = 0;
    expect(t.snapshot()[0].paPfn).toBe(0x20);
  });

  it('walk scratch objects are plain and complete', () => {
    expect(newWalkOut()).toEqual({ paPfn: 0, pageShift: 0, perm: 0, level: 0, memRefs: 0, dirty: false });
  });
});

describe('translate = lookup + walk + insert', () => {
  // The contract any restructuring of translate's miss path must keep: the reference does the
  // same through the public lookup + walk + insert; both must answer every operation identically
  // and show the same contents (slots included) and counters.
  it('agrees with lookup + walk + insert on random mixed workloads', () => {
    let seed = 4242;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 3) % n;
    };
    const FRAMES = 2048; // 4 possible 2 MiB leaves
    const tags = [TAG, TAG2, TAG_BIG];
    for (const [cap, ways] of [[16, 4], [8, 8], [64, 2], [4, 1], [32, 4], [1, 1]] as const) {
      const a = new Iotlb(cap, ways);
      const b = new Iotlb(cap, ways);
      const pts = tags.map(() => new FakeWalker());
      for (const pt of pts) {
        for (let v = 0; v < FRAMES; v += 512) {
          if (rnd(3) === 0) pt.map(v, 0x100000 + v * 3, 21, RW);
          else for (let f = v; f < v + 512; f += 1 + rnd(2)) pt.map(f, 0x40000 + rnd(1 << 20), 12, 1 + rnd(3));
        }
      }
      const oa = newTranslateOut();
      const ob = newTranslateOut();
      const w = newWalkOut();
      let walks = 0;
      let faults = 0;
      let memRefs = 0;
      const compareAll = () => {
        expect(a.snapshot()).toEqual(b.snapshot());
        const sa = a.stats();
        const sb = b.stats();
        expect({ ...sa, walks: 0, walkFaults: 0, walkMemRefs: 0 }).toEqual({ ...sb, walks: 0, walkFaults: 0, walkMemRefs: 0 });
        expect([sa.walks, sa.walkFaults, sa.walkMemRefs]).toEqual([walks, faults, memRefs]);
        expect(a.validEntries).toBe(b.validEntries);
        expect(a.pageSizeBits).toBe(b.pageSizeBits);
      };
      for (let op = 0; op < 6000; op++) {
        const ti = rnd(8) === 0 ? rnd(3) : 0;
        const tag = tags[ti];
        const pt = pts[ti];
        // mostly a small hot region (hits, conflicts), sometimes anywhere
        const v = rnd(4) === 0 ? rnd(FRAMES) : 512 + rnd(48);
        const r = rnd(1000);
        if (r < 700) {
          const okA = a.translate(tag, pt, v, oa);
          let okB = b.lookup(tag, v, ob);
          if (!okB) {
            walks++;
            w.memRefs = 0;
            okB = pt.walk(v, w);
            memRefs += w.memRefs;
            if (okB) {
              b.insert(tag, v, w.paPfn, w.pageShift, w.perm);
              Object.assign(ob, { paPfn: w.paPfn, pageShift: w.pageShift, perm: w.perm, hit: false });
            } else {
              faults++;
              Object.assign(ob, { paPfn: 0, pageShift: 0, perm: 0, hit: false });
            }
          }
          expect([okA, { ...oa }]).toEqual([okB, { ...ob }]);
        } else if (r < 780) {
          expect([a.lookup(tag, v, oa), oa.hit ? { ...oa } : null]).toEqual([b.lookup(tag, v, ob), ob.hit ? { ...ob } : null]);
        } else if (r < 840) {
          expect([a.peek(tag, v, oa), oa.hit ? { ...oa } : null]).toEqual([b.peek(tag, v, ob), ob.hit ? { ...ob } : null]);
        } else if (r < 860) {
          const shift = rnd(5) === 0 ? 21 : 12;
          const pa = rnd(1 << 20);
          const perm = 1 + rnd(3);
          expect(a.insert(tag, v, pa, shift, perm)).toBe(b.insert(tag, v, pa, shift, perm));
        } else if (r < 900) {
          // the table changes without an invalidation: cached entries go stale in both
          if (rnd(2) === 0) pt.unmap(v);
          else if (!pt.leaves.some((l) => v >= l.iova && v < l.iova + 2 ** (l.shift - 12))) pt.map(v, rnd(1 << 20), 12, 1 + rnd(3));
        } else if (r < 930) {
          const n = 1 + rnd(rnd(2) === 0 ? 8 : 1500);
          expect(a.invalidateRange(tag, v, n)).toBe(b.invalidateRange(tag, v, n));
        } else if (r < 935) {
          expect(a.invalidateTag(tag)).toBe(b.invalidateTag(tag));
        } else if (r < 938) {
          expect(a.invalidateTagsRange(TAG, 2, v, 600)).toBe(b.invalidateTagsRange(TAG, 2, v, 600));
        } else if (r < 940) {
          expect(a.invalidateAll()).toBe(b.invalidateAll());
        } else if (r < 945) {
          compareAll();
        }
      }
      compareAll();
    }
  });

  it('a lookup right after a miss hits, and a fill evicts the oldest entry', () => {
    const t = new Iotlb(4, 4); // one set
    const pt = new FakeWalker();
    for (let v = 0; v < 16; v++) pt.map(v, 0x100 + v, 12, RW);
    const out = newTranslateOut();
    for (let v = 0; v < 4; v++) expect(t.translate(TAG, pt, v, out)).toBe(true);
    expect(t.lookup(TAG, 3, out)).toBe(true); // the newest fill, queued a moment ago
    expect(t.translate(TAG, pt, 4, out)).toBe(true); // evicts 0 (oldest)
    expect(t.peek(TAG, 0, out)).toBe(false);
    expect(t.stats()).toMatchObject({ hits: 1, misses: 5, walks: 5, inserts: 5, evictions: 1, validEntries: 4 });
    expect(t.snapshot().map((e) => e.iovaPfn)).toEqual([1, 2, 3, 4]);
  });
});
