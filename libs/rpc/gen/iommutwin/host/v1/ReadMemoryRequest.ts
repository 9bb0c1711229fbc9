// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ReadMemory.
 */
export interface ReadMemoryRequest {
  /**
   * Virtual address in the calling process.
   */
  'addr'?: (number | string | Long);
  /**
   * Number of bytes to read.
   */
  'length'?: (number | string | Long);
}

/**
 * Request of ReadMemory.
 */
export interface ReadMemoryRequest__Output {
  /**
   * Virtual address in the calling process.
   */
  'addr': (string);
  /**
   * Number of bytes to read.
   */
  'length': (string);
}
