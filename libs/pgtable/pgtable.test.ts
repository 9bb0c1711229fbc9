import { describe, expect, it } from 'vitest';
import { KernelError } from '../errno/index.js';
import { PhysicalMemory } from '../memory/phys.js';
import {
  PROT_CACHE,
  PROT_MMIO,
  PROT_NOEXEC,
  PROT_PRIV,
  PROT_READ,
  PROT_WRITE,
  createPageTable,
  newWalkOut,
  type PageTable,
} from './index.js';

const RW = PROT_READ | PROT_WRITE;
const RWC = RW | PROT_CACHE;
const GiB = 262144; // 4 KiB frames per GiB

function newMem(ramGiB = 1): PhysicalMemory {
  return new PhysicalMemory({ ramBytes: BigInt(ramGiB) << 30n });
}

function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
  throw new Error('expected a KernelError');
}

/** Read the 8-byte descriptor at byte offset `index * 8` of the table at `tablePfn` through physical memory. */
function physEntry(mem: PhysicalMemory, tablePfn: number, index: number): bigint {
  const b = mem.read((BigInt(tablePfn) << 12n) + BigInt(index * 8), 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

function walkOf(pt: PageTable, iovaPfn: number) {
  const out = newWalkOut();
  const ok = pt.walk(iovaPfn, out);
  return { ok, ...out };
}

function dirtyList(pt: PageTable, iova: number, n: number, noClear: boolean): Array<[number, number]> {
  const got: Array<[number, number]> = [];
  pt.readAndClearDirty(iova, n, noClear, (a, b) => got.push([a, b]));
  return got;
}

// ====================================================================== VT-d second stage

describe('VT-d second-stage format', () => {
  it('has 4 levels of 512 entries for 48-bit input, 3 for 39-bit and 5 for 57-bit', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    expect(pt.formatName).toBe('vtd-ss');
    expect(pt.levels).toEqual([4, 3, 2, 1]);
    expect(pt.pageShifts).toEqual([12, 21, 30]);
    expect(pt.granuleShift).toBe(12);
    expect(mem.tableFramesInUse).toBe(1);
    expect(createPageTable(mem, 'vtd-ss', { inputBits: 39 }).levels).toEqual([3, 2, 1]);
    expect(createPageTable(mem, 'vtd-ss', { inputBits: 57 }).levels).toEqual([5, 4, 3, 2, 1]);
    expect(createPageTable(mem, 'vtd-ss', { maxLeafShift: 21 }).pageShifts).toEqual([12, 21]);
    expect(errnoOf(() => createPageTable(mem, 'vtd-ss', { inputBits: 40 }))).toBe('EINVAL');
  });

  it('writes a 4 KiB leaf as address | R | W (PA 0x12345000 RW = 0x12345003)', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x1, 0x12345, 1, RW);
    expect(pt.readEntry(0x1, 1)).toBe(0x12345003n);
    pt.map(0x2, 0x12346, 1, PROT_READ);
    expect(pt.readEntry(0x2, 1)).toBe(0x12346001n);
    pt.map(0x3, 0x12347, 1, PROT_WRITE);
    expect(pt.readEntry(0x3, 1)).toBe(0x12347002n);
    // PROT_CACHE does not change a VT-d leaf: snooping is the domain's SNP option
    pt.map(0x4, 0x12348, 1, RWC);
    expect(pt.readEntry(0x4, 1)).toBe(0x12348003n);
  });

  it('sets SNP (bit 11) on leaves when the domain enforces snooping, and not on non-leaf entries', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', { snoop: true });
    pt.map(0x1, 0x12345, 1, RW);
    expect(pt.readEntry(0x1, 1)).toBe(0x12345803n);
    expect(pt.readEntry(0x1, 2)! & 0xfffn).toBe(0x3n);
    pt.map(0x200, 0x40000, 512, RW);
    expect(pt.readEntry(0x200, 2)).toBe(0x40000883n);
    const pt2 = createPageTable(mem, 'vtd-ss', {});
    pt2.map(0x1, 0x12345, 1, RW);
    pt2.setSnoop(true);
    pt2.map(0x2, 0x12346, 1, RW);
    expect(pt2.readEntry(0x1, 1)).toBe(0x12345003n);
    expect(pt2.readEntry(0x2, 1)).toBe(0x12346803n);
  });

  it('stores addresses above 4 GiB in the high word (bits 51:32)', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    const pa = 0x1234_5678_9000 / 4096; // PA 0x123456789000
    pt.map(0x10, pa, 1, RW);
    expect(pt.readEntry(0x10, 1)).toBe(0x1234_5678_9003n);
    const top = 2 ** 40 - 1; // PA 0xFFFFFFFFFF000 (bit 51)
    pt.map(0x11, top, 1, RW);
    expect(pt.readEntry(0x11, 1)).toBe(0xf_ffff_ffff_f003n);
    expect(walkOf(pt, 0x11).paPfn).toBe(top);
    expect(errnoOf(() => pt.map(0x12, 2 ** 40, 1, RW))).toBe('EFAULT');
  });

  it('non-leaf entries are the next table address | R | W, readable as bytes through physical memory', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    // iova 0x0000_7f12_3456_7000: indices 254 / 72 / 418 / 359
    const iova = 0x7f12_3456_7000 / 4096;
    pt.map(iova, 0x12345, 1, RW);
    expect(mem.tableFramesInUse).toBe(4);
    const idx = [254, 72, 418, 359];
    let table = pt.rootPfn;
    for (let k = 0; k < 4; k++) {
      const lvl = 4 - k;
      const e = pt.readEntry(iova, lvl)!;
      expect(physEntry(mem, table, idx[k])).toBe(e);
      if (lvl > 1) {
        expect(e & 0xfffn).toBe(0x3n); // R|W, no PS
        const next = Number(e >> 12n);
        expect(mem.isTableFrame(next)).toBe(true);
        table = next;
      } else {
        expect(e).toBe(0x12345003n);
      }
    }
  });

  it('uses a 2 MiB leaf (PS, bit 7) when iova, pa and length allow it', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x200, 0x40000, 512, RW); // iova 2M, pa 1G, 2 MiB
    expect(pt.readEntry(0x200, 2)).toBe(0x40000083n);
    expect(pt.readEntry(0x200, 1)).toBeUndefined();
    expect(pt.stats()).toEqual({ tableFrames: 3, leaves: { '4K': 0, '2M': 1, '1G': 0 } });
    const w = walkOf(pt, 0x200 + 0x123);
    expect(w).toEqual({ ok: true, paPfn: 0x40123, pageShift: 21, perm: RW, level: 2, memRefs: 3, dirty: false });
  });

  it('uses a 1 GiB leaf on the SL-PDPE when allowed, and 2 MiB leaves when 1 GiB is not supported', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(GiB, 2 * GiB, GiB, RW);
    expect(pt.readEntry(GiB, 3)).toBe(0x80000083n);
    expect(pt.stats().leaves).toEqual({ '4K': 0, '2M': 0, '1G': 1 });
    expect(walkOf(pt, GiB + 5)).toMatchObject({ ok: true, paPfn: 2 * GiB + 5, pageShift: 30, level: 3, memRefs: 2 });
    const no1g = createPageTable(mem, 'vtd-ss', { maxLeafShift: 21 });
    no1g.map(GiB, 2 * GiB, GiB, RW);
    expect(no1g.stats().leaves).toEqual({ '4K': 0, '2M': 512 });
    expect(no1g.readEntry(GiB + 512 * 7, 2)).toBe(0x80000083n + 7n * 0x200000n);
  });

  it('chooses huge leaves only when both addresses are aligned, and honours maxPageShift', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    // iova 2M aligned, pa only 4K aligned: all 4 KiB
    pt.map(0x400, 0x40001, 512, RW);
    expect(pt.stats().leaves).toEqual({ '4K': 512, '2M': 0, '1G': 0 });
    // forced small pages
    pt.map(0x800, 0x40200, 512, RW, 12);
    expect(pt.stats().leaves).toEqual({ '4K': 1024, '2M': 0, '1G': 0 });
    // [2M-4K, 4M+4K): 4K + 2M + 4K
    pt.map(0xbff, 0x51ff, 514, RW);
    expect(pt.stats().leaves).toEqual({ '4K': 1026, '2M': 1, '1G': 0 });
    expect(walkOf(pt, 0xbff)).toMatchObject({ paPfn: 0x51ff, pageShift: 12 });
    expect(walkOf(pt, 0xc00 + 511)).toMatchObject({ paPfn: 0x5200 + 511, pageShift: 21 });
    expect(walkOf(pt, 0xe00)).toMatchObject({ paPfn: 0x5400, pageShift: 12 });
    // a 1G-aligned run shorter than 1G uses 2M leaves
    pt.map(GiB, GiB, GiB - 512, RW);
    expect(pt.stats().leaves['2M']).toBe(1 + 511);
    expect(pt.stats().leaves['1G']).toBe(0);
  });

  it('walk reports the level and memory references at which a miss stopped', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    expect(walkOf(pt, 0x1234)).toMatchObject({ ok: false, level: 4, memRefs: 1 });
    pt.map(0x1000, 0x9000, 1, RW);
    expect(walkOf(pt, 0x1001)).toMatchObject({ ok: false, level: 1, memRefs: 4 });
    expect(walkOf(pt, 0x1000 + 512)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
    expect(walkOf(pt, 0x1000)).toEqual({ ok: true, paPfn: 0x9000, pageShift: 12, perm: RW, level: 1, memRefs: 4, dirty: false });
    expect(walkOf(pt, 2 ** 36)).toMatchObject({ ok: false, level: 4, memRefs: 0 });
    pt.map(0x1002, 0x9002, 1, PROT_READ);
    expect(walkOf(pt, 0x1002).perm).toBe(PROT_READ);
  });

  it('the 4-level fast walk agrees with the generic walk of a 5-level table (seeded mix of leaves, holes, perms, dirty)', () => {
    // 64 GiB of RAM: the table pool sits above 4 GiB, so table pointers use the high word
    const mem = newMem(64);
    const fast = createPageTable(mem, 'vtd-ss', { inputBits: 48, hd: true });
    const slow = createPageTable(mem, 'vtd-ss', { inputBits: 57, hd: true });
    let seed = 0x5eed;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const probes: number[] = [];
    for (let k = 0; k < 300; k++) {
      const size = [1, 1, 1, 512, 262144][rnd(5)]!;
      // 4 KiB pages and 2 MiB leaves in the low 64 GiB of IOVA, 1 GiB leaves above 128 TiB
      const iova = size === 262144 ? 2 ** 35 + rnd(1024) * size : rnd(2 ** 24 / size) * size;
      const pa = 2 ** 30 + rnd(2 ** 24 / size) * size;
      const prot = rnd(3) === 0 ? PROT_READ : RW;
      try {
        fast.map(iova, pa, size, prot);
        slow.map(iova, pa, size, prot);
      } catch (e) {
        if (!(e instanceof KernelError && e.errno === 'EEXIST')) throw e;
        continue;
      }
      if (rnd(4) === 0) {
        expect(fast.markDirty(iova)).toBe(slow.markDirty(iova));
      }
      probes.push(iova, iova + size - 1, iova + size, iova + rnd(size));
    }
    for (let k = 0; k < 200; k++) probes.push(rnd(2 ** 30) * 64 + rnd(64), 2 ** 36 - 1 - rnd(1000));
    expect(fast.stats().leaves).toEqual(slow.stats().leaves);
    expect(Object.values(fast.stats().leaves).every((n) => n > 0)).toBe(true);
    for (const pfn of probes) {
      const a = walkOf(fast, pfn);
      const b = walkOf(slow, pfn);
      // the 5-level table reads one more entry (its SL-PML5E) on every walk
      expect({ ...a, memRefs: a.memRefs + 1 }, `pfn ${pfn}`).toEqual(b);
    }
  });

  it('a non-leaf entry pointing outside the table pool ends the walk as not present at the next level', () => {
    const mem = newMem(64);
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x1000, 0x9000, 1, RW);
    const pdpt = Number(pt.readEntry(0x1000, 4)! >> 12n);
    const at = (pdpt - mem.tableBasePfn) * 1024; // the SL-PDPE of iova frame 0x1000 is entry 0
    const saved = [mem.words[at]!, mem.words[at + 1]!];
    for (const target of [0x9000, mem.tableBasePfn + (mem.words.length >>> 10), 2 ** 40 - 1]) {
      mem.words[at] = ((target % 2 ** 20) * 4096 + 3) >>> 0;
      mem.words[at + 1] = Math.floor(target / 2 ** 20);
      expect(walkOf(pt, 0x1000), `table pointer to frame ${target}`).toMatchObject({ ok: false, level: 2, memRefs: 3, perm: 0 });
    }
    mem.words[at] = saved[0]!;
    mem.words[at + 1] = saved[1]!;
    expect(walkOf(pt, 0x1000)).toMatchObject({ ok: true, paPfn: 0x9000 });
  });

  it('translates iova frames above 2^32 (high IOVA) in a 48-bit table', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    const iova = 2 ** 36 - 600; // just below 256 TiB, crosses a leaf-table boundary
    pt.map(iova, 0x7000, 600, RW, 12);
    expect(walkOf(pt, iova)).toMatchObject({ ok: true, paPfn: 0x7000 });
    expect(walkOf(pt, 2 ** 36 - 1)).toMatchObject({ ok: true, paPfn: 0x7000 + 599 });
    expect(pt.readEntry(2 ** 36 - 1, 4)! & 0xfffn).toBe(3n);
    expect(errnoOf(() => pt.map(2 ** 36 - 1, 0x7000, 2, RW))).toBe('EFAULT');
    expect(mem.tableFramesInUse).toBe(5); // PML4, PDPT, PD, 2 leaf tables
    expect(pt.unmap(iova, 600)).toBe(600);
    // the last leaf table's span [2^36 - 512, 2^36) is covered and goes; the one before holds
    // [2^36 - 1024, 2^36 - 512), only partly covered, so it stays (empty), as do the PD and PDPT
    expect(mem.tableFramesInUse).toBe(4);
    expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 1, memRefs: 4 });
    expect(walkOf(pt, 2 ** 36 - 1)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
    expect(pt.unmap(0, 2 ** 36)).toBe(0);
    expect(mem.tableFramesInUse).toBe(1);
  });

  it('rejects mappings without permission and non-integer arguments', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    expect(errnoOf(() => pt.map(1, 1, 1, 0))).toBe('EINVAL');
    expect(errnoOf(() => pt.map(1, 1, 1, PROT_CACHE))).toBe('EINVAL');
    expect(errnoOf(() => pt.map(-1, 1, 1, RW))).toBe('EINVAL');
    expect(errnoOf(() => pt.map(1.5, 1, 1, RW))).toBe('EINVAL');
    expect(mem.tableFramesInUse).toBe(1);
  });
});

