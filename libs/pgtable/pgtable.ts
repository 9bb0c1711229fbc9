/**
 * IOMMU page-table formats stored as real descriptors in the simulated table pool.
 *
 *  - 'vtd-ss'  Intel VT-d second-stage paging (spec ch. 9, Linux `struct dma_pte`): 3/4/5 levels of
 *              512 × 8-byte entries for 39/48/57-bit input, 4 KiB pages and 2 MiB / 1 GiB super-pages
 *              (PS, bit 7). R bit 0, W bit 1, PS bit 7, A bit 8, D bit 9, SNP bit 11, address 51:12.
 *              Non-leaf entries hold the next table's address with R|W set (as Linux writes them).
 *  - 'lpae-s1' / 'lpae-s2'  Arm VMSAv8-64 long-descriptor tables as Linux io-pgtable-arm writes them,
 *              4 KiB / 16 KiB / 64 KiB granules, up to 48-bit input and output. Stage-2 tables whose
 *              level-0 table would have at most 16 entries start one level lower with concatenated
 *              tables, as io-pgtable-arm does (4K with 40..43-bit input, 16K with 48-bit input).
 *
 * Levels use each architecture's own numbering: VT-d 5/4/3/2/1 (1 = 4 KiB PTE), LPAE 0..3 (3 = page).
 *
 * Everything on the hot paths works on 4 KiB frame numbers held in `number`s (exact below 2^53); a
 * descriptor is two little-endian 32-bit words (lo, hi) of the pool. The number of valid entries of
 * each table is kept in a side array shared by all page tables of one pool (indexed by pool frame),
 * so emptiness is known without scanning a table.
 */
import { kerr } from '../errno/index.js';
import type { TableMemory } from '../memory/phys.js';

// ------------------------------------------------------------------ IOMMU prot bits
// The meanings are linux/iommu.h's IOMMU_* prot flags. These are in-kernel values (no uAPI), and the
// project fixes IOMMU_MMIO = 8; NOEXEC and PRIV therefore sit at 16 and 32 (Linux: NOEXEC 8, MMIO 16).

export const PROT_READ = 1;
export const PROT_WRITE = 2;
/** IOMMU_CACHE: DMA is cache-coherent (LPAE: normal write-back memory, inner shareable). */
export const PROT_CACHE = 4;
/** IOMMU_MMIO: device memory attributes (LPAE: AttrIndx 2 / S2 MemAttr 0b0001). */
export const PROT_MMIO = 8;
/** IOMMU_NOEXEC: LPAE XN (bits 54:53). */
export const PROT_NOEXEC = 16;
/** IOMMU_PRIV: privileged-only (LPAE stage 1: AP[1] clear). */
export const PROT_PRIV = 32;

export type PageTableFormat = 'vtd-ss' | 'lpae-s1' | 'lpae-s2';

export interface PageTableOptions {
  /** LPAE translation granule in bytes (default 4096). VT-d is always 4096. */
  granule?: 4096 | 16384 | 65536;
  /** Input (IOVA) address bits: VT-d 39, 48 (default) or 57; LPAE 32..48 (default 48). */
  inputBits?: number;
  /** VT-d: set SNP (bit 11) on every leaf (the domain enforces snooping). */
  snoop?: boolean;
  /**
   * Dirty tracking capable domain. VT-d: second-stage A/D (SSADE) — markDirty sets A/D.
   * LPAE: Linux IO_PGTABLE_QUIRK_ARM_HD — writable leaves get DBM and start writable-dirty.
   */
  hd?: boolean;
  /** Largest leaf the hardware supports, as a byte shift (e.g. 21 for VT-d without 1 GiB SLLPS). */
  maxLeafShift?: number;
}

export interface WalkOut {
  /** 4 KiB frame the IOVA frame translates to. */
  paPfn: number;
  /** Byte shift of the leaf that translated it (12, 21, 30, 14, 25, 16, 29). */
  pageShift: number;
  /** Effective PROT_READ | PROT_WRITE. */
  perm: number;
  /** Level of the leaf, or the level at which the walk stopped. */
  level: number;
  /** Descriptors read. */
  memRefs: number;
  /** The leaf is dirty (VT-d D; LPAE DBM and writable-dirty). */
  dirty: boolean;
}

export function newWalkOut(): WalkOut {
  return { paPfn: 0, pageShift: 0, perm: 0, level: 0, memRefs: 0, dirty: false };
}

/** Pack a walk result as `walkBatch` does (pageShift 0 for a failed walk). */
export function packWalkInfo(ok: boolean, out: WalkOut): number {
  return (ok ? out.pageShift & 0xff : 0) | (ok ? (out.perm & 0xff) << 8 : 0) | (out.memRefs & 0xff) << 16 |
    (out.level & 0xf) << 24 | (ok && out.dirty ? 1 << 28 : 0);
}

/** Unpack a `walkBatch` result into `out` (paPfn from the batch's frame array); returns whether the walk succeeded. */
export function unpackWalkInfo(paPfn: number, info: number, out: WalkOut): boolean {
  const ok = (info & 0xff) !== 0;
  out.paPfn = paPfn;
  if (ok) out.pageShift = info & 0xff;
  out.perm = (info >>> 8) & 0xff;
  out.memRefs = (info >>> 16) & 0xff;
  out.level = (info >>> 24) & 0xf;
  out.dirty = ((info >>> 28) & 1) !== 0;
  return ok;
}

export interface PageTableStats {
  /** Frames (4 KiB) of table memory owned by this page table, root included. */
  tableFrames: number;
  /** Leaf count by size label ('4K', '2M', '1G', '16K', '32M', '64K', '512M'), for every size the table may use. */
  leaves: Record<string, number>;
}

