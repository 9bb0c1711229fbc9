// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * The guest-visible vIOMMU model of a VM.
 */
export const ViommuModel = {
  /**
   * Not set: as NONE.
   */
  VIOMMU_MODEL_UNSPECIFIED: 'VIOMMU_MODEL_UNSPECIFIED',
  /**
   * No vIOMMU: assigned devices get an identity map of guest RAM.
   */
  VIOMMU_MODEL_NONE: 'VIOMMU_MODEL_NONE',
  /**
   * virtio-iommu (QEMU's virtio-iommu-pci).
   */
  VIOMMU_MODEL_VIRTIO_IOMMU: 'VIOMMU_MODEL_VIRTIO_IOMMU',
  /**
   * Intel VT-d (QEMU's intel-iommu), machine q35.
   */
  VIOMMU_MODEL_INTEL_IOMMU: 'VIOMMU_MODEL_INTEL_IOMMU',
  /**
   * Arm SMMUv3 (QEMU's arm-smmuv3), machine virt.
   */
  VIOMMU_MODEL_SMMUV3: 'VIOMMU_MODEL_SMMUV3',
} as const;

/**
 * The guest-visible vIOMMU model of a VM.
 */
export type ViommuModel =
  /**
   * Not set: as NONE.
   */
  | 'VIOMMU_MODEL_UNSPECIFIED'
  | 0
  /**
   * No vIOMMU: assigned devices get an identity map of guest RAM.
   */
  | 'VIOMMU_MODEL_NONE'
  | 1
  /**
   * virtio-iommu (QEMU's virtio-iommu-pci).
   */
  | 'VIOMMU_MODEL_VIRTIO_IOMMU'
  | 2
  /**
   * Intel VT-d (QEMU's intel-iommu), machine q35.
   */
  | 'VIOMMU_MODEL_INTEL_IOMMU'
  | 3
  /**
   * Arm SMMUv3 (QEMU's arm-smmuv3), machine virt.
   */
  | 'VIOMMU_MODEL_SMMUV3'
  | 4

/**
 * The guest-visible vIOMMU model of a VM.
 */
export type ViommuModel__Output = typeof ViommuModel[keyof typeof ViommuModel]
