/**
 * IOTLB: a hardware-like, tagged, fixed-capacity translation cache (one per IOMMU unit).
 *
 * An entry is keyed by (tag, base IOVA frame, page size) and yields (base PA frame, page size,
 * permission bits). `tag` is an opaque integer below 2^53 that the kernel model composes (for
 * example domain id and PASID). A huge leaf is cached once under its size-aligned base frame, so
 * a lookup anywhere inside the leaf hits.
 *
 * Organisation: set-associative (`ways` per set, `capacity / ways` sets, both powers of two). The
 * set of an entry is a hash of (tag, base frame >> (pageShift - 12), page size); more bits of the
 * same hash name the entry's preferred way. A new entry always takes its preferred way; the entry
 * it displaces moves to a free way of the set or, when the set is full, to the way of the set's
 * oldest entry, which is evicted (FIFO by insertion). Lookups test the preferred way first, so
 * most hits cost one compare with a well-predicted branch instead of a scan whose hit position is
 * random (on a 4-way set that difference is about 2x in V8). A lookup probes the 4 KiB set first
 * and then one set per other page size that has been inserted (a bitmask, so a 4 KiB-only world
 * costs exactly one probe).
 *
 * Storage is one Float64Array with four doubles per entry: [base iova frame, tag, base pa frame,
 * meta], meta = pageShift + perm * 2^8 + stamp * 2^16 (0 = invalid; perm is 8 bits; stamp is the
 * insertion order used for FIFO replacement, kept in the entry so that choosing a victim touches
 * no other cache line). Frames and tags stay exact below 2^53. The lookup, insert and translate
 * paths allocate nothing and use no BigInt.
 *
 * Coherence is explicit, as in hardware: changing a page table does not touch the cache. Until
 * someone invalidates, lookups keep returning the cached (possibly stale) translation.
 */
import type { WalkOut } from '../pgtable/index.js';

/** Smallest and largest leaf sizes the cache accepts (4 KiB .. 4 TiB). */
export const MIN_PAGE_SHIFT = 12;
export const MAX_PAGE_SHIFT = 42;

/**
 * What a page-table walker fills: libs/pgtable's WalkOut (a type-only import, so the IOTLB does
 * not load the page-table code). `paPfn` is the 4 KiB frame of the target (already offset inside
 * a huge leaf), `pageShift` the leaf size, `memRefs` the table reads the walk made.
 */
export type { WalkOut };

/** Anything that can walk a translation structure (a page table, a nested walker, a fake). */
export interface Walker {
  walk(iovaPfn: number, out: WalkOut): boolean;
  /**
   * Optional: `walk` of the first n frames of `pfns`, packed as libs/pgtable's walkBatch does
   * (paPfn[j] the frame, 0 when not mapped; info[j] = pageShift | perm << 8 | memRefs << 16 |
   * level << 24 | dirty << 28, pageShift 0 when not mapped). A walker that has it promises that
   * its walks only read (a walk's result does not depend on which walks came before), so
   * `translateMany` may walk frames ahead of time, many at once. Without it `translateMany`
   * translates one frame after another.
   */
  walkBatch?(pfns: Float64Array, n: number, paPfn: Float64Array, info: Int32Array): void;
}

/** translateMany's result word: pageShift | perm << 8 | TRANSLATE_HIT; 0 = the walk failed. */
export const TRANSLATE_HIT = 1 << 16;

/** Frames per chunk of translateMany (its scratch arrays hold one chunk). */
const BATCH_CHUNK = 256;

/** Result of a lookup or translate: the exact 4 KiB frame, the leaf size and the permission bits. */
export interface TranslateOut {
  paPfn: number;
  pageShift: number;
  perm: number;
  /** true when the IOTLB supplied the translation, false when a walk did (or it failed). */
  hit: boolean;
}

export function newWalkOut(): WalkOut {
  return { paPfn: 0, pageShift: 0, perm: 0, level: 0, memRefs: 0, dirty: false };
}

export function newTranslateOut(): TranslateOut {
  return { paPfn: 0, pageShift: 0, perm: 0, hit: false };
}

