// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Heartbeat.
 */
export interface HeartbeatRequest {
  /**
   * The process whose lease is renewed.
   */
  'pid'?: (number);
}

/**
 * Request of Heartbeat.
 */
export interface HeartbeatRequest__Output {
  /**
   * The process whose lease is renewed.
   */
  'pid': (number);
}
