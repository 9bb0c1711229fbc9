// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceGetInfo.
 */
export interface DeviceGetInfoRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
}

/**
 * Request of DeviceGetInfo.
 */
export interface DeviceGetInfoRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
}
