/**
 * Test fixtures of the SMMUv3 model (translate/caches tests; also usable by the register, command
 * queue and driver tests): a sparse fake guest RAM on virt's map, encoders for STEs, CDs and LPAE
 * descriptors in the layout QEMU decodes (include/hw/arm/smmuv3-common.h, smmu-internal.h), and
 * a builder that lays stream tables, CDs and stage-1 / stage-2 tables out in that RAM.
 */
import { SparseGuestRam } from '../fake-guest-ram.js';
import type { SmmuStreamTableState } from './types.js';

/** virt's RAM base */
export const VIRT_RAM_BASE = 0x4000_0000n;

/** Sparse guest RAM [base, base + size) (virt's RAM base and 4 GiB unless told). */
export class FakeGuestRam extends SparseGuestRam {
  constructor(base: bigint = VIRT_RAM_BASE, size: bigint = 1n << 32n) {
    super(base, size);
  }
}

// ------------------------------------------------------------------ STE / CD encoders

export type SteConfig = 'abort' | 'bypass' | 's1' | 's2' | 'nested';
const CONFIG_VALUE: Record<SteConfig, number> = { abort: 0, bypass: 4, s1: 5, s2: 6, nested: 7 };

/** STE fields (names of the SMMUv3 spec / QEMU's STE_* macros). */
export interface SteSpec {
  valid?: boolean;
  config: SteConfig | number;
  s1fmt?: number;
  /** S1ContextPtr (bits 55:6) */
  ctxPtr?: bigint;
  s1cdmax?: number;
  s1dss?: number;
  s1stalld?: boolean;
  eats?: number;
  strw?: number;
  vmid?: number;
  s2t0sz?: number;
  s2sl0?: number;
  /** S2TG: 0 4K, 1 64K, 2 16K */
  s2tg?: number;
  s2ps?: number;
  /** default true */
  s2aa64?: boolean;
  s2endi?: boolean;
  s2affd?: boolean;
  s2hd?: boolean;
  s2ha?: boolean;
  s2s?: boolean;
  s2r?: boolean;
  s2ttb?: bigint;
}

const b = (v: boolean | undefined): bigint => (v ? 1n : 0n);

/** The 8 STE words. */
export function encodeSte(s: SteSpec): bigint[] {
  const config = typeof s.config === 'number' ? s.config : CONFIG_VALUE[s.config];
  const d0 =
    b(s.valid ?? true) |
    (BigInt(config & 7) << 1n) |
    (BigInt((s.s1fmt ?? 0) & 3) << 4n) |
    ((s.ctxPtr ?? 0n) & 0x00ff_ffff_ffff_ffc0n) |
    (BigInt((s.s1cdmax ?? 0) & 0x1f) << 59n);
  const d1 =
    BigInt((s.s1dss ?? 0) & 3) | (b(s.s1stalld) << 27n) | (BigInt((s.eats ?? 0) & 3) << 28n) | (BigInt((s.strw ?? 0) & 3) << 30n);
  const d2 =
    BigInt((s.vmid ?? 0) & 0xffff) |
    (BigInt((s.s2t0sz ?? 0) & 0x3f) << 32n) |
    (BigInt((s.s2sl0 ?? 0) & 3) << 38n) |
    (BigInt((s.s2tg ?? 0) & 3) << 46n) |
    (BigInt((s.s2ps ?? 0) & 7) << 48n) |
    (b(s.s2aa64 ?? true) << 51n) |
    (b(s.s2endi) << 52n) |
    (b(s.s2affd) << 53n) |
    (b(s.s2hd) << 55n) |
    (b(s.s2ha) << 56n) |
    (b(s.s2s) << 57n) |
    (b(s.s2r) << 58n);
  const d3 = (s.s2ttb ?? 0n) & 0x000f_ffff_ffff_fff0n;
  return [d0, d1, d2, d3, 0n, 0n, 0n, 0n];
}

/** CD fields (QEMU's CD_* macros). TTB1 is disabled unless epd1 is false. */
export interface CdSpec {
  valid?: boolean;
  t0sz?: number;
  tg0?: number;
  epd0?: boolean;
  endi?: boolean;
  t1sz?: number;
  tg1?: number;
  /** default true */
  epd1?: boolean;
  /** default 4 (44 bits) */
  ips?: number;
  affd?: boolean;
  tbi?: number;
  /** default true */
  aa64?: boolean;
  hd?: boolean;
  ha?: boolean;
  s?: boolean;
  r?: boolean;
  /** default true */
  a?: boolean;
  asid?: number;
  ttb0?: bigint;
  had0?: boolean;
  ttb1?: bigint;
  had1?: boolean;
}

