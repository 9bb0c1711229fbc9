// Original file: proto/iommutwin/host/v1/platform.proto

import type { ReservedRegionType as _iommutwin_host_v1_ReservedRegionType, ReservedRegionType__Output as _iommutwin_host_v1_ReservedRegionType__Output } from '../../../iommutwin/host/v1/ReservedRegionType.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A reserved IOVA region of a device.
 */
export interface ReservedRegion {
  /**
   * First address.
   */
  'start'?: (number | string | Long);
  /**
   * Last address (inclusive).
   */
  'last'?: (number | string | Long);
  /**
   * Kind.
   */
  'type'?: (_iommutwin_host_v1_ReservedRegionType);
}

/**
 * A reserved IOVA region of a device.
 */
export interface ReservedRegion__Output {
  /**
   * First address.
   */
  'start': (string);
  /**
   * Last address (inclusive).
   */
  'last': (string);
  /**
   * Kind.
   */
  'type': (_iommutwin_host_v1_ReservedRegionType__Output);
}
