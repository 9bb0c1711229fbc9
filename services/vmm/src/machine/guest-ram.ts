/**
 * Guest RAM as a vIOMMU model reads and writes it (the GuestMemory of viommu/intel-iommu).
 *
 * Guest RAM lives in a memfd of the VM's host process; the vmm reaches it only through
 * asynchronous host calls (Process.ReadMemory / WriteMemory), while a hardware model reads its
 * tables synchronously in the middle of a register write or a translation. So the vmm keeps a
 * coherent copy of guest RAM for the model, as QEMU's own address_space_rw sees RAM it maps:
 *
 *  - every write to guest RAM that passes through the vmm updates it: Guest.WriteMemory (host
 *    first, then here), virtio DMA writes, and assigned devices' DMA writes made through
 *    Guest.Dma (the written GPA pages are read back from the host afterwards);
 *  - the model's own writes (inv_wait status words, A/D bits) land here at once and are queued
 *    for the host; the vmm flushes them (in order) before the guest operation that caused them
 *    answers, under the VM's lock;
 *  - a page never written is zero, as a fresh memfd is.
 *
 * Storage is sparse (4 KiB pages that were written), so its size is bounded by what the guest
 * wrote into its own RAM, never by a number it sends. Writes to the memfd that bypass the vmm
 * (a root process poking the VM process's memory directly) are not seen by the model.
 *
 * Guest RAM is not flat from GPA 0: it follows QEMU's memory map of the machine (ramLayout), one
 * memfd holding the ranges back to back in GPA order. Everything else here is keyed by GPA.
 */
import { DomainError } from '#libs/errno/index.js';

const PAGE = 4096;
const PAGE_N = 4096n;

/** A range of guest RAM: GPA [gpa, gpa + size) is memfd [offset, offset + size). */
export interface RamRange {
  readonly gpa: bigint;
  readonly size: bigint;
  readonly offset: bigint;
}

/** q35: where RAM above `lowmem` continues (QEMU's x86 above-4g start). */
export const Q35_ABOVE_4G = 0x1_0000_0000n;
/** virt: the base of RAM (QEMU's VIRT_MEM). */
export const VIRT_RAM_BASE = 0x4000_0000n;

/**
 * QEMU's memory map of guest RAM for a machine. q35 (pc_q35_init): `lowmem` is 2 GiB when RAM is
 * 0xb0000000 or more (gigabyte-aligned split of current machine types), else 0xb0000000, so a
 * smaller VM has all of its RAM below it; RAM beyond `lowmem` goes at 4 GiB. The PCI hole between
 * holds the DMAR unit (0xfed90000) and the MSI window (0xfee00000–0xfeefffff). virt: all of RAM
 * at 0x4000_0000, above the GIC/ITS and SMMUv3 MMIO. The memfd holds the ranges in GPA order.
 */
export function ramLayout(machine: 'q35' | 'virt', memoryBytes: bigint): RamRange[] {
  if (memoryBytes <= 0n) return [];
  if (machine === 'virt') return [{ gpa: VIRT_RAM_BASE, size: memoryBytes, offset: 0n }];
  const lowmem = memoryBytes >= 0xb000_0000n ? 0x8000_0000n : 0xb000_0000n;
  if (memoryBytes < lowmem) return [{ gpa: 0n, size: memoryBytes, offset: 0n }];
  const out: RamRange[] = [{ gpa: 0n, size: lowmem, offset: 0n }];
  if (memoryBytes > lowmem) out.push({ gpa: Q35_ABOVE_4G, size: memoryBytes - lowmem, offset: lowmem });
  return out;
}

/**
 * The memfd offset of GPA [gpa, gpa + len) when all of it is guest RAM (undefined otherwise). The
 * ranges never touch (a hole lies between any two), so such an access lies in one range.
 * len 0 asks about the byte at `gpa`.
 */
export function ramOffsetOf(ranges: readonly RamRange[], gpa: bigint, len: bigint = 1n): bigint | undefined {
  if (gpa < 0n || len < 0n) return undefined;
  const end = gpa + (len === 0n ? 1n : len);
  for (const r of ranges) if (gpa >= r.gpa && end <= r.gpa + r.size) return r.offset + (gpa - r.gpa);
  return undefined;
}

/** The highest guest-physical address of RAM (-1n: none). */
export function ramLastGpa(ranges: readonly RamRange[]): bigint {
  let last = -1n;
  for (const r of ranges) if (r.gpa + r.size - 1n > last) last = r.gpa + r.size - 1n;
  return last;
}

