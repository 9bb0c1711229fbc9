// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One process of one host boot, as /proc identifies it: the boot id, the pid and the start time
 * (SpawnResponse / GetStatusResponse). A restarted host numbers pids again, so a pid alone does
 * not name a process across restarts.
 */
export interface ProcessIdentity {
  /**
   * Platform.Describe's boot_id.
   */
  'boot_id'?: (string);
  /**
   * The pid.
   */
  'pid'?: (number);
  /**
   * SpawnResponse.start_time.
   */
  'start_time'?: (number | string | Long);
}

/**
 * One process of one host boot, as /proc identifies it: the boot id, the pid and the start time
 * (SpawnResponse / GetStatusResponse). A restarted host numbers pids again, so a pid alone does
 * not name a process across restarts.
 */
export interface ProcessIdentity__Output {
  /**
   * Platform.Describe's boot_id.
   */
  'boot_id': (string);
  /**
   * The pid.
   */
  'pid': (number);
  /**
   * SpawnResponse.start_time.
   */
  'start_time': (string);
}
