// Original file: proto/iommutwin/host/v1/platform.proto

import type { DmaFault as _iommutwin_common_v1_DmaFault, DmaFault__Output as _iommutwin_common_v1_DmaFault__Output } from '../../../iommutwin/common/v1/DmaFault.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of DeviceDma.
 */
export interface DeviceDmaResponse {
  /**
   * The bytes read.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * The access faulted (nothing was transferred past the faulting page).
   */
  'fault'?: (_iommutwin_common_v1_DmaFault | null);
  /**
   * A write completed: number of bytes written.
   */
  'written'?: (number | string | Long);
  /**
   * Page requests raised (and answered) while performing the access.
   */
  'page_requests'?: (number);
  /**
   * The outcome.
   */
  'result'?: "data"|"fault"|"written";
}

/**
 * Response of DeviceDma.
 */
export interface DeviceDmaResponse__Output {
  /**
   * The bytes read.
   */
  'data'?: (Buffer);
  /**
   * The access faulted (nothing was transferred past the faulting page).
   */
  'fault'?: (_iommutwin_common_v1_DmaFault__Output | null);
  /**
   * A write completed: number of bytes written.
   */
  'written'?: (string);
  /**
   * Page requests raised (and answered) while performing the access.
   */
  'page_requests': (number);
  /**
   * The outcome.
   */
  'result'?: "data"|"fault"|"written";
}
