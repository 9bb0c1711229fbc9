/**
 * The nested (two-stage) translation of the DMA path: a RID or PASID attached to a HWPT_NESTED
 * translates IOVA → GPA/IPA with the guest's stage-1 tables (bytes in guest RAM) and GPA/IPA →
 * host PA with the nest parent's stage 2 (libs/pgtable/nested.ts does the 2-D walk).
 *
 * Caches, as the hardware has them and only invalidations empty them:
 *  - the unit IOTLB holds the COMBINED translation (IOVA → host PA, perm = stage 1 ∧ stage 2,
 *    size = the smaller leaf) under the nested tag: VT-d the nested domain's DID (hwpt.tag);
 *    SMMUv3 asidTag(vIOMMU VMID, CD.ASID);
 *  - SMMUv3: the decoded context descriptors per nested HWPT and CD index (the SMMU's
 *    configuration cache), dropped by CMD_CFGI_CD / CFGI_CD_ALL through invalidateCdCache.
 * A guest that edits its tables without invalidating keeps getting the cached translation.
 *
 * A cached translation is used for a read when it grants read, for a write when it grants write
 * and its leaf is already dirty (PERM_DIRTY_OK); otherwise the access walks again (a write to a
 * clean entry must set D / clear AP[2]; a permission miss is re-checked against the tables) and
 * the new result replaces the entry.
 */
import type { PhysicalMemory } from '#libs/memory/phys.js';
import type { TranslateOut } from '#libs/iotlb/index.js';
import {
  CLASS_CD,
  CLASS_IN,
  EVT_C_BAD_STE,
  EVT_F_PERMISSION,
  EVT_F_TRANSLATION,
  PERM_DIRTY_OK,
  PERM_R,
  PERM_W,
  REASON_BAD_CONFIG,
  REASON_BLOCKED,
  REASON_PERMISSION,
  REASON_TRANSLATION,
  Smmuv3S1Walker,
  VtdFirstStageWalker,
  decodeVste,
  type Cd,
  type Vste,
} from '#libs/pgtable/nested.js';
import { decodeSmmuReg, SMMU_IDR0 } from '#libs/profile/hwinfo.js';
import type { IObj } from './object.js';
import { asidTag, type IommufdHwptNested, type UnitState } from './topology.js';

// ------------------------------------------------------------------ CD cache

/** Decoded SMMUv3 context descriptors per nested HWPT and CD index (the SMMU configuration cache). */
const cdCache = new WeakMap<IObj, Map<number, Cd>>();

/** The CD cache of `hwpt` (created on first use). */
export function cdCacheOf(hwpt: IObj): Map<number, Cd> {
  let m = cdCache.get(hwpt);
  if (!m) {
    m = new Map();
    cdCache.set(hwpt, m);
  }
  return m;
}

/** CMD_CFGI_CD (one SSID) / CMD_CFGI_CD_ALL (ssid undefined): drop cached CDs of `hwpt`. */
export function invalidateCdCache(hwpt: IObj, ssid?: number): void {
  const m = cdCache.get(hwpt);
  if (!m) return;
  if (ssid === undefined) m.clear();
  else m.delete(ssid);
}

// ------------------------------------------------------------------ walk cost counters

/**
 * Memory references of nested walks a unit's IOTLB statistics do not see: CD fetches, and the
 * walks made outside Iotlb.translate (re-walks of a cached entry, ATS translations of a miss).
 */
const extraRefs = new WeakMap<UnitState, { walks: number; refs: number }>();
export function extraWalkStats(unit: UnitState): { walks: number; refs: number } {
  let s = extraRefs.get(unit);
  if (!s) extraRefs.set(unit, (s = { walks: 0, refs: 0 }));
  return s;
}

// ------------------------------------------------------------------ the fault of the last translation

/** Why the last nestedTranslate failed (numbers of libs/pgtable/nested.ts). */
export interface NestedFault {
  /** 1 or 2 */
  stage: number;
  level: number;
  /** DmaFaultReason number */
  reason: number;
  /** VT-d fault reason or SMMUv3 event id (0: an abort without an event) */
  code: number;
  /** SMMUv3 CLASS */
  cls: number;
  /** IPA/GPA of the stage-2 access that faulted (event ADDR2) */
  addr2: number;
  /** SMMUv3: the fault is recorded as an event (configuration errors always; translation,
   * access, permission, address-size faults only with CD.R) */
  record: boolean;
  /** The SubstreamID of the request (-1 without). */
  ssid: number;
}

