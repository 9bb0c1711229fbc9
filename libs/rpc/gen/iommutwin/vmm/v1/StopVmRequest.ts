// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of StopVm.
 */
export interface StopVmRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
}

/**
 * Request of StopVm.
 */
export interface StopVmRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
}
