// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of GroupGetDeviceFd.
 */
export interface GroupGetDeviceFdResponse {
  /**
   * The new device fd.
   */
  'device_fd'?: (number);
}

/**
 * Response of GroupGetDeviceFd.
 */
export interface GroupGetDeviceFdResponse__Output {
  /**
   * The new device fd.
   */
  'device_fd': (number);
}
