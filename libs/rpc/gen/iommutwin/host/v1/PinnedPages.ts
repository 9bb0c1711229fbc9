// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Pinned-page accounting.
 */
export interface PinnedPages {
  /**
   * Pinned pages.
   */
  'pages'?: (number | string | Long);
  /**
   * Pinned bytes.
   */
  'bytes'?: (number | string | Long);
}

/**
 * Pinned-page accounting.
 */
export interface PinnedPages__Output {
  /**
   * Pinned pages.
   */
  'pages': (string);
  /**
   * Pinned bytes.
   */
  'bytes': (string);
}
