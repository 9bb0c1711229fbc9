// Original file: proto/iommutwin/host/v1/platform.proto

/**
 * The kind of a reserved IOVA region (the kernel's `enum iommu_resv_type`).
 */
export const ReservedRegionType = {
  /**
   * Not set.
   */
  RESERVED_REGION_TYPE_UNSPECIFIED: 'RESERVED_REGION_TYPE_UNSPECIFIED',
  /**
   * IOMMU_RESV_DIRECT: must be identity mapped (e.g. an RMRR).
   */
  RESERVED_REGION_TYPE_DIRECT: 'RESERVED_REGION_TYPE_DIRECT',
  /**
   * IOMMU_RESV_DIRECT_RELAXABLE: identity mapped, may be relaxed for device assignment.
   */
  RESERVED_REGION_TYPE_DIRECT_RELAXABLE: 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE',
  /**
   * IOMMU_RESV_RESERVED: never usable as IOVA.
   */
  RESERVED_REGION_TYPE_RESERVED: 'RESERVED_REGION_TYPE_RESERVED',
  /**
   * IOMMU_RESV_MSI: hardware MSI window (translation bypassed).
   */
  RESERVED_REGION_TYPE_MSI: 'RESERVED_REGION_TYPE_MSI',
  /**
   * IOMMU_RESV_SW_MSI: software-managed MSI window (the OS maps the doorbell).
   */
  RESERVED_REGION_TYPE_SW_MSI: 'RESERVED_REGION_TYPE_SW_MSI',
} as const;

/**
 * The kind of a reserved IOVA region (the kernel's `enum iommu_resv_type`).
 */
export type ReservedRegionType =
  /**
   * Not set.
   */
  | 'RESERVED_REGION_TYPE_UNSPECIFIED'
  | 0
  /**
   * IOMMU_RESV_DIRECT: must be identity mapped (e.g. an RMRR).
   */
  | 'RESERVED_REGION_TYPE_DIRECT'
  | 1
  /**
   * IOMMU_RESV_DIRECT_RELAXABLE: identity mapped, may be relaxed for device assignment.
   */
  | 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE'
  | 2
  /**
   * IOMMU_RESV_RESERVED: never usable as IOVA.
   */
  | 'RESERVED_REGION_TYPE_RESERVED'
  | 3
  /**
   * IOMMU_RESV_MSI: hardware MSI window (translation bypassed).
   */
  | 'RESERVED_REGION_TYPE_MSI'
  | 4
  /**
   * IOMMU_RESV_SW_MSI: software-managed MSI window (the OS maps the doorbell).
   */
  | 'RESERVED_REGION_TYPE_SW_MSI'
  | 5

/**
 * The kind of a reserved IOVA region (the kernel's `enum iommu_resv_type`).
 */
export type ReservedRegionType__Output = typeof ReservedRegionType[keyof typeof ReservedRegionType]
