// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of IoasMap.
 */
export interface IoasMapRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Bitmask of IommuIoasMap values (IOMMU_IOAS_MAP_FIXED_IOVA = 1, WRITEABLE = 2, READABLE = 4),
   * the uAPI numbers; it stays a uint32 on the wire.
   */
  'flags'?: (number);
  /**
   * The IOAS.
   */
  'ioas_id'?: (number);
  /**
   * Source virtual address in the calling process.
   */
  'user_va'?: (number | string | Long);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
  /**
   * The IOVA with FIXED_IOVA; ignored otherwise.
   */
  'iova'?: (number | string | Long);
}

/**
 * Request of IoasMap.
 */
export interface IoasMapRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Bitmask of IommuIoasMap values (IOMMU_IOAS_MAP_FIXED_IOVA = 1, WRITEABLE = 2, READABLE = 4),
   * the uAPI numbers; it stays a uint32 on the wire.
   */
  'flags': (number);
  /**
   * The IOAS.
   */
  'ioas_id': (number);
  /**
   * Source virtual address in the calling process.
   */
  'user_va': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
  /**
   * The IOVA with FIXED_IOVA; ignored otherwise.
   */
  'iova': (string);
}