export interface PageTable {
  /** 'vtd-ss', 'lpae-s1-4k', 'lpae-s2-64k', ... */
  readonly formatName: string;
  /** Physical frame of the root table (the first frame of a concatenated stage-2 root). */
  readonly rootPfn: number;
  /** 12, 14 or 16. */
  readonly granuleShift: number;
  /** Leaf byte shifts this table may use, ascending. */
  readonly pageShifts: readonly number[];
  /** Architectural level numbers from the root down to the last level. */
  readonly levels: readonly number[];
  readonly inputBits: number;
  /** Dirty tracking capable (see PageTableOptions.hd). */
  readonly hd: boolean;
  /**
   * Map nPages 4 KiB frames iova → pa with the largest leaves that the alignment of both addresses,
   * the remaining length, the format and `maxPageShift` allow (12 forces granule pages). Atomic: on
   * failure nothing stays mapped and no table stays allocated. Errors: EINVAL (no R/W permission,
   * non-integer or negative arguments, not granule-aligned), EEXIST (something in the range is
   * mapped), ENOMEM (table pool exhausted), out of the input/output range: EFAULT (VT-d, as
   * intel_iommu_map) or ERANGE (LPAE, as io-pgtable-arm).
   */
  map(iovaPfn: number, paPfn: number, nPages: number, prot: number, maxPageShift?: number): void;
  /**
   * Remove every leaf intersecting [iovaPfn, iovaPfn + nPages): leaves go whole (a 2 MiB leaf touched by
   * one frame is removed entirely). Returns the 4 KiB frames removed. Like Linux, a table is freed only
   * when the range covers its whole span; one emptied by a partial unmap stays allocated (reused by later
   * maps, freed by a covering unmap or destroy()). The root is never freed.
   */
  unmap(iovaPfn: number, nPages: number): number;
  /** Translate one 4 KiB frame; no allocation. false if not mapped (out.level = level of the miss). */
  walk(iovaPfn: number, out: WalkOut): boolean;
  /**
   * `walk` for the first n frames of `pfns` at once, with the same results, packed (see
   * `unpackWalkInfo`): paPfn[j] = the frame (0 when not mapped), info[j] = pageShift | perm << 8 |
   * memRefs << 16 | level << 24 | dirty << 28 (pageShift 0 when not mapped). A 4-level VT-d table
   * walks every frame down to its last-level table first, then reads all the last-level entries in
   * a pass of their own (the reads that miss the CPU caches, independent of one another, so they
   * overlap); other formats walk one frame after another. Reads the table only; no allocation.
   * RangeError if an array is shorter than n.
   */
  walkBatch(pfns: Float64Array, n: number, paPfn: Float64Array, info: Int32Array): void;
  /**
   * A DMA write by hardware with dirty tracking on. VT-d (hd): sets A on the paging entries used and
   * A|D on the leaf. LPAE (hd): a DBM leaf in writable-clean state becomes writable-dirty (S1 clears
   * AP[2], S2 sets S2AP[1]). Without hd nothing changes. Returns false if the frame is not mapped or
   * the leaf is not writable (the write would fault).
   */
  markDirty(iovaPfn: number): boolean;
  /**
   * cb(leafIovaPfn, leafFrames) for every dirty leaf intersecting the range, in IOVA order, then
   * clean it (VT-d: clear D; LPAE S1: set AP[2]; S2: clear S2AP[1]) unless noClear.
   */
  readAndClearDirty(
    iovaPfn: number,
    nPages: number,
    noClear: boolean,
    cb: (iovaPfn: number, nPages: number) => void,
  ): void;
  /**
   * The raw descriptor at architectural `level` on the walk path of iovaPfn (0n for an empty slot),
   * or undefined when the walk ends above that level or the level does not exist.
   */
  readEntry(iovaPfn: number, level: number): bigint | undefined;
  stats(): PageTableStats;
  /** Free every table frame, the root included; the object is unusable afterwards. */
  destroy(): void;
}

// ------------------------------------------------------------------ descriptor bits

const KIND_VTD = 0;
const KIND_S1 = 1;
const KIND_S2 = 2;

// VT-d second stage (low word)
const VTD_R = 1 << 0;
const VTD_W = 1 << 1;
const VTD_PS = 1 << 7;
const VTD_A = 1 << 8;
const VTD_D = 1 << 9;
const VTD_SNP = 1 << 11;

// LPAE (low word)
const LPAE_VALID = 1 << 0;
const LPAE_TYPE_TABLE = 3; // also TYPE_PAGE at level 3
const LPAE_TYPE_BLOCK = 1;
const LPAE_AF = 1 << 10;
const LPAE_SH_OS = 2 << 8;
const LPAE_SH_IS = 3 << 8;
const LPAE_S1_AP_UNPRIV = 1 << 6;
const LPAE_S1_AP_RDONLY = 1 << 7;
const LPAE_S1_NG = 1 << 11;
const LPAE_S1_ATTRIDX_SHIFT = 2;
const LPAE_MAIR_IDX_CACHE = 1;
const LPAE_MAIR_IDX_DEV = 2;
const LPAE_S2_AP_READ = 1 << 6;
const LPAE_S2_AP_WRITE = 1 << 7;
const LPAE_S2_MEMATTR_OIWB = 0xf << 2;
const LPAE_S2_MEMATTR_NC = 0x5 << 2;
const LPAE_S2_MEMATTR_DEV = 0x1 << 2;
// LPAE (high word: bit n of the descriptor is bit n-32 of the high word)
const LPAE_HI_DBM = 1 << (51 - 32);
const LPAE_HI_XN = 3 << (53 - 32);

/** walkBatch: marks a frame whose walk goes on at the next level (info is negative). */
const BATCH_PENDING = -0x80000000;
const TWO20 = 1048576; // frames per 4 GiB: pfn → (lo bits 31:12, hi bits)
const TWO32 = 4294967296;
const S2_MAX_CONCAT_TABLES = 16;

// ------------------------------------------------------------------ shared per-pool entry counts

interface PoolMeta {
  counts: Uint16Array;
}
const poolMeta = new WeakMap<TableMemory, PoolMeta>();

function metaFor(mem: TableMemory): PoolMeta {
  let m = poolMeta.get(mem);
  if (!m) {
    m = { counts: new Uint16Array(Math.max(64, mem.words.length >>> 10)) };
    poolMeta.set(mem, m);
  }
  return m;
}

/** '4K', '2M', '1G', '512M' ... for a byte shift. */
export function leafLabel(shift: number): string {
  if (shift < 20) return `${2 ** (shift - 10)}K`;
  if (shift < 30) return `${2 ** (shift - 20)}M`;
  return `${2 ** (shift - 30)}G`;
}

function isNat(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0;
}

/** Pool word index of the table a VT-d non-leaf entry at word p (low word lo) points to. */
function vtdNext(w: Uint32Array, p: number, lo: number, base: number): number {
  return ((lo >>> 12) + (w[p + 1]! & 0xfffff) * TWO20 - base) * 1024;
}

/** Fill `out` from the VT-d leaf at word p (low word lo) at level index i (0 = SL-PML4E). */
function vtdLeaf(out: WalkOut, w: Uint32Array, p: number, lo: number, offset: number, i: number, perm: number): true {
  out.paPfn = (lo >>> 12) + (w[p + 1]! & 0xfffff) * TWO20 + offset;
  out.pageShift = 39 - 9 * i;
  out.level = 4 - i;
  out.memRefs = i + 1;
  out.perm = perm & (VTD_R | VTD_W);
  out.dirty = (lo & VTD_D) !== 0;
  return true;
}

