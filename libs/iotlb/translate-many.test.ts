import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../memory/phys.js';
import { PROT_READ, PROT_WRITE, createPageTable, type PageTable } from '../pgtable/index.js';
import { Iotlb, TRANSLATE_HIT, newTranslateOut, type WalkOut, type Walker } from './index.js';

const RW = PROT_READ | PROT_WRITE;
const GiB = 262144; // 4 KiB frames per GiB
const TAG_A = 3 * 2 ** 21;
const TAG_B = 3 * 2 ** 21 + 5;

function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** Records the sizes of the batches a walker was asked to walk ahead (and still walks for real). */
class CountingWalker implements Walker {
  batches: number[] = [];
  walks = 0;
  constructor(private readonly pt: PageTable) {}
  walk(iovaPfn: number, out: WalkOut): boolean {
    this.walks++;
    return this.pt.walk(iovaPfn, out);
  }
  walkBatch(pfns: Float64Array, n: number, paPfn: Float64Array, info: Int32Array): void {
    this.batches.push(n);
    this.pt.walkBatch(pfns, n, paPfn, info);
  }
}

/** The same walker without walkBatch: translateMany must fall back to one translate per frame. */
class PlainWalker implements Walker {
  constructor(private readonly pt: PageTable) {}
  walk(iovaPfn: number, out: WalkOut): boolean {
    return this.pt.walk(iovaPfn, out);
  }
}

/** Per-call reference: translate() frame by frame, results in translateMany's format. */
function perCall(t: Iotlb, tag: number, w: Walker, pfns: Float64Array, n: number) {
  const out = newTranslateOut();
  const pa: number[] = [];
  const info: number[] = [];
  let ok = 0;
  for (let j = 0; j < n; j++) {
    if (t.translate(tag, w, pfns[j]!, out)) {
      pa.push(out.paPfn);
      info.push(out.pageShift | (out.perm << 8) | (out.hit ? TRANSLATE_HIT : 0));
      ok++;
    } else {
      pa.push(0);
      info.push(0);
    }
  }
  return { ok, pa, info };
}

function batched(t: Iotlb, tag: number, w: Walker, pfns: Float64Array | Uint32Array, n: number) {
  const outPa = new Float64Array(n + 3).fill(-1);
  const outInfo = new Int32Array(n + 3).fill(-1);
  const ok = t.translateMany(tag, w, pfns, n, outPa, outInfo);
  // nothing beyond n is written
  expect([...outPa.subarray(n)]).toEqual([-1, -1, -1]);
  expect([...outInfo.subarray(n)]).toEqual([-1, -1, -1]);
  return { ok, pa: [...outPa.subarray(0, n)], info: [...outInfo.subarray(0, n)] };
}

/**
 * A VT-d 48-bit table (the level-by-level path) with 4 KiB pages, 2 MiB and 1 GiB leaves,
 * read-only pages and holes, plus the list of frames worth probing.
 */
function world(mem: PhysicalMemory, rnd: (n: number) => number, format: 'vtd48' | 'vtd39' = 'vtd48') {
  const pt = createPageTable(mem, 'vtd-ss', { inputBits: format === 'vtd48' ? 48 : 39 });
  const mapped: number[] = [];
  // 4 KiB pages in two dense windows (so sets conflict and entries get evicted)
  for (let i = 0; i < 600; i++) {
    const iova = 0x10000 + i * (i % 7 === 0 ? 3 : 1);
    try {
      pt.map(iova, 0x40000 + rnd(0x10000), 1, rnd(4) === 0 ? PROT_READ : RW, 12);
      mapped.push(iova);
    } catch {
      /* already mapped */
    }
  }
  pt.map(0x200000, 0x600000, 512 * 4, RW); // 2 MiB leaves
  for (let k = 0; k < 4; k++) mapped.push(0x200000 + k * 512 + rnd(512));
  pt.map(GiB * 16, GiB * 2, GiB, PROT_READ); // a 1 GiB leaf
  mapped.push(GiB * 16, GiB * 16 + rnd(GiB), GiB * 17 - 1);
  return { pt, mapped };
}

