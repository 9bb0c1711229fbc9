// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommu_hwpt_invalidate_data_type` and `enum iommu_viommu_invalidate_data_type`, which share
 * HwptInvalidateRequest.data_type and InvalidationChannelRequest.data_type (a uint32 on the wire).
 */
export const IommuHwptInvalidateData = {
  /**
   * `struct iommu_hwpt_vtd_s1_invalidate` entries, on a nested VT-d HWPT.
   */
  IOMMU_HWPT_INVALIDATE_DATA_VTD_S1: 'IOMMU_HWPT_INVALIDATE_DATA_VTD_S1',
  /**
   * `struct iommu_viommu_arm_smmuv3_invalidate` entries (SMMUv3 commands), on a vIOMMU. Kernel
   * name IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3; renamed here only to carry the enum's prefix.
   */
  IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3: 'IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3',
} as const;

/**
 * `enum iommu_hwpt_invalidate_data_type` and `enum iommu_viommu_invalidate_data_type`, which share
 * HwptInvalidateRequest.data_type and InvalidationChannelRequest.data_type (a uint32 on the wire).
 */
export type IommuHwptInvalidateData =
  /**
   * `struct iommu_hwpt_vtd_s1_invalidate` entries, on a nested VT-d HWPT.
   */
  | 'IOMMU_HWPT_INVALIDATE_DATA_VTD_S1'
  | 0
  /**
   * `struct iommu_viommu_arm_smmuv3_invalidate` entries (SMMUv3 commands), on a vIOMMU. Kernel
   * name IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3; renamed here only to carry the enum's prefix.
   */
  | 'IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3'
  | 1

/**
 * `enum iommu_hwpt_invalidate_data_type` and `enum iommu_viommu_invalidate_data_type`, which share
 * HwptInvalidateRequest.data_type and InvalidationChannelRequest.data_type (a uint32 on the wire).
 */
export type IommuHwptInvalidateData__Output = typeof IommuHwptInvalidateData[keyof typeof IommuHwptInvalidateData]
