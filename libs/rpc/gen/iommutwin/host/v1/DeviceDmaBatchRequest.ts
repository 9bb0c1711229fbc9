// Original file: proto/iommutwin/host/v1/platform.proto


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
  '_pasid'?: "pasid";
}
