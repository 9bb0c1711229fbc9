// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceFeatureMigration.
 */
export interface DeviceFeatureMigrationRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
}

/**
 * Request of DeviceFeatureMigration.
 */
export interface DeviceFeatureMigrationRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
}
