// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of ReadMemory.
 */
export interface ReadMemoryResponse {
  /**
   * The bytes read.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * Response of ReadMemory.
 */
export interface ReadMemoryResponse__Output {
  /**
   * The bytes read.
   */
  'data': (Buffer);
}