/** One valid entry, as listed by `snapshot()`. Frames are the leaf's aligned bases. */
export interface IotlbEntry {
  slot: number;
  tag: number;
  iovaPfn: number;
  paPfn: number;
  pageShift: number;
  perm: number;
}

export interface IotlbStats {
  capacity: number;
  ways: number;
  hits: number;
  misses: number;
  inserts: number;
  evictions: number;
  /** Walks started by `translate` on a miss, walks that failed, and the table reads they made. */
  walks: number;
  walkFaults: number;
  walkMemRefs: number;
  /** Invalidation operations by scope. */
  invalidations: { all: number; tag: number; range: number };
  /** Range invalidations that scanned the whole cache instead of probing. */
  rangeScans: number;
  /** Entries dropped by invalidations (evictions not included). */
  invalidatedEntries: number;
  validEntries: number;
}

const TWO_POW_32 = 4294967296;
/** stamps stay below 2^37 so that meta = shift + perm * 2^8 + stamp * 2^16 stays below 2^53 */
const MAX_STAMP = 2 ** 37 - 1;

/** 32-bit hash of a tag below 2^53 (both halves mixed in). */
function tagHash(tag: number): number {
  const h = Math.imul((tag | 0) ^ Math.imul((tag / TWO_POW_32) | 0, 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 16);
}

/** Set-index hash for leaf size 2^(12+k) frames; `lo` is the low 32 bits of any frame in the leaf. */
function setHash(th: number, lo: number, k: number): number {
  return (lo >>> k) ^ th ^ Math.imul(k, 0x45d9f3b);
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

export class Iotlb {
  readonly capacity: number;
  readonly ways: number;
  readonly sets: number;
  private readonly e: Float64Array;
  /** last insertion stamp handed out (see meta) */
  private stamp = 0;
  private readonly setMask: number;
  /** log2(sets): the preferred way comes from the hash bits above the set index */
  private readonly setBits: number;
  private readonly wayMask: number;
  /** doubles per set (ways * 4) */
  private readonly setStride: number;
  private sizeBits = 0;
  private valid = 0;
  private readonly scratch: WalkOut = newWalkOut();
  // translateMany's scratch, one chunk: frames to walk, their results, and per frame of the chunk
  // the index of its walk result (-1: not walked ahead)
  private readonly bPfn = new Float64Array(BATCH_CHUNK);
  private readonly bPa = new Float64Array(BATCH_CHUNK);
  private readonly bInfo = new Int32Array(BATCH_CHUNK);
  private readonly bIdx = new Int32Array(BATCH_CHUNK);
  private readonly bOut: TranslateOut = newTranslateOut();
  /** per frame of the chunk: the slot offset its probe found (-1: a miss) */
  private readonly bSlot = new Int32Array(BATCH_CHUNK);
  /** per set: the serial of the last translateMany chunk that placed an entry in it (made on first use) */
  private bSetMark: Uint32Array | undefined;
  private bSerial = 0;
  // counters: plain number fields (cheapest to bump on the hot path; exact up to 2^53)
  private nHits = 0;
  private nMisses = 0;
  private nInserts = 0;
  private nEvictions = 0;
  private nWalks = 0;
  private nWalkFaults = 0;
  private nWalkMemRefs = 0;
  private nInvAll = 0;
  private nInvTag = 0;
  private nInvRange = 0;
  private nRangeScans = 0;
  private nInvEntries = 0;

  /**
   * @param capacity total entries, a power of two (default 4096)
   * @param ways associativity, a power of two ≤ capacity (default 4; 1 = direct-mapped,
   *   capacity = fully associative)
   */
  constructor(capacity = 4096, ways = 4) {
    if (!isPow2(capacity)) throw new RangeError(`IOTLB capacity ${capacity} is not a power of two`);
    if (!isPow2(ways) || ways > capacity) throw new RangeError(`IOTLB ways ${ways} must be a power of two ≤ capacity`);
    this.capacity = capacity;
    this.ways = ways;
    this.sets = capacity / ways;
    this.setMask = this.sets - 1;
    this.setBits = 31 - Math.clz32(this.sets);
    this.wayMask = ways - 1;
    this.setStride = ways * 4;
    this.e = new Float64Array(capacity * 4);
  }

  /** Number of valid entries. */
  get validEntries(): number {
    return this.valid;
  }

  /** Bit k set ⇔ some entry of page shift 12 + k may be present (cleared by full scans). */
  get pageSizeBits(): number {
    return this.sizeBits;
  }

  // ------------------------------------------------------------------ lookup

  /** Offset in `e` of the entry translating (tag, iovaPfn), or -1. Counts nothing. `th` = tagHash(tag). */
  private find(tag: number, th: number, iovaPfn: number): number {
    const e = this.e;
    const lo = iovaPfn | 0;
    const h = lo ^ th; // setHash(th, lo, 0)
    const start = (h & this.setMask) * this.setStride;
    const p = start + ((h >>> this.setBits) & this.wayMask) * 4;
    if (e[p] === iovaPfn && e[p + 1] === tag && (e[p + 3] & 0xff) === MIN_PAGE_SHIFT) return p;
    if (this.wayMask !== 0) {
      const end = start + this.setStride;
      for (let i = start; i < end; i += 4) {
        if (e[i] === iovaPfn && e[i + 1] === tag && (e[i + 3] & 0xff) === MIN_PAGE_SHIFT) return i;
      }
    }
    let m = this.sizeBits & ~1;
    while (m !== 0) {
      const k = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const i = this.probe(setHash(th, lo, k), tag, iovaPfn - (lo & ((1 << k) - 1)), MIN_PAGE_SHIFT + k);
      if (i >= 0) return i;
    }
    return -1;
  }

  /** Offset of the entry (tag, base, shift) in the set of hash `h` (preferred way first), or -1. */
  private probe(h: number, tag: number, base: number, shift: number): number {
    const e = this.e;
    const start = (h & this.setMask) * this.setStride;
    const p = start + ((h >>> this.setBits) & this.wayMask) * 4;
    if (e[p] === base && e[p + 1] === tag && (e[p + 3] & 0xff) === shift) return p;
    const end = start + this.setStride;
    for (let i = start; i < end; i += 4) {
      if (e[i] === base && e[i + 1] === tag && (e[i + 3] & 0xff) === shift) return i;
    }
    return -1;
  }

  private fill(i: number, iovaPfn: number, out: TranslateOut): void {
    const e = this.e;
    const meta = e[i + 3];
    out.paPfn = e[i + 2] + (iovaPfn - e[i]);
    out.pageShift = meta & 0xff;
    out.perm = (meta >>> 8) & 0xff;
    out.hit = true;
  }

  /** Look (tag, iovaPfn) up, counting a hit or a miss. Fills `out` on a hit. */
  lookup(tag: number, iovaPfn: number, out: TranslateOut): boolean {
    const i = this.find(tag, tagHash(tag), iovaPfn);
    if (i < 0) {
      this.nMisses++;
      out.hit = false;
      return false;
    }
    this.nHits++;
    this.fill(i, iovaPfn, out);
    return true;
  }

  /** Like `lookup` but without touching the statistics (for inspection). */
  peek(tag: number, iovaPfn: number, out: TranslateOut): boolean {
    const i = this.find(tag, tagHash(tag), iovaPfn);
    if (i < 0) {
      out.hit = false;
      return false;
    }
    this.fill(i, iovaPfn, out);
    return true;
  }

  // ------------------------------------------------------------------ insert

  /**
   * Cache the leaf of size 2^pageShift that maps `iovaPfn` to `paPfn` (any frame inside the leaf;
   * both are aligned down to the leaf base). Replaces an existing entry with the same key, else
   * fills an invalid way, else evicts. Returns the slot used.
   */
  insert(tag: number, iovaPfn: number, paPfn: number, pageShift: number, perm: number): number {
    const k = checkShift(pageShift);
    const lo = iovaPfn | 0;
    const off = lo & ((1 << k) - 1);
    const h = setHash(tagHash(tag), lo, k);
    const i = this.probe(h, tag, iovaPfn - off, pageShift);
    if (i >= 0) {
      // same key: refresh in place
      this.e[i + 2] = paPfn - off;
      this.e[i + 3] = pageShift + (perm & 0xff) * 256 + this.nextStamp() * 65536;
      this.nInserts++;
      return i >> 2;
    }
    return this.place(h, tag, iovaPfn - off, paPfn - off, pageShift, perm, k) >> 2;
  }

  /**
   * Put a new entry (known not to be present) at its preferred way; the entry there moves to a
   * free way or, if the set is full, to the way of the set's oldest entry, which is evicted.
   */
  private place(h: number, tag: number, vbase: number, pbase: number, pageShift: number, perm: number, k: number): number {
    const e = this.e;
    const start = (h & this.setMask) * this.setStride;
    const p = start + ((h >>> this.setBits) & this.wayMask) * 4;
    if (e[p + 3] === 0) {
      this.valid++;
    } else {
      // free way, else the oldest (smallest meta: the stamp dominates it)
      const end = start + this.setStride;
      let dst = start;
      let oldest = e[start + 3];
      for (let j = start + 4; j < end; j += 4) {
        const mj = e[j + 3];
        if (mj < oldest) {
          oldest = mj;
          dst = j;
        }
      }
      if (oldest === 0) this.valid++;
      else this.nEvictions++;
      // unconditionally (a copy onto itself when dst === p): one unpredictable branch less
      e[dst] = e[p];
      e[dst + 1] = e[p + 1];
      e[dst + 2] = e[p + 2];
      e[dst + 3] = e[p + 3];
    }
    e[p] = vbase;
    e[p + 1] = tag;
    e[p + 2] = pbase;
    e[p + 3] = pageShift + (perm & 0xff) * 256 + this.nextStamp() * 65536;
    this.sizeBits |= 1 << k;
    this.nInserts++;
    return p;
  }

  private nextStamp(): number {
    if (this.stamp >= MAX_STAMP) {
      // after 2^37 insertions: restart the clock; every valid entry becomes equally old
      const e = this.e;
      for (let i = 3; i < e.length; i += 4) if (e[i] !== 0) e[i] = (e[i] % 65536) + 65536;
      this.stamp = 1;
    }
    return ++this.stamp;
  }

  // ------------------------------------------------------------------ translate

  /**
   * The DMA hot path: lookup; on a miss walk with `walker` (counting the walk and its memory
   * references), cache the result and fill `out`. Returns false (out.hit = false, nothing cached)
   * when the walk fails: the IOTLB does not cache faults.
   */
  translate(tag: number, walker: Walker, iovaPfn: number, out: TranslateOut): boolean {
    const th = tagHash(tag);
    const i = this.find(tag, th, iovaPfn);
    if (i >= 0) {
      this.nHits++;
      this.fill(i, iovaPfn, out);
      return true;
    }
    return this.walkAndFill(tag, th, walker, iovaPfn, out);
  }

  /**
   * The miss path of `translate`. For a 4 KiB leaf the entry goes to the set `find` just probed,
   * whose hash is known before the walk, so the replacement choice (loads and branches over the
   * set) does not depend on the walk's table reads (only on a well-predicted size check).
   */
  private walkAndFill(tag: number, th: number, walker: Walker, iovaPfn: number, out: TranslateOut): boolean {
    this.nMisses++;
    this.nWalks++;
    const w = this.scratch;
    w.memRefs = 0;
    const ok = walker.walk(iovaPfn, w);
    this.nWalkMemRefs += w.memRefs;
    out.hit = false;
    if (!ok) {
      this.nWalkFaults++;
      out.paPfn = 0;
      out.pageShift = 0;
      out.perm = 0;
      return false;
    }
    const paPfn = w.paPfn;
    const pageShift = w.pageShift;
    const perm = w.perm;
    // find() probed every size already present, so this key is absent: no duplicate check
    if (pageShift === MIN_PAGE_SHIFT) {
      this.place((iovaPfn | 0) ^ th, tag, iovaPfn, paPfn, MIN_PAGE_SHIFT, perm, 0); // setHash(th, lo, 0)
    } else {
      const k = checkShift(pageShift);
      const lo = iovaPfn | 0;
      const off = lo & ((1 << k) - 1);
      this.place(setHash(th, lo, k), tag, iovaPfn - off, paPfn - off, pageShift, perm, k);
    }
    out.paPfn = paPfn;
    out.pageShift = pageShift;
    out.perm = perm;
    return true;
  }

  /**
   * `translate` of the first n frames of `pfns`, in order, with exactly the effects of n calls of
   * `translate` (the same IOTLB contents, replacement, counters and stale hits), the results in
   * `outPa` (the frame, 0 when the walk failed) and `outInfo` (pageShift | perm << 8 | TRANSLATE_HIT
   * when the IOTLB supplied it; 0 when the walk failed). Returns the frames translated.
   *
   * With a walker that has `walkBatch`, the frames of a chunk that miss the IOTLB when probed are
   * walked ahead with the walker's `walkBatch` (libs/pgtable: the last-level reads of the whole
   * chunk in one pass) before the chunk is translated in order: the walks of the chunk are load
   * chains independent of one another, so their table reads overlap instead of queueing behind the
   * miss bookkeeping of the frame before. Then each frame in order: lookup; on a hit the entry; on a miss the walk result
   * (or, for a frame that was not walked ahead because it looked like a hit, a walk now), counted
   * and cached as `translate` does. A walk done ahead whose frame then hits is not counted: the
   * counters are those of the per-call path. A frame whose probe result cannot have changed (only
   * 4 KiB entries, and no entry placed in its set since the probe) is not looked up twice.
   * Allocates nothing per frame (a per-set mark array is made on the first call).
   */
  translateMany(tag: number, walker: Walker, pfns: Float64Array | Uint32Array, n: number, outPa: Float64Array, outInfo: Int32Array): number {
    if (!(n >= 0 && n <= pfns.length && n <= outPa.length && n <= outInfo.length && (n | 0) === n)) {
      throw new RangeError(`translateMany: ${n} frames do not fit arrays of ${pfns.length}, ${outPa.length}, ${outInfo.length}`);
    }
    if (walker.walkBatch === undefined) return this.translateEach(tag, walker, pfns, n, outPa, outInfo);
    const th = tagHash(tag);
    const e = this.e;
    const bPfn = this.bPfn;
    const bPa = this.bPa;
    const bInfo = this.bInfo;
    const bIdx = this.bIdx;
    const bSlot = this.bSlot;
    const mark = (this.bSetMark ??= new Uint32Array(this.sets));
    const setMask = this.setMask;
    let translated = 0;
    for (let c0 = 0; c0 < n; c0 += BATCH_CHUNK) {
      const len = Math.min(BATCH_CHUNK, n - c0);
      const serial = (this.bSerial = (this.bSerial + 1) >>> 0);
      // 1. probe the chunk; the frames that miss now are walked ahead
      const bits = this.sizeBits; // <= 1: only 4 KiB entries, so a lookup reads one set
      let m = 0;
      for (let j = 0; j < len; j++) {
        const pfn = pfns[c0 + j]!;
        const i = this.find(tag, th, pfn);
        bSlot[j] = i;
        if (i < 0) {
          bPfn[m] = pfn;
          bIdx[j] = m++;
        } else bIdx[j] = -1;
      }
      // 2. walk them, level by level
      walker.walkBatch(bPfn, m, bPa, bInfo);
      // 3. in order, as translate() does. With only 4 KiB entries a lookup reads one set: if no
      // frame before in this chunk placed an entry in it, the IOTLB answers as it did to the probe.
      for (let j = 0; j < len; j++) {
        const pfn = pfns[c0 + j]!;
        const o = c0 + j;
        const set = ((pfn | 0) ^ th) & setMask; // setHash(th, lo, 0)
        const i = (bits | this.sizeBits) <= 1 && mark[set] !== serial ? bSlot[j]! : this.find(tag, th, pfn);
        if (i >= 0) {
          this.nHits++;
          const meta = e[i + 3]!;
          outPa[o] = e[i + 2]! + (pfn - e[i]!);
          outInfo[o] = (meta & 0xff) | (meta & 0xff00) | TRANSLATE_HIT;
          translated++;
          continue;
        }
        this.nMisses++;
        this.nWalks++;
        const k = bIdx[j]!;
        let pa: number;
        let info: number;
        if (k >= 0) {
          pa = bPa[k]!;
          info = bInfo[k]!;
        } else {
          // it hit when probed, and an entry placed since evicted it: walk now
          const w = this.scratch;
          w.memRefs = 0;
          const ok = walker.walk(pfn, w);
          pa = w.paPfn;
          info = (ok ? w.pageShift & 0xff : 0) | (w.perm & 0xff) << 8 | (w.memRefs & 0xff) << 16;
        }
        this.nWalkMemRefs += (info >>> 16) & 0xff;
        const pageShift = info & 0xff;
        if (pageShift === 0) {
          this.nWalkFaults++;
          outPa[o] = 0;
          outInfo[o] = 0;
          continue;
        }
        const perm = (info >>> 8) & 0xff;
        if (pageShift === MIN_PAGE_SHIFT) {
          mark[set] = serial;
          this.place((pfn | 0) ^ th, tag, pfn, pa, MIN_PAGE_SHIFT, perm, 0);
        } else {
          const kk = checkShift(pageShift);
          const lo = pfn | 0;
          const off = lo & ((1 << kk) - 1);
          const h = setHash(th, lo, kk);
          mark[h & setMask] = serial;
          this.place(h, tag, pfn - off, pa - off, pageShift, perm, kk);
        }
        outPa[o] = pa;
        outInfo[o] = pageShift | (perm << 8);
        translated++;
      }
    }
    return translated;
  }

  /** translateMany without walking ahead: translate() per frame. */
  private translateEach(tag: number, walker: Walker, pfns: Float64Array | Uint32Array, n: number, outPa: Float64Array, outInfo: Int32Array): number {
    const out = this.bOut;
    let translated = 0;
    for (let j = 0; j < n; j++) {
      if (this.translate(tag, walker, pfns[j]!, out)) {
        outPa[j] = out.paPfn;
        outInfo[j] = out.pageShift | (out.perm & 0xff) << 8 | (out.hit ? TRANSLATE_HIT : 0);
        translated++;
      } else {
        outPa[j] = 0;
        outInfo[j] = 0;
      }
    }
    return translated;
  }

  // ------------------------------------------------------------------ invalidation

  /** Drop every entry. Returns the number dropped. */
  invalidateAll(): number {
    const n = this.valid;
    this.e.fill(0);
    this.valid = 0;
    this.sizeBits = 0;
    this.nInvAll++;
    this.nInvEntries += n;
    return n;
  }

  /** Drop every entry of `tag`. Returns the number dropped. */
  invalidateTag(tag: number): number {
    this.nInvTag++;
    return this.scan(tag, tag + 1, 0, Infinity);
  }

  /** Drop every entry whose tag is in [firstTag, firstTag + count) (e.g. all PASIDs of a domain). */
  invalidateTags(firstTag: number, count: number): number {
    this.nInvTag++;
    return this.scan(firstTag, firstTag + count, 0, Infinity);
  }

  /**
   * Drop every entry of `tag` whose leaf overlaps [iovaPfn, iovaPfn + nPages). Small ranges probe
   * the sets the overlapping leaves hash to; large ranges scan the whole cache.
   */
  invalidateRange(tag: number, iovaPfn: number, nPages: number): number {
    checkRange(iovaPfn, nPages);
    this.nInvRange++;
    if (nPages === 0) return 0;
    const end = iovaPfn + nPages;
    // probes needed, per page size present
    let probes = 0;
    let m = this.sizeBits;
    while (m !== 0) {
      const k = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const span = 2 ** k;
      probes += Math.floor((end - 1) / span) - Math.floor(iovaPfn / span) + 1;
      if (probes > this.sets) {
        this.nRangeScans++;
        return this.scan(tag, tag + 1, iovaPfn, end);
      }
    }
    const e = this.e;
    const th = tagHash(tag);
    let dropped = 0;
    m = this.sizeBits;
    while (m !== 0) {
      const k = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const span = 2 ** k;
      const shift = MIN_PAGE_SHIFT + k;
      for (let base = Math.floor(iovaPfn / span) * span; base < end; base += span) {
        const i = this.probe(setHash(th, base | 0, k), tag, base, shift);
        if (i >= 0) {
          e[i + 3] = 0;
          dropped++;
        }
      }
    }
    this.valid -= dropped;
    this.nInvEntries += dropped;
    return dropped;
  }

  /** Drop every entry with a tag in [firstTag, firstTag + count) whose leaf overlaps the range. */
  invalidateTagsRange(firstTag: number, count: number, iovaPfn: number, nPages: number): number {
    checkRange(iovaPfn, nPages);
    this.nInvRange++;
    if (nPages === 0) return 0;
    this.nRangeScans++;
    return this.scan(firstTag, firstTag + count, iovaPfn, iovaPfn + nPages);
  }

  /** Full scan: drop entries with tag in [tagLo, tagHi) whose leaf overlaps [vStart, vEnd); recompute the size mask. */
  private scan(tagLo: number, tagHi: number, vStart: number, vEnd: number): number {
    const e = this.e;
    let dropped = 0;
    let bits = 0;
    for (let i = 0; i < e.length; i += 4) {
      const meta = e[i + 3];
      if (meta === 0) continue;
      const t = e[i + 1];
      const shift = meta & 0xff;
      if (t >= tagLo && t < tagHi) {
        const base = e[i];
        if (base < vEnd && base + 2 ** (shift - MIN_PAGE_SHIFT) > vStart) {
          e[i + 3] = 0;
          dropped++;
          continue;
        }
      }
      bits |= 1 << (shift - MIN_PAGE_SHIFT);
    }
    this.sizeBits = bits;
    this.valid -= dropped;
    this.nInvEntries += dropped;
    return dropped;
  }

  // ------------------------------------------------------------------ inspection

  stats(): IotlbStats {
    return {
      capacity: this.capacity,
      ways: this.ways,
      hits: this.nHits,
      misses: this.nMisses,
      inserts: this.nInserts,
      evictions: this.nEvictions,
      walks: this.nWalks,
      walkFaults: this.nWalkFaults,
      walkMemRefs: this.nWalkMemRefs,
      invalidations: { all: this.nInvAll, tag: this.nInvTag, range: this.nInvRange },
      rangeScans: this.nRangeScans,
      invalidatedEntries: this.nInvEntries,
      validEntries: this.valid,
    };
  }

  /** Zero the counters (the cache contents stay). */
  resetStats(): void {
    this.nHits = this.nMisses = this.nInserts = this.nEvictions = 0;
    this.nWalks = this.nWalkFaults = this.nWalkMemRefs = 0;
    this.nInvAll = this.nInvTag = this.nInvRange = this.nRangeScans = this.nInvEntries = 0;
  }

  /** Valid entries, sorted by (tag, iovaPfn, pageShift). */
  snapshot(): IotlbEntry[] {
    const e = this.e;
    const out: IotlbEntry[] = [];
    for (let i = 0; i < e.length; i += 4) {
      const meta = e[i + 3];
      if (meta === 0) continue;
      out.push({ slot: i >> 2, tag: e[i + 1], iovaPfn: e[i], paPfn: e[i + 2], pageShift: meta & 0xff, perm: (meta >>> 8) & 0xff });
    }
    out.sort((a, b) => a.tag - b.tag || a.iovaPfn - b.iovaPfn || a.pageShift - b.pageShift);
    return out;
  }
}

/** k = pageShift - 12, validated. */
function checkShift(pageShift: number): number {
  const k = pageShift - MIN_PAGE_SHIFT;
  if (!(k >= 0 && k <= MAX_PAGE_SHIFT - MIN_PAGE_SHIFT && (k | 0) === k)) {
    throw new RangeError(`IOTLB page shift ${pageShift} out of range`);
  }
  return k;
}

function checkRange(iovaPfn: number, nPages: number): void {
  if (!Number.isSafeInteger(iovaPfn) || iovaPfn < 0 || !Number.isSafeInteger(nPages) || nPages < 0 ||
    !Number.isSafeInteger(iovaPfn + nPages)) {
    throw new RangeError(`IOTLB range [${iovaPfn}, +${nPages}) is not a frame range`);
  }
}

/** The composed hot-path helper: see `Iotlb.translate`. */
export function translate(tlb: Iotlb, tag: number, walker: Walker, iovaPfn: number, out: TranslateOut): boolean {
  return tlb.translate(tag, walker, iovaPfn, out);
}
