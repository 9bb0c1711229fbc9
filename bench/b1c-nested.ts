/**
 * B1c: the nested 2-D walk, in process (spec/benchmarks.md row B1, case c).
 *
 * Setup: 8 GiB of host RAM; a guest of 1 GiB whose RAM (GPA 0..1 GiB) is mapped by a stage-2
 * table of 4 KiB leaves onto a random permutation of host frames (no superpages: every stage-2
 * walk is 4 levels). Stage 1 is the guest's own tables, written as bytes into its RAM, on
 * guest frames taken in random order: 64 Ki 4 KiB pages (256 MiB of IOVA) mapped to random
 * guest frames, in each format:
 *   vtd:   VT-d first stage (x86 4-level paging) over a VT-d second stage;
 *   smmu:  SMMUv3 LPAE stage 1 (4K granule, T0SZ 16: 4 levels) over an LPAE stage 2.
 * Each translation is a full 2-D walk: 4 stage-1 fetches, each through a 4-level stage-2 walk,
 * and the final stage-2 walk = 24 memory references; A bits are already set after the warm-up,
 * so the timed walks write nothing.
 *
 * Workloads (pre-generated streams, uniform over the 64 Ki pages):
 *   walk:     the library walker alone (libs/pgtable/nested.ts), every lookup a 2-D walk;
 *   iotlb:    through a 4096-entry IOTLB (Iotlb.translate with the walker on a miss): 6 % hits.
 * Limit, same run, same streams: a bare 2-D walk over plain Int32Array radix tables (stage-1
 * tables whose pointers are guest frames, each translated by a bare 4-level stage-2 radix walk;
 * no format bits, no checks). All loops sum the result frames and the sums must agree.
 * Allocations per op: heapUsed right after a run minus after a forced GC before it, and the GCs
 * the run triggered.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Iotlb, newTranslateOut, newWalkOut, type TranslateOut, type WalkOut, type Walker } from '#libs/iotlb/index.js';
import { PhysicalMemory } from '#libs/memory/phys.js';
import { PROT_READ, PROT_WRITE, createPageTable, type PageTable } from '#libs/pgtable/index.js';
import { Smmuv3S1Walker, VtdFirstStageWalker, decodeVste, encodeCd } from '#libs/pgtable/nested.js';
import { round } from './lib.js';
import { getGc, RadixTables, xorshift32 } from './rig.js';
import type { BenchResult } from './types.js';

const GUEST_FRAMES = 1 << 18; // 1 GiB guest
const PAGES = 1 << 16; // stage-1 mapped pages
const IOVA_BASE_PFN = 1 << 20; // IOVA 4 GiB

/**
 * The limit: stage-1 tables as Int32Array "guest frames" (s1[frame * 512 + idx] = next guest frame),
 * every table frame and the output translated through a bare stage-2 radix walk.
 */
function limitLoop(s1: Int32Array, s1Root: number, base: number, s2: Int32Array, stream: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    const v = stream[i]!;
    let g = s1Root;
    for (let sh = 27; sh >= 0; sh -= 9) {
      // stage 2 of the table's guest frame (the host frame indexes the s1 pool)
      let t = s2[(g >>> 27) & 511]!;
      t = s2[t * 512 + ((g >>> 18) & 511)]!;
      t = s2[t * 512 + ((g >>> 9) & 511)]!;
      const h = s2[t * 512 + (g & 511)]!;
      g = s1[(h - base) * 512 + ((v >>> sh) & 511)]!;
      if (g < 0) throw new Error('limit walk: not mapped');
    }
    let t = s2[(g >>> 27) & 511]!;
    t = s2[t * 512 + ((g >>> 18) & 511)]!;
    t = s2[t * 512 + ((g >>> 9) & 511)]!;
    const pa = s2[t * 512 + (g & 511)]!;
    if (pa < 0) throw new Error('limit walk: stage 2 not mapped');
    sum += pa;
  }
  return sum;
}

function walkLoop(walker: Walker, stream: Float64Array, w: WalkOut): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    if (!walker.walk(stream[i]!, w)) throw new Error(`walk failed at ${stream[i]}`);
    sum += w.paPfn;
  }
  return sum;
}

function tlbLoop(tlb: Iotlb, tag: number, walker: Walker, stream: Float64Array, out: TranslateOut): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    if (!tlb.translate(tag, walker, stream[i]!, out)) throw new Error(`translate failed at ${stream[i]}`);
    sum += out.paPfn;
  }
  return sum;
}

function timeInterleaved(reps: number, n: number, bodies: (() => number)[]): Array<{ mps: number; checksum: number }> {
  const res = bodies.map(() => ({ mps: 0, checksum: 0 }));
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < bodies.length; j++) {
      const t0 = performance.now();
      const sum = bodies[j]!();
      const mps = n / (performance.now() - t0) / 1000;
      if (mps > res[j]!.mps) res[j]!.mps = mps;
      res[j]!.checksum = sum;
    }
  }
  return res;
}

