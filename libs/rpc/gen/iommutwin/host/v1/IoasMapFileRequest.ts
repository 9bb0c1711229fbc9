// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of IoasMapFile.
 */
export interface IoasMapFileRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Same flags as IoasMap: a uint32 bitmask of IommuIoasMap values.
   */
  'flags'?: (number);
  /**
   * The IOAS.
   */
  'ioas_id'?: (number);
  /**
   * The file to map: a memfd or a dma-buf.
   */
  'file_fd'?: (number);
  /**
   * Offset in the file.
   */
  'start'?: (number | string | Long);
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
 * Request of IoasMapFile.
 */
export interface IoasMapFileRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Same flags as IoasMap: a uint32 bitmask of IommuIoasMap values.
   */
  'flags': (number);
  /**
   * The IOAS.
   */
  'ioas_id': (number);
  /**
   * The file to map: a memfd or a dma-buf.
   */
  'file_fd': (number);
  /**
   * Offset in the file.
   */
  'start': (string);
  /**
   * Length in bytes.
   */
  'length': (string);
  /**
   * The IOVA with FIXED_IOVA; ignored otherwise.
   */
  'iova': (string);
}
