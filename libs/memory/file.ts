/**
 * memfd / anonymous memory objects: a sparse file of host frames, allocated in folios on first
 * touch. Folio order 0 = 4 KiB pages (shmem), 9 = 2 MiB (MFD_HUGETLB), 18 = 1 GiB
 * (MFD_HUGETLB | MFD_HUGE_1GB). Per-folio state lives in 512-entry typed-array chunks so that
 * large files cost one Map entry per 512 folios, and every walk (truncate, unpin, free) visits
 * only the chunks that exist: truncating an empty sparse file costs nothing, whatever its size.
 *
 * Lifetime: holders (mappings, the open memfd, IOAS pages objects) take references with get();
 * the last put() frees every frame. A pinned frame stays allocated even when the file is
 * truncated or released under it (the kernel's page reference); it is freed at its last unpin.
 *
 * Charging: a frame is charged to the memory cgroup given when it is faulted in (the task that
 * touches it) and stays charged to it until it is freed, as the kernel's memcg does. Hugetlb
 * folios are not charged to the memory cgroup (Linux charges them to the hugetlb controller, and
 * to memory.current only with the memory_hugetlb_accounting mount option).
 */
import { kerr } from '../errno/index.js';
import type { DeferredWork } from './deferred.js';
import type { FaultRecorder, FaultUndo, PhysicalMemory } from './phys.js';

const CHUNK = 512;
/** Offsets up to here are exact as Numbers (2^53 - 1). */
const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** Who pays for faulted-in frames: the memory cgroup of the faulting task (memory.max → ENOMEM). */
export interface MemCgroup {
  /** Charge `pages` 4 KiB pages; throws (ENOMEM) and charges nothing past the limit. */
  chargeMemory(pages: number): void;
  unchargeMemory(pages: number): void;
}

/** Per-folio state in chunks of 512 folios: one Map entry per chunk holding a folio. */
class FolioTable {
  /** base pfn + 1 per folio (0 = absent) */
  readonly frames = new Map<number, Float64Array>();
  /** page pin references per folio */
  readonly pins = new Map<number, Int32Array>();
  /** owner (index into MemFile.owners) per folio, only for chunks where one is not owners[0] */
  readonly owners = new Map<number, Uint16Array>();
  /** folios present */
  present = 0;
}

/** Frees collected in runs: contiguous frames of one owner go back in one call. */
class FreeBatch {
  pfn = 0;
  n = 0;
  owner = -1;
  constructor(private readonly file: MemFile) {}
  add(pfn: number, pages: number, owner: number): void {
    if (this.n > 0 && owner === this.owner && pfn === this.pfn + this.n) {
      this.n += pages;
      return;
    }
    this.flush();
    this.pfn = pfn;
    this.n = pages;
    this.owner = owner;
  }
  flush(): void {
    if (this.n === 0) return;
    this.file.release(this.pfn, this.n, this.owner);
    this.n = 0;
  }
}

export class MemFile {
  size = 0n;
  private readonly live = new FolioTable();
  /** Folios detached from the file (truncated or released) while pinned, until their last unpin. */
  private readonly detached: FolioTable[] = [];
  /** The cgroups charged for this file's frames (per-folio owner indexes point here). */
  private readonly owners: MemCgroup[] = [];
  private readonly folioPages: number;
  private holders = 0;
  /** Whether faulted-in folios are charged to the memory cgroup (not hugetlb). */
  private readonly memcgCharged: boolean;
  pagesPresent = 0;
  /** Total page pin references held on this file's frames (including detached, still-pinned ones). */
  pinnedPageRefs = 0;
  /** Frees/unpins of this file submitted to the host's deferred queue and not finished yet. */
  private queued = 0;

  constructor(
    readonly mem: PhysicalMemory,
    readonly name: string,
    readonly folioOrder = 0,
    readonly anonymous = false,
  ) {
    this.folioPages = 2 ** folioOrder;
    this.memcgCharged = folioOrder === 0;
  }

