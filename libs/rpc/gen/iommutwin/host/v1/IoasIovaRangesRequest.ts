// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of IoasIovaRanges.
 */
export interface IoasIovaRangesRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * The IOAS.
   */
  'ioas_id'?: (number);
}

/**
 * Request of IoasIovaRanges.
 */
export interface IoasIovaRangesRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * The IOAS.
   */
  'ioas_id': (number);
}
