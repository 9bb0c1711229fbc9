/**
 * DMA translation of the emulated intel-iommu over guest RAM, as QEMU's hw/i386/intel_iommu.c
 * translates for a guest (facts: shared/reference/nesting-and-vtd.md §B.3–B.6, B.10, B.11):
 *
 *  - root table (RTADDR) → legacy context entry (TT multi-level / device-TLB / pass-through,
 *    AW against SAGAW, DID) → second-stage walk; or, with RTADDR.SMT, the scalable root entry
 *    (lower / upper context-table pointer by devfn) → scalable context entry (PASID directory)
 *    → PASID directory entry → PASID entry (PGTT FST / SST / PT; NESTED always refused) →
 *    first-stage (x-flts) or second-stage walk, each with QEMU's reserved-bit masks;
 *  - every failure returns the VTD_FR_* reason QEMU records, with `recordable` false when a
 *    fault-processing-disable bit (context entry, PASID directory entry, PASID entry) covers a
 *    "qualified" reason (vtd_qualified_faults);
 *  - the IOTLB and the context cache are consulted first (caches.ts), so a guest that edits a
 *    table without the matching invalidation keeps the stale translation, as under QEMU;
 *  - pass-through makes the address space bypass the unit (QEMU's `nodmar` alias) until the
 *    next address-space switch (context-cache / PASID-cache invalidation, SRTP, TE change).
 *
 * Departures from QEMU (each also in services/vmm/INTEL-IOMMU.md):
 *  - a request with PASID whose PASID entry is not present (or whose directory entry is not
 *    present under FPD) faults with 0x59 (0x51); QEMU walks the tables of the non-present entry.
 *  - QEMU's VTDIOTLBPageInvInfo.mask is the 64-bit form (the fixed one); older trees truncated
 *    it to 8 bits.
 *  - at most MAX_ADDRESS_SPACES address spaces are remembered (caches.ts).
 *
 * The guest-side model follows QEMU, not the host driver: libs/pgtable/nested.ts walks the
 * same first-stage format for the host's nested HWPT; only the fault numbers are shared.
 */
import {
  asKey,
  levelPageMask,
  levelShift,
  NO_PASID,
  PGTT_FST,
  PGTT_SST,
  sidMatches,
  VtdContextCache,
  VtdIotlb,
  VtdPasidCache,
  type CachedContext,
  type PasidCacheEntry,
} from './caches.js';
import { readU64s } from '../guest-memory.js';
import type { GuestMemory, IntelIommuConfig } from './caps.js';
import { VTD_FR } from './reasons.js';

export { NO_PASID, sidMatches } from './caches.js';
export type { GuestMemory, IntelIommuConfig } from './caps.js';

// ------------------------------------------------------------------ shared types (design §Interfaces)

/** What V1's register file tells the translator (set on SRTP / TE, then resetCaches()). */
export interface VtdRootState {
  rootGpa: bigint;
  scalable: boolean;
  translationEnabled: boolean;
}

export type VtdTranslation =
  | {
      ok: true;
      /** The GPA of `iova` (page base of the leaf + offset). */
      pa: bigint;
      pageShift: number;
      /** 1 R, 2 W: QEMU's IOMMUTLBEntry.perm (a read's result never carries W). */
      perm: number;
      /** Domain id of the context / PASID entry; -1 when DMA remapping is off. */
      did: number;
      /** The input address is in the interrupt window (0xFEEx_xxxx) of a request without PASID: an MSI, not memory. */
      interrupt?: true;
      /** No walk: pass-through entry or DMA remapping disabled (QEMU's nodmar alias). */
      passThrough?: true;
    }
  | {
      ok: false;
      /** VTD_FR_* */
      reason: number;
      addr: bigint;
      isWrite: boolean;
      /** Set when QEMU records the fault with PP=1 (PV = pasid). */
      pasid?: number;
      /** false when an FPD bit suppresses this (qualified) reason. */
      recordable: boolean;
    };

export type VtdInvalidateScope =
  | { kind: 'global' }
  | { kind: 'domain'; did: number; pasid?: number }
  | { kind: 'page'; did: number; addr: bigint; am: number; pasid?: number; ih?: boolean }
  | { kind: 'context'; sid?: number; fm?: number };

/** A change of a PASID-cache slot (QEMU's vtd_propagate_guest_pasid: bind / replace / unbind). */
export interface VtdPasidBindingEvent {
  sid: number;
  /** undefined: the requests-without-PASID address space of the device. */
  pasid?: number;
  change: 'bind' | 'replace' | 'unbind';
  /** The PASID entry now cached (bind / replace). */
  entry?: readonly bigint[];
}

// ------------------------------------------------------------------ fault reasons

export { VTD_FR };

/** vtd_qualified_faults[]: reasons an FPD bit suppresses (absent entries are false). */
const QUALIFIED: ReadonlySet<number> = new Set([
  0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0xc, 0xd, 0xe, 0x47, 0x51, 0x59, 0x5b, 0x70, 0x71, 0x72, 0x73, 0x80, 0x81, 0x85, 0x87, 0x91,
]);

export function isQualifiedFault(reason: number): boolean {
  return QUALIFIED.has(reason);
}

// ------------------------------------------------------------------ bit layouts

const P = 1n;
const FPD = 2n;
const PAGE_4K_MASK = ~0xfffn;
const U64 = (1n << 64n) - 1n;

/** Interrupt address range (VTD_INTERRUPT_ADDR_FIRST / _LAST). */
export const INTERRUPT_ADDR_FIRST = 0xfee00000n;
export const INTERRUPT_ADDR_LAST = 0xfeefffffn;