  get folioBytes(): bigint {
    return BigInt(this.folioPages) << 12n;
  }

  get sizePages(): number {
    return Number((this.size + 4095n) >> 12n);
  }

  /** Take a reference (a mapping, the open memfd, an IOAS pages object). */
  get(): void {
    this.holders++;
  }

  /** Drop a reference; the last one frees every unpinned frame (pinned ones at their last unpin). */
  put(): void {
    this.holders--;
    if (this.holders === 0) this.truncate(0n);
  }

  /** Folios still pinned after being truncated or released (tests, Inspect). */
  get detachedFolios(): number {
    this.settle();
    let n = 0;
    for (const t of this.detached) n += t.present;
    return n;
  }

  /**
   * Frame of page `idx`. When absent: -1 if `cg` is null, else a new folio charged to `cg`.
   * Throws ENOMEM when RAM is exhausted or `cg` is at memory.max.
   */
  frameOf(idx: number, cg: MemCgroup | null): number {
    if (this.queued !== 0) this.settle();
    const fp = this.folioPages;
    const folio = fp === 1 ? idx : Math.floor(idx / fp);
    const c = Math.floor(folio / CHUNK);
    const chunk = this.live.frames.get(c);
    if (chunk) {
      const v = chunk[folio - c * CHUNK]!;
      if (v !== 0) return v - 1 + (idx - folio * fp);
    }
    if (!cg) return -1;
    return this.allocFolios(folio, 1, cg) + (idx - folio * fp);
  }

  /**
   * Contiguous run starting at page idx: returns the frame of idx and writes into run.n how many
   * following pages (≤ maxPages) are physically contiguous and present. With a cgroup, absent
   * pages of [idx, idx+maxPages) are faulted in first, a stretch at a time (one allocator call
   * per contiguous block), so fresh memory comes back as few long runs.
   */
  frameRun(idx: number, maxPages: number, cg: MemCgroup | null, run: { n: number }): number {
    if (this.queued !== 0) this.settle();
    const fp = this.folioPages;
    const folio0 = fp === 1 ? idx : Math.floor(idx / fp);
    let pfn = this.frameOf(idx, null);
    if (pfn < 0) {
      if (!cg) {
        run.n = 0;
        return -1;
      }
      pfn = this.allocFolios(folio0, this.absentFolios(folio0, Math.ceil(((idx % fp) + maxPages) / fp)), cg) + (idx - folio0 * fp);
    }
    let n = Math.min(fp - (idx % fp), maxPages);
    let c = -1;
    let chunk: Float64Array | undefined;
    while (n < maxPages) {
      const folio = (idx + n) / fp;
      const fc = Math.floor(folio / CHUNK);
      if (fc !== c) {
        c = fc;
        chunk = this.live.frames.get(fc);
      }
      const slot = folio - fc * CHUNK;
      let v = chunk ? chunk[slot]! : 0;
      if (v === 0) {
        if (!cg) break;
        this.allocFolios(folio, this.absentFolios(folio, Math.ceil((maxPages - n) / fp)), cg);
        chunk = this.live.frames.get(fc);
        v = chunk![slot]!;
      }
      if (v - 1 !== pfn + n) break;
      n += Math.min(fp, maxPages - n);
      if (fp === 1) {
        // the rest of this chunk, in one tight loop
        let s = slot + 1;
        while (s < CHUNK && n < maxPages && chunk![s] === pfn + n + 1) s++, n++;
      }
    }
    run.n = n;
    return pfn;
  }

  /** How many folios from `folio` on (at most `max`) are absent. */
  private absentFolios(folio: number, max: number): number {
    let n = 0;
    while (n < max) {
      const f = folio + n;
      const c = Math.floor(f / CHUNK);
      const chunk = this.live.frames.get(c);
      let slot = f - c * CHUNK;
      if (!chunk) {
        n += Math.min(CHUNK - slot, max - n);
        continue;
      }
      while (slot < CHUNK && n < max && chunk[slot] === 0) {
        slot++;
        n++;
      }
      if (slot < CHUNK && n < max) break;
    }
    return n;
  }

