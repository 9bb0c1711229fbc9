// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Chmod.
 */
export interface ChmodRequest {
  /**
   * Device node path.
   */
  'path'?: (string);
  /**
   * New permission bits (e.g. 0o660 = 432).
   */
  'mode'?: (number);
}

/**
 * Request of Chmod.
 */
export interface ChmodRequest__Output {
  /**
   * Device node path.
   */
  'path': (string);
  /**
   * New permission bits (e.g. 0o660 = 432).
   */
  'mode': (number);
}
