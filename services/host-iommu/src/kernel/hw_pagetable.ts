/**
 * hw_pagetable: the HWPT objects (drivers/iommu/iommufd/hw_pagetable.c and the drivers' domain
 * code it calls).
 *
 * HWPT_PAGING (HwptObj) and its domain (HwptDomain): an IOMMU paging domain on one unit. Its
 * page table lives in host memory in the unit's hardware format (VT-d second stage; Arm LPAE
 * stage 1, or stage 2 for nest parents, as Linux's arm-smmu-v3 picks), mirrors its IOAS, and is
 * tagged in the unit's IOTLB by its domain id. Unmapping invalidates the IOTLB and the ATCs of the devices using it
 * for the range (strict mode); unmapping a nest parent also flushes every translation built on
 * it (the kernel's parent-domain flush: the nested DIDs on VT-d, the VMID on SMMUv3).
 *
 * HWPT_NESTED (HwptNestedObj): a stage-1 configuration owned by the guest over a NEST_PARENT
 * stage 2: VT-d `iommu_hwpt_vtd_s1` (pt_id = the parent) or an SMMUv3 vSTE
 * (`iommu_hwpt_arm_smmuv3`, pt_id = a vIOMMU). Its allocation checks (the core's, then the
 * driver's, in the kernel's order), its attach-time checks and the VT-d
 * `iommu_hwpt_vtd_s1_invalidate` cache invalidation live here.
 */
import { kerr } from '#libs/errno/index.js';
import type { Iotlb } from '#libs/iotlb/index.js';
import type { PhysicalMemory } from '#libs/memory/phys.js';
import { createPageTable, type PageTable } from '#libs/pgtable/index.js';
import { U64_MAX } from '#libs/u64/index.js';
import { decodeVtdCap, decodeVtdEcap, vtdRegsOf } from '#libs/profile/hwinfo.js';
import type { Area } from './ioas.js';
import { areaPages, IOMMU_CACHE, IOMMU_MMIO, IOMMU_READ, IOMMU_WRITE } from './ioas.js';
import { IObj, type FaultSink } from './object.js';
import type { Pages } from './pages.js';
import {
  asidTag,
  type AttachedHwpt,
  type DeviceState,
  type HwptOptions,
  type IommuDomain,
  type IommufdCtxOps,
  type IommufdDevice,
  type IommufdHwptNested,
  type IommufdHwptPaging,
  type IommufdIoas,
  type IommufdViommu,
  type Smmuv3VsteConfig,
  type UnitState,
  type VtdS1Config,
} from './topology.js';

export const IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0;
export const IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1;
export const IOMMU_HWPT_FAULT_ID_VALID = 1 << 2;
export const IOMMU_HWPT_ALLOC_PASID = 1 << 3;

/** enum iommu_hwpt_data_type (IOMMU_HWPT_DATA_NONE = 0 is in iommufd.ts) */
export const IOMMU_HWPT_DATA_VTD_S1 = 1;
export const IOMMU_HWPT_DATA_ARM_SMMUV3 = 2;
/** enum iommu_hwpt_invalidate_data_type */
export const IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0;
export const IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1;
/** struct iommu_hwpt_vtd_s1 flags */
export const IOMMU_VTD_S1_SRE = 1 << 0;
export const IOMMU_VTD_S1_EAFE = 1 << 1;
export const IOMMU_VTD_S1_WPE = 1 << 2;
/** struct iommu_hwpt_vtd_s1_invalidate flags */
export const IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0;
export const IOMMU_HWPT_VTD_S1_SIZE = 24;
export const IOMMU_HWPT_VTD_S1_INVALIDATE_SIZE = 24;
export const IOMMU_HWPT_ARM_SMMUV3_SIZE = 16;

