// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of HwptGetDirtyBitmap.
 */
export interface HwptGetDirtyBitmapResponse {
  /**
   * Little-endian u64 words; bit i = page (iova + i * page_size) dirty. At most 2 MiB (one
   * call covers length / page_size <= 2^24 bits): a longer range is EINVAL, split it.
   */
  'bitmap'?: (Buffer | Uint8Array | string);
}

/**
 * Response of HwptGetDirtyBitmap.
 */
export interface HwptGetDirtyBitmapResponse__Output {
  /**
   * Little-endian u64 words; bit i = page (iova + i * page_size) dirty. At most 2 MiB (one
   * call covers length / page_size <= 2^24 bits): a longer range is EINVAL, split it.
   */
  'bitmap': (Buffer);
}
