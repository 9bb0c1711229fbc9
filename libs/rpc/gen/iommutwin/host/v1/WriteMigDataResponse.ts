// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of WriteMigData.
 */
export interface WriteMigDataResponse {
  /**
   * Bytes written.
   */
  'written'?: (number | string | Long);
}

/**
 * Response of WriteMigData.
 */
export interface WriteMigDataResponse__Output {
  /**
   * Bytes written.
   */
  'written': (string);
}
