// Original file: proto/iommutwin/host/v1/process.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Mmap.
 */
export interface MmapRequest {
  /**
   * Address hint (0 = any); the exact address with MAP_FIXED.
   */
  'addr'?: (number | string | Long);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
  /**
   * PROT_READ = 1, PROT_WRITE = 2.
   */
  'prot'?: (number);
  /**
   * MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20.
   */
  'flags'?: (number);
  /**
   * File to map (memfd, dma-buf or VFIO device for a BAR); -1 with MAP_ANONYMOUS.
   */
  'fd'?: (number);
  /**
   * File offset (a VFIO device's region offset selects the BAR).
   */
  'offset'?: (number | string | Long);
}

/**
 * Request of Mmap.
 */
export interface MmapRequest__Output {
  /**
   * Address hint (0 = any); the exact address with MAP_FIXED.
   */
  'addr': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
  /**
   * PROT_READ = 1, PROT_WRITE = 2.
   */
  'prot': (number);
  /**
   * MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20.
   */
  'flags': (number);
  /**
   * File to map (memfd, dma-buf or VFIO device for a BAR); -1 with MAP_ANONYMOUS.
   */
  'fd': (number);
  /**
   * File offset (a VFIO device's region offset selects the BAR).
   */
  'offset': (string);
}
