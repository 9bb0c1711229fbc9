/**
 * Nested (two-stage) translation over guest-format stage-1 tables: the 2-D walk.
 *
 * Stage 1 belongs to the guest: its tables are bytes in guest RAM, addressed by guest physical
 * (VT-d) / intermediate physical (SMMUv3) addresses. Stage 2 belongs to the host: a PageTable of
 * libs/pgtable (the nest-parent domain), GPA/IPA → host PA. Every stage-1 table fetch (and the
 * SMMUv3 CD and L1CD fetches) is an IPA that goes through the stage-2 walk and is then read from
 * host physical memory; the stage-1 output goes through stage 2 once more.
 *
 *  - VtdFirstStageWalker: Intel VT-d first-stage (scalable-mode FST) = x86-64 4-level / 5-level
 *    paging. P, R/W, U/S, PS at PDPE/PDE (1 GiB only with CAP.FS1GP), XD (no effect on DMA
 *    reads/writes), reserved-bit checks per level, A set in every entry used and D in the leaf
 *    of a write (written back into the guest bytes, through stage 2). Fault reasons are the
 *    VT-d ones QEMU records (0x71 P, 0x81 U/S, 0x85 write, 0x72 reserved, 0x70/0x73 fetch, 0x80
 *    non-canonical, 0x91 A/D update).
 *  - Smmuv3S1Walker: SMMUv3 STE (the vSTE words) → CD → LPAE stage 1 (4K/16K/64K granules, start
 *    level from T0SZ, AP[2] read-only, APTable[1], AF with CD.HA, DBM with CD.HD), with QEMU's
 *    C_BAD_STE / C_BAD_CD rules, the S1DSS / S1CDMax substream rules and linear or 2-level CD
 *    tables. Faults carry the SMMU event id, CLASS (CD/TT/IN), S2 and the fetch IPA (ADDR2).
 *
 * The walkers implement the IOTLB's Walker (walk(iovaPfn, out)): hot state lives in fields of the
 * walker (numbers, a preallocated WalkOut), so a walk allocates nothing and uses no BigInt. Inputs
 * of one walk (write, privileged) are set on the walker before the call; a failed walk leaves the
 * fault description in the walker's `f*` fields.
 *
 * Memory references of one translation (WalkOut.memRefs) = stage-1 descriptor fetches + the
 * stage-2 walk references of each fetch + those of the final stage-2 translation.
 */
import type { WalkOut } from './pgtable.js';

// ------------------------------------------------------------------ interfaces

/** The stage-2 translation (a libs/pgtable PageTable: the nest parent's domain). */
export interface Stage2 {
  walk(iovaPfn: number, out: WalkOut): boolean;
  readonly inputBits: number;
  /** A write by hardware with dirty tracking on (PageTable.markDirty). */
  markDirty?(iovaPfn: number): boolean;
}

/** Host physical memory as the walker reads it (libs/memory PhysicalMemory fits). */
export interface WalkPhys {
  /** First frame of the page-table pool: frames from here up are not guest RAM. */
  readonly tableBasePfn: number;
  /** Changes whenever frames are freed: frameBytes results stay valid while it does not. */
  readonly framesGen?: number;
  /** Bytes of a data frame; undefined for a frame never written (reads as zeros). */
  frameBytes(pfn: number, create: boolean): Uint8Array | undefined;
}

// ------------------------------------------------------------------ results

/** DmaFaultReason numbers (iommutwin.common.v1). */
export const REASON_BLOCKED = 1;
export const REASON_TRANSLATION = 2;
export const REASON_PERMISSION = 3;
export const REASON_ADDRESS_SIZE = 4;
export const REASON_BAD_CONFIG = 6;

/** perm bits of a translation: PROT_READ / PROT_WRITE, and "the leaf is already dirty". */
export const PERM_R = 1;
export const PERM_W = 2;
/**
 * Internal flag of a combined translation: a write through it needs no A/D (VT-d D, LPAE DBM)
 * update. A cached translation without it sends a write back to the walker (as the x86 TLB
 * does for a clean entry), so the D bit a guest reads is always right.
 */
export const PERM_DIRTY_OK = 0x10;

/** SMMUv3 event ids (EVT_ID_*). */
export const EVT_C_BAD_STE = 0x04;
export const EVT_F_STREAM_DISABLED = 0x06;
export const EVT_C_BAD_SUBSTREAMID = 0x08;
export const EVT_F_CD_FETCH = 0x09;
export const EVT_C_BAD_CD = 0x0a;
export const EVT_F_WALK_EABT = 0x0b;
export const EVT_F_TRANSLATION = 0x10;
export const EVT_F_ADDR_SIZE = 0x11;
export const EVT_F_ACCESS = 0x12;
export const EVT_F_PERMISSION = 0x13;
/** Event CLASS: the fault happened on a CD fetch, a translation-table fetch, or the input address. */
export const CLASS_CD = 0;
export const CLASS_TT = 1;
export const CLASS_IN = 2;

/** VT-d fault reasons (VTDFaultReason) the nested walk produces. */
export const VTD_FR_WRITE = 0x05;
export const VTD_FR_READ = 0x06;
export const VTD_FR_PAGING_ENTRY_INV = 0x07;
export const VTD_FR_ADDR_BEYOND_MGAW = 0x04;
export const VTD_FR_FS_PAGING_ENTRY_INV = 0x70;
export const VTD_FR_FS_PAGING_ENTRY_P = 0x71;
export const VTD_FR_FS_PAGING_ENTRY_RSVD = 0x72;
export const VTD_FR_FSPTPTR_INV = 0x73;
export const VTD_FR_FS_NON_CANONICAL = 0x80;
export const VTD_FR_FS_PAGING_ENTRY_US = 0x81;
export const VTD_FR_SM_WRITE = 0x85;
export const VTD_FR_FS_BIT_UPDATE_FAILED = 0x91;

