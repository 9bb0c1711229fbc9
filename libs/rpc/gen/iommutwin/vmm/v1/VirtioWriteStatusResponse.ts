// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioWriteStatusResponse {
  /**
   * The register read back after the write: ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4,
   * FEATURES_OK 8, DEVICE_NEEDS_RESET 64, FAILED 128.
   */
  'status'?: (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset'?: (string);
}

export interface VirtioWriteStatusResponse__Output {
  /**
   * The register read back after the write: ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4,
   * FEATURES_OK 8, DEVICE_NEEDS_RESET 64, FAILED 128.
   */
  'status': (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset': (string);
}
