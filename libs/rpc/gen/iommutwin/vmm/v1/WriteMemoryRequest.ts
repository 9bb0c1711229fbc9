// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of WriteMemory.
 */
export interface WriteMemoryRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * Guest-physical address of the first byte.
   */
  'gpa'?: (number | string | Long);
  /**
   * The bytes to write.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * Request of WriteMemory.
 */
export interface WriteMemoryRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * Guest-physical address of the first byte.
   */
  'gpa': (string);
  /**
   * The bytes to write.
   */
  'data': (Buffer);
}
