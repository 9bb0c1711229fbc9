// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of Spawn.
 */
export interface SpawnResponse {
  /**
   * The new process's pid.
   */
  'pid'?: (number);
  /**
   * When the lease expires unless renewed (Unix time, milliseconds).
   */
  'lease_expires_unix_ms'?: (number | string | Long);
}

/**
 * Response of Spawn.
 */
export interface SpawnResponse__Output {
  /**
   * The new process's pid.
   */
  'pid': (number);
  /**
   * When the lease expires unless renewed (Unix time, milliseconds).
   */
  'lease_expires_unix_ms': (string);
}
