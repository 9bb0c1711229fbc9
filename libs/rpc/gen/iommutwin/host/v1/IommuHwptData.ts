// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommu_hwpt_data_type`: HwptAllocRequest.data_type (a uint32 on the wire).
 */
export const IommuHwptData = {
  /**
   * No driver data: a paging HWPT from an IOAS.
   */
  IOMMU_HWPT_DATA_NONE: 'IOMMU_HWPT_DATA_NONE',
  /**
   * `struct iommu_hwpt_vtd_s1`: an Intel VT-d stage-1 (first-stage) table.
   */
  IOMMU_HWPT_DATA_VTD_S1: 'IOMMU_HWPT_DATA_VTD_S1',
  /**
   * `struct iommu_hwpt_arm_smmuv3`: an SMMUv3 nested STE (on a vIOMMU).
   */
  IOMMU_HWPT_DATA_ARM_SMMUV3: 'IOMMU_HWPT_DATA_ARM_SMMUV3',
  /**
   * `struct iommu_hwpt_amd_guest`: an AMD guest DTE (on a vIOMMU).
   */
  IOMMU_HWPT_DATA_AMD_GUEST: 'IOMMU_HWPT_DATA_AMD_GUEST',
} as const;

/**
 * `enum iommu_hwpt_data_type`: HwptAllocRequest.data_type (a uint32 on the wire).
 */
export type IommuHwptData =
  /**
   * No driver data: a paging HWPT from an IOAS.
   */
  | 'IOMMU_HWPT_DATA_NONE'
  | 0
  /**
   * `struct iommu_hwpt_vtd_s1`: an Intel VT-d stage-1 (first-stage) table.
   */
  | 'IOMMU_HWPT_DATA_VTD_S1'
  | 1
  /**
   * `struct iommu_hwpt_arm_smmuv3`: an SMMUv3 nested STE (on a vIOMMU).
   */
  | 'IOMMU_HWPT_DATA_ARM_SMMUV3'
  | 2
  /**
   * `struct iommu_hwpt_amd_guest`: an AMD guest DTE (on a vIOMMU).
   */
  | 'IOMMU_HWPT_DATA_AMD_GUEST'
  | 3

/**
 * `enum iommu_hwpt_data_type`: HwptAllocRequest.data_type (a uint32 on the wire).
 */
export type IommuHwptData__Output = typeof IommuHwptData[keyof typeof IommuHwptData]
