/**
 * B1: the translate hot path, in process (spec/benchmarks.md row B1).
 *
 * Setup: 64 GiB of host RAM, one VT-d second-stage page table (4 levels, 48-bit input) with
 * 1 M mapped 4 KiB pages = 4 GiB of IOVA at IOVA 4 GiB, each page on a random frame of a 4 GiB
 * data block (a random permutation, so no two IOVA pages share a frame and no superpages form).
 *
 * Workloads (index streams pre-generated from a seeded PRNG; nothing random in the timed loops),
 * each through `translate()` with a fresh 4096-entry, 4-way IOTLB:
 *   (a)  IOTLB-hit-heavy: random lookups among 4096 hot pages forming one 16 MiB IOVA window;
 *   (a2) the same with 4096 hot pages scattered over the 4 GiB (conflict misses show up here);
 *   (b)  random over all 1 M pages (the IOTLB covers 0.4 % of them: almost every lookup walks).
 * Each workload also runs through `translateMany` (batches of 4096 frames, the batched path of
 * DeviceDmaBatch) on a second fresh IOTLB, whose contents and counters must end equal to the
 * per-call one's.
 * Limit, measured in the same run on the same streams: a minimal 4-level walk over plain
 * Int32Array radix tables holding the same mapping (no format bits, no permission or size checks,
 * no cache). Both loops sum the resulting frames and the sums must agree.
 *
 * Allocations per op: the heap is collected before a run and `heapUsed` read right after it (no
 * collection in between), together with the number of GCs the run triggered.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Iotlb, newTranslateOut, newWalkOut, translate, type TranslateOut, type WalkOut, type Walker } from '#libs/iotlb/index.js';
import { PhysicalMemory } from '#libs/memory/phys.js';
import { PROT_READ, PROT_WRITE, createPageTable } from '#libs/pgtable/index.js';
import { round } from './lib.js';
import { getGc, RadixTables, xorshift32 } from './rig.js';
import type { BenchResult } from './types.js';

const PAGES = 1 << 20; // 1 M × 4 KiB = 4 GiB
const IOVA_BASE_PFN = 1 << 20; // IOVA 4 GiB
const HOT_PAGES = 4096;
const TAG = 1 * 2 ** 21 + 0; // domain 1, no PASID
/** frames per translateMany call (as B5b's 4096 records per TranslateBatch call) */
const BATCH = 4096;

// ------------------------------------------------------------------ the limit: a bare 4-level walk

function limitLoop(pool: Int32Array, stream: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    const v = stream[i];
    let t = pool[(v >>> 27) & 511];
    if (t < 0) throw new Error('limit walk: not mapped');
    t = pool[t * 512 + ((v >>> 18) & 511)];
    if (t < 0) throw new Error('limit walk: not mapped');
    t = pool[t * 512 + ((v >>> 9) & 511)];
    if (t < 0) throw new Error('limit walk: not mapped');
    const pa = pool[t * 512 + (v & 511)];
    if (pa < 0) throw new Error('limit walk: not mapped');
    sum += pa;
  }
  return sum;
}

function oursLoop(tlb: Iotlb, walker: Walker, stream: Float64Array, out: TranslateOut): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    if (!translate(tlb, TAG, walker, stream[i], out)) throw new Error(`translate failed at ${stream[i]}`);
    sum += out.paPfn;
  }
  return sum;
}

/** The batched path: translateMany over `batches` (views of the stream made before timing). */
function manyLoop(tlb: Iotlb, walker: Walker, batches: Float64Array[], outPa: Float64Array, outInfo: Int32Array): number {
  let sum = 0;
  for (let b = 0; b < batches.length; b++) {
    const pfns = batches[b]!;
    const n = pfns.length;
    if (tlb.translateMany(TAG, walker, pfns, n, outPa, outInfo) !== n) throw new Error(`translateMany failed in batch ${b}`);
    for (let j = 0; j < n; j++) sum += outPa[j]!;
  }
  return sum;
}

function walkBatchOnlyLoop(pt: { walkBatch(p: Float64Array, n: number, pa: Float64Array, info: Int32Array): void }, batches: Float64Array[], outPa: Float64Array, outInfo: Int32Array): number {
  let sum = 0;
  for (let b = 0; b < batches.length; b++) {
    const pfns = batches[b]!;
    const n = pfns.length;
    pt.walkBatch(pfns, n, outPa, outInfo);
    for (let j = 0; j < n; j++) {
      if ((outInfo[j]! & 0xff) === 0) throw new Error(`walkBatch failed at ${pfns[j]}`);
      sum += outPa[j]!;
    }
  }
  return sum;
}

function walkOnlyLoop(walker: Walker, stream: Float64Array, w: WalkOut): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    if (!walker.walk(stream[i], w)) throw new Error(`walk failed at ${stream[i]}`);
    sum += w.paPfn;
  }
  return sum;
}

interface Measured {
  /** million operations per second: the best rep (least disturbed by other load on the machine) */
  mps: number;
  checksum: number;
}

