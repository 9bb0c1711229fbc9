// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_MAP_F_*`: bits of MapReq.flags (a uint32 bitmask on the wire).
 */
export const VirtioIommuMapF = {
  /**
   * No flag (0).
   */
  VIRTIO_IOMMU_MAP_F_UNSPECIFIED: 'VIRTIO_IOMMU_MAP_F_UNSPECIFIED',
  /**
   * Readable.
   */
  VIRTIO_IOMMU_MAP_F_READ: 'VIRTIO_IOMMU_MAP_F_READ',
  /**
   * Writable.
   */
  VIRTIO_IOMMU_MAP_F_WRITE: 'VIRTIO_IOMMU_MAP_F_WRITE',
  /**
   * MMIO (device memory) mapping (needs VIRTIO_IOMMU_F_MMIO).
   */
  VIRTIO_IOMMU_MAP_F_MMIO: 'VIRTIO_IOMMU_MAP_F_MMIO',
} as const;

/**
 * `VIRTIO_IOMMU_MAP_F_*`: bits of MapReq.flags (a uint32 bitmask on the wire).
 */
export type VirtioIommuMapF =
  /**
   * No flag (0).
   */
  | 'VIRTIO_IOMMU_MAP_F_UNSPECIFIED'
  | 0
  /**
   * Readable.
   */
  | 'VIRTIO_IOMMU_MAP_F_READ'
  | 1
  /**
   * Writable.
   */
  | 'VIRTIO_IOMMU_MAP_F_WRITE'
  | 2
  /**
   * MMIO (device memory) mapping (needs VIRTIO_IOMMU_F_MMIO).
   */
  | 'VIRTIO_IOMMU_MAP_F_MMIO'
  | 4

/**
 * `VIRTIO_IOMMU_MAP_F_*`: bits of MapReq.flags (a uint32 bitmask on the wire).
 */
export type VirtioIommuMapF__Output = typeof VirtioIommuMapF[keyof typeof VirtioIommuMapF]