const TWO20 = 1048576;
const TWO32 = 4294967296;

/** 2^n as a double (exact), n < 64. */
const POW2 = new Float64Array(64);
for (let i = 0; i < 64; i++) POW2[i] = 2 ** i;

function newOut(): WalkOut {
  return { paPfn: 0, pageShift: 0, perm: 0, level: 0, memRefs: 0, dirty: false };
}

/**
 * Common state: stage 2, physical memory, the fault fields, the stage-2 fetch helper.
 * Fault fields are valid after a walk returned false.
 */
abstract class NestedWalkerBase {
  /** Inputs of the next walk. */
  write = false;
  priv = false;
  /**
   * Stage-2 dirty logging is on: the hardware's A/D writes into guest tables are stage-2 writes
   * and set the stage-2 dirty state of the table's page.
   */
  dirtyLog = false;

  /** 1 or 2. */
  fStage = 0;
  /** Architectural level of the faulting entry (stage 1: VT-d 5..1 / LPAE 0..3; stage 2: the stage-2 walk's level). */
  fLevel = 0;
  /** DmaFaultReason number. */
  fReason = 0;
  /** VT-d fault reason, or SMMUv3 event id. */
  fCode = 0;
  /** SMMUv3 CLASS (CLASS_CD / TT / IN). */
  fClass = 0;
  /** Byte address (IPA/GPA) of the access that faulted in stage 2 (the fetch, or the stage-1 output). */
  fAddr2 = 0;

  /** Stage-1 output (GPA/IPA frame) of the last successful walk. */
  lastIpaPfn = 0;

  /** Memory references of the current walk. */
  protected refs = 0;
  /** Output of the last stage-2 walk. */
  protected readonly s2out: WalkOut = newOut();
  protected s2LimitPfn: number;
  /** Descriptor read by `fetch`: low and high 32-bit words, and where it lives (host frame, byte offset). */
  protected lo = 0;
  protected hi = 0;
  protected hpfn = 0;
  protected hoff = 0;
  /** IPA frame of the descriptor last fetched. */
  protected fipa = 0;

  /** Per-level cache of the host frame last read by the fast path: frame, bytes, framesGen. */
  private readonly cPfn = new Float64Array(6).fill(-1);
  private readonly cBytes: Array<Uint8Array | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined];
  private cGen = -1;

  constructor(
    protected readonly phys: WalkPhys,
    protected readonly s2: Stage2,
  ) {
    this.s2LimitPfn = POW2[s2.inputBits - 12]!;
  }

  /**
   * Bytes of host frame `hp` for level slot `k` (undefined: a never-written frame), remembered
   * per level while no frame of host memory has been freed (WalkPhys.framesGen).
   */
  protected frameOf(hp: number, k: number): Uint8Array | undefined {
    const gen = this.phys.framesGen ?? -2;
    if (gen === this.cGen && this.cPfn[k] === hp) return this.cBytes[k];
    if (gen !== this.cGen) {
      this.cPfn.fill(-1);
      this.cGen = gen;
    }
    const b = this.phys.frameBytes(hp, false);
    if (b !== undefined && gen !== -2) {
      this.cPfn[k] = hp;
      this.cBytes[k] = b;
    }
    return b;
  }

  protected fault(stage: number, level: number, reason: number, code: number, cls: number, addr2: number): false {
    this.fStage = stage;
    this.fLevel = level;
    this.fReason = reason;
    this.fCode = code;
    this.fClass = cls;
    this.fAddr2 = addr2;
    return false;
  }

  /**
   * Stage-2 translate the IPA frame `ipaPfn` (access at byte `ipa`) for a read (or a write).
   * On failure: a stage-2 fault (translation, permission, address size) of class `cls`.
   */
  protected stage2(ipaPfn: number, ipa: number, write: boolean, cls: number): boolean {
    const o = this.s2out;
    if (!(ipaPfn < this.s2LimitPfn)) return this.fault(2, 0, REASON_ADDRESS_SIZE, this.s2Code(REASON_ADDRESS_SIZE, write), cls, ipa);
    o.memRefs = 0;
    const ok = this.s2.walk(ipaPfn, o);
    this.refs += o.memRefs;
    if (!ok) return this.fault(2, o.level, REASON_TRANSLATION, this.s2Code(REASON_TRANSLATION, write), cls, ipa);
    if ((o.perm & (write ? PERM_W : PERM_R)) === 0) return this.fault(2, o.level, REASON_PERMISSION, this.s2Code(REASON_PERMISSION, write), cls, ipa);
    return true;
  }

  /** The format's code for a stage-2 fault. */
  protected abstract s2Code(reason: number, write: boolean): number;

  /**
   * Fetch the 8-byte descriptor at IPA byte address `ipa` through stage 2 into lo/hi.
   * false: a stage-2 fault, or the host address is not RAM (external abort: `eabtCode`).
   */
  protected fetch(ipa: number, cls: number, eabtCode: number, eabtReason: number, level: number): boolean {
    const ipaPfn = Math.floor(ipa / 4096);
    if (!this.stage2(ipaPfn, ipa, false, cls)) return false;
    const pfn = this.s2out.paPfn;
    this.refs++;
    if (!(pfn < this.phys.tableBasePfn)) return this.fault(1, level, eabtReason, eabtCode, cls, ipa);
    const off = ipa % 4096;
    this.fipa = ipaPfn;
    this.hpfn = pfn;
    this.hoff = off;
    const b = this.phys.frameBytes(pfn, false);
    if (b === undefined) {
      this.lo = 0;
      this.hi = 0;
    } else {
      this.lo = (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
      this.hi = (b[off + 4]! | (b[off + 5]! << 8) | (b[off + 6]! << 16) | (b[off + 7]! << 24)) >>> 0;
    }
    return true;
  }

  /**
   * Hardware update of the low word of the descriptor last fetched (A/D, AF, AP[2]): a write
   * through stage 2 of the same IPA. Needs stage-2 write permission.
   */
  protected update(newLo: number): boolean {
    if ((this.s2out.perm & PERM_W) === 0) return false;
    const b = this.phys.frameBytes(this.hpfn, true)!;
    const off = this.hoff;
    b[off] = newLo & 0xff;
    b[off + 1] = (newLo >>> 8) & 0xff;
    b[off + 2] = (newLo >>> 16) & 0xff;
    b[off + 3] = newLo >>> 24;
    this.lo = newLo >>> 0;
    if (this.dirtyLog && this.s2.markDirty) this.s2.markDirty(this.fipa);
    return true;
  }

  /** Final stage-2 translation of the stage-1 output frame; fills out (combined leaf and perm). */
  protected finish(ipaPfn: number, ipaOff: number, s1Shift: number, s1Perm: number, s1Level: number, out: WalkOut): boolean {
    const write = this.write;
    if (!this.stage2(ipaPfn, ipaPfn * 4096 + ipaOff, write, CLASS_IN)) return false;
    this.lastIpaPfn = ipaPfn;
    const o = this.s2out;
    out.paPfn = o.paPfn;
    out.pageShift = o.pageShift < s1Shift ? o.pageShift : s1Shift;
    // the combined permission; PERM_DIRTY_OK only if stage 2 lets the write through as well
    let perm = s1Perm & (o.perm | PERM_DIRTY_OK);
    if ((perm & PERM_W) === 0) perm &= ~PERM_DIRTY_OK;
    out.perm = perm;
    out.level = s1Level;
    out.memRefs = this.refs;
    out.dirty = (perm & PERM_DIRTY_OK) !== 0;
    return true;
  }
}

