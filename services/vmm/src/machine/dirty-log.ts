/**
 * The vmm's dirty log of guest RAM for live migration: which 4 KiB pages of guest RAM were written
 * through the vmm since the last collection (QEMU's DIRTY_MEMORY_MIGRATION bitmap of each RAM
 * block, migration/ram.c: `migration_bitmap_sync` reads and clears it each pre-copy round).
 *
 * What marks it: guest CPU writes (Guest.WriteMemory), emulated devices' DMA writes (virtio
 * devices, translated or not) and the hardware vIOMMU models' own writes to guest RAM (A/D bits,
 * inv_wait status words, EVTQ records) — the writes QEMU's memory core logs for a RAM block
 * (`cpu_physical_memory_set_dirty_range`). Assigned devices' DMA is not here: the host reports it
 * (HWPT dirty bitmaps, type1 DIRTY_PAGES), in IOVA terms the migration translates to GPAs.
 *
 * Off by default: until `start()`, `mark` does nothing and nothing is allocated. While on, one bit
 * per page of each RAM range (a kernel-style bitmap: bit i of byte i/8, LSB first = the page at
 * range.gpa + i × 4 KiB), so memory is bounded by the RAM size (32 KiB per GiB) and never by what a
 * caller sends; `mark` costs the pages it covers, `collect` the bitmap size. Writes outside guest RAM
 * (MMIO) are not RAM and are not logged, as in QEMU.
 */
import { DomainError } from '#libs/errno/index.js';
import type { RamRange } from './guest-ram.js';

export const DIRTY_PAGE_SIZE = 4096;
const PAGE_N = 4096n;

/** The dirty pages of one RAM range. */
export interface DirtyBitmap {
  gpa: bigint;
  size: bigint;
  pageSize: number;
  /** bit i (byte i >> 3, bit i & 7) = page gpa + i × pageSize was written */
  bitmap: Uint8Array;
}

export interface DirtyReport {
  pageSize: number;
  /** one per RAM range, ascending GPA */
  ranges: DirtyBitmap[];
}

interface Tracked {
  gpa: bigint;
  size: bigint;
  pages: number;
  bits: Uint8Array;
}

