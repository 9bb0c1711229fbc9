// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Close.
 */
export interface CloseRequest {
  /**
   * The fd to close.
   */
  'fd'?: (number);
}

/**
 * Request of Close.
 */
export interface CloseRequest__Output {
  /**
   * The fd to close.
   */
  'fd': (number);
}
