// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of HwptAlloc.
 */
export interface HwptAllocResponse {
  /**
   * The new HWPT ID.
   */
  'out_hwpt_id'?: (number);
}

/**
 * Response of HwptAlloc.
 */
export interface HwptAllocResponse__Output {
  /**
   * The new HWPT ID.
   */
  'out_hwpt_id': (number);
}
