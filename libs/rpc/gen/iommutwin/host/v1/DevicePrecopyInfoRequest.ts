// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of DevicePrecopyInfo.
 */
export interface DevicePrecopyInfoRequest {
  /**
   * The PRE_COPY data fd.
   */
  'data_fd'?: (number);
}

/**
 * Request of DevicePrecopyInfo.
 */
export interface DevicePrecopyInfoRequest__Output {
  /**
   * The PRE_COPY data fd.
   */
  'data_fd': (number);
}