// ------------------------------------------------------------------ the page table

class IommuPageTable implements PageTable {
  readonly formatName: string;
  readonly rootPfn: number;
  readonly granuleShift: number;
  readonly pageShifts: readonly number[];
  readonly levels: readonly number[];
  readonly inputBits: number;
  readonly hd: boolean;

  private readonly mem: TableMemory;
  private readonly base: number;
  private readonly kind: number;
  private readonly n: number;
  /** VT-d 4-level: walk() takes the unrolled path */
  private readonly vtd4: boolean;
  /** 4 KiB frames covered by one entry of level i (a power of two). */
  private readonly scale: Float64Array;
  private readonly nEntries: Int32Array;
  /** nEntries - 1: index of an entry = ToUint32(pfn / scale) & idxMask (exact: both are powers of two). */
  private readonly idxMask: Int32Array;
  /** Frames of a (non-root) table at level i. */
  private readonly tblFrames: Int32Array;
  /** 1 if a leaf may be installed at level i. */
  private readonly leafOk: Uint8Array;
  private readonly leafShift: Int32Array;
  private readonly hwLevel: Int32Array;
  private readonly leafCount: Float64Array;
  private readonly attrLo: Int32Array;
  private readonly attrHi: Int32Array;
  private readonly pathTbl: Int32Array;
  private readonly pathPos: Int32Array;
  /** Low-word bits that make an entry present (VT-d: R|W; LPAE: valid). */
  private readonly presentMask: number;
  /** High-word address bits (VT-d 51:32, LPAE 47:32). */
  private readonly hiAddrMask: number;
  /** IOVA frames covered by the table (2^(inputBits-12)). */
  private limitPfn: number;
  /** First output frame beyond the output address size. */
  private readonly paLimitPfn: number;
  private readonly minPages: number;
  private readonly rootIdx: number;
  /** Pool runs (pfn, frames) that make up the root, freed on destroy. */
  private readonly rootRuns: number[];
  private readonly meta: PoolMeta;
  private tableFrameCount = 0;
  private snoop: boolean;
  private destroyed = false;

  constructor(mem: TableMemory, format: PageTableFormat, opts: PageTableOptions) {
    this.mem = mem;
    this.base = mem.tableBasePfn;
    this.meta = metaFor(mem);
    this.hd = opts.hd ?? false;
    this.snoop = opts.snoop ?? false;
    const maxLeaf = opts.maxLeafShift ?? 64;
    if (!Number.isInteger(maxLeaf) || maxLeaf < 12) throw kerr('EINVAL', `maxLeafShift ${maxLeaf}`);

    // Geometry, root first: architectural level, pfn shift per entry, entries, table frames, leaf allowed.
    const hw: number[] = [];
    const shifts: number[] = [];
    const entries: number[] = [];
    const frames: number[] = [];
    const leafOk: boolean[] = [];
    let rootFrames: number;

    if (format === 'vtd-ss') {
      this.kind = KIND_VTD;
      if (opts.granule !== undefined && opts.granule !== 4096) throw kerr('EINVAL', 'VT-d second stage has a 4 KiB granule only');
      const ib = opts.inputBits ?? 48;
      if (ib !== 39 && ib !== 48 && ib !== 57) throw kerr('EINVAL', `VT-d second stage supports 39, 48 or 57 input bits, not ${ib}`);
      this.inputBits = ib;
      this.granuleShift = 12;
      const nl = (ib - 12) / 9;
      for (let i = 0; i < nl; i++) {
        const lvl = nl - i;
        hw.push(lvl);
        shifts.push(9 * (lvl - 1));
        entries.push(512);
        frames.push(1);
        leafOk.push(lvl <= 3 && 12 + 9 * (lvl - 1) <= Math.max(12, maxLeaf));
      }
      rootFrames = 1;
      this.formatName = 'vtd-ss';
      this.presentMask = VTD_R | VTD_W;
      this.hiAddrMask = 0xfffff;
      this.paLimitPfn = 2 ** 40; // address bits 51:12
    } else if (format === 'lpae-s1' || format === 'lpae-s2') {
      this.kind = format === 'lpae-s1' ? KIND_S1 : KIND_S2;
      const granule = opts.granule ?? 4096;
      if (granule !== 4096 && granule !== 16384 && granule !== 65536) throw kerr('EINVAL', `granule ${granule}`);
      if (opts.snoop) throw kerr('EINVAL', 'snoop is a VT-d option (LPAE uses PROT_CACHE attributes)');
      const g = Math.log2(granule);
      const ib = opts.inputBits ?? 48;
      if (!Number.isInteger(ib) || ib < 32 || ib > 48) throw kerr('EINVAL', `LPAE input bits ${ib} (32..48)`);
      this.inputBits = ib;
      this.granuleShift = g;
      const bpl = g - 3;
      const vaBits = ib - g;
      let nl = Math.ceil(vaBits / bpl);
      let start = 4 - nl;
      let pgdBits = vaBits - bpl * (nl - 1);
      if (this.kind === KIND_S2 && start === 0 && 2 ** pgdBits <= S2_MAX_CONCAT_TABLES) {
        // concatenate the level-1 tables instead of a tiny level-0 table
        pgdBits += bpl;
        start = 1;
        nl -= 1;
      }
      for (let i = 0; i < nl; i++) {
        const lvl = start + i;
        hw.push(lvl);
        const sh = g - 12 + bpl * (3 - lvl);
        shifts.push(sh);
        entries.push(i === 0 ? 2 ** pgdBits : 2 ** bpl);
        frames.push(granule / 4096);
        const allowed = lvl === 3 || lvl === 2 || (lvl === 1 && g === 12);
        leafOk.push(allowed && (lvl === 3 || 12 + sh <= maxLeaf));
      }
      rootFrames = Math.max(1, (2 ** pgdBits * 8) / 4096);
      this.formatName = `${format}-${granule / 1024}k`;
      this.presentMask = LPAE_VALID;
      this.hiAddrMask = 0xffff;
      this.paLimitPfn = 2 ** 36; // 48-bit output
    } else {
      throw kerr('EINVAL', `unknown page-table format ${String(format)}`);
    }

    const n = hw.length;
    this.n = n;
    this.vtd4 = this.kind === KIND_VTD && n === 4;
    this.levels = Object.freeze(hw.slice());
    this.scale = new Float64Array(shifts.map((s) => 2 ** s));
    this.nEntries = Int32Array.from(entries);
    this.idxMask = Int32Array.from(entries.map((e) => e - 1));
    this.tblFrames = Int32Array.from(frames);
    this.leafOk = Uint8Array.from(leafOk.map((b) => (b ? 1 : 0)));
    this.leafShift = Int32Array.from(shifts.map((s) => s + 12));
    this.hwLevel = Int32Array.from(hw);
    this.leafCount = new Float64Array(n);
    this.attrLo = new Int32Array(n);
    this.attrHi = new Int32Array(n);
    this.pathTbl = new Int32Array(n);
    this.pathPos = new Int32Array(n);
    this.limitPfn = 2 ** (this.inputBits - 12);
    this.minPages = 2 ** (this.granuleShift - 12);
    const ps: number[] = [];
    for (let i = n - 1; i >= 0; i--) if (this.leafOk[i]) ps.push(this.leafShift[i]);
    this.pageShifts = Object.freeze(ps);

    // Root: pool runs are 1, 4 or 16 frames; a 2- or 8-frame root (concatenated S2 tables) is carved
    // from the next larger run and the tail handed back.
    this.rootRuns = [];
    let rootPfn: number;
    if (rootFrames === 1 || rootFrames === 4 || rootFrames === 16) {
      rootPfn = mem.allocTable(rootFrames);
      this.rootRuns.push(rootPfn, rootFrames);
    } else if (rootFrames === 2 || rootFrames === 8) {
      const run = rootFrames === 2 ? 4 : 16;
      const piece = rootFrames === 2 ? 1 : 4;
      rootPfn = mem.allocTable(run);
      for (let f = rootFrames; f < run; f += piece) mem.freeTable(rootPfn + f, piece);
      for (let f = 0; f < rootFrames; f += piece) this.rootRuns.push(rootPfn + f, piece);
    } else {
      throw kerr('EINVAL', `root table of ${rootFrames} frames`);
    }
    this.tableFrameCount = rootFrames;
    this.rootPfn = rootPfn;
    this.rootIdx = rootPfn - this.base;
    this.ensureCounts();
    this.meta.counts[this.rootIdx] = 0;
  }

