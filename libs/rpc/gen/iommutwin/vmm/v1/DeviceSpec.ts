// Original file: proto/iommutwin/vmm/v1/types.proto

import type { VirtioDeviceSpec as _iommutwin_vmm_v1_VirtioDeviceSpec, VirtioDeviceSpec__Output as _iommutwin_vmm_v1_VirtioDeviceSpec__Output } from '../../../iommutwin/vmm/v1/VirtioDeviceSpec.js';
import type { VfioDeviceSpec as _iommutwin_vmm_v1_VfioDeviceSpec, VfioDeviceSpec__Output as _iommutwin_vmm_v1_VfioDeviceSpec__Output } from '../../../iommutwin/vmm/v1/VfioDeviceSpec.js';

export interface DeviceSpec {
  'id'?: (string);
  /**
   * Guest BDF DDDD:BB:DD.F; default: the next free slot on bus 0.
   */
  'guest_bdf'?: (string);
  'virtio'?: (_iommutwin_vmm_v1_VirtioDeviceSpec | null);
  'vfio'?: (_iommutwin_vmm_v1_VfioDeviceSpec | null);
  'kind'?: "virtio"|"vfio";
}

export interface DeviceSpec__Output {
  'id': (string);
  /**
   * Guest BDF DDDD:BB:DD.F; default: the next free slot on bus 0.
   */
  'guest_bdf': (string);
  'virtio'?: (_iommutwin_vmm_v1_VirtioDeviceSpec__Output | null);
  'vfio'?: (_iommutwin_vmm_v1_VfioDeviceSpec__Output | null);
  'kind'?: "virtio"|"vfio";
}
