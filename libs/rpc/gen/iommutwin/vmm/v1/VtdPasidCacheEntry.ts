// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One PASID-cache slot: the 8 words of the PASID entry as cached.
 */
export interface VtdPasidCacheEntry {
  'sid'?: (number);
  /**
   * Absent for the slot of requests without PASID.
   */
  'pasid'?: (number);
  'entry'?: (number | string | Long)[];
  '_pasid'?: "pasid";
}

/**
 * One PASID-cache slot: the 8 words of the PASID entry as cached.
 */
export interface VtdPasidCacheEntry__Output {
  'sid': (number);
  /**
   * Absent for the slot of requests without PASID.
   */
  'pasid'?: (number);
  'entry': (string)[];
  '_pasid'?: "pasid";
}
