// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_PROBE_T_*`: ProbeProperty.type (a uint32 on the wire).
 */
export const VirtioIommuProbeT = {
  /**
   * End of the property list.
   */
  VIRTIO_IOMMU_PROBE_T_NONE: 'VIRTIO_IOMMU_PROBE_T_NONE',
  /**
   * A reserved memory region (start, end, subtype).
   */
  VIRTIO_IOMMU_PROBE_T_RESV_MEM: 'VIRTIO_IOMMU_PROBE_T_RESV_MEM',
} as const;

/**
 * `VIRTIO_IOMMU_PROBE_T_*`: ProbeProperty.type (a uint32 on the wire).
 */
export type VirtioIommuProbeT =
  /**
   * End of the property list.
   */
  | 'VIRTIO_IOMMU_PROBE_T_NONE'
  | 0
  /**
   * A reserved memory region (start, end, subtype).
   */
  | 'VIRTIO_IOMMU_PROBE_T_RESV_MEM'
  | 1

/**
 * `VIRTIO_IOMMU_PROBE_T_*`: ProbeProperty.type (a uint32 on the wire).
 */
export type VirtioIommuProbeT__Output = typeof VirtioIommuProbeT[keyof typeof VirtioIommuProbeT]
