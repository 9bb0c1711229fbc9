// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of Destroy.
 */
export interface DestroyRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Object ID to destroy (any user-visible object type).
   */
  'id'?: (number);
}

/**
 * Request of Destroy.
 */
export interface DestroyRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Object ID to destroy (any user-visible object type).
   */
  'id': (number);
}
