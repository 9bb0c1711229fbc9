// Original file: proto/iommutwin/common/v1/types.proto

/**
 * The kind of an IOMMU unit (hardware family).
 */
export const IommuType = {
  /**
   * Not set.
   */
  IOMMU_TYPE_UNSPECIFIED: 'IOMMU_TYPE_UNSPECIFIED',
  /**
   * Intel VT-d (DMAR unit).
   */
  IOMMU_TYPE_INTEL_VTD: 'IOMMU_TYPE_INTEL_VTD',
  /**
   * Arm SMMUv3.
   */
  IOMMU_TYPE_ARM_SMMUV3: 'IOMMU_TYPE_ARM_SMMUV3',
  /**
   * AMD-Vi.
   */
  IOMMU_TYPE_AMD_VI: 'IOMMU_TYPE_AMD_VI',
  /**
   * Arm SMMUv2 (no PASID, no PRI).
   */
  IOMMU_TYPE_ARM_SMMUV2: 'IOMMU_TYPE_ARM_SMMUV2',
} as const;

/**
 * The kind of an IOMMU unit (hardware family).
 */
export type IommuType =
  /**
   * Not set.
   */
  | 'IOMMU_TYPE_UNSPECIFIED'
  | 0
  /**
   * Intel VT-d (DMAR unit).
   */
  | 'IOMMU_TYPE_INTEL_VTD'
  | 1
  /**
   * Arm SMMUv3.
   */
  | 'IOMMU_TYPE_ARM_SMMUV3'
  | 2
  /**
   * AMD-Vi.
   */
  | 'IOMMU_TYPE_AMD_VI'
  | 3
  /**
   * Arm SMMUv2 (no PASID, no PRI).
   */
  | 'IOMMU_TYPE_ARM_SMMUV2'
  | 4

/**
 * The kind of an IOMMU unit (hardware family).
 */
export type IommuType__Output = typeof IommuType[keyof typeof IommuType]
