// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Events.
 */
export interface EventsRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * Send the retained events with a sequence above this one (0 = from the oldest), then new ones
   * as they happen; OUT_OF_RANGE CURSOR_EXPIRED when some after it are no longer retained.
   */
  'after_sequence'?: (number | string | Long);
}

/**
 * Request of Events.
 */
export interface EventsRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * Send the retained events with a sequence above this one (0 = from the oldest), then new ones
   * as they happen; OUT_OF_RANGE CURSOR_EXPIRED when some after it are no longer retained.
   */
  'after_sequence': (string);
}
