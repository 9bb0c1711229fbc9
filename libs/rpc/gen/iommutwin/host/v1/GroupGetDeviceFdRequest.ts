// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of GroupGetDeviceFd.
 */
export interface GroupGetDeviceFdRequest {
  /**
   * VFIO group fd.
   */
  'group_fd'?: (number);
  /**
   * Device name (the BDF, e.g. "0000:01:00.0").
   */
  'name'?: (string);
}

/**
 * Request of GroupGetDeviceFd.
 */
export interface GroupGetDeviceFdRequest__Output {
  /**
   * VFIO group fd.
   */
  'group_fd': (number);
  /**
   * Device name (the BDF, e.g. "0000:01:00.0").
   */
  'name': (string);
}
