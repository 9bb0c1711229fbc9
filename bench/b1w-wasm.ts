/**
 * B1w: issue #8's experiments for the per-call B1b gap (random translations over 4 GiB, one
 * `translate` per frame): the same IOTLB + VT-d walk in WebAssembly, and per-call translation on
 * a worker thread over SharedArrayBuffer-backed tables. `npm run bench -- --only b1,b1w` runs
 * B1b beside it; this bench also re-measures the JS per-call loop and the bare walk in the same
 * interleaved reps, so its ratios stand alone.
 *
 * Setup as B1 (bench/b1-translate.ts): 64 GiB host RAM, one VT-d second-stage table (4 levels,
 * 48-bit) with 1 M 4 KiB pages at IOVA 4 GiB on randomly permuted frames; the b stream (uniform
 * over the 1 M pages). The table pool's bytes are then copied into a shared WebAssembly.Memory
 * (its buffer is a SharedArrayBuffer) and checked byte-equal; every reader below reads one of
 * the two copies, never anything derived:
 *   js_translate         libs/iotlb translate() + libs/pgtable walk over PhysicalMemory.words (= B1b per call)
 *   js_translate_sab     the same code over the shared copy (a second PageTable object whose pool
 *                        view is a Uint32Array on the shared buffer)
 *   wasm_per_call        bench/b1w-translate.wat's translate(), called from JS once per frame
 *   wasm_loop            the same translate() over the whole stream inside WebAssembly (no JS
 *                        boundary per frame): what per-call WebAssembly costs without the call
 *   wasm_walk_only       the .wat walk alone over the stream (the WebAssembly counterpart of
 *                        B1b's pgtable_walk_only)
 *   pgtable_walk_only    libs/pgtable walk() alone (as B1b)
 *   limit                B1b's bare Int32Array radix walk over the same mapping
 * Each translating loop has its own fresh 4096-entry 4-way IOTLB and runs the stream the same
 * number of times: at the end every IOTLB's counters and entries (slots included) must be equal,
 * and every loop's frame sum equal to the limit walk's.
 *
 * Worker thread (this file again, `workerData.b1w`), after the interleaved reps:
 *   worker_js_translate / worker_wasm_loop   the loops above, alone on a worker over the shared copy
 *   concurrent_*          main and worker each translate half of the stream at the same time
 *                         (own IOTLBs): aggregate frames per second of the two threads
 *   offload_spin / offload_wait   per-call translation served by the worker: the main thread
 *                         posts one frame in shared memory and spins (Atomics.load) or sleeps
 *                         (Atomics.wait) until the worker's answer; what a translation service on
 *                         another thread costs per call
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import wabtInit from 'wabt';
import { Iotlb, newTranslateOut, newWalkOut, translate, type TranslateOut, type WalkOut, type Walker } from '#libs/iotlb/index.js';
import { PhysicalMemory } from '#libs/memory/phys.js';
import { PROT_READ, PROT_WRITE, createPageTable, type PageTable } from '#libs/pgtable/index.js';
import { benchWorker, round } from './lib.js';
import { getGc, RadixTables, xorshift32 } from './rig.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const RAM = 64n << 30n;
const PAGES = 1 << 20;
const IOVA_BASE_PFN = 1 << 20;
const TAG = 1 * 2 ** 21 + 0; // domain 1, no PASID (as B1)
const TLB_ENTRIES = 4096;
const TLB_WAYS = 4;
const TLB_BYTES = TLB_ENTRIES * 32;
const WASM_PAGE = 65536;
/** IOTLB regions in the shared memory: main per-call, main loop, worker loop */
const TLB_MAIN_CALL = 0;
const TLB_MAIN_LOOP = 1;
const TLB_WORKER_LOOP = 2;
const TLB_REGIONS = 3;
/** control words (Int32) for the barrier and the offload handshake */
const CTRL_BARRIER = 0;
const CTRL_REQ = 1;
const CTRL_RESP = 2;
const CTRL_WORDS = 16;
/** offload: request/answer frames (f64) after the control words */
const SLOT_PFN = 0;
const SLOT_PA = 1;

