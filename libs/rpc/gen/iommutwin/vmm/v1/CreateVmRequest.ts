// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmSpec as _iommutwin_vmm_v1_VmSpec, VmSpec__Output as _iommutwin_vmm_v1_VmSpec__Output } from '../../../iommutwin/vmm/v1/VmSpec.js';

export interface CreateVmRequest {
  'spec'?: (_iommutwin_vmm_v1_VmSpec | null);
}

export interface CreateVmRequest__Output {
  'spec': (_iommutwin_vmm_v1_VmSpec__Output | null);
}
