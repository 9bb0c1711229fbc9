/**
 * memfd / anonymous memory objects: a sparse file of host frames, allocated in folios on first
 * touch. Folio order 0 = 4 KiB pages (shmem), 9 = 2 MiB (MFD_HUGETLB), 18 = 1 GiB
 * (MFD_HUGETLB | MFD_HUGE_1GB). Page→frame lookups use 512-entry Float64Array chunks so that
 * large files cost one Map entry per 2 MiB, not per page.
 *
 * Pins: a pinned frame stays allocated even when the file is truncated under it (the kernel's
 * page reference); it is freed when the last pin goes.
 */
import { kerr } from '../errno/index.js';
import type { PhysicalMemory } from './phys.js';

const CHUNK = 512;

export class MemFile {
  size = 0n;
  private readonly chunks = new Map<number, Float64Array>(); // chunk of 512 folios → base pfn+1 per folio (0 = absent)
  /** Folios detached from the file by truncation while pinned: base pfn → remaining page pins. */
  private readonly orphans = new Map<number, number>();
  private readonly folioPages: number;
  pagesPresent = 0;

  constructor(
    readonly mem: PhysicalMemory,
    readonly name: string,
    readonly folioOrder = 0,
    readonly anonymous = false,
  ) {
    this.folioPages = 2 ** folioOrder;
  }

  get folioBytes(): bigint {
    return BigInt(this.folioPages) << 12n;
  }

  get sizePages(): number {
    return Number((this.size + 4095n) >> 12n);
  }

  /** Frame of page `idx`, or -1 when absent and `allocate` is false. Throws ENOMEM when RAM is exhausted. */
  frameOf(idx: number, allocate: boolean): number {
    const fp = this.folioPages;
    const folio = fp === 1 ? idx : Math.floor(idx / fp);
    const c = Math.floor(folio / CHUNK);
    let chunk = this.chunks.get(c);
    const slot = folio - c * CHUNK;
    if (chunk) {
      const v = chunk[slot]!;
      if (v !== 0) return v - 1 + (idx - folio * fp);
    }
    if (!allocate) return -1;
    const base = this.mem.allocFrames(this.folioOrder);
    if (!chunk) this.chunks.set(c, (chunk = new Float64Array(CHUNK)));
    chunk[slot] = base + 1;
    this.pagesPresent += fp;
    return base + (idx - folio * fp);
  }

  /**
   * Contiguous run starting at page idx: returns the frame of idx (allocating when asked) and
   * writes into run.n how many following pages (≤ maxPages) are physically contiguous and present.
   */
  frameRun(idx: number, maxPages: number, allocate: boolean, run: { n: number }): number {
    const pfn = this.frameOf(idx, allocate);
    if (pfn < 0) {
      run.n = 0;
      return -1;
    }
    const fp = this.folioPages;
    let n = Math.min(fp - (idx % fp), maxPages);
    // following folios: one chunk lookup per 512 folios, stop at the first discontiguity
    let c = -1;
    let chunk: Float64Array | undefined;
    while (n < maxPages) {
      const folio = (idx + n) / fp;
      const fc = Math.floor(folio / CHUNK);
      if (fc !== c) {
        c = fc;
        chunk = this.chunks.get(fc);
        if (!chunk && allocate) this.chunks.set(fc, (chunk = new Float64Array(CHUNK)));
      }
      const slot = folio - fc * CHUNK;
      let base: number;
      const v = chunk ? chunk[slot]! : 0;
      if (v !== 0) base = v - 1;
      else {
        if (!allocate) break;
        base = this.mem.allocFrames(this.folioOrder);
        chunk![slot] = base + 1;
        this.pagesPresent += fp;
      }
      if (base !== pfn + n) break;
      n += Math.min(fp, maxPages - n);
    }
    run.n = n;
    return pfn;
  }

