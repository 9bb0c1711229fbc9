// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * VIRTIO_IOMMU_T_MAP: map [virt_start, virt_end] to phys_start in a domain.
 */
export interface MapReq {
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
  /**
   * Guest-physical address virt_start maps to.
   */
  'phys_start'?: (number | string | Long);
  /**
   * Bitmask of VirtioIommuMapF values (VIRTIO_IOMMU_MAP_F_READ = 1, WRITE = 2, MMIO = 4) as a
   * uint32.
   */
  'flags'?: (number);
}

/**
 * VIRTIO_IOMMU_T_MAP: map [virt_start, virt_end] to phys_start in a domain.
 */
export interface MapReq__Output {
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
  /**
   * Guest-physical address virt_start maps to.
   */
  'phys_start': (string);
  /**
   * Bitmask of VirtioIommuMapF values (VIRTIO_IOMMU_MAP_F_READ = 1, WRITE = 2, MMIO = 4) as a
   * uint32.
   */
  'flags': (number);
}
