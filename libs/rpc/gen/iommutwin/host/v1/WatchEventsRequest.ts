// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of WatchEvents.
 */
export interface WatchEventsRequest {
  /**
   * Deliver events with sequence > after_sequence (0 = from the oldest retained event).
   */
  'after_sequence'?: (number | string | Long);
  /**
   * When set: the boot (Describe's boot_id) whose log after_sequence counts in. A host with
   * another boot id (host-iommu restarted: its log numbers events again from 1) refuses the
   * stream with FAILED_PRECONDITION, reason BOOT_ID_MISMATCH, so a follower resumes exactly.
   */
  'boot_id'?: (string);
}

/**
 * Request of WatchEvents.
 */
export interface WatchEventsRequest__Output {
  /**
   * Deliver events with sequence > after_sequence (0 = from the oldest retained event).
   */
  'after_sequence': (string);
  /**
   * When set: the boot (Describe's boot_id) whose log after_sequence counts in. A host with
   * another boot id (host-iommu restarted: its log numbers events again from 1) refuses the
   * stream with FAILED_PRECONDITION, reason BOOT_ID_MISMATCH, so a follower resumes exactly.
   */
  'boot_id': (string);
}
