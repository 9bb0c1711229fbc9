// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Response of DeviceGetRegionInfo.
 */
export interface DeviceGetRegionInfoResponse {
  /**
   * VFIO_REGION_INFO_FLAG_READ = 1, WRITE = 2, MMAP = 4, CAPS = 8.
   */
  'flags'?: (number);
  /**
   * The region index.
   */
  'index'?: (number);
  /**
   * Region size in bytes (0 = region not present).
   */
  'size'?: (number | string | Long);
  /**
   * Offset of the region in the device fd (for mmap/pread).
   */
  'offset'?: (number | string | Long);
}

/**
 * Response of DeviceGetRegionInfo.
 */
export interface DeviceGetRegionInfoResponse__Output {
  /**
   * VFIO_REGION_INFO_FLAG_READ = 1, WRITE = 2, MMAP = 4, CAPS = 8.
   */
  'flags': (number);
  /**
   * The region index.
   */
  'index': (number);
  /**
   * Region size in bytes (0 = region not present).
   */
  'size': (string);
  /**
   * Offset of the region in the device fd (for mmap/pread).
   */
  'offset': (string);
}
