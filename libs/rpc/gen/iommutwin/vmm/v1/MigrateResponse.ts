// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One progress report of Migrate.
 */
export interface MigrateResponse {
  /**
   * SETUP, PRECOPY, STOP_COPY, DEVICE_STATE, VIOMMU_STATE, RESUME, COMPLETED or FAILED.
   */
  'phase'?: (string);
  /**
   * Pre-copy round number.
   */
  'round'?: (number);
  /**
   * Bytes sent so far.
   */
  'bytes_sent'?: (number | string | Long);
  /**
   * Guest pages still dirty.
   */
  'dirty_pages'?: (number | string | Long);
  /**
   * Downtime of the stop-and-copy phase in milliseconds (once known).
   */
  'downtime_ms'?: (number | string | Long);
  /**
   * Bytes still to send as last estimated (dirty RAM and device state).
   */
  'remaining_bytes'?: (number | string | Long);
  /**
   * FAILED: the reason (the source VM runs on, unchanged); else a note on the phase.
   */
  'detail'?: (string);
}

/**
 * One progress report of Migrate.
 */
export interface MigrateResponse__Output {
  /**
   * SETUP, PRECOPY, STOP_COPY, DEVICE_STATE, VIOMMU_STATE, RESUME, COMPLETED or FAILED.
   */
  'phase': (string);
  /**
   * Pre-copy round number.
   */
  'round': (number);
  /**
   * Bytes sent so far.
   */
  'bytes_sent': (string);
  /**
   * Guest pages still dirty.
   */
  'dirty_pages': (string);
  /**
   * Downtime of the stop-and-copy phase in milliseconds (once known).
   */
  'downtime_ms': (string);
  /**
   * Bytes still to send as last estimated (dirty RAM and device state).
   */
  'remaining_bytes': (string);
  /**
   * FAILED: the reason (the source VM runs on, unchanged); else a note on the phase.
   */
  'detail': (string);
}