  /**
   * Fault in `count` absent folios from `folio` on, charged to `cg` first (a failed charge
   * changes nothing). Returns the base pfn of the first. Recorded in the running fault log.
   */
  private allocFolios(folio: number, count: number, cg: MemCgroup): number {
    const fp = this.folioPages;
    let oi = this.owners.indexOf(cg);
    const charge = this.memcgCharged ? count * fp : 0;
    if (charge > 0) cg.chargeMemory(charge);
    if (oi < 0) oi = this.owners.push(cg) - 1;
    let done = 0;
    let first = -1;
    const out = { n: 0 };
    try {
      while (done < count) {
        let base: number;
        let m: number;
        if (fp === 1) {
          base = this.mem.allocRun(count - done, out);
          m = out.n;
        } else {
          base = this.mem.allocFrames(this.folioOrder);
          m = 1;
        }
        this.fill(folio + done, m, base, oi);
        this.mem.faultLog?.record(this, folio + done, m);
        if (first < 0) first = base;
        done += m;
      }
    } catch (e) {
      if (charge > 0) cg.unchargeMemory((count - done) * fp);
      throw e;
    }
    return first;
  }

  /** Install `m` folios from `folio` on, backed by frames from `base` on, owned by owner `oi`. */
  private fill(folio: number, m: number, base: number, oi: number): void {
    const fp = this.folioPages;
    const t = this.live;
    let k = 0;
    while (k < m) {
      const f = folio + k;
      const c = Math.floor(f / CHUNK);
      let chunk = t.frames.get(c);
      if (!chunk) t.frames.set(c, (chunk = new Float64Array(CHUNK)));
      const s0 = f - c * CHUNK;
      const s1 = Math.min(CHUNK, s0 + (m - k));
      let own = t.owners.get(c);
      if (!own && oi !== 0) t.owners.set(c, (own = new Uint16Array(CHUNK)));
      for (let s = s0; s < s1; s++) chunk[s] = base + (k + s - s0) * fp + 1;
      own?.fill(oi, s0, s1);
      k += s1 - s0;
    }
    t.present += m;
    this.pagesPresent += m * fp;
  }

  /**
   * Per-page state is about to be read or changed outside the deferred queue: finish every
   * queued work first (in order), so nothing reads a half-done free or unpin.
   */
  private settle(): void {
    if (this.queued !== 0) this.mem.deferred?.drainNow();
  }

  /** Run a free/unpin of about `cost` chunk visits now or on the host's deferred queue (in order). */
  private submit(cost: number, step: (deadline: number) => boolean): void {
    const q = this.mem.deferred;
    if (!q) {
      while (!step(Infinity));
      return;
    }
    this.queued++;
    const work: DeferredWork = {
      step: (deadline) => {
        if (!step(deadline)) return false;
        this.queued--;
        return true;
      },
    };
    q.submit(cost, work);
  }

  truncate(newSize: bigint): void {
    const oldPages = this.sizePages;
    this.size = newSize;
    const keep = this.sizePages;
    if (keep >= oldPages) return;
    // Drop whole folios beyond the new size (a folio partly inside is kept).
    this.dropFolios(Math.ceil(keep / this.folioPages), Infinity, false);
  }

  /**
   * Free the pages [first, first+n) (munmap of part of an anonymous mapping: the kernel zaps
   * them). Whole folios only; pinned ones are detached and freed at their last unpin.
   */
  punch(first: number, n: number): void {
    const fp = this.folioPages;
    const f0 = Math.ceil(first / fp);
    const f1 = Math.floor((first + n) / fp);
    if (f1 > f0) this.dropFolios(f0, f1, false);
  }

