// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of MemfdCreate.
 */
export interface MemfdCreateResponse {
  /**
   * The new fd.
   */
  'fd'?: (number);
}

/**
 * Response of MemfdCreate.
 */
export interface MemfdCreateResponse__Output {
  /**
   * The new fd.
   */
  'fd': (number);
}
