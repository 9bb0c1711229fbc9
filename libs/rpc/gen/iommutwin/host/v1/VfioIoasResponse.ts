// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of VfioIoas.
 */
export interface VfioIoasResponse {
  /**
   * The compat IOAS (GET) or the one set.
   */
  'ioas_id'?: (number);
}

/**
 * Response of VfioIoas.
 */
export interface VfioIoasResponse__Output {
  /**
   * The compat IOAS (GET) or the one set.
   */
  'ioas_id': (number);
}