interface World {
  mem: PhysicalMemory;
  s2: PageTable;
  /** guest frame → host frame */
  g2h: Int32Array;
  s2radix: RadixTables;
  /** Compact copy of the guest's stage-1 tables for the limit, indexed by the host frame of each table. */
  limS1: Int32Array;
  nextGuest: () => number;
}

function world(format: 'vtd-ss' | 'lpae-s2', rnd: () => number): World {
  const mem = new PhysicalMemory({ ramBytes: 8n << 30n });
  const s2 = createPageTable(mem, format, { inputBits: 48 });
  const hostBase = mem.allocFrames(18);
  const g2h = new Int32Array(GUEST_FRAMES);
  for (let i = 0; i < GUEST_FRAMES; i++) g2h[i] = i;
  for (let i = GUEST_FRAMES - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    const x = g2h[i]!;
    g2h[i] = g2h[j]!;
    g2h[j] = x;
  }
  const s2radix = new RadixTables(256);
  for (let i = 0; i < GUEST_FRAMES; i++) {
    g2h[i] = hostBase + g2h[i]!;
    s2.map(i, g2h[i]!, 1, PROT_READ | PROT_WRITE, 12);
    s2radix.map(i, g2h[i]!);
  }
  // guest frames handed out in a random order (tables and data pages)
  const order = new Int32Array(GUEST_FRAMES);
  for (let i = 0; i < GUEST_FRAMES; i++) order[i] = i;
  for (let i = GUEST_FRAMES - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    const x = order[i]!;
    order[i] = order[j]!;
    order[j] = x;
  }
  let k = 0;
  return { mem, s2, g2h, s2radix, limS1: new Int32Array(0), nextGuest: () => order[k++]! };
}

/**
 * Write a 4-level stage-1 mapping of PAGES pages at IOVA_BASE_PFN into guest memory; `entry`
 * builds a descriptor (table or leaf) for a guest frame. Returns the root guest frame and the
 * limit's table copy.
 */
