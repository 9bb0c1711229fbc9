/**
 * DMA translation of the emulated SMMUv3 over guest RAM, as QEMU's hw/arm/smmuv3.c and
 * smmu-common.c translate for a guest (facts: shared/reference/smmuv3-and-migration.md §A.4,
 * A.6, A.10, A.11):
 *
 *  - SMMUEN=0: GBPA.ABORT aborts silently, else the address passes untranslated;
 *  - smmu_find_ste: linear or 2-level stream table (C_BAD_STREAMID, F_STE_FETCH with the fetch
 *    address in ADDR2, C_BAD_STE for an L2 index beyond SPAN);
 *  - decode_ste: V, Config (abort with b2 clear, bypass, S1, S2, nested), every C_BAD_STE rule
 *    of QEMU (stage not advertised, S2TG/S2SL0/S2PS/S2TTB/S2T0SZ/concatenation/S2ENDI/S2S,
 *    S1CDMax without SubstreamID support, S1STALLD);
 *  - smmu_get_cd: CD 0 at S1ContextPtr (QEMU never indexes the CD table; S1Fmt is not read),
 *    through stage 2 for nested (faults with CLASS=CD); F_CD_FETCH with the fetch address in
 *    the InputAddr field (EVT_SET_ADDR, as QEMU records it); decode_cd's C_BAD_CD rules; TTBx
 *    through stage 2 for nested (CLASS=TT);
 *  - smmu_ptw_64_s1 / _s2: LPAE walks for 4K/16K/64K granules, TTB0/TTB1 by select_tt, start
 *    level from TxSZ (stage 1) or S2SL0 (stage 2, concatenated tables), blocks at any level
 *    below 3, AF → F_ACCESS unless (S2)AFFD, stage-1 AP[2] and APTable[1] (unless HADx) forbid
 *    writes, S2AP gives read/write, F_ADDR_SIZE beyond the output size, F_WALK_EABT when a
 *    descriptor read fails (ADDR2 = descriptor address); nested walks fetch tables through
 *    stage 2 and send the final IPA through stage 2 (CLASS=IN, S2=1, ADDR2 = IPA);
 *  - QEMU's record decision: translation/address-size/access/permission faults only with CD.R
 *    (stage 1) or STE.S2R (stage 2); configuration errors and F_WALK_EABT always;
 *  - caches as caches.ts describes: the configuration cache per StreamID and the IOTLB;
 *  - lookup() (which GPA an assigned device's DMA reached) reads everything fresh and picks the
 *    CD by the architecture's substream rules, as the host's nested walk does.
 *
 * Departures from QEMU (SMMUV3.md "Translation and caches"):
 *  - STE.S2AA64=0 is C_BAD_STE (QEMU: g_assert_not_reached, the VMM aborts);
 *  - CD.IPS 6 or 7 is taken as the unit's OAS (QEMU: oas2bits asserts);
 *  - a concatenated stage-2 start table is indexed as the architecture says (QEMU adds the
 *    table index to the base and then masks it away with the concatenated-table alignment, so
 *    IPAs that select table 1..15 read table 0);
 *  - granules the VM spec leaves out of IDR5 are C_BAD_CD / C_BAD_STE (QEMU offers all three);
 *  - a successful walk whose permission lacks the access (a read of a write-only stage-2
 *    entry found in the IOTLB) fails without an event, as QEMU's memory core refuses it.
 * Followed QEMU quirks worth knowing: TBI1 reads the TBI0 bit (smmu-internal.h precedence);
 * a stage-2 fault while fetching a nested stage-1 table is reported with S2=0, CLASS=TT and
 * recorded per CD.R; an S2-only stream whose input exceeds the OAS gets a stage-1 F_ADDR_SIZE
 * that is never recorded; a write hitting a cached stage-2-only read-only entry is a stage-1
 * permission fault (recorded per CD.R, i.e. never); level-0 blocks are accepted; nested
 * entries report the stage-1 permission only.
 */
import { readU64s } from '../guest-memory.js';
import * as caches from './caches.js';
import { emptyCfg, levelShift, makeTlbEntry, selectMasks, SmmuConfigCache, SmmuIotlb, type SmmuTlbEntry, type SmmuTransCfg, type SmmuTransTableInfo } from './caches.js';
import * as types from './types.js';
import type {
  GuestMemory,
  SmmuCaps,
  SmmuEventInfo,
  SmmuInvalidationTarget,
  SmmuIovaInvalidation,
  SmmuStreamTableState,
  SmmuTranslation,
  SteView,
} from './types.js';

// Module-local copies of the imported values the hot path reads: plain variable reads under any
// loader (a CommonJS-style transform turns imported bindings into getter calls).
const { HALVES, split64, cachedEntryToAddr, IOMMU_NONE, IOMMU_RO, IOMMU_WO, SMMU_NESTED, SMMU_STAGE_1, SMMU_STAGE_2 } = caches;
const { EVT } = types;
const EVT_CLASS = { CD: types.EVT_CLASS.CD, TT: types.EVT_CLASS.TT, IN: types.EVT_CLASS.IN };

export { SMMU_IOTLB_MAX_SIZE } from './caches.js';

// ------------------------------------------------------------------ constants

/** SMMU_BASE_ADDR_MASK: bits 51:6 */
export const SMMU_BASE_ADDR_MASK = 0xf_ffff_ffff_ffc0n;
/** STE_CTXPTR: dword 0 bits 55:6 (CTXPTR_LO 26 bits + CTXPTR_HI 24 bits) */
const STE_CTXPTR_MASK = 0x00ff_ffff_ffff_ffc0n;
/** S2TTB / TTBx: bits 51:4 */
const TTB_MASK = 0x000f_ffff_ffff_fff0n;
/** IDR1.SIDSIZE */
export const SMMU_IDR1_SIDSIZE = 16;
/** VMSA_MAX_S2_CONCAT */
export const VMSA_MAX_S2_CONCAT = 16;
/** TARGET_PAGE_BITS of aarch64: the page of a bypassed translation */
const TARGET_PAGE_BITS = 12;

