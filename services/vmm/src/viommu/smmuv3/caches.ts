/**
 * The two caches of the emulated SMMUv3, kept as QEMU's hw/arm/smmu-common.c and smmuv3.c keep
 * them (facts: shared/reference/smmuv3-and-migration.md §A.4, A.7):
 *
 *  - the configuration cache (`s->configs`, keyed by SMMUDevice; here by StreamID): the STE and,
 *    for stage-1/nested streams, the CD as decoded from guest RAM (SMMUTransCfg), inserted on the
 *    first successful decode (abort and bypass STEs too) and dropped only by CFGI_STE /
 *    CFGI_STE_RANGE / CFGI_ALL / CFGI_CD / CFGI_CD_ALL (smmuv3_flush_config,
 *    smmu_configs_inv_sid_range) or reset. A guest that rewrites an STE or CD without the CFGI
 *    keeps translating with the stale one. At most 2^16 entries (SIDs beyond IDR1.SIDSIZE = 16
 *    fail with C_BAD_STREAMID before any decode).
 *  - the IOTLB (`s->iotlb`): entries keyed by (asid, vmid, iova, tg, level) as smmu_get_iotlb_key
 *    builds them; stage-2 entries (S2-only streams, and the IPA→PA pieces a nested walk uses for
 *    CDs and tables) carry asid −1; nested streams cache the combined IOVA→PA entry
 *    (combine_tlb). Lookups try every level from the one the input size implies
 *    (smmu_iotlb_lookup_all_levels), for nested also with the stage-2 granule. When it holds
 *    SMMU_IOTLB_MAX_SIZE entries the whole IOTLB is dropped before the next insert
 *    (smmu_iotlb_insert → smmu_iotlb_inv_all).
 *
 * The hit path allocates nothing: the input address is split into two 32-bit halves through a
 * scratch DataView and the IOTLB is an open-addressing table over typed arrays (no boxed keys).
 */

/** QEMU SMMU_IOTLB_MAX_SIZE */
export const SMMU_IOTLB_MAX_SIZE = 256;

/** SMMUStage */
export const SMMU_STAGE_1 = 1;
export const SMMU_STAGE_2 = 2;
export const SMMU_NESTED = 3;

/** IOMMU_RO / IOMMU_WO as QEMU's IOMMUAccessFlags (PERM_R / PERM_W of types.ts). */
export const IOMMU_NONE = 0;
export const IOMMU_RO = 1;
export const IOMMU_WO = 2;

/** SMMUTransTableInfo: one of the CD's two translation tables. */
export interface SmmuTransTableInfo {
  /** EPDx */
  disabled: boolean;
  /** TTBx (for nested: already translated to a PA through stage 2, as decode_cd does) */
  ttb: bigint;
  /** TxSZ (0 while disabled: QEMU leaves it unset) */
  tsz: number;
  /** granule shift from TGx (tg2granule), 0 while disabled */
  granule: number;
  /** HADx: APTable ignored */
  had: boolean;
  /** select_tt's high-bit field of this table as masks over the high and low 32-bit halves */
  selHi: number;
  selLo: number;
}

/** SMMUS2Cfg */
export interface SmmuS2Cfg {
  tsz: number;
  sl0: number;
  affd: boolean;
  recordFaults: boolean;
  granule: number;
  effPs: number;
  /** S2VMID when IDR0.S2P, else −1 */
  vmid: number;
  vttb: bigint;
}

/** SMMUTransCfg plus the raw structures it was decoded from (for inspection). */
export interface SmmuTransCfg {
  /** 0 (abort/bypass), SMMU_STAGE_1, SMMU_STAGE_2 or SMMU_NESTED */
  stage: number;
  aborted: boolean;
  bypassed: boolean;
  /** CD.AFFD */
  affd: boolean;
  /** CD.R */
  recordFaults: boolean;
  /** effective stage-1 output size in bits */
  oas: number;
  /** CD.TBI (2 bits) */
  tbi: number;
  /** CD.ASID, −1 without stage 1 */
  asid: number;
  tt: [SmmuTransTableInfo, SmmuTransTableInfo];
  s2: SmmuS2Cfg;
  steAddr: bigint;
  ste: readonly bigint[];
  cdAddr?: bigint;
  cd?: readonly bigint[];
}

