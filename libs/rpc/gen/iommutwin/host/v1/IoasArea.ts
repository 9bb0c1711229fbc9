// Original file: proto/iommutwin/host/v1/platform.proto

import type { AreaSource as _iommutwin_host_v1_AreaSource, AreaSource__Output as _iommutwin_host_v1_AreaSource__Output } from '../../../iommutwin/host/v1/AreaSource.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One IOAS area (a mapping).
 */
export interface IoasArea {
  /**
   * The IOAS.
   */
  'ioas_id'?: (number);
  /**
   * First IOVA.
   */
  'iova'?: (number | string | Long);
  /**
   * Last IOVA (inclusive).
   */
  'last'?: (number | string | Long);
  /**
   * IOMMU_IOAS_MAP_WRITEABLE = 2, READABLE = 4.
   */
  'flags'?: (number);
  /**
   * Source kind.
   */
  'source'?: (_iommutwin_host_v1_AreaSource);
  /**
   * Source user VA (USER_VA).
   */
  'user_va'?: (number | string | Long);
  /**
   * Source file offset (MEMFD, DMABUF).
   */
  'file_offset'?: (number | string | Long);
  /**
   * Pages of the area currently pinned.
   */
  'pinned_pages'?: (number | string | Long);
}

/**
 * One IOAS area (a mapping).
 */
export interface IoasArea__Output {
  /**
   * The IOAS.
   */
  'ioas_id': (number);
  /**
   * First IOVA.
   */
  'iova': (string);
  /**
   * Last IOVA (inclusive).
   */
  'last': (string);
  /**
   * IOMMU_IOAS_MAP_WRITEABLE = 2, READABLE = 4.
   */
  'flags': (number);
  /**
   * Source kind.
   */
  'source': (_iommutwin_host_v1_AreaSource__Output);
  /**
   * Source user VA (USER_VA).
   */
  'user_va': (string);
  /**
   * Source file offset (MEMFD, DMABUF).
   */
  'file_offset': (string);
  /**
   * Pages of the area currently pinned.
   */
  'pinned_pages': (string);
}