// ------------------------------------------------------------------ VT-d first stage

const FS_P = 1 << 0;
const FS_RW = 1 << 1;
const FS_US = 1 << 2;
const FS_A = 1 << 5;
const FS_D = 1 << 6;
const FS_PS = 1 << 7;

/** iommu_hwpt_vtd_s1 flags. */
export const IOMMU_VTD_S1_SRE = 1 << 0;
export const IOMMU_VTD_S1_EAFE = 1 << 1;
export const IOMMU_VTD_S1_WPE = 1 << 2;

export interface VtdFirstStageConfig {
  /** Guest physical address of the first-stage root table (FSPTPTR), 4 KiB aligned. */
  pgtblAddr: number;
  /** 48 (4-level) or 57 (5-level). */
  addrWidth: number;
  /** iommu_hwpt_vtd_s1 flags (SRE, EAFE, WPE). */
  flags: number;
  /** CAP.FS1GP: 1 GiB first-stage pages. */
  fs1gp: boolean;
}

/**
 * VT-d first-stage walker over guest tables (x86-64 paging), each fetch through stage 2.
 * Levels: 5 (PML5E) / 4 (PML4E) / 3 (PDPE) / 2 (PDE) / 1 (PTE).
 */
export class VtdFirstStageWalker extends NestedWalkerBase {
  private readonly rootAddr: number;
  private readonly nLevels: number;
  private readonly sre: boolean;
  private readonly wpe: boolean;
  private readonly fs1gp: boolean;
  /** Frames below this are canonical-low; frames from canonHiPfn up canonical-high. */
  private readonly canonLoPfn: number;
  private readonly canonHiPfn: number;
  /** Reserved high-word bits of every entry (address bits above the stage-1 output width, up to 51). */
  private readonly rsvdHi: number;
  /** Frames of the stage-1 input address space (mask for the table indices). */
  private readonly inPfns: number;

  constructor(phys: WalkPhys, s2: Stage2, readonly cfg: VtdFirstStageConfig) {
    super(phys, s2);
    if (cfg.addrWidth !== 48 && cfg.addrWidth !== 57) throw new RangeError(`first-stage address width ${cfg.addrWidth}`);
    if (!Number.isSafeInteger(cfg.pgtblAddr) || cfg.pgtblAddr < 0 || cfg.pgtblAddr % 4096 !== 0) throw new RangeError('first-stage table pointer must be 4 KiB aligned');
    this.rootAddr = cfg.pgtblAddr;
    this.nLevels = cfg.addrWidth === 57 ? 5 : 4;
    this.sre = (cfg.flags & IOMMU_VTD_S1_SRE) !== 0;
    this.wpe = (cfg.flags & IOMMU_VTD_S1_WPE) !== 0;
    this.fs1gp = cfg.fs1gp;
    const aw = cfg.addrWidth;
    this.canonLoPfn = POW2[aw - 1 - 12]!;
    this.canonHiPfn = POW2[52]! - POW2[aw - 1 - 12]!;
    this.inPfns = POW2[aw - 12]!;
    // the first stage outputs guest physical addresses: bits above the GPA width (the stage-2
    // input width) up to 51 are reserved
    const oa = Math.min(52, s2.inputBits);
    this.rsvdHi = oa >= 52 ? 0 : (0xfffff & ~((1 << (oa - 32)) - 1)) >>> 0;
  }

  /** SS fault codes: stage-2 read / write denied or not present (VT-d reasons 6 / 5 / 7). */
  protected s2Code(reason: number, write: boolean): number {
    if (reason === REASON_ADDRESS_SIZE) return VTD_FR_ADDR_BEYOND_MGAW;
    if (reason === REASON_PERMISSION) return write ? VTD_FR_WRITE : VTD_FR_READ;
    return VTD_FR_PAGING_ENTRY_INV;
  }

  walk(iovaPfn: number, out: WalkOut): boolean {
    return this.fastWalk(iovaPfn, out) || this.fullWalk(iovaPfn, out);
  }

