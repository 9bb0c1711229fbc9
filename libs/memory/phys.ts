/**
 * Sparse host physical memory.
 *
 * Layout of the physical address space (frame numbers, 4 KiB frames):
 *   [FIRST_DATA_PFN, tableBasePfn)   RAM handed out for data (memfd folios, anonymous memory)
 *   [tableBasePfn, ramFrames)        RAM reserved for IOMMU page-table pages (the table pool)
 *   MMIO windows (device BARs)       registered above RAM
 *
 * Page-table pages are real bytes in the table pool (a Uint32Array, little-endian words, two
 * words per 64-bit descriptor), so a physical address inside the pool reads the table bytes and
 * a walker turns a table PFN into a pool index with one subtraction (no Map on the hot path).
 * Data frames are allocated lazily: untouched frames cost nothing and read as zero.
 */
import { kerr } from '../errno/index.js';
import type { DeferredQueue } from './deferred.js';

/** What a fault-in can be undone on (a memory file): free and uncharge `n` folios from `folio`. */
export interface FaultUndo {
  undoFaults(folio: number, n: number): void;
}
/** The running atomic operation's record of folios faulted in (file.ts FaultLog). */
export interface FaultRecorder {
  record(file: FaultUndo, folio: number, n: number): void;
}

export const FRAME_SIZE = 4096;
export const WORDS_PER_FRAME = FRAME_SIZE / 4;
const FIRST_DATA_PFN = 0x100; // keep the first MiB out of allocation, as the kernel does
/** Largest buddy block: 2^18 frames = 1 GiB (a gigantic hugetlb folio). */
const MAX_ORDER = 18;

export interface MmioHandler {
  read(offset: bigint, length: number): Uint8Array;
  write(offset: bigint, data: Uint8Array): void;
}

interface MmioRegion {
  base: bigint;
  size: bigint;
  handler: MmioHandler;
  name: string;
}

/** Interface the page-table formats need: a word-addressed pool of table pages. */
export interface TableMemory {
  /** Current pool view; re-read after any allocation (the pool may grow). */
  readonly words: Uint32Array;
  /** PFN of the first pool frame: pool word index of frame `pfn` = (pfn - tableBasePfn) * 1024. */
  readonly tableBasePfn: number;
  /** Allocate a zeroed, naturally aligned run of `frames` frames (1, 4 or 16); returns its PFN. */
  allocTable(frames: number): number;
  freeTable(pfn: number, frames: number): void;
  /** Frames currently allocated to page tables. */
  readonly tableFramesInUse: number;
}

export interface PhysicalMemoryOptions {
  ramBytes: bigint;
  /** Bytes of RAM set aside for page tables (default: 1/16 of RAM, at most 64 GiB). */
  tableBytes?: bigint;
}

export class PhysicalMemory implements TableMemory {
  readonly ramFrames: number;
  readonly tableBasePfn: number;
  private readonly tableFrames: number;
  words: Uint32Array;
  private poolFramesCommitted: number;
  private poolBump = 0;
  private readonly tableFree = new Map<number, number[]>(); // run size → free pool frame indices
  tableFramesInUse = 0;

  // data frames: a buddy allocator over [FIRST_DATA_PFN, tableBasePfn). Frames above `dataBump`
  // have never been handed out and cost nothing; free blocks are naturally aligned power-of-two
  // runs, coalesced with their buddy on free, so memory freed and reused comes back as long
  // physically contiguous runs (as the kernel's buddy allocator mostly gives).
  private dataBump = FIRST_DATA_PFN;
  private readonly freeBlocks: Set<number>[] = Array.from({ length: MAX_ORDER + 1 }, () => new Set<number>()); // order → free block base pfns
  private readonly frames = new Map<number, Uint8Array>(); // touched frames only
  /**
   * Bumped whenever frames are freed (their bytes dropped): a cached frameBytes() result is
   * valid while this is unchanged (the nested walker's per-level frame cache relies on it).
   */
  framesGen = 0;
  dataFramesInUse = 0;
  /** Allocations of the running atomic operation (see withFaultRollback in file.ts), if any. */
  faultLog: FaultRecorder | undefined = undefined;
  /**
   * The host's deferred-work queue: large frees and unpins of memory files run there, in time
   * slices (see deferred.ts). Without one (unit tests of the library) they run at once.
   */
  deferred: DeferredQueue | undefined = undefined;

