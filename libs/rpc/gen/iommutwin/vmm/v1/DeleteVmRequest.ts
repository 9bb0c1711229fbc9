// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of DeleteVm.
 */
export interface DeleteVmRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
}

/**
 * Request of DeleteVm.
 */
export interface DeleteVmRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
}