  /** VT-d: set or clear SNP on leaves installed from now on (enforce_cache_coherency). */
  setSnoop(on: boolean): void {
    if (this.kind !== KIND_VTD) throw kerr('EOPNOTSUPP', 'snoop control is a VT-d second-stage feature');
    this.snoop = on;
  }

  // ---------------------------------------------------------------- table allocation

  private ensureCounts(): void {
    const need = this.mem.words.length >>> 10;
    const c = this.meta.counts;
    if (c.length >= need) return;
    let len = c.length;
    while (len < need) len *= 2;
    const grown = new Uint16Array(len);
    grown.set(c);
    this.meta.counts = grown;
  }

  /** Allocate a zeroed table for level i; returns its pool frame index. */
  private allocLevelTable(i: number): number {
    const frames = this.tblFrames[i];
    const pfn = this.mem.allocTable(frames);
    this.tableFrameCount += frames;
    const idx = pfn - this.base;
    this.ensureCounts();
    this.meta.counts[idx] = 0;
    return idx;
  }

  private freeLevelTable(idx: number, i: number): void {
    const frames = this.tblFrames[i];
    this.meta.counts[idx] = 0;
    this.mem.freeTable(idx + this.base, frames);
    this.tableFrameCount -= frames;
  }

  private checkLive(): void {
    if (this.destroyed) throw kerr('EINVAL', 'page table destroyed');
  }

  // ---------------------------------------------------------------- map