/** Legacy context entry TT (VTD_CONTEXT_TT_*). */
export const CONTEXT_TT = { MULTI_LEVEL: 0, DEV_IOTLB: 1, PASS_THROUGH: 2 } as const;
/** PASID entry PGTT (VTD_SM_PASID_ENTRY_*). */
export const PGTT = { FST: 1, SST: 2, NESTED: 3, PT: 4 } as const;

/** Second-stage entry bits. */
const SS_R = 1n;
const SS_W = 2n;
const PS = 1n << 7n;
const SS_SNP = 0x800n;
/** VTD_SS_IGN_COM: bits 63, 61:52 ignored. */
const SS_IGN_COM = 0xbff0000000000000n;
/** First-stage entry bits. */
const FS_P = 1n;
const FS_RW = 2n;
const FS_US = 4n;
const FS_A = 1n << 5n;
const FS_D = 1n << 6n;
/** VTD_FS_UPPER_IGNORED: bits 63:52. */
const FS_UPPER_IGNORED = 0xfff0000000000000n;

class Fault {
  constructor(
    readonly reason: number,
    /** Low word of the context entry when it was read (its FPD applies to qualified reasons). */
    readonly ceLo?: bigint,
  ) {}
}

/** One level-walk outcome. */
interface Leaf {
  pte: bigint;
  level: number;
  reads: boolean;
  writes: boolean;
}

/** A decoded device view for inspection (ctl / Inspect). */
export interface VtdDeviceView {
  sid: number;
  scalable: boolean;
  rootEntry?: { lo: bigint; hi: bigint };
  contextEntry?: bigint[];
  pasidDirEntry?: bigint;
  pasidEntry?: bigint[];
  /** The fault QEMU would give when the chain stops early. */
  fault?: number;
  did?: number;
  /** legacy TT or scalable PGTT. */
  type?: number;
  /** Page-table base and levels of the walk translate() would do. */
  table?: { base: bigint; levels: number; stage: 'first' | 'second' };
}

/** One event of a shadow walk (vtd_page_walk): a leaf to map, or a range that is not mapped. */
export interface VtdWalkEvent {
  iova: bigint;
  /** addr_mask: size − 1. */
  addrMask: bigint;
  pa: bigint;
  /** 0: unmapped range; 1 R, 2 W. */
  perm: number;
}

/**
 * Default bound on table entries one shadow walk reads (a guest can make its tables reference
 * themselves: 512^4 leaves from one page). 4M entries cover 16 GiB of 4K mappings.
 */
export const WALK_ENTRY_BUDGET = 1 << 22;
/** Entries walkRangeAsync visits per turn of the event loop. */
export const WALK_YIELD_ENTRIES = 4096;

export class VtdTranslator {
  root: VtdRootState = { rootGpa: 0n, scalable: false, translationEnabled: false };
  onInvalidate?: (scope: VtdInvalidateScope) => void;
  /** PASID-cache slot changes (for a host-side first-stage binding; QEMU's vtd_propagate_guest_pasid). */
  onPasidBinding?: (ev: VtdPasidBindingEvent) => void;

  readonly iotlb = new VtdIotlb();
  readonly contextCache = new VtdContextCache();
  readonly pasidCache = new VtdPasidCache();

  private readonly haw: bigint;
  /** CAP.SAGAW bits 8+: level 3 (39-bit) if aw ≥ 39, level 4 (48-bit) if aw ≥ 48. */
  private readonly sagawLevels: ReadonlySet<number>;
  private readonly ssRsvd: bigint[];
  private readonly ssRsvdLarge: bigint[];
  private readonly fsRsvd: bigint[];
  private readonly fsRsvdLarge: bigint[];
  /** ECAP.FSTS / SSTS / PT / DT as vtd_cap_init builds them (pt defaults on). */
  private readonly fsts: boolean;
  private readonly ssts: boolean;
  private readonly pt = true;
  private readonly dt: boolean;
  /** Address spaces known to the unit (QEMU's vtd_address_spaces): key → (sid, pasid). */
  private readonly spaces = new Map<number, { sid: number; pasid: number }>();
  /** Address spaces switched to the nodmar alias (pass-through / fast path). */
  private readonly nodmar = new Set<number>();

  constructor(
    private readonly mem: GuestMemory,
    readonly cfg: IntelIommuConfig,
  ) {
    const aw = BigInt(cfg.awBits);
    this.haw = (1n << aw) - 1n;
    this.sagawLevels = new Set(cfg.awBits >= 48 ? [3, 4] : [3]);
    this.fsts = cfg.flts;
    this.ssts = cfg.scalableMode && !cfg.flts;
    this.dt = cfg.deviceIotlb;
    const above = U64 & ~(this.haw | SS_IGN_COM); // includes TM (bit 62): stale-tm off
    const snpOk = cfg.scalableMode || cfg.snoopControl;
    this.ssRsvd = [U64, (snpOk ? 0n : SS_SNP) | above, 0x800n | above, 0x800n | above, 0x880n | above];
    this.ssRsvdLarge = [U64, U64, (0x1ff800n & (snpOk ? ~SS_SNP : U64)) | above, (0x3ffff800n & (snpOk ? ~SS_SNP : U64)) | above, U64];
    const fabove = U64 & ~(this.haw | FS_UPPER_IGNORED);
    this.fsRsvd = [U64, fabove, fabove, fabove, 0x80n | fabove];
    this.fsRsvdLarge = [U64, U64, 0x1fe000n | fabove, 0x3fffe000n | fabove, U64];
  }

  // ---------------------------------------------------------------- memory

  private readQ(gpa: bigint, n: number): bigint[] | undefined {
    return readU64s(this.mem, gpa & U64, n);
  }

