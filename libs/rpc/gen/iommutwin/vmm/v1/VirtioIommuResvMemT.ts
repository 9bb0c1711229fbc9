// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_RESV_MEM_T_*`: the subtype of a reserved region (VirtioReservedRegion.subtype,
 * ProbeProperty.subtype; a uint32 on the wire).
 */
export const VirtioIommuResvMemT = {
  /**
   * Accesses are not allowed.
   */
  VIRTIO_IOMMU_RESV_MEM_T_RESERVED: 'VIRTIO_IOMMU_RESV_MEM_T_RESERVED',
  /**
   * A software-mapped MSI doorbell region.
   */
  VIRTIO_IOMMU_RESV_MEM_T_MSI: 'VIRTIO_IOMMU_RESV_MEM_T_MSI',
} as const;

/**
 * `VIRTIO_IOMMU_RESV_MEM_T_*`: the subtype of a reserved region (VirtioReservedRegion.subtype,
 * ProbeProperty.subtype; a uint32 on the wire).
 */
export type VirtioIommuResvMemT =
  /**
   * Accesses are not allowed.
   */
  | 'VIRTIO_IOMMU_RESV_MEM_T_RESERVED'
  | 0
  /**
   * A software-mapped MSI doorbell region.
   */
  | 'VIRTIO_IOMMU_RESV_MEM_T_MSI'
  | 1

/**
 * `VIRTIO_IOMMU_RESV_MEM_T_*`: the subtype of a reserved region (VirtioReservedRegion.subtype,
 * ProbeProperty.subtype; a uint32 on the wire).
 */
export type VirtioIommuResvMemT__Output = typeof VirtioIommuResvMemT[keyof typeof VirtioIommuResvMemT]
