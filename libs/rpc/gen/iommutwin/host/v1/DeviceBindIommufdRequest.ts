// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceBindIommufd.
 */
export interface DeviceBindIommufdRequest {
  /**
   * VFIO device cdev fd.
   */
  'device_fd'?: (number);
  /**
   * iommufd fd to bind to.
   */
  'iommufd'?: (number);
  /**
   * Must be 0.
   */
  'flags'?: (number);
}

/**
 * Request of DeviceBindIommufd.
 */
export interface DeviceBindIommufdRequest__Output {
  /**
   * VFIO device cdev fd.
   */
  'device_fd': (number);
  /**
   * iommufd fd to bind to.
   */
  'iommufd': (number);
  /**
   * Must be 0.
   */
  'flags': (number);
}
