// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of SendFd.
 */
export interface SendFdRequest {
  /**
   * The fd of the calling process to share.
   */
  'fd'?: (number);
  /**
   * The receiving process.
   */
  'target_pid'?: (number);
}

/**
 * Request of SendFd.
 */
export interface SendFdRequest__Output {
  /**
   * The fd of the calling process to share.
   */
  'fd': (number);
  /**
   * The receiving process.
   */
  'target_pid': (number);
}
