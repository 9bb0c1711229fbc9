// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Chown.
 */
export interface ChownRequest {
  /**
   * Device node path.
   */
  'path'?: (string);
  /**
   * New owner uid.
   */
  'uid'?: (number);
  /**
   * New owner gid.
   */
  'gid'?: (number);
}

/**
 * Request of Chown.
 */
export interface ChownRequest__Output {
  /**
   * Device node path.
   */
  'path': (string);
  /**
   * New owner uid.
   */
  'uid': (number);
  /**
   * New owner gid.
   */
  'gid': (number);
}
