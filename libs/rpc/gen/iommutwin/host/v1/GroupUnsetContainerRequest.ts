// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of GroupUnsetContainer.
 */
export interface GroupUnsetContainerRequest {
  /**
   * VFIO group fd.
   */
  'group_fd'?: (number);
}

/**
 * Request of GroupUnsetContainer.
 */
export interface GroupUnsetContainerRequest__Output {
  /**
   * VFIO group fd.
   */
  'group_fd': (number);
}