  private readonly mmio: MmioRegion[] = [];

  constructor(opts: PhysicalMemoryOptions) {
    const ramFrames = Number(opts.ramBytes >> 12n);
    if (ramFrames < 4096) throw new RangeError('host RAM must be at least 16 MiB');
    let tableBytes = opts.tableBytes ?? opts.ramBytes / 16n;
    if (tableBytes > 64n << 30n) tableBytes = 64n << 30n;
    this.ramFrames = ramFrames;
    this.tableFrames = Number(tableBytes >> 12n);
    this.tableBasePfn = ramFrames - this.tableFrames;
    this.poolFramesCommitted = 64;
    this.words = new Uint32Array(this.poolFramesCommitted * WORDS_PER_FRAME);
  }

  get ramBytes(): bigint {
    return BigInt(this.ramFrames) << 12n;
  }

  // ---------------------------------------------------------------- table pool

  allocTable(frames: number): number {
    if (frames !== 1 && frames !== 4 && frames !== 16) throw new RangeError(`table run of ${frames} frames`);
    const free = this.tableFree.get(frames);
    let idx: number;
    if (free && free.length > 0) {
      idx = free.pop()!;
      this.words.fill(0, idx * WORDS_PER_FRAME, (idx + frames) * WORDS_PER_FRAME);
    } else {
      const aligned = Math.ceil(this.poolBump / frames) * frames;
      // frames skipped for alignment go to the single-frame free list
      for (let i = this.poolBump; i < aligned; i++) this.pushTableFree(1, i);
      idx = aligned;
      if (idx + frames > this.tableFrames) {
        throw kerr('ENOMEM', 'page-table memory exhausted');
      }
      this.poolBump = idx + frames;
      this.ensurePool(this.poolBump);
    }
    this.tableFramesInUse += frames;
    return this.tableBasePfn + idx;
  }

  freeTable(pfn: number, frames: number): void {
    const idx = pfn - this.tableBasePfn;
    if (idx < 0 || idx + frames > this.poolBump) throw new RangeError(`pfn ${pfn} is not a table frame`);
    this.pushTableFree(frames, idx);
    this.tableFramesInUse -= frames;
  }

  private pushTableFree(frames: number, idx: number): void {
    let l = this.tableFree.get(frames);
    if (!l) this.tableFree.set(frames, (l = []));
    l.push(idx);
  }

  private ensurePool(frames: number): void {
    if (frames <= this.poolFramesCommitted) return;
    let n = this.poolFramesCommitted;
    while (n < frames) n *= 2;
    const grown = new Uint32Array(n * WORDS_PER_FRAME);
    grown.set(this.words);
    this.words = grown;
    this.poolFramesCommitted = n;
  }

  isTableFrame(pfn: number): boolean {
    return pfn >= this.tableBasePfn && pfn < this.ramFrames;
  }

  // ---------------------------------------------------------------- data frames

  /** Allocate a naturally aligned run of 2^order frames. Throws ENOMEM when RAM is exhausted. */
  allocFrames(order: number): number {
    this.drainDeferred();
    const n = 2 ** order;
    if (order > MAX_ORDER) {
      // larger than any buddy block: carve it from the never-used frames
      const base = Math.ceil(this.dataBump / n) * n;
      if (base + n > this.tableBasePfn) throw kerr('ENOMEM', 'host RAM exhausted');
      this.releaseBlocks(this.dataBump, base - this.dataBump);
      this.dataBump = base + n;
      this.dataFramesInUse += n;
      return base;
    }
    let j = this.smallestFree(order);
    if (order > 0 && j < 0 && this.dataBump % n === 0 && this.dataBump + n <= this.tableBasePfn) {
      // huge folios (hugetlb memfds), nothing free of this order or above, and the never-used
      // frames start aligned: take them directly — the frame refill-and-split would hand out,
      // without first making the halves the next allocations of this order take in turn (their
      // frees still coalesce into the same aligned blocks). Order 0 keeps the refill path, whose
      // maximal blocks keep reused 4 KiB frames in long ascending runs.
      const base = this.dataBump;
      this.dataBump = base + n;
      this.dataFramesInUse += n;
      return base;
    }
    if (j < 0) j = this.refill(order);
    if (j < 0) throw kerr('ENOMEM', 'host RAM exhausted');
    const base = this.popBlock(j);
    // split: keep the low half, the high halves go back (so consecutive allocations ascend)
    while (j > order) {
      j--;
      this.freeBlocks[j]!.add(base + 2 ** j);
    }
    this.dataFramesInUse += n;
    return base;
  }

