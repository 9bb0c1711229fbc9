/**
 * A process address space: VMAs backed by memfd files, anonymous memory, or device MMIO
 * (VM_PFNMAP). Private file mappings copy-on-write into an anonymous overlay; a read-only
 * long-term pin unshares (copies) the page first, so the pinned frame stays the process's frame
 * when it later writes the page (the ro_unshare rule).
 */
import { kerr } from '#libs/errno/index.js';
import { MemFile, withFaultRollback, type MemCgroup } from '#libs/memory/file.js';
import type { PhysicalMemory } from '#libs/memory/phys.js';
import { U64_MAX } from '#libs/u64/index.js';
import type { OpenFile } from './files.js';

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
const KNOWN_MAP_FLAGS = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS;
/** Share and validate the other flags (since 4.15). A mapping made with it is MAP_SHARED. */
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_TYPE = 0x0f;
/**
 * LEGACY_MAP_MASK (include/linux/mman.h, x86-64): the flags every file mapping accepts. With
 * MAP_SHARED the others are dropped silently; with MAP_SHARED_VALIDATE they are EOPNOTSUPP
 * (memfds and VFIO regions add none: no MAP_SYNC). MAP_SHARED, MAP_PRIVATE, MAP_FIXED,
 * MAP_ANONYMOUS, MAP_32BIT, MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED,
 * MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK, MAP_STACK, MAP_HUGETLB, MAP_UNINITIALIZED and the
 * MAP_HUGE_2MB / MAP_HUGE_1GB encodings.
 */
export const LEGACY_MAP_MASK =
  MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | 0x40 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x4000000 | (21 << 26) | (30 << 26);
/** file_mmap_size_max: where a regular file's (memfd's) offsets end (MAX_LFS_FILESIZE). */
export const MAX_LFS_FILESIZE = (1n << 63n) - 1n;

/** The end of `file` rounded up to a page: a page from there on is past its end (SIGBUS). */
function filePageEnd(file: MemFile): bigint {
  return ((file.size + 4095n) / 4096n) * 4096n;
}

/** Top of the mmap area (x86-64 user space is below 2^47). */
const MMAP_TOP = 0x7fff_0000_0000n;
const TASK_SIZE = 1n << 47n;

/** Device MMIO reachable through a mapping of a VFIO device fd region. */
export interface MmioBacking {
  /** Physical address of the start of the mapped region window. */
  physBase: bigint;
  read(offset: bigint, length: number): Uint8Array;
  write(offset: bigint, data: Uint8Array): void;
  describe: string;
  /** The mapping holds the device file. */
  holder: OpenFile;
}

export interface Vma {
  start: bigint;
  end: bigint; // exclusive
  prot: number;
  flags: number;
  /** File-backed (memfd) or anonymous memory. */
  file?: MemFile;
  /** The open file the mapping holds (memfd), if any. */
  holder?: OpenFile;
  fileOffset: bigint;
  /** COW overlay for MAP_PRIVATE file mappings (page index in the mapping → copied page). */
  overlay?: MemFile;
  /** Virtual address that overlay page 0 corresponds to (kept across VMA splits). */
  overlayBase?: bigint;
  mmio?: MmioBacking;
}

/** Where a virtual page lives. */
export interface PageRef {
  file: MemFile;
  pageIndex: number;
}

/**
 * mmap's argument checks that depend on the mapping's kind, in do_mmap's order: length (0 →
 * EINVAL, beyond the address space → ENOMEM, MAP_FIXED address → EINVAL / ENOMEM), then for a
 * file whose offsets end at `maxSize` the offset range (file_mmap_ok → EOVERFLOW), then the map
 * type (MAP_SHARED drops non-legacy flags, MAP_SHARED_VALIDATE refuses them with EOPNOTSUPP, an
 * anonymous mapping knows only MAP_SHARED and MAP_PRIVATE, anything else → EINVAL). `maxSize`
 * undefined is an anonymous mapping. The offset's page alignment is checked before the fd
 * (sys_mmap), by the caller. Returns the flags the mapping keeps: MAP_SHARED_VALIDATE becomes
 * MAP_SHARED.
 */
