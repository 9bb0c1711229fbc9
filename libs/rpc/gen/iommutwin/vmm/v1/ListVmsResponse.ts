// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from '../../../iommutwin/vmm/v1/VmInfo.js';

/**
 * Response of ListVms.
 */
export interface ListVmsResponse {
  /**
   * Every VM of this vmm.
   */
  'vms'?: (_iommutwin_vmm_v1_VmInfo)[];
}

/**
 * Response of ListVms.
 */
export interface ListVmsResponse__Output {
  /**
   * Every VM of this vmm.
   */
  'vms': (_iommutwin_vmm_v1_VmInfo__Output)[];
}