  /**
   * Allocate up to `maxFrames` physically contiguous frames (order 0 each): the smallest free
   * block that holds them all, else the largest there is. Returns the first pfn and sets out.n.
   * Throws ENOMEM when no frame is free.
   */
  allocRun(maxFrames: number, out: { n: number }): number {
    this.drainDeferred();
    let want = 0;
    while (want < MAX_ORDER && 2 ** want < maxFrames) want++;
    let j = this.smallestFree(want);
    if (j < 0) j = this.refill(want);
    if (j < 0) j = this.largestFree();
    if (j < 0) throw kerr('ENOMEM', 'host RAM exhausted');
    const base = this.popBlock(j);
    const size = 2 ** j;
    const n = Math.min(size, maxFrames);
    if (n < size) this.releaseBlocks(base + n, size - n);
    this.dataFramesInUse += n;
    out.n = n;
    return base;
  }

  freeFrames(pfn: number, order: number): void {
    this.freeRun(pfn, 2 ** order);
  }

  /** Free `n` contiguous frames (any alignment): their bytes are dropped and the blocks coalesced. */
  freeRun(pfn: number, n: number): void {
    if (n <= 0) return;
    this.framesGen++;
    const end = pfn + n;
    if (this.frames.size < n) {
      for (const p of this.frames.keys()) if (p >= pfn && p < end) this.frames.delete(p);
    } else for (let p = pfn; p < end; p++) this.frames.delete(p);
    this.releaseBlocks(pfn, n);
    this.dataFramesInUse -= n;
  }

  /** Free frames held in buddy blocks plus the never-used tail (RAM still available for data). */
  get dataFramesFree(): number {
    this.drainDeferred();
    return this.tableBasePfn - FIRST_DATA_PFN - this.dataFramesInUse;
  }

  /** Frees still queued come first: the allocator hands out (and counts) what it would without a queue. */
  private drainDeferred(): void {
    if (this.deferred !== undefined && !this.deferred.idle) this.deferred.drainNow();
  }

  private smallestFree(order: number): number {
    for (let j = order; j <= MAX_ORDER; j++) if (this.freeBlocks[j]!.size > 0) return j;
    return -1;
  }

  private largestFree(): number {
    for (let j = MAX_ORDER; j >= 0; j--) if (this.freeBlocks[j]!.size > 0) return j;
    return -1;
  }

  private popBlock(order: number): number {
    const set = this.freeBlocks[order]!;
    const base = set.values().next().value as number;
    set.delete(base);
    return base;
  }

  /** Move never-used frames into free blocks until one of order ≥ `order` exists; returns its order or -1. */
  private refill(order: number): number {
    const end = this.tableBasePfn;
    while (this.dataBump < end) {
      const p = this.dataBump;
      const o = blockOrder(p, end);
      this.dataBump = p + 2 ** o;
      this.insertFree(p, o);
      const j = this.smallestFree(order);
      if (j >= 0) return j;
    }
    return -1;
  }

  /** Return [pfn, pfn+n) to the free blocks as maximal aligned blocks, each merged with its free buddies. */
  private releaseBlocks(pfn: number, n: number): void {
    const end = pfn + n;
    let p = pfn;
    while (p < end) {
      const o = blockOrder(p, end);
      this.insertFree(p, o);
      p += 2 ** o;
    }
  }