/** SMMUPTWEventType */
export const PTW_ERR = { NONE: 0, WALK_EABT: 1, TRANSLATION: 2, ADDR_SIZE: 3, ACCESS: 4, PERMISSION: 5 } as const;

const MASKS: readonly bigint[] = Array.from({ length: 65 }, (_, i) => (1n << BigInt(i)) - 1n);
/** MAKE_64BIT_MASK(0, n), clamped to 0..64 */
function mask(n: number): bigint {
  return MASKS[n <= 0 ? 0 : n >= 64 ? 64 : n]!;
}

/** PTE_ADDRESS(pte, shift): bits 47:shift */
function pteAddress(pte: bigint, shift: number): bigint {
  return pte & mask(48) & ~mask(shift);
}

const isInvalidPte = (pte: bigint): boolean => (pte & 1n) === 0n;
const pteType = (pte: bigint): number => Number(pte & 3n);
const isReservedPte = (pte: bigint, level: number): boolean => level === 3 && pteType(pte) === 1;
const isTablePte = (pte: bigint, level: number): boolean => level < 3 && pteType(pte) === 3;
const isPagePte = (pte: bigint, level: number): boolean => level === 3 && pteType(pte) === 3;
const PTE_AF = 1n << 10n;
const pteAp = (pte: bigint): number => Number((pte >> 6n) & 3n);
const pteApTable = (pte: bigint): number => Number((pte >> 61n) & 3n);
/** is_permission_fault: stage 1 forbids writes when AP[2] (all accesses privileged) */
const isPermissionFault = (ap: number, perm: number): boolean => (perm & IOMMU_WO) !== 0 && (ap & 2) !== 0;
/** is_permission_fault_s2 */
const isPermissionFaultS2 = (s2ap: number, perm: number): boolean => (s2ap & perm) !== perm;
/** PTE_AP_TO_PERM: always readable, writable unless AP[2] */
const apToPerm = (ap: number): number => IOMMU_RO | (ap & 2 ? 0 : IOMMU_WO);

/** oas2bits (undefined for the values QEMU asserts on) */
export function oas2bits(field: number): number | undefined {
  return [32, 36, 40, 42, 44, 48][field];
}

function bits2oas(bits: number): number {
  return bits >= 48 ? 5 : bits >= 44 ? 4 : bits >= 42 ? 3 : bits >= 40 ? 2 : bits >= 36 ? 1 : 0;
}

/** tg2granule: CD TGx → granule shift (TTB1 encodes TG differently), 0 = invalid */
export function tg2granule(bits: number, ttbr: number): number {
  switch (bits) {
    case 0:
      return ttbr ? 0 : 12;
    case 1:
      return ttbr ? 14 : 16;
    case 2:
      return ttbr ? 12 : 14;
    case 3:
      return ttbr ? 16 : 0;
    default:
      return 0;
  }
}

/** get_start_level (no FEAT_LPA2 / FEAT_TTST) */
export function getStartLevel(sl0: number, granule: number): number {
  return granule === 12 ? 2 - sl0 : 3 - sl0;
}

/** pgd_concat_idx: which concatenated start table `ipa` selects */
export function pgdConcatIdx(startLevel: number, granule: number, ipa: bigint): number {
  return Number(ipa >> BigInt(levelShift(startLevel - 1, granule)));
}

// ------------------------------------------------------------------ scratch records

/** SMMUPTWEventInfo */
interface PtwInfo {
  stage: number;
  type: number;
  addr: bigint;
  isIpaDescriptor: boolean;
}

/** The SMMUEventInfo being built for one transaction (id 0 = none yet). */
interface EventScratch {
  id: number;
  s2: boolean;
  cls: number;
  /** F_CD_FETCH only: the CD fetch address QEMU puts in InputAddr */
  fetchAddr: bigint;
  addr2: bigint;
  rnw: boolean;
  record: boolean;
}

/** One walk result before it becomes an IOTLB entry. */
interface Walk {
  translated: bigint;
  iova: bigint;
  addrMask: bigint;
  perm: number;
  parentPerm: number;
  level: number;
  granule: number;
}

const PTW_EVENT: Record<number, number> = {
  [PTW_ERR.WALK_EABT]: EVT.F_WALK_EABT,
  [PTW_ERR.TRANSLATION]: EVT.F_TRANSLATION,
  [PTW_ERR.ADDR_SIZE]: EVT.F_ADDR_SIZE,
  [PTW_ERR.ACCESS]: EVT.F_ACCESS,
  [PTW_ERR.PERMISSION]: EVT.F_PERMISSION,
};

/** Events smmuv3_fixup_event gives the transaction's input address. */
function isPtwEvent(id: number): boolean {
  return id === EVT.F_WALK_EABT || (id >= EVT.F_TRANSLATION && id <= EVT.F_PERMISSION);
}

const CONFIG_NAMES = ['abort', 'abort', 'abort', 'abort', 'bypass', 's1', 's2', 'nested'] as const;

// ------------------------------------------------------------------ decoded views (inspection)

export function decodeSteFields(w: readonly bigint[]) {
  const d0 = w[0] ?? 0n;
  const d1 = w[1] ?? 0n;
  const d2 = w[2] ?? 0n;
  const d3 = w[3] ?? 0n;
  const hi2 = Number(d2 >> 32n);
  const config = Number((d0 >> 1n) & 7n);
  return {
    valid: (d0 & 1n) === 1n,
    config,
    configName: CONFIG_NAMES[config]!,
    s1fmt: Number((d0 >> 4n) & 3n),
    s1ContextPtr: d0 & STE_CTXPTR_MASK,
    s1cdmax: Number((d0 >> 59n) & 0x1fn),
    s1dss: Number(d1 & 3n),
    s1stalld: ((d1 >> 27n) & 1n) === 1n,
    eats: Number((d1 >> 28n) & 3n),
    strw: Number((d1 >> 30n) & 3n),
    s2vmid: Number(d2 & 0xffffn),
    s2t0sz: hi2 & 0x3f,
    s2sl0: (hi2 >> 6) & 3,
    s2tg: (hi2 >> 14) & 3,
    s2ps: (hi2 >> 16) & 7,
    s2aa64: ((hi2 >> 19) & 1) === 1,
    s2endi: ((hi2 >> 20) & 1) === 1,
    s2affd: ((hi2 >> 21) & 1) === 1,
    s2hd: ((hi2 >> 23) & 1) === 1,
    s2ha: ((hi2 >> 24) & 1) === 1,
    s2s: ((hi2 >> 25) & 1) === 1,
    s2r: ((hi2 >> 26) & 1) === 1,
    s2ttb: d3 & TTB_MASK,
  };
}

