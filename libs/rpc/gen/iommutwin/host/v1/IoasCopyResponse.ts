// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of IoasCopy.
 */
export interface IoasCopyResponse {
  /**
   * The destination IOVA used.
   */
  'dst_iova'?: (number | string | Long);
}

/**
 * Response of IoasCopy.
 */
export interface IoasCopyResponse__Output {
  /**
   * The destination IOVA used.
   */
  'dst_iova': (string);
}
