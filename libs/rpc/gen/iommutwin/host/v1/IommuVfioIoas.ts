// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_vfio_ioas_op`: VfioIoasRequest.op (a uint32 on the wire).
 */
export const IommuVfioIoas = {
  /**
   * Read the compat IOAS.
   */
  IOMMU_VFIO_IOAS_GET: 'IOMMU_VFIO_IOAS_GET',
  /**
   * Set the compat IOAS to ioas_id.
   */
  IOMMU_VFIO_IOAS_SET: 'IOMMU_VFIO_IOAS_SET',
  /**
   * Clear the compat IOAS.
   */
  IOMMU_VFIO_IOAS_CLEAR: 'IOMMU_VFIO_IOAS_CLEAR',
} as const;

/**
 * `enum iommufd_vfio_ioas_op`: VfioIoasRequest.op (a uint32 on the wire).
 */
export type IommuVfioIoas =
  /**
   * Read the compat IOAS.
   */
  | 'IOMMU_VFIO_IOAS_GET'
  | 0
  /**
   * Set the compat IOAS to ioas_id.
   */
  | 'IOMMU_VFIO_IOAS_SET'
  | 1
  /**
   * Clear the compat IOAS.
   */
  | 'IOMMU_VFIO_IOAS_CLEAR'
  | 2

/**
 * `enum iommufd_vfio_ioas_op`: VfioIoasRequest.op (a uint32 on the wire).
 */
export type IommuVfioIoas__Output = typeof IommuVfioIoas[keyof typeof IommuVfioIoas]