/** The 8 CD words. */
export function encodeCd(c: CdSpec): bigint[] {
  const lo =
    BigInt((c.t0sz ?? 16) & 0x3f) |
    (BigInt((c.tg0 ?? 0) & 3) << 6n) |
    (b(c.epd0) << 14n) |
    (b(c.endi) << 15n) |
    (BigInt((c.t1sz ?? 0) & 0x3f) << 16n) |
    (BigInt((c.tg1 ?? 0) & 3) << 22n) |
    (b(c.epd1 ?? true) << 30n) |
    (b(c.valid ?? true) << 31n);
  const hi =
    BigInt((c.ips ?? 4) & 7) |
    (b(c.affd) << 3n) |
    (BigInt((c.tbi ?? 0) & 3) << 6n) |
    (b(c.aa64 ?? true) << 9n) |
    (b(c.hd) << 10n) |
    (b(c.ha) << 11n) |
    (b(c.s) << 12n) |
    (b(c.r) << 13n) |
    (b(c.a ?? true) << 14n) |
    (BigInt((c.asid ?? 0) & 0xffff) << 16n);
  const d1 = ((c.ttb0 ?? 0n) & 0x000f_ffff_ffff_fff0n) | (b(c.had0) << 1n);
  const d2 = ((c.ttb1 ?? 0n) & 0x000f_ffff_ffff_fff0n) | (b(c.had1) << 1n);
  return [lo | (hi << 32n), d1, d2, 0n, 0n, 0n, 0n, 0n];
}

export type Granule = 12 | 14 | 16;
/** CD TG0 encoding of a granule */
export const TG0: Record<Granule, number> = { 12: 0, 14: 2, 16: 1 };
/** CD TG1 encoding */
export const TG1: Record<Granule, number> = { 12: 2, 14: 1, 16: 3 };
/** STE S2TG encoding */
export const S2TG: Record<Granule, number> = { 12: 0, 14: 2, 16: 1 };

// ------------------------------------------------------------------ LPAE descriptors

export const PTE_VALID = 1n;
export const PTE_TABLE = 3n;
export const PTE_PAGE = 3n;
export const PTE_BLOCK = 1n;
export const PTE_AF = 1n << 10n;
/** stage-1 AP[2]: read-only */
export const PTE_AP_RDONLY = 2n << 6n;
/** stage-2 S2AP */
export const S2AP_R = 1n << 6n;
export const S2AP_W = 2n << 6n;

export function levelShift(level: number, granule: number): number {
  return granule + (3 - level) * (granule - 3);
}

/** Stage-1 start level of `tsz` (smmu_ptw_64_s1). */
export function s1StartLevel(granule: number, tsz: number): number {
  return 4 - Math.trunc((64 - tsz - 4) / (granule - 3));
}

/** Stage-2 start level of S2SL0 (get_start_level). */
export function s2StartLevel(granule: number, sl0: number): number {
  return granule === 12 ? 2 - sl0 : 3 - sl0;
}

export interface S1MapSpec {
  granule: Granule;
  tsz: number;
  iova: bigint;
  pa: bigint;
  /** leaf level (3 = page, < 3 = block); default 3 */
  level?: number;
  readOnly?: boolean;
  /** default true */
  af?: boolean;
  /** APTable written on newly created table descriptors */
  apTable?: number;
  /** nested: table descriptors hold PA + ipaOffset (the IPA stage 2 maps to that PA) */
  ipaOffset?: bigint;
}

export interface S2MapSpec {
  granule: Granule;
  tsz: number;
  sl0: number;
  ipa: bigint;
  pa: bigint;
  level?: number;
  /** S2AP bits (1 read, 2 write); default 3 */
  s2ap?: number;
  af?: boolean;
}

/** Lays guest structures out in a FakeGuestRam with a bump allocator. */
export class GuestTables {
  next: bigint;

  constructor(
    readonly mem: FakeGuestRam,
    start: bigint = mem.base + 0x10_0000n,
  ) {
    this.next = start;
  }

  /** Zeroed guest memory, `align`-aligned. */
  alloc(size: bigint, align: bigint = size < 64n ? 64n : size): bigint {
    const a = (this.next + align - 1n) & ~(align - 1n);
    this.next = a + size;
    return a;
  }

  /** A linear stream table of 2^log2size STEs, as SMMUEN=1 state. */
  linearStreamTable(log2size: number): SmmuStreamTableState {
    const size = 64n << BigInt(log2size);
    const base = this.alloc(size, size);
    return { smmuEnabled: true, gbpaAbort: false, strtabBase: base, log2size, split: 0, twoLevel: false };
  }

  /** A 2-level stream table (L1 descriptors only; ste() creates L2 tables). */
  twoLevelStreamTable(log2size: number, split: number): SmmuStreamTableState {
    const l1Size = 8n << BigInt(Math.max(0, log2size - split));
    const base = this.alloc(l1Size, l1Size < 64n ? 64n : l1Size);
    return { smmuEnabled: true, gbpaAbort: false, strtabBase: base, log2size, split, twoLevel: true };
  }

  /** L1 descriptor of `sid` (2-level tables) */
  l1Addr(st: SmmuStreamTableState, sid: number): bigint {
    return st.strtabBase + BigInt(Math.floor(sid / 2 ** st.split)) * 8n;
  }

