// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { ViommuModel as _iommutwin_vmm_v1_ViommuModel, ViommuModel__Output as _iommutwin_vmm_v1_ViommuModel__Output } from '../../../iommutwin/vmm/v1/ViommuModel.js';

/**
 * Request of ComputeBaseline.
 */
export interface ComputeBaselineRequest {
  /**
   * The hosts of the pool, each one of: a Describe output (the JSON form of
   * iommutwin.host.v1.DescribeResponse), a host profile (YAML text), or a built-in profile name.
   */
  'hosts'?: (string)[];
  /**
   * The vIOMMU model to compute a baseline for.
   */
  'model'?: (_iommutwin_vmm_v1_ViommuModel);
  /**
   * Optional: the assigned devices the VM will have, one entry per device: a host BDF (the same
   * on every host), `HOST=BDF,HOST=BDF...` (a BDF per host name), or a device class (the first
   * word of the device's description, e.g. NIC: the first vfio-pci device of that class on each
   * host). Empty: every unit with a vfio-pci device counts.
   */
  'devices'?: (string)[];
}

/**
 * Request of ComputeBaseline.
 */
export interface ComputeBaselineRequest__Output {
  /**
   * The hosts of the pool, each one of: a Describe output (the JSON form of
   * iommutwin.host.v1.DescribeResponse), a host profile (YAML text), or a built-in profile name.
   */
  'hosts': (string)[];
  /**
   * The vIOMMU model to compute a baseline for.
   */
  'model': (_iommutwin_vmm_v1_ViommuModel__Output);
  /**
   * Optional: the assigned devices the VM will have, one entry per device: a host BDF (the same
   * on every host), `HOST=BDF,HOST=BDF...` (a BDF per host name), or a device class (the first
   * word of the device's description, e.g. NIC: the first vfio-pci device of that class on each
   * host). Empty: every unit with a vfio-pci device counts.
   */
  'devices': (string)[];
}
