// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of GetVm.
 */
export interface GetVmRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
}

/**
 * Request of GetVm.
 */
export interface GetVmRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
}