// ====================================================================== map / unmap bookkeeping

describe('map and unmap', () => {
  it('a 1-page unmap clears the leaf but keeps the PML4, PDPT, PD and PT it emptied (Linux rule)', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    const iova = 0x7f12_3456_7;
    pt.map(iova, 0x12345, 1, RW);
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.stats().tableFrames).toBe(4);
    const path = [4, 3, 2].map((l) => pt.readEntry(iova, l));
    expect(pt.unmap(iova, 1)).toBe(1);
    // no table's whole span is covered by [iova, iova + 1): all four stay, the leaf slot is cleared
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.stats()).toEqual({ tableFrames: 4, leaves: { '4K': 0, '2M': 0, '1G': 0 } });
    expect(pt.readEntry(iova, 1)).toBe(0n);
    expect([4, 3, 2].map((l) => pt.readEntry(iova, l))).toEqual(path);
    for (const e of path) expect(e! & 0xfffn).toBe(3n);
    expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 1, memRefs: 4 });
    expect(pt.unmap(iova, 1)).toBe(0);
    expect(mem.tableFramesInUse).toBe(4);
  });

  it('keeps tables that still hold entries', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x1000, 0x9000, 2, RW, 12);
    expect(pt.unmap(0x1000, 1)).toBe(1);
    expect(mem.tableFramesInUse).toBe(4);
    expect(walkOf(pt, 0x1001).paPfn).toBe(0x9001);
    expect(pt.unmap(0x1001, 1)).toBe(1);
    expect(mem.tableFramesInUse).toBe(4); // emptied by a partial unmap: kept
    expect(pt.unmap(0x1000, 512)).toBe(0); // covers the leaf table's span [0x1000, 0x1200)
    expect(mem.tableFramesInUse).toBe(3);
  });

  it('maps and unmaps a range crossing leaf-table, PD and PML4 boundaries', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    const start = 2 ** 27 - 700; // 512 GiB boundary at 2^27 frames
    pt.map(start, 0x30000, 1400, RW, 12);
    // 2 PML4 entries → 2 PDPTs, 2 PDs, leaf tables: 700 before (2 tables), 700 after (2 tables)
    expect(mem.tableFramesInUse).toBe(1 + 2 + 2 + 4);
    for (const off of [0, 187, 188, 699, 700, 1211, 1212, 1399]) {
      expect(walkOf(pt, start + off)).toMatchObject({ ok: true, paPfn: 0x30000 + off, pageShift: 12 });
    }
    expect(walkOf(pt, start - 1).ok).toBe(false);
    expect(walkOf(pt, start + 1400).ok).toBe(false);
    expect(pt.readEntry(start, 4)).not.toBe(pt.readEntry(start + 700, 4));
    // partial unmap in the middle, then the rest
    expect(pt.unmap(start + 600, 200)).toBe(200);
    expect(walkOf(pt, start + 599).ok).toBe(true);
    expect(walkOf(pt, start + 600).ok).toBe(false);
    expect(walkOf(pt, start + 800).ok).toBe(true);
    expect(mem.tableFramesInUse).toBe(9); // [2^27 - 100, 2^27 + 100) covers no table's span
    expect(pt.unmap(start - 5000, 10000)).toBe(1200);
    // [2^27 - 5700, 2^27 + 4300) covers the 4 leaf tables' spans but not a PD's (2^18 frames)
    expect(mem.tableFramesInUse).toBe(1 + 2 + 2);
    expect(walkOf(pt, start)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
    expect(walkOf(pt, start + 1399)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
    expect(pt.unmap(2 ** 27 - 2 ** 18, 2 ** 19)).toBe(0); // both PDs' spans
    expect(mem.tableFramesInUse).toBe(1 + 2);
    expect(pt.unmap(0, 2 ** 28)).toBe(0); // both PDPTs' spans (PML4 entries 0 and 1)
    expect(mem.tableFramesInUse).toBe(1);
  });

  it('removes a huge leaf whole when the unmap range covers only part of it', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x200, 0x40000, 512, RW);
    pt.map(0x400, 0x50000, 1, RW);
    expect(pt.unmap(0x300, 1)).toBe(512);
    expect(walkOf(pt, 0x200).ok).toBe(false);
    expect(walkOf(pt, 0x400).ok).toBe(true);
    expect(pt.unmap(0x200, 512)).toBe(0);
    expect(pt.unmap(0, 2 ** 36 + 100)).toBe(1);
    expect(mem.tableFramesInUse).toBe(1);
  });

  it('fails with EEXIST and leaves nothing mapped and no table allocated', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(512 + 3, 0x9000, 1, RW); // in the second leaf table
    const frames = mem.tableFramesInUse;
    expect(frames).toBe(4);
    // creates leaf table 0, fills it, then fills 3 entries of leaf table 1 and hits the existing page
    expect(errnoOf(() => pt.map(0, 0x20000, 1030, RW, 12))).toBe('EEXIST');
    expect(mem.tableFramesInUse).toBe(frames);
    for (const p of [0, 511, 512, 514, 516, 1029]) expect(walkOf(pt, p).ok).toBe(false);
    expect(walkOf(pt, 515)).toMatchObject({ ok: true, paPfn: 0x9000 });
    expect(pt.stats().leaves['4K']).toBe(1);
  });

  it('EEXIST against huge leaves in both directions', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x200, 0x40000, 512, RW); // 2M leaf
    expect(errnoOf(() => pt.map(0x210, 0x1000, 1, RW))).toBe('EEXIST');
    pt.map(0x600, 0x1000, 1, RW); // 4K leaf in [0x600, 0x800)
    expect(errnoOf(() => pt.map(0x600, 0x40200, 512, RW))).toBe('EEXIST');
    // a run of 2M leaves where the second one collides with the table holding 0x600
    expect(errnoOf(() => pt.map(0x400, 0x40400, 1024, RW))).toBe('EEXIST');
    expect(walkOf(pt, 0x400).ok).toBe(false);
    expect(pt.stats().leaves).toEqual({ '4K': 1, '2M': 1, '1G': 0 });
    expect(mem.tableFramesInUse).toBe(4);
  });

  it('rolls back on ENOMEM when the table pool is exhausted', () => {
    const mem = new PhysicalMemory({ ramBytes: 16n << 20n, tableBytes: 6n * 4096n });
    const pt = createPageTable(mem, 'vtd-ss', {});
    // needs 1 PDPT + 1 PD + 8 leaf tables, the pool has 5 more frames
    expect(errnoOf(() => pt.map(0, 0x1000, 8 * 512, RW, 12))).toBe('ENOMEM');
    expect(mem.tableFramesInUse).toBe(1);
    expect(walkOf(pt, 0).ok).toBe(false);
    pt.map(0, 0x1000, 3 * 512, RW, 12);
    expect(mem.tableFramesInUse).toBe(6);

    // exhausted half-way down: the PDPT just installed is empty and must go again
    const tiny = new PhysicalMemory({ ramBytes: 16n << 20n, tableBytes: 2n * 4096n });
    const pt2 = createPageTable(tiny, 'vtd-ss', {});
    expect(errnoOf(() => pt2.map(0x1000, 0x1000, 1, RW))).toBe('ENOMEM');
    expect(tiny.tableFramesInUse).toBe(1);
    expect(pt2.readEntry(0x1000, 4)).toBe(0n);
    expect(pt2.stats().tableFrames).toBe(1);
  });

  it('survives pool growth while mapping (many leaf tables)', () => {
    const mem = newMem(4);
    const pt = createPageTable(mem, 'vtd-ss', {});
    for (let k = 0; k < 300; k++) pt.map(k * 512 + 7, 0x10000 + k, 1, RW);
    expect(mem.tableFramesInUse).toBe(1 + 1 + 1 + 300);
    for (let k = 0; k < 300; k++) expect(walkOf(pt, k * 512 + 7).paPfn).toBe(0x10000 + k);
    expect(pt.unmap(0, 300 * 512)).toBe(300);
    expect(mem.tableFramesInUse).toBe(3); // the 300 leaf tables are covered; the PD's 1 GiB span is not
    expect(pt.unmap(0, GiB)).toBe(0);
    expect(mem.tableFramesInUse).toBe(2);
  });

  it('page tables sharing one pool stay independent; destroy frees everything', () => {
    const mem = newMem();
    const a = createPageTable(mem, 'vtd-ss', {});
    const b = createPageTable(mem, 'lpae-s1', {});
    a.map(0x100, 0x1000, 1, RW);
    b.map(0x100, 0x2000, 1, RW);
    expect(mem.tableFramesInUse).toBe(8);
    expect(a.unmap(0x100, 1)).toBe(1);
    expect(walkOf(a, 0x100).ok).toBe(false);
    expect(walkOf(b, 0x100).paPfn).toBe(0x2000);
    expect(a.stats().tableFrames).toBe(4); // a's emptied tables stay
    b.map(0x40000, 0x80000, GiB, RW); // a 1G block in b's level-1 table
    b.map(0x900000, 0x3000, 3, RW); // a new level-2 and level-3 table
    expect(b.stats().tableFrames).toBe(6);
    expect(mem.tableFramesInUse).toBe(10);
    b.destroy();
    expect(b.stats().tableFrames).toBe(0);
    expect(walkOf(b, 0x100).ok).toBe(false);
    expect(errnoOf(() => b.map(0, 0, 1, RW))).toBe('EINVAL');
    expect(mem.tableFramesInUse).toBe(4);
    a.destroy();
    expect(mem.tableFramesInUse).toBe(0);
  });

  it('maps a 16 GiB run of 4 KiB pages in one call quickly', () => {
    const mem = newMem(64);
    const pt = createPageTable(mem, 'vtd-ss', {});
    const n = 16 * GiB;
    const t0 = performance.now();
    pt.map(GiB, 4 * GiB, n, RW, 12);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000); // generous: shared CI machine; the benchmark measures it properly
    expect(pt.stats()).toEqual({ tableFrames: 1 + 1 + 16 + 16 * 512, leaves: { '4K': n, '2M': 0, '1G': 0 } });
    expect(walkOf(pt, GiB + n - 1).paPfn).toBe(4 * GiB + n - 1);
    expect(pt.unmap(GiB, n)).toBe(n);
    expect(mem.tableFramesInUse).toBe(2); // the 16 PDs' spans are covered, the PDPT's 512 GiB is not
  });
});

