// Original file: proto/iommutwin/common/v1/types.proto


/**
 * Decoded `struct iommu_hw_info_arm_smmuv3` (IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2).
 */
export interface Smmuv3HwInfo {
  /**
   * `IOMMU_HW_INFO_ARM_SMMUV3_*` flags.
   */
  'flags'?: (number);
  /**
   * SMMU_IDR0..SMMU_IDR5 images, exactly six entries.
   */
  'idr'?: (number)[];
  /**
   * SMMU_IIDR image.
   */
  'iidr'?: (number);
  /**
   * SMMU_AIDR image.
   */
  'aidr'?: (number);
}

/**
 * Decoded `struct iommu_hw_info_arm_smmuv3` (IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2).
 */
export interface Smmuv3HwInfo__Output {
  /**
   * `IOMMU_HW_INFO_ARM_SMMUV3_*` flags.
   */
  'flags': (number);
  /**
   * SMMU_IDR0..SMMU_IDR5 images, exactly six entries.
   */
  'idr': (number)[];
  /**
   * SMMU_IIDR image.
   */
  'iidr': (number);
  /**
   * SMMU_AIDR image.
   */
  'aidr': (number);
}
