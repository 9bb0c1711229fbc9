// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of HwptGetDirtyBitmap.
 */
export interface HwptGetDirtyBitmapRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * A paging HWPT.
   */
  'hwpt_id'?: (number);
  /**
   * Bitmask of IommuHwptGetDirtyBitmap values (IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1) as a
   * uint32.
   */
  'flags'?: (number);
  /**
   * Start IOVA.
   */
  'iova'?: (number | string | Long);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
  /**
   * Granule each bit stands for.
   */
  'page_size'?: (number | string | Long);
}

/**
 * Request of HwptGetDirtyBitmap.
 */
export interface HwptGetDirtyBitmapRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * A paging HWPT.
   */
  'hwpt_id': (number);
  /**
   * Bitmask of IommuHwptGetDirtyBitmap values (IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1) as a
   * uint32.
   */
  'flags': (number);
  /**
   * Start IOVA.
   */
  'iova': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
  /**
   * Granule each bit stands for.
   */
  'page_size': (string);
}
