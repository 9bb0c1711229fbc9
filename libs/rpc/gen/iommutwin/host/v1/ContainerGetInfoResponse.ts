// Original file: proto/iommutwin/host/v1/vfio.proto

import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from '../../../iommutwin/common/v1/IovaRange.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of ContainerGetInfo.
 */
export interface ContainerGetInfoResponse {
  /**
   * VFIO_IOMMU_INFO_PGSIZES = 1, VFIO_IOMMU_INFO_CAPS = 2.
   */
  'flags'?: (number);
  /**
   * Bitmap of supported page sizes.
   */
  'iova_pgsizes'?: (number | string | Long);
  /**
   * Usable IOVA ranges (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE; `last` = the uAPI's inclusive `end`).
   */
  'iova_ranges'?: (_iommutwin_common_v1_IovaRange)[];
  /**
   * Remaining DMA mappings allowed (VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL).
   */
  'dma_avail'?: (number);
}

/**
 * Response of ContainerGetInfo.
 */
export interface ContainerGetInfoResponse__Output {
  /**
   * VFIO_IOMMU_INFO_PGSIZES = 1, VFIO_IOMMU_INFO_CAPS = 2.
   */
  'flags': (number);
  /**
   * Bitmap of supported page sizes.
   */
  'iova_pgsizes': (string);
  /**
   * Usable IOVA ranges (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE; `last` = the uAPI's inclusive `end`).
   */
  'iova_ranges': (_iommutwin_common_v1_IovaRange__Output)[];
  /**
   * Remaining DMA mappings allowed (VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL).
   */
  'dma_avail': (number);
}
