import { describe, expect, it } from 'vitest';
import {
  AUTO_IOVA_FIRST,
  AUTO_IOVA_LAST,
  HPAGE_SIZE,
  IntervalNode,
  IntervalTree,
  NonOverlappingMap,
  RangeOverlapError,
  alignedCandidate,
  allocIova,
  autoIovaAlignment,
  complement,
  covers,
  hasOverlap,
  holes,
  holesOf,
  intersect,
  intersects,
  normalize,
  spans,
  subtract,
  totalLength,
  union,
  type Range,
} from './index.js';
import { prng } from '../../test/contract/prng.js';

const U64_MAX = (1n << 64n) - 1n;
const P = 4096n;

function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

const r = (start: bigint, last: bigint): Range => ({ start, last });
const plain = (xs: Iterable<Range>): Array<[bigint, bigint]> => Array.from(xs, (x) => [x.start, x.last]);

// ---- naive references ----------------------------------------------------------------------

interface NaiveEntry {
  node: IntervalNode<number>;
  seq: number;
}

function naiveSorted(entries: NaiveEntry[]): NaiveEntry[] {
  return [...entries].sort((a, b) =>
    a.node.start < b.node.start ? -1 : a.node.start > b.node.start ? 1 : a.seq - b.seq,
  );
}

function naiveIntersecting(entries: NaiveEntry[], start: bigint, last: bigint): IntervalNode<number>[] {
  if (start > last) return [];
  return naiveSorted(entries)
    .filter((e) => e.node.start <= last && start <= e.node.last)
    .map((e) => e.node);
}

/** Holes by elementary segments between all boundary points (independent of the tree code). */
function naiveHoles(nodes: Range[], start: bigint, last: bigint): Array<[bigint, bigint]> {
  if (start > last) return [];
  const pts = new Set<bigint>([start, last + 1n]);
  for (const n of nodes) {
    if (n.start > start && n.start <= last) pts.add(n.start);
    if (n.last + 1n > start && n.last + 1n <= last) pts.add(n.last + 1n);
  }
  const sorted = [...pts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const s = sorted[i]!;
    const l = sorted[i + 1]! - 1n;
    const covered = nodes.some((n) => n.start <= s && s <= n.last);
    if (covered) continue;
    const prev = out[out.length - 1];
    if (prev !== undefined && prev[1] + 1n === s) prev[1] = l;
    else out.push([s, l]);
  }
  return out;
}

/** A bitmap model over [0, 128) for range-list functions. */
const DOM = 128;
function toBits(ranges: Range[]): boolean[] {
  const bits = new Array<boolean>(DOM).fill(false);
  for (const x of ranges) for (let i = Number(x.start); i <= Number(x.last); i++) bits[i] = true;
  return bits;
}
function fromBits(bits: boolean[]): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  let i = 0;
  while (i < DOM) {
    if (!bits[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < DOM && bits[j + 1]) j++;
    out.push([BigInt(i), BigInt(j)]);
    i = j + 1;
  }
  return out;
}
function randomRanges(rnd: () => number, maxCount: number): Range[] {
  const n = randInt(rnd, maxCount + 1);
  const out: Range[] = [];
  for (let i = 0; i < n; i++) {
    const s = randInt(rnd, DOM);
    const len = 1 + randInt(rnd, 12);
    out.push(r(BigInt(s), BigInt(Math.min(DOM - 1, s + len - 1))));
  }
  return out;
}

// ---- IntervalTree ---------------------------------------------------------------------------

