// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of ContainerGetInfo.
 */
export interface ContainerGetInfoRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
}

/**
 * Request of ContainerGetInfo.
 */
export interface ContainerGetInfoRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
}
