// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from '../../../iommutwin/vmm/v1/VmInfo.js';

/**
 * Response of GetVm.
 */
export interface GetVmResponse {
  /**
   * The VM.
   */
  'vm'?: (_iommutwin_vmm_v1_VmInfo | null);
}

/**
 * Response of GetVm.
 */
export interface GetVmResponse__Output {
  /**
   * The VM.
   */
  'vm': (_iommutwin_vmm_v1_VmInfo__Output | null);
}