export class HwptDomain implements IommuDomain {
  readonly pt: PageTable;
  readonly did: number;
  readonly apertureStart: bigint = 0n;
  readonly apertureLast: bigint;
  readonly minPageSize: bigint = 4096n;
  dirtyEnabled = false;
  enforceCacheCoherency = true;
  /**
   * VT-d: the DIDs (IOTLB tags) of the nested domains built on this nest parent. Their cached
   * translations are IOVA → host PA through this stage 2, so changing stage 2 flushes them whole
   * (the kernel's CACHE_TAG_NESTING_IOTLB tags: domain-selective).
   */
  readonly nestedTags = new Set<number>();

  constructor(
    readonly id: number,
    readonly unit: UnitState,
    mem: PhysicalMemory,
    readonly opts: HwptOptions,
  ) {
    const spec = unit.spec;
    const format = spec.type === 'vtd' ? 'vtd-ss' : opts.nestParent ? 'lpae-s2' : 'lpae-s1';
    this.pt = createPageTable(mem, format, {
      granule: 4096,
      inputBits: spec.inputBits,
      snoop: spec.type === 'vtd',
      hd: opts.dirtyTracking,
      maxLeafShift: Math.max(...spec.pageSizes.filter((s) => s <= 1n << 30n).map((s) => s.toString(2).length - 1)),
    });
    this.did = unit.allocDid();
    this.apertureLast = (1n << BigInt(spec.inputBits)) - 1n;
  }

  /**
   * Whether device writes set dirty bits now: VT-d second-stage A/D only while SSADE is on
   * (SET_DIRTY_TRACKING enable); SMMUv3 HTTU (HD) is always on for a dirty-tracking domain
   * (arm_smmu_set_dirty_tracking is a no-op).
   */
  get hwDirtyLogging(): boolean {
    if (!this.opts.dirtyTracking) return false;
    return this.dirtyEnabled || this.unit.spec.type === 'smmuv3';
  }

  get tag(): number {
    return this.did;
  }

  get formatName(): string {
    return this.pt.formatName;
  }

  mapArea(area: Area, maxPageShift: number): void {
    const { first, last } = areaPages(area);
    const iovaPfn0 = Number(area.iova >> 12n);
    const prot = domainProt(this, area);
    const pages: Pages = area.pages;
    const done: Array<[number, number]> = [];
    try {
      pages.forEachRun(first, last, (page, pfn, n) => {
        const iovaPfn = iovaPfn0 + (page - first);
        this.pt.map(iovaPfn, pfn, n, prot, maxPageShift);
        done.push([iovaPfn, n]);
      });
    } catch (e) {
      for (const [i, n] of done) this.pt.unmap(i, n);
      throw e;
    }
  }

  unmapArea(area: Area): void {
    const { first, last } = areaPages(area);
    const iovaPfn = Number(area.iova >> 12n);
    const n = last - first + 1;
    this.pt.unmap(iovaPfn, n);
    this.unit.tlb.invalidateRange(this.tag, iovaPfn, n);
    flushUsers(this, iovaPfn, n);
  }

  destroy(): void {
    this.unit.tlb.invalidateTag(this.tag);
    // SMMUv3: the VMID of a nest parent tags its vIOMMUs' stage-1 entries too; freeing it
    // (TLBI_S12_VMALL) drops them all
    if (this.opts.nestParent && this.unit.spec.type === 'smmuv3') this.unit.tlb.invalidateTags(asidTag(this.did, 0), 0x10000);
    this.pt.destroy();
    this.unit.freeDid(this.did);
  }
}

/** The IOMMU_READ/WRITE/CACHE page-table permission of an area in `d`. */
function domainProt(d: HwptDomain, area: Area): number {
  let p = 0;
  if (area.prot & IOMMU_READ) p |= 1;
  if (area.prot & IOMMU_WRITE) p |= 2;
  // a dma-buf area is another device's MMIO: batch_to_domain maps it IOMMU_MMIO, never cached
  if (area.pages.kind === 'dmabuf') return p | IOMMU_MMIO;
  if (d.enforceCacheCoherency) p |= IOMMU_CACHE;
  return p;
}

