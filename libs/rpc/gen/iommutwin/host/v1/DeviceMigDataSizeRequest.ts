// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceMigDataSize.
 */
export interface DeviceMigDataSizeRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
}

/**
 * Request of DeviceMigDataSize.
 */
export interface DeviceMigDataSizeRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
}