// The parts of the WebAssembly JS API used here (the project's tsconfig has no DOM/WebAssembly lib).
/** A compiled module (structured-cloneable to a worker). */
type WasmModule = { readonly __wasmModule: unique symbol };
/** A shared memory: its buffer is a SharedArrayBuffer (cloneable to a worker, same bytes). */
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
const WA = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => WasmModule;
    Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
    Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  };
}).WebAssembly;

/** libs/iotlb's tagHash (module-private there); the IOTLB comparison below fails if it differs. */
function tagHash(tag: number): number {
  const h = Math.imul((tag | 0) ^ Math.imul((tag / 4294967296) | 0, 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 16);
}

/** bench/b1w-translate.wat compiled with the wabt package (threads: the memory is shared). */
async function compileWat(): Promise<WasmModule> {
  const wabt = await wabtInit();
  const src = readFileSync(join(here, 'b1w-translate.wat'), 'utf8');
  const features = { threads: true };
  const mod = wabt.parseWat('b1w-translate.wat', src, features);
  try {
    mod.resolveNames();
    // wabt.js's validate takes the features as parseWat does (its .d.ts leaves the parameter out)
    (mod.validate as (f: typeof features) => void)(features);
    const { buffer } = mod.toBinary({});
    return new WA.Module(buffer);
  } finally {
    mod.destroy();
  }
}

/** The exports of bench/b1w-translate.wat. */
interface WasmTlb {
  init(pool: number, poolBytes: number, basePfn: number, rootPfn: number, limitPfn: number, tlb: number, sets: number, ways: number, tag: number, th: number): void;
  translate(pfn: number): number;
  run(streamOff: number, n: number): number;
  walkRun(streamOff: number, n: number): number;
  stat(k: number): number;
  resetStats(): void;
}

/** Where things are in the shared memory. */
interface Layout {
  poolBytes: number;
  tlbOff: number;
  ctrlOff: number;
  streamOff: number;
  streamLen: number;
  totalBytes: number;
}

function layout(poolBytes: number, streamLen: number): Layout {
  const tlbOff = poolBytes; // the pool starts at byte 0
  const ctrlOff = tlbOff + TLB_REGIONS * TLB_BYTES;
  const streamOff = ctrlOff + 4096;
  const totalBytes = Math.ceil((streamOff + streamLen * 8) / WASM_PAGE) * WASM_PAGE;
  return { poolBytes, tlbOff, ctrlOff, streamOff, streamLen, totalBytes };
}

/** The table geometry an instance needs (from the PageTable / PhysicalMemory that built it). */
interface Geometry {
  basePfn: number;
  rootPfn: number;
  limitPfn: number;
}

function instantiate(module: WasmModule, memory: WasmMemory, lay: Layout, geo: Geometry, region: number): WasmTlb {
  const inst = new WA.Instance(module, { env: { mem: memory } });
  const x = inst.exports as unknown as WasmTlb;
  x.init(0, lay.poolBytes, geo.basePfn, geo.rootPfn, geo.limitPfn, lay.tlbOff + region * TLB_BYTES, TLB_ENTRIES / TLB_WAYS, TLB_WAYS, TAG, tagHash(TAG));
  return x;
}

const STAT_NAMES = ['hits', 'misses', 'inserts', 'evictions', 'walks', 'walkFaults', 'walkMemRefs', 'validEntries'] as const;

function wasmStats(x: WasmTlb): Record<string, number> {
  const r: Record<string, number> = {};
  STAT_NAMES.forEach((k, i) => (r[k] = x.stat(i)));
  return r;
}

function jsStats(t: Iotlb): Record<string, number> {
  const s = t.stats();
  const r: Record<string, number> = {};
  for (const k of STAT_NAMES) r[k] = s[k];
  return r;
}

/** A wasm IOTLB region as libs/iotlb snapshot() lists it. */
function wasmSnapshot(memory: WasmMemory, lay: Layout, region: number): string {
  const e = new BigUint64Array(memory.buffer, lay.tlbOff + region * TLB_BYTES, TLB_ENTRIES * 4);
  const out: { slot: number; tag: number; iovaPfn: number; paPfn: number; pageShift: number; perm: number }[] = [];
  for (let i = 0; i < e.length; i += 4) {
    const meta = e[i + 3]!;
    if (meta === 0n) continue;
    out.push({ slot: i >> 2, tag: Number(e[i + 1]!), iovaPfn: Number(e[i]!), paPfn: Number(e[i + 2]!), pageShift: Number(meta & 0xffn), perm: Number((meta >> 8n) & 0xffn) });
  }
  out.sort((a, b) => a.tag - b.tag || a.iovaPfn - b.iovaPfn || a.pageShift - b.pageShift);
  return JSON.stringify(out);
}

/**
 * A PageTable object reading the table bytes in `words` (the shared copy): a fresh
 * PhysicalMemory of the same size allocates its first table (the root) at the same pool index as
 * the original's, so after its pool view is replaced by `words` its walks read the original
 * table's bytes. Checked: the same root frame and the same table base.
 */
function tableOverCopy(words: Uint32Array, geo: Geometry): PageTable {
  const m = new PhysicalMemory({ ramBytes: RAM });
  const pt = createPageTable(m, 'vtd-ss', { inputBits: 48 });
  if (pt.rootPfn !== geo.rootPfn || m.tableBasePfn !== geo.basePfn) {
    throw new Error(`B1w: the copy's table does not line up (root ${pt.rootPfn} vs ${geo.rootPfn}, base ${m.tableBasePfn} vs ${geo.basePfn})`);
  }
  m.words = words;
  return pt;
}

// ------------------------------------------------------------------ loops

function limitLoop(pool: Int32Array, stream: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    const v = stream[i]!;
    let t = pool[(v >>> 27) & 511]!;
    if (t < 0) throw new Error('limit walk: not mapped');
    t = pool[t * 512 + ((v >>> 18) & 511)]!;
    if (t < 0) throw new Error('limit walk: not mapped');
    t = pool[t * 512 + ((v >>> 9) & 511)]!;
    if (t < 0) throw new Error('limit walk: not mapped');
    const pa = pool[t * 512 + (v & 511)]!;
    if (pa < 0) throw new Error('limit walk: not mapped');
    sum += pa;
  }
  return sum;
}