// ====================================================================== table lifetime (Linux rule)

describe('unmap frees a table only when the range covers its whole span (Linux)', () => {
  it('unmapping the whole 2 MiB span of a leaf table frees that table but keeps the PD and PDPT', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    const iova = 0x7f12_3456_7;
    const base = iova - (iova % 512); // the leaf table's span is [base, base + 512)
    pt.map(iova, 0x12345, 1, RW);
    pt.map(base + 3, 0x12346, 1, RW);
    expect(mem.tableFramesInUse).toBe(4);
    const pml4e = pt.readEntry(iova, 4);
    const pdpte = pt.readEntry(iova, 3);
    expect(pt.unmap(base, 512)).toBe(2);
    expect(mem.tableFramesInUse).toBe(3);
    expect(pt.stats().tableFrames).toBe(3);
    expect(pt.readEntry(iova, 2)).toBe(0n); // the PD slot that held the leaf table
    expect(pt.readEntry(iova, 1)).toBeUndefined();
    expect(pt.readEntry(iova, 3)).toBe(pdpte);
    expect(pt.readEntry(iova, 4)).toBe(pml4e);
    expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 2, memRefs: 3 });

    // 512 frames that are not the table's span empty it but do not free it
    pt.map(base + 1, 0x12347, 1, RW);
    pt.map(base + 511, 0x12348, 1, RW);
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.unmap(base + 1, 512)).toBe(2);
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.readEntry(base + 1, 1)).toBe(0n);
    expect(pt.readEntry(base + 511, 1)).toBe(0n);
    // a later unmap that covers the span frees the kept table, even with nothing mapped in it
    expect(pt.unmap(base - 512, 1024)).toBe(0);
    expect(mem.tableFramesInUse).toBe(3);
    expect(pt.readEntry(iova, 2)).toBe(0n);
  });

  it('unmapping the whole input range frees every table but the root, kept empty ones included', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x1, 0x1000, 1, RW); // PDPT 0, PD 0, leaf table 0
    pt.map(0x200, 0x40000, 512, RW); // 2M leaf in PD 0
    pt.map(GiB, 2 * GiB, GiB, RW); // 1G leaf in PDPT 0
    pt.map(2 ** 36 - 600, 0x7000, 600, RW, 12); // PML4 511: PDPT, PD, 2 leaf tables
    pt.map(2 ** 27 + 5, 0x2000, 1, RW); // PML4 1: PDPT, PD, leaf table
    expect(mem.tableFramesInUse).toBe(1 + 3 + 4 + 3);
    expect(pt.unmap(0x1, 1)).toBe(1);
    expect(mem.tableFramesInUse).toBe(11);
    expect(pt.stats().leaves).toEqual({ '4K': 601, '2M': 1, '1G': 1 });
    expect(pt.unmap(0, 2 ** 36)).toBe(601 + 512 + GiB);
    expect(pt.stats()).toEqual({ tableFrames: 1, leaves: { '4K': 0, '2M': 0, '1G': 0 } });
    expect(mem.tableFramesInUse).toBe(1);
    for (const i of [0, 1, 511]) expect(physEntry(mem, pt.rootPfn, i)).toBe(0n);
    expect(walkOf(pt, 2 ** 36 - 1)).toMatchObject({ ok: false, level: 4, memRefs: 1 });

    // 3 and 5 levels: the input range is 2^27 and 2^45 frames
    const pt39 = createPageTable(mem, 'vtd-ss', { inputBits: 39 });
    pt39.map(0x1, 0x1000, 1, RW);
    pt39.map(2 ** 27 - 1, 0x1001, 1, RW);
    expect(pt39.unmap(0x1, 1)).toBe(1);
    expect(pt39.stats().tableFrames).toBe(5);
    expect(pt39.unmap(0, 2 ** 27)).toBe(1);
    expect(pt39.stats().tableFrames).toBe(1);
    const pt57 = createPageTable(mem, 'vtd-ss', { inputBits: 57 });
    pt57.map(2 ** 45 - 1, 0x1000, 1, RW);
    expect(pt57.unmap(2 ** 45 - 1, 1)).toBe(1);
    expect(pt57.stats().tableFrames).toBe(5);
    expect(pt57.unmap(0, 2 ** 45)).toBe(0);
    expect(pt57.stats().tableFrames).toBe(1);
    expect(mem.tableFramesInUse).toBe(3);
  });

  it('a later map into an emptied-but-kept table reuses it (no new frame)', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    const iova = 0x12345; // index 325 of its leaf table
    const base = iova - (iova % 512);
    pt.map(iova, 0x9000, 1, RW);
    const pde = pt.readEntry(iova, 2);
    expect(pt.unmap(iova, 1)).toBe(1);
    expect(mem.tableFramesInUse).toBe(4);
    pt.map(iova + 5, 0x9005, 1, RW);
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.readEntry(iova + 5, 2)).toBe(pde); // same leaf table
    expect(walkOf(pt, iova + 5)).toMatchObject({ ok: true, paPfn: 0x9005, level: 1, memRefs: 4 });
    pt.map(iova, 0xa000, 1, RW); // the very slot that was cleared
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.readEntry(iova, 1)).toBe(0xa000003n);
    expect(pt.unmap(base, 512)).toBe(2);
    expect(mem.tableFramesInUse).toBe(3);
    // the kept PD is reused: only a leaf table is allocated
    const pdpte = pt.readEntry(iova, 3);
    pt.map(base + 3 * 512, 0xb000, 1, RW);
    expect(mem.tableFramesInUse).toBe(4);
    expect(pt.readEntry(base + 3 * 512, 3)).toBe(pdpte);
  });

  it('a huge leaf replaces a kept table that holds no leaf, as Linux does; EEXIST while one does', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x200, 0x9000, 1, RW);
    pt.unmap(0x200, 1);
    expect(mem.tableFramesInUse).toBe(4);
    pt.map(0x200, 0x40000, 512, RW); // the empty leaf table goes, the 2M leaf takes its slot
    expect(mem.tableFramesInUse).toBe(3);
    expect(pt.readEntry(0x200, 2)).toBe(0x40000083n);
    expect(pt.stats().leaves).toEqual({ '4K': 0, '2M': 1, '1G': 0 });
    expect(walkOf(pt, 0x3ff)).toMatchObject({ ok: true, paPfn: 0x401ff, pageShift: 21, level: 2 });

    // 1G over a kept PD with two leaf tables, one empty and one holding a page
    const pt2 = createPageTable(mem, 'vtd-ss', {});
    pt2.map(GiB + 5, 0x9000, 1, RW);
    pt2.map(GiB + 600, 0x9001, 1, RW);
    expect(pt2.unmap(GiB + 5, 1)).toBe(1);
    expect(pt2.stats().tableFrames).toBe(5);
    expect(errnoOf(() => pt2.map(GiB, 2 * GiB, GiB, RW))).toBe('EEXIST');
    // the rollback drops the empty leaf table on the failing walk path; the other one stays
    expect(pt2.stats().tableFrames).toBe(4);
    expect(walkOf(pt2, GiB + 600)).toMatchObject({ ok: true, paPfn: 0x9001 });
    expect(pt2.stats().leaves).toEqual({ '4K': 1, '2M': 0, '1G': 0 });
    pt2.map(GiB + 7, 0x9002, 1, RW); // an empty leaf table for [GiB, GiB + 512) again
    expect(pt2.unmap(GiB, 1024)).toBe(2); // covers both leaf tables: they go, the PD stays
    pt2.map(GiB + 1024, 0x9003, 1, RW);
    expect(pt2.unmap(GiB + 1024, 1)).toBe(1);
    expect(pt2.stats().tableFrames).toBe(4); // root, PDPT, PD, empty leaf table
    pt2.map(GiB, 2 * GiB, GiB, RW);
    expect(pt2.stats()).toEqual({ tableFrames: 2, leaves: { '4K': 0, '2M': 0, '1G': 1 } });
    expect(pt2.readEntry(GiB, 3)).toBe(0x80000083n);

    // LPAE: a block replaces an empty level-3 table
    const s1 = createPageTable(mem, 'lpae-s1', {});
    s1.map(0x200, 0x9000, 1, RWC);
    s1.unmap(0x200, 1);
    expect(s1.stats().tableFrames).toBe(4);
    s1.map(0x200, 0x40000, 512, RWC);
    expect(s1.stats().tableFrames).toBe(3);
    expect(s1.readEntry(0x200, 2)).toBe(0x40000f45n);
  });

  it('a failed map frees the tables it allocated, at the start of its range too', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(1024 + 3, 0x9000, 1, RW); // in leaf table 2
    expect(mem.tableFramesInUse).toBe(4);
    // allocates leaf table 0 (filled from 0x100, span not covered) and 1, then hits frame 1027
    expect(errnoOf(() => pt.map(0x100, 0x20000, 2000, RW, 12))).toBe('EEXIST');
    expect(mem.tableFramesInUse).toBe(4);
    expect(walkOf(pt, 0x100)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
    expect(walkOf(pt, 512)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
    expect(walkOf(pt, 1027)).toMatchObject({ ok: true, paPfn: 0x9000 });
    expect(pt.stats().leaves['4K']).toBe(1);

    // ENOMEM on the second leaf table: the first one, its PD and PDPT go as well
    const small = new PhysicalMemory({ ramBytes: 16n << 20n, tableBytes: 4n * 4096n });
    const pt2 = createPageTable(small, 'vtd-ss', {});
    expect(errnoOf(() => pt2.map(0x100, 0x1000, 1000, RW, 12))).toBe('ENOMEM');
    expect(small.tableFramesInUse).toBe(1);
    expect(pt2.readEntry(0x100, 4)).toBe(0n);
    pt2.map(0x100, 0x1000, 256, RW, 12);
    expect(small.tableFramesInUse).toBe(4);
  });

  for (const format of ['lpae-s1', 'lpae-s2'] as const) {
    it(`${format} 4K granule: the same rule (level-3 table spans 2 MiB, level 2 1 GiB, level 1 512 GiB)`, () => {
      const mem = newMem();
      const pt = createPageTable(mem, format, {});
      expect(pt.levels).toEqual([0, 1, 2, 3]);
      const iova = 0x12345;
      const base = iova - (iova % 512);
      pt.map(iova, 0x9000, 1, RWC);
      expect(mem.tableFramesInUse).toBe(4);
      const l2e = pt.readEntry(iova, 2);
      expect(pt.unmap(iova, 1)).toBe(1);
      expect(mem.tableFramesInUse).toBe(4);
      expect(pt.readEntry(iova, 3)).toBe(0n);
      expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 3, memRefs: 4 });
      pt.map(iova + 1, 0x9001, 1, RWC); // reuses the kept level-3 table
      expect(mem.tableFramesInUse).toBe(4);
      expect(pt.readEntry(iova + 1, 2)).toBe(l2e);
      expect(pt.unmap(base, 512)).toBe(1);
      expect(mem.tableFramesInUse).toBe(3);
      expect(pt.readEntry(iova, 2)).toBe(0n);
      expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 2, memRefs: 3 });
      expect(pt.unmap(0, GiB)).toBe(0); // the level-2 table
      expect(mem.tableFramesInUse).toBe(2);
      expect(pt.unmap(0, 2 ** 36)).toBe(0);
      expect(mem.tableFramesInUse).toBe(1);
      expect(pt.readEntry(iova, 0)).toBe(0n);
    });

    it(`${format} 64K granule: the same rule with 16-frame tables (level 3 spans 512 MiB, level 2 4 TiB)`, () => {
      const mem = newMem();
      const pt = createPageTable(mem, format, { granule: 65536 });
      expect(pt.levels).toEqual([1, 2, 3]);
      const iova = 0x12340;
      pt.map(iova, 0x5000, 16, RWC);
      expect(mem.tableFramesInUse).toBe(1 + 16 + 16);
      expect(pt.unmap(iova + 3, 1)).toBe(16); // the whole 64K page
      expect(mem.tableFramesInUse).toBe(33);
      expect(pt.readEntry(iova, 3)).toBe(0n);
      expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 3, memRefs: 3 });
      pt.map(iova + 16, 0x6000, 16, RWC); // reuses the kept level-3 table
      expect(mem.tableFramesInUse).toBe(33);
      expect(pt.unmap(iova + 16, 16)).toBe(16);
      expect(pt.unmap(0, 0x20000)).toBe(0);
      expect(mem.tableFramesInUse).toBe(1 + 16);
      expect(walkOf(pt, iova)).toMatchObject({ ok: false, level: 2, memRefs: 2 });
      // a 512M block replaces an empty level-3 table
      pt.map(0x20010, 0x7000, 16, RWC);
      pt.unmap(0x20010, 16);
      expect(mem.tableFramesInUse).toBe(33);
      pt.map(0x20000, 0x40000, 0x20000, RWC);
      expect(mem.tableFramesInUse).toBe(17);
      expect(pt.stats().leaves).toEqual({ '64K': 0, '512M': 1 });
      expect(pt.unmap(0, 2 ** 30)).toBe(0x20000);
      expect(mem.tableFramesInUse).toBe(1);
    });
  }

  it('destroy frees every frame, kept empty tables included', () => {
    const mem = newMem();
    const a = createPageTable(mem, 'vtd-ss', {});
    a.map(0x1, 0x1000, 1, RW);
    a.map(2 ** 27 + 0x1000, 0x2000, 2, RW);
    a.map(0x200, 0x40000, 512, RW);
    a.unmap(0x1, 1);
    a.unmap(2 ** 27 + 0x1000, 1);
    expect(a.stats().tableFrames).toBe(7);
    const b = createPageTable(mem, 'lpae-s1', { granule: 65536 });
    b.map(0x10, 0x3000, 16, RWC);
    b.unmap(0x10, 16);
    expect(b.stats().tableFrames).toBe(33);
    const c = createPageTable(mem, 'lpae-s2', { inputBits: 40 }); // 2-frame concatenated root
    c.map(2 ** 28 - 1, 0x5000, 1, RWC);
    c.unmap(2 ** 28 - 1, 1);
    expect(c.stats().tableFrames).toBe(4);
    expect(mem.tableFramesInUse).toBe(7 + 33 + 4);
    a.destroy();
    expect(a.stats()).toEqual({ tableFrames: 0, leaves: { '4K': 0, '2M': 0, '1G': 0 } });
    expect(mem.tableFramesInUse).toBe(33 + 4);
    b.destroy();
    expect(mem.tableFramesInUse).toBe(4);
    c.destroy();
    expect(mem.tableFramesInUse).toBe(0);
    a.destroy(); // idempotent
    expect(mem.tableFramesInUse).toBe(0);
    expect(errnoOf(() => a.unmap(0, 1))).toBe('EINVAL');
  });
});

