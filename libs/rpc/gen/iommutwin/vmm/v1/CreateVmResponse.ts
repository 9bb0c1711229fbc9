// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from '../../../iommutwin/vmm/v1/VmInfo.js';

/**
 * Response of CreateVm.
 */
export interface CreateVmResponse {
  /**
   * The new VM (state DEFINED).
   */
  'vm'?: (_iommutwin_vmm_v1_VmInfo | null);
}

/**
 * Response of CreateVm.
 */
export interface CreateVmResponse__Output {
  /**
   * The new VM (state DEFINED).
   */
  'vm': (_iommutwin_vmm_v1_VmInfo__Output | null);
}
