// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of SetDriver.
 */
export interface SetDriverRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
  /**
   * "vfio-pci", "host" or "none".
   */
  'driver'?: (string);
}

/**
 * Request of SetDriver.
 */
export interface SetDriverRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
  /**
   * "vfio-pci", "host" or "none".
   */
  'driver': (string);
}
