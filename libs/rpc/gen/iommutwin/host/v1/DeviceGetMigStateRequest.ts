// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceGetMigState.
 */
export interface DeviceGetMigStateRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
}

/**
 * Request of DeviceGetMigState.
 */
export interface DeviceGetMigStateRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
}
