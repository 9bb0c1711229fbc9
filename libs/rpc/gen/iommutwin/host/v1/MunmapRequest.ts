// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Munmap.
 */
export interface MunmapRequest {
  /**
   * Start address.
   */
  'addr'?: (number | string | Long);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
}

/**
 * Request of Munmap.
 */
export interface MunmapRequest__Output {
  /**
   * Start address.
   */
  'addr': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
}
