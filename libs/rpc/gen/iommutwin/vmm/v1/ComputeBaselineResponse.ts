// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { ViommuSpec as _iommutwin_vmm_v1_ViommuSpec, ViommuSpec__Output as _iommutwin_vmm_v1_ViommuSpec__Output } from '../../../iommutwin/vmm/v1/ViommuSpec.js';

export interface ComputeBaselineResponse {
  'baseline'?: (_iommutwin_vmm_v1_ViommuSpec | null);
  'backend_plan'?: ({[key: string]: string});
  'lacking'?: ({[key: string]: string});
}

export interface ComputeBaselineResponse__Output {
  'baseline': (_iommutwin_vmm_v1_ViommuSpec__Output | null);
  'backend_plan': ({[key: string]: string});
  'lacking': ({[key: string]: string});
}
