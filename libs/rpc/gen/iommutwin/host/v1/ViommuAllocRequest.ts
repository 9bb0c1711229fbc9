// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of ViommuAlloc.
 */
export interface ViommuAllocRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Must be 0.
   */
  'flags'?: (number);
  /**
   * `enum iommu_viommu_type` (ARM_SMMUV3 = 1, TEGRA241_CMDQV = 2).
   */
  'type'?: (number);
  /**
   * A device behind the physical IOMMU instance.
   */
  'dev_id'?: (number);
  /**
   * The nesting parent paging HWPT.
   */
  'hwpt_id'?: (number);
  /**
   * Driver data (type-specific).
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * Request of ViommuAlloc.
 */
export interface ViommuAllocRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Must be 0.
   */
  'flags': (number);
  /**
   * `enum iommu_viommu_type` (ARM_SMMUV3 = 1, TEGRA241_CMDQV = 2).
   */
  'type': (number);
  /**
   * A device behind the physical IOMMU instance.
   */
  'dev_id': (number);
  /**
   * The nesting parent paging HWPT.
   */
  'hwpt_id': (number);
  /**
   * Driver data (type-specific).
   */
  'data': (Buffer);
}
