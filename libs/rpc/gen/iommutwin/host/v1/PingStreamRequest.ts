// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of PingStream.
 */
export interface PingStreamRequest {
  /**
   * Number of messages to send.
   */
  'count'?: (number);
  /**
   * Size of each message's payload in bytes.
   */
  'payload_size'?: (number);
}

/**
 * Request of PingStream.
 */
export interface PingStreamRequest__Output {
  /**
   * Number of messages to send.
   */
  'count': (number);
  /**
   * Size of each message's payload in bytes.
   */
  'payload_size': (number);
}
