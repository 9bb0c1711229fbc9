// Original file: proto/iommutwin/host/v1/process.proto

import type { FdInfo as _iommutwin_host_v1_FdInfo, FdInfo__Output as _iommutwin_host_v1_FdInfo__Output } from '../../../iommutwin/host/v1/FdInfo.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of GetStatus.
 */
export interface GetStatusResponse {
  /**
   * Bytes pinned for DMA charged to the process (VmPin).
   */
  'vm_pinned_bytes'?: (number | string | Long);
  /**
   * Bytes locked charged to the process (VmLck).
   */
  'vm_locked_bytes'?: (number | string | Long);
  /**
   * Open fds, ascending.
   */
  'fds'?: (_iommutwin_host_v1_FdInfo)[];
  /**
   * Process name.
   */
  'name'?: (string);
  /**
   * Owning principal.
   */
  'principal'?: (string);
  /**
   * Owner uid.
   */
  'uid'?: (number);
  /**
   * When the lease expires (Unix time, milliseconds); 0 when the process has no lease.
   */
  'lease_expires_unix_ms'?: (number | string | Long);
  /**
   * The host's boot id (as SpawnResponse.boot_id).
   */
  'boot_id'?: (string);
  /**
   * When the process started (as SpawnResponse.start_time).
   */
  'start_time'?: (number | string | Long);
}

/**
 * Response of GetStatus.
 */
export interface GetStatusResponse__Output {
  /**
   * Bytes pinned for DMA charged to the process (VmPin).
   */
  'vm_pinned_bytes': (string);
  /**
   * Bytes locked charged to the process (VmLck).
   */
  'vm_locked_bytes': (string);
  /**
   * Open fds, ascending.
   */
  'fds': (_iommutwin_host_v1_FdInfo__Output)[];
  /**
   * Process name.
   */
  'name': (string);
  /**
   * Owning principal.
   */
  'principal': (string);
  /**
   * Owner uid.
   */
  'uid': (number);
  /**
   * When the lease expires (Unix time, milliseconds); 0 when the process has no lease.
   */
  'lease_expires_unix_ms': (string);
  /**
   * The host's boot id (as SpawnResponse.boot_id).
   */
  'boot_id': (string);
  /**
   * When the process started (as SpawnResponse.start_time).
   */
  'start_time': (string);
}
