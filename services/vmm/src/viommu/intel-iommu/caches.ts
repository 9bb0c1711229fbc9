/**
 * The translation caches of the emulated intel-iommu, kept as QEMU's hw/i386/intel_iommu.c
 * keeps them (facts: shared/reference/nesting-and-vtd.md §B.5, B.7, B.10):
 *
 *  - IOTLB: one hash of at most 1024 entries keyed by (gfn, level, sid, pasid), each tagged
 *    with its domain id and PGTT (FST or SST). When it is full the whole cache is dropped
 *    before the next insert (vtd_update_iotlb). Lookups try levels 1, 2, 3 (4K, 2M, 1G).
 *    Invalidations: global; domain (every entry of the DID); page-selective (DID + address
 *    with AM; every first-stage entry of the DID goes too, as the spec says for PGTT=FST);
 *    PASID-based all-in-PASID (DID + PASID, any PGTT) and page-selective (first-stage
 *    entries of DID + PASID in the range only).
 *  - Context cache: one cached context entry per address space (device, or device + PASID),
 *    valid while its generation equals the unit's (vtd_as->context_cache_entry). A global
 *    (or domain: QEMU treats it as global) invalidation bumps the unit's generation, which
 *    invalidates every entry at once; a device-selective one zeroes the generation of the
 *    address spaces of the matching devices (SID with the function mask FM).
 *  - PASID cache: one cached 64-byte PASID entry per address space (vtd_as->pasid_cache_entry),
 *    filled and checked only by PASID-cache invalidations (vtd_pasid_cache_sync). QEMU does not
 *    consult it to translate emulated DMA; it drives the host binding of first-stage tables.
 *
 * Address spaces are named by `asKey(sid, pasid)`; `NO_PASID` (-1) is QEMU's PCI_NO_PASID.
 * The number of address spaces remembered is bounded (MAX_ADDRESS_SPACES): a guest or a caller
 * that makes DMA with ever new PASIDs evicts the oldest remembered one (QEMU grows without
 * bound), which only makes that address space re-read its context entry from memory.
 */

/** QEMU's PCI_NO_PASID: a request without PASID (legacy mode keeps it; scalable mode uses 0). */
export const NO_PASID = -1;

/** VTD_IOTLB_MAX_SIZE */
export const IOTLB_MAX_SIZE = 1024;
/** VTD_CONTEXT_CACHE_GEN_MAX */
export const CONTEXT_CACHE_GEN_MAX = 0xffffffff;
/** Bound on remembered address spaces (context/PASID cache slots). */
export const MAX_ADDRESS_SPACES = 4096;

/** PGTT values tagged on IOTLB entries (VTD_SM_PASID_ENTRY_FST / _SST). */
export const PGTT_FST = 1;
export const PGTT_SST = 2;

const PAGE_MASK_4K = ~0xfffn;

/** ~((1 << (12 + 9 (level - 1))) - 1) as a 64-bit mask (vtd_pt_level_page_mask). */
export function levelPageMask(level: number): bigint {
  return BigInt.asUintN(64, ~((1n << BigInt(12 + 9 * (level - 1))) - 1n));
}

/** Page shift of a leaf at `level` (1 → 12, 2 → 21, 3 → 30). */
export function levelShift(level: number): number {
  return 12 + 9 * (level - 1);
}

/** The key of an address space: source id and PASID (NO_PASID for none). */
export function asKey(sid: number, pasid: number): number {
  // sid < 2^16, pasid < 2^20 (or -1): fits a double exactly
  return (pasid + 1) * 65536 + sid;
}

export interface IotlbEntry {
  readonly sid: number;
  /** NO_PASID (-1) for legacy-mode requests without PASID; 0 for them in scalable mode. */
  readonly pasid: number;
  readonly level: number;
  /** (iova & levelPageMask(level)) >> 12 */
  readonly gfn: bigint;
  readonly did: number;
  /** The leaf entry as read from guest memory. */
  readonly pte: bigint;
  /** IOMMU_ACCESS_FLAG(reads, writes): 1 R, 2 W. */
  readonly access: number;
  /** levelPageMask(level) */
  readonly mask: bigint;
  readonly pgtt: number;
}