export const nestedFault: NestedFault = { stage: 0, level: 0, reason: 0, code: 0, cls: 0, addr2: 0, record: false, ssid: -1 };

// ------------------------------------------------------------------ per-HWPT walkers

interface VtdState {
  kind: 'vtd';
  walker: VtdFirstStageWalker | undefined;
}
interface SmmuState {
  kind: 'smmu';
  walker: Smmuv3S1Walker;
  vste: Vste;
  cds: Map<number, Cd>;
  loaded: Cd | undefined;
}
const states = new WeakMap<IommufdHwptNested, VtdState | SmmuState>();

const CAP_FS1GP = 1n << 56n;

function stateOf(mem: PhysicalMemory, h: IommufdHwptNested): VtdState | SmmuState {
  let st = states.get(h);
  if (st) return st;
  const s2 = h.parent.domain.pt;
  const spec = h.unit.spec;
  if (h.s1.kind === 'vtd') {
    const aw = h.s1.addrWidth;
    const addr = h.s1.pgtblAddr;
    // addr_width is checked at attach (48 or 57); a table pointer beyond the input of stage 2
    // cannot be walked: every translation faults (walker undefined)
    const ok = (aw === 48 || aw === 57) && addr < 1n << 52n && (addr & 0xfffn) === 0n;
    st = {
      kind: 'vtd',
      walker: ok ? new VtdFirstStageWalker(mem, s2, { pgtblAddr: Number(addr), addrWidth: aw, flags: h.s1.flags, fs1gp: ((spec.vtd?.capReg ?? 0n) & CAP_FS1GP) !== 0n }) : undefined,
    };
  } else {
    const idr0 = spec.smmuv3?.idr[0] ?? 0;
    const httu = decodeSmmuReg(idr0, SMMU_IDR0).HTTU ?? 0;
    st = {
      kind: 'smmu',
      walker: new Smmuv3S1Walker(mem, s2, { ssidBits: spec.pasidBits, oas: spec.outputBits, httu }),
      vste: decodeVste(h.s1.ste[0], h.s1.ste[1], spec.pasidBits),
      cds: cdCacheOf(h),
      loaded: undefined,
    };
  }
  states.set(h, st);
  return st;
}

function setFault(stage: number, level: number, reason: number, code: number, cls: number, addr2: number, record: boolean, ssid: number): false {
  const f = nestedFault;
  f.stage = stage;
  f.level = level;
  f.reason = reason;
  f.code = code;
  f.cls = cls;
  f.addr2 = addr2;
  f.record = record;
  f.ssid = ssid;
  return false;
}

function walkerFault(w: VtdFirstStageWalker | Smmuv3S1Walker, record: boolean, ssid: number): false {
  return setFault(w.fStage, w.fLevel, w.fReason, w.fCode, w.fClass, w.fAddr2, record, ssid);
}

/**
 * Translate one 4 KiB frame through the nested HWPT `h` for a request with SubstreamID/PASID
 * `ssid` (-1: none). `cached`: use and fill the unit IOTLB (DMA), or only walk (an ATS request
 * of a miss goes the same way; the caller decides). Fills `out` (host frame, leaf shift, perm,
 * hit) and returns true; false with `nestedFault` describing the fault. Nothing allocated on a
 * hit or a walk (CD fetches of a CD-cache miss allocate the decoded CD).
 */
