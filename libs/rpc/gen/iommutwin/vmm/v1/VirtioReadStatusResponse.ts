// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioReadStatusResponse {
  'status'?: (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset'?: (string);
}

export interface VirtioReadStatusResponse__Output {
  'status': (number);
  /**
   * Why the device set DEVICE_NEEDS_RESET (empty when it is clear).
   */
  'needs_reset': (string);
}