/** Set bits of a bitmap: 32-bit words (zero words skipped), the tail bytes one by one. */
function popcount(bits: Uint8Array): number {
  const words = bits.length >> 2;
  const w32 = new Uint32Array(bits.buffer, bits.byteOffset, words);
  let n = 0;
  for (let i = 0; i < words; i++) {
    let v = w32[i]!;
    if (v === 0) continue;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  for (let i = words << 2; i < bits.length; i++) for (let v = bits[i]!; v !== 0; v &= v - 1) n++;
  return n;
}

/** Set bits [first, last] (inclusive) of a bitmap: whole bytes by fill, the edges bit by bit. */
function setBits(bits: Uint8Array, first: number, last: number): void {
  let i = first;
  for (; i <= last && (i & 7) !== 0; i++) bits[i >> 3]! |= 1 << (i & 7);
  const fullEnd = (last + 1) & ~7;
  if (i < fullEnd) {
    bits.fill(0xff, i >> 3, fullEnd >> 3);
    i = fullEnd;
  }
  for (; i <= last; i++) bits[i >> 3]! |= 1 << (i & 7);
}

export class DirtyLog {
  private tracked: Tracked[] | undefined;

  /** `ranges`: the VM's guest RAM layout (read at `start`). */
  constructor(private readonly ranges: () => readonly RamRange[]) {}

  /** Whether the log is on. */
  get active(): boolean {
    return this.tracked !== undefined;
  }

  /** Turn logging on with every page clean (FAILED_PRECONDITION DIRTY_LOG_ACTIVE when already on). */
  start(): void {
    if (this.tracked) throw new DomainError('FAILED_PRECONDITION', 'DIRTY_LOG_ACTIVE', 'the dirty log is already on (one migration at a time)');
    const out: Tracked[] = [];
    for (const r of [...this.ranges()].sort((a, b) => (a.gpa < b.gpa ? -1 : a.gpa > b.gpa ? 1 : 0))) {
      if (r.size <= 0n) continue;
      const pages = Number((r.size + PAGE_N - 1n) / PAGE_N);
      out.push({ gpa: r.gpa, size: r.size, pages, bits: new Uint8Array((pages + 7) >> 3) });
    }
    this.tracked = out;
  }

  /** Turn logging off and free the bitmaps (FAILED_PRECONDITION DIRTY_LOG_OFF when off). */
  stop(): void {
    this.requireOn('stop');
    this.tracked = undefined;
  }

  /** Guest RAM [gpa, gpa + len) was written: its pages are dirty (no-op while off; non-RAM parts ignored). */
  mark(gpa: bigint, len: number | bigint): void {
    const t = this.tracked;
    if (t === undefined) return;
    const n = BigInt(len);
    if (n <= 0n || gpa < 0n) return;
    const end = gpa + n; // exclusive
    for (const r of t) {
      const lo = gpa > r.gpa ? gpa : r.gpa;
      const hi = end < r.gpa + r.size ? end : r.gpa + r.size;
      if (lo >= hi) continue;
      setBits(r.bits, Number((lo - r.gpa) / PAGE_N), Number((hi - 1n - r.gpa) / PAGE_N));
    }
  }

  /** The pages written since `start` or the previous `collect`, then clean again (read-and-clear). */
  collect(): DirtyReport {
    const ranges: DirtyBitmap[] = [];
    for (const r of this.requireOn('collect')) {
      const bitmap = r.bits;
      r.bits = new Uint8Array(bitmap.length);
      ranges.push({ gpa: r.gpa, size: r.size, pageSize: DIRTY_PAGE_SIZE, bitmap });
    }
    return { pageSize: DIRTY_PAGE_SIZE, ranges };
  }

  /** Set bits now, without clearing (progress reports: remaining dirty bytes). */
  get dirtyPages(): number {
    let n = 0;
    for (const r of this.tracked ?? []) n += popcount(r.bits);
    return n;
  }

  private requireOn(what: string): Tracked[] {
    if (this.tracked === undefined) throw new DomainError('FAILED_PRECONDITION', 'DIRTY_LOG_OFF', `dirty log ${what}: the log is off (start it first)`);
    return this.tracked;
  }
}

/** The GPAs of the dirty pages of a report, ascending. */
export function* dirtyPageGpas(report: DirtyReport): Generator<bigint> {
  for (const r of report.ranges) {
    const ps = BigInt(r.pageSize);
    for (let byte = 0; byte < r.bitmap.length; byte++) {
      const v = r.bitmap[byte]!;
      if (v === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (v & (1 << bit)) yield r.gpa + BigInt(byte * 8 + bit) * ps;
    }
  }
}

/**
 * Contiguous dirty GPA runs of a report, ascending and merged (what a pre-copy round reads and
 * sends): [gpa, gpa + length). Whole pages: guest RAM ranges are 2 MiB multiples (config.ts
 * spec.memory_bytes, guest-ram.ts ramLayout), so no run passes a range's end.
 */
export function dirtyRuns(report: DirtyReport): Array<{ gpa: bigint; length: bigint }> {
  const out: Array<{ gpa: bigint; length: bigint }> = [];
  const ps = BigInt(report.pageSize);
  for (const g of dirtyPageGpas(report)) {
    const last = out[out.length - 1];
    if (last && last.gpa + last.length === g) last.length += ps;
    else out.push({ gpa: g, length: ps });
  }
  return out;
}

const logs = new WeakMap<object, DirtyLog>();

/** The dirty log of a VM (made on first use, off until started). */
export function dirtyLogOf(vm: { readonly ramRanges: readonly RamRange[] }): DirtyLog {
  let l = logs.get(vm);
  if (l === undefined) logs.set(vm, (l = new DirtyLog(() => vm.ramRanges)));
  return l;
}

/** A write reached the VM's guest RAM through the vmm: mark it when the VM's log is on (no allocation otherwise). */
export function markDirty(vm: object, gpa: bigint, len: number | bigint): void {
  logs.get(vm)?.mark(gpa, len);
}