export function nestedTranslate(mem: PhysicalMemory, h: IommufdHwptNested, ssid: number, iovaPfn: number, write: boolean, priv: boolean, out: TranslateOut): boolean {
  const st = stateOf(mem, h);
  const tlb = h.unit.tlb;
  let tag: number;
  let walker: VtdFirstStageWalker | Smmuv3S1Walker;
  let record = true;
  if (st.kind === 'vtd') {
    if (!st.walker) return setFault(1, 0, REASON_BAD_CONFIG, 0x73, 0, 0, true, ssid);
    walker = st.walker;
    tag = h.tag;
  } else {
    const v = st.vste;
    if (v.config === 'bad') return setFault(1, 0, REASON_BAD_CONFIG, EVT_C_BAD_STE, CLASS_CD, 0, true, ssid);
    // V=0: arm_smmu_make_nested_domain_ste installs an abort STE (Config abort, V=1), and an
    // abort STE terminates the transaction without recording an event: no C_BAD_STE reaches
    // the vEVENTQ (the VMM reports C_BAD_STE to its guest itself, from the guest's STE)
    if (v.config === 'abort' || v.config === 'invalid') return setFault(1, 0, REASON_BLOCKED, 0, CLASS_CD, 0, false, ssid);
    const sw = st.walker;
    const idx = v.config === 'bypass' ? -1 : sw.cdIndex(v, ssid);
    if (idx === -2) return walkerFault(sw, true, ssid);
    if (idx === -1) {
      // stage 1 bypassed: the parent's stage-2 translation, as the parent's own domain caches it
      const d = h.parent.domain;
      if (!tlb.translate(d.tag, d.pt, iovaPfn, out)) return setFault(2, 0, REASON_TRANSLATION, EVT_F_TRANSLATION, CLASS_IN, iovaPfn * 4096, false, ssid);
      if ((out.perm & (write ? PERM_W : PERM_R)) === 0) return setFault(2, 0, REASON_PERMISSION, EVT_F_PERMISSION, CLASS_IN, iovaPfn * 4096, false, ssid);
      return true;
    }
    let cd = st.cds.get(idx);
    if (cd === undefined) {
      const got = sw.fetchCdAt(v, idx);
      const x = extraWalkStats(h.unit);
      x.refs += sw.cdRefs;
      if (!got) return walkerFault(sw, true, ssid);
      cd = got;
      st.cds.set(idx, cd);
    }
    if (st.loaded !== cd) {
      sw.load(cd);
      st.loaded = cd;
    }
    walker = sw;
    tag = asidTag(h.viommu ? h.viommu.vmid : h.parent.domain.did, cd.asid);
    record = cd.r;
  }
  walker.write = write;
  walker.priv = priv;
  walker.dirtyLog = h.parent.domain.hwDirtyLogging;
  if (!tlb.translate(tag, walker, iovaPfn, out)) return walkerFault(walker, record || walker.fCode < 0x10, ssid);
  if (!out.hit) return true;
  const need = write ? PERM_W | PERM_DIRTY_OK : PERM_R;
  if ((out.perm & need) === need) return true;
  // a cached entry that does not allow the access as it stands: walk again and replace it
  const w = rewalkOut;
  w.memRefs = 0;
  const ok = walker.walk(iovaPfn, w);
  const x = extraWalkStats(h.unit);
  x.walks++;
  x.refs += w.memRefs;
  if (!ok) return walkerFault(walker, record || walker.fCode < 0x10, ssid);
  tlb.insert(tag, iovaPfn, w.paPfn, w.pageShift, w.perm);
  out.paPfn = w.paPfn;
  out.pageShift = w.pageShift;
  out.perm = w.perm;
  out.hit = false;
  return true;
}

const rewalkOut = { paPfn: 0, pageShift: 0, perm: 0, level: 0, memRefs: 0, dirty: false };

/**
 * The stage-1 output frame (GPA/IPA) of `iovaPfn` for a write, by an uncached walk (for the
 * stage-2 dirty bit of a DMA write through a nested HWPT), or -1 when it does not translate.
 */
export function nestedIpaOf(mem: PhysicalMemory, h: IommufdHwptNested, ssid: number, iovaPfn: number): number {
  const st = stateOf(mem, h);
  let walker: VtdFirstStageWalker | Smmuv3S1Walker;
  if (st.kind === 'vtd') {
    if (!st.walker) return -1;
    walker = st.walker;
  } else {
    if (st.vste.config === 'bypass') return iovaPfn;
    if (st.vste.config !== 's1') return -1;
    const idx = st.walker.cdIndex(st.vste, ssid);
    if (idx === -1) return iovaPfn;
    const cd = idx >= 0 ? st.cds.get(idx) : undefined;
    if (!cd) return -1;
    if (st.loaded !== cd) {
      st.walker.load(cd);
      st.loaded = cd;
    }
    walker = st.walker;
  }
  walker.write = true;
  walker.priv = false;
  walker.dirtyLog = h.parent.domain.hwDirtyLogging;
  rewalkOut.memRefs = 0;
  const ok = walker.walk(iovaPfn, rewalkOut);
  const x = extraWalkStats(h.unit);
  x.walks++;
  x.refs += rewalkOut.memRefs;
  return ok ? walker.lastIpaPfn : -1;
}

/** The IOTLB tag the nested HWPT's translations for `ssid` are cached under (Inspect). */
export function nestedTagOf(h: IommufdHwptNested, ssid: number): number | undefined {
  if (h.s1.kind === 'vtd') return h.tag;
  const st = states.get(h);
  if (!st || st.kind !== 'smmu') return undefined;
  const cd = st.cds.get(ssid < 0 ? 0 : ssid);
  return cd ? asidTag(h.viommu ? h.viommu.vmid : h.parent.domain.did, cd.asid) : undefined;
}
