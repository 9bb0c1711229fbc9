// Original file: proto/iommutwin/common/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * An inclusive address range [start, last], as the iommufd uAPI writes it
 * (`struct iommu_iova_range`). A range covering one byte has start == last.
 */
export interface IovaRange {
  /**
   * First address of the range.
   */
  'start'?: (number | string | Long);
  /**
   * Last address of the range (inclusive).
   */
  'last'?: (number | string | Long);
}

/**
 * An inclusive address range [start, last], as the iommufd uAPI writes it
 * (`struct iommu_iova_range`). A range covering one byte has start == last.
 */
export interface IovaRange__Output {
  /**
   * First address of the range.
   */
  'start': (string);
  /**
   * Last address of the range (inclusive).
   */
  'last': (string);
}
