// Original file: proto/iommutwin/vmm/v1/types.proto

import type { VirtioDeviceSpec as _iommutwin_vmm_v1_VirtioDeviceSpec, VirtioDeviceSpec__Output as _iommutwin_vmm_v1_VirtioDeviceSpec__Output } from '../../../iommutwin/vmm/v1/VirtioDeviceSpec.js';
import type { VfioDeviceSpec as _iommutwin_vmm_v1_VfioDeviceSpec, VfioDeviceSpec__Output as _iommutwin_vmm_v1_VfioDeviceSpec__Output } from '../../../iommutwin/vmm/v1/VfioDeviceSpec.js';

/**
 * One device of the VM.
 */
export interface DeviceSpec {
  /**
   * The device's id in the VM (unique), used by UnplugDevice, Guest.Dma and passed_fds.
   */
  'id'?: (string);
  /**
   * Guest BDF DDDD:BB:DD.F; default: the next free slot on bus 0.
   */
  'guest_bdf'?: (string);
  /**
   * An emulated virtio device.
   */
  'virtio'?: (_iommutwin_vmm_v1_VirtioDeviceSpec | null);
  /**
   * An assigned host device.
   */
  'vfio'?: (_iommutwin_vmm_v1_VfioDeviceSpec | null);
  /**
   * What the device is.
   */
  'kind'?: "virtio"|"vfio";
}

/**
 * One device of the VM.
 */
export interface DeviceSpec__Output {
  /**
   * The device's id in the VM (unique), used by UnplugDevice, Guest.Dma and passed_fds.
   */
  'id': (string);
  /**
   * Guest BDF DDDD:BB:DD.F; default: the next free slot on bus 0.
   */
  'guest_bdf': (string);
  /**
   * An emulated virtio device.
   */
  'virtio'?: (_iommutwin_vmm_v1_VirtioDeviceSpec__Output | null);
  /**
   * An assigned host device.
   */
  'vfio'?: (_iommutwin_vmm_v1_VfioDeviceSpec__Output | null);
  /**
   * What the device is.
   */
  'kind'?: "virtio"|"vfio";
}
