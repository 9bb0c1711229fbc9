// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Exit.
 */
export interface ExitRequest {
  /**
   * The process to end.
   */
  'pid'?: (number);
}

/**
 * Request of Exit.
 */
export interface ExitRequest__Output {
  /**
   * The process to end.
   */
  'pid': (number);
}
