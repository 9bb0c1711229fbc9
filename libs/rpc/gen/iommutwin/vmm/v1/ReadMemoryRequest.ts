// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ReadMemory.
 */
export interface ReadMemoryRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * Guest-physical address of the first byte.
   */
  'gpa'?: (number | string | Long);
  /**
   * Number of bytes.
   */
  'length'?: (number | string | Long);
}

/**
 * Request of ReadMemory.
 */
export interface ReadMemoryRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * Guest-physical address of the first byte.
   */
  'gpa': (string);
  /**
   * Number of bytes.
   */
  'length': (string);
}
