// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_ATTACH_F_*`: bits of AttachReq.flags (a uint32 bitmask on the wire).
 */
export const VirtioIommuAttachF = {
  /**
   * No flag (0).
   */
  VIRTIO_IOMMU_ATTACH_F_UNSPECIFIED: 'VIRTIO_IOMMU_ATTACH_F_UNSPECIFIED',
  /**
   * The domain is a bypass (identity) domain (needs BYPASS_CONFIG).
   */
  VIRTIO_IOMMU_ATTACH_F_BYPASS: 'VIRTIO_IOMMU_ATTACH_F_BYPASS',
} as const;

/**
 * `VIRTIO_IOMMU_ATTACH_F_*`: bits of AttachReq.flags (a uint32 bitmask on the wire).
 */
export type VirtioIommuAttachF =
  /**
   * No flag (0).
   */
  | 'VIRTIO_IOMMU_ATTACH_F_UNSPECIFIED'
  | 0
  /**
   * The domain is a bypass (identity) domain (needs BYPASS_CONFIG).
   */
  | 'VIRTIO_IOMMU_ATTACH_F_BYPASS'
  | 1

/**
 * `VIRTIO_IOMMU_ATTACH_F_*`: bits of AttachReq.flags (a uint32 bitmask on the wire).
 */
export type VirtioIommuAttachF__Output = typeof VirtioIommuAttachF[keyof typeof VirtioIommuAttachF]
