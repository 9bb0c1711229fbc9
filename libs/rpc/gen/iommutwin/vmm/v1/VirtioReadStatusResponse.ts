// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of VirtioReadStatus.
 */
export interface VirtioReadStatusResponse {
  /**
   * The status register: a bitmask of VirtioConfigS values (ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4,
   * FEATURES_OK 8, NEEDS_RESET 64, FAILED 128) as a uint32.
   */
  'status'?: (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset'?: (string);
}

/**
 * Response of VirtioReadStatus.
 */
export interface VirtioReadStatusResponse__Output {
  /**
   * The status register: a bitmask of VirtioConfigS values (ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4,
   * FEATURES_OK 8, NEEDS_RESET 64, FAILED 128) as a uint32.
   */
  'status': (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset': (string);
}