/** The IOTLB: QEMU's `s->iotlb` hash. */
export class VtdIotlb {
  private readonly map = new Map<string, IotlbEntry>();

  private static key(sid: number, pasid: number, level: number, gfn: bigint): string {
    return `${sid}:${pasid}:${level}:${gfn.toString(16)}`;
  }

  get size(): number {
    return this.map.size;
  }

  /** vtd_lookup_iotlb: levels 1..3 in turn. */
  lookup(sid: number, pasid: number, addr: bigint): IotlbEntry | undefined {
    for (let level = 1; level < 4; level++) {
      const gfn = (addr & levelPageMask(level)) >> 12n;
      const e = this.map.get(VtdIotlb.key(sid, pasid, level, gfn));
      if (e !== undefined) return e;
    }
    return undefined;
  }

  /** vtd_update_iotlb: a full cache is dropped first. */
  update(sid: number, pasid: number, did: number, addr: bigint, pte: bigint, access: number, level: number, pgtt: number): IotlbEntry {
    if (this.map.size >= IOTLB_MAX_SIZE) this.map.clear();
    const mask = levelPageMask(level);
    const gfn = (addr & mask) >> 12n;
    const e: IotlbEntry = { sid, pasid, level, gfn, did, pte, access, mask, pgtt };
    this.map.set(VtdIotlb.key(sid, pasid, level, gfn), e);
    return e;
  }

  clear(): void {
    this.map.clear();
  }

  private removeIf(pred: (e: IotlbEntry) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (pred(e)) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  /** vtd_hash_remove_by_domain */
  removeDomain(did: number): number {
    return this.removeIf((e) => e.did === did);
  }

  /**
   * vtd_hash_remove_by_page: entries of `did` whose page lies in the 2^am-page range at
   * `addr`, or whose (large) page contains `addr`; every first-stage entry of `did`.
   */
  removePage(did: number, addr: bigint, am: number): number {
    const mask = BigInt.asUintN(64, ~((1n << BigInt(am)) - 1n));
    const gfn = (addr >> 12n) & mask;
    return this.removeIf((e) => {
      if (e.did !== did) return false;
      if (e.pgtt === PGTT_FST) return true;
      return (e.gfn & mask) === gfn || e.gfn === (addr & e.mask) >> 12n;
    });
  }

  /** vtd_hash_remove_by_pasid (PASID-IOTLB all-in-PASID): any PGTT. */
  removePasid(did: number, pasid: number): number {
    return this.removeIf((e) => e.did === did && e.pasid === pasid);
  }

  /** vtd_hash_remove_by_page_piotlb: first-stage entries of (did, pasid) in the range only. */
  removePasidPage(did: number, pasid: number, addr: bigint, am: number): number {
    const mask = BigInt.asUintN(64, ~((1n << BigInt(am)) - 1n));
    const gfn = (addr >> 12n) & mask;
    return this.removeIf(
      (e) => e.pgtt === PGTT_FST && e.did === did && e.pasid === pasid && ((e.gfn & mask) === gfn || e.gfn === (addr & e.mask) >> 12n),
    );
  }

  entries(): IotlbEntry[] {
    return [...this.map.values()];
  }
}

/** The context entry words cached for one address space (16 B legacy, 32 B scalable). */
export interface CachedContext {
  readonly sid: number;
  readonly pasid: number;
  /** val[0..1] legacy, val[0..3] scalable */
  readonly ce: readonly bigint[];
  readonly scalable: boolean;
}

interface CcSlot {
  sid: number;
  pasid: number;
  gen: number;
  ce: bigint[];
  scalable: boolean;
}

/** Source-id match of a device-selective context invalidation: FM masks devfn bits 2, 2:1, 2:0. */
export function sidMatches(sid: number, target: number, fm: number): boolean {
  const m = [0, 4, 6, 7][fm & 3]!;
  const keep = 0xffff & ~m;
  return (sid & keep) === (target & keep);
}

/** The context cache: a slot per address space and the unit's generation. */
export class VtdContextCache {
  /** s->context_cache_gen; slots with another generation are invalid. */
  private gen = 1;
  private readonly slots = new Map<number, CcSlot>();