  /**
   * The common case in one loop without helper calls: a user request, canonical-low address,
   * every entry present with A (and R/W for a write), 4 KiB leaf (D already set for a write),
   * nothing reserved, stage 2 readable/writable as needed. Anything else returns false having
   * changed nothing, and fullWalk (the complete rules, faults and A/D updates) takes over.
   */
  private fastWalk(iovaPfn: number, out: WalkOut): boolean {
    if (this.priv || !(iovaPfn < this.canonLoPfn)) return false;
    const s2 = this.s2;
    const o = this.s2out;
    const phys = this.phys;
    const lim = this.s2LimitPfn;
    const tb = phys.tableBasePfn;
    const rsvdHi = this.rsvdHi;
    const write = this.write;
    const need = write ? FS_P | FS_US | FS_A | FS_RW : FS_P | FS_US | FS_A;
    let refs = 0;
    let rw = FS_RW;
    let tpfn = this.rootAddr / 4096;
    for (let sh = 9 * (this.nLevels - 1); ; sh -= 9) {
      if (!(tpfn < lim)) return false;
      o.memRefs = 0;
      if (!s2.walk(tpfn, o) || (o.perm & PERM_R) === 0) return false;
      refs += o.memRefs + 1;
      const hp = o.paPfn;
      if (!(hp < tb)) return false;
      const b = this.frameOf(hp, sh / 9);
      if (b === undefined) return false;
      const off = (((iovaPfn / POW2[sh]!) >>> 0) & 511) << 3;
      const lo = b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
      const hi = b[off + 4]! | (b[off + 5]! << 8) | (b[off + 6]! << 16) | (b[off + 7]! << 24);
      if ((lo & need) !== need || (lo & FS_PS) !== 0 || (hi & rsvdHi) !== 0) return false;
      rw &= lo;
      tpfn = (lo >>> 12) + (hi & 0xfffff) * TWO20;
      if (sh !== 0) continue;
      if (write && (lo & FS_D) === 0) return false;
      // the output GPA through stage 2
      if (!(tpfn < lim)) return false;
      o.memRefs = 0;
      if (!s2.walk(tpfn, o)) return false;
      const s2perm = o.perm;
      if ((s2perm & (write ? PERM_W : PERM_R)) === 0) return false;
      let perm = PERM_R;
      if (rw !== 0) perm = (lo & FS_D) !== 0 ? PERM_R | PERM_W | PERM_DIRTY_OK : PERM_R | PERM_W;
      perm &= s2perm | PERM_DIRTY_OK;
      if ((perm & PERM_W) === 0) perm &= ~PERM_DIRTY_OK;
      this.lastIpaPfn = tpfn;
      out.paPfn = o.paPfn;
      out.pageShift = 12;
      out.perm = perm;
      out.level = 1;
      out.memRefs = refs + o.memRefs;
      out.dirty = (perm & PERM_DIRTY_OK) !== 0;
      return true;
    }
  }

  private fullWalk(iovaPfn: number, out: WalkOut): boolean {
    this.refs = 0;
    const write = this.write;
    // supervisor requests only with SRE (else they are handled as user requests)
    const sup = this.priv && this.sre;
    if (!(iovaPfn < this.canonLoPfn || (iovaPfn >= this.canonHiPfn && iovaPfn < 4503599627370496))) {
      out.memRefs = 0;
      return this.fault(1, this.nLevels, REASON_ADDRESS_SIZE, VTD_FR_FS_NON_CANONICAL, CLASS_IN, 0);
    }
    const va = iovaPfn % this.inPfns;
    let table = this.rootAddr;
    let rw = FS_RW;
    for (let lvl = this.nLevels; ; lvl--) {
      const sh = 9 * (lvl - 1); // frame bits below this level's index
      const idx = ((va / POW2[sh]!) >>> 0) & 511;
      const ea = table + idx * 8;
      if (!this.fetch(ea, CLASS_TT, lvl === this.nLevels ? VTD_FR_FSPTPTR_INV : VTD_FR_FS_PAGING_ENTRY_INV, REASON_BAD_CONFIG, lvl)) {
        out.memRefs = this.refs;
        return false;
      }
      let lo = this.lo;
      const hi = this.hi;
      if ((lo & FS_P) === 0) return this.fail(out, lvl, REASON_TRANSLATION, VTD_FR_FS_PAGING_ENTRY_P);
      if ((lo & FS_US) === 0 && !sup) return this.fail(out, lvl, REASON_PERMISSION, VTD_FR_FS_PAGING_ENTRY_US);
      if (write && (lo & FS_RW) === 0 && (!sup || this.wpe)) return this.fail(out, lvl, REASON_PERMISSION, VTD_FR_SM_WRITE);
      const ps = (lo & FS_PS) !== 0;
      const leaf = lvl === 1 || (ps && lvl <= 3);
      // reserved bits: address bits above the output width; PS in PML5E/PML4E; PS in a PDPE
      // without FS1GP; the low address bits of a large leaf (bit 12 is PAT)
      if ((hi & this.rsvdHi) !== 0 || (ps && lvl >= 4) || (ps && lvl === 3 && !this.fs1gp) ||
        (leaf && lvl === 2 && (lo & 0x1fe000) !== 0) || (leaf && lvl === 3 && (lo & 0x3fffe000) !== 0)) {
        return this.fail(out, lvl, REASON_TRANSLATION, VTD_FR_FS_PAGING_ENTRY_RSVD);
      }
      // hardware sets A in every entry it uses, and D in the leaf of a write
      const set = leaf && write ? FS_A | FS_D : FS_A;
      if ((lo & set) !== set) {
        if (!this.update(lo | set)) {
          return this.fail2(out, lvl, ea);
        }
        lo = this.lo;
      }
      rw &= lo;
      const addrPfn = (lo >>> 12) + (hi & 0xfffff) * TWO20;
      if (!leaf) {
        table = addrPfn * 4096;
        continue;
      }
      // the leaf: base frame (bit 12 of a large leaf is PAT), offset inside it
      const span = POW2[sh]!;
      const basePfn = sh === 0 ? addrPfn : addrPfn - (addrPfn % span);
      const gpaPfn = basePfn + (va % span);
      let perm = PERM_R;
      if (rw !== 0 || (sup && !this.wpe)) {
        perm |= PERM_W;
        if ((lo & FS_D) !== 0) perm |= PERM_DIRTY_OK;
      }
      if (!this.finish(gpaPfn, 0, 12 + sh, perm, lvl, out)) {
        out.memRefs = this.refs;
        return false;
      }
      return true;
    }
  }

