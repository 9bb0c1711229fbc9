// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A guest-physical MMIO register block, reached with Guest.MmioRead / MmioWrite.
 */
export interface MmioRegion {
  /**
   * First guest-physical address of the block.
   */
  'base'?: (number | string | Long);
  /**
   * Size in bytes.
   */
  'size'?: (number | string | Long);
}

/**
 * A guest-physical MMIO register block, reached with Guest.MmioRead / MmioWrite.
 */
export interface MmioRegion__Output {
  /**
   * First guest-physical address of the block.
   */
  'base': (string);
  /**
   * Size in bytes.
   */
  'size': (string);
}
