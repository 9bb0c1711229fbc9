// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of WriteMemory.
 */
export interface WriteMemoryRequest {
  /**
   * Virtual address in the calling process.
   */
  'addr'?: (number | string | Long);
  /**
   * Bytes to write.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * Request of WriteMemory.
 */
export interface WriteMemoryRequest__Output {
  /**
   * Virtual address in the calling process.
   */
  'addr': (string);
  /**
   * Bytes to write.
   */
  'data': (Buffer);
}
