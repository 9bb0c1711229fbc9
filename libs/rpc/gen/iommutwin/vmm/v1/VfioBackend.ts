// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * How an assigned device's DMA follows the guest's vIOMMU.
 */
export const VfioBackend = {
  /**
   * Not set: as AUTO.
   */
  VFIO_BACKEND_UNSPECIFIED: 'VFIO_BACKEND_UNSPECIFIED',
  /**
   * The plug-time checks pick: NESTED where the vIOMMU settings ask for it (intel-iommu flts,
   * SMMUv3 accel), else EMULATED (NONE without a vIOMMU).
   */
  VFIO_BACKEND_AUTO: 'VFIO_BACKEND_AUTO',
  /**
   * The vmm shadows the guest's mappings into host IOAS mappings.
   */
  VFIO_BACKEND_EMULATED: 'VFIO_BACKEND_EMULATED',
  /**
   * The guest's stage-1 tables are installed in the host IOMMU (nested HWPT / vIOMMU).
   */
  VFIO_BACKEND_NESTED: 'VFIO_BACKEND_NESTED',
} as const;

/**
 * How an assigned device's DMA follows the guest's vIOMMU.
 */
export type VfioBackend =
  /**
   * Not set: as AUTO.
   */
  | 'VFIO_BACKEND_UNSPECIFIED'
  | 0
  /**
   * The plug-time checks pick: NESTED where the vIOMMU settings ask for it (intel-iommu flts,
   * SMMUv3 accel), else EMULATED (NONE without a vIOMMU).
   */
  | 'VFIO_BACKEND_AUTO'
  | 1
  /**
   * The vmm shadows the guest's mappings into host IOAS mappings.
   */
  | 'VFIO_BACKEND_EMULATED'
  | 2
  /**
   * The guest's stage-1 tables are installed in the host IOMMU (nested HWPT / vIOMMU).
   */
  | 'VFIO_BACKEND_NESTED'
  | 3

/**
 * How an assigned device's DMA follows the guest's vIOMMU.
 */
export type VfioBackend__Output = typeof VfioBackend[keyof typeof VfioBackend]