export function emptyTt(): SmmuTransTableInfo {
  return { disabled: false, ttb: 0n, tsz: 0, granule: 0, had: false, selHi: 0, selLo: 0 };
}

export function emptyCfg(): SmmuTransCfg {
  return {
    stage: 0,
    aborted: false,
    bypassed: false,
    affd: false,
    recordFaults: false,
    oas: 0,
    tbi: 0,
    asid: -1,
    tt: [emptyTt(), emptyTt()],
    s2: { tsz: 0, sl0: 0, affd: false, recordFaults: false, granule: 0, effPs: 0, vmid: -1, vttb: 0n },
    steAddr: 0n,
    ste: [],
  };
}

// ------------------------------------------------------------------ 64-bit halves without allocation

const SCRATCH = new DataView(new ArrayBuffer(8));
/** [low, high] 32-bit halves written by split64 (read them at once: the next call overwrites). */
export const HALVES = new Uint32Array(2);

/** Split a u64 into HALVES[0] (bits 31:0) and HALVES[1] (bits 63:32). */
export function split64(v: bigint): void {
  SCRATCH.setBigUint64(0, v, true);
  HALVES[0] = SCRATCH.getUint32(0, true);
  HALVES[1] = SCRATCH.getUint32(4, true);
}

/** hi:lo → bigint (one allocation: the result). */
export function join64(hi: number, lo: number): bigint {
  SCRATCH.setUint32(0, lo >>> 0, true);
  SCRATCH.setUint32(4, hi >>> 0, true);
  return SCRATCH.getBigUint64(0, true);
}

/** The mask of bits [shift, 64) as (hi, lo) halves; `shift` in 0..64. */
function highMaskHi(shift: number): number {
  if (shift >= 64) return 0;
  if (shift <= 32) return 0xffffffff;
  return (0xffffffff << (shift - 32)) >>> 0;
}
function highMaskLo(shift: number): number {
  if (shift >= 32) return 0;
  return (0xffffffff << shift) >>> 0;
}

/** level_shift() of smmu-internal.h */
export function levelShift(level: number, granule: number): number {
  return granule + (3 - level) * (granule - 3);
}

// ------------------------------------------------------------------ IOTLB

/** SMMUTLBEntry with its key. */
export interface SmmuTlbEntry {
  readonly asid: number;
  readonly vmid: number;
  /** (granule − 10) / 2 of the entry */
  readonly tg: number;
  readonly level: number;
  readonly granule: number;
  /** entry.iova: the input address with the low addrMask bits cleared */
  readonly iova: bigint;
  readonly iovaHi: number;
  readonly iovaLo: number;
  /** entry.translated_addr */
  readonly translated: bigint;
  readonly tHi: number;
  readonly tLo: number;
  /** entry.addr_mask */
  readonly addrMask: bigint;
  readonly maskHi: number;
  readonly maskLo: number;
  /** log2(addrMask + 1) */
  readonly pageShift: number;
  /** entry.perm (stage-1 permission for nested entries) */
  readonly perm: number;
  /** parent_perm (stage-2 permission for nested entries, else = perm) */
  readonly parentPerm: number;
  /** which walk filled it (asid −1 entries are stage 2) */
  readonly stage: 1 | 2 | 'nested';
}

