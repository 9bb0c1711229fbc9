// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_FAULT_R_*`: VirtioFault.reason (a uint32 on the wire).
 */
export const VirtioIommuFaultR = {
  /**
   * Unspecified fault.
   */
  VIRTIO_IOMMU_FAULT_R_UNKNOWN: 'VIRTIO_IOMMU_FAULT_R_UNKNOWN',
  /**
   * The endpoint is not attached to a domain.
   */
  VIRTIO_IOMMU_FAULT_R_DOMAIN: 'VIRTIO_IOMMU_FAULT_R_DOMAIN',
  /**
   * No mapping (or not the right permission) for the address.
   */
  VIRTIO_IOMMU_FAULT_R_MAPPING: 'VIRTIO_IOMMU_FAULT_R_MAPPING',
} as const;

/**
 * `VIRTIO_IOMMU_FAULT_R_*`: VirtioFault.reason (a uint32 on the wire).
 */
export type VirtioIommuFaultR =
  /**
   * Unspecified fault.
   */
  | 'VIRTIO_IOMMU_FAULT_R_UNKNOWN'
  | 0
  /**
   * The endpoint is not attached to a domain.
   */
  | 'VIRTIO_IOMMU_FAULT_R_DOMAIN'
  | 1
  /**
   * No mapping (or not the right permission) for the address.
   */
  | 'VIRTIO_IOMMU_FAULT_R_MAPPING'
  | 2

/**
 * `VIRTIO_IOMMU_FAULT_R_*`: VirtioFault.reason (a uint32 on the wire).
 */
export type VirtioIommuFaultR__Output = typeof VirtioIommuFaultR[keyof typeof VirtioIommuFaultR]
