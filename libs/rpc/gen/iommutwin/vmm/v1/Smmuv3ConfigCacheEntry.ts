// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One configuration-cache entry: the STE (and CD) a StreamID's translations use until a CFGI_*.
 */
export interface Smmuv3ConfigCacheEntry {
  /**
   * The StreamID.
   */
  'sid'?: (number);
  /**
   * The STE's 8 words as read from guest RAM, low word first.
   */
  'ste'?: (number | string | Long)[];
  /**
   * The CD's 8 words (stage 1 configurations), low word first; empty otherwise.
   */
  'cd'?: (number | string | Long)[];
}

/**
 * One configuration-cache entry: the STE (and CD) a StreamID's translations use until a CFGI_*.
 */
export interface Smmuv3ConfigCacheEntry__Output {
  /**
   * The StreamID.
   */
  'sid': (number);
  /**
   * The STE's 8 words as read from guest RAM, low word first.
   */
  'ste': (string)[];
  /**
   * The CD's 8 words (stage 1 configurations), low word first; empty otherwise.
   */
  'cd': (string)[];
}
