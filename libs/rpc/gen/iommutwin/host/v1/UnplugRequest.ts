// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of Unplug.
 */
export interface UnplugRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
}

/**
 * Request of Unplug.
 */
export interface UnplugRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
}
