// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of VfioIoas.
 */
export interface VfioIoasRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * IOAS for SET.
   */
  'ioas_id'?: (number);
  /**
   * An IommuVfioIoas value (IOMMU_VFIO_IOAS_GET = 0, SET = 1, CLEAR = 2) as a uint32.
   */
  'op'?: (number);
}

/**
 * Request of VfioIoas.
 */
export interface VfioIoasRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * IOAS for SET.
   */
  'ioas_id': (number);
  /**
   * An IommuVfioIoas value (IOMMU_VFIO_IOAS_GET = 0, SET = 1, CLEAR = 2) as a uint32.
   */
  'op': (number);
}