export function decodeCdFields(w: readonly bigint[]) {
  const d0 = w[0] ?? 0n;
  const lo = Number(d0 & 0xffff_ffffn);
  const hi = Number(d0 >> 32n);
  return {
    t0sz: lo & 0x3f,
    tg0: (lo >> 6) & 3,
    epd0: ((lo >> 14) & 1) === 1,
    endi: ((lo >> 15) & 1) === 1,
    t1sz: (lo >> 16) & 0x3f,
    tg1: (lo >> 22) & 3,
    epd1: ((lo >> 30) & 1) === 1,
    valid: ((lo >>> 31) & 1) === 1,
    ips: hi & 7,
    affd: ((hi >> 3) & 1) === 1,
    tbi: (hi >> 6) & 3,
    aa64: ((hi >> 9) & 1) === 1,
    hd: ((hi >> 10) & 1) === 1,
    ha: ((hi >> 11) & 1) === 1,
    s: ((hi >> 12) & 1) === 1,
    r: ((hi >> 13) & 1) === 1,
    a: ((hi >> 14) & 1) === 1,
    asid: hi >>> 16,
    ttb0: (w[1] ?? 0n) & TTB_MASK,
    had0: (((w[1] ?? 0n) >> 1n) & 1n) === 1n,
    ttb1: (w[2] ?? 0n) & TTB_MASK,
    had1: (((w[2] ?? 0n) >> 1n) & 1n) === 1n,
  };
}

// ------------------------------------------------------------------ the translator

export class SmmuTranslator implements SmmuInvalidationTarget {
  /** latched by the register file on CR0 / GBPA / STRTAB_BASE(_CFG) writes */
  table: SmmuStreamTableState = { smmuEnabled: false, gbpaAbort: false, strtabBase: 0n, log2size: 0, split: 0, twoLevel: false };

  readonly iotlb = new SmmuIotlb();
  readonly configs = new SmmuConfigCache();

  private readonly info: PtwInfo = { stage: 0, type: PTW_ERR.NONE, addr: 0n, isIpaDescriptor: false };
  private readonly ev: EventScratch = { id: 0, s2: false, cls: 0, fetchAddr: 0n, addr2: 0n, rnw: false, record: false };

  constructor(
    private readonly mem: GuestMemory,
    readonly caps: SmmuCaps,
  ) {}

  // ---------------------------------------------------------------- public API

  /** smmuv3_translate: one device access, caches consulted and filled as QEMU does. */
  translate(sid: number, ssid: number | undefined, iova: bigint, write: boolean): SmmuTranslation {
    const flag = write ? IOMMU_WO : IOMMU_RO;
    const t = this.table;
    if (!t.smmuEnabled) {
      if (t.gbpaAbort) return { ok: false, event: undefined, record: false };
      return { ok: true, pa: iova, perm: flag, pageShift: TARGET_PAGE_BITS, bypass: true };
    }
    this.resetEv();
    let cfg = this.configs.get(sid);
    if (cfg === undefined) {
      cfg = this.decodeConfig(sid, true);
      if (cfg === undefined) return this.failure(sid, ssid, iova);
      this.configs.set(sid, cfg);
    }
    if (cfg.aborted) return { ok: false, event: undefined, record: false };
    if (cfg.bypassed) return { ok: true, pa: iova, perm: flag, pageShift: TARGET_PAGE_BITS, bypass: true };
    const e = this.doTranslate(cfg, iova, flag, EVT_CLASS.IN, true);
    if (e === undefined) return this.failure(sid, ssid, iova);
    // the memory core refuses an access the returned permission lacks (no event)
    if ((e.perm & flag) === 0) return { ok: false, event: undefined, record: false };
    split64(iova);
    return { ok: true, pa: cachedEntryToAddr(e, HALVES[1]!, HALVES[0]!), perm: e.perm, pageShift: e.pageShift, bypass: false };
  }

  /**
   * Where `iova` lands now per the guest's tables: STE, CD and tables read fresh, no cache used
   * or filled, no event, no permission check (the access already happened). undefined = fault.
   * The vmm asks it for assigned devices, whose walk the host does: the CD is chosen by the
   * architecture's substream rules as the host applies them (S1CDMax, S1DSS, S1Fmt linear or
   * 2-level), which for S1CDMax = 0 and no SubstreamID is QEMU's CD 0.
   */
  lookup(sid: number, ssid: number | undefined, iova: bigint): bigint | undefined {
    const t = this.table;
    if (!t.smmuEnabled) return t.gbpaAbort ? undefined : iova;
    this.resetEv();
    const cfg = this.decodeConfig(sid, false, { ssid });
    if (cfg === undefined || cfg.aborted) return undefined;
    if (cfg.bypassed) return iova;
    const e = this.doTranslate(cfg, iova, IOMMU_NONE, EVT_CLASS.IN, false);
    if (e === undefined) return undefined;
    split64(iova);
    return cachedEntryToAddr(e, HALVES[1]!, HALVES[0]!);
  }

  /** smmu_find_ste for the accel backend. */
  steView(sid: number): SteView {
    const t = this.table;
    if (!t.smmuEnabled) return { kind: 'disabled', abort: t.gbpaAbort };
    this.resetEv();
    const ste = this.findSte(sid);
    if (ste === undefined) return { kind: 'error', event: this.eventInfo(sid, undefined, 0n) };
    return { kind: 'ste', addr: ste.addr, words: ste.words };
  }

  resetCaches(): void {
    this.configs.clear();
    this.iotlb.clear();
  }

