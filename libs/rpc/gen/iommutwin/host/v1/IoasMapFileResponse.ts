// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of IoasMapFile.
 */
export interface IoasMapFileResponse {
  /**
   * The IOVA used.
   */
  'iova'?: (number | string | Long);
}

/**
 * Response of IoasMapFile.
 */
export interface IoasMapFileResponse__Output {
  /**
   * The IOVA used.
   */
  'iova': (string);
}