export function mmapFlags(a: { addr: bigint; length: bigint; flags: number; offset: bigint }, maxSize: bigint | undefined): number {
  if (a.length === 0n) throw kerr('EINVAL', 'mmap length 0');
  const len = ((a.length + 4095n) / 4096n) * 4096n;
  if (len > TASK_SIZE) throw kerr('ENOMEM', 'mmap length exceeds the address space');
  if (a.flags & MAP_FIXED) {
    if (a.addr % 4096n !== 0n) throw kerr('EINVAL', 'MAP_FIXED address not page aligned');
    if (a.addr + len > TASK_SIZE) throw kerr('ENOMEM', 'MAP_FIXED range beyond the address space');
  }
  let flags = a.flags;
  const type = flags & MAP_TYPE;
  if (maxSize === undefined) {
    if (type !== MAP_SHARED && type !== MAP_PRIVATE) throw kerr('EINVAL', `map type 0x${type.toString(16)} is not MAP_SHARED or MAP_PRIVATE for anonymous memory`);
    return flags;
  }
  if (len > maxSize || a.offset >> 12n > (maxSize - len) >> 12n) {
    throw kerr('EOVERFLOW', `offset 0x${a.offset.toString(16)} + length 0x${len.toString(16)} passes the file's largest offset 0x${maxSize.toString(16)}`);
  }
  if (type === MAP_SHARED) flags &= LEGACY_MAP_MASK;
  else if (type === MAP_SHARED_VALIDATE) {
    if (flags & ~LEGACY_MAP_MASK) throw kerr('EOPNOTSUPP', `MAP_SHARED_VALIDATE with flags 0x${(flags & ~LEGACY_MAP_MASK).toString(16)} this file does not support`);
    flags = (flags & ~MAP_TYPE) | MAP_SHARED;
  } else if (type !== MAP_PRIVATE) throw kerr('EINVAL', `unknown map type 0x${type.toString(16)}`);
  return flags;
}

export class AddressSpace {
  readonly vmas: Vma[] = []; // sorted by start, non-overlapping
  private anonSeq = 0;

  constructor(
    readonly mem: PhysicalMemory,
    /** The memory cgroup charged for the pages this address space faults in (its owner's). */
    readonly cgroup: MemCgroup,
  ) {}

