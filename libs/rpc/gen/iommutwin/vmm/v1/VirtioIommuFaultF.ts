// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_FAULT_F_*`: bits of VirtioFault.flags (a uint32 bitmask on the wire).
 */
export const VirtioIommuFaultF = {
  /**
   * No flag (0).
   */
  VIRTIO_IOMMU_FAULT_F_UNSPECIFIED: 'VIRTIO_IOMMU_FAULT_F_UNSPECIFIED',
  /**
   * The access was a read.
   */
  VIRTIO_IOMMU_FAULT_F_READ: 'VIRTIO_IOMMU_FAULT_F_READ',
  /**
   * The access was a write.
   */
  VIRTIO_IOMMU_FAULT_F_WRITE: 'VIRTIO_IOMMU_FAULT_F_WRITE',
  /**
   * `address` is valid.
   */
  VIRTIO_IOMMU_FAULT_F_ADDRESS: 'VIRTIO_IOMMU_FAULT_F_ADDRESS',
} as const;

/**
 * `VIRTIO_IOMMU_FAULT_F_*`: bits of VirtioFault.flags (a uint32 bitmask on the wire).
 */
export type VirtioIommuFaultF =
  /**
   * No flag (0).
   */
  | 'VIRTIO_IOMMU_FAULT_F_UNSPECIFIED'
  | 0
  /**
   * The access was a read.
   */
  | 'VIRTIO_IOMMU_FAULT_F_READ'
  | 1
  /**
   * The access was a write.
   */
  | 'VIRTIO_IOMMU_FAULT_F_WRITE'
  | 2
  /**
   * `address` is valid.
   */
  | 'VIRTIO_IOMMU_FAULT_F_ADDRESS'
  | 256

/**
 * `VIRTIO_IOMMU_FAULT_F_*`: bits of VirtioFault.flags (a uint32 bitmask on the wire).
 */
export type VirtioIommuFaultF__Output = typeof VirtioIommuFaultF[keyof typeof VirtioIommuFaultF]