  iotlbEntries(): Array<{ asid: number; vmid: number; iova: bigint; pa: bigint; pageShift: number; perm: number; stage: 1 | 2 | 'nested' }> {
    return this.iotlb.entries().map((e) => ({
      asid: e.asid,
      vmid: e.vmid,
      iova: e.iova,
      pa: e.translated,
      pageShift: e.pageShift,
      perm: e.perm & e.parentPerm,
      stage: e.stage,
    }));
  }

  configCacheEntries(): Array<{ sid: number; ste: readonly bigint[]; cd?: readonly bigint[] }> {
    return this.configs.entries().map(([sid, c]) => (c.cd === undefined ? { sid, ste: c.ste } : { sid, ste: c.ste, cd: c.cd }));
  }

  /** The STE and CD as decoded from guest RAM now (nothing cached, nothing filled). */
  describeStream(sid: number, ssid?: number): object {
    const t = this.table;
    const out: Record<string, unknown> = { sid, smmuEnabled: t.smmuEnabled, gbpaAbort: t.gbpaAbort };
    if (ssid !== undefined) out.ssid = ssid;
    this.resetEv();
    const ste = this.findSte(sid);
    if (ste === undefined) {
      out.error = this.eventInfo(sid, ssid, 0n);
      return out;
    }
    out.ste = { addr: ste.addr, words: ste.words, fields: decodeSteFields(ste.words) };
    this.resetEv();
    const cfg = this.decodeConfig(sid, false, ssid === undefined ? undefined : { ssid });
    if (cfg === undefined) {
      if (this.ev.id !== 0) out.error = this.eventInfo(sid, ssid, 0n);
      else out.cdFault = 'no CD for this SubstreamID (S1CDMax / S1DSS) or the CD table fetch failed';
      return out;
    }
    if (cfg.cd !== undefined) out.cd = { addr: cfg.cdAddr, words: cfg.cd, fields: decodeCdFields(cfg.cd) };
    out.config = {
      kind: cfg.aborted ? 'abort' : cfg.bypassed ? 'bypass' : cfg.stage === SMMU_NESTED ? 'nested' : cfg.stage === SMMU_STAGE_2 ? 's2' : 's1',
      asid: cfg.asid,
      vmid: cfg.s2.vmid,
      oas: cfg.oas,
      recordFaults: cfg.recordFaults,
      affd: cfg.affd,
      tt: cfg.tt.map((tt) => ({ disabled: tt.disabled, ttb: tt.ttb, tsz: tt.tsz, granule: tt.granule, had: tt.had })),
      s2: { ...cfg.s2 },
    };
    return out;
  }

  // ---------------------------------------------------------------- SmmuInvalidationTarget

  invalidateSte(sid: number): void {
    this.configs.delete(sid);
  }

  invalidateSteRange(sid: number, range: number): void {
    const span = 2 ** ((range & 31) + 1);
    const start = Math.floor((sid >>> 0) / span) * span;
    this.configs.deleteRange(start, start + span - 1);
  }

  invalidateCd(sid: number, ssid: number): void {
    void ssid; // QEMU drops the SID's whole configuration
    this.configs.delete(sid);
  }

  invalidateCdAll(sid: number): void {
    this.configs.delete(sid);
  }

  invalidateAll(): void {
    this.iotlb.clear();
  }

  invalidateVmidS1(vmid: number): void {
    this.iotlb.invVmidS1(vmid);
  }

  invalidateAsid(asid: number, vmid: number): void {
    this.iotlb.invAsidVmid(asid, vmid);
  }

  invalidateIova(inv: SmmuIovaInvalidation): void {
    if (inv.stage === 1) this.iotlb.invIova(inv.asid, inv.vmid, inv.addr, inv.tg, inv.numPages, inv.ttl);
    else this.iotlb.invIpa(inv.vmid, inv.addr, inv.tg, inv.numPages, inv.ttl);
  }

  invalidateVmid(vmid: number): void {
    this.iotlb.invVmid(vmid);
  }

  // ---------------------------------------------------------------- events

  private resetEv(): void {
    const ev = this.ev;
    ev.id = 0;
    ev.s2 = false;
    ev.cls = 0;
    ev.fetchAddr = 0n;
    ev.addr2 = 0n;
    ev.rnw = false;
    ev.record = false;
  }

  private configError(id: number, addr2 = 0n): void {
    const ev = this.ev;
    ev.id = id;
    ev.addr2 = addr2;
    ev.record = true;
  }

  /** The SmmuEventInfo of the scratch event, with smmuv3_fixup_event's input address. */
  private eventInfo(sid: number, ssid: number | undefined, iova: bigint): SmmuEventInfo {
    const ev = this.ev;
    const info: SmmuEventInfo = {
      id: ev.id,
      sid,
      inputAddr: isPtwEvent(ev.id) ? iova : ev.id === EVT.F_CD_FETCH ? ev.fetchAddr : 0n,
      addr2: ev.addr2,
      rnw: ev.rnw,
      pnu: false,
      ind: false,
      s2: ev.s2,
      cls: ev.cls,
      stall: false,
      stag: 0,
    };
    if (ssid !== undefined) info.ssid = ssid;
    return info;
  }

  private failure(sid: number, ssid: number | undefined, iova: bigint): SmmuTranslation {
    if (this.ev.id === 0) return { ok: false, event: undefined, record: false };
    return { ok: false, event: this.eventInfo(sid, ssid, iova), record: this.ev.record };
  }

  // ---------------------------------------------------------------- guest memory

  /** 64-bit little-endian words at `addr`, undefined on a MEMTX error. */
  private readWords(addr: bigint, n: number): bigint[] | undefined {
    return readU64s(this.mem, addr, n);
  }

  // ---------------------------------------------------------------- stream table