function buildS1(w: World, entry: (gfn: number, leaf: boolean) => bigint): { root: number; lim: Int32Array; hostMin: number } {
  const root = w.nextGuest();
  const tables = new Map<number, Int32Array>(); // guest table frame → its 512 next frames (-1 empty)
  const tbl = (g: number) => {
    let t = tables.get(g);
    if (!t) tables.set(g, (t = new Int32Array(512).fill(-1)));
    return t;
  };
  const buf = new Uint8Array(8);
  const dv = new DataView(buf.buffer);
  const put = (tableGfn: number, idx: number, v: bigint) => {
    dv.setBigUint64(0, v, true);
    w.mem.write(BigInt(w.g2h[tableGfn]!) * 4096n + BigInt(idx * 8), buf);
  };
  for (let i = 0; i < PAGES; i++) {
    const v = IOVA_BASE_PFN + i;
    let t = root;
    for (let sh = 27; sh > 0; sh -= 9) {
      const idx = (v >>> sh) & 511;
      const tt = tbl(t);
      if (tt[idx]! < 0) {
        const n = w.nextGuest();
        tt[idx] = n;
        put(t, idx, entry(n, false));
      }
      t = tt[idx]!;
    }
    const data = w.nextGuest();
    tbl(t)[v & 511] = data;
    put(t, v & 511, entry(data, true));
  }
  // the limit's copy, indexed by host frame - hostMin
  let hostMin = Infinity;
  let hostMax = 0;
  for (const g of tables.keys()) {
    hostMin = Math.min(hostMin, w.g2h[g]!);
    hostMax = Math.max(hostMax, w.g2h[g]!);
  }
  const lim = new Int32Array((hostMax - hostMin + 1) * 512).fill(-1);
  for (const [g, t] of tables) lim.set(t, (w.g2h[g]! - hostMin) * 512);
  return { root, lim, hostMin };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const streamLen = opts.quick ? 1 << 19 : 1 << 21;
  const reps = opts.quick ? 3 : 7;
  const gc = getGc();
  let gcCount = 0;
  const obs = new PerformanceObserver((list) => {
    gcCount += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const flushObserver = () => new Promise<void>((r) => setTimeout(r, 0));
  const rnd = xorshift32(0xb1c0b1c);
  const metrics: Record<string, number> = { stream_len: streamLen };
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const stream = new Float64Array(streamLen);
  for (let i = 0; i < streamLen; i++) stream[i] = IOVA_BASE_PFN + (rnd() % PAGES);

  for (const fmt of ['vtd', 'smmu'] as const) {
    const t0 = performance.now();
    const w = world(fmt === 'vtd' ? 'vtd-ss' : 'lpae-s2', rnd);
    let walker: VtdFirstStageWalker | Smmuv3S1Walker;
    let built: ReturnType<typeof buildS1>;
    if (fmt === 'vtd') {
      // P | R/W | U/S, A already set; leaves D too
      built = buildS1(w, (g, leaf) => BigInt(g) * 4096n | 0x27n | (leaf ? 0x40n : 0n));
      walker = new VtdFirstStageWalker(w.mem, w.s2, { pgtblAddr: built.root * 4096, addrWidth: 48, flags: 0, fs1gp: false });
    } else {
      // table: type 3; page: type 3 | AF
      built = buildS1(w, (g, leaf) => BigInt(g) * 4096n | 3n | (leaf ? 1n << 10n : 0n));
      const cdGfn = w.nextGuest();
      w.mem.write(BigInt(w.g2h[cdGfn]!) * 4096n, encodeCd({ t0sz: 16, asid: 1, ttb0: built.root * 4096 }));
      const sw = new Smmuv3S1Walker(w.mem, w.s2, { ssidBits: 20, oas: 48, httu: 0 });
      const cd = sw.fetchCd(decodeVste(1n | (5n << 1n) | BigInt(cdGfn * 4096), 0n, 20), -1);
      if (!cd) throw new Error('B1c: CD fetch failed');
      sw.load(cd);
      walker = sw;
    }
    metrics[`${fmt}_setup_ms`] = Math.round(performance.now() - t0);
    const s2lim = w.s2radix.pool;
    const lim = built.lim;
    const wo = newWalkOut();
    const out = newTranslateOut();
    const tlb = new Iotlb(4096, 4);
    const tag = 1;
    walker.write = false;
    const walkBody = () => walkLoop(walker, stream, wo);
    const tlbBody = () => tlbLoop(tlb, tag, walker, stream, out);
    const limBody = () => limitLoop(lim, built.root, built.hostMin, s2lim, stream);
    walkBody();
    tlbBody();
    limBody();
    tlb.resetStats();
    const [wk, tl, li] = timeInterleaved(reps, streamLen, [walkBody, tlbBody, limBody]);
    if (wk!.checksum !== li!.checksum || tl!.checksum !== li!.checksum) {
      throw new Error(`B1c ${fmt}: checksums differ (walk ${wk!.checksum}, iotlb ${tl!.checksum}, limit ${li!.checksum})`);
    }
    const s = tlb.stats();
    // memory references of one 2-D walk
    walker.walk(stream[0]!, wo);
    metrics[`${fmt}_mem_refs_per_walk`] = wo.memRefs;

    gc();
    await flushObserver();
    const gcBefore = gcCount;
    const h0 = process.memoryUsage().heapUsed;
    walkLoop(walker, stream, wo);
    const h1 = process.memoryUsage().heapUsed;
    await flushObserver();
    const gcs = gcCount - gcBefore;
    gc();

    metrics[`${fmt}_walk_mtps`] = round(wk!.mps, 3);
    metrics[`${fmt}_walk_ns_per_op`] = round(1000 / wk!.mps, 1);
    metrics[`${fmt}_iotlb_mtps`] = round(tl!.mps, 3);
    metrics[`${fmt}_iotlb_hit_rate`] = round(s.hits / (s.hits + s.misses), 4);
    metrics[`${fmt}_iotlb_mem_refs_per_op`] = round(s.walkMemRefs / (s.hits + s.misses), 3);
    metrics[`${fmt}_alloc_bytes_per_op`] = round(Math.max(0, h1 - h0) / streamLen, 4);
    metrics[`${fmt}_gcs_during_run`] = gcs;
    limit[`${fmt}_walk_mtps`] = round(li!.mps, 3);
    ratio[`${fmt}_walk_mtps`] = round(wk!.mps / li!.mps, 3);
    w.s2.destroy();
  }
  obs.disconnect();
  return {
    name: 'b1c-nested',
    metrics,
    limit,
    ratio,
    notes: [
      'guest of 1 GiB: stage 2 = 4 KiB leaves onto randomly permuted host frames (4-level walks); stage 1 = 64 Ki 4 KiB pages on random guest frames, tables written as bytes in guest RAM',
      'vtd: VT-d first stage (x86 4-level) over VT-d second stage; smmu: LPAE stage 1 (4K, T0SZ 16) via STE→CD over LPAE stage 2',
      'walk: every translation a full 2-D walk (24 memory references); iotlb: the same through a 4096-entry IOTLB (uniform stream, mostly misses)',
      'limit: bare 2-D walk over Int32Array radix tables (stage-1 tables indexed by host frame, every table and the output through a bare 4-level stage-2 radix walk), same stream, checksums verified equal',
      `${streamLen} pre-generated lookups per rep; best of ${reps} reps, reps interleaved`,
      'alloc_bytes_per_op: heapUsed after one walk run minus heapUsed after a forced GC just before it; gcs_during_run should be 0',
      'target: >= 3 M translations/s with 0 allocations per translation',
    ],
  };
}
