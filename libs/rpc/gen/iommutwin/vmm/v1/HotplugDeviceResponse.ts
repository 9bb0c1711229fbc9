// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from '../../../iommutwin/vmm/v1/VmInfo.js';

/**
 * Response of HotplugDevice.
 */
export interface HotplugDeviceResponse {
  /**
   * The VM with the new device.
   */
  'vm'?: (_iommutwin_vmm_v1_VmInfo | null);
}

/**
 * Response of HotplugDevice.
 */
export interface HotplugDeviceResponse__Output {
  /**
   * The VM with the new device.
   */
  'vm': (_iommutwin_vmm_v1_VmInfo__Output | null);
}
