// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of Heartbeat.
 */
export interface HeartbeatResponse {
  /**
   * When the renewed lease expires (Unix time, milliseconds); 0 when the process has no lease.
   */
  'lease_expires_unix_ms'?: (number | string | Long);
}

/**
 * Response of Heartbeat.
 */
export interface HeartbeatResponse__Output {
  /**
   * When the renewed lease expires (Unix time, milliseconds); 0 when the process has no lease.
   */
  'lease_expires_unix_ms': (string);
}
