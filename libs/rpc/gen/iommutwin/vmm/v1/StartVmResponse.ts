// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from '../../../iommutwin/vmm/v1/VmInfo.js';

/**
 * Response of StartVm.
 */
export interface StartVmResponse {
  /**
   * The VM (state RUNNING).
   */
  'vm'?: (_iommutwin_vmm_v1_VmInfo | null);
}

/**
 * Response of StartVm.
 */
export interface StartVmResponse__Output {
  /**
   * The VM (state RUNNING).
   */
  'vm': (_iommutwin_vmm_v1_VmInfo__Output | null);
}