describe('IntervalTree', () => {
  it('inserts, orders equal starts by insertion, and iterates ascending', () => {
    const t = new IntervalTree<string>();
    const a = t.insert(10n, 20n, 'a');
    const b = t.insert(5n, 5n, 'b');
    const c = t.insert(10n, 11n, 'c');
    const d = t.insert(0n, U64_MAX, 'd');
    expect(t.size).toBe(4);
    expect(Array.from(t, (n) => n.value)).toEqual(['d', 'b', 'a', 'c']);
    expect(Array.from(t.values())).toEqual(['d', 'b', 'a', 'c']);
    expect(a.length).toBe(11n);
    expect(d.length).toBe(1n << 64n);
    expect(t.first()).toBe(d);
    expect(t.lastNode()).toBe(c);
    expect(t.next(b)).toBe(a);
    expect(t.next(c)).toBeUndefined();
    t.assertValid();
  });

  it('answers overlap queries including the u64 extremes', () => {
    const t = new IntervalTree<string>();
    t.insert(0n, 0n, 'zero');
    t.insert(U64_MAX, U64_MAX, 'top');
    t.insert(100n, 199n, 'mid');
    t.insert(150n, 1000n, 'mid2');
    t.insert(U64_MAX - 4095n, U64_MAX - 1n, 'high');
    const q = (s: bigint, l: bigint) => Array.from(t.intersecting(s, l), (n) => n.value);
    expect(q(0n, 0n)).toEqual(['zero']);
    expect(q(1n, 99n)).toEqual([]);
    expect(q(199n, 199n)).toEqual(['mid', 'mid2']);
    expect(q(200n, 200n)).toEqual(['mid2']);
    expect(q(1001n, U64_MAX - 4096n)).toEqual([]);
    expect(q(U64_MAX, U64_MAX)).toEqual(['top']);
    expect(q(U64_MAX - 1n, U64_MAX)).toEqual(['high', 'top']);
    expect(q(0n, U64_MAX)).toEqual(['zero', 'mid', 'mid2', 'high', 'top']);
    expect(q(5n, 4n)).toEqual([]);
    expect(t.firstIntersecting(150n, 150n)?.value).toBe('mid');
    expect(t.firstIntersecting(1n, 99n)).toBeUndefined();
    expect(t.firstContaining(500n)?.value).toBe('mid2');
  });

  it('rejects non-u64 or inverted intervals', () => {
    const t = new IntervalTree<number>();
    expect(() => t.insert(5n, 4n, 0)).toThrow(RangeError);
    expect(() => t.insert(-1n, 4n, 0)).toThrow(RangeError);
    expect(() => t.insert(0n, U64_MAX + 1n, 0)).toThrow(RangeError);
    expect(t.size).toBe(0);
  });

  it('remove is idempotent and per-tree; clear detaches every node', () => {
    const t = new IntervalTree<number>();
    const u = new IntervalTree<number>();
    const a = t.insert(1n, 2n, 1);
    const b = t.insert(3n, 4n, 2);
    expect(u.remove(a)).toBe(false);
    expect(t.remove(a)).toBe(true);
    expect(t.remove(a)).toBe(false);
    expect(a.attached).toBe(false);
    expect(t.size).toBe(1);
    t.clear();
    expect(t.size).toBe(0);
    expect(b.attached).toBe(false);
    expect(t.remove(b)).toBe(false);
    expect(Array.from(t)).toEqual([]);
    expect(t.firstIntersecting(0n, U64_MAX)).toBeUndefined();
    t.insert(7n, 8n, 3);
    expect(Array.from(t, (n) => n.value)).toEqual([3]);
  });

  it('matches a naive reference under thousands of random operations', () => {
    const rnd = prng(0xc0ffee);
    const t = new IntervalTree<number>();
    let entries: NaiveEntry[] = [];
    let seq = 0;
    // Coordinates: small values and values right below 2^64, so both extremes are exercised.
    const coord = (): bigint => {
      const v = BigInt(randInt(rnd, 400));
      return rnd() < 0.25 ? U64_MAX - v : v;
    };
    const randRange = (): [bigint, bigint] => {
      const a = coord();
      const b = rnd() < 0.6 ? a + BigInt(randInt(rnd, 40)) : coord();
      const lo = a < b ? a : b;
      let hi = a < b ? b : a;
      if (hi > U64_MAX) hi = U64_MAX;
      return [lo, hi];
    };
    for (let op = 0; op < 6000; op++) {
      const x = rnd();
      if (x < 0.45 || entries.length === 0) {
        const [s, l] = randRange();
        const node = t.insert(s, l, seq);
        entries.push({ node, seq: seq++ });
      } else if (x < 0.75) {
        const i = randInt(rnd, entries.length);
        const e = entries[i]!;
        expect(t.remove(e.node)).toBe(true);
        entries.splice(i, 1);
      } else if (x < 0.95) {
        const [s, l] = randRange();
        const got = Array.from(t.intersecting(s, l));
        const want = naiveIntersecting(entries, s, l);
        expect(got).toEqual(want);
        expect(t.firstIntersecting(s, l)).toBe(want[0]);
      } else {
        // Remove everything intersecting a range while iterating (the unmap loop).
        const [s, l] = randRange();
        const want = naiveIntersecting(entries, s, l);
        const got: IntervalNode<number>[] = [];
        for (const n of t.intersecting(s, l)) {
          got.push(n);
          t.remove(n);
        }
        expect(got).toEqual(want);
        const gone = new Set(want);
        entries = entries.filter((e) => !gone.has(e.node));
        expect(t.firstIntersecting(s, l)).toBeUndefined();
      }
      expect(t.size).toBe(entries.length);
      t.assertValid();
      if (op % 500 === 0) {
        expect(Array.from(t)).toEqual(naiveSorted(entries).map((e) => e.node));
      }
    }
    t.assertValid();
    expect(Array.from(t)).toEqual(naiveSorted(entries).map((e) => e.node));
    expect(t.height).toBeLessThanOrEqual(Math.ceil(1.45 * Math.log2(entries.length + 2)));
  });

  it('iteration tolerates removal of nodes ahead of the cursor and sees later inserts', () => {
    const t = new IntervalTree<number>();
    const nodes = Array.from({ length: 50 }, (_, i) => t.insert(BigInt(i * 10), BigInt(i * 10 + 4), i));
    const seen: number[] = [];
    for (const n of t.intersecting(0n, 1000n)) {
      seen.push(n.value);
      // Remove the next two nodes, and the current one.
      const k = n.value;
      if (k + 1 < 50) t.remove(nodes[k + 1]!);
      if (k + 2 < 50) t.remove(nodes[k + 2]!);
      t.remove(n);
    }
    expect(seen).toEqual(Array.from({ length: 17 }, (_, i) => i * 3));
    expect(t.size).toBe(0);

    const u = new IntervalTree<number>();
    u.insert(0n, 0n, 0);
    const order: number[] = [];
    for (const n of u) {
      order.push(n.value);
      if (n.value < 5) u.insert(BigInt(n.value + 1), BigInt(n.value + 1), n.value + 1);
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    u.assertValid();
  });

  it('nextIntersecting follows the kernel iter_next contract', () => {
    const t = new IntervalTree<number>();
    const a = t.insert(0n, 9n, 0);
    t.insert(5n, 6n, 1);
    const c = t.insert(20n, 29n, 2);
    t.insert(40n, 49n, 3);
    expect(t.nextIntersecting(a, 8n, 25n)).toBe(c);
    expect(t.nextIntersecting(c, 8n, 25n)).toBeUndefined();
    t.remove(a);
    expect(() => t.nextIntersecting(a, 0n, 1n)).toThrow(RangeError);
  });

  it('inserts 1M nodes and stays balanced and queryable (performance sanity)', () => {
    const t = new IntervalTree<number>();
    const rnd = prng(1);
    const nodes: IntervalNode<number>[] = new Array(1_000_000);
    for (let i = 0; i < 1_000_000; i++) {
      const s = BigInt(randInt(rnd, 2 ** 40)) << 12n;
      nodes[i] = t.insert(s, s + 4095n, i);
    }
    expect(t.size).toBe(1_000_000);
    expect(t.height).toBeLessThanOrEqual(29); // 1.44 log2(1M) ≈ 28.7
    let hits = 0;
    for (let i = 0; i < 100_000; i++) {
      const n = nodes[randInt(rnd, nodes.length)]!;
      if (t.firstIntersecting(n.start + 100n, n.start + 100n) !== undefined) hits++;
    }
    expect(hits).toBe(100_000);
    for (let i = 0; i < 1_000_000; i += 2) t.remove(nodes[i]!);
    expect(t.size).toBe(500_000);
    t.assertValid();
    let prev = -1n;
    let count = 0;
    for (const n of t) {
      if (n.value % 2 !== 1) throw new Error(`node ${n.value} should have been removed`);
      if (n.start < prev) throw new Error('order');
      prev = n.start;
      count++;
    }
    expect(count).toBe(500_000);
  }, 120_000); // no timing assertion: a generous limit so a loaded CI box cannot fail it
});

// ---- NonOverlappingMap -------------------------------------------------------------------

describe('NonOverlappingMap', () => {
  it('refuses overlaps (not adjacency) and finds the containing node', () => {
    const m = new NonOverlappingMap<string>();
    m.insert(16n * P, 18n * P - 1n, 'area');
    for (const [s, l] of [
      [16n * P, 18n * P - 1n],
      [16n * P, 17n * P - 1n],
      [17n * P, 18n * P - 1n],
      [15n * P, 17n * P - 1n],
      [15n * P, 18n * P - 1n],
    ] as const) {
      let err: unknown;
      try {
        m.insert(s, l, 'x');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RangeOverlapError);
      expect((err as RangeOverlapError<string>).existing.value).toBe('area');
    }
    expect(m.size).toBe(1);
    m.insert(15n * P, 16n * P - 1n, 'before');
    m.insert(18n * P, 19n * P - 1n, 'after');
    expect(m.find(16n * P - 1n)?.value).toBe('before');
    expect(m.find(16n * P)?.value).toBe('area');
    expect(m.find(19n * P)).toBeUndefined();
    m.insert(U64_MAX, U64_MAX, 'top');
    expect(m.find(U64_MAX)?.value).toBe('top');
    m.assertValid();
  });

  it('contiguousRun / coversContiguously model IOAS_COPY source coverage', () => {
    const m = new NonOverlappingMap<number>();
    m.insert(0x10000n, 0x10fffn, 0);
    m.insert(0x11000n, 0x12fffn, 1);
    m.insert(0x14000n, 0x14fffn, 2);
    expect(Array.from(m.contiguousRun(0x10800n, 0x117ffn), (n) => n.value)).toEqual([0, 1]);
    expect(m.coversContiguously(0x10800n, 0x12fffn)).toBe(true);
    expect(m.coversContiguously(0x10000n, 0x13000n)).toBe(false); // gap at 0x13000
    expect(Array.from(m.contiguousRun(0x10000n, 0x14fffn), (n) => n.value)).toEqual([0, 1]);
    expect(m.coversContiguously(0x0ffffn, 0x10000n)).toBe(false); // starts in a hole
    expect(m.coversContiguously(0x14000n, 0x14fffn)).toBe(true);
    expect(m.coversContiguously(0x14001n, 0x14000n)).toBe(false);
  });
});

// ---- holes / spans ------------------------------------------------------------------------

describe('holes', () => {
  it('yields maximal holes of the union of several trees, including at 0 and 2^64-1', () => {
    const a = new IntervalTree<null>();
    const b = new IntervalTree<null>();
    expect(plain(holes([a, b], 0n, U64_MAX))).toEqual([[0n, U64_MAX]]);
    a.insert(0n, 0n, null);
    b.insert(U64_MAX, U64_MAX, null);
    expect(plain(holes([a, b], 0n, U64_MAX))).toEqual([[1n, U64_MAX - 1n]]);
    a.insert(10n, 19n, null);
    b.insert(20n, 29n, null); // adjacent across trees: one used span
    b.insert(15n, 40n, null); // overlapping
    a.insert(50n, 50n, null);
    expect(plain(holes([a, b], 0n, U64_MAX))).toEqual([
      [1n, 9n],
      [41n, 49n],
      [51n, U64_MAX - 1n],
    ]);
    expect(plain(holes([a, b], 12n, 45n))).toEqual([[41n, 45n]]);
    expect(plain(holes([a, b], 12n, 30n))).toEqual([]);
    expect(plain(holes([a], 12n, 30n))).toEqual([[20n, 30n]]);
    expect(plain(holes([], 5n, 6n))).toEqual([[5n, 6n]]);
    expect(plain(holes([a, b], 7n, 6n))).toEqual([]);
    expect(Array.from(spans([a, b], 0n, 60n), (s) => [s.start, s.last, s.used])).toEqual([
      [0n, 0n, true],
      [1n, 9n, false],
      [10n, 40n, true],
      [41n, 49n, false],
      [50n, 50n, true],
      [51n, 60n, false],
    ]);
    const full = new IntervalTree<null>();
    full.insert(0n, U64_MAX, null);
    expect(plain(holes([full, a], 0n, U64_MAX))).toEqual([]);
    expect(Array.from(spans([full], 0n, U64_MAX), (s) => s.used)).toEqual([true]);
  });

  it('IOVA_RANGES = holes of the reserved tree over [0, U64_MAX] (selftest iova_ranges)', () => {
    const reserved = new IntervalTree<string>();
    expect(plain(holesOf([reserved], 0n, U64_MAX))).toEqual([[0n, U64_MAX]]);
    reserved.insert(P, 2n * P - 1n, 'test');
    expect(plain(holesOf([reserved], 0n, U64_MAX))).toEqual([
      [0n, P - 1n],
      [2n * P, U64_MAX],
    ]);
    // Mock domain: aperture [1<<24, (1<<31)-1] reserves both complements.
    const dom = new IntervalTree<string>();
    dom.insert(0n, (1n << 24n) - 1n, 'domain');
    dom.insert(1n << 31n, U64_MAX, 'domain');
    dom.insert(P, 2n * P - 1n, 'test');
    expect(plain(holesOf([dom], 0n, U64_MAX))).toEqual([[1n << 24n, (1n << 31n) - 1n]]);
  });

  it('matches the naive segment reference on random trees', () => {
    const rnd = prng(42);
    for (let round = 0; round < 400; round++) {
      const trees = [new IntervalTree<null>(), new IntervalTree<null>(), new IntervalTree<null>()];
      const all: Range[] = [];
      const count = randInt(rnd, 12);
      for (let i = 0; i < count; i++) {
        const top = rnd() < 0.3;
        const s = BigInt(randInt(rnd, 200));
        const l = s + BigInt(randInt(rnd, 30));
        const start = top ? U64_MAX - l : s;
        const last = top ? U64_MAX - s : l;
        trees[randInt(rnd, 3)]!.insert(start, last, null);
        all.push(r(start, last));
      }
      const qa = rnd() < 0.5 ? 0n : BigInt(randInt(rnd, 220));
      const qb = rnd() < 0.5 ? U64_MAX : rnd() < 0.5 ? U64_MAX - BigInt(randInt(rnd, 220)) : BigInt(randInt(rnd, 220));
      const [qs, ql] = qa <= qb ? [qa, qb] : [qb, qa];
      expect(plain(holes(trees, qs, ql))).toEqual(naiveHoles(all, qs, ql));
      // spans alternate and tile [qs, ql] exactly
      const sp = Array.from(spans(trees, qs, ql));
      let cur = qs;
      for (let i = 0; i < sp.length; i++) {
        expect(sp[i]!.start).toBe(cur);
        if (i > 0) expect(sp[i]!.used).not.toBe(sp[i - 1]!.used);
        cur = sp[i]!.last + 1n;
      }
      expect(cur).toBe(ql + 1n);
    }
  });
});

// ---- IOVA allocation ----------------------------------------------------------------------

/** Allocate like iopt_alloc_iova for a source address, inserting the area (test helper). */
function autoMap(
  areas: IntervalTree<unknown>,
  reserved: IntervalTree<unknown>,
  addr: bigint,
  length: bigint,
  allowed?: Range[],
): bigint | undefined {
  const alignment = autoIovaAlignment(addr, length);
  const iova = allocIova({ length, alignment, pageOffset: addr % P, spans: allowed, occupied: [reserved, areas] });
  if (iova !== undefined) areas.insert(iova, iova + length - 1n, null);
  return iova;
}

function unmapAt(areas: IntervalTree<unknown>, iova: bigint): void {
  const n = areas.firstContaining(iova);
  if (n === undefined || n.start !== iova) throw new Error(`no area at ${iova}`);
  areas.remove(n);
}

const lowbit = (v: bigint): bigint => v & -v;

describe('autoIovaAlignment', () => {
  it('takes roundup_pow_of_two(length), limited by the address low bit and capped', () => {
    expect(autoIovaAlignment(0n, 1n)).toBe(1n);
    expect(autoIovaAlignment(0n, 3n * P)).toBe(4n * P);
    expect(autoIovaAlignment(1n << 31n, 5n * P)).toBe(8n * P);
    expect(autoIovaAlignment(0x1800n, 64n * P)).toBe(0x800n);
    expect(autoIovaAlignment(0n, 1n << 30n)).toBe(HPAGE_SIZE);
    expect(autoIovaAlignment(0n, 1n << 30n, P)).toBe(P);
    expect(autoIovaAlignment(0x7n, 0x1000n)).toBe(1n);
    expect(() => autoIovaAlignment(0n, 0n)).toThrow(RangeError);
    expect(() => autoIovaAlignment(0n, U64_MAX / 2n)).toThrow(RangeError);
    expect(autoIovaAlignment(0n, U64_MAX / 2n - 1n)).toBe(HPAGE_SIZE);
  });
});

describe('allocIova', () => {
  it('never returns 0 and starts at PAGE_SIZE on an empty IOAS', () => {
    expect(AUTO_IOVA_FIRST).toBe(P);
    expect(AUTO_IOVA_LAST).toBe(U64_MAX - P);
    expect(allocIova({ length: 1n, alignment: 1n, pageOffset: 0n, occupied: [] })).toBe(P);
    expect(allocIova({ length: P, alignment: P, pageOffset: 0n, spans: [r(0n, 0xffffn)], occupied: [] })).toBe(P);
    expect(allocIova({ length: 1n, alignment: 1n, pageOffset: 0n, spans: [r(0n, 0xfffn)], occupied: [] })).toBeUndefined();
    expect(
      allocIova({ length: 1n, alignment: 1n, pageOffset: 0n, spans: [r(U64_MAX - 0xfffn, U64_MAX)], occupied: [] }),
    ).toBeUndefined();
    // Allowed list cleared (empty) = the whole default window.
    expect(allocIova({ length: P, alignment: P, pageOffset: 0n, spans: [], occupied: [] })).toBe(P);
  });

  it('area_auto_iova (no_domain): 1-page maps, aligned growing maps, reserved hole, allowed range', () => {
    const areas = new NonOverlappingMap<unknown>();
    const reserved = new IntervalTree<unknown>();
    const buffer = 0x7f0000000000n; // page (and 2M) aligned user buffer

    const simple: bigint[] = [];
    for (let i = 0; i < 10; i++) simple.push(autoMap(areas, reserved, buffer, P)!);
    expect(simple).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i + 1) * P));
    for (const iova of simple) unmapAt(areas, iova);
    expect(areas.size).toBe(0);

    // Kernel automatically aligns IOVAs properly (no_domain maps the unbacked VA 1<<31).
    const aligned: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const length = P * BigInt(i + 1);
      const iova = autoMap(areas, reserved, 1n << 31n, length)!;
      expect(iova % lowbit(length)).toBe(0n);
      aligned.push(iova);
    }
    expect(aligned).toEqual([
      0x1000n, 0x2000n, 0x4000n, 0x8000n, 0x10000n, 0x18000n, 0x20000n, 0x28000n, 0x30000n, 0x40000n,
    ]);
    for (const iova of aligned) unmapAt(areas, iova);

    // Avoids a reserved region [4p, 104p).
    const resStart = 4n * P;
    const resLen = 100n * P;
    reserved.insert(resStart, resStart + resLen - 1n, 'test');
    const avoiding: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const length = P * BigInt(i + 1);
      const iova = autoMap(areas, reserved, buffer, length)!;
      expect(iova % lowbit(length)).toBe(0n);
      expect(iova > resStart && iova < resStart + resLen).toBe(false);
      expect(reserved.firstIntersecting(iova, iova + length - 1n)).toBeUndefined();
      avoiding.push(iova);
    }
    expect(avoiding).toEqual([
      0x1000n, 0x2000n, 0x68000n, 0x6c000n, 0x70000n, 0x78000n, 0x80000n, 0x88000n, 0x90000n, 0xa0000n,
    ]);
    for (const iova of avoiding) unmapAt(areas, iova);

    // Allocate from an allowed region [200p, 600p - 1].
    const allowed = r(200n * P, 600n * P - 1n);
    const inAllowed: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const length = P * BigInt(i + 1);
      const iova = autoMap(areas, reserved, buffer, length, [allowed])!;
      expect(iova % lowbit(length)).toBe(0n);
      expect(iova >= allowed.start && iova + length <= allowed.last + 1n).toBe(true);
      inAllowed.push(iova);
    }
    expect(inAllowed[0]).toBe(200n * P);
    expect(new Set(inAllowed).size).toBe(10);
    areas.assertValid();
  });

  it('reserved_overflow: reserved [6, 6+0xffffffffffff8001) leaves no room for 0x5000 (no wrap)', () => {
    const reserved = new IntervalTree<unknown>();
    reserved.insert(6n, 6n + 0xffffffffffff8001n - 1n, null);
    const buffer = 0x7f0000000000n;
    const alignment = autoIovaAlignment(buffer, 0x5000n);
    expect(alignment).toBe(0x8000n);
    expect(allocIova({ length: 0x5000n, alignment, pageOffset: 0n, occupied: [reserved] })).toBeUndefined();
    // The remaining hole is big enough by size but ALIGN() of its start overflows u64.
    expect(plain(holes([reserved], P, AUTO_IOVA_LAST))).toEqual([[0xffffffffffff8007n, 0xffffffffffffefffn]]);
    expect(alignedCandidate(0xffffffffffff8007n, 0xffffffffffffefffn, 0x5000n, 0x8000n, 0n)).toBeUndefined();
    // A smaller alignment fits in that hole.
    expect(allocIova({ length: 0x5000n, alignment: 0x1000n, pageOffset: 0n, occupied: [reserved] })).toBe(
      0xffffffffffff9000n,
    );
  });

  it('ioas_iova_alloc (no_domain): every length 1..2p-1 gets an aligned IOVA', () => {
    const buffer = 0x7f0000000000n;
    for (let len = 1n; len < 2n * P; len++) {
      const alignment = autoIovaAlignment(buffer, len);
      const iova = allocIova({ length: len, alignment, pageOffset: 0n, occupied: [] });
      expect(iova).toBe(len > P ? 2n * P : P);
    }
  });

  it('keeps the page offset with the kernel arithmetic ALIGN(start) | page_offset', () => {
    const areas = new IntervalTree<unknown>();
    // addr ...800: alignment 0x800, offset 0x800
    expect(autoIovaAlignment(0x7f0000000800n, 0x3000n)).toBe(0x800n);
    expect(allocIova({ length: 0x3000n, alignment: 0x800n, pageOffset: 0x800n, occupied: [areas] })).toBe(0x1800n);
    areas.insert(0x1000n, 0x1800n, null);
    expect(allocIova({ length: 0x3000n, alignment: 0x800n, pageOffset: 0x800n, occupied: [areas] })).toBe(0x2800n);
    // Alignment 1 with an odd offset: the OR does not add, it merges bits (0x10ff | 0x801).
    const occ = new IntervalTree<unknown>();
    occ.insert(0n, 0x20fen, null);
    expect(allocIova({ length: 1n, alignment: 1n, pageOffset: 0x801n, occupied: [occ] })).toBe(0x28ffn);
  });

  it('aligns the allowed span start, then the hole start (two ALIGN|offset steps, like the kernel)', () => {
    // Only visible when pageOffset is not a multiple of alignment (autoIovaAlignment never
    // produces that, but the arithmetic is the kernel's): span start 0x1000 -> 0x1800, then the
    // hole starting at 0x1800 -> ALIGN(0x1800, 0x1000) | 0x800 = 0x2800.
    expect(allocIova({ length: 0x1000n, alignment: 0x1000n, pageOffset: 0x800n, occupied: [] })).toBe(0x2800n);
  });

  it('rejects a candidate equal to the hole last (kernel aligned_start >= last check)', () => {
    const occ = new IntervalTree<unknown>();
    occ.insert(0n, 0x4fffn, null);
    occ.insert(0x5001n, U64_MAX, null);
    expect(allocIova({ length: 1n, alignment: 1n, pageOffset: 0n, occupied: [occ] })).toBeUndefined();
    occ.remove(occ.firstContaining(0x5001n)!);
    occ.insert(0x5002n, U64_MAX, null);
    expect(allocIova({ length: 1n, alignment: 1n, pageOffset: 0n, occupied: [occ] })).toBe(0x5000n);
    expect(allocIova({ length: 2n, alignment: 1n, pageOffset: 0n, occupied: [occ] })).toBe(0x5000n);
    expect(allocIova({ length: 3n, alignment: 1n, pageOffset: 0n, occupied: [occ] })).toBeUndefined();
  });

  it('honours allowed spans: clipping, merging of adjacent ranges, ascending order', () => {
    const none: IntervalTree<unknown>[] = [];
    const req = (spansIn: Range[], length: bigint, alignment = P) =>
      allocIova({ length, alignment, pageOffset: 0n, spans: spansIn, occupied: none });
    // Unsorted input; the lowest span that fits wins.
    expect(req([r(0x20000n, 0x2ffffn), r(0x10000n, 0x10fffn)], 0x2000n)).toBe(0x20000n);
    expect(req([r(0x20000n, 0x2ffffn), r(0x10000n, 0x10fffn)], 0x1000n)).toBe(0x10000n);
    // Adjacent allowed ranges form one span.
    expect(req([r(0x10000n, 0x10fffn), r(0x11000n, 0x11fffn)], 0x2000n, 0x2000n)).toBe(0x10000n);
    expect(req([r(0x10000n, 0x10fffn), r(0x12000n, 0x13fffn)], 0x2000n, 0x2000n)).toBe(0x12000n);
    // Span start is aligned first.
    expect(req([r(0x11000n, 0x1ffffn)], 0x4000n, 0x4000n)).toBe(0x14000n);
    // Reserved/areas inside the allowed span are skipped.
    const occ = new IntervalTree<unknown>();
    occ.insert(0x10000n, 0x17fffn, null);
    expect(
      allocIova({ length: 0x8000n, alignment: 0x8000n, pageOffset: 0n, spans: [r(0x10000n, 0x1ffffn)], occupied: [occ] }),
    ).toBe(0x18000n);
    expect(
      allocIova({ length: 0x8001n, alignment: 0x8000n, pageOffset: 0n, spans: [r(0x10000n, 0x1ffffn)], occupied: [occ] }),
    ).toBeUndefined();
  });

  it('validates its inputs', () => {
    expect(() => allocIova({ length: 0n, alignment: 1n, pageOffset: 0n, occupied: [] })).toThrow(RangeError);
    expect(() => allocIova({ length: 1n, alignment: 3n, pageOffset: 0n, occupied: [] })).toThrow(RangeError);
    expect(() => allocIova({ length: 1n, alignment: 1n, pageOffset: P, occupied: [] })).toThrow(RangeError);
  });

  it('equals a brute-force lowest-fit search on random layouts (page offset 0)', () => {
    const rnd = prng(7);
    const W = 96; // pages in the playground
    for (let round = 0; round < 500; round++) {
      const areas = new IntervalTree<unknown>();
      const reserved = new IntervalTree<unknown>();
      const occ: Range[] = [];
      for (let i = randInt(rnd, 10); i > 0; i--) {
        const s = BigInt(randInt(rnd, W * 4096));
        const l = s + BigInt(randInt(rnd, 6 * 4096));
        (rnd() < 0.5 ? areas : reserved).insert(s, l, null);
        occ.push(r(s, l));
      }
      const allowedIn: Range[] = [];
      if (rnd() < 0.6) {
        for (let i = 1 + randInt(rnd, 3); i > 0; i--) {
          const s = BigInt(randInt(rnd, W) * 4096 + (rnd() < 0.3 ? randInt(rnd, 4096) : 0));
          allowedIn.push(r(s, s + BigInt(randInt(rnd, 40 * 4096))));
        }
      } else {
        // Far zone beyond the playground so the default window always has room.
        reserved.insert(BigInt(W * 4096), U64_MAX, null);
        occ.push(r(BigInt(W * 4096), U64_MAX));
      }
      const alignment = 1n << BigInt(12 + randInt(rnd, 4));
      const length = 2n + BigInt(randInt(rnd, 12 * 4096));
      const got = allocIova({ length, alignment, pageOffset: 0n, spans: allowedIn, occupied: [areas, reserved] });

      // Brute force: allowed windows (merged, clipped); lowest aligned x whose range is free
      // and inside one window.
      const windows =
        allowedIn.length === 0
          ? [r(P, U64_MAX - P)]
          : naiveMerge(allowedIn)
              .map((w) => r(w.start < P ? P : w.start, w.last))
              .filter((w) => w.start <= w.last);
      let want: bigint | undefined;
      for (let x = alignment; x < BigInt((W + 50) * 4096) && want === undefined; x += alignment) {
        const last = x + length - 1n;
        if (!windows.some((w) => w.start <= x && last <= w.last)) continue;
        if (occ.some((o) => o.start <= last && x <= o.last)) continue;
        want = x;
      }
      expect(got).toBe(want);
    }
  });
});