// ====================================================================== VT-d dirty tracking

describe('VT-d second-stage A/D', () => {
  it('markDirty sets A and D on the leaf (and A on the path); read-and-clear clears D only', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', { hd: true });
    pt.map(0x10, 0x12345, 2, RW);
    pt.map(0x200, 0x40000, 512, RW);
    pt.map(0x12, 0x50000, 1, PROT_READ);
    expect(pt.markDirty(0x11)).toBe(true);
    expect(pt.markDirty(0x2ff)).toBe(true);
    expect(pt.markDirty(0x12)).toBe(false); // read-only: the write faults
    expect(pt.markDirty(0x13)).toBe(false); // not mapped
    expect(pt.readEntry(0x11, 1)).toBe(0x12346303n);
    expect(pt.readEntry(0x10, 1)).toBe(0x12345003n);
    expect(pt.readEntry(0x200, 2)).toBe(0x40000383n);
    expect(pt.readEntry(0x11, 4)! & 0xfffn).toBe(0x103n);
    expect(walkOf(pt, 0x11).dirty).toBe(true);
    expect(walkOf(pt, 0x10).dirty).toBe(false);

    expect(dirtyList(pt, 0, 0x1000, true)).toEqual([
      [0x11, 1],
      [0x200, 512],
    ]);
    expect(pt.readEntry(0x11, 1)).toBe(0x12346303n);
    // a range that only touches the middle of the 2M leaf reports the whole leaf
    expect(dirtyList(pt, 0x300, 1, false)).toEqual([[0x200, 512]]);
    expect(pt.readEntry(0x200, 2)).toBe(0x40000183n);
    expect(dirtyList(pt, 0, 0x1000, false)).toEqual([[0x11, 1]]);
    expect(pt.readEntry(0x11, 1)).toBe(0x12346103n);
    expect(dirtyList(pt, 0, 0x1000, false)).toEqual([]);
  });

  it('without second-stage A/D the hardware never sets A/D', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    pt.map(0x10, 0x12345, 1, RW);
    expect(pt.markDirty(0x10)).toBe(true);
    expect(pt.readEntry(0x10, 1)).toBe(0x12345003n);
    expect(dirtyList(pt, 0, 0x100, false)).toEqual([]);
  });
});

