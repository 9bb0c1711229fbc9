// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of IoasAlloc.
 */
export interface IoasAllocRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Must be 0 (else EOPNOTSUPP).
   */
  'flags'?: (number);
}

/**
 * Request of IoasAlloc.
 */
export interface IoasAllocRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Must be 0 (else EOPNOTSUPP).
   */
  'flags': (number);
}