function jsLoop(tlb: Iotlb, walker: Walker, stream: Float64Array, out: TranslateOut): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    if (!translate(tlb, TAG, walker, stream[i]!, out)) throw new Error(`translate failed at ${stream[i]}`);
    sum += out.paPfn;
  }
  return sum;
}

function walkOnlyLoop(walker: Walker, stream: Float64Array, w: WalkOut): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    if (!walker.walk(stream[i]!, w)) throw new Error(`walk failed at ${stream[i]}`);
    sum += w.paPfn;
  }
  return sum;
}

function wasmCallLoop(x: WasmTlb, stream: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < stream.length; i++) {
    const pa = x.translate(stream[i]!);
    if (pa < 0) throw new Error(`wasm translate failed at ${stream[i]} (${pa})`);
    sum += pa;
  }
  return sum;
}

function wasmRun(x: WasmTlb, off: number, n: number): number {
  const s = x.run(off, n);
  if (s < 0) throw new Error(`wasm run failed (${s})`);
  return s;
}

function wasmWalkRun(x: WasmTlb, off: number, n: number): number {
  const s = x.walkRun(off, n);
  if (s < 0) throw new Error(`wasm walk failed (${s})`);
  return s;
}

interface Measured {
  mps: number;
  checksum: number;
  /** per rep: milliseconds */
  ms: number[];
}