  find(va: bigint): Vma | undefined {
    let lo = 0;
    let hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid]!;
      if (va < v.start) hi = mid - 1;
      else if (va >= v.end) lo = mid + 1;
      else return v;
    }
    return undefined;
  }

  mmap(args: {
    addr: bigint;
    length: bigint;
    prot: number;
    flags: number;
    file?: MemFile;
    holder?: OpenFile;
    offset: bigint;
    mmio?: MmioBacking;
    alignment?: bigint;
  }): bigint {
    const { addr, prot, flags } = args;
    if (args.length === 0n) throw kerr('EINVAL', 'mmap length 0');
    if (flags & ~KNOWN_MAP_FLAGS) throw kerr('EINVAL', `unknown mmap flags 0x${(flags & ~KNOWN_MAP_FLAGS).toString(16)}`);
    const shared = (flags & MAP_SHARED) !== 0;
    const priv = (flags & MAP_PRIVATE) !== 0;
    if (shared === priv) throw kerr('EINVAL', 'exactly one of MAP_SHARED or MAP_PRIVATE');
    if (args.offset % 4096n !== 0n) throw kerr('EINVAL', 'mmap offset not page aligned');
    const align = args.alignment && args.alignment > 4096n ? args.alignment : 4096n;
    const length = ((args.length + 4095n) / 4096n) * 4096n;
    if (length > TASK_SIZE) throw kerr('ENOMEM', 'mmap length exceeds the address space');
    let start: bigint;
    if (flags & MAP_FIXED) {
      if (addr % 4096n !== 0n) throw kerr('EINVAL', 'MAP_FIXED address not page aligned');
      if (addr + length > TASK_SIZE) throw kerr('ENOMEM', 'MAP_FIXED range beyond the address space');
      if (args.file && args.file.folioOrder > 0 && addr % align !== 0n) throw kerr('EINVAL', 'hugetlb mapping not aligned to the huge page size');
      start = addr;
    } else {
      const hint = addr !== 0n && addr % align === 0n && addr + length <= TASK_SIZE && this.isFree(addr, addr + length) ? addr : undefined;
      start = hint ?? this.findFree(length, align);
    }
    if (args.file && args.file.folioOrder > 0 && length % align !== 0n) {
      throw kerr('EINVAL', 'hugetlb mapping length not a multiple of the huge page size');
    }
    let file = args.file;
    if (!file && !args.mmio) {
      file = new MemFile(this.mem, `anon:${++this.anonSeq}`, 0, true);
      file.truncate(args.offset + length);
    }
    if (flags & MAP_FIXED) this.munmap(start, length);
    const vma: Vma = {
      start,
      end: start + length,
      prot,
      flags,
      fileOffset: args.offset,
      ...(file ? { file } : {}),
      ...(args.holder ? { holder: args.holder } : {}),
      ...(args.mmio ? { mmio: args.mmio } : {}),
    };
    if (priv && args.file) {
      vma.overlay = new MemFile(this.mem, `cow:${++this.anonSeq}`, 0, true);
      vma.overlay.truncate(length);
      vma.overlayBase = start;
    }
    // the mapping holds its memory object (and its COW overlay) and the open file behind it
    this.insert(this.hold(vma));
    return start;
  }

  private insert(vma: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i]!.start < vma.start) i++;
    this.vmas.splice(i, 0, vma);
  }

  private isFree(start: bigint, end: bigint): boolean {
    for (const v of this.vmas) if (v.start < end && start < v.end) return false;
    return true;
  }

  /** Top-down search below MMAP_TOP, like the kernel's default mmap layout. */
  private findFree(length: bigint, align: bigint): bigint {
    let ceiling = MMAP_TOP;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const floor = i >= 0 ? this.vmas[i]!.end : 0x10000n;
      if (i >= 0 && this.vmas[i]!.start >= ceiling) continue;
      let cand = ceiling - length;
      cand -= cand % align;
      if (cand >= floor && cand + length <= ceiling) return cand;
      if (i >= 0) ceiling = this.vmas[i]!.start < ceiling ? this.vmas[i]!.start : ceiling;
    }
    throw kerr('ENOMEM', 'no free virtual address range');
  }

  munmap(addr: bigint, length: bigint): void {
    if (addr % 4096n !== 0n) throw kerr('EINVAL', 'munmap address not page aligned');
    if (length === 0n) throw kerr('EINVAL', 'munmap length 0');
    const len = ((length + 4095n) / 4096n) * 4096n;
    if (addr + len > U64_MAX) throw kerr('EINVAL', 'munmap range overflows');
    const end = addr + len;
    // check first (a failing munmap changes nothing), then split and release
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= end || !v.file || v.file.folioOrder === 0) continue;
      const fb = v.file.folioBytes;
      if ((addr > v.start && (addr - v.start) % fb !== 0n) || (end < v.end && (end - v.start) % fb !== 0n)) {
        throw kerr('EINVAL', 'munmap splits a huge page');
      }
    }
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= end) {
        out.push(v);
        continue;
      }
      // The split halves share the file and the overlay (overlay pages are indexed from overlayBase).
      if (v.start < addr) out.push(this.hold({ ...v, end: addr }));
      if (v.end > end) out.push(this.hold({ ...v, start: end, fileOffset: v.fileOffset + (end - v.start) }));
      this.releaseVma(v, v.start > addr ? v.start : addr, v.end < end ? v.end : end);
    }
    this.vmas.length = 0;
    this.vmas.push(...out);
  }

  /** A new VMA (a mapping, a split half) takes its own references on what the mapping holds. */
  private hold(v: Vma): Vma {
    v.file?.get();
    v.overlay?.get();
    v.holder?.get();
    v.mmio?.holder.get();
    return v;
  }

  /**
   * Unmap [start, end) of `v` and drop its references. Anonymous pages and private (COW) copies
   * in the range are freed at once, as the kernel zaps them (pinned ones stay until their last
   * unpin); a file's own pages live as long as the file.
   */
  private releaseVma(v: Vma, start: bigint, end: bigint): void {
    const pages = Number((end - start) >> 12n);
    if (v.file?.anonymous) v.file.punch(Number((v.fileOffset + (start - v.start)) >> 12n), pages);
    if (v.overlay) v.overlay.punch(Number((start - v.overlayBase!) >> 12n), pages);
    v.file?.put();
    v.overlay?.put();
    v.holder?.put();
    v.mmio?.holder.put();
  }

  /** Tear down every mapping (process exit). */
  clear(): void {
    for (const v of this.vmas) this.releaseVma(v, v.start, v.end);
    this.vmas.length = 0;
  }

  /**
   * Resolve a virtual page for access. `write` breaks COW on private mappings; so does `unshare`
   * (a read-only long-term pin, FOLL_PIN|FOLL_LONGTERM without FOLL_WRITE: gup_must_unshare()
   * breaks COW of a private file page early, so the pinned frame is the one the process keeps
   * using when it later writes the page). Throws EFAULT when the address is not mapped or the
   * access is not permitted. Returns undefined for MMIO pages.
   */
  pageFor(va: bigint, write: boolean, needProt = true, unshare = false): { page?: PageRef; vma: Vma } {
    return this.pageIn(this.vmaFor(va, write, needProt), va, write, unshare);
  }

  /** The VMA holding `va`, checked for the access (pageFor's first half): EFAULT when not. */
  private vmaFor(va: bigint, write: boolean, needProt: boolean): Vma {
    const v = this.find(va);
    if (!v) throw kerr('EFAULT', `address 0x${va.toString(16)} is not mapped`);
    if (needProt) {
      if (write && !(v.prot & PROT_WRITE)) throw kerr('EFAULT', `address 0x${va.toString(16)} is not writable`);
      if (!write && !(v.prot & PROT_READ)) throw kerr('EFAULT', `address 0x${va.toString(16)} is not readable`);
    }
    return v;
  }

  /** pageFor's second half: the page of `va` inside `v` (already found and checked). */
  private pageIn(v: Vma, va: bigint, write: boolean, unshare: boolean): { page?: PageRef; vma: Vma } {
    if (v.mmio) return { vma: v };
    const file = v.file!;
    const oi = v.overlay ? Number((va - v.overlayBase!) >> 12n) : 0;
    if (v.overlay && v.overlay.frameOf(oi, null) >= 0) return { vma: v, page: { file: v.overlay, pageIndex: oi } };
    const off = this.fileOffset(v, file, va);
    if (v.overlay && (write || unshare)) {
      // copy-on-write (or unshare): copy the file page into the private overlay, charged to this
      // mm's cgroup (a page never written reads as zero and needs no bytes)
      const srcPfn = file.frameOf(Number(off >> 12n), null);
      const src = srcPfn >= 0 ? this.mem.frameBytes(srcPfn, false) : undefined;
      const dst = v.overlay.frameOf(oi, this.cgroup);
      if (src) this.mem.frameBytes(dst, true)!.set(src);
      return { vma: v, page: { file: v.overlay, pageIndex: oi } };
    }
    return { vma: v, page: { file, pageIndex: Number(off >> 12n) } };
  }

  /**
   * The offset in `file` (v's file) of `va`; EFAULT (SIGBUS) when the page of `va` is past the
   * file's end (pageIn's and fileRun's check).
   */
  private fileOffset(v: Vma, file: MemFile, va: bigint): bigint {
    const off = v.fileOffset + (va - v.start);
    if (off >= filePageEnd(file)) throw kerr('EFAULT', `address 0x${va.toString(16)} is past the end of ${file.name} (SIGBUS)`);
    return off;
  }

  /**
   * For a plain file VMA (no MMIO, no COW overlay): how many bytes from `va` on (at most `max`)
   * lie in `v` and below the file's end (what pageFor checks page by page), as one run of the
   * file from `off`. Throws pageFor's EFAULT when the page of `va` is past the end of the file.
   */
  private fileRun(v: Vma, va: bigint, max: number): { off: bigint; n: number } {
    const file = v.file!;
    const off = this.fileOffset(v, file, va);
    const fileEnd = filePageEnd(file);
    let lim = v.end - va;
    if (fileEnd - off < lim) lim = fileEnd - off;
    return { off, n: lim < BigInt(max) ? Number(lim) : max };
  }

  /**
   * Read through the mappings. A plain file VMA is read as one run of its file (one VMA lookup,
   * no per-page allocation), so is a run of pages present in a COW overlay; other pages of a
   * private mapping and MMIO go page by page.
   */
  read(va: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = va + BigInt(done);
      const v = this.vmaFor(a, false, true);
      if (!v.mmio && !v.overlay) {
        const { off, n } = this.fileRun(v, a, length - done);
        v.file!.readInto(off, out, done, n);
        done += n;
        continue;
      }
      const inPage = Number(a & 0xfffn);
      if (v.overlay) {
        // a run of pages already copied into the COW overlay: one read of the overlay
        const oi = Number((a - v.overlayBase!) >> 12n);
        const inVma = v.end - a;
        const max = inVma < BigInt(length - done) ? Number(inVma) : length - done;
        let n = 0;
        for (let k = 0; n < max && v.overlay.frameOf(oi + k, null) >= 0; k++) n += k === 0 ? 4096 - inPage : 4096;
        if (n > 0) {
          if (n > max) n = max;
          v.overlay.readInto((BigInt(oi) << 12n) + BigInt(inPage), out, done, n);
          done += n;
          continue;
        }
      }
      const n = Math.min(length - done, 4096 - inPage);
      const { page, vma } = this.pageIn(v, a, false, false);
      if (page) page.file.readInto((BigInt(page.pageIndex) << 12n) + BigInt(inPage), out, done, n);
      else out.set(vma.mmio!.read(a - vma.start + vma.fileOffset, n), done);
      done += n;
    }
    return out;
  }

  /** Write through the mappings; atomic: a failed write faults nothing in and writes nothing. */
  write(va: bigint, data: Uint8Array): void {
    withFaultRollback(this.mem, () => {
      const end = va + BigInt(data.length);
      // check the whole range first so a failing write changes nothing (page by page, in order;
      // a plain file VMA has nothing to do per page, so its pages are checked as one run)
      for (let a = va - (va % 4096n); a < end; ) {
        const v = this.vmaFor(a, true, true);
        if (v.mmio || v.overlay) {
          this.pageIn(v, a, true, false);
          a += 4096n;
          continue;
        }
        const stop = v.end < end ? v.end : end;
        // whole pages: `a` is page aligned here, and so are v.end and the file run
        const { n } = this.fileRun(v, a, Number(stop - a));
        if (a + BigInt(n) < stop) this.fileRun(v, a + BigInt(n), 1); // the first page past the file's end: EFAULT
        a = v.end;
      }
      let done = 0;
      while (done < data.length) {
        const a = va + BigInt(done);
        const v = this.vmaFor(a, true, true);
        if (!v.mmio && !v.overlay) {
          const { off, n } = this.fileRun(v, a, data.length - done);
          v.file!.write(off, n === data.length ? data : data.subarray(done, done + n), this.cgroup);
          done += n;
          continue;
        }
        const inPage = Number(a & 0xfffn);
        const n = Math.min(data.length - done, 4096 - inPage);
        const { page, vma } = this.pageIn(v, a, true, false);
        const chunk = data.subarray(done, done + n);
        if (page) page.file.write((BigInt(page.pageIndex) << 12n) + BigInt(inPage), chunk, this.cgroup);
        else vma.mmio!.write(a - vma.start + vma.fileOffset, chunk);
        done += n;
      }
    });
  }
}
