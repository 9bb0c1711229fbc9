// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of MmioWrite.
 */
export interface MmioWriteRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * Guest-physical address of the register (inside VmInfo.viommu_mmio).
   */
  'addr'?: (number | string | Long);
  /**
   * Access size in bytes: 4 or 8.
   */
  'size'?: (number);
  /**
   * The value stored (a 4-byte access uses the low 32 bits; higher bits must be 0).
   */
  'value'?: (number | string | Long);
}

/**
 * Request of MmioWrite.
 */
export interface MmioWriteRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * Guest-physical address of the register (inside VmInfo.viommu_mmio).
   */
  'addr': (string);
  /**
   * Access size in bytes: 4 or 8.
   */
  'size': (number);
  /**
   * The value stored (a 4-byte access uses the low 32 bits; higher bits must be 0).
   */
  'value': (string);
}
