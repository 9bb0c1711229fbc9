// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_hwpt_alloc_flags`: bits of HwptAllocRequest.flags (a uint32 bitmask on the wire).
 */
export const IommuHwptAlloc = {
  /**
   * No flag (0).
   */
  IOMMU_HWPT_ALLOC_UNSPECIFIED: 'IOMMU_HWPT_ALLOC_UNSPECIFIED',
  /**
   * The HWPT may be the stage-2 parent of nested HWPTs / vIOMMUs.
   */
  IOMMU_HWPT_ALLOC_NEST_PARENT: 'IOMMU_HWPT_ALLOC_NEST_PARENT',
  /**
   * Allocate a domain that can track dirty pages (HwptSetDirtyTracking).
   */
  IOMMU_HWPT_ALLOC_DIRTY_TRACKING: 'IOMMU_HWPT_ALLOC_DIRTY_TRACKING',
  /**
   * `fault_id` names a fault queue (kernel name IOMMU_HWPT_FAULT_ID_VALID; renamed here only to
   * carry the enum's prefix).
   */
  IOMMU_HWPT_ALLOC_FAULT_ID_VALID: 'IOMMU_HWPT_ALLOC_FAULT_ID_VALID',
  /**
   * The HWPT may be attached to PASIDs of a device.
   */
  IOMMU_HWPT_ALLOC_PASID: 'IOMMU_HWPT_ALLOC_PASID',
} as const;

/**
 * `enum iommufd_hwpt_alloc_flags`: bits of HwptAllocRequest.flags (a uint32 bitmask on the wire).
 */
export type IommuHwptAlloc =
  /**
   * No flag (0).
   */
  | 'IOMMU_HWPT_ALLOC_UNSPECIFIED'
  | 0
  /**
   * The HWPT may be the stage-2 parent of nested HWPTs / vIOMMUs.
   */
  | 'IOMMU_HWPT_ALLOC_NEST_PARENT'
  | 1
  /**
   * Allocate a domain that can track dirty pages (HwptSetDirtyTracking).
   */
  | 'IOMMU_HWPT_ALLOC_DIRTY_TRACKING'
  | 2
  /**
   * `fault_id` names a fault queue (kernel name IOMMU_HWPT_FAULT_ID_VALID; renamed here only to
   * carry the enum's prefix).
   */
  | 'IOMMU_HWPT_ALLOC_FAULT_ID_VALID'
  | 4
  /**
   * The HWPT may be attached to PASIDs of a device.
   */
  | 'IOMMU_HWPT_ALLOC_PASID'
  | 8

/**
 * `enum iommufd_hwpt_alloc_flags`: bits of HwptAllocRequest.flags (a uint32 bitmask on the wire).
 */
export type IommuHwptAlloc__Output = typeof IommuHwptAlloc[keyof typeof IommuHwptAlloc]
