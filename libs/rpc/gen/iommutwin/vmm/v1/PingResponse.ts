// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Response of Ping.
 */
export interface PingResponse {
  /**
   * PingRequest.payload.
   */
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * Response of Ping.
 */
export interface PingResponse__Output {
  /**
   * PingRequest.payload.
   */
  'payload': (Buffer);
}
