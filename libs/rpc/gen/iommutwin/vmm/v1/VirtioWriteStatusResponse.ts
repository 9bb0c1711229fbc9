// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of VirtioWriteStatus.
 */
export interface VirtioWriteStatusResponse {
  /**
   * The register read back after the write: a bitmask of VirtioConfigS values (ACKNOWLEDGE 1,
   * DRIVER 2, DRIVER_OK 4, FEATURES_OK 8, DEVICE_NEEDS_RESET 64, FAILED 128) as a uint32.
   */
  'status'?: (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset'?: (string);
}

/**
 * Response of VirtioWriteStatus.
 */
export interface VirtioWriteStatusResponse__Output {
  /**
   * The register read back after the write: a bitmask of VirtioConfigS values (ACKNOWLEDGE 1,
   * DRIVER 2, DRIVER_OK 4, FEATURES_OK 8, DEVICE_NEEDS_RESET 64, FAILED 128) as a uint32.
   */
  'status': (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset': (string);
}