  private writeQ(gpa: bigint, v: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v & U64, true);
    try {
      this.mem.write(gpa & U64, b);
      return true;
    } catch {
      return false;
    }
  }

  // ---------------------------------------------------------------- root / context / PASID

  private rootBase(): bigint {
    return this.root.rootGpa & this.haw & PAGE_4K_MASK;
  }

  /** vtd_dev_to_context_entry: the whole check chain from memory (throws Fault). */
  private devToContext(sid: number): bigint[] {
    const bus = sid >> 8;
    const devfn = sid & 0xff;
    const scalable = this.root.scalable;
    const re = this.readQ(this.rootBase() + BigInt(bus) * 16n, 2);
    if (re === undefined) throw new Fault(VTD_FR.ROOT_TABLE_INV);
    const [lo, hi] = re as [bigint, bigint];
    const upper = scalable && devfn > 127;
    if (((upper ? hi : lo) & P) === 0n) throw new Fault(VTD_FR.ROOT_ENTRY_P);
    const reRsvd = 0xffen | (U64 & ~this.haw);
    if (scalable ? (lo & reRsvd) !== 0n || (hi & reRsvd) !== 0n : hi !== 0n || (lo & reRsvd) !== 0n) throw new Fault(VTD_FR.ROOT_ENTRY_RSVD);
    const ctp = (upper ? hi : lo) & PAGE_4K_MASK;
    const index = upper ? devfn & 0x7f : devfn;
    const size = scalable ? 32 : 16;
    const ce = this.readQ(ctp + BigInt(index * size), size / 8);
    if (ce === undefined) throw new Fault(VTD_FR.CONTEXT_TABLE_INV);
    const ceLo = ce[0]!;
    if ((ceLo & P) === 0n) throw new Fault(VTD_FR.CONTEXT_ENTRY_P, ceLo);
    if (!scalable) {
      if ((ce[1]! & 0xffffffffff000080n) !== 0n || (ceLo & (0xff0n | (U64 & ~this.haw))) !== 0n) throw new Fault(VTD_FR.CONTEXT_ENTRY_RSVD, ceLo);
      if (!this.sagawLevels.has(2 + Number(ce[1]! & 7n))) throw new Fault(VTD_FR.CONTEXT_ENTRY_INV, ceLo);
      const tt = Number((ceLo >> 2n) & 3n);
      if (!(tt === CONTEXT_TT.MULTI_LEVEL || (tt === CONTEXT_TT.DEV_IOTLB && this.dt) || (tt === CONTEXT_TT.PASS_THROUGH && this.pt))) {
        throw new Fault(VTD_FR.CONTEXT_ENTRY_INV, ceLo);
      }
      return ce;
    }
    if ((ceLo & (0x1e0n | (U64 & ~this.haw))) !== 0n || (ce[1]! & 0xffffffffffe00000n) !== 0n || ce[2] !== 0n || ce[3] !== 0n) {
      throw new Fault(VTD_FR.CONTEXT_ENTRY_RSVD, ceLo);
    }
    // vtd_ce_pasid_0_check: a present scalable context entry needs a valid PASID 0 entry
    try {
      this.pasidEntry(ce, 0);
    } catch (e) {
      if (e instanceof Fault) throw new Fault(e.reason, ceLo);
      throw e;
    }
    return ce;
  }

  private pasidDirEntry(ce: readonly bigint[], pasid: number): bigint {
    const d = this.readQ((ce[0]! & PAGE_4K_MASK) + BigInt(((pasid >> 6) & 0x3fff) * 8), 1);
    if (d === undefined) throw new Fault(VTD_FR.PASID_DIR_ACCESS_ERR);
    return d[0]!;
  }

  /** vtd_get_pe_in_pasid_leaf_table: read + type/level check (before the present check, as QEMU). */
  private pasidLeaf(dirEntry: bigint, pasid: number): bigint[] {
    const pe = this.readQ((dirEntry & PAGE_4K_MASK) + BigInt((pasid & 0x3f) * 64), 8);
    if (pe === undefined) throw new Fault(VTD_FR.PASID_TABLE_ACCESS_ERR);
    const pgtt = Number((pe[0]! >> 6n) & 7n);
    const ok =
      (pgtt === PGTT.FST && this.fsts && ((pe[2]! >> 2n) & 3n) === 0n) ||
      (pgtt === PGTT.SST && this.ssts && this.sagawLevels.has(2 + Number((pe[0]! >> 2n) & 7n))) ||
      (pgtt === PGTT.PT && this.pt);
    if (!ok) throw new Fault(VTD_FR.PASID_TABLE_ENTRY_INV);
    return pe;
  }

  /** vtd_ce_get_pasid_entry (NO_PASID → PASID 0): directory P, leaf checks, entry P. */
  private pasidEntry(ce: readonly bigint[], pasid: number): bigint[] {
    const p = pasid === NO_PASID ? 0 : pasid;
    const d = this.pasidDirEntry(ce, p);
    if ((d & P) === 0n) throw new Fault(VTD_FR.PASID_DIR_ENTRY_P);
    const pe = this.pasidLeaf(d, p);
    if ((pe[0]! & P) === 0n) throw new Fault(VTD_FR.PASID_ENTRY_P);
    return pe;
  }

  /** vtd_ce_get_pasid_fpd: FPD of the directory entry, then of the PASID entry (no present check on it). */
  private pasidFpd(ce: readonly bigint[], pasid: number): boolean {
    const p = pasid === NO_PASID ? 0 : pasid;
    const d = this.pasidDirEntry(ce, p);
    if ((d & FPD) !== 0n) return true;
    if ((d & P) === 0n) throw new Fault(VTD_FR.PASID_DIR_ENTRY_P);
    const pe = this.pasidLeaf(d, p);
    return (pe[0]! & FPD) !== 0n;
  }

  /** vtd_get_domain_id */
  private domainOf(ce: readonly bigint[], pe: readonly bigint[] | undefined): number {
    return pe !== undefined ? Number(pe[1]! & 0xffffn) : Number((ce[1]! >> 8n) & 0xffffn);
  }

  /** vtd_dev_pt_enabled (PASID entry errors: not pass-through). */
  private ptEnabled(ce: readonly bigint[], pasid: number): boolean {
    if (this.root.scalable) {
      try {
        return Number((this.pasidEntry(ce, pasid)[0]! >> 6n) & 7n) === PGTT.PT;
      } catch (e) {
        if (e instanceof Fault) return false;
        throw e;
      }
    }
    return Number((ce[0]! >> 2n) & 3n) === CONTEXT_TT.PASS_THROUGH;
  }

  /** vtd_switch_address_space: nodmar when DMAR is off or the entries in memory say pass-through. */
  private switchAddressSpace(sid: number, pasid: number): void {
    const k = asKey(sid, pasid);
    let pt = false;
    if (this.root.translationEnabled) {
      try {
        pt = this.ptEnabled(this.devToContext(sid), pasid);
      } catch (e) {
        if (!(e instanceof Fault)) throw e;
      }
    }
    if (!this.root.translationEnabled || pt) this.nodmar.add(k);
    else this.nodmar.delete(k);
  }

  private switchAll(): void {
    for (const s of this.spaces.values()) this.switchAddressSpace(s.sid, s.pasid);
  }

  /** Remember an address space (QEMU creates one per device, and per device + PASID used). */
  addAddressSpace(sid: number, pasid?: number): void {
    checkSid(sid);
    const p = pasid === undefined ? NO_PASID : checkPasid(pasid);
    const k = asKey(sid, p);
    if (this.spaces.has(k)) return;
    if (this.spaces.size >= 4096) {
      const oldest = this.spaces.keys().next().value;
      if (oldest !== undefined) {
        this.spaces.delete(oldest);
        this.nodmar.delete(oldest);
      }
    }
    this.spaces.set(k, { sid, pasid: p });
    this.switchAddressSpace(sid, p);
  }

  // ---------------------------------------------------------------- walks

  /** vtd_iova_to_sspte */
  private ssWalk(base: bigint, levels: number, agaw: number, iova: bigint, write: boolean): Leaf {
    const limit = 1n << BigInt(Math.min(agaw, this.cfg.awBits));
    if ((iova & ~(limit - 1n) & U64) !== 0n) throw new Fault(VTD_FR.ADDR_BEYOND_MGAW);
    const need = write ? SS_W : SS_R;
    let reads = true;
    let writes = true;
    let addr = base;
    for (let level = levels; ; level--) {
      const off = (iova >> BigInt(levelShift(level))) & 0x1ffn;
      const q = this.readQ(addr + off * 8n, 1);
      if (q === undefined) throw new Fault(level === levels ? VTD_FR.CONTEXT_ENTRY_INV : VTD_FR.PAGING_ENTRY_INV);
      const pte = q[0]!;
      reads &&= (pte & SS_R) !== 0n;
      writes &&= (pte & SS_W) !== 0n;
      if ((pte & need) === 0n) throw new Fault(write ? VTD_FR.WRITE : VTD_FR.READ);
      const large = (level === 2 || level === 3) && (pte & PS) !== 0n;
      if ((pte & (large ? this.ssRsvdLarge[level]! : this.ssRsvd[level]!)) !== 0n) throw new Fault(VTD_FR.PAGING_ENTRY_RSVD);
      if (level === 1 || (pte & PS) !== 0n) return { pte, level, reads, writes };
      addr = pte & PAGE_4K_MASK & this.haw;
    }
  }

  /** vtd_iova_to_fspte: canonical check, P, U/S, R/W, reserved, then A (and D) written back. */
  private fsWalk(base: bigint, levels: number, agaw: number, iova: bigint, write: boolean): Leaf {
    const limit = 1n << BigInt(Math.min(agaw, this.cfg.awBits));
    const upperMask = U64 & ~(limit - 1n);
    const upper = iova & upperMask;
    const msb = (iova & (limit >> 1n)) !== 0n;
    if (msb ? upper !== upperMask : upper !== 0n) throw new Fault(VTD_FR.FS_NON_CANONICAL);
    let writes = true;
    let addr = base;
    for (let level = levels; ; level--) {
      const off = (iova >> BigInt(levelShift(level))) & 0x1ffn;
      const ea = addr + off * 8n;
      const q = this.readQ(ea, 1);
      if (q === undefined) throw new Fault(level === levels ? VTD_FR.PASID_ENTRY_FSPTPTR_INV : VTD_FR.FS_PAGING_ENTRY_INV);
      const pte = q[0]!;
      if ((pte & FS_P) === 0n) throw new Fault(VTD_FR.FS_PAGING_ENTRY_P);
      if ((pte & FS_US) === 0n) throw new Fault(VTD_FR.FS_PAGING_ENTRY_US);
      writes &&= (pte & FS_RW) !== 0n;
      if (write && (pte & FS_RW) === 0n) throw new Fault(VTD_FR.SM_WRITE);
      const large = (level === 2 || level === 3) && (pte & PS) !== 0n;
      if ((pte & (large ? this.fsRsvdLarge[level]! : this.fsRsvd[level]!)) !== 0n) throw new Fault(VTD_FR.FS_PAGING_ENTRY_RSVD);
      const leaf = level === 1 || (pte & PS) !== 0n;
      const flag = leaf && write ? FS_A | FS_D : FS_A;
      if ((pte & flag) !== flag && !this.writeQ(ea, pte | flag)) throw new Fault(VTD_FR.FS_BIT_UPDATE_FAILED);
      // the cached/returned pte is the one read (A/D as they were), as vtd_iova_to_fspte returns it
      if (leaf) return { pte, level, reads: true, writes };
      addr = pte & PAGE_4K_MASK & this.haw;
    }
  }

  // ---------------------------------------------------------------- translate

  /**
   * vtd_do_iommu_translate for one access of `sid` (bus << 8 | devfn), with `pasid` for a
   * request with PASID. A write through a read-only IOTLB entry returns ok with perm lacking W
   * (QEMU: the access fails with no fault recorded); callers must check `perm`.
   */
  translate(sid: number, pasid: number | undefined, iova: bigint, write: boolean): VtdTranslation {
    checkSid(sid);
    const asPasid = pasid === undefined ? NO_PASID : checkPasid(pasid);
    iova &= U64;
    const inIr = iova >= INTERRUPT_ADDR_FIRST && iova <= INTERRUPT_ADDR_LAST;
    if (!this.root.translationEnabled) {
      // QEMU's nodmar alias of system memory; the MSI window is the APIC's
      return inIr && pasid === undefined ? irResult(iova, -1) : identity(iova, -1);
    }
    const key = asKey(sid, asPasid);
    if (!this.spaces.has(key)) this.addAddressSpace(sid, pasid);
    if (this.nodmar.has(key)) {
      if (inIr) return pasid === undefined ? irResult(iova, -1) : this.irIllegalAccess(sid, pasid, iova, write);
      return identity(iova, -1);
    }
    if (inIr && pasid === undefined) return irResult(iova, -1);
    const scalable = this.root.scalable;
    const p = asPasid === NO_PASID && scalable ? 0 : asPasid;

    const hit = this.iotlb.lookup(sid, p, iova);
    if (hit !== undefined) return fromEntry(iova, hit.pte, hit.mask, hit.level, hit.access, hit.did, write, this.haw);

    let ce: readonly bigint[];
    let fpd: boolean;
    const cached = this.contextCache.lookup(sid, asPasid);
    let fresh: bigint[] | undefined;
    if (cached !== undefined) {
      ce = cached.ce;
    } else {
      try {
        ce = fresh = this.devToContext(sid);
      } catch (e) {
        if (!(e instanceof Fault)) throw e;
        return fault(e.reason, e.ceLo !== undefined && (e.ceLo & FPD) !== 0n, iova, write, undefined);
      }
    }
    fpd = (ce[0]! & FPD) !== 0n;
    if (!fpd && scalable) {
      try {
        fpd = this.pasidFpd(ce, p);
      } catch (e) {
        if (!(e instanceof Fault)) throw e;
        return fault(e.reason, false, iova, write, undefined);
      }
    }
    // a fresh entry is cached only once its PASID FPD check passed
    if (fresh !== undefined) this.contextCache.store(sid, asPasid, fresh, scalable);

    // the PASID entry of the request (QEMU re-reads it from memory on every miss)
    let pe: bigint[] | undefined;
    const faultPasid = p === NO_PASID ? undefined : p;
    if (scalable) {
      try {
        pe = this.pasidEntry(ce, p);
      } catch (e) {
        if (!(e instanceof Fault)) throw e;
        pe = undefined;
        // QEMU: not pass-through, then walks whatever the entry holds; the model faults (see header)
        return fault(e.reason, fpd, iova, write, faultPasid);
      }
    }
    const did = this.domainOf(ce, pe);
    if (pe !== undefined ? Number((pe[0]! >> 6n) & 7n) === PGTT.PT : Number((ce[0]! >> 2n) & 3n) === CONTEXT_TT.PASS_THROUGH) {
      // no walk, no IOTLB entry; a request without PASID switches its address space to nodmar
      if (pasid === undefined) this.switchAddressSpace(sid, NO_PASID);
      return identity(iova, did);
    }

    let leaf: Leaf;
    let pgtt: number;
    try {
      if (pe !== undefined && this.fsts) {
        pgtt = PGTT_FST;
        leaf = this.fsWalk(pe[2]! & PAGE_4K_MASK, 4 + Number((pe[2]! >> 2n) & 3n), 30 + 9 * Number((pe[0]! >> 2n) & 7n), iova, write);
      } else if (pe !== undefined) {
        pgtt = PGTT_SST;
        const aw = Number((pe[0]! >> 2n) & 7n);
        leaf = this.ssWalk(pe[0]! & PAGE_4K_MASK, 2 + aw, 30 + 9 * aw, iova, write);
      } else {
        pgtt = PGTT_SST;
        const aw = Number(ce[1]! & 7n);
        leaf = this.ssWalk(ce[0]! & PAGE_4K_MASK, 2 + aw, 30 + 9 * aw, iova, write);
      }
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      return fault(e.reason, fpd, iova, write, faultPasid);
    }
    const xlat = leaf.pte & PAGE_4K_MASK & this.haw;
    const size = 1n << BigInt(levelShift(leaf.level));
    if (xlat <= INTERRUPT_ADDR_LAST && xlat + size - 1n >= INTERRUPT_ADDR_FIRST) {
      return fault(this.cfg.scalableMode ? VTD_FR.SM_INTERRUPT_ADDR : VTD_FR.INTERRUPT_ADDR, fpd, iova, write, faultPasid);
    }
    const access = (leaf.reads ? 1 : 0) | (leaf.writes ? 2 : 0);
    const e = this.iotlb.update(sid, p, did, iova, leaf.pte, access, leaf.level, pgtt);
    return fromEntry(iova, e.pte, e.mask, e.level, e.access, did, write, this.haw);
  }

  /** vtd_report_ir_illegal_access: PASID + pass-through into the interrupt window. */
  private irIllegalAccess(sid: number, pasid: number, iova: bigint, write: boolean): VtdTranslation {
    let fpd = false;
    try {
      const ce = this.devToContext(sid);
      fpd = (ce[0]! & FPD) !== 0n;
      if (!fpd && this.root.scalable) {
        try {
          fpd = this.pasidFpd(ce, pasid);
        } catch (e) {
          if (!(e instanceof Fault)) throw e;
        }
      }
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
    }
    return fault(VTD_FR.SM_INTERRUPT_ADDR, fpd, iova, write, pasid);
  }

  // ---------------------------------------------------------------- invalidations

  private notify(scope: VtdInvalidateScope): void {
    this.onInvalidate?.(scope);
  }

  /**
   * vtd_reset_caches + address-space refresh + PASID-binding replay: what SRTP and a TE change
   * do (set `root` first). Listeners get a global scope.
   */
  resetCaches(): void {
    this.iotlb.clear();
    this.contextCache.reset();
    for (const s of this.pasidCache.entries()) {
      this.pasidCache.delete(s.sid, s.pasid);
      this.onPasidBinding?.({ sid: s.sid, ...pasidField(s.pasid), change: 'unbind' });
    }
    this.switchAll();
    this.notify({ kind: 'global' });
    this.pasidCacheSync({ type: 'global' });
  }

  /** vtd_context_global_invalidate */
  invalidateContextGlobal(): void {
    this.contextCache.invalidateAll();
    this.switchAll();
    this.notify({ kind: 'context' });
    this.pasidCacheSync({ type: 'global' });
  }

  /** A domain-selective context invalidation: QEMU executes it as global (CAIG = global). */
  invalidateContextDomain(did: number): void {
    checkDid(did);
    this.invalidateContextGlobal();
  }

  /** vtd_context_device_invalidate: the devices whose SID matches under the function mask. */
  invalidateContextDevice(sid: number, fm: number): void {
    checkSid(sid);
    this.contextCache.invalidateDevice(sid, fm);
    const matching = [...this.spaces.values()].filter((s) => sidMatches(s.sid, sid, fm));
    for (const s of matching) this.switchAddressSpace(s.sid, s.pasid);
    this.notify({ kind: 'context', sid, fm: fm & 3 });
    // vtd_pasid_cache_devsi: only with x-flts (a guest that skips the PASID-cache flush)
    if (this.fsts) for (const s of matching) this.pasidCacheSyncOne(s.sid, s.pasid, { type: 'global' });
  }

  /** vtd_iotlb_global_invalidate */
  invalidateIotlbGlobal(): void {
    this.iotlb.clear();
    this.notify({ kind: 'global' });
  }

  /** vtd_iotlb_domain_invalidate */
  invalidateIotlbDomain(did: number): void {
    checkDid(did);
    this.iotlb.removeDomain(did);
    this.notify({ kind: 'domain', did });
  }

  /** vtd_iotlb_page_invalidate: AM ≤ MAMV (18) — the caller refuses larger ones (IQE / IAIG 0). IH changes nothing. */
  invalidateIotlbPage(did: number, addr: bigint, am: number, ih: boolean): void {
    checkDid(did);
    checkAm(am);
    void ih;
    const a = addr & U64 & PAGE_4K_MASK;
    this.iotlb.removePage(did, a, am);
    this.notify({ kind: 'page', did, addr: a, am });
  }

  /**
   * A PASID-cache invalidation (descriptor type 7): domain-selective (`pasid` undefined),
   * PASID-selective within the domain, or `global`. Descriptor PASID 0 names the
   * requests-without-PASID address space, as QEMU maps it.
   */
  invalidatePasidCache(did: number, pasid?: number, global = false): void {
    if (global) {
      this.pasidCacheSync({ type: 'global' });
      return;
    }
    checkDid(did);
    if (pasid === undefined) this.pasidCacheSync({ type: 'dsi', did });
    else this.pasidCacheSync({ type: 'psi', did, pasid: checkPasid(pasid) === 0 ? NO_PASID : pasid });
  }

  /** PASID-based IOTLB invalidation (type 6): all-in-PASID without `addr`, else page-selective. */
  invalidatePiotlb(did: number, pasid: number, addr?: bigint, am?: number, ih?: boolean): void {
    checkDid(did);
    checkPasid(pasid);
    if (addr === undefined) {
      this.iotlb.removePasid(did, pasid);
      this.notify({ kind: 'domain', did, pasid });
      return;
    }
    const m = am ?? 0;
    checkAm(m);
    const a = addr & U64 & PAGE_4K_MASK;
    this.iotlb.removePasidPage(did, pasid, a, m);
    // IH (invalidation hint) travels with the scope: a nested first stage forwards it as LEAF
    this.notify({ kind: 'page', did, addr: a, am: m, pasid, ...(ih ? { ih: true } : {}) });
  }

  // ---------------------------------------------------------------- PASID cache

  private pasidCacheSync(info: PcInfo): void {
    if (!this.root.scalable || !this.root.translationEnabled) return;
    for (const s of [...this.spaces.values()]) this.pasidCacheSyncOne(s.sid, s.pasid, info);
  }

  /** vtd_pasid_cache_sync_locked for one address space. */
  private pasidCacheSyncOne(sid: number, pasid: number, info: PcInfo): void {
    if (!this.root.scalable || !this.root.translationEnabled) return;
    const slot = this.pasidCache.get(sid, pasid);
    let pe: bigint[] | undefined;
    try {
      pe = this.pasidEntry(this.devToContext(sid), pasid);
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      pe = undefined;
    }
    if (pe === undefined) {
      if (slot === undefined) return;
      this.pasidCache.delete(sid, pasid);
      this.switchAddressSpace(sid, pasid);
      this.onPasidBinding?.({ sid, ...pasidField(pasid), change: 'unbind' });
      return;
    }
    if (info.type === 'psi' && info.pasid !== pasid) return;
    if (info.type !== 'global') {
      const did = Number((slot !== undefined ? slot.entry[1]! : pe[1]!) & 0xffffn);
      if (did !== info.did) return;
    }
    let change: 'bind' | 'replace';
    if (slot === undefined) change = 'bind';
    else if (slot.entry.some((w, i) => w !== pe![i])) change = 'replace';
    else return;
    this.pasidCache.set(sid, pasid, pe);
    this.switchAddressSpace(sid, pasid);
    this.onPasidBinding?.({ sid, ...pasidField(pasid), change, entry: pe });
  }

  // ---------------------------------------------------------------- inspection

  /** The valid IOTLB entries (QEMU's iotlb hash), in insertion order. */
  iotlbEntries(): Array<{ sid: number; did: number; pasid?: number; iova: bigint; pa: bigint; pageShift: number; perm: number }> {
    return this.iotlb.entries().map((e) => ({
      sid: e.sid,
      did: e.did,
      ...(e.pasid === NO_PASID ? {} : { pasid: e.pasid }),
      iova: e.gfn << 12n,
      pa: e.pte & this.haw & e.mask,
      pageShift: levelShift(e.level),
      perm: e.access,
    }));
  }

  /** The valid context-cache entries. */
  contextCacheEntries(): CachedContext[] {
    return this.contextCache.entries();
  }

  /** The PASID-cache slots. */
  pasidCacheEntries(): PasidCacheEntry[] {
    return this.pasidCache.entries();
  }

  /** Address spaces currently bypassing the unit (nodmar), as (sid, pasid?) pairs. */
  passThroughSpaces(): Array<{ sid: number; pasid?: number }> {
    const out: Array<{ sid: number; pasid?: number }> = [];
    for (const [k, s] of this.spaces) if (this.nodmar.has(k)) out.push({ sid: s.sid, ...pasidField(s.pasid) });
    return out;
  }

  /** The decoded root / context / PASID entries of a device, read from guest memory now (no cache). */
  describeDevice(sid: number, pasid?: number): VtdDeviceView {
    checkSid(sid);
    const p = pasid === undefined ? NO_PASID : checkPasid(pasid);
    const scalable = this.root.scalable;
    const v: VtdDeviceView = { sid, scalable };
    const re = this.readQ(this.rootBase() + BigInt(sid >> 8) * 16n, 2);
    if (re !== undefined) v.rootEntry = { lo: re[0]!, hi: re[1]! };
    let ce: bigint[];
    try {
      ce = this.devToContext(sid);
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      v.fault = e.reason;
      return v;
    }
    v.contextEntry = ce;
    if (!scalable) {
      v.did = this.domainOf(ce, undefined);
      v.type = Number((ce[0]! >> 2n) & 3n);
      if (v.type !== CONTEXT_TT.PASS_THROUGH) v.table = { base: ce[0]! & PAGE_4K_MASK, levels: 2 + Number(ce[1]! & 7n), stage: 'second' };
      return v;
    }
    const q = p === NO_PASID ? 0 : p;
    try {
      v.pasidDirEntry = this.pasidDirEntry(ce, q);
      const pe = this.pasidEntry(ce, q);
      v.pasidEntry = pe;
      v.did = this.domainOf(ce, pe);
      v.type = Number((pe[0]! >> 6n) & 7n);
      if (v.type === PGTT.FST) v.table = { base: pe[2]! & PAGE_4K_MASK, levels: 4 + Number((pe[2]! >> 2n) & 3n), stage: 'first' };
      else if (v.type === PGTT.SST) v.table = { base: pe[0]! & PAGE_4K_MASK, levels: 2 + Number((pe[0]! >> 2n) & 7n), stage: 'second' };
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      v.fault = e.reason;
    }
    return v;
  }

  // ---------------------------------------------------------------- shadow walk (caching mode)

  /**
   * vtd_page_walk over the second-stage table of a device (from memory, no cache) for
   * [start, end): one event per leaf (4K/2M/1G) with the permissions stacked over the levels,
   * and one perm-0 event per range that is not mapped; entries that cannot be read or have
   * reserved bits set are skipped, as QEMU skips them. Returns undefined when the device has
   * no usable context (the caller unmaps everything, as vtd_address_space_sync does for a
   * non-present context entry) or the range starts above the address width. At most
   * `maxEntries` entries are read (RangeError beyond: a guest table loop).
   */
  walkRange(sid: number, pasid: number | undefined, start: bigint, end: bigint, maxEntries = WALK_ENTRY_BUDGET): { did: number; events: VtdWalkEvent[] } | undefined {
    const w = this.walkSteps(sid, pasid, start, end, maxEntries);
    if (w === undefined) return undefined;
    for (let r = w.steps.next(); !r.done; r = w.steps.next());
    return { did: w.did, events: w.events };
  }

  /**
   * walkRange that gives the event loop back every `yieldEvery` entries visited, so a guest whose
   * tables describe millions of entries (or alias one table everywhere) cannot stall the vmm: the
   * cost is the same, spread over turns of the loop.
   */
  async walkRangeAsync(sid: number, pasid: number | undefined, start: bigint, end: bigint, maxEntries = WALK_ENTRY_BUDGET, yieldEvery = WALK_YIELD_ENTRIES): Promise<{ did: number; events: VtdWalkEvent[] } | undefined> {
    const w = this.walkSteps(sid, pasid, start, end, maxEntries, yieldEvery);
    if (w === undefined) return undefined;
    for (let r = w.steps.next(); !r.done; r = w.steps.next()) await new Promise<void>((resolve) => setImmediate(resolve));
    return { did: w.did, events: w.events };
  }

  /** The walk of walkRange as steps: each step is `yieldEvery` entries visited; events collect in `events`. */
  private walkSteps(sid: number, pasid: number | undefined, start: bigint, end: bigint, maxEntries: number, yieldEvery = Number.MAX_SAFE_INTEGER): { did: number; events: VtdWalkEvent[]; steps: Generator<void, void, void> } | undefined {
    checkSid(sid);
    const p = pasid === undefined ? NO_PASID : checkPasid(pasid);
    let ce: bigint[];
    let pe: bigint[] | undefined;
    try {
      ce = this.devToContext(sid);
      if (this.root.scalable) pe = this.pasidEntry(ce, p);
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      return undefined;
    }
    const did = this.domainOf(ce, pe);
    const aw = pe !== undefined ? Number((pe[0]! >> 2n) & 7n) : Number(ce[1]! & 7n);
    const base = pe !== undefined ? (this.fsts ? pe[2]! : pe[0]!) & PAGE_4K_MASK : ce[0]! & PAGE_4K_MASK;
    const levels = pe !== undefined && this.fsts ? 4 + Number((pe[2]! >> 2n) & 3n) : 2 + aw;
    const limit = 1n << BigInt(Math.min(30 + 9 * aw, this.cfg.awBits));
    if ((start & ~(limit - 1n) & U64) !== 0n) return undefined;
    const stop = (end & ~(limit - 1n) & U64) !== 0n ? limit : end;
    const events: VtdWalkEvent[] = [];
    const budget = { left: maxEntries, tick: yieldEvery, every: yieldEvery };
    return { did, events, steps: this.walkLevel(base, start, stop, levels, true, true, events, budget) };
  }

  private *walkLevel(addr: bigint, start: bigint, end: bigint, level: number, read: boolean, write: boolean, out: VtdWalkEvent[], budget: { left: number; tick: number; every: number }): Generator<void, void, void> {
    const size = 1n << BigInt(levelShift(level));
    const mask = levelPageMask(level);
    for (let iova = start; iova < end; ) {
      const next = (iova & mask) + size;
      if (--budget.left < 0) throw new RangeError('guest page-table walk exceeds its entry budget');
      if (--budget.tick <= 0) {
        budget.tick = budget.every;
        yield;
      }
      const q = this.readQ(addr + ((iova >> BigInt(levelShift(level))) & 0x1ffn) * 8n, 1);
      if (q !== undefined) {
        const pte = q[0]!;
        const large = (level === 2 || level === 3) && (pte & PS) !== 0n;
        if ((pte & (large ? this.ssRsvdLarge[level]! : this.ssRsvd[level]!)) === 0n) {
          const r = read && (pte & SS_R) !== 0n;
          const w = write && (pte & SS_W) !== 0n;
          const last = level === 1 || (pte & PS) !== 0n;
          if (!last && (r || w)) {
            yield* this.walkLevel(pte & PAGE_4K_MASK & this.haw, iova, next < end ? next : end, level - 1, r, w, out, budget);
          } else {
            out.push({ iova: iova & mask, addrMask: size - 1n, pa: pte & PAGE_4K_MASK & this.haw, perm: (r ? 1 : 0) | (w ? 2 : 0) });
          }
        }
      }
      iova = next;
    }
  }
}

