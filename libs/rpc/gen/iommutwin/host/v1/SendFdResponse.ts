// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of SendFd.
 */
export interface SendFdResponse {
  /**
   * The new fd in the receiving process (same open file).
   */
  'target_fd'?: (number);
}

/**
 * Response of SendFd.
 */
export interface SendFdResponse__Output {
  /**
   * The new fd in the receiving process (same open file).
   */
  'target_fd': (number);
}
