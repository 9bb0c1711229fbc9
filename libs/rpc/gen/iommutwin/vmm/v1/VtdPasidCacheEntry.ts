// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One PASID-cache slot: the 8 words of the PASID entry as cached.
 */
export interface VtdPasidCacheEntry {
  /**
   * Source-id (bus << 8 | devfn).
   */
  'sid'?: (number);
  /**
   * Absent for the slot of requests without PASID.
   */
  'pasid'?: (number);
  /**
   * The 8 words of the PASID entry, low word first.
   */
  'entry'?: (number | string | Long)[];
  '_pasid'?: "pasid";
}

/**
 * One PASID-cache slot: the 8 words of the PASID entry as cached.
 */
export interface VtdPasidCacheEntry__Output {
  /**
   * Source-id (bus << 8 | devfn).
   */
  'sid': (number);
  /**
   * Absent for the slot of requests without PASID.
   */
  'pasid'?: (number);
  /**
   * The 8 words of the PASID entry, low word first.
   */
  'entry': (string)[];
  '_pasid'?: "pasid";
}
