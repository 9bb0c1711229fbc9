// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Ftruncate.
 */
export interface FtruncateRequest {
  /**
   * A memfd.
   */
  'fd'?: (number);
  /**
   * New file size in bytes.
   */
  'length'?: (number | string | Long);
}

/**
 * Request of Ftruncate.
 */
export interface FtruncateRequest__Output {
  /**
   * A memfd.
   */
  'fd': (number);
  /**
   * New file size in bytes.
   */
  'length': (string);
}