  /** smmu_find_ste */
  private findSte(sid: number): { addr: bigint; words: bigint[] } | undefined {
    const t = this.table;
    const log2size = t.log2size;
    if (!Number.isInteger(sid) || sid < 0 || sid >= 2 ** Math.min(log2size, SMMU_IDR1_SIDSIZE)) {
      this.configError(EVT.C_BAD_STREAMID);
      return undefined;
    }
    let addr: bigint;
    if (t.twoLevel) {
      const split = t.split;
      const shift = Math.max(5, log2size - split - 1 + 3);
      const base = t.strtabBase & SMMU_BASE_ADDR_MASK & ~mask(shift);
      const l1Off = Math.floor(sid / 2 ** split);
      const l2Off = sid % 2 ** split;
      const l1ptr = base + BigInt(l1Off) * 8n;
      const l1 = this.readWords(l1ptr, 1);
      if (l1 === undefined) {
        this.configError(EVT.F_STE_FETCH, l1ptr);
        return undefined;
      }
      const span = Number(l1[0]! & 0x1fn);
      if (span === 0) {
        this.configError(EVT.C_BAD_STREAMID);
        return undefined;
      }
      if (l2Off > 2 ** span - 1) {
        this.configError(EVT.C_BAD_STE);
        return undefined;
      }
      addr = (l1[0]! & ~0x1fn) + BigInt(l2Off) * 64n;
    } else {
      const base = t.strtabBase & SMMU_BASE_ADDR_MASK & ~mask(log2size + 5);
      addr = base + BigInt(sid) * 64n;
    }
    const words = this.readWords(addr, 8);
    if (words === undefined) {
      this.configError(EVT.F_STE_FETCH, addr);
      return undefined;
    }
    return { addr, words };
  }

  private granuleSupported(g: number): boolean {
    const c = this.caps;
    return g === 12 ? c.gran4k : g === 14 ? c.gran16k : g === 16 ? c.gran64k : false;
  }

  /** decode_ste_s2_cfg */
  private decodeSteS2(cfg: SmmuTransCfg, d2: bigint, d3: bigint): boolean {
    const hi = Number(d2 >> 32n);
    const s2 = cfg.s2;
    if (((hi >> 19) & 1) === 0) return false; // S2AA64=0: QEMU g_assert_not_reached
    const s2tg = (hi >> 14) & 3;
    if (s2tg === 3) return false;
    s2.granule = s2tg === 0 ? 12 : s2tg === 1 ? 16 : 14;
    if (!this.granuleSupported(s2.granule)) return false;
    s2.vttb = d3 & TTB_MASK;
    s2.sl0 = (hi >> 6) & 3;
    if (s2.sl0 === 3) return false;
    const oasField = bits2oas(this.caps.oasBits);
    s2.effPs = oas2bits(Math.min((hi >> 16) & 7, oasField))!;
    if (s2.granule !== 16) s2.effPs = Math.min(s2.effPs, 48);
    if ((s2.vttb & ~mask(s2.effPs)) !== 0n) return false;
    s2.tsz = hi & 0x3f;
    // s2t0sz_valid
    if (s2.tsz > 39) return false;
    if (s2.granule === 16 ? s2.tsz < 64 - s2.effPs : s2.tsz < Math.max(64 - s2.effPs, 16)) return false;
    // s2_pgtable_config_valid
    const level = getStartLevel(s2.sl0, s2.granule);
    const maxIpa = mask(64 - s2.tsz);
    if (pgdConcatIdx(level, s2.granule, maxIpa) + 1 > VMSA_MAX_S2_CONCAT) return false;
    if ((hi >> 20) & 1) return false; // S2ENDI
    s2.affd = ((hi >> 21) & 1) === 1;
    s2.recordFaults = ((hi >> 26) & 1) === 1;
    if ((hi >> 25) & 1) return false; // S2S: no stall model
    return true;
  }

  /** decode_ste (C_BAD_STE on failure) */
  private decodeSte(cfg: SmmuTransCfg, w: readonly bigint[]): boolean {
    const d0 = w[0]!;
    const ok = ((): boolean => {
      if ((d0 & 1n) === 0n) return false;
      const config = Number((d0 >> 1n) & 7n);
      if ((config & 4) === 0) {
        cfg.aborted = true;
        return true;
      }
      if (config === 4) {
        cfg.bypassed = true;
        return true;
      }
      if (config & 1) cfg.stage = SMMU_STAGE_1;
      if (config & 2) cfg.stage |= SMMU_STAGE_2;
      if (!this.caps.s1p && config & 1) return false;
      if (!this.caps.s2p && config & 2) return false;
      cfg.s2.vmid = this.caps.s2p ? Number(w[2]! & 0xffffn) : -1;
      if (config & 2) {
        cfg.oas = this.caps.oasBits;
        if (!this.decodeSteS2(cfg, w[2]!, w[3]!)) return false;
      }
      if (this.caps.ssidBits === 0 && ((d0 >> 59n) & 0x1fn) !== 0n) return false; // S1CDMax without SubstreamID support
      if ((w[1]! >> 27n) & 1n) return false; // S1STALLD
      return true;
    })();
    if (!ok) this.configError(EVT.C_BAD_STE);
    return ok;
  }

  /** smmu_get_cd: CD 0 at S1ContextPtr (through stage 2 for nested). */
  private getCd(cfg: SmmuTransCfg, ste: readonly bigint[], useTlb: boolean): { addr: bigint; words: bigint[] } | undefined {
    let addr = ste[0]! & STE_CTXPTR_MASK;
    if (cfg.stage === SMMU_NESTED) {
      const e = this.doTranslate(cfg, addr, IOMMU_RO, EVT_CLASS.CD, useTlb);
      if (e === undefined) return undefined;
      split64(addr);
      addr = cachedEntryToAddr(e, HALVES[1]!, HALVES[0]!);
    }
    const words = this.readWords(addr, 8);
    if (words === undefined) {
      this.configError(EVT.F_CD_FETCH);
      this.ev.fetchAddr = addr;
      return undefined;
    }
    return { addr, words };
  }

