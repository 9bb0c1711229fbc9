// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A PCI BAR.
 */
export interface Bar {
  /**
   * BAR index (0..5).
   */
  'index'?: (number);
  /**
   * Size in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * Host physical address.
   */
  'addr'?: (number | string | Long);
  /**
   * Prefetchable memory.
   */
  'prefetchable'?: (boolean);
  /**
   * 64-bit BAR.
   */
  'mem64'?: (boolean);
}

/**
 * A PCI BAR.
 */
export interface Bar__Output {
  /**
   * BAR index (0..5).
   */
  'index': (number);
  /**
   * Size in bytes.
   */
  'size': (string);
  /**
   * Host physical address.
   */
  'addr': (string);
  /**
   * Prefetchable memory.
   */
  'prefetchable': (boolean);
  /**
   * 64-bit BAR.
   */
  'mem64': (boolean);
}
