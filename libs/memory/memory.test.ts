/**
 * libs/memory unit tests: the buddy allocator (contiguous reuse), MemFile costs bounded by the
 * folios that exist (issue #7 item 2a), pinned frames outliving truncation, per-folio cgroup
 * charging and the fault rollback of failed operations (issue #7 item 3 and the memory cgroup),
 * and the deferred-work queue large frees and unpins run on (issue #7: a responsive server).
 */
import { describe, expect, it } from 'vitest';
import { KernelError } from '../errno/index.js';
import { DeferredQueue } from './deferred.js';
import { MemFile, withFaultRollback, type MemCgroup } from './file.js';
import { PhysicalMemory } from './phys.js';

const GiB = 1n << 30n;

class TestCgroup implements MemCgroup {
  pages = 0;
  constructor(readonly max = Infinity) {}
  chargeMemory(pages: number): void {
    if (this.pages + pages > this.max) throw new KernelError('ENOMEM', 'memory.max');
    this.pages += pages;
  }
  unchargeMemory(pages: number): void {
    this.pages -= pages;
  }
}

/** Runs of physically contiguous frames over pages [0, n) of `f`. */
function runsOf(f: MemFile, n: number): number {
  const run = { n: 0 };
  let runs = 0;
  for (let i = 0; i < n; i += run.n) {
    f.frameRun(i, n - i, null, run);
    expect(run.n).toBeGreaterThan(0);
    runs++;
  }
  return runs;
}

describe('PhysicalMemory buddy allocator', () => {
  it('hands freed frames back as contiguous ascending runs (issue #7 item 2b: frames freed one by one and reused)', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const N = 4096;
    const pfns: number[] = [];
    for (let i = 0; i < N; i++) pfns.push(mem.allocFrames(0));
    // consecutive single-frame allocations ascend
    for (let i = 1; i < N; i++) expect(pfns[i]).toBe(pfns[i - 1]! + 1);
    // freed one by one in ascending order (the old free list then handed them back descending)
    for (const p of pfns) mem.freeFrames(p, 0);
    expect(mem.dataFramesInUse).toBe(0);
    const again: number[] = [];
    for (let i = 0; i < N; i++) again.push(mem.allocFrames(0));
    let breaks = 0;
    for (let i = 1; i < N; i++) if (again[i] !== again[i - 1]! + 1) breaks++;
    expect(breaks).toBeLessThanOrEqual(1);
    expect(mem.dataFramesInUse).toBe(N);
  });

  it('allocRun returns one block holding the whole run when one is free, and coalesces on free', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const out = { n: 0 };
    const a = mem.allocRun(1000, out);
    expect(out.n).toBe(1000);
    const b = mem.allocRun(24, out);
    expect(out.n).toBe(24);
    expect(b < a || b >= a + 1000).toBe(true);
    mem.freeRun(a, 1000);
    mem.freeRun(b, 24);
    expect(mem.dataFramesInUse).toBe(0);
    const c = mem.allocRun(1024, out);
    expect(out.n).toBe(1024);
    expect(c).toBe(a);
  });

  it('a gigantic request takes whole 1 GiB blocks, never more than asked', () => {
    const mem = new PhysicalMemory({ ramBytes: 8n * GiB });
    const out = { n: 0 };
    const want = 3 * 262144 + 5;
    let got = 0;
    let pieces = 0;
    while (got < want) {
      mem.allocRun(want - got, out);
      got += out.n;
      pieces++;
    }
    expect(got).toBe(want);
    expect(pieces).toBeLessThanOrEqual(6);
    expect(mem.dataFramesInUse).toBe(want);
  });

  it('RAM exhausted → ENOMEM, and the allocator state is usable after', () => {
    const mem = new PhysicalMemory({ ramBytes: 16n << 20n, tableBytes: 1n << 20n });
    const total = mem.dataFramesFree;
    const out = { n: 0 };
    let got = 0;
    while (got < total) {
      mem.allocRun(total - got, out);
      got += out.n;
    }
    expect(() => mem.allocFrames(0)).toThrow(/ENOMEM|exhausted/);
    expect(mem.dataFramesFree).toBe(0);
  });
});

