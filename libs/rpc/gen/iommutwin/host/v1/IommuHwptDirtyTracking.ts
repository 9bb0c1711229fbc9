// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_hwpt_set_dirty_tracking_flags`: bits of HwptSetDirtyTrackingRequest.flags (a
 * uint32 bitmask on the wire).
 */
export const IommuHwptDirtyTracking = {
  /**
   * No flag (0): dirty tracking off.
   */
  IOMMU_HWPT_DIRTY_TRACKING_UNSPECIFIED: 'IOMMU_HWPT_DIRTY_TRACKING_UNSPECIFIED',
  /**
   * Turn dirty tracking on.
   */
  IOMMU_HWPT_DIRTY_TRACKING_ENABLE: 'IOMMU_HWPT_DIRTY_TRACKING_ENABLE',
} as const;

/**
 * `enum iommufd_hwpt_set_dirty_tracking_flags`: bits of HwptSetDirtyTrackingRequest.flags (a
 * uint32 bitmask on the wire).
 */
export type IommuHwptDirtyTracking =
  /**
   * No flag (0): dirty tracking off.
   */
  | 'IOMMU_HWPT_DIRTY_TRACKING_UNSPECIFIED'
  | 0
  /**
   * Turn dirty tracking on.
   */
  | 'IOMMU_HWPT_DIRTY_TRACKING_ENABLE'
  | 1

/**
 * `enum iommufd_hwpt_set_dirty_tracking_flags`: bits of HwptSetDirtyTrackingRequest.flags (a
 * uint32 bitmask on the wire).
 */
export type IommuHwptDirtyTracking__Output = typeof IommuHwptDirtyTracking[keyof typeof IommuHwptDirtyTracking]
