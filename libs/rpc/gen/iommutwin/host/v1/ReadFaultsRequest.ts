// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of ReadFaults.
 */
export interface ReadFaultsRequest {
  /**
   * The fault fd.
   */
  'fault_fd'?: (number);
  /**
   * Resume after this group cookie (0 = from the oldest group not yet answered).
   */
  'after_cookie'?: (number);
}

/**
 * Request of ReadFaults.
 */
export interface ReadFaultsRequest__Output {
  /**
   * The fault fd.
   */
  'fault_fd': (number);
  /**
   * Resume after this group cookie (0 = from the oldest group not yet answered).
   */
  'after_cookie': (number);
}