describe('MemFile', () => {
  it('truncating a 2^52-byte sparse file costs the folios that exist (issue #7 item 2a)', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const cg = new TestCgroup();
    const f = new MemFile(mem, 'sparse');
    f.get();
    f.truncate(1n << 52n); // 2^40 pages: walking indices would take hours
    f.write((1n << 52n) - 4096n, new Uint8Array([1, 2, 3]), cg);
    f.write(0n, new Uint8Array([4]), cg);
    expect(f.pagesPresent).toBe(2);
    expect(mem.dataFramesInUse).toBe(2);
    expect(mem.touchedFrames).toBe(2);
    f.truncate(1n << 40n); // drops the last page only
    expect(f.pagesPresent).toBe(1);
    f.put(); // last holder: everything freed and uncharged
    expect(f.pagesPresent).toBe(0);
    expect(mem.dataFramesInUse).toBe(0);
    expect(mem.touchedFrames).toBe(0);
    expect(cg.pages).toBe(0);
  });

  it('fresh memory faults in as few physically contiguous runs, also after reuse', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const cg = new TestCgroup();
    const n = 65536; // 256 MiB
    for (let round = 0; round < 3; round++) {
      const f = new MemFile(mem, `r${round}`);
      f.get();
      f.truncate(BigInt(n) << 12n);
      const run = { n: 0 };
      for (let i = 0; i < n; i += run.n) f.frameRun(i, n - i, cg, run);
      expect(runsOf(f, n)).toBeLessThanOrEqual(2);
      f.put();
      expect(mem.dataFramesInUse).toBe(0);
    }
  });

  it('a pinned folio outlives truncation and is freed (and uncharged) at its last unpin', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const cg = new TestCgroup();
    const f = new MemFile(mem, 'm');
    f.get();
    f.truncate(64n << 12n);
    const run = { n: 0 };
    const pfn = f.frameRun(0, 64, cg, run);
    expect(run.n).toBe(64);
    f.pin(0, 64);
    f.pin(10, 4); // a second pinner of pages 10..13
    f.truncate(0n);
    expect(f.pagesPresent).toBe(0);
    expect(f.detachedFolios).toBe(64);
    expect(mem.dataFramesInUse).toBe(64);
    // regrow and fault page 10 again: a new frame, the old one still pinned
    f.truncate(64n << 12n);
    expect(f.frameOf(10, cg)).not.toBe(pfn + 10);
    f.unpin(0, 64, pfn);
    expect(f.detachedFolios).toBe(4);
    expect(mem.dataFramesInUse).toBe(4 + 1);
    f.unpin(10, 4, pfn + 10);
    expect(f.detachedFolios).toBe(0);
    expect(f.pinnedPageRefs).toBe(0);
    f.put();
    expect(mem.dataFramesInUse).toBe(0);
    expect(cg.pages).toBe(0);
  });

  it('punch frees exactly the pages of the hole', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const cg = new TestCgroup();
    const f = new MemFile(mem, 'anon', 0, true);
    f.get();
    f.truncate(2048n << 12n);
    const run = { n: 0 };
    for (let i = 0; i < 2048; i += run.n) f.frameRun(i, 2048 - i, cg, run);
    f.punch(100, 1000);
    expect(f.pagesPresent).toBe(1048);
    expect(mem.dataFramesInUse).toBe(1048);
    expect(cg.pages).toBe(1048);
    expect(f.frameOf(99, null)).toBeGreaterThanOrEqual(0);
    expect(f.frameOf(100, null)).toBe(-1);
    expect(f.frameOf(1099, null)).toBe(-1);
    expect(f.frameOf(1100, null)).toBeGreaterThanOrEqual(0);
    f.put();
    expect(cg.pages).toBe(0);
  });

  it('charges each folio to the cgroup that faulted it in, and uncharges that one', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const a = new TestCgroup();
    const b = new TestCgroup();
    const f = new MemFile(mem, 'shared');
    f.get();
    f.truncate(1024n << 12n);
    f.write(0n, new Uint8Array(4096 * 3), a);
    f.write(4096n * 600n, new Uint8Array(4096 * 2), b);
    f.write(4096n * 3n, new Uint8Array(1), b);
    expect(a.pages).toBe(3);
    expect(b.pages).toBe(3);
    f.truncate(600n << 12n);
    expect(a.pages).toBe(3);
    expect(b.pages).toBe(1);
    f.put();
    expect(a.pages).toBe(0);
    expect(b.pages).toBe(0);
  });

  it('hugetlb folios are not charged to the memory cgroup (no memory_hugetlb_accounting), and are freed whole', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const cg = new TestCgroup();
    const f = new MemFile(mem, 'huge', 9);
    f.get();
    f.truncate(8n << 20n);
    f.write(3n << 20n, new Uint8Array(1), cg);
    expect(cg.pages).toBe(0);
    expect(mem.dataFramesInUse).toBe(512);
    f.put();
    expect(cg.pages).toBe(0);
    expect(mem.dataFramesInUse).toBe(0);
  });

  it('a failed charge at memory.max faults nothing in; withFaultRollback undoes what the operation faulted', () => {
    const mem = new PhysicalMemory({ ramBytes: 4n * GiB });
    const cg = new TestCgroup(100);
    const f = new MemFile(mem, 'm');
    f.get();
    f.truncate(1000n << 12n);
    f.write(0n, new Uint8Array(10), cg);
    expect(cg.pages).toBe(1);
    const run = { n: 0 };
    expect(() => f.frameRun(1, 500, cg, run)).toThrow(KernelError);
    expect(cg.pages).toBe(1);
    expect(f.pagesPresent).toBe(1);
    // an operation that faults in some pages and then fails leaves nothing behind
    expect(() =>
      withFaultRollback(mem, () => {
        for (let i = 1; i < 1000; i++) f.frameOf(i, cg);
      }),
    ).toThrow(KernelError);
    expect(cg.pages).toBe(1);
    expect(f.pagesPresent).toBe(1);
    expect(mem.dataFramesInUse).toBe(1);
    f.put();
    expect(cg.pages).toBe(0);
  });
});

