// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of ContainerCheckExtension.
 */
export interface ContainerCheckExtensionResponse {
  /**
   * Whether the extension is supported (the ioctl returned nonzero).
   */
  'supported'?: (boolean);
}

/**
 * Response of ContainerCheckExtension.
 */
export interface ContainerCheckExtensionResponse__Output {
  /**
   * Whether the extension is supported (the ioctl returned nonzero).
   */
  'supported': (boolean);
}