  /** decode_cd (C_BAD_CD on a rule; TTBx through stage 2 for nested) */
  private decodeCd(cfg: SmmuTransCfg, w: readonly bigint[], useTlb: boolean): boolean {
    const bad = (): boolean => {
      this.configError(EVT.C_BAD_CD);
      return false;
    };
    const lo = Number(w[0]! & 0xffff_ffffn);
    const hi = Number(w[0]! >> 32n);
    if (((lo >>> 31) & 1) === 0 || ((hi >> 9) & 1) === 0) return bad(); // V, AA64
    if (((hi >> 14) & 1) === 0) return bad(); // A: IDR0.TERM_MODEL == 1
    if ((hi >> 12) & 1) return bad(); // S: IDR0.STALL_MODEL == 1
    if ((hi >> 11) & 1 || (hi >> 10) & 1) return bad(); // HA / HD: no HTTU
    cfg.oas = Math.min(oas2bits(hi & 7) ?? this.caps.oasBits, this.caps.oasBits);
    cfg.tbi = (hi >> 6) & 3;
    cfg.asid = hi >>> 16;
    cfg.affd = ((hi >> 3) & 1) === 1;
    for (let i = 0; i < 2; i++) {
      const tt = cfg.tt[i]!;
      tt.disabled = ((lo >> (14 + 16 * i)) & 1) === 1;
      if (tt.disabled) continue;
      const tsz = (lo >> (16 * i)) & 0x3f;
      if (tsz < 16 || tsz > 39) return bad();
      tt.granule = tg2granule((lo >> (6 + 16 * i)) & 3, i);
      if ((tt.granule !== 12 && tt.granule !== 14 && tt.granule !== 16) || (lo >> 15) & 1) return bad();
      if (!this.granuleSupported(tt.granule)) return bad();
      if (tt.granule !== 16) cfg.oas = Math.min(cfg.oas, 48);
      tt.tsz = tsz;
      tt.ttb = w[1 + i]! & TTB_MASK;
      if ((tt.ttb & ~mask(cfg.oas)) !== 0n) return bad();
      if (cfg.stage === SMMU_NESTED) {
        const e = this.doTranslate(cfg, tt.ttb, IOMMU_RO, EVT_CLASS.TT, useTlb);
        if (e === undefined) return false;
        split64(tt.ttb);
        tt.ttb = cachedEntryToAddr(e, HALVES[1]!, HALVES[0]!);
      }
      tt.had = ((w[1 + i]! >> 1n) & 1n) === 1n;
    }
    cfg.recordFaults = ((hi >> 13) & 1) === 1;
    // select_tt: TBI0(tbi) and TBI1(tbi) both read bit 0 (QEMU's macro precedence)
    const tbiByte = (cfg.tbi & 1) * 8;
    for (const tt of cfg.tt) {
      if (tt.tsz === 0) continue;
      const m = selectMasks(tt.tsz, tbiByte);
      tt.selHi = m.hi;
      tt.selLo = m.lo;
    }
    return true;
  }

  /**
   * smmuv3_decode_config: STE, then CD 0 for stage-1 and nested streams. With `substream`, the
   * CD is chosen by the architecture's substream rules instead (lookup for assigned devices).
   */
  private decodeConfig(sid: number, useTlb: boolean, substream?: { ssid: number | undefined }): SmmuTransCfg | undefined {
    const cfg = emptyCfg();
    const ste = this.findSte(sid);
    if (ste === undefined) return undefined;
    cfg.steAddr = ste.addr;
    cfg.ste = ste.words;
    if (!this.decodeSte(cfg, ste.words)) return undefined;
    if (cfg.aborted || cfg.bypassed || cfg.stage === SMMU_STAGE_2) return cfg;
    const cd = substream === undefined ? this.getCd(cfg, ste.words, useTlb) : this.getSubstreamCd(cfg, ste.words, substream.ssid, useTlb);
    if (cd === undefined) return undefined;
    if (cd === 'bypass') {
      // S1DSS=1 for a transaction without SubstreamID: stage 1 bypassed
      if (cfg.stage === SMMU_NESTED) cfg.stage = SMMU_STAGE_2;
      else cfg.bypassed = true;
      return cfg;
    }
    cfg.cdAddr = cd.addr;
    cfg.cd = cd.words;
    return this.decodeCd(cfg, cd.words, useTlb) ? cfg : undefined;
  }

  /** Words at an address of the CD table (an IPA under nesting), no event. */
  private readCdTable(cfg: SmmuTransCfg, addr: bigint, n: number, useTlb: boolean): { addr: bigint; words: bigint[] } | undefined {
    let pa = addr;
    if (cfg.stage === SMMU_NESTED) {
      const e = this.doTranslate(cfg, addr, IOMMU_RO, EVT_CLASS.CD, useTlb);
      if (e === undefined) return undefined;
      split64(addr);
      pa = cachedEntryToAddr(e, HALVES[1]!, HALVES[0]!);
    }
    const words = this.readWords(pa, n);
    return words === undefined ? undefined : { addr: pa, words };
  }

  /**
   * The CD of a transaction by the architecture's rules (as the host's nested walk applies them):
   * S1CDMax = 0 takes no SubstreamID; otherwise SSID < 2^S1CDMax (SSID 0 refused with
   * S1DSS=2) and a transaction without one follows S1DSS (terminate, bypass stage 1, CD 0);
   * S1Fmt 0 linear, 1 and 2 two-level with 64 / 1024 CDs per leaf. undefined = fault.
   */
  private getSubstreamCd(cfg: SmmuTransCfg, ste: readonly bigint[], ssid: number | undefined, useTlb: boolean): { addr: bigint; words: bigint[] } | 'bypass' | undefined {
    const d0 = ste[0]!;
    const s1cdmax = Number((d0 >> 59n) & 0x1fn);
    const s1dss = Number(ste[1]! & 3n);
    const s1fmt = Number((d0 >> 4n) & 3n);
    let idx: number;
    if (s1cdmax === 0) {
      if (ssid !== undefined) return undefined; // C_BAD_SUBSTREAMID
      idx = 0;
    } else if (ssid === undefined) {
      if (s1dss === 0) return undefined; // F_STREAM_DISABLED
      if (s1dss === 1) return 'bypass';
      idx = 0;
    } else {
      if (ssid < 0 || ssid >= 2 ** s1cdmax || (ssid === 0 && s1dss === 2)) return undefined;
      idx = ssid;
    }
    const ptr = d0 & STE_CTXPTR_MASK;
    if (s1fmt === 0 || s1cdmax === 0) return this.readCdTable(cfg, ptr + BigInt(idx) * 64n, 8, useTlb);
    if (s1fmt === 3) return undefined;
    const split = s1fmt === 1 ? 6 : 10;
    const l1 = this.readCdTable(cfg, ptr + BigInt(Math.floor(idx / 2 ** split)) * 8n, 1, useTlb);
    if (l1 === undefined || (l1.words[0]! & 1n) === 0n) return undefined;
    const l2 = l1.words[0]! & 0x000f_ffff_ffff_f000n;
    return this.readCdTable(cfg, l2 + BigInt(idx % 2 ** split) * 64n, 8, useTlb);
  }