describe('deferred work (responsiveness): large frees and unpins drain in slices, in order', () => {
  it('queues work behind queued work, runs it in order, in slices, and quiesce() waits for the end', async () => {
    const q = new DeferredQueue({ sliceMs: 1, inlineBudget: 10 });
    const log: string[] = [];
    let steps = 0;
    // a work of 50 units, one unit per step, yielding at the deadline
    let left = 50;
    q.submit(50, {
      step: (deadline) => {
        steps++;
        while (left > 0) {
          const t = performance.now();
          while (performance.now() - t < 0.05);
          left--;
          if (left > 0 && performance.now() >= deadline) return false;
        }
        log.push('big');
        return true;
      },
    });
    expect(q.idle).toBe(false); // over the inline budget: queued
    q.submit(1, { step: () => (log.push('small'), true) }); // behind it, even though small
    q.then(() => log.push('event'));
    expect(log).toEqual([]);
    await q.quiesce();
    expect(log).toEqual(['big', 'small', 'event']);
    expect(steps).toBeGreaterThan(1); // it yielded between slices
    expect(q.stats.slices).toBeGreaterThanOrEqual(steps);
    // with nothing queued, small work runs inline
    q.submit(1, { step: () => (log.push('inline'), true) });
    expect(log.at(-1)).toBe('inline');
    expect(q.idle).toBe(true);
  });

  it('a MemFile free over the budget is queued; reading the file or allocating drains it first', () => {
    const mem = new PhysicalMemory({ ramBytes: 64n * GiB });
    mem.deferred = new DeferredQueue({ inlineBudget: 4 });
    const cg = new TestCgroup();
    const f = new MemFile(mem, 'big');
    f.truncate(1n * GiB);
    const run = { n: 0 };
    f.frameRun(0, 262144, cg, run); // 512 chunks faulted in
    expect(mem.dataFramesInUse).toBe(262144);
    f.pin(0, 262144);
    const pfn0 = f.frameOf(0, null);
    f.unpin(0, 262144, pfn0);
    expect(mem.deferred.idle).toBe(false);
    expect(f.frameOf(0, null)).toBe(pfn0); // a lookup drains the queued unpin first
    expect(mem.deferred.idle).toBe(true);
    expect(f.pinCountOfFolio(0)).toBe(0);
    f.truncate(0n);
    expect(mem.deferred.idle).toBe(false);
    expect(mem.dataFramesInUse).toBe(262144); // not yet freed
    expect(f.pinCountOfFolio(0)).toBe(0); // a read of per-page state drains first
    expect(mem.deferred.idle).toBe(true);
    expect(mem.dataFramesInUse).toBe(0);
    expect(cg.pages).toBe(0);
    // an allocation anywhere drains queued frees first (the allocator hands out the same frames)
    const g = new MemFile(mem, 'g');
    g.truncate(1n * GiB);
    g.frameRun(0, 262144, cg, run);
    g.truncate(0n);
    expect(mem.deferred.idle).toBe(false);
    const h = new MemFile(mem, 'h');
    h.truncate(4096n);
    const pfn = h.frameOf(0, cg);
    expect(mem.deferred.idle).toBe(true);
    expect(mem.dataFramesInUse).toBe(1);
    expect(pfn).toBeGreaterThanOrEqual(0);
  });
});

