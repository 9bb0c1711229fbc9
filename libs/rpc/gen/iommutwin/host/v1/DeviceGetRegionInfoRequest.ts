// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceGetRegionInfo.
 */
export interface DeviceGetRegionInfoRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
  /**
   * Region index (VFIO_PCI_BAR0_REGION_INDEX = 0 ... CONFIG = 7).
   */
  'index'?: (number);
}

/**
 * Request of DeviceGetRegionInfo.
 */
export interface DeviceGetRegionInfoRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
  /**
   * Region index (VFIO_PCI_BAR0_REGION_INDEX = 0 ... CONFIG = 7).
   */
  'index': (number);
}
