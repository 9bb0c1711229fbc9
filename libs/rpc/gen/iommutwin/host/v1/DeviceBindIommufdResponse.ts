// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceBindIommufd.
 */
export interface DeviceBindIommufdResponse {
  /**
   * The device object ID in the iommufd.
   */
  'out_devid'?: (number);
}

/**
 * Response of DeviceBindIommufd.
 */
export interface DeviceBindIommufdResponse__Output {
  /**
   * The device object ID in the iommufd.
   */
  'out_devid': (number);
}
