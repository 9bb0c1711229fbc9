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
   * Host → the capability it lacks (absent when it lacks nothing): against the best host of the
   * pool, plus the plug checks and VFIO migration blockers the baseline still fails there; one
   * entry per lack, joined by "; ".
   */
  'lacking'?: ({[key: string]: string});
  /**
   * The machine type the baseline is for (q35 for INTEL_IOMMU and x86 hosts, virt for SMMUV3 and
   * Arm hosts).
   */
  'machine'?: (string);
  /**
   * Host → the host BDFs the request's devices resolved to there, in request order
   * (comma-separated); absent without devices.
   */
  'devices'?: ({[key: string]: string});
  /**
   * Why each guest-visible setting has its value (one line per setting: which host bounds it).
   */
  'reasons'?: (string)[];
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
   * Host → the capability it lacks (absent when it lacks nothing): against the best host of the
   * pool, plus the plug checks and VFIO migration blockers the baseline still fails there; one
   * entry per lack, joined by "; ".
   */
  'lacking': ({[key: string]: string});
  /**
   * The machine type the baseline is for (q35 for INTEL_IOMMU and x86 hosts, virt for SMMUV3 and
   * Arm hosts).
   */
  'machine': (string);
  /**
   * Host → the host BDFs the request's devices resolved to there, in request order
   * (comma-separated); absent without devices.
   */
  'devices': ({[key: string]: string});
  /**
   * Why each guest-visible setting has its value (one line per setting: which host bounds it).
   */
  'reasons': (string)[];
}
