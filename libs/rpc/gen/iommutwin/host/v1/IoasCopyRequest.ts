// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of IoasCopy.
 */
export interface IoasCopyRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Same flags as IoasMap: a uint32 bitmask of IommuIoasMap values.
   */
  'flags'?: (number);
  /**
   * Destination IOAS.
   */
  'dst_ioas_id'?: (number);
  /**
   * Source IOAS (may equal the destination).
   */
  'src_ioas_id'?: (number);
  /**
   * Length in bytes.
   */
  'length'?: (number | string | Long);
  /**
   * Destination IOVA with FIXED_IOVA; ignored otherwise.
   */
  'dst_iova'?: (number | string | Long);
  /**
   * Source IOVA.
   */
  'src_iova'?: (number | string | Long);
}

/**
 * Request of IoasCopy.
 */
export interface IoasCopyRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Same flags as IoasMap: a uint32 bitmask of IommuIoasMap values.
   */
  'flags': (number);
  /**
   * Destination IOAS.
   */
  'dst_ioas_id': (number);
  /**
   * Source IOAS (may equal the destination).
   */
  'src_ioas_id': (number);
  /**
   * Length in bytes.
   */
  'length': (string);
  /**
   * Destination IOVA with FIXED_IOVA; ignored otherwise.
   */
  'dst_iova': (string);
  /**
   * Source IOVA.
   */
  'src_iova': (string);
}
