// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of IoasUnmap.
 */
export interface IoasUnmapRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * The IOAS.
   */
  'ioas_id'?: (number);
  /**
   * Start IOVA (iova = 0 with length = U64_MAX unmaps everything).
   */
  'iova'?: (number | string | Long);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
}

/**
 * Request of IoasUnmap.
 */
export interface IoasUnmapRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * The IOAS.
   */
  'ioas_id': (number);
  /**
   * Start IOVA (iova = 0 with length = U64_MAX unmaps everything).
   */
  'iova': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
}
