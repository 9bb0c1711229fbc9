// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceAttachPt.
 */
export interface DeviceAttachPtResponse {
  /**
   * The HWPT actually attached (an IOAS gets an automatic paging HWPT).
   */
  'pt_id'?: (number);
}

/**
 * Response of DeviceAttachPt.
 */
export interface DeviceAttachPtResponse__Output {
  /**
   * The HWPT actually attached (an IOAS gets an automatic paging HWPT).
   */
  'pt_id': (number);
}