  private fail(out: WalkOut, lvl: number, reason: number, code: number): false {
    out.memRefs = this.refs;
    out.level = lvl;
    return this.fault(1, lvl, reason, code, CLASS_TT, 0);
  }

  /** The A/D write-back was refused by stage 2 (read-only GPA of a guest table). */
  private fail2(out: WalkOut, lvl: number, ea: number): false {
    out.memRefs = this.refs;
    out.level = lvl;
    return this.fault(2, this.s2out.level, REASON_PERMISSION, VTD_FR_FS_BIT_UPDATE_FAILED, CLASS_TT, ea);
  }
}

// ------------------------------------------------------------------ SMMUv3: STE, CD

/** What the vSTE says about stage 1 (the words the kernel stored after its validation). */
export interface Vste {
  /** 'invalid' (V=0: C_BAD_STE), 'abort', 'bypass' (stage 2 only), 's1' (nested S1+S2), 'bad' (C_BAD_STE). */
  config: 'invalid' | 'abort' | 'bypass' | 's1' | 'bad';
  /** S1ContextPtr (byte IPA). */
  ctxPtr: number;
  s1CdMax: number;
  /** 0 linear, 1 2-level with 4K leaf tables, 2 2-level with 64K leaf tables. */
  s1Fmt: number;
  /** 0 terminate, 1 bypass, 2 substream 0. */
  s1Dss: number;
}

/**
 * Decode the vSTE (words 0 and 1). Config 0..3 abort, 4 bypass, 5 S1; 6/7 are refused by the
 * kernel at allocation (treated as 'bad' here). S1: S1Fmt 3, an S1CDMax wider than the unit's
 * SubstreamID size (`ssidBits`), or S1CDMax ≠ 0 without substreams → C_BAD_STE; S1STALLD=1 →
 * C_BAD_STE (QEMU).
 */
export function decodeVste(ste0: bigint, ste1: bigint, ssidBits: number): Vste {
  const v = Number(ste0 & 1n);
  const cfg = Number((ste0 >> 1n) & 7n);
  const s1Fmt = Number((ste0 >> 4n) & 3n);
  const ctxPtr = Number(ste0 & 0x000fffffffffffc0n); // bits 51:6
  const s1CdMax = Number((ste0 >> 59n) & 0x1fn);
  const s1Dss = Number(ste1 & 3n);
  const stalld = Number((ste1 >> 27n) & 1n);
  const base = { ctxPtr, s1CdMax, s1Fmt, s1Dss };
  if (v === 0) return { config: 'invalid', ...base };
  if ((cfg & 4) === 0) return { config: 'abort', ...base };
  if (cfg === 4) return { config: 'bypass', ...base };
  if (cfg !== 5) return { config: 'bad', ...base };
  if (s1Fmt === 3 || s1CdMax > ssidBits || stalld === 1 || s1Dss === 3) return { config: 'bad', ...base };
  return { config: 's1', ...base };
}

/** A decoded SMMUv3 context descriptor (CD), the fields the stage-1 walk uses. */
export interface Cd {
  /** The 64 bytes as read. */
  readonly raw: Uint8Array;
  /** Index of the CD in its table (the SSID, 0 for requests without one). */
  readonly ssid: number;
  readonly t0sz: number;
  /** TG0 decoded as a granule byte shift: 12, 14, 16. */
  readonly granuleShift: number;
  readonly epd0: boolean;
  /** CD.R: record translation/access/permission/address-size faults. */
  readonly r: boolean;
  readonly ha: boolean;
  readonly hd: boolean;
  /** Effective output address size in bits (IPS capped to the unit's OAS; 48 unless 64K). */
  readonly oas: number;
  readonly asid: number;
  /** TTB0 byte IPA. */
  readonly ttb0: number;
}

const IPS_BITS = [32, 36, 40, 42, 44, 48, 52];

/**
 * QEMU's decode_cd checks: V=0, AA64=0, A=0, S=1, HA/HD without HTTU (`httu`: 0 none, 1 HA,
 * 2 HA+HD), ENDI=1, an enabled TT0 with T0SZ < 16 or > 39 or TG0 = 3, TTB0 beyond the effective
 * OAS → undefined (C_BAD_CD).
 */
export function decodeCd(raw: Uint8Array, ssid: number, unitOas: number, httu: number): Cd | undefined {
  const w = (i: number) => (raw[i]! | (raw[i + 1]! << 8) | (raw[i + 2]! << 16) | (raw[i + 3]! << 24)) >>> 0;
  const lo0 = w(0);
  const hi0 = w(4);
  const lo1 = w(8);
  const hi1 = w(12);
  const t0sz = lo0 & 0x3f;
  const tg0 = (lo0 >>> 6) & 3;
  const epd0 = (lo0 & (1 << 14)) !== 0;
  const endi = (lo0 & (1 << 15)) !== 0;
  const valid = (lo0 & (1 << 31)) !== 0;
  const ips = hi0 & 7;
  const aa64 = (hi0 & (1 << 9)) !== 0; // bit 41
  const hd = (hi0 & (1 << 10)) !== 0; // 42
  const ha = (hi0 & (1 << 11)) !== 0; // 43
  const s = (hi0 & (1 << 12)) !== 0; // 44
  const r = (hi0 & (1 << 13)) !== 0; // 45
  const a = (hi0 & (1 << 14)) !== 0; // 46
  const asid = hi0 >>> 16;
  const ttb0 = (lo1 & ~0xf) + (hi1 & 0xfffff) * TWO32; // bits 51:4
  if (!valid || !aa64 || !a || s || endi) return undefined;
  if ((ha && httu < 1) || (hd && (httu < 2 || !ha))) return undefined;
  const granuleShift = tg0 === 0 ? 12 : tg0 === 1 ? 16 : tg0 === 2 ? 14 : 0;
  if (ips >= IPS_BITS.length) return undefined;
  let oas = Math.min(IPS_BITS[ips]!, unitOas);
  if (granuleShift !== 16 && oas > 48) oas = 48;
  if (!epd0) {
    if (t0sz < 16 || t0sz > 39 || granuleShift === 0) return undefined;
    if (ttb0 >= POW2[oas]!) return undefined;
  }
  return { raw, ssid, t0sz, granuleShift: granuleShift || 12, epd0, r, ha, hd, oas, asid, ttb0 };
}

