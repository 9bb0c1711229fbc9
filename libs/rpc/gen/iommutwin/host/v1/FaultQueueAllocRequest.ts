// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of FaultQueueAlloc.
 */
export interface FaultQueueAllocRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Must be 0.
   */
  'flags'?: (number);
}

/**
 * Request of FaultQueueAlloc.
 */
export interface FaultQueueAllocRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Must be 0.
   */
  'flags': (number);
}