/**
 * After a stage-2 change of [iovaPfn, +n) of `d`: the ATCs of the devices attached to this domain
 * (that range, under the attachment's PASID) and, for a nest parent, everything cached through
 * it: the nested domains' IOTLB tags (VT-d: each nested DID; SMMUv3: every ASID of the VMID,
 * arm_smmu_tlb_inv_range_domain's TLBI_NH_ALL for a nest parent) and the whole ATC (per PASID)
 * of the devices attached to a nested domain on it (the nested ATS flush is full: stage-1 IOVAs
 * of a GPA range are unknown).
 */
function flushUsers(d: HwptDomain, iovaPfn: number, n: number): void {
  const unit = d.unit;
  if (d.opts.nestParent) {
    if (unit.spec.type === 'vtd') for (const t of d.nestedTags) unit.tlb.invalidateTag(t);
    else unit.tlb.invalidateTags(asidTag(d.did, 0), 0x10000);
  }
  forEachAttachment(unit, (dev, pasid, h) => {
    if (h.type === 'HWPT_PAGING') {
      if (h.domain === d) atcInvalidate(dev, pasid, iovaPfn, n);
    } else if (h.parent.domain === d) atcInvalidate(dev, pasid);
  });
}

// ------------------------------------------------------------------ HWPT_PAGING

/** A paging HWPT (struct iommufd_hwpt_paging): its domain mirrors its IOAS. */
export class HwptObj extends IObj<IommufdCtxOps> implements IommufdHwptPaging {
  readonly type = 'HWPT_PAGING';
  readonly domain: IommuDomain;
  /** The fault queue of an IOPF-capable HWPT (IOMMU_HWPT_FAULT_ID_VALID); holds a user of it. */
  fault: FaultSink | undefined = undefined;
  constructor(
    ctx: IommufdCtxOps,
    id: number,
    readonly ioas: IommufdIoas,
    domain: IommuDomain,
  ) {
    super(ctx, id);
    this.domain = domain;
  }
  get auto(): boolean {
    return this.domain.opts.autoDomain;
  }
  /** IOMMU_HWPT_ALLOC_PASID */
  get pasidCompat(): boolean {
    return this.domain.opts.pasidCompat;
  }
  destroy(): void {
    this.ioas.iopt.removeDomain(this.domain, (a) => this.ctx.unpinArea(a));
    this.ioas.hwpts.delete(this);
    this.ioas.users--;
    this.domain.destroy();
    if (this.fault) this.fault.users--;
    this.fault = undefined;
    this.uncharge();
  }
}

// ------------------------------------------------------------------ attachments

/** PASIDs are below 2^20: the tags a device ATC can hold. */
const ATC_TAGS = 1 << 20;
const PFN_END = 2 ** 52;

/**
 * An ATS invalidation request to a device for [pfn, +n) (everything when pfn is undefined).
 * With a PASID it hits that PASID's entries; without one (IOMMU_NO_PASID) the PCIe request has
 * no PASID prefix and hits the range's entries of every PASID.
 */
export function atcInvalidate(dev: DeviceState, pasid: number, pfn?: number, n?: number): void {
  const [first, count] = pasid === 0 ? [0, ATC_TAGS] : [pasid, 1];
  if (pfn === undefined || n === undefined) {
    dev.atc.invalidateTags(first, count);
    return;
  }
  if (pfn >= PFN_END || n <= 0) return;
  dev.atc.invalidateTagsRange(first, count, pfn, Math.min(n, PFN_END - pfn));
}

/** The paging HWPT (stage 2 for a nested HWPT) whose page table the host owns for an attachment. */
export function stage2Of(h: AttachedHwpt): IommufdHwptPaging {
  return h.type === 'HWPT_NESTED' ? h.parent : h;
}

/** Every (device, pasid, HWPT) attachment of the devices behind `unit` (RID = IOMMU_NO_PASID 0). */
export function forEachAttachment(unit: UnitState, fn: (dev: DeviceState, pasid: number, h: AttachedHwpt) => void): void {
  for (const dev of unit.devices) {
    const rid = dev.group.rid;
    if (rid && dev.bound && rid.devices.has(dev.bound)) fn(dev, 0, rid.hwpt);
    for (const [pasid, h] of dev.pasids) fn(dev, pasid, h);
  }
}