// ------------------------------------------------------------------ helpers

type PcInfo = { type: 'global' } | { type: 'dsi'; did: number } | { type: 'psi'; did: number; pasid: number };

function pasidField(p: number): { pasid?: number } {
  return p === NO_PASID ? {} : { pasid: p };
}

function identity(iova: bigint, did: number): VtdTranslation {
  return { ok: true, pa: iova, pageShift: 12, perm: 3, did, passThrough: true };
}

function irResult(iova: bigint, did: number): VtdTranslation {
  return { ok: true, pa: iova, pageShift: 12, perm: 3, did, interrupt: true };
}

function fromEntry(iova: bigint, pte: bigint, mask: bigint, level: number, access: number, did: number, write: boolean, haw: bigint): VtdTranslation {
  const base = pte & PAGE_4K_MASK & haw & mask;
  return { ok: true, pa: base | (iova & ~mask & U64), pageShift: levelShift(level), perm: write ? access : access & ~2, did };
}

function fault(reason: number, fpd: boolean, addr: bigint, isWrite: boolean, pasid: number | undefined): VtdTranslation {
  return { ok: false, reason, addr, isWrite, ...(pasid === undefined ? {} : { pasid }), recordable: !(fpd && QUALIFIED.has(reason)) };
}

function checkSid(sid: number): number {
  if (!Number.isInteger(sid) || sid < 0 || sid > 0xffff) throw new RangeError(`source id ${sid} out of range`);
  return sid;
}

function checkPasid(pasid: number): number {
  if (!Number.isInteger(pasid) || pasid < 0 || pasid > 0xfffff) throw new RangeError(`PASID ${pasid} out of range`);
  return pasid;
}

function checkDid(did: number): number {
  if (!Number.isInteger(did) || did < 0 || did > 0xffff) throw new RangeError(`domain id ${did} out of range`);
  return did;
}

function checkAm(am: number): number {
  if (!Number.isInteger(am) || am < 0 || am > 18) throw new RangeError(`address mask ${am} above MAMV`);
  return am;
}
