// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of IoasUnmap.
 */
export interface IoasUnmapResponse {
  /**
   * Bytes actually unmapped (whole areas).
   */
  'length'?: (number | string | Long);
}

/**
 * Response of IoasUnmap.
 */
export interface IoasUnmapResponse__Output {
  /**
   * Bytes actually unmapped (whole areas).
   */
  'length': (string);
}
