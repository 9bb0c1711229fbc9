// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One valid context-cache entry: the context entry as it was read.
 */
export interface VtdContextCacheEntry {
  'sid'?: (number);
  /**
   * Absent for requests without PASID.
   */
  'pasid'?: (number);
  /**
   * 2 words (legacy 128-bit entry) or 4 words (scalable 256-bit entry), low word first.
   */
  'entry'?: (number | string | Long)[];
  'scalable'?: (boolean);
  '_pasid'?: "pasid";
}

/**
 * One valid context-cache entry: the context entry as it was read.
 */
export interface VtdContextCacheEntry__Output {
  'sid': (number);
  /**
   * Absent for requests without PASID.
   */
  'pasid'?: (number);
  /**
   * 2 words (legacy 128-bit entry) or 4 words (scalable 256-bit entry), low word first.
   */
  'entry': (string)[];
  'scalable': (boolean);
  '_pasid'?: "pasid";
}