/** Whether GPA [first, last] (inclusive) overlaps guest RAM. */
export function overlapsRam(ranges: readonly RamRange[], first: bigint, last: bigint): boolean {
  return ranges.some((r) => first < r.gpa + r.size && last >= r.gpa);
}

/** Ranges as text for messages: `[0x0, 0x80000000) [0x100000000, 0x180000000)`. */
export function formatRanges(ranges: readonly RamRange[]): string {
  return ranges.map((r) => `[0x${r.gpa.toString(16)}, 0x${(r.gpa + r.size).toString(16)})`).join(' ');
}

/** A model access to a GPA outside guest RAM (the model turns it into its own fault). */
export class GuestMemoryError extends DomainError {
  constructor(
    readonly gpa: bigint,
    readonly length: number,
  ) {
    super('INVALID_ARGUMENT', 'GPA_OUT_OF_RANGE', `guest-physical [0x${gpa.toString(16)}, +0x${length.toString(16)}) is outside guest RAM`, { gpa: `0x${gpa.toString(16)}` });
    this.name = 'GuestMemoryError';
  }
}

export class GuestRam {
  private readonly pages = new Map<bigint, Uint8Array>();
  private pending: Array<{ gpa: bigint; data: Uint8Array }> = [];
  /** model writes flushed to the host so far (for Inspect/tests) */
  flushedWrites = 0;
  /** the guest-physical RAM ranges (a size: flat RAM [0, size)) */
  readonly ranges: readonly RamRange[];

  constructor(layout: bigint | readonly RamRange[]) {
    this.ranges = typeof layout === 'bigint' ? (layout > 0n ? [{ gpa: 0n, size: layout, offset: 0n }] : []) : layout.map((r) => ({ ...r }));
  }

  /** Total bytes of guest RAM. */
  get size(): bigint {
    return this.ranges.reduce((a, r) => a + r.size, 0n);
  }

  private check(gpa: bigint, len: number): void {
    // an empty access touches nothing, but still names a place in (or at the end of) a RAM range
    const ok = len === 0 ? this.ranges.some((r) => gpa >= r.gpa && gpa <= r.gpa + r.size) : len > 0 && ramOffsetOf(this.ranges, gpa, BigInt(len)) !== undefined;
    if (!ok) throw new GuestMemoryError(gpa, len);
  }

  /** GuestMemory.read: a copy of `len` bytes at `gpa`. */
  read(gpa: bigint, len: number): Uint8Array {
    this.check(gpa, len);
    const out = new Uint8Array(len);
    let o = 0;
    while (o < len) {
      const a = gpa + BigInt(o);
      const pg = a / PAGE_N;
      const off = Number(a % PAGE_N);
      const n = Math.min(PAGE - off, len - o);
      const p = this.pages.get(pg);
      if (p) out.set(p.subarray(off, off + n), o);
      o += n;
    }
    return out;
  }

  /** GuestMemory.write: the model writes guest RAM (queued for the host, see flush). */
  write(gpa: bigint, data: Uint8Array): void {
    this.store(gpa, data);
    this.pending.push({ gpa, data: Uint8Array.from(data) });
  }

  /** A write already made on the host (Guest.WriteMemory, DMA): keep the copy in step. */
  store(gpa: bigint, data: Uint8Array): void {
    this.check(gpa, data.length);
    let o = 0;
    while (o < data.length) {
      const a = gpa + BigInt(o);
      const pg = a / PAGE_N;
      const off = Number(a % PAGE_N);
      const n = Math.min(PAGE - off, data.length - o);
      let p = this.pages.get(pg);
      if (!p) {
        if (allZero(data, o, n)) {
          o += n;
          continue;
        }
        this.pages.set(pg, (p = new Uint8Array(PAGE)));
      }
      p.set(data.subarray(o, o + n), off);
      o += n;
    }
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The model's writes not yet on the host, oldest first (taken: the caller writes them). */
  takePending(): Array<{ gpa: bigint; data: Uint8Array }> {
    const p = this.pending;
    this.pending = [];
    this.flushedWrites += p.length;
    return p;
  }

  /** Pages holding non-zero data (for tests and Inspect). */
  get residentPages(): number {
    return this.pages.size;
  }
}

function allZero(d: Uint8Array, o: number, n: number): boolean {
  for (let i = o; i < o + n; i++) if (d[i] !== 0) return false;
  return true;
}
