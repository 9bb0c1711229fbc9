// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of HwptInvalidate.
 */
export interface HwptInvalidateResponse {
  /**
   * Number of entries handled.
   */
  'entry_num'?: (number);
}

/**
 * Response of HwptInvalidate.
 */
export interface HwptInvalidateResponse__Output {
  /**
   * Number of entries handled.
   */
  'entry_num': (number);
}
