// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Response of Ping.
 */
export interface PingResponse {
  /**
   * The request's payload.
   */
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * Response of Ping.
 */
export interface PingResponse__Output {
  /**
   * The request's payload.
   */
  'payload': (Buffer);
}
