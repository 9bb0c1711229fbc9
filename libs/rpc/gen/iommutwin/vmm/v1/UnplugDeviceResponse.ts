// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from '../../../iommutwin/vmm/v1/VmInfo.js';

export interface UnplugDeviceResponse {
  'vm'?: (_iommutwin_vmm_v1_VmInfo | null);
}

export interface UnplugDeviceResponse__Output {
  'vm': (_iommutwin_vmm_v1_VmInfo__Output | null);
}
