// Original file: proto/iommutwin/host/v1/vfio.proto

import type { DmaRange as _iommutwin_host_v1_DmaRange, DmaRange__Output as _iommutwin_host_v1_DmaRange__Output } from '../../../iommutwin/host/v1/DmaRange.js';

/**
 * Request of DeviceGetDmabuf.
 */
export interface DeviceGetDmabufRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
  /**
   * BAR region index.
   */
  'region_index'?: (number);
  /**
   * Ranges of the region the dma-buf covers, in order.
   */
  'ranges'?: (_iommutwin_host_v1_DmaRange)[];
  /**
   * open flags of the new dma-buf fd (O_RDWR = 2, O_CLOEXEC = 0x80000).
   */
  'open_flags'?: (number);
}

/**
 * Request of DeviceGetDmabuf.
 */
export interface DeviceGetDmabufRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
  /**
   * BAR region index.
   */
  'region_index': (number);
  /**
   * Ranges of the region the dma-buf covers, in order.
   */
  'ranges': (_iommutwin_host_v1_DmaRange__Output)[];
  /**
   * open flags of the new dma-buf fd (O_RDWR = 2, O_CLOEXEC = 0x80000).
   */
  'open_flags': (number);
}
