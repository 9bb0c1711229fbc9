// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_hwpt_get_dirty_bitmap_flags`: bits of HwptGetDirtyBitmapRequest.flags (a uint32
 * bitmask on the wire).
 */
export const IommuHwptGetDirtyBitmap = {
  /**
   * No flag (0): the read clears the dirty bits it reports.
   */
  IOMMU_HWPT_GET_DIRTY_BITMAP_UNSPECIFIED: 'IOMMU_HWPT_GET_DIRTY_BITMAP_UNSPECIFIED',
  /**
   * Report without clearing.
   */
  IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: 'IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR',
} as const;

/**
 * `enum iommufd_hwpt_get_dirty_bitmap_flags`: bits of HwptGetDirtyBitmapRequest.flags (a uint32
 * bitmask on the wire).
 */
export type IommuHwptGetDirtyBitmap =
  /**
   * No flag (0): the read clears the dirty bits it reports.
   */
  | 'IOMMU_HWPT_GET_DIRTY_BITMAP_UNSPECIFIED'
  | 0
  /**
   * Report without clearing.
   */
  | 'IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR'
  | 1

/**
 * `enum iommufd_hwpt_get_dirty_bitmap_flags`: bits of HwptGetDirtyBitmapRequest.flags (a uint32
 * bitmask on the wire).
 */
export type IommuHwptGetDirtyBitmap__Output = typeof IommuHwptGetDirtyBitmap[keyof typeof IommuHwptGetDirtyBitmap]