  /** Undo faults of a failed operation: free the folios [folio, folio+n) it allocated. */
  undoFaults(folio: number, n: number): void {
    this.dropFolios(folio, folio + n, true);
  }

  /**
   * Remove the folios [first, end) from the file. Unpinned ones are freed; pinned ones are
   * detached (or, with `onlyUnpinned`, kept). Visits only the chunks that exist; a whole chunk
   * with pinned folios is detached as it is (no per-folio copy). Large drops run on the host's
   * deferred queue, a slice of chunks at a time.
   */
  private dropFolios(first: number, end: number, onlyUnpinned: boolean): void {
    const t = this.live;
    const c0 = Math.floor(first / CHUNK);
    const c1 = end === Infinity ? Infinity : Math.ceil(end / CHUNK);
    if (t.frames.size === 0 || c1 <= c0) return;
    const batch = new FreeBatch(this);
    // the chunks to visit are listed when the work starts (after the works queued before it)
    let keys: number[] | undefined;
    let i = 0;
    this.submit(Math.min(c1 - c0, t.frames.size), (deadline) => {
      if (!keys) {
        keys = [];
        if (c1 - c0 <= t.frames.size) {
          for (let c = c0; c < c1; c++) if (t.frames.has(c)) keys.push(c);
        } else {
          let sorted = true;
          for (const c of t.frames.keys()) {
            if (c < c0 || c >= c1) continue;
            if (keys.length > 0 && c < keys[keys.length - 1]!) sorted = false;
            keys.push(c);
          }
          // ascending, so frees come in physical runs and in the same order every time
          if (!sorted) keys.sort((a, b) => a - b);
        }
      }
      const timed = deadline !== Infinity;
      while (i < keys.length) {
        this.dropChunk(keys[i++]!, first, end, onlyUnpinned, batch);
        if (timed && (i & 15) === 0 && performance.now() >= deadline && i < keys.length) {
          batch.flush();
          return false;
        }
      }
      batch.flush();
      return true;
    });
  }

  /** dropFolios for one chunk: frees go into `batch` as runs of contiguous frames of one owner. */
  private dropChunk(c: number, first: number, end: number, onlyUnpinned: boolean, batch: FreeBatch): void {
    const t = this.live;
    const fr = t.frames.get(c);
    if (!fr) return;
    const pins = t.pins.get(c);
    const own = t.owners.get(c);
    const fp = this.folioPages;
    const s0 = Math.max(first - c * CHUNK, 0);
    const s1 = end === Infinity ? CHUNK : Math.min(end - c * CHUNK, CHUNK);
    const whole = s0 === 0 && s1 === CHUNK;
    let pinned = 0;
    let dropped = 0;
    // the pending free run, kept in locals for the tight loop
    let rp = batch.pfn;
    let rn = batch.n;
    let ro = batch.owner;
    for (let s = s0; s < s1; s++) {
      const v = fr[s]!;
      if (v === 0) continue;
      if (pins !== undefined && pins[s] !== 0) {
        if (onlyUnpinned || whole) pinned++;
        else {
          this.detach(c, s, v - 1, pins[s]!, own ? own[s]! : 0);
          fr[s] = 0;
          pins[s] = 0;
          t.present--;
          this.pagesPresent -= fp;
        }
        continue;
      }
      const oi = own === undefined ? 0 : own[s]!;
      if (rn !== 0 && v - 1 === rp + rn && oi === ro) rn += fp;
      else {
        if (rn !== 0) this.release(rp, rn, ro);
        rp = v - 1;
        rn = fp;
        ro = oi;
      }
      dropped++;
      // a whole chunk is deleted below (or its zeroing done there): no per-slot store
      if (!whole) fr[s] = 0;
    }
    batch.pfn = rp;
    batch.n = rn;
    batch.owner = ro;
    t.present -= dropped;
    this.pagesPresent -= dropped * fp;
    if (!whole) return;
    if (pinned > 0) {
      // the unpinned folios of a chunk that stays (live, or detached) read as absent
      for (let s = 0; s < CHUNK; s++) if (pins![s] === 0) fr[s] = 0;
      if (onlyUnpinned) return;
      // the chunk's pinned folios keep their frames, pins and owners in a detached table
      let d = this.detached.find((x) => !x.frames.has(c));
      if (!d) this.detached.push((d = new FolioTable()));
      d.frames.set(c, fr);
      d.pins.set(c, pins!);
      if (own) d.owners.set(c, own);
      d.present += pinned;
      t.present -= pinned;
      this.pagesPresent -= pinned * fp;
    }
    t.frames.delete(c);
    t.pins.delete(c);
    t.owners.delete(c);
  }