  // ---------------------------------------------------------------- translation

  /** smmuv3_do_translate: smmu_translate plus the event QEMU builds from a failure. */
  private doTranslate(cfg: SmmuTransCfg, addr: bigint, flag: number, cls: number, useTlb: boolean): SmmuTlbEntry | undefined {
    const info = this.info;
    info.stage = 0;
    info.type = PTW_ERR.NONE;
    info.addr = 0n;
    info.isIpaDescriptor = false;
    const desc = cls !== EVT_CLASS.IN;
    let asid = 0;
    let stage = 0;
    if (desc) {
      asid = cfg.asid;
      stage = cfg.stage;
      cfg.asid = -1;
      cfg.stage = SMMU_STAGE_2;
    }
    const e = this.smmuTranslate(cfg, addr, flag, useTlb);
    if (desc) {
      cfg.asid = asid;
      cfg.stage = stage;
    }
    if (e !== undefined) return e;
    const ev = this.ev;
    ev.s2 = info.stage === SMMU_STAGE_2;
    const c = info.isIpaDescriptor ? EVT_CLASS.TT : cls;
    ev.id = PTW_EVENT[info.type] ?? 0;
    ev.rnw = (flag & IOMMU_RO) !== 0;
    ev.addr2 = info.addr;
    if (info.type === PTW_ERR.WALK_EABT) {
      ev.cls = info.stage === SMMU_STAGE_2 ? c : EVT_CLASS.TT;
      ev.record = true;
    } else {
      ev.cls = c;
      // PTW_RECORD_FAULT
      ev.record = (info.stage === SMMU_STAGE_1 && cfg.recordFaults) || (info.stage === SMMU_STAGE_2 && cfg.s2.recordFaults);
    }
    return undefined;
  }

  /** smmu_translate: IOTLB lookup (and the cached-entry write check), else walk and insert. */
  private smmuTranslate(cfg: SmmuTransCfg, addr: bigint, flag: number, useTlb: boolean): SmmuTlbEntry | undefined {
    const info = this.info;
    split64(addr);
    const lo = HALVES[0]!;
    const hi = HALVES[1]!;
    let granule: number;
    let tsz: number;
    if (cfg.stage === SMMU_STAGE_2) {
      granule = cfg.s2.granule;
      tsz = cfg.s2.tsz;
    } else {
      const tt = selectTt(cfg, hi, lo);
      if (tt === undefined) {
        info.type = PTW_ERR.TRANSLATION;
        info.stage = SMMU_STAGE_1;
        return undefined;
      }
      granule = tt.granule;
      tsz = tt.tsz;
    }
    if (useTlb) {
      const hit = this.iotlb.lookup(cfg.asid, cfg.s2.vmid, cfg.stage, cfg.s2.granule, granule, tsz, hi, lo);
      if (hit !== undefined) {
        if (flag & IOMMU_WO && (hit.perm & hit.parentPerm & IOMMU_WO) === 0) {
          info.type = PTW_ERR.PERMISSION;
          info.stage = hit.perm & IOMMU_WO ? SMMU_STAGE_2 : SMMU_STAGE_1;
          return undefined;
        }
        return hit;
      }
    }
    const w = this.ptw(cfg, addr, flag, useTlb);
    if (w === undefined) return undefined;
    const stageTag = cfg.stage === SMMU_NESTED ? 'nested' : cfg.stage === SMMU_STAGE_2 ? 2 : 1;
    const e = makeTlbEntry(cfg.asid, cfg.s2.vmid, w.iova, w.translated, w.addrMask, w.granule, w.level, w.perm, w.parentPerm, stageTag);
    if (useTlb) this.iotlb.insert(e);
    return e;
  }

  /** smmu_ptw */
  private ptw(cfg: SmmuTransCfg, iova: bigint, perm: number, useTlb: boolean): Walk | undefined {
    const info = this.info;
    if (cfg.stage === SMMU_STAGE_1) return this.ptwS1(cfg, iova, perm, useTlb);
    if (cfg.stage === SMMU_STAGE_2) {
      // stage 1 bypassed: an input beyond IAS (= OAS) is a stage-1 Address Size fault
      if (iova >= 1n << BigInt(cfg.oas)) {
        info.type = PTW_ERR.ADDR_SIZE;
        info.stage = SMMU_STAGE_1;
        return undefined;
      }
      return this.ptwS2(cfg, iova, perm);
    }
    const s1 = this.ptwS1(cfg, iova, perm, useTlb);
    if (s1 === undefined) return undefined;
    const ipa = s1.translated + (iova & s1.addrMask);
    const s2 = this.ptwS2(cfg, ipa, perm);
    if (s2 === undefined) return undefined;
    // combine_tlb
    if (s2.addrMask < s1.addrMask) {
      s1.addrMask = s2.addrMask;
      s1.granule = s2.granule;
      s1.level = s2.level;
    }
    s1.translated = s2.translated + (s1.translated & s2.addrMask);
    s1.iova = iova & ~s1.addrMask;
    s1.parentPerm = s2.perm;
    return s1;
  }

  /** translate_table_addr_ipa: a nested stage-1 table address through stage 2. */
  private translateTableAddrIpa(cfg: SmmuTransCfg, addr: bigint, useTlb: boolean): bigint | undefined {
    const info = this.info;
    const asid = cfg.asid;
    cfg.stage = SMMU_STAGE_2;
    cfg.asid = -1;
    const e = this.smmuTranslate(cfg, addr, IOMMU_RO, useTlb);
    cfg.asid = asid;
    cfg.stage = SMMU_NESTED;
    if (e !== undefined) {
      split64(addr);
      return cachedEntryToAddr(e, HALVES[1]!, HALVES[0]!);
    }
    info.stage = SMMU_STAGE_2;
    info.addr = addr;
    info.isIpaDescriptor = true;
    return undefined;
  }

