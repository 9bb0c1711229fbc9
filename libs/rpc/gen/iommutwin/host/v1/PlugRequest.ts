// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of Plug.
 */
export interface PlugRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
}

/**
 * Request of Plug.
 */
export interface PlugRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
}
