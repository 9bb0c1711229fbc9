/**
 * The VFIO container uAPI's numbers (include/uapi/linux/vfio.h) and VFIO_IOMMU_GET_INFO's
 * result. The container's ioctls are topology.ts's VfioContainerOps: the native type1 container
 * (vfio_type1.ts) and iommufd's compatibility layer (vfio_compat.ts) each implement it; the
 * group file (vfio_group.ts) and the transport only talk to that interface.
 */

export const VFIO_API_VERSION = 0;

/** VFIO_CHECK_EXTENSION arguments / VFIO_SET_IOMMU types. */
export const VFIO_TYPE1_IOMMU = 1;
export const VFIO_SPAPR_TCE_IOMMU = 2;
export const VFIO_TYPE1v2_IOMMU = 3;
export const VFIO_DMA_CC_IOMMU = 4;
export const VFIO_EEH = 5;
export const VFIO_TYPE1_NESTING_IOMMU = 6;
export const VFIO_SPAPR_TCE_v2_IOMMU = 7;
export const VFIO_NOIOMMU_IOMMU = 8;
export const VFIO_UNMAP_ALL = 9;
export const VFIO_UPDATE_VADDR = 10;

export const VFIO_DMA_MAP_FLAG_READ = 1 << 0;
export const VFIO_DMA_MAP_FLAG_WRITE = 1 << 1;
export const VFIO_DMA_MAP_FLAG_VADDR = 1 << 2;

export const VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP = 1 << 0;
export const VFIO_DMA_UNMAP_FLAG_ALL = 1 << 1;
export const VFIO_DMA_UNMAP_FLAG_VADDR = 1 << 2;

export const VFIO_IOMMU_DIRTY_PAGES_FLAG_START = 1 << 0;
export const VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP = 1 << 1;
export const VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP = 1 << 2;

export const VFIO_GROUP_FLAGS_VIABLE = 1 << 0;
export const VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

export const VFIO_IOMMU_INFO_PGSIZES = 1 << 0;
export const VFIO_IOMMU_INFO_CAPS = 1 << 1;

/** VFIO_IOMMU_GET_INFO as the transport returns it (the cap chain decoded). */
export interface VfioContainerInfo {
  flags: number;
  iovaPgsizes: bigint;
  /** VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, inclusive ends */
  iovaRanges: Array<{ start: bigint; last: bigint }>;
  /** VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL */
  dmaAvail: number;
}