function randomPfns(rnd: (n: number) => number, mapped: number[], n: number, hot: number): Float64Array {
  const pfns = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const r = rnd(20);
    if (r < hot) pfns[j] = mapped[rnd(Math.min(24, mapped.length))]!; // a few hot frames
    else if (r < 15) pfns[j] = mapped[rnd(mapped.length)]!;
    else if (r === 15 && j > 0) pfns[j] = pfns[j - 1]!; // the same frame twice in a row
    else if (r === 16) pfns[j] = 0x10000 + rnd(2000); // some mapped, some holes
    else if (r === 17) pfns[j] = 2 ** 36 + rnd(100); // beyond a 48-bit table
    else if (r === 18) pfns[j] = 0x200000 + rnd(512 * 4); // inside the 2 MiB leaves
    else pfns[j] = GiB * 16 + rnd(GiB); // inside the 1 GiB leaf
  }
  return pfns;
}

describe('translateMany = translate frame by frame', () => {
  for (const [cap, ways] of [[64, 4], [16, 16], [32, 1], [4096, 4]] as const) {
    it(`differential over random batches, invalidations and stale table changes (${cap} entries, ${ways}-way)`, () => {
      const rnd = prng(0x7e57 + cap * 31 + ways);
      const mem = new PhysicalMemory({ ramBytes: 64n << 30n });
      const { pt, mapped } = world(mem, rnd);
      const { pt: pt2, mapped: mapped2 } = world(mem, rnd, 'vtd39');
      const ref = new Iotlb(cap, ways);
      const many = new Iotlb(cap, ways);
      const walker = new CountingWalker(pt);
      const walker2 = new CountingWalker(pt2);
      let batches = 0;
      let stale = 0;
      for (let step = 0; step < 160; step++) {
        const op = rnd(12);
        if (op < 7) {
          const useB = rnd(3) === 0;
          const tag = useB ? TAG_B : TAG_A;
          const w = useB ? walker2 : walker;
          const n = [0, 1, 5, 255, 256, 257, 700][rnd(7)]!;
          const pfns = randomPfns(rnd, useB ? mapped2 : mapped, n, rnd(2) === 0 ? 12 : 2);
          const a = perCall(ref, tag, new PlainWalker(useB ? pt2 : pt), pfns, n);
          const b = batched(many, tag, w, rnd(2) === 0 ? pfns : Float64Array.from(pfns), n);
          expect(b, `step ${step}`).toEqual(a);
          batches++;
        } else if (op === 7) {
          // change the table without invalidating: the IOTLB keeps the old translation
          const iova = mapped[rnd(600)]!;
          if (iova < 0x200000) {
            pt.unmap(iova, 1);
            pt.map(iova, 0x90000 + rnd(0x1000), 1, RW, 12);
            stale++;
          }
        } else if (op === 8) {
          const iova = [0x10000 + rnd(1200), 0x200000 + rnd(2048), GiB * 16 + rnd(GiB)][rnd(3)]!;
          const len = 1 + rnd(300);
          expect(many.invalidateRange(TAG_A, iova, len)).toBe(ref.invalidateRange(TAG_A, iova, len));
        } else if (op === 9) {
          expect(many.invalidateTag(TAG_B)).toBe(ref.invalidateTag(TAG_B));
        } else if (op === 10) {
          const lo = 0x200000 + rnd(2048);
          expect(many.invalidateTagsRange(TAG_A, 6, lo, 3)).toBe(ref.invalidateTagsRange(TAG_A, 6, lo, 3));
        } else if (rnd(4) === 0) {
          expect(many.invalidateAll()).toBe(ref.invalidateAll());
        }
        expect(many.stats(), `step ${step}`).toEqual(ref.stats());
        expect(many.snapshot(), `step ${step}`).toEqual(ref.snapshot());
      }
      expect(batches).toBeGreaterThan(60);
      expect(stale).toBeGreaterThan(0);
      const s = ref.stats();
      expect(s.hits).toBeGreaterThan(0);
      expect(s.walkFaults).toBeGreaterThan(0);
      if (cap < 4096) expect(s.evictions).toBeGreaterThan(0);
      // both ways of choosing what to walk ahead were used: a whole chunk, and only its misses
      const all = [...walker.batches, ...walker2.batches];
      expect(all.some((m) => m === 256)).toBe(true);
      expect(all.some((m) => m === 0 || ![1, 5, 188, 255, 256].includes(m))).toBe(true);
      // a frame that looked like a hit when the chunk was probed, then got evicted, is walked in order
      if (cap <= 32) expect(walker.walks + walker2.walks).toBeGreaterThan(0);
    });
  }
});

