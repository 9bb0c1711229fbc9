// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * The guest-visible vIOMMU model of a VM.
 */
export const ViommuModel = {
  VIOMMU_MODEL_UNSPECIFIED: 'VIOMMU_MODEL_UNSPECIFIED',
  VIOMMU_MODEL_NONE: 'VIOMMU_MODEL_NONE',
  VIOMMU_MODEL_VIRTIO_IOMMU: 'VIOMMU_MODEL_VIRTIO_IOMMU',
  VIOMMU_MODEL_INTEL_IOMMU: 'VIOMMU_MODEL_INTEL_IOMMU',
  VIOMMU_MODEL_SMMUV3: 'VIOMMU_MODEL_SMMUV3',
} as const;

/**
 * The guest-visible vIOMMU model of a VM.
 */
export type ViommuModel =
  | 'VIOMMU_MODEL_UNSPECIFIED'
  | 0
  | 'VIOMMU_MODEL_NONE'
  | 1
  | 'VIOMMU_MODEL_VIRTIO_IOMMU'
  | 2
  | 'VIOMMU_MODEL_INTEL_IOMMU'
  | 3
  | 'VIOMMU_MODEL_SMMUV3'
  | 4

/**
 * The guest-visible vIOMMU model of a VM.
 */
export type ViommuModel__Output = typeof ViommuModel[keyof typeof ViommuModel]
