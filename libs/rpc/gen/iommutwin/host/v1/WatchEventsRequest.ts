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
}

/**
 * Request of WatchEvents.
 */
export interface WatchEventsRequest__Output {
  /**
   * Deliver events with sequence > after_sequence (0 = from the oldest retained event).
   */
  'after_sequence': (string);
}
