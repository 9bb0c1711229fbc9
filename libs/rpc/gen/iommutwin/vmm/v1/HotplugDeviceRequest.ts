// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { DeviceSpec as _iommutwin_vmm_v1_DeviceSpec, DeviceSpec__Output as _iommutwin_vmm_v1_DeviceSpec__Output } from '../../../iommutwin/vmm/v1/DeviceSpec.js';

/**
 * Request of HotplugDevice.
 */
export interface HotplugDeviceRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
  /**
   * The device to plug.
   */
  'device'?: (_iommutwin_vmm_v1_DeviceSpec | null);
  /**
   * fd already passed into host_pid for the device (its cdev) or for a new iommufd object.
   */
  'passed_fds'?: ({[key: string]: number});
}

/**
 * Request of HotplugDevice.
 */
export interface HotplugDeviceRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * The device to plug.
   */
  'device': (_iommutwin_vmm_v1_DeviceSpec__Output | null);
  /**
   * fd already passed into host_pid for the device (its cdev) or for a new iommufd object.
   */
  'passed_fds': ({[key: string]: number});
}