  /** smmu_ptw_64_s1 */
  private ptwS1(cfg: SmmuTransCfg, iova: bigint, perm: number, useTlb: boolean): Walk | undefined {
    const info = this.info;
    const fail = (type: number): undefined => {
      info.type = type;
      info.stage = SMMU_STAGE_1;
      return undefined;
    };
    split64(iova);
    const tt = selectTt(cfg, HALVES[1]!, HALVES[0]!);
    if (tt === undefined || tt.disabled) return fail(PTW_ERR.TRANSLATION);
    const granule = tt.granule;
    const stride = granule - 3;
    const inputsize = 64 - tt.tsz;
    let level = 4 - Math.trunc((inputsize - 4) / stride);
    const indexmask = mask(inputsize - stride * (4 - level));
    let baseaddr = tt.ttb & mask(cfg.oas) & ~indexmask;
    const inMask = mask(inputsize);
    while (level < 4) {
      const shift = levelShift(level, granule);
      const sub = mask(shift);
      const offset = ((iova & inMask) >> BigInt(shift)) & mask(stride);
      const pteAddr = baseaddr + offset * 8n;
      const r = this.readWords(pteAddr, 1);
      if (r === undefined) {
        info.addr = pteAddr;
        return fail(PTW_ERR.WALK_EABT);
      }
      const pte = r[0]!;
      if (isInvalidPte(pte) || isReservedPte(pte, level)) break;
      let gpa: bigint;
      if (isTablePte(pte, level)) {
        if (isPermissionFault(pteApTable(pte), perm) && !tt.had) return fail(PTW_ERR.PERMISSION);
        baseaddr = pteAddress(pte, granule);
        if (cfg.stage === SMMU_NESTED) {
          const pa = this.translateTableAddrIpa(cfg, baseaddr, useTlb);
          // QEMU's error label then overwrites the stage with 1
          if (pa === undefined) return fail(info.type);
          baseaddr = pa;
        }
        level++;
        continue;
      } else if (isPagePte(pte, level)) {
        gpa = pteAddress(pte, granule);
      } else {
        gpa = pteAddress(pte, shift); // block
      }
      // no HTTU: AF=0 without AFFD is an Access flag fault, before permissions
      if ((pte & PTE_AF) === 0n && !cfg.affd) return fail(PTW_ERR.ACCESS);
      const ap = pteAp(pte);
      if (isPermissionFault(ap, perm)) return fail(PTW_ERR.PERMISSION);
      if (gpa >= 1n << BigInt(cfg.oas)) return fail(PTW_ERR.ADDR_SIZE);
      const p = apToPerm(ap);
      return { translated: gpa, iova: iova & ~sub, addrMask: sub, perm: p, parentPerm: p, level, granule };
    }
    return fail(PTW_ERR.TRANSLATION);
  }

  /** smmu_ptw_64_s2 (concatenated start tables indexed as the architecture says) */
  private ptwS2(cfg: SmmuTransCfg, ipa: bigint, perm: number): Walk | undefined {
    const info = this.info;
    const s2 = cfg.s2;
    const failIpa = (type: number): undefined => {
      info.type = type;
      info.addr = ipa;
      info.stage = SMMU_STAGE_2;
      return undefined;
    };
    const granule = s2.granule;
    const inputsize = 64 - s2.tsz;
    let level = getStartLevel(s2.sl0, granule);
    const stride = granule - 3;
    if (ipa >= 1n << BigInt(inputsize)) return failIpa(PTW_ERR.TRANSLATION);
    const idx = BigInt(pgdConcatIdx(level, granule, ipa));
    const indexmask = mask(inputsize - stride * (4 - level));
    let baseaddr = (s2.vttb & mask(s2.effPs) & ~indexmask) + (1n << BigInt(stride)) * idx * 8n;
    const inMask = mask(inputsize);
    while (level < 4) {
      const shift = levelShift(level, granule);
      const sub = mask(shift);
      const offset = ((ipa & inMask) >> BigInt(shift)) & mask(stride);
      const pteAddr = baseaddr + offset * 8n;
      const r = this.readWords(pteAddr, 1);
      if (r === undefined) {
        info.type = PTW_ERR.WALK_EABT;
        info.addr = pteAddr;
        info.stage = SMMU_STAGE_2;
        return undefined;
      }
      const pte = r[0]!;
      if (isInvalidPte(pte) || isReservedPte(pte, level)) break;
      let gpa: bigint;
      if (isTablePte(pte, level)) {
        baseaddr = pteAddress(pte, granule);
        level++;
        continue;
      } else if (isPagePte(pte, level)) {
        gpa = pteAddress(pte, granule);
      } else {
        gpa = pteAddress(pte, shift);
      }
      if ((pte & PTE_AF) === 0n && !s2.affd) return failIpa(PTW_ERR.ACCESS);
      const s2ap = pteAp(pte);
      if (isPermissionFaultS2(s2ap, perm)) return failIpa(PTW_ERR.PERMISSION);
      if (gpa >= 1n << BigInt(s2.effPs)) return failIpa(PTW_ERR.ADDR_SIZE);
      return { translated: gpa, iova: ipa & ~sub, addrMask: sub, perm: s2ap, parentPerm: s2ap, level, granule };
    }
    return failIpa(PTW_ERR.TRANSLATION);
  }
}

/** select_tt over an address split into 32-bit halves. */
function selectTt(cfg: SmmuTransCfg, hi: number, lo: number): SmmuTransTableInfo | undefined {
  const t0 = cfg.tt[0];
  const t1 = cfg.tt[1];
  if (t0.tsz && (hi & t0.selHi) === 0 && (lo & t0.selLo) === 0) return t0;
  if (t1.tsz && (hi & t1.selHi) >>> 0 === t1.selHi && (lo & t1.selLo) >>> 0 === t1.selLo) return t1;
  if (!t0.tsz) return t0;
  if (!t1.tsz) return t1;
  return undefined;
}