  private detach(c: number, slot: number, base: number, pins: number, oi: number): void {
    let t = this.detached.find((d) => !(d.frames.get(c)?.[slot]));
    if (!t) this.detached.push((t = new FolioTable()));
    let fr = t.frames.get(c);
    if (!fr) t.frames.set(c, (fr = new Float64Array(CHUNK)));
    let pc = t.pins.get(c);
    if (!pc) t.pins.set(c, (pc = new Int32Array(CHUNK)));
    fr[slot] = base + 1;
    pc[slot] = pins;
    let own = t.owners.get(c);
    if (!own && oi !== 0) t.owners.set(c, (own = new Uint16Array(CHUNK)));
    if (own) own[slot] = oi;
    t.present++;
  }

  /** Give `pages` frames from `pfn` back to RAM and uncharge their owner (FreeBatch). */
  release(pfn: number, pages: number, owner: number): void {
    this.mem.freeRun(pfn, pages);
    if (this.memcgCharged) this.owners[owner]!.unchargeMemory(pages);
  }

  /** Pin pages [idx, idx+n) (they must be present). Pins are counted per folio. */
  pin(idx: number, n: number): void {
    if (this.queued !== 0) this.settle();
    const fp = this.folioPages;
    const t = this.live;
    const end = idx + n;
    const fLast = Math.floor((end - 1) / fp);
    let f = Math.floor(idx / fp);
    while (f <= fLast) {
      const c = Math.floor(f / CHUNK);
      let ch = t.pins.get(c);
      let fresh = false;
      if (!ch) {
        t.pins.set(c, (ch = new Int32Array(CHUNK)));
        fresh = true;
      }
      const s0 = f - c * CHUNK;
      const s1 = Math.min(CHUNK, fLast - c * CHUNK + 1);
      if (fp === 1) {
        if (fresh) ch.fill(1, s0, s1);
        else for (let s = s0; s < s1; s++) ch[s]++;
      } else {
        for (let s = s0; s < s1; s++) {
          const fs = (c * CHUNK + s) * fp;
          ch[s] += Math.min(end, fs + fp) - Math.max(idx, fs);
        }
      }
      f = c * CHUNK + s1;
    }
    this.pinnedPageRefs += n;
  }

