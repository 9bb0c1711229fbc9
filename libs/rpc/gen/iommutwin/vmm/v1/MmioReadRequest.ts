// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface MmioReadRequest {
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

export interface MmioReadRequest__Output {
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
