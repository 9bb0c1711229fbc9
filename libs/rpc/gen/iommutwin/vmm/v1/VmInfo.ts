// Original file: proto/iommutwin/vmm/v1/types.proto

import type { VmSpec as _iommutwin_vmm_v1_VmSpec, VmSpec__Output as _iommutwin_vmm_v1_VmSpec__Output } from '../../../iommutwin/vmm/v1/VmSpec.js';
import type { VmState as _iommutwin_vmm_v1_VmState, VmState__Output as _iommutwin_vmm_v1_VmState__Output } from '../../../iommutwin/vmm/v1/VmState.js';
import type { DeviceInfo as _iommutwin_vmm_v1_DeviceInfo, DeviceInfo__Output as _iommutwin_vmm_v1_DeviceInfo__Output } from '../../../iommutwin/vmm/v1/DeviceInfo.js';
import type { MigrationBlocker as _iommutwin_vmm_v1_MigrationBlocker, MigrationBlocker__Output as _iommutwin_vmm_v1_MigrationBlocker__Output } from '../../../iommutwin/vmm/v1/MigrationBlocker.js';
import type { MmioRegion as _iommutwin_vmm_v1_MmioRegion, MmioRegion__Output as _iommutwin_vmm_v1_MmioRegion__Output } from '../../../iommutwin/vmm/v1/MmioRegion.js';
import type { RamRange as _iommutwin_vmm_v1_RamRange, RamRange__Output as _iommutwin_vmm_v1_RamRange__Output } from '../../../iommutwin/vmm/v1/RamRange.js';
import type { RemovedDevice as _iommutwin_vmm_v1_RemovedDevice, RemovedDevice__Output as _iommutwin_vmm_v1_RemovedDevice__Output } from '../../../iommutwin/vmm/v1/RemovedDevice.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A VM as the vmm holds it now.
 */
export interface VmInfo {
  /**
   * The spec the VM was created with (plus hotplugged devices).
   */
  'spec'?: (_iommutwin_vmm_v1_VmSpec | null);
  /**
   * The lifecycle state.
   */
  'state'?: (_iommutwin_vmm_v1_VmState);
  /**
   * The VM's process on the host (principal `qemu`), which owns its host fds.
   */
  'host_pid'?: (number);
  /**
   * Every device, with its resolved guest BDF and backend.
   */
  'devices'?: (_iommutwin_vmm_v1_DeviceInfo)[];
  /**
   * Every reason the VM cannot migrate now; empty when none.
   */
  'migration_blockers'?: (_iommutwin_vmm_v1_MigrationBlocker)[];
  /**
   * Guest RAM: host memfd fd and its mapping in host_pid.
   */
  'ram_fd'?: (number);
  /**
   * Address of the guest-RAM mapping in host_pid.
   */
  'ram_va'?: (number | string | Long);
  /**
   * Host objects lost after a host-iommu restart.
   */
  'host_objects_lost'?: (boolean);
  /**
   * Why the VM is degraded (no host process, host objects lost); empty when it is not.
   */
  'message'?: (string);
  /**
   * The guest-physical register block of the vIOMMU (intel-iommu: the DMAR unit at 0xfed90000,
   * one 4 KiB page; SMMUv3: 0x09050000, 128 KiB, page 1 aliased onto page 0); unset for a VM
   * without an MMIO vIOMMU.
   */
  'viommu_mmio'?: (_iommutwin_vmm_v1_MmioRegion | null);
  /**
   * Guest RAM as the machine maps it (QEMU's memory map), lowest GPA first: q35 puts RAM below
   * 4 GiB up to `lowmem` (all of it when memory_bytes < 0xb0000000, else 2 GiB) and the rest
   * from 0x1_0000_0000; virt puts all of it at 0x4000_0000. Everything between (the PCI hole
   * with the DMAR unit and the MSI window) is not RAM: Guest.ReadMemory/WriteMemory there is
   * INVALID_ARGUMENT, and identity maps (bypass, NONE) cover exactly these ranges. Set from
   * the spec, whether the VM runs or not.
   */
  'ram_ranges'?: (_iommutwin_vmm_v1_RamRange)[];
  /**
   * Assigned devices the host surprise-removed (Platform.Unplug: host event DEVICE_UNPLUGGED);
   * the vmm removed each from the guest, oldest first.
   */
  'removed_devices'?: (_iommutwin_vmm_v1_RemovedDevice)[];
}

/**
 * A VM as the vmm holds it now.
 */
export interface VmInfo__Output {
  /**
   * The spec the VM was created with (plus hotplugged devices).
   */
  'spec': (_iommutwin_vmm_v1_VmSpec__Output | null);
  /**
   * The lifecycle state.
   */
  'state': (_iommutwin_vmm_v1_VmState__Output);
  /**
   * The VM's process on the host (principal `qemu`), which owns its host fds.
   */
  'host_pid': (number);
  /**
   * Every device, with its resolved guest BDF and backend.
   */
  'devices': (_iommutwin_vmm_v1_DeviceInfo__Output)[];
  /**
   * Every reason the VM cannot migrate now; empty when none.
   */
  'migration_blockers': (_iommutwin_vmm_v1_MigrationBlocker__Output)[];
  /**
   * Guest RAM: host memfd fd and its mapping in host_pid.
   */
  'ram_fd': (number);
  /**
   * Address of the guest-RAM mapping in host_pid.
   */
  'ram_va': (string);
  /**
   * Host objects lost after a host-iommu restart.
   */
  'host_objects_lost': (boolean);
  /**
   * Why the VM is degraded (no host process, host objects lost); empty when it is not.
   */
  'message': (string);
  /**
   * The guest-physical register block of the vIOMMU (intel-iommu: the DMAR unit at 0xfed90000,
   * one 4 KiB page; SMMUv3: 0x09050000, 128 KiB, page 1 aliased onto page 0); unset for a VM
   * without an MMIO vIOMMU.
   */
  'viommu_mmio': (_iommutwin_vmm_v1_MmioRegion__Output | null);
  /**
   * Guest RAM as the machine maps it (QEMU's memory map), lowest GPA first: q35 puts RAM below
   * 4 GiB up to `lowmem` (all of it when memory_bytes < 0xb0000000, else 2 GiB) and the rest
   * from 0x1_0000_0000; virt puts all of it at 0x4000_0000. Everything between (the PCI hole
   * with the DMAR unit and the MSI window) is not RAM: Guest.ReadMemory/WriteMemory there is
   * INVALID_ARGUMENT, and identity maps (bypass, NONE) cover exactly these ranges. Set from
   * the spec, whether the VM runs or not.
   */
  'ram_ranges': (_iommutwin_vmm_v1_RamRange__Output)[];
  /**
   * Assigned devices the host surprise-removed (Platform.Unplug: host event DEVICE_UNPLUGGED);
   * the vmm removed each from the guest, oldest first.
   */
  'removed_devices': (_iommutwin_vmm_v1_RemovedDevice__Output)[];
}
