// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of IoasAlloc.
 */
export interface IoasAllocResponse {
  /**
   * The new IOAS ID.
   */
  'out_ioas_id'?: (number);
}

/**
 * Response of IoasAlloc.
 */
export interface IoasAllocResponse__Output {
  /**
   * The new IOAS ID.
   */
  'out_ioas_id': (number);
}
