// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * VIRTIO_IOMMU_T_UNMAP: unmap the mappings inside [virt_start, virt_end] of a domain.
 */
export interface UnmapReq {
  /**
   * Domain ID.
   */
  'domain'?: (number);
  /**
   * First IOVA.
   */
  'virt_start'?: (number | string | Long);
  /**
   * Last IOVA (inclusive).
   */
  'virt_end'?: (number | string | Long);
}

/**
 * VIRTIO_IOMMU_T_UNMAP: unmap the mappings inside [virt_start, virt_end] of a domain.
 */
export interface UnmapReq__Output {
  /**
   * Domain ID.
   */
  'domain': (number);
  /**
   * First IOVA.
   */
  'virt_start': (string);
  /**
   * Last IOVA (inclusive).
   */
  'virt_end': (string);
}