/** Build an entry from a walk result (the miss path). */
export function makeTlbEntry(
  asid: number,
  vmid: number,
  iova: bigint,
  translated: bigint,
  addrMask: bigint,
  granule: number,
  level: number,
  perm: number,
  parentPerm: number,
  stage: 1 | 2 | 'nested',
): SmmuTlbEntry {
  split64(iova);
  const iovaLo = HALVES[0]!;
  const iovaHi = HALVES[1]!;
  split64(translated);
  const tLo = HALVES[0]!;
  const tHi = HALVES[1]!;
  split64(addrMask);
  const maskLo = HALVES[0]!;
  const maskHi = HALVES[1]!;
  let pageShift = 0;
  while (pageShift < 64 && (addrMask >> BigInt(pageShift)) & 1n) pageShift++;
  return {
    asid,
    vmid,
    tg: Math.trunc((granule - 10) / 2),
    level,
    granule,
    iova,
    iovaHi,
    iovaLo,
    translated,
    tHi,
    tLo,
    addrMask,
    maskHi,
    maskLo,
    pageShift,
    perm,
    parentPerm,
    stage,
  };
}

/** CACHED_ENTRY_TO_ADDR(entry, addr) for an address already split into (hi, lo). */
export function cachedEntryToAddr(e: SmmuTlbEntry, hi: number, lo: number): bigint {
  const l = e.tLo + ((lo & e.maskLo) >>> 0);
  const carry = l >= 0x1_0000_0000 ? 1 : 0;
  return join64((e.tHi + ((hi & e.maskHi) >>> 0) + carry) >>> 0, l >>> 0);
}

/** Slots of the open-addressing table: twice the entry bound, a power of two. */
const IOTLB_SLOTS = 512;
const SLOT_MASK = IOTLB_SLOTS - 1;
/** Int32 words per slot key: asid, vmid, tg << 2 | level, iova high, iova low. */
const KW = 5;

function validKey(asid: number, vmid: number, tg: number, level: number): boolean {
  return tg >= 0 && tg <= 3 && level >= 0 && level <= 3 && asid >= -1 && asid <= 0xffff && vmid >= -1 && vmid <= 0xffff;
}

