// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of GroupSetContainer.
 */
export interface GroupSetContainerRequest {
  /**
   * VFIO group fd.
   */
  'group_fd'?: (number);
  /**
   * Container fd (/dev/vfio/vfio).
   */
  'container_fd'?: (number);
}

/**
 * Request of GroupSetContainer.
 */
export interface GroupSetContainerRequest__Output {
  /**
   * VFIO group fd.
   */
  'group_fd': (number);
  /**
   * Container fd (/dev/vfio/vfio).
   */
  'container_fd': (number);
}