// ====================================================================== Arm LPAE

describe('Arm LPAE stage 1', () => {
  it('4K granule: levels 0..3, page / block / table descriptors with Linux attributes', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s1', {});
    expect(pt.formatName).toBe('lpae-s1-4k');
    expect(pt.levels).toEqual([0, 1, 2, 3]);
    expect(pt.pageShifts).toEqual([12, 21, 30]);
    pt.map(0x1, 0x12345, 1, RWC);
    // page(3) | AttrIndx 1 (0x4) | AP[1] unpriv (0x40) | SH inner (0x300) | AF (0x400) | nG (0x800)
    expect(pt.readEntry(0x1, 3)).toBe(0x12345f47n);
    pt.map(0x2, 0x12346, 1, PROT_READ | PROT_CACHE);
    expect(pt.readEntry(0x2, 3)).toBe(0x12346fc7n); // + AP[2] read-only
    pt.map(0x3, 0x12347, 1, RW); // no IOMMU_CACHE: AttrIndx 0 (NC), outer shareable
    expect(pt.readEntry(0x3, 3)).toBe(0x12347e43n);
    pt.map(0x4, 0x12348, 1, RWC | PROT_NOEXEC);
    expect(pt.readEntry(0x4, 3)).toBe(0x0060_0000_1234_8f47n);
    pt.map(0x5, 0x12349, 1, RW | PROT_MMIO); // AttrIndx 2 (device)
    expect(pt.readEntry(0x5, 3)).toBe(0x12349e4bn);
    pt.map(0x6, 0x1234a, 1, RWC | PROT_PRIV); // privileged only: AP[1] clear
    expect(pt.readEntry(0x6, 3)).toBe(0x1234af07n);
    // table descriptors: next-level address | 0b11
    for (const lvl of [0, 1, 2]) {
      const e = pt.readEntry(0x1, lvl)!;
      expect(e & 0xfffn).toBe(3n);
      expect(mem.isTableFrame(Number(e >> 12n))).toBe(true);
    }
    expect(physEntry(mem, Number(pt.readEntry(0x1, 2)! >> 12n), 1)).toBe(0x12345f47n);
    // 2M block at level 2, 1G block at level 1
    pt.map(0x200, 0x40000, 512, RWC);
    expect(pt.readEntry(0x200, 2)).toBe(0x40000f45n);
    pt.map(GiB, 2 * GiB, GiB, RWC);
    expect(pt.readEntry(GiB, 1)).toBe(0x80000f45n);
    expect(walkOf(pt, GiB + 3)).toMatchObject({ ok: true, paPfn: 2 * GiB + 3, pageShift: 30, level: 1, memRefs: 2 });
    expect(walkOf(pt, 0x200 + 9)).toMatchObject({ ok: true, paPfn: 0x40009, pageShift: 21, level: 2, memRefs: 3 });
    expect(walkOf(pt, 0x2)).toMatchObject({ ok: true, perm: PROT_READ, level: 3, memRefs: 4, dirty: false });
    expect(walkOf(pt, 0x7)).toMatchObject({ ok: false, level: 3, memRefs: 4 });
  });

  it('rejects addresses beyond 48 bits with ERANGE', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s1', {});
    expect(errnoOf(() => pt.map(2 ** 36, 0, 1, RW))).toBe('ERANGE');
    expect(errnoOf(() => pt.map(0, 2 ** 36, 1, RW))).toBe('ERANGE');
    const pt39 = createPageTable(mem, 'lpae-s1', { inputBits: 39 });
    expect(pt39.levels).toEqual([1, 2, 3]);
    expect(errnoOf(() => pt39.map(2 ** 27, 0, 1, RW))).toBe('ERANGE');
    pt39.map(2 ** 27 - GiB, 0, GiB, RW); // 1G block in the root table
    expect(pt39.readEntry(2 ** 27 - GiB, 1)).toBe(0x00000e41n);
  });

  it('16K granule: level 0 has 2 entries, 16K pages and 32M blocks, 4-frame tables', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s1', { granule: 16384 });
    expect(pt.formatName).toBe('lpae-s1-16k');
    expect(pt.levels).toEqual([0, 1, 2, 3]);
    expect(pt.pageShifts).toEqual([14, 25]);
    expect(pt.granuleShift).toBe(14);
    expect(mem.tableFramesInUse).toBe(1);
    pt.map(0x4, 0x12344, 4, RWC);
    expect(pt.readEntry(0x4, 3)).toBe(0x12344f47n);
    expect(mem.tableFramesInUse).toBe(1 + 4 * 3);
    expect(walkOf(pt, 0x6)).toMatchObject({ ok: true, paPfn: 0x12346, pageShift: 14, level: 3 });
    // 32M block: 8192 frames
    pt.map(8192, 0x80000, 8192, RWC);
    expect(pt.readEntry(8192, 2)).toBe(0x80000f45n);
    // upper half of the 48-bit space uses level-0 entry 1
    pt.map(2 ** 35 + 4, 0x100, 4, RWC);
    expect(pt.readEntry(2 ** 35 + 4, 0)).not.toBe(pt.readEntry(4, 0));
    expect(physEntry(mem, pt.rootPfn, 1)).toBe(pt.readEntry(2 ** 35 + 4, 0));
    // granule alignment
    expect(errnoOf(() => pt.map(0x8, 0x12345, 4, RW))).toBe('EINVAL');
    expect(errnoOf(() => pt.map(0x9, 0x12344, 4, RW))).toBe('EINVAL');
    expect(errnoOf(() => pt.map(0x8, 0x12344, 3, RW))).toBe('EINVAL');
    expect(pt.unmap(0, 2 ** 36)).toBe(4 + 8192 + 4);
    expect(mem.tableFramesInUse).toBe(1);
  });

  it('64K granule: levels 1..3, 64K pages and 512M blocks, 16-frame tables, small root', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s1', { granule: 65536 });
    expect(pt.formatName).toBe('lpae-s1-64k');
    expect(pt.levels).toEqual([1, 2, 3]);
    expect(pt.pageShifts).toEqual([16, 29]);
    expect(mem.tableFramesInUse).toBe(1); // 64 entries × 8 B
    pt.map(0x10, 0x12340, 16, RWC);
    expect(pt.readEntry(0x10, 3)).toBe(0x12340f47n);
    expect(mem.tableFramesInUse).toBe(1 + 16 + 16);
    expect(walkOf(pt, 0x1f)).toEqual({ ok: true, paPfn: 0x1234f, pageShift: 16, perm: RW, level: 3, memRefs: 3, dirty: false });
    pt.map(0x20000, 0x20000, 0x20000, RWC); // 512M block
    expect(pt.readEntry(0x20000, 2)).toBe(0x20000f45n);
    expect(pt.stats()).toEqual({ tableFrames: 33, leaves: { '64K': 1, '512M': 1 } });
    expect(errnoOf(() => pt.map(0x28, 0x12348, 16, RW))).toBe('EINVAL');
    expect(pt.unmap(0x10, 16)).toBe(16);
    expect(mem.tableFramesInUse).toBe(33); // the level-3 table spans 512 MiB: kept
    expect(pt.unmap(0x20000, 1)).toBe(0x20000);
    expect(mem.tableFramesInUse).toBe(33);
    expect(pt.unmap(0, 0x20000)).toBe(0);
    expect(mem.tableFramesInUse).toBe(1 + 16);
    expect(pt.unmap(0, 2 ** 30)).toBe(0); // the level-2 table spans 4 TiB
    expect(mem.tableFramesInUse).toBe(1);
  });

  it('HTTU: with HD a writable page gets DBM and starts dirty; read-and-clear sets AP[2]; a write clears it', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s1', { hd: true });
    pt.map(0x10, 0x12345, 1, RWC);
    pt.map(0x11, 0x12346, 1, PROT_READ | PROT_CACHE);
    expect(pt.readEntry(0x10, 3)).toBe(0x0008_0000_1234_5f47n); // DBM, AP[2] clear
    expect(pt.readEntry(0x11, 3)).toBe(0x12346fc7n); // read-only: no DBM
    expect(walkOf(pt, 0x10)).toMatchObject({ perm: RW, dirty: true });
    expect(dirtyList(pt, 0, 0x100, true)).toEqual([[0x10, 1]]);
    expect(dirtyList(pt, 0, 0x100, false)).toEqual([[0x10, 1]]);
    expect(pt.readEntry(0x10, 3)).toBe(0x0008_0000_1234_5fc7n); // writable-clean
    expect(walkOf(pt, 0x10)).toMatchObject({ perm: RW, dirty: false });
    expect(dirtyList(pt, 0, 0x100, false)).toEqual([]);
    expect(pt.markDirty(0x10)).toBe(true);
    expect(pt.readEntry(0x10, 3)).toBe(0x0008_0000_1234_5f47n);
    expect(pt.markDirty(0x11)).toBe(false);
    expect(pt.markDirty(0x12)).toBe(false);
    // blocks are tracked whole
    pt.map(0x200, 0x40000, 512, RWC);
    expect(dirtyList(pt, 0x3ff, 1, false)).toEqual([[0x200, 512]]);
    expect(pt.markDirty(0x250)).toBe(true);
    expect(dirtyList(pt, 0, 0x1000, false)).toEqual([
      [0x10, 1],
      [0x200, 512],
    ]);
  });

  it('without HD no DBM is written and nothing is ever reported dirty', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s1', {});
    pt.map(0x10, 0x12345, 1, RWC);
    expect(pt.markDirty(0x10)).toBe(true);
    expect(pt.readEntry(0x10, 3)).toBe(0x12345f47n);
    expect(walkOf(pt, 0x10).dirty).toBe(false);
    expect(dirtyList(pt, 0, 0x100, false)).toEqual([]);
  });
});

