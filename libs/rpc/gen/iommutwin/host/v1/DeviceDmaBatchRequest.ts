// Original file: proto/iommutwin/host/v1/platform.proto

import type { ProcessIdentity as _iommutwin_host_v1_ProcessIdentity, ProcessIdentity__Output as _iommutwin_host_v1_ProcessIdentity__Output } from '../../../iommutwin/host/v1/ProcessIdentity.js';

/**
 * Request of DeviceDmaBatch.
 * 
 * `entries` packs 16-byte little-endian records, one translation each:
 * offset 0: u64 iova
 * offset 8: u32 flags   (bit 0 = WRITE, bit 1 = EXEC, bit 2 = PRIV; other bits → EINVAL)
 * offset 12: u32 reserved (must be 0, else EINVAL)
 * entries.length must be a multiple of 16 (else EINVAL).
 */
export interface DeviceDmaBatchRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
  /**
   * PASID of every translation; absent = requests without PASID.
   */
  'pasid'?: (number);
  /**
   * Packed 16-byte request records.
   */
  'entries'?: (Buffer | Uint8Array | string);
  /**
   * Owner assertion, as DeviceDma's `expect_owner`: checked once before any record is
   * translated (ESRCH / EPERM, nothing translated).
   */
  'expect_owner'?: (_iommutwin_host_v1_ProcessIdentity | null);
  '_pasid'?: "pasid";
}

/**
 * Request of DeviceDmaBatch.
 * 
 * `entries` packs 16-byte little-endian records, one translation each:
 * offset 0: u64 iova
 * offset 8: u32 flags   (bit 0 = WRITE, bit 1 = EXEC, bit 2 = PRIV; other bits → EINVAL)
 * offset 12: u32 reserved (must be 0, else EINVAL)
 * entries.length must be a multiple of 16 (else EINVAL).
 */
export interface DeviceDmaBatchRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
  /**
   * PASID of every translation; absent = requests without PASID.
   */
  'pasid'?: (number);
  /**
   * Packed 16-byte request records.
   */
  'entries': (Buffer);
  /**
   * Owner assertion, as DeviceDma's `expect_owner`: checked once before any record is
   * translated (ESRCH / EPERM, nothing translated).
   */
  'expect_owner': (_iommutwin_host_v1_ProcessIdentity__Output | null);
  '_pasid'?: "pasid";
}
