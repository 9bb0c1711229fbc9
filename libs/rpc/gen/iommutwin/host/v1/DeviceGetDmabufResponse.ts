// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceGetDmabuf.
 */
export interface DeviceGetDmabufResponse {
  /**
   * The new dma-buf fd.
   */
  'dmabuf_fd'?: (number);
}

/**
 * Response of DeviceGetDmabuf.
 */
export interface DeviceGetDmabufResponse__Output {
  /**
   * The new dma-buf fd.
   */
  'dmabuf_fd': (number);
}
