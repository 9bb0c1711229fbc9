/**
 * A VM process's guest RAM and guest stage-1 page tables written into it, for the host nesting
 * tests (nesting-dma, selftest-nesting): the bytes a guest driver would write, read by the
 * host's 2-D walk through stage 2.
 */
import { PAGE, type Sys } from './harness.js';

/** GPA (the stage-2 IOVA) where guest RAM sits in the IOAS, and its size in pages. */
export const G = 0x4000_0000n;
export const GUEST_PAGES = 64;

/** Guest RAM: a memfd of GUEST_PAGES pages mapped in the process and at GPA G in the IOAS. */
export class GuestRam {
  private next = 0;
  constructor(
    readonly sys: Sys,
    readonly va: bigint,
  ) {}
  /** `via`: IoasMapFile of the memfd (default) or IoasMap of its mapping in the process. */
  static async create(sys: Sys, fd: number, ioas: number, via: 'file' | 'va' = 'file'): Promise<GuestRam> {
    const size = BigInt(GUEST_PAGES) * PAGE;
    const mfd = await sys.memfd('guest-ram', size);
    const va = await sys.mmap(size, { fd: mfd });
    if (via === 'file') await sys.mapFile(fd, ioas, mfd, 0n, size, G);
    else await sys.map(fd, ioas, va, size, G);
    return new GuestRam(sys, va);
  }
  /** A fresh (zeroed) guest page. */
  alloc(): bigint {
    if (this.next >= GUEST_PAGES) throw new Error('guest RAM exhausted');
    return G + BigInt(this.next++) * PAGE;
  }
  async w64(gpa: bigint, v: bigint): Promise<void> {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    await this.sys.write(this.va + (gpa - G), b);
  }
  async r64(gpa: bigint): Promise<bigint> {
    return (await this.sys.read(this.va + (gpa - G), 8)).readBigUInt64LE(0);
  }
  async write(gpa: bigint, b: Uint8Array): Promise<void> {
    await this.sys.write(this.va + (gpa - G), b);
  }
  async fill(gpa: bigint, byte: number): Promise<void> {
    await this.sys.write(this.va + (gpa - G), new Uint8Array(Number(PAGE)).fill(byte));
  }
  async read(gpa: bigint, n: number): Promise<Buffer> {
    return this.sys.read(this.va + (gpa - G), n);
  }
}

/**
 * A guest stage-1 page table in guest RAM: x86 4-level (VT-d first stage) or LPAE 4 KiB granule,
 * 48-bit (SMMUv3). `map` returns the GPAs of the four entries on the path (top first).
 */
export class S1Table {
  readonly root: bigint;
  private readonly tables = new Map<bigint, Map<number, bigint>>();
  constructor(
    readonly g: GuestRam,
    readonly fmt: 'x86' | 'lpae',
    /** LPAE leaves also set AP[1] (unprivileged access; QEMU's SMMU ignores it). */
    private readonly lpaeApUnpriv = false,
  ) {
    this.root = g.alloc();
  }
  private idx(iova: bigint, level: number): number {
    // level 4..1 (x86: PML4..PT) — the same 9-bit indices as LPAE levels 0..3
    return Number((iova >> BigInt(12 + 9 * (level - 1))) & 511n);
  }
  /** Leaf: x86 P|US (+R/W; A and D left to the IOMMU); LPAE page 0b11 | AF | SH inner (| AP[1]) | AP[2] when read-only. */
  leaf(gpa: bigint, write: boolean): bigint {
    if (this.fmt === 'x86') return gpa | 0x5n | (write ? 0x2n : 0n);
    return gpa | 0x3n | (1n << 10n) | (3n << 8n) | (this.lpaeApUnpriv ? 1n << 6n : 0n) | (write ? 0n : 1n << 7n);
  }
  async map(iova: bigint, gpa: bigint, write = true): Promise<bigint[]> {
    let table = this.root;
    const path: bigint[] = [];
    for (let level = 4; level >= 2; level--) {
      const i = this.idx(iova, level);
      let t = this.tables.get(table);
      if (!t) this.tables.set(table, (t = new Map()));
      let next = t.get(i);
      path.push(table + BigInt(i) * 8n);
      if (next === undefined) {
        next = this.g.alloc();
        t.set(i, next);
        // table descriptor: x86 P|RW|US; LPAE type 0b11
        await this.g.w64(table + BigInt(i) * 8n, this.fmt === 'x86' ? next | 0x7n : next | 0x3n);
      }
      table = next;
    }
    const leaf = table + BigInt(this.idx(iova, 1)) * 8n;
    path.push(leaf);
    await this.g.w64(leaf, this.leaf(gpa, write));
    return path;
  }
}
