// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from '../../../google/rpc/Status.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The acknowledgement of one invalidation request, sent after it took effect.
 */
export interface InvalidationChannelResponse {
  /**
   * The request's sequence.
   */
  'sequence'?: (number | string | Long);
  /**
   * Number of entries handled.
   */
  'entry_num'?: (number);
  /**
   * Outcome: code 0 on success, otherwise the error as a unary call would have returned it
   * (with its google.rpc.ErrorInfo in `details`).
   */
  'status'?: (_google_rpc_Status | null);
}

/**
 * The acknowledgement of one invalidation request, sent after it took effect.
 */
export interface InvalidationChannelResponse__Output {
  /**
   * The request's sequence.
   */
  'sequence': (string);
  /**
   * Number of entries handled.
   */
  'entry_num': (number);
  /**
   * Outcome: code 0 on success, otherwise the error as a unary call would have returned it
   * (with its google.rpc.ErrorInfo in `details`).
   */
  'status': (_google_rpc_Status__Output | null);
}