  private setAttrs(prot: number): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      let lo = 0;
      let hi = 0;
      if (this.kind === KIND_VTD) {
        lo = prot & (VTD_R | VTD_W);
        if (!last) lo |= VTD_PS;
        if (this.snoop) lo |= VTD_SNP;
      } else {
        lo = (last ? LPAE_TYPE_TABLE : LPAE_TYPE_BLOCK) | LPAE_AF | (prot & PROT_CACHE ? LPAE_SH_IS : LPAE_SH_OS);
        if (this.kind === KIND_S1) {
          lo |= LPAE_S1_NG;
          if (!(prot & PROT_WRITE) && prot & PROT_READ) lo |= LPAE_S1_AP_RDONLY;
          else if (this.hd) hi |= LPAE_HI_DBM;
          if (!(prot & PROT_PRIV)) lo |= LPAE_S1_AP_UNPRIV;
          if (prot & PROT_MMIO) lo |= LPAE_MAIR_IDX_DEV << LPAE_S1_ATTRIDX_SHIFT;
          else if (prot & PROT_CACHE) lo |= LPAE_MAIR_IDX_CACHE << LPAE_S1_ATTRIDX_SHIFT;
        } else {
          if (prot & PROT_READ) lo |= LPAE_S2_AP_READ;
          if (prot & PROT_WRITE) {
            lo |= LPAE_S2_AP_WRITE;
            if (this.hd) hi |= LPAE_HI_DBM;
          }
          if (prot & PROT_MMIO) lo |= LPAE_S2_MEMATTR_DEV;
          else if (prot & PROT_CACHE) lo |= LPAE_S2_MEMATTR_OIWB;
          else lo |= LPAE_S2_MEMATTR_NC;
        }
        if (prot & PROT_NOEXEC) hi |= LPAE_HI_XN;
      }
      this.attrLo[i] = lo;
      this.attrHi[i] = hi;
    }
  }

  map(iovaPfn: number, paPfn: number, nPages: number, prot: number, maxPageShift = 64): void {
    this.checkLive();
    if (!isNat(iovaPfn) || !isNat(paPfn) || !isNat(nPages)) {
      throw kerr('EINVAL', 'iova, pa and page count must be non-negative integers');
    }
    if (nPages === 0) return;
    const g = this.minPages;
    if (g > 1 && ((iovaPfn >>> 0) | (paPfn >>> 0) | (nPages >>> 0)) & (g - 1)) {
      throw kerr('EINVAL', `iova, pa and length must be aligned to the ${g * 4} KiB granule`);
    }
    if ((prot & (PROT_READ | PROT_WRITE)) === 0) throw kerr('EINVAL', 'mapping needs read or write permission');
    const rangeErr = this.kind === KIND_VTD ? 'EFAULT' : 'ERANGE';
    if (iovaPfn + nPages > this.limitPfn) throw kerr(rangeErr, `iova beyond the ${this.inputBits}-bit input range`);
    if (paPfn + nPages > this.paLimitPfn) throw kerr(rangeErr, 'physical address beyond the output range');
    this.setAttrs(prot);

    const last = this.n - 1;
    // highest level at which a leaf may go, given maxPageShift
    let top = last;
    for (let i = last; i >= 0; i--) if (this.leafOk[i] === 1 && this.leafShift[i] <= maxPageShift) top = i;

    let done = 0;
    try {
      while (done < nPages) {
        const iova = iovaPfn + done;
        const pa = paPfn + done;
        const rem = nPages - done;
        const L = this.leafLevelFor(iova, pa, rem, top);
        const t = this.descend(iova, L);
        // fill entries of this table; stops at the table end, the run end or an existing entry
        const s = this.scale[L];
        const e = ((iova / s) >>> 0) & this.idxMask[L];
        const k = Math.min(this.nEntries[L] - e, Math.floor(rem / s));
        const j = this.fill(t, e, k, pa, L);
        done += j * s;
        if (j < k) throw kerr('EEXIST', `iova frame 0x${(iovaPfn + done).toString(16)} is already mapped`);
      }
    } catch (err) {
      if (done > 0) this.unmapLevel(0, this.rootIdx, iovaPfn, iovaPfn + done);
      // unmapLevel frees only the tables the range covers whole; the ones it leaves empty sit on
      // the walk paths of the range's two ends
      this.pruneEmptyPath(iovaPfn + done);
      if (done > 0) this.pruneEmptyPath(iovaPfn);
      throw err;
    }
  }

  /** The largest allowed leaf level (index) aligned for both addresses and not longer than what is left. */
  private leafLevelFor(iova: number, pa: number, rem: number, top: number): number {
    const last = this.n - 1;
    const addrs = (iova >>> 0) | (pa >>> 0);
    for (let i = top; i < last; i++) {
      const s = this.scale[i];
      if (this.leafOk[i] === 1 && s <= rem && (addrs & (s - 1)) === 0) return i;
    }
    return last;
  }

  /** Walk to the table at level index L for iova, creating missing tables; returns its pool frame index. */
  private descend(iova: number, L: number): number {
    let t = this.rootIdx;
    const pm = this.presentMask;
    for (let i = 0; i < L; i++) {
      const p = t * 1024 + (((iova / this.scale[i]) >>> 0) & this.idxMask[i]) * 2;
      let w = this.mem.words;
      const lo = w[p];
      if ((lo & pm) === 0) {
        const c = this.allocLevelTable(i + 1);
        w = this.mem.words;
        const cp = c + this.base;
        w[p] = ((cp >>> 0) & 0xfffff) * 4096 + 3; // VT-d: R|W, LPAE: table
        w[p + 1] = Math.floor(cp / TWO20);
        this.meta.counts[t]++;
        t = c;
      } else if (this.kind === KIND_VTD ? (lo & VTD_PS) === 0 : (lo & 2) !== 0) {
        t = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
      } else {
        throw kerr('EEXIST', `iova frame 0x${iova.toString(16)} is already mapped by a larger leaf`);
      }
    }
    return t;
  }

  /** Install up to k leaves at level index L from entry e of table t; returns how many were installed. */
  private fill(t: number, e: number, k: number, pa: number, L: number): number {
    const w = this.mem.words;
    const pm = this.presentMask;
    const aLo = this.attrLo[L];
    const aHi = this.attrHi[L];
    const step = this.scale[L] * 4096;
    let lo = ((pa >>> 0) & 0xfffff) * 4096;
    let hi = Math.floor(pa / TWO20);
    let p = t * 1024 + e * 2;
    let j = 0;
    for (; j < k; j++) {
      if ((w[p] & pm) !== 0 && !this.dropLeafFreeTable(t, p, L)) break;
      w[p] = lo + aLo;
      w[p + 1] = hi | aHi;
      p += 2;
      lo += step;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi++;
      }
    }
    this.meta.counts[t] += j;
    this.leafCount[L] += j;
    return j;
  }

  /**
   * Slot p of table t (level index L) is present where a leaf should go. If it points to a table with
   * no leaf below it (kept by a partial unmap), free that subtree and clear the slot so the leaf can
   * replace it, as Linux does (VT-d switch_to_super_page, io-pgtable-arm arm_lpae_init_pte).
   */
  private dropLeafFreeTable(t: number, p: number, L: number): boolean {
    if (L === this.n - 1) return false;
    const w = this.mem.words;
    const lo = w[p];
    if (this.isLeaf(L, lo)) return false;
    const c = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
    if (!this.leafFree(L + 1, c)) return false;
    this.freeSubtrees(L + 1, c);
    this.freeLevelTable(c, L + 1);
    w[p] = 0;
    w[p + 1] = 0;
    this.meta.counts[t]--;
    return true;
  }

  /** No leaf anywhere below table c (level index i). */
  private leafFree(i: number, c: number): boolean {
    if (this.meta.counts[c] === 0) return true;
    if (i === this.n - 1) return false;
    const w = this.mem.words;
    const ne = this.nEntries[i];
    for (let e = 0, p = c * 1024; e < ne; e++, p += 2) {
      const lo = w[p];
      if ((lo & this.presentMask) === 0) continue;
      if (this.isLeaf(i, lo)) return false;
      if (!this.leafFree(i + 1, (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base)) return false;
    }
    return true;
  }

  /** Free the empty non-root tables on the walk path of iova (left by a failed map). */
  private pruneEmptyPath(iova: number): void {
    const w = this.mem.words;
    const counts = this.meta.counts;
    let t = this.rootIdx;
    let depth = 0;
    for (let i = 0; i < this.n - 1; i++) {
      const p = t * 1024 + (((iova / this.scale[i]) >>> 0) & this.idxMask[i]) * 2;
      const lo = w[p];
      if ((lo & this.presentMask) === 0 || this.isLeaf(i, lo)) break;
      this.pathTbl[depth] = t;
      this.pathPos[depth] = p;
      depth++;
      t = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
    }
    // t is the deepest table reached, at level `depth`
    while (depth > 0 && counts[t] === 0) {
      this.freeLevelTable(t, depth);
      depth--;
      const parent = this.pathTbl[depth];
      const p = this.pathPos[depth];
      w[p] = 0;
      w[p + 1] = 0;
      counts[parent]--;
      t = parent;
    }
  }

  private isLeaf(i: number, lo: number): boolean {
    if (i === this.n - 1) return true;
    return this.kind === KIND_VTD ? (lo & VTD_PS) !== 0 : (lo & 2) === 0;
  }

  // ---------------------------------------------------------------- unmap

  unmap(iovaPfn: number, nPages: number): number {
    this.checkLive();
    if (!isNat(iovaPfn) || !isNat(nPages)) throw kerr('EINVAL', 'iova and page count must be non-negative integers');
    const end = Math.min(iovaPfn + nPages, this.limitPfn);
    if (iovaPfn >= end) return 0;
    return this.unmapLevel(0, this.rootIdx, iovaPfn, end);
  }

  /** Clear every leaf intersecting [start, end) under table t (level i); frees child tables the range covers whole. */
  private unmapLevel(i: number, t: number, start: number, end: number): number {
    const s = this.scale[i];
    const first = Math.floor(start / s);
    const stop = Math.ceil(end / s);
    const w = this.mem.words;
    const counts = this.meta.counts;
    const pm = this.presentMask;
    let p = t * 1024 + ((first >>> 0) & this.idxMask[i]) * 2;
    let removed = 0;
    if (i === this.n - 1) {
      let cleared = 0;
      for (let a = first; a < stop; a++, p += 2) {
        if ((w[p] & pm) === 0) continue;
        w[p] = 0;
        w[p + 1] = 0;
        cleared++;
      }
      counts[t] -= cleared;
      this.leafCount[i] -= cleared;
      return cleared * s;
    }
    const vtd = this.kind === KIND_VTD;
    let leaves = 0;
    for (let a = first; a < stop; a++, p += 2) {
      const lo = w[p];
      if ((lo & pm) === 0) continue;
      if (vtd ? (lo & VTD_PS) !== 0 : (lo & 2) === 0) {
        w[p] = 0;
        w[p + 1] = 0;
        leaves++;
      } else {
        const c = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
        const cs = a * s;
        removed += this.unmapLevel(i + 1, c, start > cs ? start : cs, end < cs + s ? end : cs + s);
        // Like Linux (dma_pte_clear_level / iommupt), a table is freed only when the unmap
        // covers its whole span; one emptied by a partial unmap stays until reused or destroyed.
        if (counts[c] === 0 && start <= cs && end >= cs + s) {
          this.freeLevelTable(c, i + 1);
          w[p] = 0;
          w[p + 1] = 0;
          counts[t]--;
        }
      }
    }
    counts[t] -= leaves;
    this.leafCount[i] -= leaves;
    return removed + leaves * s;
  }

  // ---------------------------------------------------------------- walk

  // Kept small so that callers (the IOTLB's miss path) can inline it together with walkVtd4.
  walk(iovaPfn: number, out: WalkOut): boolean {
    // limitPfn is 0 once destroyed
    if (!(iovaPfn >= 0 && iovaPfn < this.limitPfn)) return this.outOfRange(out);
    if (this.vtd4) return this.walkVtd4(iovaPfn, out);
    return this.walkGeneric(iovaPfn, out);
  }

  walkBatch(pfns: Float64Array, n: number, paPfn: Float64Array, info: Int32Array): void {
    if (!(n >= 0 && n <= pfns.length && n <= paPfn.length && n <= info.length && (n | 0) === n)) {
      throw new RangeError(`walkBatch: ${n} frames do not fit arrays of ${pfns.length}, ${paPfn.length}, ${info.length}`);
    }
    if (this.vtd4) {
      this.walkBatchVtd4(pfns, n, paPfn, info);
      return;
    }
    const w = this.batchOut;
    for (let j = 0; j < n; j++) {
      const ok = this.walk(pfns[j]!, w);
      paPfn[j] = ok ? w.paPfn : 0;
      info[j] = packWalkInfo(ok, w);
    }
  }

  private readonly batchOut: WalkOut = newWalkOut();

  /**
   * walkBatch of a 4-level VT-d table in two passes: the first walks every frame down to its
   * SL-PDE (the upper levels of a table are few and stay in the CPU caches, so these reads rarely
   * wait), the second reads the SL-PTEs, the level whose reads miss the caches, as independent
   * loads of one loop, so that they overlap. Between the passes a frame still walking keeps the
   * pool word index of its SL-PTE in paPfn[j] and BATCH_PENDING | (R/W bits of the entries read
   * so far) in info[j] (negative); a frame whose walk ended holds its packed result. Same checks
   * and results as walkVtd4.
   */
  private walkBatchVtd4(pfns: Float64Array, n: number, paPfn: Float64Array, info: Int32Array): void {
    const w = this.mem.words;
    const base = this.base;
    const limit = this.limitPfn;
    const root = this.rootIdx * 1024;
    for (let j = 0; j < n; j++) {
      const pfn = pfns[j]!;
      if (!(pfn >= 0 && pfn < limit)) {
        paPfn[j] = 0;
        info[j] = 4 << 24; // out of range: level 4, no reads
        continue;
      }
      const lo32 = pfn | 0;
      // SL-PML4E (never a leaf): frame bits 35:27
      let p = root + (((pfn / 134217728) >>> 0) & 511) * 2;
      let lo = w[p]!;
      if ((lo & (VTD_R | VTD_W)) === 0) {
        paPfn[j] = 0;
        info[j] = (1 << 16) | (4 << 24);
        continue;
      }
      let perm = lo;
      // SL-PDPE: bits 26:18, may be a 1 GiB leaf
      p = vtdNext(w, p, lo, base) + ((lo32 >>> 18) & 511) * 2;
      lo = w[p]!;
      if ((lo & (VTD_R | VTD_W)) === 0) {
        paPfn[j] = 0;
        info[j] = (2 << 16) | (3 << 24);
        continue;
      }
      perm &= lo;
      if ((lo & VTD_PS) !== 0) {
        paPfn[j] = (lo >>> 12) + (w[p + 1]! & 0xfffff) * TWO20 + (lo32 & 0x3ffff);
        info[j] = 30 | ((perm & (VTD_R | VTD_W)) << 8) | (2 << 16) | (3 << 24) | ((lo & VTD_D) !== 0 ? 1 << 28 : 0);
        continue;
      }
      // SL-PDE: bits 17:9, may be a 2 MiB leaf
      p = vtdNext(w, p, lo, base) + ((lo32 >>> 9) & 511) * 2;
      lo = w[p]!;
      if ((lo & (VTD_R | VTD_W)) === 0) {
        paPfn[j] = 0;
        info[j] = (3 << 16) | (2 << 24);
        continue;
      }
      perm &= lo;
      if ((lo & VTD_PS) !== 0) {
        paPfn[j] = (lo >>> 12) + (w[p + 1]! & 0xfffff) * TWO20 + (lo32 & 0x1ff);
        info[j] = 21 | ((perm & (VTD_R | VTD_W)) << 8) | (3 << 16) | (2 << 24) | ((lo & VTD_D) !== 0 ? 1 << 28 : 0);
        continue;
      }
      paPfn[j] = vtdNext(w, p, lo, base) + (lo32 & 511) * 2;
      info[j] = BATCH_PENDING | (perm & (VTD_R | VTD_W));
    }
    // SL-PTE: always a 4 KiB leaf
    const fault3 = (4 << 16) | (1 << 24);
    const leaf3 = 12 | (4 << 16) | (1 << 24);
    for (let j = 0; j < n; j++) {
      const s = info[j]!;
      if (s >= 0) continue;
      const p = paPfn[j]!;
      const lo = w[p]!;
      if ((lo & (VTD_R | VTD_W)) === 0) {
        paPfn[j] = 0;
        info[j] = fault3;
        continue;
      }
      paPfn[j] = (lo >>> 12) + (w[p + 1]! & 0xfffff) * TWO20;
      info[j] = leaf3 | ((s & lo & (VTD_R | VTD_W)) << 8) | ((lo & VTD_D) !== 0 ? 1 << 28 : 0);
    }
  }

  private outOfRange(out: WalkOut): false {
    out.level = this.hwLevel[0];
    out.memRefs = 0;
    out.perm = 0;
    out.dirty = false;
    return false;
  }

  /** Any format and depth: one loop over the levels. */
  private walkGeneric(iovaPfn: number, out: WalkOut): boolean {
    const w = this.mem.words;
    const scale = this.scale;
    const idxMask = this.idxMask;
    const base = this.base;
    const last = this.n - 1;
    let t = this.rootIdx;
    if (this.kind === KIND_VTD) {
      let perm = VTD_R | VTD_W;
      for (let i = 0; ; i++) {
        const s = scale[i];
        const p = t * 1024 + (((iovaPfn / s) >>> 0) & idxMask[i]) * 2;
        const lo = w[p];
        if ((lo & (VTD_R | VTD_W)) === 0) return this.miss(out, i);
        perm &= lo;
        const addr = (lo >>> 12) + (w[p + 1] & 0xfffff) * TWO20;
        if (i === last || (lo & VTD_PS) !== 0) {
          out.paPfn = addr + ((iovaPfn >>> 0) & (s - 1));
          out.pageShift = this.leafShift[i];
          out.level = this.hwLevel[i];
          out.memRefs = i + 1;
          out.perm = perm & (VTD_R | VTD_W);
          out.dirty = (lo & VTD_D) !== 0;
          return true;
        }
        t = addr - base;
      }
    }
    for (let i = 0; ; i++) {
      const s = scale[i];
      const p = t * 1024 + (((iovaPfn / s) >>> 0) & idxMask[i]) * 2;
      const lo = w[p];
      if (i === last ? (lo & 3) !== 3 : (lo & LPAE_VALID) === 0) return this.miss(out, i);
      const hi = w[p + 1];
      const addr = (lo >>> 12) + (hi & 0xffff) * TWO20;
      if (i !== last && (lo & 2) !== 0) {
        t = addr - base;
        continue;
      }
      out.paPfn = addr + ((iovaPfn >>> 0) & (s - 1));
      out.pageShift = this.leafShift[i];
      out.level = this.hwLevel[i];
      out.memRefs = i + 1;
      const dbm = (hi & LPAE_HI_DBM) !== 0;
      if (this.kind === KIND_S1) {
        const rdonly = (lo & LPAE_S1_AP_RDONLY) !== 0;
        out.perm = !rdonly || dbm ? PROT_READ | PROT_WRITE : PROT_READ;
        out.dirty = dbm && !rdonly;
      } else {
        const wr = (lo & LPAE_S2_AP_WRITE) !== 0;
        out.perm = (lo & LPAE_S2_AP_READ ? PROT_READ : 0) | (wr || dbm ? PROT_WRITE : 0);
        out.dirty = dbm && wr;
      }
      return true;
    }
  }

  /**
   * The common case: VT-d second stage, 4 levels, 4 KiB frames. Same results as the generic loop,
   * several times faster: unrolled, index bits from the low word of the frame (one division, for
   * the level-4 index only), no per-level table lookups, and small enough (under V8's 460-byte
   * inlining limit) to inline into `walk` and through it into the IOTLB's miss path, where a call
   * costs more than the arithmetic. A table pointer outside the pool reads `undefined`, which is
   * not present, as in the generic loop.
   */
  private walkVtd4(pfn: number, out: WalkOut): boolean {
    const w = this.mem.words;
    const base = this.base;
    const lo32 = pfn | 0; // bits 31:0 of the frame (pfn is an integer below 2^36)
    let i = 0; // level index of the entry read last: 0 = SL-PML4E (no PS bit) .. 3 = SL-PTE
    let p = this.rootIdx * 1024 + (((pfn / 134217728) >>> 0) & 511) * 2; // frame bits 35:27
    let lo = w[p]!;
    let perm = lo;
    walk: {
      if ((lo & (VTD_R | VTD_W)) === 0) break walk;
      i = 1; // SL-PDPE: bits 26:18
      p = vtdNext(w, p, lo, base) + ((lo32 >>> 18) & 511) * 2;
      lo = w[p]!;
      if ((lo & (VTD_R | VTD_W)) === 0) break walk;
      perm &= lo;
      if ((lo & VTD_PS) === 0) {
        i = 2; // SL-PDE: bits 17:9
        p = vtdNext(w, p, lo, base) + ((lo32 >>> 9) & 511) * 2;
        lo = w[p]!;
        if ((lo & (VTD_R | VTD_W)) === 0) break walk;
        perm &= lo;
        if ((lo & VTD_PS) === 0) {
          i = 3; // SL-PTE: bits 8:0
          p = vtdNext(w, p, lo, base) + (lo32 & 511) * 2;
          lo = w[p]!;
          if ((lo & (VTD_R | VTD_W)) === 0) break walk;
          perm &= lo;
        }
      }
      // the leaf at level index i covers 2^(27 - 9i) frames
      return vtdLeaf(out, w, p, lo, lo32 & ((1 << (27 - 9 * i)) - 1), i, perm);
    }
    return this.miss(out, i);
  }

  private miss(out: WalkOut, i: number): false {
    out.level = this.hwLevel[i];
    out.memRefs = i + 1;
    out.dirty = false;
    out.perm = 0;
    return false;
  }

  // ---------------------------------------------------------------- dirty tracking

  markDirty(iovaPfn: number): boolean {
    if (!(iovaPfn >= 0 && iovaPfn < this.limitPfn) || this.destroyed) return false;
    const w = this.mem.words;
    const n = this.n;
    let t = this.rootIdx;
    for (let i = 0; i < n; i++) {
      const p = t * 1024 + (((iovaPfn / this.scale[i]) >>> 0) & this.idxMask[i]) * 2;
      const lo = w[p];
      if (this.kind === KIND_VTD) {
        if ((lo & (VTD_R | VTD_W)) === 0) return false;
        if (i < n - 1 && (lo & VTD_PS) === 0) {
          if ((lo & VTD_W) === 0) return false;
          // with second-stage A/D on, hardware sets A in every paging entry it uses
          if (this.hd) w[p] = lo | VTD_A;
          t = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
          continue;
        }
        if ((lo & VTD_W) === 0) return false;
        if (this.hd) w[p] = lo | VTD_A | VTD_D;
        return true;
      }
      if (i === n - 1 ? (lo & 3) !== 3 : (lo & LPAE_VALID) === 0) return false;
      if (i < n - 1 && (lo & 2) !== 0) {
        t = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
        continue;
      }
      const dbm = (w[p + 1] & LPAE_HI_DBM) !== 0;
      if (this.kind === KIND_S1) {
        if ((lo & LPAE_S1_AP_RDONLY) === 0) return true; // writable (dirty, or not tracked)
        if (!dbm || !this.hd) return false; // read-only: the write faults
        w[p] = lo & ~LPAE_S1_AP_RDONLY;
        return true;
      }
      if ((lo & LPAE_S2_AP_WRITE) !== 0) return true;
      if (!dbm || !this.hd) return false;
      w[p] = lo | LPAE_S2_AP_WRITE;
      return true;
    }
    return false;
  }

  readAndClearDirty(
    iovaPfn: number,
    nPages: number,
    noClear: boolean,
    cb: (iovaPfn: number, nPages: number) => void,
  ): void {
    this.checkLive();
    if (!isNat(iovaPfn) || !isNat(nPages)) throw kerr('EINVAL', 'iova and page count must be non-negative integers');
    const end = Math.min(iovaPfn + nPages, this.limitPfn);
    if (iovaPfn >= end) return;
    this.dirtyLevel(0, this.rootIdx, iovaPfn, end, noClear, cb);
  }

  private dirtyLevel(
    i: number,
    t: number,
    start: number,
    end: number,
    noClear: boolean,
    cb: (iovaPfn: number, nPages: number) => void,
  ): void {
    const s = this.scale[i];
    const first = Math.floor(start / s);
    const stop = Math.ceil(end / s);
    const w = this.mem.words;
    let p = t * 1024 + ((first >>> 0) & this.idxMask[i]) * 2;
    for (let a = first; a < stop; a++, p += 2) {
      const lo = w[p];
      if ((lo & this.presentMask) === 0) continue;
      if (!this.isLeaf(i, lo)) {
        const c = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
        const cs = a * s;
        this.dirtyLevel(i + 1, c, start > cs ? start : cs, end < cs + s ? end : cs + s, noClear, cb);
        continue;
      }
      if (i === this.n - 1 && this.kind !== KIND_VTD && (lo & 3) !== 3) continue;
      let dirty: boolean;
      let cleaned: number;
      if (this.kind === KIND_VTD) {
        dirty = (lo & VTD_D) !== 0;
        cleaned = lo & ~VTD_D;
      } else {
        const dbm = (w[p + 1] & LPAE_HI_DBM) !== 0;
        if (this.kind === KIND_S1) {
          dirty = dbm && (lo & LPAE_S1_AP_RDONLY) === 0;
          cleaned = lo | LPAE_S1_AP_RDONLY;
        } else {
          dirty = dbm && (lo & LPAE_S2_AP_WRITE) !== 0;
          cleaned = lo & ~LPAE_S2_AP_WRITE;
        }
      }
      if (!dirty) continue;
      if (!noClear) w[p] = cleaned;
      cb(a * s, s);
    }
  }

  // ---------------------------------------------------------------- inspection

  readEntry(iovaPfn: number, level: number): bigint | undefined {
    if (this.destroyed || !isNat(iovaPfn) || iovaPfn >= this.limitPfn) return undefined;
    const target = this.levels.indexOf(level);
    if (target < 0) return undefined;
    const w = this.mem.words;
    let t = this.rootIdx;
    for (let i = 0; ; i++) {
      const p = t * 1024 + (((iovaPfn / this.scale[i]) >>> 0) & this.idxMask[i]) * 2;
      const lo = w[p];
      const hi = w[p + 1];
      if (i === target) return (BigInt(hi) << 32n) | BigInt(lo);
      if ((lo & this.presentMask) === 0 || this.isLeaf(i, lo)) return undefined;
      t = (lo >>> 12) + (hi & this.hiAddrMask) * TWO20 - this.base;
    }
  }

  stats(): PageTableStats {
    const leaves: Record<string, number> = {};
    for (let i = this.n - 1; i >= 0; i--) {
      if (this.leafOk[i]) leaves[leafLabel(this.leafShift[i])] = this.leafCount[i];
    }
    return { tableFrames: this.destroyed ? 0 : this.tableFrameCount, leaves };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.freeSubtrees(0, this.rootIdx);
    for (let k = 0; k < this.rootRuns.length; k += 2) this.mem.freeTable(this.rootRuns[k], this.rootRuns[k + 1]);
    this.meta.counts[this.rootIdx] = 0;
    this.tableFrameCount = 0;
    this.leafCount.fill(0);
    this.destroyed = true;
    this.limitPfn = 0;
  }

  private freeSubtrees(i: number, t: number): void {
    if (i === this.n - 1) return;
    const w = this.mem.words;
    const ne = this.nEntries[i];
    for (let e = 0, p = t * 1024; e < ne; e++, p += 2) {
      const lo = w[p];
      if ((lo & this.presentMask) === 0 || this.isLeaf(i, lo)) continue;
      const c = (lo >>> 12) + (w[p + 1] & this.hiAddrMask) * TWO20 - this.base;
      this.freeSubtrees(i + 1, c);
      this.freeLevelTable(c, i + 1);
    }
  }
}

export type { IommuPageTable };

/** A page table of the given format with an empty root allocated from `mem`. */
export function createPageTable(
  mem: TableMemory,
  format: PageTableFormat,
  opts: PageTableOptions = {},
): PageTable & { setSnoop(on: boolean): void } {
  return new IommuPageTable(mem, format, opts);
}
