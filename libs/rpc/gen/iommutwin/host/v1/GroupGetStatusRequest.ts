// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of GroupGetStatus.
 */
export interface GroupGetStatusRequest {
  /**
   * VFIO group fd.
   */
  'group_fd'?: (number);
}

/**
 * Request of GroupGetStatus.
 */
export interface GroupGetStatusRequest__Output {
  /**
   * VFIO group fd.
   */
  'group_fd': (number);
}
