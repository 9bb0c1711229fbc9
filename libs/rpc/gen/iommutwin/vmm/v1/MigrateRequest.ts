// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Migrate.
 */
export interface MigrateRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
  /**
   * The destination vmm's address.
   */
  'destination'?: (string);
  /**
   * A root token of the destination vmm (absent: the link's own options).
   */
  'destination_token'?: (string);
  /**
   * Stop-and-copy starts once the remaining dirty data fits in this downtime at the measured
   * bandwidth (0: 300 ms, QEMU's default downtime-limit).
   */
  'max_downtime_ms'?: (number);
  /**
   * Pre-copy rounds before stop-and-copy is forced (0: 30).
   */
  'max_rounds'?: (number);
  /**
   * Bandwidth cap of the stream in bytes per second (0: unlimited).
   */
  'bandwidth_bytes_per_s'?: (number | string | Long);
}

/**
 * Request of Migrate.
 */
export interface MigrateRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * The destination vmm's address.
   */
  'destination': (string);
  /**
   * A root token of the destination vmm (absent: the link's own options).
   */
  'destination_token': (string);
  /**
   * Stop-and-copy starts once the remaining dirty data fits in this downtime at the measured
   * bandwidth (0: 300 ms, QEMU's default downtime-limit).
   */
  'max_downtime_ms': (number);
  /**
   * Pre-copy rounds before stop-and-copy is forced (0: 30).
   */
  'max_rounds': (number);
  /**
   * Bandwidth cap of the stream in bytes per second (0: unlimited).
   */
  'bandwidth_bytes_per_s': (string);
}
