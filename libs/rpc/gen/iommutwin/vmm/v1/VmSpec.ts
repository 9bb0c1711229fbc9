// Original file: proto/iommutwin/vmm/v1/types.proto

import type { ViommuSpec as _iommutwin_vmm_v1_ViommuSpec, ViommuSpec__Output as _iommutwin_vmm_v1_ViommuSpec__Output } from '../../../iommutwin/vmm/v1/ViommuSpec.js';
import type { IommufdObjectSpec as _iommutwin_vmm_v1_IommufdObjectSpec, IommufdObjectSpec__Output as _iommutwin_vmm_v1_IommufdObjectSpec__Output } from '../../../iommutwin/vmm/v1/IommufdObjectSpec.js';
import type { DeviceSpec as _iommutwin_vmm_v1_DeviceSpec, DeviceSpec__Output as _iommutwin_vmm_v1_DeviceSpec__Output } from '../../../iommutwin/vmm/v1/DeviceSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The definition of a VM, as given to CreateVm.
 */
export interface VmSpec {
  /**
   * The VM's name (unique per vmm), the key of every other call.
   */
  'name'?: (string);
  /**
   * Guest RAM size in bytes (a host memfd mapped into the VM's process).
   */
  'memory_bytes'?: (number | string | Long);
  /**
   * q35 | virt
   */
  'machine'?: (string);
  /**
   * The guest-visible vIOMMU.
   */
  'viommu'?: (_iommutwin_vmm_v1_ViommuSpec | null);
  /**
   * The iommufd objects assigned devices use.
   */
  'iommufd_objects'?: (_iommutwin_vmm_v1_IommufdObjectSpec)[];
  /**
   * The devices present at start (more with HotplugDevice).
   */
  'devices'?: (_iommutwin_vmm_v1_DeviceSpec)[];
}

/**
 * The definition of a VM, as given to CreateVm.
 */
export interface VmSpec__Output {
  /**
   * The VM's name (unique per vmm), the key of every other call.
   */
  'name': (string);
  /**
   * Guest RAM size in bytes (a host memfd mapped into the VM's process).
   */
  'memory_bytes': (string);
  /**
   * q35 | virt
   */
  'machine': (string);
  /**
   * The guest-visible vIOMMU.
   */
  'viommu': (_iommutwin_vmm_v1_ViommuSpec__Output | null);
  /**
   * The iommufd objects assigned devices use.
   */
  'iommufd_objects': (_iommutwin_vmm_v1_IommufdObjectSpec__Output)[];
  /**
   * The devices present at start (more with HotplugDevice).
   */
  'devices': (_iommutwin_vmm_v1_DeviceSpec__Output)[];
}
