// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Count of leaf entries of one page size.
 */
export interface LeafCount {
  /**
   * Page size in bytes.
   */
  'page_size'?: (number | string | Long);
  /**
   * Number of leaf entries.
   */
  'count'?: (number | string | Long);
}

/**
 * Count of leaf entries of one page size.
 */
export interface LeafCount__Output {
  /**
   * Page size in bytes.
   */
  'page_size': (string);
  /**
   * Number of leaf entries.
   */
  'count': (string);
}
