// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of Option.
 */
export interface OptionResponse {
  /**
   * The option's value (copied back for GET and SET).
   */
  'val64'?: (number | string | Long);
}

/**
 * Response of Option.
 */
export interface OptionResponse__Output {
  /**
   * The option's value (copied back for GET and SET).
   */
  'val64': (string);
}
