// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of AllowDevice.
 */
export interface AllowDeviceRequest {
  /**
   * The process whose device allow-list grows.
   */
  'pid'?: (number);
  /**
   * Device node path.
   */
  'path'?: (string);
}

/**
 * Request of AllowDevice.
 */
export interface AllowDeviceRequest__Output {
  /**
   * The process whose device allow-list grows.
   */
  'pid': (number);
  /**
   * Device node path.
   */
  'path': (string);
}
