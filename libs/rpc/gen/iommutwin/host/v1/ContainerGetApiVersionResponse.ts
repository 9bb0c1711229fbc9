// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of ContainerGetApiVersion.
 */
export interface ContainerGetApiVersionResponse {
  /**
   * VFIO_API_VERSION (0).
   */
  'version'?: (number);
}

/**
 * Response of ContainerGetApiVersion.
 */
export interface ContainerGetApiVersionResponse__Output {
  /**
   * VFIO_API_VERSION (0).
   */
  'version': (number);
}
