// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceReset.
 */
export interface DeviceResetRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
}

/**
 * Request of DeviceReset.
 */
export interface DeviceResetRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
}