/** Build the 64-byte CD (for tests and tools): the fields decodeCd reads, V and AA64 and A set. */
export function encodeCd(f: { t0sz: number; tg0?: number; epd0?: boolean; ips?: number; asid: number; ttb0: number; r?: boolean; ha?: boolean; hd?: boolean; s?: boolean; a?: boolean; aa64?: boolean; v?: boolean; endi?: boolean }): Uint8Array {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  let lo0 = (f.t0sz & 0x3f) | ((f.tg0 ?? 0) << 6) | (f.epd0 ? 1 << 14 : 0) | (f.endi ? 1 << 15 : 0) | (f.v === false ? 0 : 1 << 31);
  lo0 >>>= 0;
  const hi0 = ((f.ips ?? 5) & 7) | (f.aa64 === false ? 0 : 1 << 9) | (f.hd ? 1 << 10 : 0) | (f.ha ? 1 << 11 : 0) | (f.s ? 1 << 12 : 0) |
    (f.r ? 1 << 13 : 0) | (f.a === false ? 0 : 1 << 14) | ((f.asid & 0xffff) << 16);
  dv.setUint32(0, lo0, true);
  dv.setUint32(4, hi0 >>> 0, true);
  dv.setUint32(8, (f.ttb0 % TWO32) >>> 0, true);
  dv.setUint32(12, Math.floor(f.ttb0 / TWO32), true);
  return b;
}

// ------------------------------------------------------------------ SMMUv3 stage 1 (LPAE)

const L_AF = 1 << 10;
const L_AP_RDONLY = 1 << 7;
const L_HI_DBM = 1 << (51 - 32);
const L_HI_APTABLE_RDONLY = 1 << (62 - 32);

export interface Smmuv3Config {
  /** SubstreamID bits of the unit (IDR1.SSIDSIZE). */
  ssidBits: number;
  /** Unit output address size (IDR5.OAS) in bits. */
  oas: number;
  /** IDR0.HTTU: 0 none, 1 access flag, 2 access flag and dirty state. */
  httu: number;
}

/**
 * SMMUv3 stage-1 walker. `load(cd)` selects the CD (from a CD cache or `fetchCd`); `walk`
 * translates an IOVA frame through the CD's TTB0 tables and stage 2.
 */
export class Smmuv3S1Walker extends NestedWalkerBase {
  // the CD in use
  private ttb0 = 0;
  private g = 12;
  private stride = 9;
  private startLevel = 0;
  /** frames of the TT0 input range */
  private inPfns = 0;
  private epd0 = true;
  private ha = false;
  private hd = false;
  private oasPfns = 0;
  /** Last CD-fetch result. */
  cdOut: Cd | undefined;

  constructor(phys: WalkPhys, s2: Stage2, readonly cfg: Smmuv3Config) {
    super(phys, s2);
  }

  protected s2Code(reason: number): number {
    return reason === REASON_PERMISSION ? EVT_F_PERMISSION : reason === REASON_ADDRESS_SIZE ? EVT_F_ADDR_SIZE : EVT_F_TRANSLATION;
  }

  /** Use `cd` for the following walks. */
  load(cd: Cd): void {
    this.epd0 = cd.epd0;
    this.g = cd.granuleShift;
    this.stride = cd.granuleShift - 3;
    const inBits = 64 - cd.t0sz;
    this.inPfns = POW2[inBits - 12]!;
    this.startLevel = 4 - Math.ceil((inBits - this.g) / this.stride);
    this.ttb0 = cd.ttb0;
    this.ha = cd.ha;
    this.hd = cd.hd;
    this.oasPfns = POW2[cd.oas - 12]!;
  }

  /**
   * The CD index a request uses (S1CDMax / S1DSS substream rules), no memory access: the index
   * (0 for a request without SubstreamID), -1 when stage 1 is bypassed (S1DSS=1 for a request
   * without SSID), or -2 with the fault fields set (C_BAD_SUBSTREAMID, F_STREAM_DISABLED).
   */
  cdIndex(ste: Vste, ssid: number): number {
    if (ste.s1CdMax === 0) {
      if (ssid >= 0) return this.cdFault(EVT_C_BAD_SUBSTREAMID);
      return 0;
    }
    if (ssid < 0) {
      if (ste.s1Dss === 0) return this.cdFault(EVT_F_STREAM_DISABLED);
      if (ste.s1Dss === 1) return -1;
      return 0;
    }
    if (ssid >= POW2[ste.s1CdMax]! || (ssid === 0 && ste.s1Dss === 2)) return this.cdFault(EVT_C_BAD_SUBSTREAMID);
    return ssid;
  }

  /**
   * Locate and fetch the CD for substream `ssid` (-1: a request without SubstreamID) of `ste`
   * (config 's1'), through stage 2. Returns the CD, null when stage 1 is bypassed (S1DSS=1 for a
   * request without SSID), or undefined with the fault fields set (C_BAD_SUBSTREAMID,
   * F_STREAM_DISABLED, F_CD_FETCH, stage-2 faults of CLASS CD, C_BAD_CD).
   */
  fetchCd(ste: Vste, ssid: number): Cd | null | undefined {
    const idx = this.cdIndex(ste, ssid);
    if (idx === -2) return undefined;
    if (idx === -1) return null;
    return this.fetchCdAt(ste, idx);
  }

