/**
 * Test support of the hardware vIOMMU models (intel-iommu, SMMUv3): a sparse fake guest RAM.
 */
import type { GuestMemory } from './guest-memory.js';

/**
 * Sparse guest RAM [base, base + size): zero pages made on demand; an access outside throws (the
 * models' MEMTX error), as does a write touching a page in `readOnly` (frame numbers).
 */
export class SparseGuestRam implements GuestMemory {
  readonly pages = new Map<bigint, Uint8Array>();
  readonly readOnly = new Set<bigint>();
  /** accepted reads / writes */
  reads = 0;
  writes = 0;
  constructor(
    readonly base: bigint,
    readonly size: bigint,
  ) {}

  private check(gpa: bigint, len: number): void {
    if (gpa < this.base || gpa + BigInt(len) > this.base + this.size) {
      throw new Error(`GuestMemoryError: 0x${gpa.toString(16)}+${len} outside RAM`);
    }
  }

  read(gpa: bigint, len: number): Uint8Array {
    this.check(gpa, len);
    this.reads++;
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const a = gpa + BigInt(i);
      out[i] = this.pages.get(a >> 12n)?.[Number(a & 0xfffn)] ?? 0;
    }
    return out;
  }

  write(gpa: bigint, data: Uint8Array): void {
    this.check(gpa, data.length);
    for (let i = 0; i < data.length; i++) if (this.readOnly.has((gpa + BigInt(i)) >> 12n)) throw new Error(`GuestMemoryError: 0x${gpa.toString(16)} read-only`);
    this.writes++;
    for (let i = 0; i < data.length; i++) {
      const a = gpa + BigInt(i);
      let p = this.pages.get(a >> 12n);
      if (p === undefined) {
        p = new Uint8Array(4096);
        this.pages.set(a >> 12n, p);
      }
      p[Number(a & 0xfffn)] = data[i]!;
    }
  }

  /** little-endian 64-bit store / load */
  w64(gpa: bigint, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.write(gpa, b);
  }

  r64(gpa: bigint): bigint {
    return new DataView(this.read(gpa, 8).buffer).getBigUint64(0, true);
  }
}
