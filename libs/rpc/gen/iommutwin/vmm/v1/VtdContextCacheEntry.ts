// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One valid context-cache entry: the context entry as it was read.
 */
export interface VtdContextCacheEntry {
  /**
   * Source-id (bus << 8 | devfn).
   */
  'sid'?: (number);
  /**
   * Absent for requests without PASID.
   */
  'pasid'?: (number);
  /**
   * 2 words (legacy 128-bit entry) or 4 words (scalable 256-bit entry), low word first.
   */
  'entry'?: (number | string | Long)[];
  /**
   * The entry is a scalable-mode context entry.
   */
  'scalable'?: (boolean);
  '_pasid'?: "pasid";
}

/**
 * One valid context-cache entry: the context entry as it was read.
 */
export interface VtdContextCacheEntry__Output {
  /**
   * Source-id (bus << 8 | devfn).
   */
  'sid': (number);
  /**
   * Absent for requests without PASID.
   */
  'pasid'?: (number);
  /**
   * 2 words (legacy 128-bit entry) or 4 words (scalable 256-bit entry), low word first.
   */
  'entry': (string)[];
  /**
   * The entry is a scalable-mode context entry.
   */
  'scalable': (boolean);
  '_pasid'?: "pasid";
}
