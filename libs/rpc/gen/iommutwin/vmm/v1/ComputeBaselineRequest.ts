// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { ViommuModel as _iommutwin_vmm_v1_ViommuModel, ViommuModel__Output as _iommutwin_vmm_v1_ViommuModel__Output } from '../../../iommutwin/vmm/v1/ViommuModel.js';

/**
 * Request of ComputeBaseline.
 */
export interface ComputeBaselineRequest {
  /**
   * Host descriptions (as Platform.Describe returns them, or profile YAML).
   */
  'hosts'?: (string)[];
  /**
   * The vIOMMU model to compute a baseline for.
   */
  'model'?: (_iommutwin_vmm_v1_ViommuModel);
}

/**
 * Request of ComputeBaseline.
 */
export interface ComputeBaselineRequest__Output {
  /**
   * Host descriptions (as Platform.Describe returns them, or profile YAML).
   */
  'hosts': (string)[];
  /**
   * The vIOMMU model to compute a baseline for.
   */
  'model': (_iommutwin_vmm_v1_ViommuModel__Output);
}