  /**
   * Unpin [idx, idx+n), a physically contiguous run that began at frame `pfn` when it was pinned.
   * Where the file no longer holds those frames (truncated, released), the detached folio's pins
   * drop instead, and it is freed at its last unpin. One pass over the chunks touched.
   */
  unpin(idx: number, n: number, pfn: number): void {
    const fp = this.folioPages;
    const t = this.live;
    const end = idx + n;
    const batch = new FreeBatch(this);
    const fLast = Math.floor((end - 1) / fp);
    let f = Math.floor(idx / fp);
    const chunks = Math.floor(fLast / CHUNK) - Math.floor(f / CHUNK) + 1;
    this.submit(chunks, (deadline) => {
      const timed = deadline !== Infinity;
      let k = 0;
      while (f <= fLast) {
        if (timed && (++k & 15) === 0 && performance.now() >= deadline) {
          batch.flush();
          return false;
        }
        const c = Math.floor(f / CHUNK);
        const s0 = f - c * CHUNK;
        const s1 = Math.min(CHUNK, fLast - c * CHUNK + 1);
        const fr = t.frames.get(c);
        const pins = t.pins.get(c);
        let zeroed = 0;
        let s = s0;
        while (s < s1) {
          const from = s;
          if (fp === 1) {
            // fast paths for 4 KiB folios: frame of slot s is off + s (+1 stored) while the run holds
            const off = pfn - idx + 1 + c * CHUNK;
            if (fr && pins) {
              while (s < s1 && fr[s] === off + s && pins[s]! > 0) {
                if (--pins[s]! === 0) zeroed++;
                s++;
              }
            }
            for (const d of this.detached) {
              if (s >= s1) break;
              const dfr = d.frames.get(c);
              const dp = d.pins.get(c);
              if (!dfr || !dp || dfr[s] !== off + s) continue;
              const own = d.owners.get(c);
              // the pending free run in locals for the tight loop
              let rp = batch.pfn;
              let rn = batch.n;
              let ro = batch.owner;
              let freed = 0;
              while (s < s1 && dfr[s] === off + s && dp[s]! > 0) {
                if (--dp[s]! === 0) {
                  dfr[s] = 0;
                  freed++;
                  const oi = own === undefined ? 0 : own[s]!;
                  const p = off + s - 1;
                  if (rn !== 0 && p === rp + rn && oi === ro) rn++;
                  else {
                    if (rn !== 0) this.release(rp, rn, ro);
                    rp = p;
                    rn = 1;
                    ro = oi;
                  }
                }
                s++;
              }
              d.present -= freed;
              batch.pfn = rp;
              batch.n = rn;
              batch.owner = ro;
            }
            if (s > from) continue;
          }
          const fs = (c * CHUNK + s) * fp;
          const a = Math.max(idx, fs);
          const cnt = Math.min(end, fs + fp) - a;
          const rec = pfn + (a - idx);
          const base = rec - (rec % fp);
          if (fr && pins && fr[s] === base + 1 && pins[s]! >= cnt) pins[s] -= cnt;
          else this.unpinDetached(c, s, base, cnt, batch);
          s++;
        }
        // a live chunk whose every pin is gone drops its pin counts (the next pin starts afresh)
        if (zeroed === CHUNK) t.pins.delete(c);
        f = c * CHUNK + s1;
      }
      this.pinnedPageRefs -= n;
      batch.flush();
      if (this.detached.some((d) => d.present === 0)) {
        const keep = this.detached.filter((d) => d.present > 0);
        this.detached.length = 0;
        this.detached.push(...keep);
      }
      return true;
    });
  }

  private unpinDetached(c: number, slot: number, base: number, pages: number, batch: FreeBatch): void {
    for (const t of this.detached) {
      const fr = t.frames.get(c);
      if (!fr || fr[slot] !== base + 1) continue;
      const pc = t.pins.get(c)!;
      const left = pc[slot]! - pages;
      if (left < 0) break;
      pc[slot] = left;
      if (left === 0) {
        const own = t.owners.get(c);
        batch.add(base, this.folioPages, own ? own[slot]! : 0);
        fr[slot] = 0;
        t.present--;
      }
      return;
    }
    throw new Error(`unpin of unpinned frame ${base} in ${this.name}`);
  }

  /** Pin references on the folio holding page idx (tests: "pinned exactly once"). */
  pinCountOfFolio(idx: number): number {
    this.settle();
    const folio = Math.floor(idx / this.folioPages);
    const c = Math.floor(folio / CHUNK);
    const ch = this.live.pins.get(c);
    return ch ? ch[folio - c * CHUNK]! : 0;
  }

  /** Byte access through the file (Read/WriteMemory, DMA through a mapping). */
  read(offset: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(offset, out, 0, out.length);
    return out;
  }