  /** Address of the STE of `sid` (2-level: creates the L2 table, span = split + 1, if absent). */
  steAddr(st: SmmuStreamTableState, sid: number): bigint {
    if (!st.twoLevel) return st.strtabBase + BigInt(sid) * 64n;
    const l1 = this.l1Addr(st, sid);
    let desc = this.mem.r64(l1);
    if (desc === 0n) {
      const size = 64n << BigInt(st.split);
      const l2 = this.alloc(size, size);
      desc = l2 | BigInt(st.split + 1);
      this.mem.w64(l1, desc);
    }
    return (desc & ~0x1fn) + BigInt(sid % 2 ** st.split) * 64n;
  }

  writeWords(addr: bigint, words: readonly bigint[]): void {
    words.forEach((w, i) => this.mem.w64(addr + BigInt(i) * 8n, w));
  }

  /** Write the STE of `sid`; returns its address. */
  ste(st: SmmuStreamTableState, sid: number, spec: SteSpec): bigint {
    const a = this.steAddr(st, sid);
    this.writeWords(a, encodeSte(spec));
    return a;
  }

  /** A new CD; returns its address (a fresh 64-byte slot unless `at` is given). */
  cd(spec: CdSpec, at?: bigint): bigint {
    const a = at ?? this.alloc(64n, 64n);
    this.writeWords(a, encodeCd(spec));
    return a;
  }

  /** A zeroed translation table of one granule. */
  table(granule: Granule): bigint {
    const size = 1n << BigInt(granule);
    return this.alloc(size, size);
  }

  /** The concatenated stage-2 start tables for (granule, tsz, sl0), aligned to their size. */
  s2Root(granule: Granule, tsz: number, sl0: number): bigint {
    const level = s2StartLevel(granule, sl0);
    const bits = 64 - tsz - levelShift(level, granule);
    const size = 8n << BigInt(Math.max(bits, granule - 3));
    return this.alloc(size, size);
  }

  /**
   * The descriptor address of `addr` at `leafLevel` under `root` (a PA), creating tables on the
   * way; table descriptors hold `PA + descOffset` (a nested stage-1 table addresses IPAs).
   */
  private walkTo(
    root: bigint,
    granule: Granule,
    inputsize: number,
    startLevel: number,
    addr: bigint,
    leafLevel: number,
    tableBits: bigint,
    concat: boolean,
    descOffset: bigint,
  ): bigint {
    const stride = granule - 3;
    const inMask = (1n << BigInt(inputsize)) - 1n;
    let base = root;
    for (let level = startLevel; ; level++) {
      let index = (addr & inMask) >> BigInt(levelShift(level, granule));
      if (!(concat && level === startLevel)) index &= (1n << BigInt(stride)) - 1n;
      const ea = base + index * 8n;
      if (level === leafLevel) return ea;
      let d = this.mem.r64(ea);
      if ((d & 3n) !== 3n) {
        d = (this.table(granule) + descOffset) | PTE_TABLE | tableBits;
        this.mem.w64(ea, d);
      }
      base = (d & 0x0000_ffff_ffff_f000n & ~((1n << BigInt(granule)) - 1n)) - descOffset;
    }
  }

  /** Address of the stage-1 descriptor of `iova` at `level`, creating tables on the way. */
  s1EntryAddr(root: bigint, m: { granule: Granule; tsz: number; iova: bigint; level?: number; apTable?: number; ipaOffset?: bigint }): bigint {
    const start = s1StartLevel(m.granule, m.tsz);
    return this.walkTo(root, m.granule, 64 - m.tsz, start, m.iova, m.level ?? 3, BigInt(m.apTable ?? 0) << 61n, false, m.ipaOffset ?? 0n);
  }

  /** Map `iova` → `pa` in a stage-1 table; returns the leaf descriptor's address. */
  s1Map(root: bigint, m: S1MapSpec): bigint {
    const level = m.level ?? 3;
    const ea = this.s1EntryAddr(root, m);
    this.mem.w64(ea, m.pa | (level === 3 ? PTE_PAGE : PTE_BLOCK) | (m.af === false ? 0n : PTE_AF) | (m.readOnly ? PTE_AP_RDONLY : 0n));
    return ea;
  }

  /** Address of the stage-2 descriptor of `ipa` at `level`, creating tables on the way. */
  s2EntryAddr(root: bigint, m: { granule: Granule; tsz: number; sl0: number; ipa: bigint; level?: number }): bigint {
    return this.walkTo(root, m.granule, 64 - m.tsz, s2StartLevel(m.granule, m.sl0), m.ipa, m.level ?? 3, 0n, true, 0n);
  }

  /** Map `ipa` → `pa` in stage-2 tables rooted at s2Root(); returns the leaf descriptor's address. */
  s2Map(root: bigint, m: S2MapSpec): bigint {
    const level = m.level ?? 3;
    const ea = this.s2EntryAddr(root, m);
    this.mem.w64(ea, m.pa | (level === 3 ? PTE_PAGE : PTE_BLOCK) | (m.af === false ? 0n : PTE_AF) | (BigInt(m.s2ap ?? 3) << 6n));
    return ea;
  }
}
