// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of IoasChangeProcess.
 */
export interface IoasChangeProcessRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
}

/**
 * Request of IoasChangeProcess.
 */
export interface IoasChangeProcessRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
}
