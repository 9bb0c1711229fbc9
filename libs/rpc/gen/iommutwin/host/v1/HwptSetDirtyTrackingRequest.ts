// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of HwptSetDirtyTracking.
 */
export interface HwptSetDirtyTrackingRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Bitmask of IommuHwptDirtyTracking values (IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1) as a uint32.
   */
  'flags'?: (number);
  /**
   * A paging HWPT.
   */
  'hwpt_id'?: (number);
}

/**
 * Request of HwptSetDirtyTracking.
 */
export interface HwptSetDirtyTrackingRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Bitmask of IommuHwptDirtyTracking values (IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1) as a uint32.
   */
  'flags': (number);
  /**
   * A paging HWPT.
   */
  'hwpt_id': (number);
}
