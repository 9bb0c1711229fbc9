// Original file: proto/iommutwin/vmm/v1/types.proto

import type { VfioBackend as _iommutwin_vmm_v1_VfioBackend, VfioBackend__Output as _iommutwin_vmm_v1_VfioBackend__Output } from '../../../iommutwin/vmm/v1/VfioBackend.js';

/**
 * An assigned (VFIO) host device.
 */
export interface VfioDeviceSpec {
  /**
   * Host PCI address of the assigned device.
   */
  'host_bdf'?: (string);
  /**
   * The iommufd object (IommufdObjectSpec.id) the device uses.
   */
  'iommufd'?: (string);
  /**
   * Use the legacy VFIO container (refused for now).
   */
  'legacy_container'?: (boolean);
  /**
   * How its DMA follows the guest's vIOMMU.
   */
  'backend'?: (_iommutwin_vmm_v1_VfioBackend);
  /**
   * fd of the device cdev already passed into the VM's host process (or via passed_fds at StartVm).
   */
  'fd'?: (number);
  '_fd'?: "fd";
}

/**
 * An assigned (VFIO) host device.
 */
export interface VfioDeviceSpec__Output {
  /**
   * Host PCI address of the assigned device.
   */
  'host_bdf': (string);
  /**
   * The iommufd object (IommufdObjectSpec.id) the device uses.
   */
  'iommufd': (string);
  /**
   * Use the legacy VFIO container (refused for now).
   */
  'legacy_container': (boolean);
  /**
   * How its DMA follows the guest's vIOMMU.
   */
  'backend': (_iommutwin_vmm_v1_VfioBackend__Output);
  /**
   * fd of the device cdev already passed into the VM's host process (or via passed_fds at StartVm).
   */
  'fd'?: (number);
  '_fd'?: "fd";
}
