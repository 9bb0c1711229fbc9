// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of VeventqAlloc.
 */
export interface VeventqAllocRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Must be 0.
   */
  'flags'?: (number);
  /**
   * The vIOMMU.
   */
  'viommu_id'?: (number);
  /**
   * `enum iommu_veventq_type` (ARM_SMMUV3 = 1, TEGRA241_CMDQV = 2).
   */
  'type'?: (number);
  /**
   * Queue depth in events.
   */
  'veventq_depth'?: (number);
}

/**
 * Request of VeventqAlloc.
 */
export interface VeventqAllocRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Must be 0.
   */
  'flags': (number);
  /**
   * The vIOMMU.
   */
  'viommu_id': (number);
  /**
   * `enum iommu_veventq_type` (ARM_SMMUV3 = 1, TEGRA241_CMDQV = 2).
   */
  'type': (number);
  /**
   * Queue depth in events.
   */
  'veventq_depth': (number);
}
