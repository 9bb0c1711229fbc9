// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of Ping.
 */
export interface PingRequest {
  /**
   * Echoed back.
   */
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * Request of Ping.
 */
export interface PingRequest__Output {
  /**
   * Echoed back.
   */
  'payload': (Buffer);
}
