// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of Mmap.
 */
export interface MmapResponse {
  /**
   * The address of the mapping.
   */
  'addr'?: (number | string | Long);
}

/**
 * Response of Mmap.
 */
export interface MmapResponse__Output {
  /**
   * The address of the mapping.
   */
  'addr': (string);
}
