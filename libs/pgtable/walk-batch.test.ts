import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../memory/phys.js';
import { PROT_READ, PROT_WRITE, createPageTable, newWalkOut, packWalkInfo, unpackWalkInfo, type PageTable } from './index.js';

const RW = PROT_READ | PROT_WRITE;

function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

/** Fill a table with a seeded mix of leaf sizes, holes, read-only and dirty leaves; return frames to probe. */
function populate(pt: PageTable, rnd: (n: number) => number, sizes: number[]): number[] {
  const probes: number[] = [];
  const span = Math.min(2 ** (pt.inputBits - 12), 2 ** 26);
  for (let k = 0; k < 250; k++) {
    const size = sizes[rnd(sizes.length)]!;
    const iova = rnd(span / size) * size;
    const pa = 2 ** 20 + rnd(2 ** 22 / size) * size;
    try {
      pt.map(iova, pa, size, rnd(3) === 0 ? PROT_READ : RW);
    } catch {
      continue;
    }
    if (rnd(3) === 0) pt.markDirty(iova);
    probes.push(iova, iova + size - 1, iova + size, iova + rnd(size));
  }
  for (let k = 0; k < 100; k++) probes.push(rnd(span), 2 ** (pt.inputBits - 12) + rnd(1000), -1 - rnd(3), rnd(span) + 0.5);
  return probes;
}

function expectSameAsWalk(pt: PageTable, probes: number[]): void {
  const n = probes.length;
  const pfns = Float64Array.from(probes);
  const pa = new Float64Array(n + 1).fill(-7);
  const info = new Int32Array(n + 1).fill(-7);
  pt.walkBatch(pfns, n, pa, info);
  expect(pa[n]).toBe(-7);
  expect(info[n]).toBe(-7);
  const w = newWalkOut();
  const u = newWalkOut();
  let ok = 0;
  for (let j = 0; j < n; j++) {
    const got = pt.walk(probes[j]!, w);
    expect(info[j], `frame ${probes[j]}`).toBe(packWalkInfo(got, w));
    expect(pa[j], `frame ${probes[j]}`).toBe(got ? w.paPfn : 0);
    expect(unpackWalkInfo(pa[j]!, info[j]!, u)).toBe(got);
    if (got) {
      ok++;
      expect(u).toEqual(w);
    } else expect([u.level, u.memRefs, u.perm, u.dirty]).toEqual([w.level, w.memRefs, w.perm, w.dirty]);
  }
  expect(ok).toBeGreaterThan(n / 4);
  expect(ok).toBeLessThan(n);
}

describe('walkBatch = walk frame by frame', () => {
  it('VT-d 4-level (the level-by-level path): 4 KiB, 2 MiB, 1 GiB leaves, holes, perms, dirty, out of range', () => {
    const mem = new PhysicalMemory({ ramBytes: 64n << 30n }); // table pointers use the high word
    const pt = createPageTable(mem, 'vtd-ss', { inputBits: 48, hd: true });
    expectSameAsWalk(pt, populate(pt, prng(1), [1, 1, 1, 3, 512, 262144]));
  });
  for (const [name, format, opts] of [
    ['VT-d 5-level', 'vtd-ss', { inputBits: 57, hd: true }],
    ['VT-d 3-level', 'vtd-ss', { inputBits: 39 }],
    ['LPAE stage 1, 4 KiB granule', 'lpae-s1', { hd: true }],
    ['LPAE stage 2, 64 KiB granule', 'lpae-s2', { granule: 65536, inputBits: 40 }],
  ] as const) {
    it(`${name} (one walk per frame)`, () => {
      const mem = new PhysicalMemory({ ramBytes: 64n << 30n });
      const pt = createPageTable(mem, format, opts);
      const g = 2 ** (pt.granuleShift - 12);
      expectSameAsWalk(pt, populate(pt, prng(7), [g, g, g * 512 >= 2 ** 20 ? g : g * 512]));
    });
  }

  it('a table pointer outside the pool and a destroyed table read as not present', () => {
    const mem = new PhysicalMemory({ ramBytes: 64n << 30n });
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x1000, 0x9000, 4, RW);
    pt.map(0x3000, 0x9100, 1, PROT_READ);
    const pdpt = Number(pt.readEntry(0x1000, 4)! >> 12n);
    const at = (pdpt - mem.tableBasePfn) * 1024;
    const saved = [mem.words[at]!, mem.words[at + 1]!];
    const probes = [0x1000, 0x1003, 0x3000, 0x1004];
    for (const target of [0x9000, mem.tableBasePfn + (mem.words.length >>> 10), 2 ** 40 - 1]) {
      mem.words[at] = ((target % 2 ** 20) * 4096 + 3) >>> 0;
      mem.words[at + 1] = Math.floor(target / 2 ** 20);
      const pa = new Float64Array(4);
      const info = new Int32Array(4);
      pt.walkBatch(Float64Array.from(probes), 4, pa, info);
      const w = newWalkOut();
      for (let j = 0; j < 4; j++) expect(info[j]).toBe(packWalkInfo(pt.walk(probes[j]!, w), w));
      expect(info[0]).toBe((3 << 16) | (2 << 24)); // not present at level 2, 3 reads
    }
    mem.words[at] = saved[0]!;
    mem.words[at + 1] = saved[1]!;
    pt.destroy();
    const pa = new Float64Array(1);
    const info = new Int32Array(1);
    pt.walkBatch(new Float64Array([0x1000]), 1, pa, info);
    expect([pa[0], info[0]]).toEqual([0, 4 << 24]);
  });

  it('rejects a count that does not fit its arrays', () => {
    const mem = new PhysicalMemory({ ramBytes: 1n << 30n });
    const pt = createPageTable(mem, 'vtd-ss', {});
    expect(() => pt.walkBatch(new Float64Array(2), 3, new Float64Array(3), new Int32Array(3))).toThrow(RangeError);
    expect(() => pt.walkBatch(new Float64Array(3), 3, new Float64Array(2), new Int32Array(3))).toThrow(RangeError);
    expect(() => pt.walkBatch(new Float64Array(3), 3, new Float64Array(3), new Int32Array(2))).toThrow(RangeError);
    expect(() => pt.walkBatch(new Float64Array(3), -1, new Float64Array(3), new Int32Array(3))).toThrow(RangeError);
  });
});
