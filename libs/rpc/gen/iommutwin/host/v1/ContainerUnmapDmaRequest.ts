// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ContainerUnmapDma.
 */
export interface ContainerUnmapDmaRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
  /**
   * VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP = 1, ALL = 2, VADDR = 4.
   */
  'flags'?: (number);
  /**
   * IOVA.
   */
  'iova'?: (number | string | Long);
  /**
   * Size in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * With GET_DIRTY_BITMAP: page size one bit of the bitmap stands for.
   */
  'bitmap_pgsize'?: (number | string | Long);
}

/**
 * Request of ContainerUnmapDma.
 */
export interface ContainerUnmapDmaRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
  /**
   * VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP = 1, ALL = 2, VADDR = 4.
   */
  'flags': (number);
  /**
   * IOVA.
   */
  'iova': (string);
  /**
   * Size in bytes.
   */
  'size': (string);
  /**
   * With GET_DIRTY_BITMAP: page size one bit of the bitmap stands for.
   */
  'bitmap_pgsize': (string);
}
