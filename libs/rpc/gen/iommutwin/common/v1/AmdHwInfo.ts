// Original file: proto/iommutwin/common/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Decoded `struct iommu_hw_info_amd` (IOMMU_HW_INFO_TYPE_AMD = 4).
 */
export interface AmdHwInfo {
  /**
   * Extended Feature Register image.
   */
  'efr'?: (number | string | Long);
  /**
   * Extended Feature Register 2 image.
   */
  'efr2'?: (number | string | Long);
}

/**
 * Decoded `struct iommu_hw_info_amd` (IOMMU_HW_INFO_TYPE_AMD = 4).
 */
export interface AmdHwInfo__Output {
  /**
   * Extended Feature Register image.
   */
  'efr': (string);
  /**
   * Extended Feature Register 2 image.
   */
  'efr2': (string);
}
