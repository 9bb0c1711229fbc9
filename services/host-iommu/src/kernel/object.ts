/**
 * The iommufd object base (struct iommufd_object): type, ID, users, and the kernel memory its
 * allocation was charged to. Every uAPI object file (ioas, hw_pagetable, device, viommu, eventq)
 * extends it; the object table lives in the context (iommufd.ts).
 */
import type { Cgroup } from '../process/principal.js';

/** The object table's context as the objects see it (struct iommufd_ctx). */
export interface ObjCtx {
  readonly objects: Map<number, IObj<ObjCtx>>;
}

/** enum iommufd_object_type, by the kernel's names. */
export const OBJ_TYPES = ['IOAS', 'HWPT_PAGING', 'HWPT_NESTED', 'DEVICE', 'VIOMMU', 'VDEVICE', 'VEVENTQ', 'FAULT'] as const;
export type ObjType = (typeof OBJ_TYPES)[number];

/**
 * Kernel memory charged per iommufd object and per IOAS area, in 4 KiB pages. Their structs
 * (iommufd_ioas with its io_pagetable, iommufd_hwpt_paging with the driver's domain, iommufd_device,
 * iopt_area with its iopt_pages / iopt_pages_list) are GFP_KERNEL_ACCOUNT allocations: they are
 * charged to the memory cgroup of the task that makes them (current, not the fd's opener) and
 * uncharged from that cgroup when freed. One page each is a documented upper bound of those slab
 * objects (each is well under 4 KiB); page tables, pinned pages and data frames are not counted here.
 */
export const KMEM_PAGES: Readonly<Record<ObjType | 'AREA', number>> = { IOAS: 1, HWPT_PAGING: 1, HWPT_NESTED: 1, DEVICE: 1, VIOMMU: 1, VDEVICE: 1, VEVENTQ: 1, FAULT: 1, AREA: 1 };

/** `C` is the context type the subclass sees (IommufdCtx in the kernel files). */
export abstract class IObj<C extends ObjCtx = ObjCtx> {
  /** long-term references; the object table holds one */
  users = 1;
  abstract readonly type: ObjType;
  /** The memory cgroup this object's allocation was charged to, and how many pages. */
  kmem: { memcg: Cgroup; pages: number } | undefined;
  constructor(
    readonly ctx: C,
    public id: number,
  ) {}
  /** Called by IOMMU_DESTROY / context teardown after the users check. */
  abstract destroy(): void;
  /** Give the object's kernel memory back to the cgroup it was charged to (once). */
  protected uncharge(): void {
    if (!this.kmem) return;
    this.kmem.memcg.unchargeMemory(this.kmem.pages);
    this.kmem = undefined;
  }
}

// ------------------------------------------------------------------ seams between object files
// The uAPI object files meet through these small interfaces, so that none imports another's
// class: hw_pagetable.ts and viommu.ts hold fault queues and vEVENTQs as FaultSink /
// VeventqSink; eventq.ts implements them.

/** One page request of a group (struct iopf_fault as the fault queue reports it). */
export interface IopfFault {
  /** IOMMU_PGFAULT_FLAGS_PASID_VALID = 1, LAST_PAGE = 2. */
  flags: number;
  pasid: number;
  grpid: number;
  /** IOMMU_PGFAULT_PERM_READ = 1, WRITE = 2, EXEC = 4, PRIV = 8. */
  perm: number;
  addr: bigint;
}

/**
 * A page-request group (struct iopf_group) handed to a fault queue: the device object id in the
 * queue's iommufd, the faults (the last with LAST_PAGE), the attach handle it came through (the
 * IOPF-capable HWPT and the PASID, for auto-responses on detach/replace) and the completion the
 * device waits on. `respond` is called exactly once, with IOMMUFD_PAGE_RESP_SUCCESS (0) or
 * IOMMUFD_PAGE_RESP_INVALID (1).
 */
export interface IopfGroup {
  readonly devId: number;
  readonly faults: readonly IopfFault[];
  readonly hwpt: IObj;
  readonly pasid: number;
  respond(code: number): void;
}

/** A fault queue (FAULT object) as the HWPTs and the DMA path see it. */
export interface FaultSink extends IObj {
  /** iommufd_fault_iopf_handler: queue the group for readers. */
  deliver(group: IopfGroup): void;
  /**
   * iommufd_auto_response_faults: answer INVALID every group (queued or read and not yet
   * answered) that came through one attach handle of `hwpt` — the PASID `pasid` (when given) of
   * the devices `devIds` (when given) — freeing its cookie.
   */
  autoRespond(hwpt: IObj, pasid?: number, devIds?: ReadonlySet<number>): void;
}

/** A vEVENTQ as its vIOMMU and the DMA path see it. */
export interface VeventqSink extends IObj {
  /** enum iommu_veventq_type of the queue. */
  readonly veventqType: number;
  /** iommufd_viommu_report_event for this queue: append, or requeue the LOST_EVENTS header. */
  report(data: Uint8Array): void;
}
