// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of GetStatus.
 */
export interface GetStatusRequest {
  /**
   * The process to describe.
   */
  'pid'?: (number);
}

/**
 * Request of GetStatus.
 */
export interface GetStatusRequest__Output {
  /**
   * The process to describe.
   */
  'pid': (number);
}
