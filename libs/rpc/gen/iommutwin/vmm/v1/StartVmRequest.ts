// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of StartVm.
 */
export interface StartVmRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
  /**
   * iommufd-object id / device id → fd number already passed into host_pid with Process.SendFd.
   */
  'passed_fds'?: ({[key: string]: number});
}

/**
 * Request of StartVm.
 */
export interface StartVmRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * iommufd-object id / device id → fd number already passed into host_pid with Process.SendFd.
   */
  'passed_fds': ({[key: string]: number});
}
