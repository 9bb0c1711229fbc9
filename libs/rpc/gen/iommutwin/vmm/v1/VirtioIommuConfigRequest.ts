// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Request of VirtioIommuConfig.
 */
export interface VirtioIommuConfigRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
}

/**
 * Request of VirtioIommuConfig.
 */
export interface VirtioIommuConfigRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
}