/** As B1: reps of all loops interleaved; the best rate of each. */
function timeInterleaved(reps: number, n: number, bodies: (() => number)[]): Measured[] {
  const res: Measured[] = bodies.map(() => ({ mps: 0, checksum: 0, ms: [] }));
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < bodies.length; j++) {
      const t0 = performance.now();
      const sum = bodies[j]!();
      const ms = performance.now() - t0;
      const m = res[j]!;
      m.ms.push(ms);
      m.mps = Math.max(m.mps, n / ms / 1000);
      m.checksum = sum;
    }
  }
  return res;
}

/** Both threads meet here before each concurrent rep (spinning: the wait is sub-microsecond). */
function barrier(ctrl: Int32Array, generation: number): void {
  Atomics.add(ctrl, CTRL_BARRIER, 1);
  spinUntil(() => Atomics.load(ctrl, CTRL_BARRIER) >= 2 * generation, 'the other thread at the barrier');
}

/** Spin until `done()`; throws after 10 s (the other thread died or is stuck). */
function spinUntil(done: () => boolean, what: string): void {
  let t0 = 0;
  for (let i = 1; !done(); i++) {
    if ((i & 0xfffff) === 0) {
      const now = performance.now();
      if (t0 === 0) t0 = now;
      else if (now - t0 > 10_000) throw new Error(`B1w: waited 10 s for ${what}`);
    }
  }
}

// ------------------------------------------------------------------ worker side

interface WorkerInit {
  b1w: true;
  module: WasmModule;
  memory: WasmMemory;
  lay: Layout;
  geo: Geometry;
}

type ToWorker =
  | { cmd: 'solo'; reps: number }
  | { cmd: 'concurrent'; kind: 'js' | 'wasm'; from: number; n: number; reps: number }
  | { cmd: 'serve'; mode: 'spin' | 'wait'; seq: number };
type FromWorker =
  | { ok: true; js?: Measured; wasm?: Measured; stats?: Record<string, number>; wasmStats?: Record<string, number>; ms?: number[]; checksum?: number; served?: number }
  | { ok: false; error: string };

