// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What the vmm's host event follower has done since the vmm started.
 */
export interface HostLinkStatus {
  /**
   * Host events delivered to the VM manager (each exactly once, in order).
   */
  'events_seen'?: (number | string | Long);
  /**
   * Sequence of the last one, in the current host-iommu's event log (0: none yet).
   */
  'last_sequence'?: (number | string | Long);
  /**
   * Event stream failures, each followed by a reconnect that resumes by sequence.
   */
  'stream_breaks'?: (number | string | Long);
  /**
   * host-iommu restarts detected (its log no longer had the last event seen; followed from its first event).
   */
  'host_restarts'?: (number | string | Long);
  /**
   * Re-checks of the VMs' host processes after the link came back.
   */
  'rechecks'?: (number | string | Long);
}

/**
 * What the vmm's host event follower has done since the vmm started.
 */
export interface HostLinkStatus__Output {
  /**
   * Host events delivered to the VM manager (each exactly once, in order).
   */
  'events_seen': (string);
  /**
   * Sequence of the last one, in the current host-iommu's event log (0: none yet).
   */
  'last_sequence': (string);
  /**
   * Event stream failures, each followed by a reconnect that resumes by sequence.
   */
  'stream_breaks': (string);
  /**
   * host-iommu restarts detected (its log no longer had the last event seen; followed from its first event).
   */
  'host_restarts': (string);
  /**
   * Re-checks of the VMs' host processes after the link came back.
   */
  'rechecks': (string);
}