/**
 * Time several loops over the same stream, interleaving their reps so that load from other
 * processes on a shared machine hits all of them alike. Returns the best rate of each.
 */
function timeInterleaved(reps: number, n: number, bodies: (() => number)[]): Measured[] {
  const res = bodies.map(() => ({ mps: 0, checksum: 0 }));
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < bodies.length; j++) {
      const t0 = performance.now();
      const sum = bodies[j]();
      const mps = n / (performance.now() - t0) / 1000;
      if (mps > res[j].mps) res[j].mps = mps;
      res[j].checksum = sum;
    }
  }
  return res;
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const streamLen = opts.quick ? 1 << 20 : 1 << 22;
  const reps = opts.quick ? 4 : 9;
  const gc = getGc();
  let gcCount = 0;
  const obs = new PerformanceObserver((list) => {
    gcCount += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const flushObserver = () => new Promise<void>((r) => setTimeout(r, 0));

  // ---------------------------------------------------------------- setup
  const rnd = xorshift32(0xb1b1b1);
  const t0 = performance.now();
  const mem = new PhysicalMemory({ ramBytes: 64n << 30n });
  const pt = createPageTable(mem, 'vtd-ss', { inputBits: 48 });
  const dataBase = mem.allocFrames(20); // 4 GiB of data frames
  const perm = new Int32Array(PAGES);
  for (let i = 0; i < PAGES; i++) perm[i] = i;
  for (let i = PAGES - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    const x = perm[i];
    perm[i] = perm[j];
    perm[j] = x;
  }
  const radix = new RadixTables();
  for (let i = 0; i < PAGES; i++) {
    pt.map(IOVA_BASE_PFN + i, dataBase + perm[i], 1, PROT_READ | PROT_WRITE, 12);
    radix.map(IOVA_BASE_PFN + i, dataBase + perm[i]);
  }
  const setupMs = performance.now() - t0;

  // ---------------------------------------------------------------- streams
  const hotWindow = rnd() % (PAGES - HOT_PAGES);
  const scattered = new Float64Array(HOT_PAGES);
  for (let i = 0; i < HOT_PAGES; i++) scattered[i] = IOVA_BASE_PFN + (rnd() % PAGES);
  const streams: Record<'a_hot' | 'a2_hot_scattered' | 'b_random', Float64Array> = {
    a_hot: new Float64Array(streamLen),
    a2_hot_scattered: new Float64Array(streamLen),
    b_random: new Float64Array(streamLen),
  };
  for (let i = 0; i < streamLen; i++) {
    streams.a_hot[i] = IOVA_BASE_PFN + hotWindow + (rnd() % HOT_PAGES);
    streams.a2_hot_scattered[i] = scattered[rnd() % HOT_PAGES];
    streams.b_random[i] = IOVA_BASE_PFN + (rnd() % PAGES);
  }

  const metrics: Record<string, number> = { setup_ms: Math.round(setupMs), stream_len: streamLen };
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const out = newTranslateOut();
  const walkOut = newWalkOut();
  const outPa = new Float64Array(BATCH);
  const outInfo = new Int32Array(BATCH);

  for (const name of ['a_hot', 'a2_hot_scattered', 'b_random'] as const) {
    const stream = streams[name];
    // a fresh IOTLB per workload; one warm-up pass of every loop (JIT, cache fill), then the stats
    // of the IOTLB are taken over the timed reps only
    const tlb = new Iotlb(4096, 4);
    // the batched path gets its own fresh IOTLB, run over the same stream the same number of
    // times: its contents and counters must end up equal to the per-call one's
    const tlbMany = new Iotlb(4096, 4);
    const batches: Float64Array[] = [];
    for (let c = 0; c < streamLen; c += BATCH) batches.push(stream.subarray(c, Math.min(streamLen, c + BATCH)));
    limitLoop(radix.pool, stream);
    oursLoop(tlb, pt, stream, out);
    manyLoop(tlbMany, pt, batches, outPa, outInfo);
    tlb.resetStats();
    tlbMany.resetStats();
    const bodies = [
      () => oursLoop(tlb, pt, stream, out),
      () => limitLoop(radix.pool, stream),
      () => manyLoop(tlbMany, pt, batches, outPa, outInfo),
    ];
    if (name === 'b_random') {
      walkOnlyLoop(pt, stream, walkOut);
      walkBatchOnlyLoop(pt, batches, outPa, outInfo);
      bodies.push(() => walkOnlyLoop(pt, stream, walkOut), () => walkBatchOnlyLoop(pt, batches, outPa, outInfo));
    }
    const [ours, lim, many, walkOnly, walkBatchOnly] = timeInterleaved(reps, streamLen, bodies);
    for (const [label, m] of [['translateMany', many], ['walk-only', walkOnly], ['walkBatch-only', walkBatchOnly]] as const) {
      if (m && m.checksum !== lim.checksum) {
        throw new Error(`B1 ${name}: frame checksums differ (${label} ${m.checksum}, translate ${ours.checksum}; limit walk ${lim.checksum})`);
      }
    }
    if (ours.checksum !== lim.checksum) throw new Error(`B1 ${name}: frame checksums differ (translate ${ours.checksum}; limit walk ${lim.checksum})`);
    const s = tlb.stats();
    const sMany = tlbMany.stats();
    if (JSON.stringify(s) !== JSON.stringify(sMany) || JSON.stringify(tlb.snapshot()) !== JSON.stringify(tlbMany.snapshot())) {
      throw new Error(`B1 ${name}: translateMany left other IOTLB contents or counters than translate (${JSON.stringify(sMany)} vs ${JSON.stringify(s)})`);
    }

    // allocations: collect, run once, read heapUsed before any further collection
    gc();
    await flushObserver();
    const gcBefore = gcCount;
    const h0 = process.memoryUsage().heapUsed;
    oursLoop(tlb, pt, stream, out);
    const h1 = process.memoryUsage().heapUsed;
    await flushObserver();
    const gcsDuringRun = gcCount - gcBefore;
    gc();
    await flushObserver();
    const gcBeforeMany = gcCount;
    const m0 = process.memoryUsage().heapUsed;
    manyLoop(tlbMany, pt, batches, outPa, outInfo);
    const m1 = process.memoryUsage().heapUsed;
    await flushObserver();
    const gcsDuringMany = gcCount - gcBeforeMany;
    gc();

    metrics[`${name}_mtps`] = round(ours.mps, 2);
    metrics[`${name}_ns_per_op`] = round(1000 / ours.mps, 2);
    metrics[`${name}_hit_rate`] = round(s.hits / (s.hits + s.misses), 5);
    metrics[`${name}_mem_refs_per_op`] = round(s.walkMemRefs / (s.hits + s.misses), 4);
    metrics[`${name}_alloc_bytes_per_op`] = round(Math.max(0, h1 - h0) / streamLen, 4);
    metrics[`${name}_gcs_during_run`] = gcsDuringRun;
    metrics[`${name}_batch${BATCH}_mtps`] = round(many.mps, 2);
    metrics[`${name}_batch${BATCH}_ns_per_op`] = round(1000 / many.mps, 2);
    metrics[`${name}_batch${BATCH}_alloc_bytes_per_op`] = round(Math.max(0, m1 - m0) / streamLen, 4);
    metrics[`${name}_batch${BATCH}_gcs_during_run`] = gcsDuringMany;
    if (walkOnly) metrics[`${name}_pgtable_walk_only_mtps`] = round(walkOnly.mps, 2);
    if (walkBatchOnly) metrics[`${name}_pgtable_walkbatch_only_mtps`] = round(walkBatchOnly.mps, 2);
    limit[`${name}_mtps`] = round(lim.mps, 2);
    ratio[`${name}_mtps`] = round(ours.mps / lim.mps, 3);
    ratio[`${name}_batch${BATCH}_mtps`] = round(many.mps / lim.mps, 3);
  }
  obs.disconnect();

  return {
    name: 'b1-translate',
    metrics,
    limit,
    ratio,
    notes: [
      'VT-d second-stage table (4 levels, 48-bit) with 1 M 4 KiB pages (4 GiB IOVA) on randomly permuted PA frames; 64 GiB host RAM',
      'IOTLB: 4096 entries, 4-way set-associative, FIFO per set; fresh per workload, stats over the timed reps only',
      `a_hot: random lookups in a 16 MiB IOVA window (4096 contiguous pages); a2_hot_scattered: 4096 random pages over 4 GiB; b_random: uniform over 1 M pages; ${streamLen} pre-generated lookups per rep; best of ${reps} reps, reps of all loops interleaved`,
      'limit: bare 4-level walk over Int32Array radix tables holding the same mapping (no format bits, no IOTLB), same streams, checksums verified equal',
      'b_random_pgtable_walk_only_mtps: libs/pgtable walk() alone over the b stream (no IOTLB): the floor (b) sits on',
      `*_batch${BATCH}_*: the same stream through Iotlb.translateMany, ${BATCH} frames per call (the misses of each chunk of 256 walked ahead by libs/pgtable walkBatch: upper levels per frame, then all last-level reads in one pass), on its own fresh IOTLB; checksums equal to the limit walk's, and its IOTLB contents and counters after the run verified equal to the per-call IOTLB's`,
      'b_random_pgtable_walkbatch_only_mtps: libs/pgtable walkBatch() alone over the b stream in the same batches (no IOTLB)',
      'alloc_bytes_per_op: heapUsed after one run minus heapUsed after a forced GC just before it, divided by the lookups; gcs_during_run should be 0',
      'targets: (a) >= 50 M/s, (b) >= 10 M/s, 0 allocations per translation',
      '(c) nested 2-D walk: not measured; nested HWPTs (stage-1 over stage-2 walks) are a later issue',
    ],
  };
}
