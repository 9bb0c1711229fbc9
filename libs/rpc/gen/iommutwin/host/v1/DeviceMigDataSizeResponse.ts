// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of DeviceMigDataSize.
 */
export interface DeviceMigDataSizeResponse {
  /**
   * Estimated bytes of the STOP_COPY data.
   */
  'stop_copy_length'?: (number | string | Long);
}

/**
 * Response of DeviceMigDataSize.
 */
export interface DeviceMigDataSizeResponse__Output {
  /**
   * Estimated bytes of the STOP_COPY data.
   */
  'stop_copy_length': (string);
}
