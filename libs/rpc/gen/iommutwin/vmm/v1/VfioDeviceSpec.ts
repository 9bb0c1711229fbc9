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
   * Use QEMU's legacy VFIO path instead of an iommufd object (then `iommufd` is empty): the VM
   * process holds the device's group (/dev/vfio/<group>: `fd` / passed_fds, or opened itself) and
   * a type1 container (/dev/vfio/vfio, opened itself), and gets the device fd from the group.
   */
  'legacy_container'?: (boolean);
  /**
   * How its DMA follows the guest's vIOMMU.
   */
  'backend'?: (_iommutwin_vmm_v1_VfioBackend);
  /**
   * fd already passed into the VM's host process (or via passed_fds at StartVm): the device cdev,
   * or with legacy_container the device's VFIO group.
   */
  'fd'?: (number);
  /**
   * The device's BARs must be reachable by the VM's other assigned devices (peer-to-peer DMA): the
   * vmm maps its guest BAR ranges into their DMA address space (native type1: the BAR's mmap'd VA;
   * iommufd: a dma-buf of the BAR), and refuses the VM where the host can do neither.
   */
  'p2p'?: (boolean);
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
   * Use QEMU's legacy VFIO path instead of an iommufd object (then `iommufd` is empty): the VM
   * process holds the device's group (/dev/vfio/<group>: `fd` / passed_fds, or opened itself) and
   * a type1 container (/dev/vfio/vfio, opened itself), and gets the device fd from the group.
   */
  'legacy_container': (boolean);
  /**
   * How its DMA follows the guest's vIOMMU.
   */
  'backend': (_iommutwin_vmm_v1_VfioBackend__Output);
  /**
   * fd already passed into the VM's host process (or via passed_fds at StartVm): the device cdev,
   * or with legacy_container the device's VFIO group.
   */
  'fd'?: (number);
  /**
   * The device's BARs must be reachable by the VM's other assigned devices (peer-to-peer DMA): the
   * vmm maps its guest BAR ranges into their DMA address space (native type1: the BAR's mmap'd VA;
   * iommufd: a dma-buf of the BAR), and refuses the VM where the host can do neither.
   */
  'p2p': (boolean);
  '_fd'?: "fd";
}