function slotHash(asid: number, vmid: number, tl: number, hi: number, lo: number): number {
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul((hi | 0) + 0x632be5ab, 0xc2b2ae35);
  h ^= Math.imul(((asid + 1) << 17) ^ (vmid + 1) ^ (tl << 12), 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h & SLOT_MASK;
}

/**
 * SMMUState.iotlb: QEMU's GHashTable keyed by SMMUIOTLBKey, as an open-addressing table over
 * typed arrays (linear probing, at most half full) so a lookup boxes and allocates nothing.
 */
export class SmmuIotlb {
  private readonly keys = new Int32Array(IOTLB_SLOTS * KW);
  private readonly used = new Uint8Array(IOTLB_SLOTS);
  private readonly vals: Array<SmmuTlbEntry | undefined> = new Array<SmmuTlbEntry | undefined>(IOTLB_SLOTS).fill(undefined);
  private count = 0;
  /** lookups that hit / missed (cfg->iotlb_hits / _misses, summed over configurations) */
  hits = 0;
  misses = 0;

  get size(): number {
    return this.count;
  }

  /** The slot holding the key, or −1. */
  private find(asid: number, vmid: number, tl: number, hi: number, lo: number): number {
    const k = this.keys;
    const hi32 = hi | 0;
    const lo32 = lo | 0;
    let i = slotHash(asid, vmid, tl, hi, lo);
    while (this.used[i] === 1) {
      const o = i * KW;
      if (k[o + 4] === lo32 && k[o + 3] === hi32 && k[o] === asid && k[o + 1] === vmid && k[o + 2] === tl) return i;
      i = (i + 1) & SLOT_MASK;
    }
    return -1;
  }

  /** smmu_iotlb_lookup_all_levels, with QEMU's uint8 arithmetic. */
  lookupAllLevels(asid: number, vmid: number, granule: number, tsz: number, hi: number, lo: number): SmmuTlbEntry | undefined {
    if (this.count === 0) return undefined;
    const tg = Math.trunc((granule - 10) / 2) & 0xff;
    const inputsize = (64 - tsz) & 0xff;
    const stride = (granule - 3) & 0xff;
    let level = (4 - Math.trunc((inputsize - 4) / stride)) & 0xff;
    while (level <= 3) {
      if (validKey(asid, vmid, tg, level)) {
        const shift = levelShift(level, granule);
        const i = this.find(asid, vmid, (tg << 2) | level, (hi & highMaskHi(shift)) >>> 0, (lo & highMaskLo(shift)) >>> 0);
        if (i >= 0) return this.vals[i];
      }
      level++;
    }
    return undefined;
  }

  /**
   * smmu_iotlb_lookup: the input stage's granule and size, then (nested only) the stage-2
   * granule with the same size, as QEMU retries when the combined entry took stage 2's page.
   */
  lookup(
    asid: number,
    vmid: number,
    stage: number,
    s2Granule: number,
    granule: number,
    tsz: number,
    hi: number,
    lo: number,
  ): SmmuTlbEntry | undefined {
    let e = this.lookupAllLevels(asid, vmid, granule, tsz, hi, lo);
    if (e === undefined && stage === SMMU_NESTED && s2Granule !== granule) {
      e = this.lookupAllLevels(asid, vmid, s2Granule, tsz, hi, lo);
    }
    if (e !== undefined) this.hits++;
    else this.misses++;
    return e;
  }

  private place(e: SmmuTlbEntry): void {
    const tl = (e.tg << 2) | e.level;
    const existing = this.find(e.asid, e.vmid, tl, e.iovaHi, e.iovaLo);
    if (existing >= 0) {
      this.vals[existing] = e;
      return;
    }
    let i = slotHash(e.asid, e.vmid, tl, e.iovaHi, e.iovaLo);
    while (this.used[i] === 1) i = (i + 1) & SLOT_MASK;
    const o = i * KW;
    const k = this.keys;
    k[o] = e.asid;
    k[o + 1] = e.vmid;
    k[o + 2] = tl;
    k[o + 3] = e.iovaHi | 0;
    k[o + 4] = e.iovaLo | 0;
    this.used[i] = 1;
    this.vals[i] = e;
    this.count++;
  }

  /** smmu_iotlb_insert: a full IOTLB is dropped first. */
  insert(e: SmmuTlbEntry): void {
    if (this.count >= SMMU_IOTLB_MAX_SIZE) this.clear();
    if (!validKey(e.asid, e.vmid, e.tg, e.level)) return;
    this.place(e);
  }

  /** smmu_iotlb_inv_all */
  clear(): void {
    if (this.count === 0) return;
    this.used.fill(0);
    this.vals.fill(undefined);
    this.count = 0;
  }

  /** g_hash_table_remove of one exact key; true when it was there. */
  private removeKey(asid: number, vmid: number, iova: bigint, tg: number, level: number): boolean {
    if (!validKey(asid, vmid, tg, level)) return false;
    split64(iova);
    const i = this.find(asid, vmid, (tg << 2) | level, HALVES[1]!, HALVES[0]!);
    if (i < 0) return false;
    this.removeIf((e) => e === this.vals[i]);
    return true;
  }

  /** g_hash_table_foreach_remove (the survivors are placed again). */
  private removeIf(pred: (e: SmmuTlbEntry) => boolean): number {
    const keep: SmmuTlbEntry[] = [];
    let n = 0;
    for (let i = 0; i < IOTLB_SLOTS; i++) {
      const e = this.vals[i];
      if (this.used[i] !== 1 || e === undefined) continue;
      if (pred(e)) n++;
      else keep.push(e);
    }
    if (n === 0) return 0;
    this.used.fill(0);
    this.vals.fill(undefined);
    this.count = 0;
    for (const e of keep) this.place(e);
    return n;
  }

  /** smmu_iotlb_inv_asid_vmid (smmu_hash_remove_by_asid_vmid: both must be equal, −1 included) */
  invAsidVmid(asid: number, vmid: number): number {
    return this.removeIf((e) => e.asid === asid && e.vmid === vmid);
  }

  /** smmu_iotlb_inv_vmid */
  invVmid(vmid: number): number {
    return this.removeIf((e) => e.vmid === vmid);
  }

  /** smmu_iotlb_inv_vmid_s1: the VMID's entries with an ASID (stage-1 and nested ones) */
  invVmidS1(vmid: number): number {
    return this.removeIf((e) => e.vmid === vmid && e.asid >= 0);
  }

  /**
   * smmu_iotlb_inv_iova: with a TTL hint, one page and an ASID, first the exact key (asid, vmid,
   * iova, tg, ttl); otherwise (or when absent) every entry of the ASID (−1 any) and VMID (−1 any)
   * whose page contains `iova` or lies in [iova, iova + num_pages << granule).
   */
  invIova(asid: number, vmid: number, iova: bigint, tg: number, numPages: bigint, ttl: number): number {
    const granule = tg ? tg * 2 + 10 : 12;
    if (ttl && numPages === 1n && asid >= 0) {
      if (this.removeKey(asid, vmid, iova, tg, ttl)) return 1;
    }
    const mask = BigInt.asUintN(64, (numPages << BigInt(granule)) - 1n);
    return this.removeIf((e) => {
      if (asid >= 0 && asid !== e.asid) return false;
      if (vmid >= 0 && vmid !== e.vmid) return false;
      return (iova & ~e.addrMask) === e.iova || (e.iova & ~mask) === iova;
    });
  }

  /** smmu_iotlb_inv_ipa: stage-2 entries (asid −1) of the VMID, same matching. */
  invIpa(vmid: number, ipa: bigint, tg: number, numPages: bigint, ttl: number): number {
    const granule = tg ? tg * 2 + 10 : 12;
    if (ttl && numPages === 1n) {
      if (this.removeKey(-1, vmid, ipa, tg, ttl)) return 1;
    }
    const mask = BigInt.asUintN(64, (numPages << BigInt(granule)) - 1n);
    return this.removeIf((e) => {
      if (e.asid >= 0) return false;
      if (vmid !== e.vmid) return false;
      return (ipa & ~e.addrMask) === e.iova || (e.iova & ~mask) === ipa;
    });
  }

  entries(): SmmuTlbEntry[] {
    const out: SmmuTlbEntry[] = [];
    for (let i = 0; i < IOTLB_SLOTS; i++) {
      const e = this.vals[i];
      if (this.used[i] === 1 && e !== undefined) out.push(e);
    }
    return out;
  }
}

// ------------------------------------------------------------------ configuration cache

/** SMMUState.configs (keyed by StreamID instead of SMMUDevice). */
export class SmmuConfigCache {
  private readonly map = new Map<number, SmmuTransCfg>();

  get size(): number {
    return this.map.size;
  }

  get(sid: number): SmmuTransCfg | undefined {
    return this.map.get(sid);
  }

  set(sid: number, cfg: SmmuTransCfg): void {
    this.map.set(sid, cfg);
  }

  /** smmuv3_flush_config */
  delete(sid: number): boolean {
    return this.map.delete(sid);
  }

  /** smmu_configs_inv_sid_range: every cached SID in [start, end]. */
  deleteRange(start: number, end: number): number {
    let n = 0;
    for (const sid of this.map.keys()) {
      if (sid >= start && sid <= end) {
        this.map.delete(sid);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.map.clear();
  }

  entries(): Array<[number, SmmuTransCfg]> {
    return [...this.map.entries()];
  }
}

/** select_tt's masks of table `tt` (bits [64 − tsz, 64 − tbiByte)) as (hi, lo) halves. */
export function selectMasks(tsz: number, tbiByte: number): { hi: number; lo: number } {
  const start = 64 - tsz;
  const end = 64 - tbiByte;
  const hi = (highMaskHi(start) & ~highMaskHi(end)) >>> 0;
  const lo = (highMaskLo(start) & ~highMaskLo(end)) >>> 0;
  return { hi, lo };
}
