// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DeviceAttachPt.
 */
export interface DeviceAttachPtRequest {
  /**
   * VFIO device cdev fd.
   */
  'device_fd'?: (number);
  /**
   * VFIO_DEVICE_ATTACH_PASID = 1.
   */
  'flags'?: (number);
  /**
   * IOAS, paging HWPT or nested HWPT.
   */
  'pt_id'?: (number);
  /**
   * PASID (with VFIO_DEVICE_ATTACH_PASID).
   */
  'pasid'?: (number);
}

/**
 * Request of DeviceAttachPt.
 */
export interface DeviceAttachPtRequest__Output {
  /**
   * VFIO device cdev fd.
   */
  'device_fd': (number);
  /**
   * VFIO_DEVICE_ATTACH_PASID = 1.
   */
  'flags': (number);
  /**
   * IOAS, paging HWPT or nested HWPT.
   */
  'pt_id': (number);
  /**
   * PASID (with VFIO_DEVICE_ATTACH_PASID).
   */
  'pasid': (number);
}
