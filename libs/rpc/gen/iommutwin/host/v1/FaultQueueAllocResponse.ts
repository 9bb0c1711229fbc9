// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of FaultQueueAlloc.
 */
export interface FaultQueueAllocResponse {
  /**
   * The fault queue object ID (for HwptAlloc.fault_id).
   */
  'out_fault_id'?: (number);
  /**
   * The new fault fd in the calling process.
   */
  'out_fault_fd'?: (number);
}

/**
 * Response of FaultQueueAlloc.
 */
export interface FaultQueueAllocResponse__Output {
  /**
   * The fault queue object ID (for HwptAlloc.fault_id).
   */
  'out_fault_id': (number);
  /**
   * The new fault fd in the calling process.
   */
  'out_fault_fd': (number);
}
