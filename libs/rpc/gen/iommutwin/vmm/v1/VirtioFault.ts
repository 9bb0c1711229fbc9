// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A virtio-iommu fault report (struct virtio_iommu_fault, on the eventq).
 */
export interface VirtioFault {
  /**
   * A VirtioIommuFaultR value (VIRTIO_IOMMU_FAULT_R_UNKNOWN 0, R_DOMAIN 1, R_MAPPING 2) as a
   * uint32.
   */
  'reason'?: (number);
  /**
   * Bitmask of VirtioIommuFaultF values (READ 1, WRITE 2, ADDRESS 0x100) as a uint32.
   */
  'flags'?: (number);
  /**
   * Endpoint ID (bus << 8 | devfn) of the faulting access.
   */
  'endpoint'?: (number);
  /**
   * The faulting address (valid with VIRTIO_IOMMU_FAULT_F_ADDRESS).
   */
  'address'?: (number | string | Long);
}

/**
 * A virtio-iommu fault report (struct virtio_iommu_fault, on the eventq).
 */
export interface VirtioFault__Output {
  /**
   * A VirtioIommuFaultR value (VIRTIO_IOMMU_FAULT_R_UNKNOWN 0, R_DOMAIN 1, R_MAPPING 2) as a
   * uint32.
   */
  'reason': (number);
  /**
   * Bitmask of VirtioIommuFaultF values (READ 1, WRITE 2, ADDRESS 0x100) as a uint32.
   */
  'flags': (number);
  /**
   * Endpoint ID (bus << 8 | devfn) of the faulting access.
   */
  'endpoint': (number);
  /**
   * The faulting address (valid with VIRTIO_IOMMU_FAULT_F_ADDRESS).
   */
  'address': (string);
}