  truncate(newSize: bigint): void {
    const oldPages = this.sizePages;
    this.size = newSize;
    const keep = this.sizePages;
    if (keep >= oldPages) return;
    // Drop whole folios beyond the new size (a folio partly inside is kept). A pinned folio is
    // detached from the file but stays allocated until its last pin goes.
    const fp = this.folioPages;
    const firstDrop = Math.ceil(keep / fp) * fp;
    for (let f = firstDrop; f < oldPages; f += fp) {
      const base = this.frameOf(f, false);
      if (base < 0) continue;
      const folio = f / fp;
      const pins = this.folioPins(folio);
      const ch = this.chunks.get(Math.floor(folio / CHUNK));
      if (ch) ch[folio % CHUNK] = 0;
      this.pagesPresent -= fp;
      if (pins === 0) this.mem.freeFrames(base, this.folioOrder);
      else {
        this.orphans.set(base, pins);
        this.addFolioPins(folio, -pins);
      }
    }
  }

  private folioPins(folio: number): number {
    const ch = this.pinChunks.get(Math.floor(folio / CHUNK));
    return ch ? ch[folio % CHUNK]! : 0;
  }

  private addFolioPins(folio: number, delta: number): void {
    const c = Math.floor(folio / CHUNK);
    let ch = this.pinChunks.get(c);
    if (!ch) this.pinChunks.set(c, (ch = new Int32Array(CHUNK)));
    ch[folio - c * CHUNK] += delta;
    this.pinnedPageRefs += delta;
  }

  /** Pin pages [idx, idx+n) (they must be present). Pins are counted per folio. */
  pin(idx: number, n: number): void {
    const fp = this.folioPages;
    let i = idx;
    const end = idx + n;
    while (i < end) {
      const folio = Math.floor(i / fp);
      const stop = Math.min(end, (folio + 1) * fp);
      this.addFolioPins(folio, stop - i);
      i = stop;
    }
  }

  /**
   * Unpin [idx, idx+n), a physically contiguous run that began at frame `pfn` when it was pinned.
   * If the file no longer holds those frames (truncated), the orphaned folio's pins drop instead.
   */
  unpin(idx: number, n: number, pfn: number): void {
    const fp = this.folioPages;
    let i = idx;
    const end = idx + n;
    while (i < end) {
      const folio = Math.floor(i / fp);
      const stop = Math.min(end, (folio + 1) * fp);
      const recorded = pfn + (i - idx);
      const cur = this.frameOf(i, false);
      if (cur === recorded) this.addFolioPins(folio, -(stop - i));
      else {
        const base = recorded - (recorded % fp);
        const left = (this.orphans.get(base) ?? 0) - (stop - i);
        if (left < 0) throw new Error(`unpin of unpinned frame ${recorded} in ${this.name}`);
        this.pinnedPageRefs -= stop - i;
        this.orphanRefs(base, left);
      }
      i = stop;
    }
  }

  private orphanRefs(base: number, left: number): void {
    if (left === 0) {
      this.orphans.delete(base);
      this.mem.freeFrames(base, this.folioOrder);
    } else this.orphans.set(base, left);
  }

  /** Pin references on the folio holding page idx (tests: "pinned exactly once"). */
  pinCountOfFolio(idx: number): number {
    return this.folioPins(Math.floor(idx / this.folioPages));
  }

  /** Total page pin references held on this file's frames (including truncated, still-pinned ones). */
  pinnedPageRefs = 0;
  private readonly pinChunks = new Map<number, Int32Array>();

  /** Byte access through the file (Read/WriteMemory, DMA through a mapping). */
  read(offset: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const o = offset + BigInt(done);
      const idx = Number(o >> 12n);
      const inPage = Number(o & 0xfffn);
      const n = Math.min(length - done, 4096 - inPage);
      const pfn = this.frameOf(idx, false);
      if (pfn >= 0) {
        const f = this.mem.frameBytes(pfn, false);
        if (f) out.set(f.subarray(inPage, inPage + n), done);
      }
      done += n;
    }
    return out;
  }

  write(offset: bigint, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const o = offset + BigInt(done);
      const idx = Number(o >> 12n);
      const inPage = Number(o & 0xfffn);
      const n = Math.min(data.length - done, 4096 - inPage);
      const pfn = this.frameOf(idx, true);
      this.mem.frameBytes(pfn, true)!.set(data.subarray(done, done + n), inPage);
      done += n;
    }
  }

}

export function checkFileRange(file: MemFile, start: bigint, length: bigint): void {
  if (start + length > file.size) throw kerr('EINVAL', `range past the end of ${file.name}`);
}
