// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ReadVevents.
 */
export interface ReadVeventsRequest {
  /**
   * The vEVENTQ fd.
   */
  'veventq_fd'?: (number);
  /**
   * Resume after this sequence (0 = from the oldest retained event).
   */
  'after_sequence'?: (number | string | Long);
}

/**
 * Request of ReadVevents.
 */
export interface ReadVeventsRequest__Output {
  /**
   * The vEVENTQ fd.
   */
  'veventq_fd': (number);
  /**
   * Resume after this sequence (0 = from the oldest retained event).
   */
  'after_sequence': (string);
}
