// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A virtio-iommu reserved region (RESV_MEM probe property).
 */
export interface VirtioReservedRegion {
  /**
   * First address of the region.
   */
  'start'?: (number | string | Long);
  /**
   * Inclusive end.
   */
  'end'?: (number | string | Long);
  /**
   * A VirtioIommuResvMemT value (VIRTIO_IOMMU_RESV_MEM_T_RESERVED = 0, VIRTIO_IOMMU_RESV_MEM_T_MSI
   * = 1) as a uint32.
   */
  'subtype'?: (number);
}

/**
 * A virtio-iommu reserved region (RESV_MEM probe property).
 */
export interface VirtioReservedRegion__Output {
  /**
   * First address of the region.
   */
  'start': (string);
  /**
   * Inclusive end.
   */
  'end': (string);
  /**
   * A VirtioIommuResvMemT value (VIRTIO_IOMMU_RESV_MEM_T_RESERVED = 0, VIRTIO_IOMMU_RESV_MEM_T_MSI
   * = 1) as a uint32.
   */
  'subtype': (number);
}
