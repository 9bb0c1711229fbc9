/**
 * HWPT_PAGING: an IOMMU paging domain on one unit. Its page table lives in host memory in the
 * unit's hardware format (VT-d second stage; Arm LPAE stage 1, or stage 2 for nest parents, as
 * Linux's arm-smmu-v3 picks), mirrors its IOAS, and is tagged in the unit's IOTLB by its domain
 * id. Unmapping invalidates the IOTLB for the range (strict mode).
 */
import type { PhysicalMemory } from '../../../../libs/memory/phys.js';
import { createPageTable, type PageTable } from '../../../../libs/pgtable/index.js';
import type { Area, IoptDomain } from './ioas.js';
import { areaPages, IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from './ioas.js';
import type { Pages } from './pages.js';
import type { UnitState } from './topology.js';

export const IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0;
export const IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1;
export const IOMMU_HWPT_FAULT_ID_VALID = 1 << 2;
export const IOMMU_HWPT_ALLOC_PASID = 1 << 3;

export interface HwptOptions {
  nestParent: boolean;
  dirtyTracking: boolean;
  pasidCompat: boolean;
  autoDomain: boolean;
}

export class HwptDomain implements IoptDomain {
  readonly pt: PageTable;
  readonly did: number;
  readonly apertureStart = 0n;
  readonly apertureLast: bigint;
  readonly minPageSize = 4096n;
  dirtyEnabled = false;
  enforceCacheCoherency = true;

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

  private prot(area: Area): number {
    let p = 0;
    if (area.prot & IOMMU_READ) p |= 1;
    if (area.prot & IOMMU_WRITE) p |= 2;
    if (this.enforceCacheCoherency) p |= IOMMU_CACHE;
    return p;
  }

  mapArea(area: Area, maxPageShift: number): void {
    const { first, last } = areaPages(area);
    const iovaPfn0 = Number(area.iova >> 12n);
    const prot = this.prot(area);
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
  }

  destroy(): void {
    this.unit.tlb.invalidateTag(this.tag);
    this.pt.destroy();
    this.unit.freeDid(this.did);
  }
}
