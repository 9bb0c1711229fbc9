// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Request of VirtioIommuWriteBypass.
 */
export interface VirtioIommuWriteBypassRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * The value written to config.bypass (0 or 1).
   */
  'bypass'?: (number);
}

/**
 * Request of VirtioIommuWriteBypass.
 */
export interface VirtioIommuWriteBypassRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * The value written to config.bypass (0 or 1).
   */
  'bypass': (number);
}
