/**
 * A process address space: VMAs backed by memfd files, anonymous memory, or device MMIO
 * (VM_PFNMAP). Private file mappings copy-on-write into an anonymous overlay; a read-only
 * long-term pin unshares (copies) the page first, so the pinned frame stays the process's frame
 * when it later writes the page (the ro_unshare rule).
 */
import { kerr } from '../../../../libs/errno/index.js';
import { MemFile } from '../../../../libs/memory/file.js';
import type { PhysicalMemory } from '../../../../libs/memory/phys.js';
import { U64_MAX } from '../../../../libs/u64/index.js';
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

export class AddressSpace {
  readonly vmas: Vma[] = []; // sorted by start, non-overlapping
  private anonSeq = 0;

  constructor(readonly mem: PhysicalMemory) {}

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
    args.holder?.get();
    args.mmio?.holder.get();
    this.insert(vma);
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
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.file && v.file.folioOrder > 0) {
        const fb = v.file.folioBytes;
        if ((addr > v.start && (addr - v.start) % fb !== 0n) || (end < v.end && (end - v.start) % fb !== 0n)) {
          throw kerr('EINVAL', 'munmap splits a huge page');
        }
      }
      if (v.start < addr) out.push({ ...v, end: addr, ...this.holderGet(v) });
      if (v.end > end) {
        out.push({ ...v, start: end, fileOffset: v.fileOffset + (end - v.start), ...this.holderGet(v) });
      }
      // The split halves share the overlay: pages in it are indexed by offset from the original start.
      this.releaseVma(v);
    }
    this.vmas.length = 0;
    this.vmas.push(...out);
  }

  private holderGet(v: Vma): object {
    v.holder?.get();
    v.mmio?.holder.get();
    return {};
  }

  private releaseVma(v: Vma): void {
    v.holder?.put();
    v.mmio?.holder.put();
  }

  /** Tear down every mapping (process exit). */
  clear(): void {
    for (const v of this.vmas) this.releaseVma(v);
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
    const v = this.find(va);
    if (!v) throw kerr('EFAULT', `address 0x${va.toString(16)} is not mapped`);
    if (needProt) {
      if (write && !(v.prot & PROT_WRITE)) throw kerr('EFAULT', `address 0x${va.toString(16)} is not writable`);
      if (!write && !(v.prot & PROT_READ)) throw kerr('EFAULT', `address 0x${va.toString(16)} is not readable`);
    }
    if (v.mmio) return { vma: v };
    const rel = va - v.start;
    const file = v.file!;
    if (v.overlay) {
      const oi = Number((va - v.overlayBase!) >> 12n);
      const present = v.overlay.frameOf(oi, false) >= 0;
      if (present) return { vma: v, page: { file: v.overlay, pageIndex: oi } };
      if (write || unshare) {
        // copy-on-write (or unshare): copy the file page into the private overlay
        const src = file.read(((v.fileOffset + rel) >> 12n) << 12n, 4096);
        v.overlay.write(BigInt(oi) << 12n, src);
        return { vma: v, page: { file: v.overlay, pageIndex: oi } };
      }
    }
    const off = v.fileOffset + rel;
    if (off >= ((file.size + 4095n) / 4096n) * 4096n) throw kerr('EFAULT', `address 0x${va.toString(16)} is past the end of ${file.name} (SIGBUS)`);
    return { vma: v, page: { file, pageIndex: Number(off >> 12n) } };
  }

  read(va: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = va + BigInt(done);
      const inPage = Number(a & 0xfffn);
      const n = Math.min(length - done, 4096 - inPage);
      const { page, vma } = this.pageFor(a, false);
      if (page) out.set(page.file.read((BigInt(page.pageIndex) << 12n) + BigInt(inPage), n), done);
      else out.set(vma.mmio!.read(a - vma.start + vma.fileOffset, n), done);
      done += n;
    }
    return out;
  }

  write(va: bigint, data: Uint8Array): void {
    // check the whole range first so a failing write changes nothing
    for (let a = va - (va % 4096n); a < va + BigInt(data.length); a += 4096n) this.pageFor(a, true);
    let done = 0;
    while (done < data.length) {
      const a = va + BigInt(done);
      const inPage = Number(a & 0xfffn);
      const n = Math.min(data.length - done, 4096 - inPage);
      const { page, vma } = this.pageFor(a, true);
      const chunk = data.subarray(done, done + n);
      if (page) page.file.write((BigInt(page.pageIndex) << 12n) + BigInt(inPage), chunk);
      else vma.mmio!.write(a - vma.start + vma.fileOffset, chunk);
      done += n;
    }
  }
}
