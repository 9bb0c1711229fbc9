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
   * When the lease expires unless renewed (Unix time, milliseconds); 0 when the process has no
   * lease (lease_ms 0).
   */
  'lease_expires_unix_ms'?: (number | string | Long);
  /**
   * The host's boot id (as /proc/sys/kernel/random/boot_id): random per host-iommu start.
   */
  'boot_id'?: (string);
  /**
   * When the process started, in clock ticks (USER_HZ = 100) since the host booted, as field 22
   * (starttime) of /proc/<pid>/stat. (boot_id, pid, start_time) names this process and no other,
   * across host restarts: pids are numbered again by a restarted host.
   */
  'start_time'?: (number | string | Long);
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
   * When the lease expires unless renewed (Unix time, milliseconds); 0 when the process has no
   * lease (lease_ms 0).
   */
  'lease_expires_unix_ms': (string);
  /**
   * The host's boot id (as /proc/sys/kernel/random/boot_id): random per host-iommu start.
   */
  'boot_id': (string);
  /**
   * When the process started, in clock ticks (USER_HZ = 100) since the host booted, as field 22
   * (starttime) of /proc/<pid>/stat. (boot_id, pid, start_time) names this process and no other,
   * across host restarts: pids are numbered again by a restarted host.
   */
  'start_time': (string);
}
