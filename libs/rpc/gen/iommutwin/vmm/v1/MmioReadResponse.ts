// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of MmioRead.
 */
export interface MmioReadResponse {
  /**
   * The value read (zero-extended for 4-byte accesses).
   */
  'value'?: (number | string | Long);
}

/**
 * Response of MmioRead.
 */
export interface MmioReadResponse__Output {
  /**
   * The value read (zero-extended for 4-byte accesses).
   */
  'value': (string);
}
