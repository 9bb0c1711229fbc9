// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of Ping.
 */
export interface PingRequest {
  /**
   * Any bytes, echoed back.
   */
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * Request of Ping.
 */
export interface PingRequest__Output {
  /**
   * Any bytes, echoed back.
   */
  'payload': (Buffer);
}
