// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A byte range of a region (`struct vfio_region_dma_range`).
 */
export interface DmaRange {
  /**
   * Offset in the region.
   */
  'offset'?: (number | string | Long);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
}

/**
 * A byte range of a region (`struct vfio_region_dma_range`).
 */
export interface DmaRange__Output {
  /**
   * Offset in the region.
   */
  'offset': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
}
