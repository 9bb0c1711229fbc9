// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of IoasMap.
 */
export interface IoasMapResponse {
  /**
   * The IOVA used (given or allocated).
   */
  'iova'?: (number | string | Long);
}

/**
 * Response of IoasMap.
 */
export interface IoasMapResponse__Output {
  /**
   * The IOVA used (given or allocated).
   */
  'iova': (string);
}
