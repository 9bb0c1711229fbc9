// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { ViommuSpec as _iommutwin_vmm_v1_ViommuSpec, ViommuSpec__Output as _iommutwin_vmm_v1_ViommuSpec__Output } from '../../../iommutwin/vmm/v1/ViommuSpec.js';

/**
 * Response of ComputeBaseline.
 */
export interface ComputeBaselineResponse {
  /**
   * The richest ViommuSpec every host can back, usable as is in a VmSpec.
   */
  'baseline'?: (_iommutwin_vmm_v1_ViommuSpec | null);
  /**
   * Host → the backend that host would use.
   */
  'backend_plan'?: ({[key: string]: string});
  /**
   * Host → the capability it lacks (absent when it lacks nothing).
   */
  'lacking'?: ({[key: string]: string});
}

/**
 * Response of ComputeBaseline.
 */
export interface ComputeBaselineResponse__Output {
  /**
   * The richest ViommuSpec every host can back, usable as is in a VmSpec.
   */
  'baseline': (_iommutwin_vmm_v1_ViommuSpec__Output | null);
  /**
   * Host → the backend that host would use.
   */
  'backend_plan': ({[key: string]: string});
  /**
   * Host → the capability it lacks (absent when it lacks nothing).
   */
  'lacking': ({[key: string]: string});
}
