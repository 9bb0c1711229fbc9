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
  /**
   * With GET_DIRTY_BITMAP: the dirty bitmap of the unmapped range (LE u64 words).
   */
  'bitmap'?: (Buffer | Uint8Array | string);
}

/**
 * Response of ContainerUnmapDma.
 */
export interface ContainerUnmapDmaResponse__Output {
  /**
   * Bytes unmapped.
   */
  'size': (string);
  /**
   * With GET_DIRTY_BITMAP: the dirty bitmap of the unmapped range (LE u64 words).
   */
  'bitmap': (Buffer);
}
