// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { UnitCapability as _iommutwin_vmm_v1_UnitCapability, UnitCapability__Output as _iommutwin_vmm_v1_UnitCapability__Output } from '../../../iommutwin/vmm/v1/UnitCapability.js';

export interface GetHostCapabilitiesResponse {
  'host'?: (string);
  'units'?: (_iommutwin_vmm_v1_UnitCapability)[];
}

export interface GetHostCapabilitiesResponse__Output {
  'host': (string);
  'units': (_iommutwin_vmm_v1_UnitCapability__Output)[];
}
