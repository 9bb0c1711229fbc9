// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_IOMMU_S_*`: the status a virtio-iommu request completes with
 * (VirtioIommuRequestResponse.status, a uint32 on the wire).
 */
export const VirtioIommuS = {
  /**
   * Success.
   */
  VIRTIO_IOMMU_S_OK: 'VIRTIO_IOMMU_S_OK',
  /**
   * Virtual or physical I/O error.
   */
  VIRTIO_IOMMU_S_IOERR: 'VIRTIO_IOMMU_S_IOERR',
  /**
   * Unsupported request.
   */
  VIRTIO_IOMMU_S_UNSUPP: 'VIRTIO_IOMMU_S_UNSUPP',
  /**
   * Internal device error.
   */
  VIRTIO_IOMMU_S_DEVERR: 'VIRTIO_IOMMU_S_DEVERR',
  /**
   * Invalid parameters.
   */
  VIRTIO_IOMMU_S_INVAL: 'VIRTIO_IOMMU_S_INVAL',
  /**
   * Out-of-range parameters.
   */
  VIRTIO_IOMMU_S_RANGE: 'VIRTIO_IOMMU_S_RANGE',
  /**
   * Entry not found (unknown endpoint or domain).
   */
  VIRTIO_IOMMU_S_NOENT: 'VIRTIO_IOMMU_S_NOENT',
  /**
   * Bad address.
   */
  VIRTIO_IOMMU_S_FAULT: 'VIRTIO_IOMMU_S_FAULT',
  /**
   * Insufficient resources.
   */
  VIRTIO_IOMMU_S_NOMEM: 'VIRTIO_IOMMU_S_NOMEM',
} as const;

/**
 * `VIRTIO_IOMMU_S_*`: the status a virtio-iommu request completes with
 * (VirtioIommuRequestResponse.status, a uint32 on the wire).
 */
export type VirtioIommuS =
  /**
   * Success.
   */
  | 'VIRTIO_IOMMU_S_OK'
  | 0
  /**
   * Virtual or physical I/O error.
   */
  | 'VIRTIO_IOMMU_S_IOERR'
  | 1
  /**
   * Unsupported request.
   */
  | 'VIRTIO_IOMMU_S_UNSUPP'
  | 2
  /**
   * Internal device error.
   */
  | 'VIRTIO_IOMMU_S_DEVERR'
  | 3
  /**
   * Invalid parameters.
   */
  | 'VIRTIO_IOMMU_S_INVAL'
  | 4
  /**
   * Out-of-range parameters.
   */
  | 'VIRTIO_IOMMU_S_RANGE'
  | 5
  /**
   * Entry not found (unknown endpoint or domain).
   */
  | 'VIRTIO_IOMMU_S_NOENT'
  | 6
  /**
   * Bad address.
   */
  | 'VIRTIO_IOMMU_S_FAULT'
  | 7
  /**
   * Insufficient resources.
   */
  | 'VIRTIO_IOMMU_S_NOMEM'
  | 8

/**
 * `VIRTIO_IOMMU_S_*`: the status a virtio-iommu request completes with
 * (VirtioIommuRequestResponse.status, a uint32 on the wire).
 */
export type VirtioIommuS__Output = typeof VirtioIommuS[keyof typeof VirtioIommuS]
