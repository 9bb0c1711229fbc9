// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from '../../../iommutwin/common/v1/IovaRange.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of IoasIovaRanges.
 */
export interface IoasIovaRangesResponse {
  /**
   * Every usable IOVA range (the holes of the reserved set), ascending.
   */
  'allowed_iovas'?: (_iommutwin_common_v1_IovaRange)[];
  /**
   * Required alignment of IOVA and length of new mappings.
   */
  'out_iova_alignment'?: (number | string | Long);
}

/**
 * Response of IoasIovaRanges.
 */
export interface IoasIovaRangesResponse__Output {
  /**
   * Every usable IOVA range (the holes of the reserved set), ascending.
   */
  'allowed_iovas': (_iommutwin_common_v1_IovaRange__Output)[];
  /**
   * Required alignment of IOVA and length of new mappings.
   */
  'out_iova_alignment': (string);
}