  /**
   * read() into `out[outOffset, outOffset+length)`, without allocating: absent pages (and frames
   * never written) read as zero, written as zeros into `out` (which need not be fresh).
   */
  readInto(offset: bigint, out: Uint8Array, outOffset: number, length: number): void {
    this.settle();
    if (!(outOffset >= 0 && length >= 0 && outOffset + length <= out.length)) {
      throw new RangeError(`readInto of ${length} bytes at ${outOffset} past the end of a ${out.length}-byte buffer`);
    }
    pagePieces(offset, length, (idx, inPage, n, done) => this.copyOut(idx, inPage, n, out, outOffset + done));
  }

  /** Copy bytes [inPage, inPage+n) of page idx into out at `at` (zeros when absent or untouched). */
  private copyOut(idx: number, inPage: number, n: number, out: Uint8Array, at: number): void {
    const pfn = this.frameOf(idx, null);
    const f = pfn >= 0 ? this.mem.frameBytes(pfn, false) : undefined;
    if (!f) out.fill(0, at, at + n);
    else if (n === 4096) out.set(f, at);
    else out.set(f.subarray(inPage, inPage + n), at);
  }

  /** Write through the file, faulting absent pages in (charged to `cg`). */
  write(offset: bigint, data: Uint8Array, cg: MemCgroup): void {
    this.settle();
    pagePieces(offset, data.length, (idx, inPage, n, done) => {
      this.mem.frameBytes(this.frameOf(idx, cg), true)!.set(n === data.length ? data : data.subarray(done, done + n), inPage);
    });
  }
}

/**
 * `fn(idx, inPage, n, done)` for each page piece of [offset, offset+length), in order: page
 * index, offset in the page, bytes, bytes before it. Below 2^53 every offset is an exact Number
 * and no BigInt work is done per page.
 */
function pagePieces(offset: bigint, length: number, fn: (idx: number, inPage: number, n: number, done: number) => void): void {
  let done = 0;
  if (offset >= 0n && offset <= MAX_SAFE_OFFSET - BigInt(length)) {
    const o = Number(offset);
    let idx = Math.floor(o / 4096);
    let inPage = o - idx * 4096;
    while (done < length) {
      const n = Math.min(length - done, 4096 - inPage);
      fn(idx, inPage, n, done);
      done += n;
      idx++;
      inPage = 0;
    }
    return;
  }
  while (done < length) {
    const o = offset + BigInt(done);
    const inPage = Number(o & 0xfffn);
    const n = Math.min(length - done, 4096 - inPage);
    fn(Number(o >> 12n), inPage, n, done);
    done += n;
  }
}

/** Folios faulted in by the running atomic operation, to free again if it fails. */
export class FaultLog implements FaultRecorder {
  private readonly entries: Array<{ file: FaultUndo; folio: number; n: number }> = [];
  record(file: FaultUndo, folio: number, n: number): void {
    const last = this.entries[this.entries.length - 1];
    if (last && last.file === file && last.folio + last.n === folio) last.n += n;
    else this.entries.push({ file, folio, n });
  }
  undo(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      e.file.undoFaults(e.folio, e.n);
    }
  }
}

/**
 * Run `fn` as one atomic operation on memory: if it throws, every folio it faulted in (in any
 * file) is freed and uncharged again, so a failed operation leaves nothing allocated. Nested
 * calls join the outermost one.
 */
export function withFaultRollback<T>(mem: PhysicalMemory, fn: () => T): T {
  if (mem.faultLog) return fn();
  const log = new FaultLog();
  mem.faultLog = log;
  try {
    return fn();
  } catch (e) {
    mem.faultLog = undefined;
    log.undo();
    throw e;
  } finally {
    mem.faultLog = undefined;
  }
}

export function checkFileRange(file: MemFile, start: bigint, length: bigint): void {
  if (start + length > file.size) throw kerr('EINVAL', `range past the end of ${file.name}`);
}