/**
 * A device (or one of its PASIDs) left `h` (detach, or replace by another HWPT): the VT-d
 * driver tears the PASID entry down with a domain-selective IOTLB flush of the old domain's DID
 * (intel_pasid_tear_down_entry / intel_pasid_flush_present) and a device-TLB flush; SMMUv3
 * invalidates the ATC of a master whose ATS it turns off or re-targets. IOTLB entries tagged by
 * SMMUv3 ASIDs stay (they are the guest's to invalidate).
 */
export function flushDetached(h: AttachedHwpt, dev: DeviceState, pasid: number): void {
  if (dev.unit.spec.type === 'vtd') dev.unit.tlb.invalidateTag(h.type === 'HWPT_NESTED' ? h.tag : h.domain.tag);
  atcInvalidate(dev, pasid);
}

// ------------------------------------------------------------------ HWPT_NESTED

/** STE word 0/1 fields the kernel lets a guest set (STRTAB_STE_{0,1}_NESTING_ALLOWED). */
export const STE0_V = 1n;
export const STE0_CFG_SHIFT = 1n;
export const STE0_CFG_MASK = 7n << STE0_CFG_SHIFT;
export const STE_CFG_ABORT = 0n;
export const STE_CFG_BYPASS = 4n;
export const STE_CFG_S1_TRANS = 5n;
const STE0_S1FMT = 3n << 4n;
const STE0_S1CTXPTR = ((1n << 46n) - 1n) << 6n; // bits 51:6
const STE0_S1CDMAX = 0x1fn << 59n;
export const STE0_NESTING_ALLOWED = STE0_V | STE0_CFG_MASK | STE0_S1FMT | STE0_S1CTXPTR | STE0_S1CDMAX;
const STE1_S1DSS = 3n;
const STE1_S1CIR = 3n << 2n;
const STE1_S1COR = 3n << 4n;
const STE1_S1CSH = 3n << 6n;
const STE1_S1STALLD = 1n << 27n;
export const STE1_EATS_SHIFT = 28n;
export const STE1_EATS_MASK = 3n << STE1_EATS_SHIFT;
const STE1_EATS_ABT = 0n;
const STE1_EATS_TRANS = 1n;
export const STE1_NESTING_ALLOWED = STE1_S1DSS | STE1_S1CIR | STE1_S1COR | STE1_S1CSH | STE1_S1STALLD | STE1_EATS_MASK;

/**
 * A nested HWPT (struct iommufd_hwpt_nested): the guest's stage 1 over `parent` (stage 2).
 * Holds a reference on its parent (VT-d) or on its vIOMMU (SMMUv3, whose parent is the
 * vIOMMU's), and on its fault queue when IOPF-capable.
 */
export class HwptNestedObj extends IObj<IommufdCtxOps> implements IommufdHwptNested {
  readonly type = 'HWPT_NESTED';
  constructor(
    ctx: IommufdCtxOps,
    id: number,
    /** The NEST_PARENT paging HWPT (stage 2). */
    readonly parent: IommufdHwptPaging,
    /** SMMUv3 nested HWPTs are allocated on a vIOMMU. */
    readonly viommu: IommufdViommu | undefined,
    /** With IOMMU_HWPT_FAULT_ID_VALID. */
    readonly fault: FaultSink | undefined,
    readonly s1: VtdS1Config | Smmuv3VsteConfig,
    readonly unit: UnitState,
    /**
     * The IOTLB tag of the translations cached through this HWPT. VT-d: the nested domain's own
     * DID. SMMUv3: asidTag(vmid, 0), the first tag of its VMID (entries are tagged
     * asidTag(vmid, asid) by the CD's ASID).
     */
    readonly tag: number,
    /** IOMMU_HWPT_ALLOC_PASID */
    readonly pasidCompat: boolean,
  ) {
    super(ctx, id);
  }

