// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ContainerDirtyPages.
 */
export interface ContainerDirtyPagesRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
  /**
   * VFIO_IOMMU_DIRTY_PAGES_FLAG_START = 1, STOP = 2, GET_BITMAP = 4 (exactly one).
   */
  'flags'?: (number);
  /**
   * GET_BITMAP: first IOVA of the range.
   */
  'iova'?: (number | string | Long);
  /**
   * GET_BITMAP: size of the range in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * GET_BITMAP: page size one bit stands for (the container's smallest page size).
   */
  'pgsize'?: (number | string | Long);
}

/**
 * Request of ContainerDirtyPages.
 */
export interface ContainerDirtyPagesRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
  /**
   * VFIO_IOMMU_DIRTY_PAGES_FLAG_START = 1, STOP = 2, GET_BITMAP = 4 (exactly one).
   */
  'flags': (number);
  /**
   * GET_BITMAP: first IOVA of the range.
   */
  'iova': (string);
  /**
   * GET_BITMAP: size of the range in bytes.
   */
  'size': (string);
  /**
   * GET_BITMAP: page size one bit stands for (the container's smallest page size).
   */
  'pgsize': (string);
}