function workerMain(init: WorkerInit): void {
  const { memory, lay, geo } = init;
  const words = new Uint32Array(memory.buffer, 0, lay.poolBytes / 4);
  const pt = tableOverCopy(words, geo);
  const stream = new Float64Array(memory.buffer, lay.streamOff, lay.streamLen);
  const ctrl = new Int32Array(memory.buffer, lay.ctrlOff, CTRL_WORDS);
  const slots = new Float64Array(memory.buffer, lay.ctrlOff + CTRL_WORDS * 4, 2);
  const loopX = instantiate(init.module, memory, lay, geo, TLB_WORKER_LOOP);
  const out = newTranslateOut();
  let generation = 0;
  parentPort!.on('message', (m: ToWorker) => {
    const reply = (r: FromWorker) => parentPort!.postMessage(r);
    try {
      if (m.cmd === 'solo') {
        const tlb = new Iotlb(TLB_ENTRIES, TLB_WAYS);
        loopX.init(0, lay.poolBytes, geo.basePfn, geo.rootPfn, geo.limitPfn, lay.tlbOff + TLB_WORKER_LOOP * TLB_BYTES, TLB_ENTRIES / TLB_WAYS, TLB_WAYS, TAG, tagHash(TAG));
        jsLoop(tlb, pt, stream, out);
        wasmRun(loopX, lay.streamOff, lay.streamLen);
        tlb.resetStats();
        loopX.resetStats();
        const [js, wasm] = timeInterleaved(m.reps, lay.streamLen, [() => jsLoop(tlb, pt, stream, out), () => wasmRun(loopX, lay.streamOff, lay.streamLen)]);
        reply({ ok: true, js, wasm, stats: jsStats(tlb), wasmStats: wasmStats(loopX) });
      } else if (m.cmd === 'concurrent') {
        const tlb = new Iotlb(TLB_ENTRIES, TLB_WAYS);
        loopX.init(0, lay.poolBytes, geo.basePfn, geo.rootPfn, geo.limitPfn, lay.tlbOff + TLB_WORKER_LOOP * TLB_BYTES, TLB_ENTRIES / TLB_WAYS, TLB_WAYS, TAG, tagHash(TAG));
        const part = stream.subarray(m.from, m.from + m.n);
        const ms: number[] = [];
        let checksum = 0;
        for (let r = 0; r < m.reps; r++) {
          barrier(ctrl, ++generation);
          const t0 = performance.now();
          checksum = m.kind === 'js' ? jsLoop(tlb, pt, part, out) : wasmRun(loopX, lay.streamOff + m.from * 8, m.n);
          ms.push(performance.now() - t0);
        }
        reply({ ok: true, ms, checksum });
      } else if (m.cmd === 'serve') {
        // one translation per request until a request for frame -1; the IOTLB is this thread's
        const tlb = new Iotlb(TLB_ENTRIES, TLB_WAYS);
        let seq = m.seq; // the request word before the first request
        let served = 0;
        for (;;) {
          if (m.mode === 'spin') {
            while (Atomics.load(ctrl, CTRL_REQ) === seq) {
              /* spin */
            }
          } else {
            Atomics.wait(ctrl, CTRL_REQ, seq);
            if (Atomics.load(ctrl, CTRL_REQ) === seq) continue;
          }
          seq = Atomics.load(ctrl, CTRL_REQ);
          const pfn = slots[SLOT_PFN]!;
          if (pfn < 0) break;
          slots[SLOT_PA] = translate(tlb, TAG, pt, pfn, out) ? out.paPfn : -1;
          served++;
          Atomics.store(ctrl, CTRL_RESP, seq);
          if (m.mode === 'wait') Atomics.notify(ctrl, CTRL_RESP);
        }
        Atomics.store(ctrl, CTRL_RESP, seq);
        reply({ ok: true, served });
      }
    } catch (e) {
      reply({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

if (!isMainThread && (workerData as Partial<WorkerInit> | undefined)?.b1w) workerMain(workerData as WorkerInit);

function startWorker(init: WorkerInit) {
  const { worker: w, ask } = benchWorker<ToWorker, FromWorker>(import.meta.url, init, 'B1w worker');
  return {
    ask,
    /** terminate (also stops a worker spinning in `serve` or at the barrier) */
    async exit() {
      await w.terminate();
    },
  };
}

// ------------------------------------------------------------------ main

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const streamLen = opts.quick ? 1 << 20 : 1 << 22;
  const reps = opts.quick ? 4 : 9;
  /** reps of the concurrent runs (fewer: the slowest part on a loaded machine) */
  const workerReps = opts.quick ? 3 : 5;

  // ---------------------------------------------------------------- setup (as B1)
  const rnd = xorshift32(0xb1b1b1);
  const t0 = performance.now();
  const mem = new PhysicalMemory({ ramBytes: RAM });
  const pt = createPageTable(mem, 'vtd-ss', { inputBits: 48 });
  const dataBase = mem.allocFrames(20);
  const perm = new Int32Array(PAGES);
  for (let i = 0; i < PAGES; i++) perm[i] = i;
  for (let i = PAGES - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    const x = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = x;
  }
  const radix = new RadixTables();
  for (let i = 0; i < PAGES; i++) {
    pt.map(IOVA_BASE_PFN + i, dataBase + perm[i]!, 1, PROT_READ | PROT_WRITE, 12);
    radix.map(IOVA_BASE_PFN + i, dataBase + perm[i]!);
  }
  const geo: Geometry = { basePfn: mem.tableBasePfn, rootPfn: pt.rootPfn, limitPfn: 2 ** (48 - 12) };

  // the shared copy: pool bytes, IOTLB regions, control words, the stream
  const lay = layout(mem.words.byteLength, streamLen);
  const pages = lay.totalBytes / WASM_PAGE;
  const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
  if (!((memory.buffer as unknown) instanceof SharedArrayBuffer)) throw new Error('B1w: shared WebAssembly.Memory without a SharedArrayBuffer');
  const sharedWords = new Uint32Array(memory.buffer, 0, lay.poolBytes / 4);
  sharedWords.set(mem.words);
  if (Buffer.compare(Buffer.from(mem.words.buffer, mem.words.byteOffset, mem.words.byteLength), Buffer.from(memory.buffer, 0, lay.poolBytes)) !== 0) {
    throw new Error('B1w: the shared copy of the table pool differs from PhysicalMemory.words');
  }
  const ptSab = tableOverCopy(sharedWords, geo);
  const module = await compileWat();
  const setupMs = performance.now() - t0;

  const stream = new Float64Array(memory.buffer, lay.streamOff, streamLen);
  // B1's stream generator: b_random is the third of three interleaved draws per frame
  rnd(); // B1's hot window
  for (let i = 0; i < 4096; i++) rnd(); // B1's scattered hot pages
  for (let i = 0; i < streamLen; i++) {
    rnd();
    rnd();
    stream[i] = IOVA_BASE_PFN + (rnd() % PAGES);
  }
  const plainStream = Float64Array.from(stream); // the JS loops read a plain array, as in B1

  const metrics: Record<string, number> = { setup_ms: Math.round(setupMs), stream_len: streamLen, pool_bytes: lay.poolBytes };
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};

  // ---------------------------------------------------------------- main thread, interleaved
  const out = newTranslateOut();
  const walkOut = newWalkOut();
  const tlbJs = new Iotlb(TLB_ENTRIES, TLB_WAYS);
  const tlbSab = new Iotlb(TLB_ENTRIES, TLB_WAYS);
  const callX = instantiate(module, memory, lay, geo, TLB_MAIN_CALL);
  const loopX = instantiate(module, memory, lay, geo, TLB_MAIN_LOOP);
  const bodies = [
    () => jsLoop(tlbJs, pt, plainStream, out),
    () => jsLoop(tlbSab, ptSab, plainStream, out),
    () => wasmCallLoop(callX, plainStream),
    () => wasmRun(loopX, lay.streamOff, streamLen),
    () => wasmWalkRun(loopX, lay.streamOff, streamLen),
    () => walkOnlyLoop(pt, plainStream, walkOut),
    () => limitLoop(radix.pool, plainStream),
  ];
  for (const b of bodies) b(); // warm-up (JIT, caches), the same pass count for every IOTLB
  tlbJs.resetStats();
  tlbSab.resetStats();
  callX.resetStats();
  loopX.resetStats();
  const [js, jsSab, wCall, wLoop, wWalk, jsWalk, lim] = timeInterleaved(reps, streamLen, bodies) as [Measured, Measured, Measured, Measured, Measured, Measured, Measured];
  for (const [label, m] of [['js_translate', js], ['js_translate_sab', jsSab], ['wasm_per_call', wCall], ['wasm_loop', wLoop], ['wasm_walk_only', wWalk], ['pgtable_walk_only', jsWalk]] as const) {
    if (m.checksum !== lim.checksum) throw new Error(`B1w: ${label} frame sum ${m.checksum} differs from the limit walk's ${lim.checksum}`);
  }
  // every IOTLB saw the stream 1 + reps times: counters and entries must agree
  const ref = JSON.stringify(jsStats(tlbJs));
  const refSnap = JSON.stringify(tlbJs.snapshot());
  for (const [label, s, snap] of [
    ['js_translate_sab', JSON.stringify(jsStats(tlbSab)), JSON.stringify(tlbSab.snapshot())],
    ['wasm_per_call', JSON.stringify(wasmStats(callX)), wasmSnapshot(memory, lay, TLB_MAIN_CALL)],
    ['wasm_loop', JSON.stringify(wasmStats(loopX)), wasmSnapshot(memory, lay, TLB_MAIN_LOOP)],
  ] as const) {
    if (s !== ref) throw new Error(`B1w: ${label} IOTLB counters ${s} differ from libs/iotlb's ${ref}`);
    if (snap !== refSnap) throw new Error(`B1w: ${label} IOTLB entries differ from libs/iotlb's`);
  }
  const st = tlbJs.stats();
  metrics.b_random_hit_rate = round(st.hits / (st.hits + st.misses), 5);
  for (const [label, m] of [['js_translate', js], ['js_translate_sab', jsSab], ['wasm_per_call', wCall], ['wasm_loop', wLoop], ['wasm_walk_only', wWalk], ['pgtable_walk_only', jsWalk]] as const) {
    metrics[`b_random_${label}_mtps`] = round(m.mps, 2);
    ratio[`b_random_${label}_mtps`] = round(m.mps / lim.mps, 3);
  }
  limit.b_random_mtps = round(lim.mps, 2);
  // allocations of the per-call loops: collect, run once, read heapUsed before any further collection
  const gc = getGc();
  for (const [label, body] of [['js_translate', bodies[0]!], ['wasm_per_call', bodies[2]!]] as const) {
    gc();
    const h0 = process.memoryUsage().heapUsed;
    body();
    const h1 = process.memoryUsage().heapUsed;
    metrics[`b_random_${label}_alloc_bytes_per_op`] = round(Math.max(0, h1 - h0) / streamLen, 4);
  }
  ratio.wasm_per_call_vs_js_translate = round(wCall.mps / js.mps, 3);
  ratio.wasm_loop_vs_js_translate = round(wLoop.mps / js.mps, 3);
  ratio.wasm_walk_only_vs_pgtable_walk_only = round(wWalk.mps / jsWalk.mps, 3);
  ratio.js_translate_sab_vs_js_translate = round(jsSab.mps / js.mps, 3);

  // ---------------------------------------------------------------- worker thread
  const w = startWorker({ b1w: true, module, memory, lay, geo });
  try {
    // alone on the worker (the main thread waits in the event loop)
    const solo = await w.ask({ cmd: 'solo', reps }); // as many reps as the main thread's: the counters must match
    if (solo.js!.checksum !== lim.checksum || solo.wasm!.checksum !== lim.checksum) throw new Error('B1w: worker frame sums differ from the limit walk');
    if (JSON.stringify(solo.stats) !== ref || JSON.stringify(solo.wasmStats) !== ref) {
      throw new Error(`B1w: worker IOTLB counters differ (${JSON.stringify(solo.stats)}, ${JSON.stringify(solo.wasmStats)} vs ${ref})`);
    }
    metrics.b_random_worker_js_translate_mtps = round(solo.js!.mps, 2);
    metrics.b_random_worker_wasm_loop_mtps = round(solo.wasm!.mps, 2);

    // both threads at once, half the stream each
    const ctrl = new Int32Array(memory.buffer, lay.ctrlOff, CTRL_WORDS);
    const half = streamLen >>> 1;
    const mainPart = plainStream.subarray(0, half);
    let generation = 0;
    for (const kind of ['js', 'wasm'] as const) {
      const tlb = new Iotlb(TLB_ENTRIES, TLB_WAYS);
      loopX.init(0, lay.poolBytes, geo.basePfn, geo.rootPfn, geo.limitPfn, lay.tlbOff + TLB_MAIN_LOOP * TLB_BYTES, TLB_ENTRIES / TLB_WAYS, TLB_WAYS, TAG, tagHash(TAG));
      const answer = w.ask({ cmd: 'concurrent', kind, from: half, n: streamLen - half, reps: workerReps });
      const ms: number[] = [];
      let sumMain = 0;
      for (let r = 0; r < workerReps; r++) {
        barrier(ctrl, ++generation);
        const t1 = performance.now();
        sumMain = kind === 'js' ? jsLoop(tlb, pt, mainPart, out) : wasmRun(loopX, lay.streamOff, half);
        ms.push(performance.now() - t1);
      }
      const wr = await answer;
      if (sumMain + wr.checksum! !== lim.checksum) throw new Error(`B1w: concurrent ${kind} frame sums differ from the limit walk`);
      let best = 0;
      for (let r = 0; r < workerReps; r++) best = Math.max(best, streamLen / Math.max(ms[r]!, wr.ms![r]!) / 1000);
      metrics[`b_random_concurrent_${kind}_2threads_mtps`] = round(best, 2);
    }

    // per-call offload: one frame per round trip through shared memory
    const slots = new Float64Array(memory.buffer, lay.ctrlOff + CTRL_WORDS * 4, 2);
    for (const mode of ['spin', 'wait'] as const) {
      // at most `maxCalls` round trips and about 2 s (a loaded machine can make each one slow)
      const maxCalls = Math.min(streamLen, mode === 'spin' ? (opts.quick ? 1 << 17 : 1 << 19) : opts.quick ? 1 << 14 : 1 << 16);
      let seq = Atomics.load(ctrl, CTRL_REQ);
      const served = w.ask({ cmd: 'serve', mode, seq });
      let sum = 0;
      let calls = 0;
      const t1 = performance.now();
      while (calls < maxCalls && ((calls & 1023) !== 0 || performance.now() - t1 < 2000)) {
        slots[SLOT_PFN] = plainStream[calls]!;
        Atomics.store(ctrl, CTRL_REQ, ++seq);
        if (mode === 'wait') {
          Atomics.notify(ctrl, CTRL_REQ);
          while (Atomics.load(ctrl, CTRL_RESP) !== seq) {
            if (Atomics.wait(ctrl, CTRL_RESP, seq - 1, 10_000) === 'timed-out') throw new Error('B1w: waited 10 s for the worker\'s answer');
          }
        } else {
          const want = seq;
          spinUntil(() => Atomics.load(ctrl, CTRL_RESP) === want, 'the worker\'s answer');
        }
        const pa = slots[SLOT_PA]!;
        if (pa < 0) throw new Error(`B1w: offloaded translate failed at ${plainStream[calls]}`);
        sum += pa;
        calls++;
      }
      const ms = performance.now() - t1;
      slots[SLOT_PFN] = -1;
      Atomics.store(ctrl, CTRL_REQ, ++seq);
      Atomics.notify(ctrl, CTRL_REQ);
      const s = await served;
      const expect = limitLoop(radix.pool, plainStream.subarray(0, calls));
      if (sum !== expect || s.served !== calls) throw new Error(`B1w: offload ${mode}: sum ${sum} vs ${expect}, served ${s.served} of ${calls}`);
      metrics[`offload_${mode}_mtps`] = round(calls / ms / 1000, 4);
      metrics[`offload_${mode}_ns_per_call`] = round((ms * 1e6) / calls, 0);
      metrics[`offload_${mode}_calls`] = calls;
    }
  } finally {
    await w.exit();
  }

  return {
    name: 'b1w-wasm',
    metrics,
    limit,
    ratio,
    notes: [
      'B1b setup (VT-d 4-level, 1 M 4 KiB pages at IOVA 4 GiB on permuted frames, 64 GiB RAM), the b_random stream; the table pool copied byte for byte into a shared WebAssembly.Memory (SharedArrayBuffer) and compared',
      'js_translate: libs/iotlb translate over libs/pgtable (B1b per call); js_translate_sab: the same code over the shared copy; wasm_per_call: bench/b1w-translate.wat translate() called from JS per frame; wasm_loop: the same inside WebAssembly over the stream; wasm_walk_only: its walk alone; pgtable_walk_only: libs/pgtable walk() alone (B1b\'s pgtable_walk_only)',
      `each IOTLB 4096 entries, 4-way, fresh; after warm-up + ${reps} reps every IOTLB (JS, shared-copy JS, wasm per call, wasm loop, worker JS, worker wasm) ends with equal counters, and the main-thread ones with equal entries and slots; every frame sum equals the limit walk's`,
      'limit: B1b bare Int32Array radix walk; best of reps, reps interleaved',
      'worker_*: the loops alone on a worker thread over the shared copy; concurrent_*_2threads: main + worker each translate half the stream at once (own IOTLBs), frames/s of the slower thread\'s wall time',
      'offload_spin / offload_wait: per-call translation on the worker, one frame per round trip through shared memory (Atomics.load spin / Atomics.wait + notify), frame sums checked',
    ],
  };
}
