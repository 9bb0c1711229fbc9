// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmSpec as _iommutwin_vmm_v1_VmSpec, VmSpec__Output as _iommutwin_vmm_v1_VmSpec__Output } from '../../../iommutwin/vmm/v1/VmSpec.js';

/**
 * Request of CreateVm.
 */
export interface CreateVmRequest {
  /**
   * The VM to define.
   */
  'spec'?: (_iommutwin_vmm_v1_VmSpec | null);
}

/**
 * Request of CreateVm.
 */
export interface CreateVmRequest__Output {
  /**
   * The VM to define.
   */
  'spec': (_iommutwin_vmm_v1_VmSpec__Output | null);
}
