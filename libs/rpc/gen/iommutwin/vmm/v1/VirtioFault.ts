// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface VirtioFault {
  /**
   * VIRTIO_IOMMU_FAULT_R_UNKNOWN 0, R_DOMAIN 1, R_MAPPING 2.
   */
  'reason'?: (number);
  /**
   * READ 1, WRITE 2, ADDRESS 0x100.
   */
  'flags'?: (number);
  'endpoint'?: (number);
  'address'?: (number | string | Long);
}

export interface VirtioFault__Output {
  /**
   * VIRTIO_IOMMU_FAULT_R_UNKNOWN 0, R_DOMAIN 1, R_MAPPING 2.
   */
  'reason': (number);
  /**
   * READ 1, WRITE 2, ADDRESS 0x100.
   */
  'flags': (number);
  'endpoint': (number);
  'address': (string);
}
