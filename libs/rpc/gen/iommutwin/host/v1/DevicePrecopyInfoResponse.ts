// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of DevicePrecopyInfo.
 */
export interface DevicePrecopyInfoResponse {
  /**
   * Initial bytes not read yet.
   */
  'initial_bytes'?: (number | string | Long);
  /**
   * Bytes of state changed since (dirty) not read yet.
   */
  'dirty_bytes'?: (number | string | Long);
}

/**
 * Response of DevicePrecopyInfo.
 */
export interface DevicePrecopyInfoResponse__Output {
  /**
   * Initial bytes not read yet.
   */
  'initial_bytes': (string);
  /**
   * Bytes of state changed since (dirty) not read yet.
   */
  'dirty_bytes': (string);
}
