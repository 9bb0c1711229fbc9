// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_F_*`: virtio-iommu feature bit NUMBERS (not masks). The feature fields
 * (VirtioIommuSpec.offered_features, VirtioIommuConfigResponse.device_features /
 * driver_features, VirtioIommuSetFeaturesRequest.driver_features) are uint64 masks with bit
 * (1 << value) set per feature.
 */
export const VirtioIommuF = {
  /**
   * The device reports input_range.
   */
  VIRTIO_IOMMU_F_INPUT_RANGE: 'VIRTIO_IOMMU_F_INPUT_RANGE',
  /**
   * The device reports domain_range.
   */
  VIRTIO_IOMMU_F_DOMAIN_RANGE: 'VIRTIO_IOMMU_F_DOMAIN_RANGE',
  /**
   * MAP / UNMAP requests are supported.
   */
  VIRTIO_IOMMU_F_MAP_UNMAP: 'VIRTIO_IOMMU_F_MAP_UNMAP',
  /**
   * Legacy bypass of unattached endpoints (superseded by BYPASS_CONFIG).
   */
  VIRTIO_IOMMU_F_BYPASS: 'VIRTIO_IOMMU_F_BYPASS',
  /**
   * PROBE requests are supported.
   */
  VIRTIO_IOMMU_F_PROBE: 'VIRTIO_IOMMU_F_PROBE',
  /**
   * VIRTIO_IOMMU_MAP_F_MMIO is supported.
   */
  VIRTIO_IOMMU_F_MMIO: 'VIRTIO_IOMMU_F_MMIO',
  /**
   * config.bypass and VIRTIO_IOMMU_ATTACH_F_BYPASS are supported.
   */
  VIRTIO_IOMMU_F_BYPASS_CONFIG: 'VIRTIO_IOMMU_F_BYPASS_CONFIG',
} as const;

/**
 * `VIRTIO_IOMMU_F_*`: virtio-iommu feature bit NUMBERS (not masks). The feature fields
 * (VirtioIommuSpec.offered_features, VirtioIommuConfigResponse.device_features /
 * driver_features, VirtioIommuSetFeaturesRequest.driver_features) are uint64 masks with bit
 * (1 << value) set per feature.
 */
export type VirtioIommuF =
  /**
   * The device reports input_range.
   */
  | 'VIRTIO_IOMMU_F_INPUT_RANGE'
  | 0
  /**
   * The device reports domain_range.
   */
  | 'VIRTIO_IOMMU_F_DOMAIN_RANGE'
  | 1
  /**
   * MAP / UNMAP requests are supported.
   */
  | 'VIRTIO_IOMMU_F_MAP_UNMAP'
  | 2
  /**
   * Legacy bypass of unattached endpoints (superseded by BYPASS_CONFIG).
   */
  | 'VIRTIO_IOMMU_F_BYPASS'
  | 3
  /**
   * PROBE requests are supported.
   */
  | 'VIRTIO_IOMMU_F_PROBE'
  | 4
  /**
   * VIRTIO_IOMMU_MAP_F_MMIO is supported.
   */
  | 'VIRTIO_IOMMU_F_MMIO'
  | 5
  /**
   * config.bypass and VIRTIO_IOMMU_ATTACH_F_BYPASS are supported.
   */
  | 'VIRTIO_IOMMU_F_BYPASS_CONFIG'
  | 6

/**
 * `VIRTIO_IOMMU_F_*`: virtio-iommu feature bit NUMBERS (not masks). The feature fields
 * (VirtioIommuSpec.offered_features, VirtioIommuConfigResponse.device_features /
 * driver_features, VirtioIommuSetFeaturesRequest.driver_features) are uint64 masks with bit
 * (1 << value) set per feature.
 */
export type VirtioIommuF__Output = typeof VirtioIommuF[keyof typeof VirtioIommuF]