function naiveMerge(ranges: Range[]): Range[] {
  return fromBitsBig(ranges);
}
/** Merge via sorting, written independently of range-list.ts. */
function fromBitsBig(ranges: Range[]): Range[] {
  const s = [...ranges].sort((a, b) => (a.start < b.start ? -1 : 1));
  const out: Array<{ start: bigint; last: bigint }> = [];
  for (const x of s) {
    const p = out[out.length - 1];
    if (p !== undefined && x.start <= p.last + 1n) {
      if (x.last > p.last) p.last = x.last;
    } else out.push({ start: x.start, last: x.last });
  }
  return out;
}

// ---- RangeList ---------------------------------------------------------------------------

describe('RangeList', () => {
  it('examples', () => {
    expect(plain(normalize([r(5n, 9n), r(0n, 4n), r(20n, 30n), r(25n, 26n)]))).toEqual([
      [0n, 9n],
      [20n, 30n],
    ]);
    expect(plain(complement([r(P, 2n * P - 1n)], 0n, U64_MAX))).toEqual([
      [0n, P - 1n],
      [2n * P, U64_MAX],
    ]);
    expect(plain(complement([], 0n, U64_MAX))).toEqual([[0n, U64_MAX]]);
    expect(plain(complement([r(0n, U64_MAX)], 0n, U64_MAX))).toEqual([]);
    expect(plain(complement([r(0n, 0n), r(U64_MAX, U64_MAX)], 0n, U64_MAX))).toEqual([[1n, U64_MAX - 1n]]);
    expect(plain(complement([r(0n, 10n)], 5n, 4n))).toEqual([]);
    expect(plain(subtract([r(0n, U64_MAX)], [r(0n, (1n << 24n) - 1n), r(1n << 31n, U64_MAX)]))).toEqual([
      [1n << 24n, (1n << 31n) - 1n],
    ]);
    expect(plain(intersect([r(0n, 10n), r(20n, 30n)], [r(5n, 25n)]))).toEqual([
      [5n, 10n],
      [20n, 25n],
    ]);
    expect(plain(union([r(0n, 1n)], [r(2n, 3n)], [r(U64_MAX, U64_MAX)]))).toEqual([
      [0n, 3n],
      [U64_MAX, U64_MAX],
    ]);
    expect(intersects([r(10n, 20n)], 20n, 30n)).toBe(true);
    expect(intersects([r(10n, 20n)], 21n, 30n)).toBe(false);
    expect(covers([r(0n, 9n), r(10n, 19n)], 5n, 15n)).toBe(true);
    expect(covers([r(0n, 9n), r(11n, 19n)], 5n, 15n)).toBe(false);
    expect(totalLength([r(0n, U64_MAX)])).toBe(1n << 64n);
    expect(hasOverlap([r(0n, 9n), r(10n, 19n)])).toBe(false);
    expect(hasOverlap([r(10n, 19n), r(0n, 10n)])).toBe(true);
    expect(hasOverlap([r(0n, 100n), r(20n, 30n), r(40n, 50n)])).toBe(true);
    expect(() => normalize([r(3n, 2n)])).toThrow(RangeError);
    expect(() => normalize([r(0n, U64_MAX + 1n)])).toThrow(RangeError);
  });

  it('matches a bitmap model on random lists', () => {
    const rnd = prng(99);
    for (let round = 0; round < 1500; round++) {
      const a = randomRanges(rnd, 6);
      const b = randomRanges(rnd, 6);
      const ba = toBits(a);
      const bb = toBits(b);
      expect(plain(normalize(a))).toEqual(fromBits(ba));
      expect(plain(union(a, b))).toEqual(fromBits(ba.map((x, i) => x || bb[i]!)));
      expect(plain(intersect(a, b))).toEqual(fromBits(ba.map((x, i) => x && bb[i]!)));
      expect(plain(subtract(a, b))).toEqual(fromBits(ba.map((x, i) => x && !bb[i]!)));
      const lo = randInt(rnd, DOM);
      const hi = randInt(rnd, DOM);
      expect(plain(complement(a, BigInt(lo), BigInt(hi)))).toEqual(
        fromBits(ba.map((x, i) => !x && i >= lo && i <= hi)),
      );
      const inRange = ba.slice(Math.min(lo, hi), Math.max(lo, hi) + 1);
      const [qs, ql] = [BigInt(Math.min(lo, hi)), BigInt(Math.max(lo, hi))];
      expect(intersects(a, qs, ql)).toBe(inRange.some((x) => x));
      expect(covers(a, qs, ql)).toBe(inRange.every((x) => x));
      expect(totalLength(a)).toBe(BigInt(ba.filter((x) => x).length));
      let overlap = false;
      for (let i = 0; i < a.length; i++)
        for (let j = i + 1; j < a.length; j++)
          if (a[i]!.start <= a[j]!.last && a[j]!.start <= a[i]!.last) overlap = true;
      expect(hasOverlap(a)).toBe(overlap);
    }
  });
});