  destroy(): void {
    if (this.s1.kind === 'vtd') {
      this.unit.tlb.invalidateTag(this.tag);
      this.parent.domain.nestedTags.delete(this.tag);
      this.unit.freeDid(this.tag);
    }
    if (this.viommu) this.viommu.users--;
    else this.parent.users--;
    if (this.fault) this.fault.users--;
    this.uncharge();
  }
}

/** What a nested allocation makes, once every check passed (nothing changed yet). */
export interface NestedSpec {
  parent: IommufdHwptPaging;
  viommu: IommufdViommu | undefined;
  s1: VtdS1Config | Smmuv3VsteConfig;
  unit: UnitState;
  pasidCompat: boolean;
}

const NESTED_CORE_FLAGS = (1 << 2) | (1 << 3); // FAULT_ID_VALID | ALLOC_PASID

/**
 * iommufd_hwpt_nested_alloc (pt_id = a paging HWPT) and the VT-d driver's
 * intel_iommu_domain_alloc_nested, in order. SMMUv3's iommu_ops have no domain_alloc_nested
 * (its nested domains come from a vIOMMU): EOPNOTSUPP.
 */
export function checkNestedOnParent(flags: number, dev: IommufdDevice, parent: IommufdHwptPaging, dataType: number, data: Uint8Array): NestedSpec {
  const unit = dev.dev.unit;
  if (flags & ~NESTED_CORE_FLAGS || data.length === 0 || unit.spec.type !== 'vtd') {
    throw kerr('EOPNOTSUPP', data.length === 0 ? 'a nested HWPT needs driver data' : flags & ~NESTED_CORE_FLAGS ? `flags 0x${(flags & ~NESTED_CORE_FLAGS).toString(16)} are not valid for a nested HWPT` : `${unit.name} allocates nested domains only on a vIOMMU (pt_id must be a vIOMMU)`);
  }
  if (parent.auto || !parent.domain.opts.nestParent) throw kerr('EINVAL', `HWPT ${parent.id} is not a NEST_PARENT paging HWPT`);
  if (parent.domain.unit.spec.type !== unit.spec.type) throw kerr('EINVAL', `HWPT ${parent.id} belongs to another IOMMU driver`);
  // intel_iommu_domain_alloc_nested (flags without FAULT_ID_VALID)
  const drvFlags = flags & ~(1 << 2);
  if (!unit.spec.nesting || drvFlags & ~(1 << 3)) throw kerr('EOPNOTSUPP', `${unit.name} does not support nested translation`);
  if (dataType !== IOMMU_HWPT_DATA_VTD_S1) throw kerr('EOPNOTSUPP', `data_type ${dataType} is not IOMMU_HWPT_DATA_VTD_S1`);
  if (data.length !== IOMMU_HWPT_VTD_S1_SIZE) throw kerr('EINVAL', `iommu_hwpt_vtd_s1 is ${IOMMU_HWPT_VTD_S1_SIZE} bytes, got ${data.length}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    parent,
    viommu: undefined,
    s1: { kind: 'vtd', flags: Number(v.getBigUint64(0, true) & 0xffffffffn), pgtblAddr: v.getBigUint64(8, true), addrWidth: v.getUint32(16, true) },
    unit,
    pasidCompat: (flags & (1 << 3)) !== 0,
  };
}

/**
 * The vIOMMU branch of iommufd_hwpt_alloc (iommufd_viommu_alloc_hwpt_nested) and the SMMUv3
 * driver's arm_vsmmu_alloc_domain_nested + arm_smmu_validate_vste, in order.
 */
export function checkNestedOnViommu(flags: number, dev: IommufdDevice, viommu: IommufdViommu, dataType: number, data: Uint8Array): NestedSpec {
  if (viommu.unit !== dev.dev.unit) throw kerr('EINVAL', `vIOMMU ${viommu.id} is on ${viommu.unit.name}, the device is behind ${dev.dev.unit.name}`);
  if (flags & ~NESTED_CORE_FLAGS) throw kerr('EOPNOTSUPP', `flags 0x${(flags & ~NESTED_CORE_FLAGS).toString(16)} are not valid for a nested HWPT`);
  if (data.length === 0) throw kerr('EOPNOTSUPP', 'a nested HWPT needs driver data');
  // arm_vsmmu_alloc_domain_nested: flags without FAULT_ID_VALID must be 0
  if (flags & ~(1 << 2)) throw kerr('EOPNOTSUPP', 'the SMMUv3 vIOMMU takes no nested-HWPT flags but FAULT_ID_VALID');
  if (dataType !== IOMMU_HWPT_DATA_ARM_SMMUV3) throw kerr('EINVAL', `data_type ${dataType} is not IOMMU_HWPT_DATA_ARM_SMMUV3`);
  if (data.length !== IOMMU_HWPT_ARM_SMMUV3_SIZE) throw kerr('EINVAL', `iommu_hwpt_arm_smmuv3 is ${IOMMU_HWPT_ARM_SMMUV3_SIZE} bytes, got ${data.length}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const s1 = validateVste(v.getBigUint64(0, true), v.getBigUint64(8, true));
  return { parent: viommu.parent, viommu, s1, unit: viommu.unit, pasidCompat: (flags & (1 << 3)) !== 0 };
}

/** arm_smmu_validate_vste: EIO for anything a guest may not set. */
export function validateVste(ste0: bigint, ste1: bigint): Smmuv3VsteConfig {
  if (!(ste0 & STE0_V)) return { kind: 'smmuv3', ste: [0n, 0n], enableAts: false };
  if (ste0 & ~STE0_NESTING_ALLOWED || ste1 & ~STE1_NESTING_ALLOWED) {
    throw kerr('EIO', `vSTE sets bits outside the nesting-allowed fields (word0 0x${(ste0 & ~STE0_NESTING_ALLOWED).toString(16)}, word1 0x${(ste1 & ~STE1_NESTING_ALLOWED).toString(16)})`);
  }
  const cfg = (ste0 & STE0_CFG_MASK) >> STE0_CFG_SHIFT;
  if (cfg !== STE_CFG_ABORT && cfg !== STE_CFG_BYPASS && cfg !== STE_CFG_S1_TRANS) throw kerr('EIO', `vSTE Config ${cfg} is not abort, bypass or S1-translate`);
  const eats = (ste1 & STE1_EATS_MASK) >> STE1_EATS_SHIFT;
  if (eats !== STE1_EATS_ABT && eats !== STE1_EATS_TRANS) throw kerr('EIO', `vSTE EATS ${eats} is neither ABT nor TRANS`);
  return { kind: 'smmuv3', ste: [ste0, ste1 & ~STE1_EATS_MASK], enableAts: cfg === STE_CFG_S1_TRANS && eats === STE1_EATS_TRANS };
}

/** Make the nested HWPT of a checked spec (its DID on VT-d) and take its references. */
export function installNested(ctx: IommufdCtxOps, spec: NestedSpec, fault: FaultSink | undefined, make: (build: (id: number) => HwptNestedObj) => HwptNestedObj): HwptNestedObj {
  const { parent, viommu, s1, unit } = spec;
  const tag = s1.kind === 'vtd' ? unit.allocDid() : asidTag(viommu!.vmid, 0);
  let h: HwptNestedObj;
  try {
    h = make((id) => new HwptNestedObj(ctx, id, parent, viommu, fault, s1, unit, tag, spec.pasidCompat));
  } catch (e) {
    if (s1.kind === 'vtd') unit.freeDid(tag);
    throw e;
  }
  if (s1.kind === 'vtd') parent.domain.nestedTags.add(tag);
  if (viommu) viommu.users++;
  else parent.users++;
  if (fault) fault.users++;
  return h;
}

// ------------------------------------------------------------------ attach-time checks

const ADDR_WIDTH_4LEVEL = 48;
const ADDR_WIDTH_5LEVEL = 57;

/**
 * The driver's attach_dev / set_dev_pasid checks for a nested HWPT (VT-d
 * intel_pasid_setup_nested / replace_nested; SMMUv3 arm_smmu_attach_dev_nested with
 * arm_smmu_attach_prepare_vmaster). `obj` is the bound device; `pasid` 0 for the RID.
 */
export function checkNestedAttach(h: IommufdHwptNested, obj: IommufdDevice, pasid: number): void {
  const dev = obj.dev;
  if (h.s1.kind === 'vtd') {
    if (h.unit !== dev.unit) throw kerr('EINVAL', `HWPT ${h.id} belongs to ${h.unit.name}, ${dev.bdf} is behind ${dev.unit.name}`);
    const regs = vtdRegsOf(dev.unit.spec);
    const cap = decodeVtdCap(regs.capReg);
    const ecap = decodeVtdEcap(regs.ecapReg);
    if (h.s1.addrWidth === ADDR_WIDTH_5LEVEL) {
      if (!cap.FL5LP) throw kerr('EINVAL', `${dev.unit.name} has no 5-level first-stage paging (CAP.FL5LP): addr_width 57 refused`);
    } else if (h.s1.addrWidth !== ADDR_WIDTH_4LEVEL) throw kerr('EINVAL', `addr_width ${h.s1.addrWidth} is neither 48 nor 57`);
    if (h.s1.flags & IOMMU_VTD_S1_SRE && !ecap.SRS) throw kerr('EINVAL', `${dev.unit.name} does not support supervisor requests (ECAP.SRS): IOMMU_VTD_S1_SRE refused`);
    if (h.s1.flags & IOMMU_VTD_S1_EAFE && !ecap.EAFS) throw kerr('EINVAL', `${dev.unit.name} has no extended access flag (ECAP.EAFS): IOMMU_VTD_S1_EAFE refused`);
    return;
  }
  // SMMUv3
  if (h.unit !== dev.unit) throw kerr('EINVAL', `the vIOMMU of HWPT ${h.id} is on ${h.unit.name}, ${dev.bdf} is behind ${dev.unit.name}`);
  if (pasid === 0 && dev.pasids.size > 0) throw kerr('EBUSY', `${dev.bdf} has PASIDs in use (arm_smmu_ssids_in_use)`);
  const cfg = (h.s1.ste[0] & STE0_CFG_MASK) >> STE0_CFG_SHIFT;
  if (h.s1.ste[0] & STE0_V && cfg === STE_CFG_S1_TRANS) {
    const vdev = obj.vdev;
    if (!vdev || vdev.viommu !== h.viommu) throw kerr('ENOENT', `${dev.bdf} has no vDEVICE on vIOMMU ${h.viommu!.id} (iommufd_viommu_get_vdev_id)`);
  }
}

// ------------------------------------------------------------------ IOMMU_HWPT_INVALIDATE (VT-d)

const MAX_AGAW_PFN_WIDTH = 52;
const PFN_LIMIT = 2 ** 52;

/** One PSI as the VT-d driver issues it: calculate_psi_aligned_address. */
function psiAligned(start: bigint, end: bigint): { pfn: number; mask: number } {
  const pfn0 = start >> 12n;
  const pages = (end >> 12n) - pfn0 + 1n;
  let aligned = 1n;
  let mask = 0;
  while (aligned < pages) {
    aligned <<= 1n;
    mask++;
  }
  const bitmask = aligned - 1n;
  if (bitmask & pfn0) {
    const endPfn = pfn0 + pages - 1n;
    const shared = ~(pfn0 ^ endPfn) & ~bitmask & ((1n << 64n) - 1n);
    if (shared === 0n) mask = MAX_AGAW_PFN_WIDTH;
    else {
      let b = 0;
      while (!((shared >> BigInt(b)) & 1n)) b++;
      mask = b;
    }
  }
  if (mask >= MAX_AGAW_PFN_WIDTH) return { pfn: 0, mask: MAX_AGAW_PFN_WIDTH };
  const alignedPfn = Number((pfn0 >> BigInt(mask)) << BigInt(mask));
  return { pfn: alignedPfn, mask };
}

/** Drop [pfn, pfn + 2^mask) of `tag` (or all of it) from a cache. */
function dropRange(c: Iotlb, tag: number, pfn: number, mask: number | undefined): void {
  if (mask === undefined || mask >= MAX_AGAW_PFN_WIDTH || pfn >= PFN_LIMIT) {
    c.invalidateTag(tag);
    return;
  }
  c.invalidateRange(tag, pfn, Math.min(2 ** mask, PFN_LIMIT - pfn));
}

/**
 * intel_nested_flush_cache: the nested domain's IOTLB tag (PSI when the unit has it and the mask
 * fits CAP.MAMV, else domain-selective) and the ATC of every device attached to it (dev-TLB
 * invalidation with the same address mask, under the attachment's PASID; VT-d flushes device
 * TLBs itself, the VMM never forwards them). npages U64_MAX = everything.
 */
function vtdNestedFlush(h: IommufdHwptNested, addr: bigint, npages: bigint): void {
  const unit = h.unit;
  let pfn = 0;
  let mask: number | undefined;
  if (npages !== U64_MAX) {
    if (npages === 0n) return;
    let end = addr + (npages << 12n) - 1n;
    if (end > U64_MAX) end = U64_MAX;
    ({ pfn, mask } = psiAligned(addr, end));
  }
  const cap = decodeVtdCap(vtdRegsOf(unit.spec).capReg);
  const iotlbMask = mask !== undefined && cap.PSI && mask <= cap.MAMV ? mask : undefined;
  dropRange(unit.tlb, h.tag, pfn, iotlbMask);
  forEachAttachment(unit, (dev, pasid, a) => {
    if (a !== h) return;
    if (mask === undefined || mask >= MAX_AGAW_PFN_WIDTH) atcInvalidate(dev, pasid);
    else atcInvalidate(dev, pasid, pfn, 2 ** mask);
  });
}

/** An invalidation failure after `done` entries were handled (entry_num written back). */
export function invalErr(errno: Parameters<typeof kerr>[0], message: string, done: number) {
  return kerr(errno, message, { entry_num: String(done) });
}

/**
 * intel_nested_cache_invalidate_user: array type (before the loop), then per entry: length,
 * flags / reserved (EOPNOTSUPP), alignment and the invalidate-all form (EINVAL); stops at the
 * first bad entry. Returns the number of entries handled; a failure carries it as entry_num.
 */
export function vtdNestedInvalidate(h: IommufdHwptNested, dataType: number, entryLen: number, entries: Uint8Array): number {
  if (dataType !== IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) throw invalErr('EINVAL', `data_type ${dataType} is not IOMMU_HWPT_INVALIDATE_DATA_VTD_S1`, 0);
  const n = entryLen === 0 ? 0 : entries.length / entryLen;
  const v = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  for (let i = 0; i < n; i++) {
    if (entryLen !== IOMMU_HWPT_VTD_S1_INVALIDATE_SIZE) throw invalErr('EINVAL', `entry_len ${entryLen} is not ${IOMMU_HWPT_VTD_S1_INVALIDATE_SIZE}`, i);
    const o = i * entryLen;
    const addr = v.getBigUint64(o, true);
    const npages = v.getBigUint64(o + 8, true);
    const flags = v.getUint32(o + 16, true);
    const reserved = v.getUint32(o + 20, true);
    if (flags & ~IOMMU_VTD_INV_FLAGS_LEAF || reserved !== 0) throw invalErr('EOPNOTSUPP', `entry ${i}: unknown flags 0x${flags.toString(16)} or __reserved set`, i);
    if (addr & 0xfffn || (npages === U64_MAX && addr !== 0n)) throw invalErr('EINVAL', `entry ${i}: addr 0x${addr.toString(16)} is not 4 KiB aligned or npages U64_MAX with a non-zero addr`, i);
    vtdNestedFlush(h, addr, npages);
  }
  return n;
}
