// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of ContainerUnmapDma.
 */
export interface ContainerUnmapDmaResponse {
  /**
   * Bytes unmapped.
   */
  'size'?: (number | string | Long);
}

/**
 * Response of ContainerUnmapDma.
 */
export interface ContainerUnmapDmaResponse__Output {
  /**
   * Bytes unmapped.
   */
  'size': (string);
}
