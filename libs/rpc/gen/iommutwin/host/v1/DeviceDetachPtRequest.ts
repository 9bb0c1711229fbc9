// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceDetachPt.
 */
export interface DeviceDetachPtRequest {
  /**
   * VFIO device cdev fd.
   */
  'device_fd'?: (number);
  /**
   * VFIO_DEVICE_DETACH_PASID = 1.
   */
  'flags'?: (number);
  /**
   * PASID (with VFIO_DEVICE_DETACH_PASID).
   */
  'pasid'?: (number);
}

/**
 * Request of DeviceDetachPt.
 */
export interface DeviceDetachPtRequest__Output {
  /**
   * VFIO device cdev fd.
   */
  'device_fd': (number);
  /**
   * VFIO_DEVICE_DETACH_PASID = 1.
   */
  'flags': (number);
  /**
   * PASID (with VFIO_DEVICE_DETACH_PASID).
   */
  'pasid': (number);
}
