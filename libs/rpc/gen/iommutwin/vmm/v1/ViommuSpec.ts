// Original file: proto/iommutwin/vmm/v1/types.proto

import type { ViommuModel as _iommutwin_vmm_v1_ViommuModel, ViommuModel__Output as _iommutwin_vmm_v1_ViommuModel__Output } from '../../../iommutwin/vmm/v1/ViommuModel.js';
import type { VirtioIommuSpec as _iommutwin_vmm_v1_VirtioIommuSpec, VirtioIommuSpec__Output as _iommutwin_vmm_v1_VirtioIommuSpec__Output } from '../../../iommutwin/vmm/v1/VirtioIommuSpec.js';
import type { IntelIommuSpec as _iommutwin_vmm_v1_IntelIommuSpec, IntelIommuSpec__Output as _iommutwin_vmm_v1_IntelIommuSpec__Output } from '../../../iommutwin/vmm/v1/IntelIommuSpec.js';
import type { Smmuv3Spec as _iommutwin_vmm_v1_Smmuv3Spec, Smmuv3Spec__Output as _iommutwin_vmm_v1_Smmuv3Spec__Output } from '../../../iommutwin/vmm/v1/Smmuv3Spec.js';

/**
 * The guest-visible vIOMMU of a VM: the model and the settings of that model (only the message
 * matching `model` is read).
 */
export interface ViommuSpec {
  /**
   * Which vIOMMU the guest sees.
   */
  'model'?: (_iommutwin_vmm_v1_ViommuModel);
  /**
   * Settings when model is VIOMMU_MODEL_VIRTIO_IOMMU.
   */
  'virtio'?: (_iommutwin_vmm_v1_VirtioIommuSpec | null);
  /**
   * Settings when model is VIOMMU_MODEL_INTEL_IOMMU.
   */
  'intel'?: (_iommutwin_vmm_v1_IntelIommuSpec | null);
  /**
   * Settings when model is VIOMMU_MODEL_SMMUV3.
   */
  'smmuv3'?: (_iommutwin_vmm_v1_Smmuv3Spec | null);
}

/**
 * The guest-visible vIOMMU of a VM: the model and the settings of that model (only the message
 * matching `model` is read).
 */
export interface ViommuSpec__Output {
  /**
   * Which vIOMMU the guest sees.
   */
  'model': (_iommutwin_vmm_v1_ViommuModel__Output);
  /**
   * Settings when model is VIOMMU_MODEL_VIRTIO_IOMMU.
   */
  'virtio': (_iommutwin_vmm_v1_VirtioIommuSpec__Output | null);
  /**
   * Settings when model is VIOMMU_MODEL_INTEL_IOMMU.
   */
  'intel': (_iommutwin_vmm_v1_IntelIommuSpec__Output | null);
  /**
   * Settings when model is VIOMMU_MODEL_SMMUV3.
   */
  'smmuv3': (_iommutwin_vmm_v1_Smmuv3Spec__Output | null);
}
