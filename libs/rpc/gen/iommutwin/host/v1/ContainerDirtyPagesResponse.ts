// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of ContainerDirtyPages.
 */
export interface ContainerDirtyPagesResponse {
  /**
   * GET_BITMAP: LE u64 words, bit i = page i of the range.
   */
  'bitmap'?: (Buffer | Uint8Array | string);
}

/**
 * Response of ContainerDirtyPages.
 */
export interface ContainerDirtyPagesResponse__Output {
  /**
   * GET_BITMAP: LE u64 words, bit i = page i of the range.
   */
  'bitmap': (Buffer);
}