  private insertFree(pfn: number, order: number): void {
    let p = pfn;
    let o = order;
    while (o < MAX_ORDER) {
      const size = 2 ** o;
      const buddy = (p / size) % 2 === 0 ? p + size : p - size;
      const set = this.freeBlocks[o]!;
      if (!set.has(buddy)) break;
      set.delete(buddy);
      if (buddy < p) p = buddy;
      o++;
    }
    this.freeBlocks[o]!.add(p);
  }

  /** Bytes of a data frame, created on first write. */
  frameBytes(pfn: number, create: boolean): Uint8Array | undefined {
    let f = this.frames.get(pfn);
    if (!f && create) {
      f = new Uint8Array(FRAME_SIZE);
      this.frames.set(pfn, f);
    }
    return f;
  }

  /** Frames whose bytes have been materialised (touched by a write). */
  get touchedFrames(): number {
    return this.frames.size;
  }

  // ---------------------------------------------------------------- MMIO

  registerMmio(name: string, base: bigint, size: bigint, handler: MmioHandler): void {
    for (const r of this.mmio) {
      if (base < r.base + r.size && r.base < base + size) throw new RangeError(`MMIO ${name} overlaps ${r.name}`);
    }
    if (base < this.ramBytes) throw new RangeError(`MMIO ${name} overlaps RAM`);
    this.mmio.push({ name, base, size, handler });
  }

  unregisterMmio(name: string): void {
    const i = this.mmio.findIndex((r) => r.name === name);
    if (i >= 0) this.mmio.splice(i, 1);
  }

  findMmio(pa: bigint): MmioRegion | undefined {
    for (const r of this.mmio) if (pa >= r.base && pa < r.base + r.size) return r;
    return undefined;
  }

  // ---------------------------------------------------------------- byte access by physical address

  /** Read `length` bytes at physical address `pa` (RAM, table pool or MMIO). */
  read(pa: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = pa + BigInt(done);
      const mm = this.findMmio(a);
      if (mm) {
        const n = Math.min(length - done, Number(mm.base + mm.size - a));
        out.set(mm.handler.read(a - mm.base, n), done);
        done += n;
        continue;
      }
      const pfn = Number(a >> 12n);
      const off = Number(a & 0xfffn);
      const n = Math.min(length - done, FRAME_SIZE - off);
      this.checkRam(pfn);
      if (this.isTableFrame(pfn)) {
        const idx = pfn - this.tableBasePfn;
        if (idx < this.poolFramesCommitted) {
          const bytes = new Uint8Array(this.words.buffer, idx * FRAME_SIZE + off, n);
          out.set(bytes, done);
        }
      } else {
        const f = this.frames.get(pfn);
        if (f) out.set(f.subarray(off, off + n), done);
      }
      done += n;
    }
    return out;
  }

  write(pa: bigint, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = pa + BigInt(done);
      const mm = this.findMmio(a);
      if (mm) {
        const n = Math.min(data.length - done, Number(mm.base + mm.size - a));
        mm.handler.write(a - mm.base, data.subarray(done, done + n));
        done += n;
        continue;
      }
      const pfn = Number(a >> 12n);
      const off = Number(a & 0xfffn);
      const n = Math.min(data.length - done, FRAME_SIZE - off);
      this.checkRam(pfn);
      if (this.isTableFrame(pfn)) {
        const idx = pfn - this.tableBasePfn;
        this.ensurePool(idx + 1);
        new Uint8Array(this.words.buffer, idx * FRAME_SIZE + off, n).set(data.subarray(done, done + n));
      } else {
        this.frameBytes(pfn, true)!.set(data.subarray(done, done + n), off);
      }
      done += n;
    }
  }

  private checkRam(pfn: number): void {
    if (pfn >= this.ramFrames) throw kerr('EFAULT', `physical address 0x${(BigInt(pfn) << 12n).toString(16)} is not RAM or MMIO`);
  }
}

/** Order of the largest naturally aligned buddy block that starts at `p` and ends by `end`. */
function blockOrder(p: number, end: number): number {
  let o = 0;
  while (o < MAX_ORDER && p % 2 ** (o + 1) === 0 && p + 2 ** (o + 1) <= end) o++;
  return o;
}
