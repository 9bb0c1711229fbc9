// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of ContainerGetApiVersion.
 */
export interface ContainerGetApiVersionRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
}

/**
 * Request of ContainerGetApiVersion.
 */
export interface ContainerGetApiVersionRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
}
