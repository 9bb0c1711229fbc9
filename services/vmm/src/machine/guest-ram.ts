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
 */
import { DomainError } from '#libs/errno/index.js';

const PAGE = 4096;
const PAGE_N = 4096n;

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

  constructor(readonly size: bigint) {}

  private check(gpa: bigint, len: number): void {
    if (gpa < 0n || len < 0 || gpa + BigInt(len) > this.size) throw new GuestMemoryError(gpa, len);
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