  get generation(): number {
    return this.gen;
  }

  /** A valid cached entry of the address space, or undefined. */
  lookup(sid: number, pasid: number): CachedContext | undefined {
    const s = this.slots.get(asKey(sid, pasid));
    if (s === undefined || s.gen !== this.gen) return undefined;
    return { sid: s.sid, pasid: s.pasid, ce: s.ce, scalable: s.scalable };
  }

  /** Fill the slot (stamped with the current generation). */
  store(sid: number, pasid: number, ce: bigint[], scalable: boolean): void {
    const k = asKey(sid, pasid);
    const s = this.slots.get(k);
    if (s !== undefined) {
      s.ce = ce;
      s.gen = this.gen;
      s.scalable = scalable;
      return;
    }
    if (this.slots.size >= MAX_ADDRESS_SPACES) {
      const oldest = this.slots.keys().next().value;
      if (oldest !== undefined) this.slots.delete(oldest);
    }
    this.slots.set(k, { sid, pasid, gen: this.gen, ce, scalable });
  }

  /** vtd_reset_context_cache_locked: every slot to generation 0, the unit's to 1. */
  reset(): void {
    for (const s of this.slots.values()) s.gen = 0;
    this.gen = 1;
  }

  /** vtd_context_global_invalidate: the generation moves on (wrapping through reset). */
  invalidateAll(): void {
    this.gen++;
    if (this.gen === CONTEXT_CACHE_GEN_MAX) this.reset();
  }

  /** vtd_context_device_invalidate: slots of the matching devices (all their PASIDs). */
  invalidateDevice(sid: number, fm: number): number {
    let n = 0;
    for (const s of this.slots.values()) {
      if (sidMatches(s.sid, sid, fm)) {
        s.gen = 0;
        n++;
      }
    }
    return n;
  }

  /** The valid cached entries (for inspection). */
  entries(): CachedContext[] {
    const out: CachedContext[] = [];
    for (const s of this.slots.values()) if (s.gen === this.gen) out.push({ sid: s.sid, pasid: s.pasid, ce: s.ce, scalable: s.scalable });
    return out;
  }
}

/** One PASID-cache slot (VTDPASIDCacheEntry). */
export interface PasidCacheEntry {
  readonly sid: number;
  readonly pasid: number;
  /** The 8 words of the PASID entry as cached. */
  readonly entry: readonly bigint[];
}

/** The PASID cache: a slot per address space. */
export class VtdPasidCache {
  private readonly slots = new Map<number, PasidCacheEntry>();

  get(sid: number, pasid: number): PasidCacheEntry | undefined {
    return this.slots.get(asKey(sid, pasid));
  }

  set(sid: number, pasid: number, entry: bigint[]): void {
    const k = asKey(sid, pasid);
    if (!this.slots.has(k) && this.slots.size >= MAX_ADDRESS_SPACES) {
      const oldest = this.slots.keys().next().value;
      if (oldest !== undefined) this.slots.delete(oldest);
    }
    this.slots.set(k, { sid, pasid, entry });
  }

  delete(sid: number, pasid: number): boolean {
    return this.slots.delete(asKey(sid, pasid));
  }

  entries(): PasidCacheEntry[] {
    return [...this.slots.values()];
  }
}

/** Round an address down to its 4 KiB page. */
export function page4k(addr: bigint): bigint {
  return addr & PAGE_MASK_4K;
}
