// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { ViommuModel as _iommutwin_vmm_v1_ViommuModel, ViommuModel__Output as _iommutwin_vmm_v1_ViommuModel__Output } from '../../../iommutwin/vmm/v1/ViommuModel.js';

export interface ComputeBaselineRequest {
  'hosts'?: (string)[];
  'model'?: (_iommutwin_vmm_v1_ViommuModel);
}

export interface ComputeBaselineRequest__Output {
  'hosts': (string)[];
  'model': (_iommutwin_vmm_v1_ViommuModel__Output);
}
