// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { DeviceSpec as _iommutwin_vmm_v1_DeviceSpec, DeviceSpec__Output as _iommutwin_vmm_v1_DeviceSpec__Output } from '../../../iommutwin/vmm/v1/DeviceSpec.js';

export interface HotplugDeviceRequest {
  'name'?: (string);
  'device'?: (_iommutwin_vmm_v1_DeviceSpec | null);
  /**
   * fd already passed into host_pid for the device (its cdev) or for a new iommufd object.
   */
  'passed_fds'?: ({[key: string]: number});
}

export interface HotplugDeviceRequest__Output {
  'name': (string);
  'device': (_iommutwin_vmm_v1_DeviceSpec__Output | null);
  /**
   * fd already passed into host_pid for the device (its cdev) or for a new iommufd object.
   */
  'passed_fds': ({[key: string]: number});
}
