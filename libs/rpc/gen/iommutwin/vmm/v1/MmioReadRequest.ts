// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of MmioRead.
 */
export interface MmioReadRequest {
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
}

/**
 * Request of MmioRead.
 */
export interface MmioReadRequest__Output {
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
}
