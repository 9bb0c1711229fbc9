// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A virtio-iommu reserved region (RESV_MEM probe property).
 */
export interface VirtioReservedRegion {
  'start'?: (number | string | Long);
  /**
   * Inclusive end.
   */
  'end'?: (number | string | Long);
  /**
   * VIRTIO_IOMMU_RESV_MEM_T_RESERVED = 0, VIRTIO_IOMMU_RESV_MEM_T_MSI = 1.
   */
  'subtype'?: (number);
}

/**
 * A virtio-iommu reserved region (RESV_MEM probe property).
 */
export interface VirtioReservedRegion__Output {
  'start': (string);
  /**
   * Inclusive end.
   */
  'end': (string);
  /**
   * VIRTIO_IOMMU_RESV_MEM_T_RESERVED = 0, VIRTIO_IOMMU_RESV_MEM_T_MSI = 1.
   */
  'subtype': (number);
}
