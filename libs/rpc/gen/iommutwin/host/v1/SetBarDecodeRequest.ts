// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of SetBarDecode.
 */
export interface SetBarDecodeRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
  /**
   * Memory decode on (true) or off (false).
   */
  'enabled'?: (boolean);
}

/**
 * Request of SetBarDecode.
 */
export interface SetBarDecodeRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
  /**
   * Memory decode on (true) or off (false).
   */
  'enabled': (boolean);
}