describe('Arm LPAE stage 2', () => {
  it('4K granule: S2AP and MemAttr bits, blocks and tables', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s2', {});
    expect(pt.formatName).toBe('lpae-s2-4k');
    expect(pt.levels).toEqual([0, 1, 2, 3]);
    pt.map(0x1, 0x12345, 1, RWC);
    // page(3) | MemAttr 0b1111 (0x3c) | S2AP RW (0xc0) | SH inner (0x300) | AF (0x400)
    expect(pt.readEntry(0x1, 3)).toBe(0x123457ffn);
    pt.map(0x2, 0x12346, 1, PROT_READ | PROT_CACHE);
    expect(pt.readEntry(0x2, 3)).toBe(0x1234677fn);
    pt.map(0x3, 0x12347, 1, PROT_WRITE | PROT_CACHE);
    expect(pt.readEntry(0x3, 3)).toBe(0x123477bfn);
    pt.map(0x4, 0x12348, 1, RW); // normal non-cacheable (0x14), outer shareable
    expect(pt.readEntry(0x4, 3)).toBe(0x123486d7n);
    pt.map(0x5, 0x12349, 1, RW | PROT_MMIO); // device (0x4)
    expect(pt.readEntry(0x5, 3)).toBe(0x123496c7n);
    pt.map(0x6, 0x1234a, 1, RWC | PROT_NOEXEC);
    expect(pt.readEntry(0x6, 3)).toBe(0x0060_0000_1234_a7ffn);
    pt.map(0x200, 0x40000, 512, RWC);
    expect(pt.readEntry(0x200, 2)).toBe(0x400007fdn);
    pt.map(GiB, GiB, GiB, RWC);
    expect(pt.readEntry(GiB, 1)).toBe(0x400007fdn);
    expect(pt.readEntry(0x1, 0)! & 0xfffn).toBe(3n);
    expect(walkOf(pt, 0x2).perm).toBe(PROT_READ);
    expect(walkOf(pt, 0x3).perm).toBe(PROT_WRITE);
    expect(walkOf(pt, 0x1).perm).toBe(RW);
  });

  it('concatenates level-1 tables when level 0 would have at most 16 entries', () => {
    const mem = newMem();
    const pt40 = createPageTable(mem, 'lpae-s2', { inputBits: 40 });
    expect(pt40.levels).toEqual([1, 2, 3]);
    expect(mem.tableFramesInUse).toBe(2); // 1024 entries: two concatenated 4K tables
    pt40.map(2 ** 28 - 1, 0x5000, 1, RWC); // last frame of the 1 TiB space: root index 1023
    expect(physEntry(mem, pt40.rootPfn, 1023)).toBe(pt40.readEntry(2 ** 28 - 1, 1));
    expect(walkOf(pt40, 2 ** 28 - 1)).toMatchObject({ ok: true, paPfn: 0x5000, memRefs: 3 });
    expect(errnoOf(() => pt40.map(2 ** 28, 0x5000, 1, RWC))).toBe('ERANGE');
    pt40.destroy();
    expect(mem.tableFramesInUse).toBe(0);

    const pt16 = createPageTable(mem, 'lpae-s2', { granule: 16384 });
    expect(pt16.formatName).toBe('lpae-s2-16k');
    expect(pt16.levels).toEqual([1, 2, 3]);
    expect(mem.tableFramesInUse).toBe(8); // 2 × 16 KiB
    pt16.map(2 ** 36 - 4, 0x100, 4, RWC);
    expect(physEntry(mem, pt16.rootPfn, 4095)).toBe(pt16.readEntry(2 ** 36 - 4, 1));
    expect(pt16.readEntry(2 ** 36 - 4, 3)).toBe(0x1007ffn);
    pt16.destroy();
    expect(mem.tableFramesInUse).toBe(0);

    // 4K with 48 bits keeps its 512-entry level 0; stage 1 never concatenates
    expect(createPageTable(mem, 'lpae-s2', {}).levels).toEqual([0, 1, 2, 3]);
    expect(createPageTable(mem, 'lpae-s1', { inputBits: 40 }).levels).toEqual([0, 1, 2, 3]);
  });

  it('64K granule page and block descriptors', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s2', { granule: 65536 });
    expect(pt.formatName).toBe('lpae-s2-64k');
    pt.map(0x10, 0x12340, 16, RWC);
    expect(pt.readEntry(0x10, 3)).toBe(0x123407ffn);
    pt.map(0x20000, 0x40000, 0x20000, RWC);
    expect(pt.readEntry(0x20000, 2)).toBe(0x400007fdn);
    expect(walkOf(pt, 0x20000 + 0x1234)).toMatchObject({ ok: true, paPfn: 0x41234, pageShift: 29, level: 2 });
  });

  it('HTTU at stage 2: DBM with S2AP[1] as the dirty state', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'lpae-s2', { hd: true });
    pt.map(0x10, 0x12345, 1, RWC);
    expect(pt.readEntry(0x10, 3)).toBe(0x0008_0000_1234_57ffn);
    expect(walkOf(pt, 0x10)).toMatchObject({ perm: RW, dirty: true });
    expect(dirtyList(pt, 0, 0x20, false)).toEqual([[0x10, 1]]);
    expect(pt.readEntry(0x10, 3)).toBe(0x0008_0000_1234_577fn); // S2AP[1] clear: writable-clean
    expect(walkOf(pt, 0x10)).toMatchObject({ perm: RW, dirty: false });
    expect(pt.markDirty(0x10)).toBe(true);
    expect(pt.readEntry(0x10, 3)).toBe(0x0008_0000_1234_57ffn);
    pt.map(0x11, 0x12346, 1, PROT_READ | PROT_CACHE);
    expect(pt.markDirty(0x11)).toBe(false);
  });
});

