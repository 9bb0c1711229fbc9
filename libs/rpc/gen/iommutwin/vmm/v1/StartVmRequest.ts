// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface StartVmRequest {
  'name'?: (string);
  /**
   * iommufd-object id / device id → fd number already passed into host_pid with Process.SendFd.
   */
  'passed_fds'?: ({[key: string]: number});
}

export interface StartVmRequest__Output {
  'name': (string);
  /**
   * iommufd-object id / device id → fd number already passed into host_pid with Process.SendFd.
   */
  'passed_fds': ({[key: string]: number});
}