  /** Fetch and decode CD number `idx` of the STE's CD table (see fetchCd). */
  fetchCdAt(ste: Vste, idx: number): Cd | undefined {
    this.refs = 0;
    let cdAddr: number;
    if (ste.s1Fmt === 0 || ste.s1CdMax === 0) {
      cdAddr = ste.ctxPtr + idx * 64;
    } else {
      const split = ste.s1Fmt === 1 ? 6 : 10;
      const l1 = ste.ctxPtr + Math.floor(idx / POW2[split]!) * 8;
      if (!this.fetch(l1, CLASS_CD, EVT_F_CD_FETCH, REASON_BAD_CONFIG, 0)) return undefined;
      if ((this.lo & 1) === 0) {
        this.cdFault(EVT_C_BAD_SUBSTREAMID);
        return undefined;
      }
      const l2 = (this.lo - (this.lo % 4096)) + (this.hi & 0xfffff) * TWO32;
      cdAddr = l2 + (idx % POW2[split]!) * 64;
    }
    // one 64-byte read (a CD is 64-byte aligned: it never crosses a frame)
    if (!this.fetch(cdAddr, CLASS_CD, EVT_F_CD_FETCH, REASON_BAD_CONFIG, 0)) return undefined;
    const raw = new Uint8Array(64);
    const frame = this.phys.frameBytes(this.hpfn, false);
    if (frame) raw.set(frame.subarray(this.hoff, this.hoff + 64));
    const cd = decodeCd(raw, idx, this.cfg.oas, this.cfg.httu);
    if (!cd) {
      this.fault(1, 0, REASON_BAD_CONFIG, EVT_C_BAD_CD, CLASS_CD, cdAddr);
      return undefined;
    }
    this.cdOut = cd;
    return cd;
  }

  /** Memory references of the last fetchCd. */
  get cdRefs(): number {
    return this.refs;
  }

  private cdFault(id: number): -2 {
    this.fault(1, 0, REASON_BAD_CONFIG, id, CLASS_CD, 0);
    return -2;
  }

  walk(iovaPfn: number, out: WalkOut): boolean {
    return this.fastWalk(iovaPfn, out) || this.fullWalk(iovaPfn, out);
  }

  /**
   * The common case in one loop: table descriptors down to a page descriptor (no blocks) with
   * AF set, no APTable/AP[2] restriction on a write, addresses inside the OAS, stage 2 allowing
   * the accesses. Anything else returns false having changed nothing; fullWalk takes over.
   */
  private fastWalk(iovaPfn: number, out: WalkOut): boolean {
    if (this.epd0 || !(iovaPfn < this.inPfns)) return false;
    const s2 = this.s2;
    const o = this.s2out;
    const phys = this.phys;
    const lim = this.s2LimitPfn;
    const tb = phys.tableBasePfn;
    const oasPfns = this.oasPfns;
    const write = this.write;
    const stride = this.stride;
    const gPfnShift = this.g - 12;
    const gMask = POW2[gPfnShift]!;
    let refs = 0;
    let rdonly = 0;
    // the table as (frame, byte offset): tables below 4 KiB may start inside a frame
    let tPfn = Math.floor(this.ttb0 / 4096);
    let tOff = this.ttb0 % 4096;
    let pfnShift = gPfnShift + stride * (3 - this.startLevel);
    let mask = this.inPfns / POW2[pfnShift]! - 1;
    for (let L = this.startLevel; ; L++) {
      const ea = tOff + ((((iovaPfn / POW2[pfnShift]!) >>> 0) & mask) << 3); // < 2^17
      const ipaPfn = tPfn + (ea >>> 12);
      if (!(ipaPfn < lim)) return false;
      o.memRefs = 0;
      if (!s2.walk(ipaPfn, o) || (o.perm & PERM_R) === 0) return false;
      refs += o.memRefs + 1;
      const hp = o.paPfn;
      if (!(hp < tb)) return false;
      const b = this.frameOf(hp, L);
      if (b === undefined) return false;
      const off = ea & 4095;
      const lo = b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
      const hi = b[off + 4]! | (b[off + 5]! << 8) | (b[off + 6]! << 16) | (b[off + 7]! << 24);
      if ((lo & 3) !== 3) return false;
      let addrPfn = (lo >>> 12) + (hi & 0xffff) * TWO20;
      if (gPfnShift > 0) addrPfn -= addrPfn % gMask;
      if (!(addrPfn < oasPfns)) return false;
      if (L < 3) {
        rdonly |= hi & L_HI_APTABLE_RDONLY;
        tPfn = addrPfn;
        tOff = 0;
        pfnShift -= stride;
        mask = (1 << stride) - 1;
        continue;
      }
      if ((lo & L_AF) === 0) return false;
      const ro = rdonly !== 0 || (lo & L_AP_RDONLY) !== 0;
      if (write && ro) return false;
      const ipa = addrPfn + (gPfnShift > 0 ? iovaPfn % gMask : 0);
      if (!(ipa < lim)) return false;
      o.memRefs = 0;
      if (!s2.walk(ipa, o)) return false;
      const s2perm = o.perm;
      if ((s2perm & (write ? PERM_W : PERM_R)) === 0) return false;
      let perm = ro ? ((hi & L_HI_DBM) !== 0 && this.hd && rdonly === 0 ? PERM_R | PERM_W : PERM_R) : PERM_R | PERM_W | PERM_DIRTY_OK;
      perm &= s2perm | PERM_DIRTY_OK;
      if ((perm & PERM_W) === 0) perm &= ~PERM_DIRTY_OK;
      this.lastIpaPfn = ipa;
      out.paPfn = o.paPfn;
      out.pageShift = o.pageShift < this.g ? o.pageShift : this.g;
      out.perm = perm;
      out.level = 3;
      out.memRefs = refs + o.memRefs;
      out.dirty = (perm & PERM_DIRTY_OK) !== 0;
      return true;
    }
  }