describe('readEntry and options', () => {
  it('returns undefined for levels that are not on the walk path', () => {
    const mem = newMem();
    const pt = createPageTable(mem, 'vtd-ss', {});
    expect(pt.readEntry(0x10, 4)).toBe(0n);
    expect(pt.readEntry(0x10, 3)).toBeUndefined();
    expect(pt.readEntry(0x10, 0)).toBeUndefined();
    expect(pt.readEntry(0x10, 5)).toBeUndefined();
    pt.map(0x200, 0x40000, 512, RW);
    expect(pt.readEntry(0x200, 1)).toBeUndefined();
    expect(pt.readEntry(0x400, 2)).toBe(0n);
  });

  it('rejects invalid options', () => {
    const mem = newMem();
    expect(errnoOf(() => createPageTable(mem, 'vtd-ss', { granule: 65536 }))).toBe('EINVAL');
    expect(errnoOf(() => createPageTable(mem, 'lpae-s1', { granule: 8192 as 4096 }))).toBe('EINVAL');
    expect(errnoOf(() => createPageTable(mem, 'lpae-s1', { inputBits: 52 }))).toBe('EINVAL');
    expect(errnoOf(() => createPageTable(mem, 'lpae-s1', { snoop: true }))).toBe('EINVAL');
    expect(errnoOf(() => createPageTable(mem, 'amd-v1' as 'vtd-ss', {}))).toBe('EINVAL');
    expect(errnoOf(() => createPageTable(mem, 'lpae-s1', {}).setSnoop(true))).toBe('EOPNOTSUPP');
  });
});
