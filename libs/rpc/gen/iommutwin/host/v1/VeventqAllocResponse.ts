// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of VeventqAlloc.
 */
export interface VeventqAllocResponse {
  /**
   * The new vEVENTQ ID.
   */
  'out_veventq_id'?: (number);
  /**
   * The new vEVENTQ fd in the calling process.
   */
  'out_veventq_fd'?: (number);
}

/**
 * Response of VeventqAlloc.
 */
export interface VeventqAllocResponse__Output {
  /**
   * The new vEVENTQ ID.
   */
  'out_veventq_id': (number);
  /**
   * The new vEVENTQ fd in the calling process.
   */
  'out_veventq_fd': (number);
}
