// Original file: proto/iommutwin/vmm/v1/types.proto

import type { ViommuModel as _iommutwin_vmm_v1_ViommuModel, ViommuModel__Output as _iommutwin_vmm_v1_ViommuModel__Output } from '../../../iommutwin/vmm/v1/ViommuModel.js';
import type { VirtioIommuSpec as _iommutwin_vmm_v1_VirtioIommuSpec, VirtioIommuSpec__Output as _iommutwin_vmm_v1_VirtioIommuSpec__Output } from '../../../iommutwin/vmm/v1/VirtioIommuSpec.js';
import type { IntelIommuSpec as _iommutwin_vmm_v1_IntelIommuSpec, IntelIommuSpec__Output as _iommutwin_vmm_v1_IntelIommuSpec__Output } from '../../../iommutwin/vmm/v1/IntelIommuSpec.js';
import type { Smmuv3Spec as _iommutwin_vmm_v1_Smmuv3Spec, Smmuv3Spec__Output as _iommutwin_vmm_v1_Smmuv3Spec__Output } from '../../../iommutwin/vmm/v1/Smmuv3Spec.js';

export interface ViommuSpec {
  'model'?: (_iommutwin_vmm_v1_ViommuModel);
  'virtio'?: (_iommutwin_vmm_v1_VirtioIommuSpec | null);
  'intel'?: (_iommutwin_vmm_v1_IntelIommuSpec | null);
  'smmuv3'?: (_iommutwin_vmm_v1_Smmuv3Spec | null);
}

export interface ViommuSpec__Output {
  'model': (_iommutwin_vmm_v1_ViommuModel__Output);
  'virtio': (_iommutwin_vmm_v1_VirtioIommuSpec__Output | null);
  'intel': (_iommutwin_vmm_v1_IntelIommuSpec__Output | null);
  'smmuv3': (_iommutwin_vmm_v1_Smmuv3Spec__Output | null);
}
