// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Open.
 */
export interface OpenResponse {
  /**
   * The new fd in the calling process.
   */
  'fd'?: (number);
}

/**
 * Response of Open.
 */
export interface OpenResponse__Output {
  /**
   * The new fd in the calling process.
   */
  'fd': (number);
}