describe('translateMany edges', () => {
  it('a walker without walkBatch is walked frame by frame, in order, only on misses', () => {
    const rnd = prng(99);
    const mem = new PhysicalMemory({ ramBytes: 64n << 30n });
    const { pt, mapped } = world(mem, rnd);
    const order: number[] = [];
    const plain: Walker = {
      walk(iovaPfn: number, out: WalkOut): boolean {
        order.push(iovaPfn);
        return pt.walk(iovaPfn, out);
      },
    };
    const ref = new Iotlb(64, 4);
    const many = new Iotlb(64, 4);
    for (let k = 0; k < 6; k++) {
      const pfns = randomPfns(rnd, mapped, 300, 8);
      const a = perCall(ref, TAG_A, new PlainWalker(pt), pfns, 300);
      order.length = 0;
      expect(batched(many, TAG_A, plain, pfns, 300)).toEqual(a);
      expect(order.length).toBe(300 - a.info.filter((i) => (i & TRANSLATE_HIT) !== 0).length);
      expect(many.stats()).toEqual(ref.stats());
      expect(many.snapshot()).toEqual(ref.snapshot());
    }
  });

  it('walks done ahead for frames that then hit are not counted', () => {
    const mem = new PhysicalMemory({ ramBytes: 1n << 30n });
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x100, 0x5000, 8, RW, 12);
    const t = new Iotlb();
    const w = new CountingWalker(pt);
    // 8 misses, then the same 8 frames again within the chunk: hits of the entries just cached
    const pfns = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => 0x100 + i));
    const r = batched(t, TAG_A, w, pfns, 16);
    expect(w.batches).toEqual([16]); // the whole chunk walked ahead (nothing hit before)
    expect(r.ok).toBe(16);
    expect(r.pa).toEqual([...pfns].map((p) => p - 0x100 + 0x5000));
    expect(r.info).toEqual([...Array(8).fill(12 | (RW << 8)), ...Array(8).fill(12 | (RW << 8) | TRANSLATE_HIT)]);
    expect(t.stats()).toMatchObject({ hits: 8, misses: 8, walks: 8, walkMemRefs: 32, inserts: 8 });
  });

  it('rejects a count that does not fit the arrays, before changing anything', () => {
    const mem = new PhysicalMemory({ ramBytes: 1n << 30n });
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x100, 0x5000, 8, RW, 12);
    const t = new Iotlb();
    const pfns = new Float64Array([0x100, 0x101]);
    expect(() => t.translateMany(TAG_A, pt, pfns, 3, new Float64Array(3), new Int32Array(3))).toThrow(RangeError);
    expect(() => t.translateMany(TAG_A, pt, pfns, 2, new Float64Array(1), new Int32Array(2))).toThrow(RangeError);
    expect(() => t.translateMany(TAG_A, pt, pfns, 2, new Float64Array(2), new Int32Array(1))).toThrow(RangeError);
    expect(() => t.translateMany(TAG_A, pt, pfns, 1.5, new Float64Array(2), new Int32Array(2))).toThrow(RangeError);
    expect(t.stats()).toMatchObject({ hits: 0, misses: 0, walks: 0, validEntries: 0 });
    // Uint32Array frames are accepted as well
    const pa = new Float64Array(2);
    const info = new Int32Array(2);
    expect(t.translateMany(TAG_A, pt, new Uint32Array([0x101, 0x101]), 2, pa, info)).toBe(2);
    expect([...pa]).toEqual([0x5001, 0x5001]);
    expect([...info]).toEqual([12 | (RW << 8), 12 | (RW << 8) | TRANSLATE_HIT]);
  });
});
