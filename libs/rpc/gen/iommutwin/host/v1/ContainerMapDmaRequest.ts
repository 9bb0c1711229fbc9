// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ContainerMapDma.
 */
export interface ContainerMapDmaRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
  /**
   * VFIO_DMA_MAP_FLAG_READ = 1, WRITE = 2, VADDR = 4.
   */
  'flags'?: (number);
  /**
   * Source virtual address in the calling process.
   */
  'vaddr'?: (number | string | Long);
  /**
   * IOVA.
   */
  'iova'?: (number | string | Long);
  /**
   * Size in bytes.
   */
  'size'?: (number | string | Long);
}

/**
 * Request of ContainerMapDma.
 */
export interface ContainerMapDmaRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
  /**
   * VFIO_DMA_MAP_FLAG_READ = 1, WRITE = 2, VADDR = 4.
   */
  'flags': (number);
  /**
   * Source virtual address in the calling process.
   */
  'vaddr': (string);
  /**
   * IOVA.
   */
  'iova': (string);
  /**
   * Size in bytes.
   */
  'size': (string);
}