  private fullWalk(iovaPfn: number, out: WalkOut): boolean {
    this.refs = 0;
    const write = this.write;
    if (this.epd0 || !(iovaPfn < this.inPfns)) {
      out.memRefs = 0;
      out.level = this.startLevel;
      return this.fault(1, this.startLevel, REASON_TRANSLATION, EVT_F_TRANSLATION, CLASS_TT, 0);
    }
    const g = this.g;
    const stride = this.stride;
    const gPfnShift = g - 12;
    let table = this.ttb0;
    let rdonlyTable = false;
    for (let L = this.startLevel; ; L++) {
      const pfnShift = gPfnShift + stride * (3 - L); // frame bits below this level's index
      const bits = L === this.startLevel ? Math.log2(this.inPfns) - pfnShift : stride;
      const idx = ((iovaPfn / POW2[pfnShift]!) >>> 0) & ((1 << bits) - 1);
      const ea = table + idx * 8;
      if (!this.fetch(ea, CLASS_TT, EVT_F_WALK_EABT, REASON_BAD_CONFIG, L)) {
        out.memRefs = this.refs;
        return false;
      }
      let lo = this.lo;
      const hi = this.hi;
      const type = lo & 3;
      if ((type & 1) === 0 || (L === 3 && type === 1)) return this.fail(out, L, REASON_TRANSLATION, EVT_F_TRANSLATION);
      // output / next-table address: bits 47:g
      let addrPfn = (lo >>> 12) + (hi & 0xffff) * TWO20;
      if (gPfnShift > 0) addrPfn -= addrPfn % POW2[gPfnShift]!;
      if (!(addrPfn < this.oasPfns)) return this.fail(out, L, REASON_ADDRESS_SIZE, EVT_F_ADDR_SIZE);
      if (L < 3 && type === 3) {
        if ((hi & L_HI_APTABLE_RDONLY) !== 0) rdonlyTable = true;
        table = addrPfn * 4096;
        continue;
      }
      // a block: 4K granule at levels 1 and 2, 16K and 64K at level 2
      if (L < 3 && (L === 0 || (L === 1 && g !== 12))) return this.fail(out, L, REASON_TRANSLATION, EVT_F_TRANSLATION);
      let set = 0;
      let clear = 0;
      if ((lo & L_AF) === 0) {
        if (!this.ha) return this.fail(out, L, REASON_TRANSLATION, EVT_F_ACCESS);
        set = L_AF;
      }
      const dbm = (hi & L_HI_DBM) !== 0 && this.hd;
      let rdonly = (lo & L_AP_RDONLY) !== 0;
      if (write && (rdonly || rdonlyTable)) {
        if (rdonlyTable || !dbm) return this.fail(out, L, REASON_PERMISSION, EVT_F_PERMISSION);
        clear = L_AP_RDONLY;
        rdonly = false;
      }
      if (set !== 0 || clear !== 0) {
        if (!this.update((lo | set) & ~clear)) {
          out.memRefs = this.refs;
          out.level = L;
          return this.fault(2, this.s2out.level, REASON_PERMISSION, EVT_F_PERMISSION, CLASS_TT, ea);
        }
        lo = this.lo;
      }
      const span = POW2[pfnShift]!;
      const ipaPfn = addrPfn - (addrPfn % span) + (iovaPfn % span);
      let perm = PERM_R;
      if (!rdonlyTable && (!rdonly || dbm)) {
        perm |= PERM_W;
        if (!rdonly) perm |= PERM_DIRTY_OK;
      }
      if (!this.finish(ipaPfn, 0, 12 + pfnShift, perm, L, out)) {
        out.memRefs = this.refs;
        return false;
      }
      return true;
    }
  }

  private fail(out: WalkOut, L: number, reason: number, code: number): false {
    out.memRefs = this.refs;
    out.level = L;
    return this.fault(1, L, reason, code, CLASS_TT, 0);
  }
}

// ------------------------------------------------------------------ SMMUv3 event records

/**
 * The 32-byte SMMUv3 event record (struct iommu_vevent_arm_smmuv3 evt[4], little-endian):
 * dword0 ID[7:0] SSV[11] SSID[31:12] SID[63:32]; dword1 PnU[33] InD[34] RnW[35] S2[39]
 * CLASS[41:40]; dword2 InputAddr; dword3 the IPA (ADDR2).
 */
export function encodeSmmuEvent(
  out: Uint8Array,
  f: { id: number; sid: number; ssid: number; write: boolean; priv: boolean; s2: boolean; cls: number; inputAddr: bigint; addr2: number },
): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, 32);
  const ssv = f.ssid >= 0;
  dv.setUint32(0, ((f.id & 0xff) | (ssv ? 1 << 11 : 0) | (ssv ? (f.ssid & 0xfffff) << 12 : 0)) >>> 0, true);
  dv.setUint32(4, f.sid >>> 0, true);
  dv.setUint32(8, 0, true);
  dv.setUint32(12, ((f.priv ? 1 << 1 : 0) | (f.write ? 0 : 1 << 3) | (f.s2 ? 1 << 7 : 0) | ((f.cls & 3) << 8)) >>> 0, true);
  dv.setBigUint64(16, f.inputAddr, true);
  dv.setBigUint64(24, BigInt(f.addr2), true);
  return out;
}

/** Event ids the kernel forwards to a vEVENTQ (uAPI: 0x04, 0x06, 0x08, 0x0a, 0x10–0x13). */
export function smmuEventForwarded(id: number): boolean {
  return id === 0x04 || id === 0x06 || id === 0x08 || id === 0x0a || (id >= 0x10 && id <= 0x13);
}
