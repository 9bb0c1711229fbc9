// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Smmuv3Stage as _iommutwin_vmm_v1_Smmuv3Stage, Smmuv3Stage__Output as _iommutwin_vmm_v1_Smmuv3Stage__Output } from '../../../iommutwin/vmm/v1/Smmuv3Stage.js';

/**
 * Guest-visible SMMUv3 settings (QEMU's arm-smmuv3 properties), machine virt only. They fix
 * IDR0-5, never the host. Unset fields take QEMU's defaults; the combination is checked as
 * QEMU's smmu_validate_property checks it (INVALID_ARGUMENT BAD_VIOMMU, every violation in the
 * message).
 */
export interface Smmuv3Spec {
  /**
   * `accel`: assigned devices through the host's nested SMMUv3 (iommufd vIOMMU, NESTED backend).
   * Without it no device can be assigned (QEMU refuses the MAP notifier).
   */
  'accel'?: (boolean);
  /**
   * `oas`: output address size in bits, IDR5.OAS; 0 = 44. 48 only with accel.
   */
  'oas'?: (number);
  /**
   * `ssidsize`: IDR1.SSIDSIZE, substream ID bits (0..20); non-zero only with accel.
   */
  'ssidsize'?: (number);
  /**
   * `ril`: IDR3.RIL (range invalidation). Unset = on; off only with accel.
   */
  'ril'?: (boolean);
  /**
   * `ats`: IDR0.ATS; on only with accel.
   */
  'ats'?: (boolean);
  /**
   * Translation granules offered in IDR5, in bytes: each 4096, 16384 or 65536, no repeats.
   * Empty = all three (QEMU's set; QEMU has no property for it, the twin lets a pool baseline
   * drop granules a host lacks).
   */
  'granules'?: (number)[];
  /**
   * `stage`: which translation stages IDR0 offers. Unset = stage 1.
   */
  'stage'?: (_iommutwin_vmm_v1_Smmuv3Stage);
  '_ril'?: "ril";
}

/**
 * Guest-visible SMMUv3 settings (QEMU's arm-smmuv3 properties), machine virt only. They fix
 * IDR0-5, never the host. Unset fields take QEMU's defaults; the combination is checked as
 * QEMU's smmu_validate_property checks it (INVALID_ARGUMENT BAD_VIOMMU, every violation in the
 * message).
 */
export interface Smmuv3Spec__Output {
  /**
   * `accel`: assigned devices through the host's nested SMMUv3 (iommufd vIOMMU, NESTED backend).
   * Without it no device can be assigned (QEMU refuses the MAP notifier).
   */
  'accel': (boolean);
  /**
   * `oas`: output address size in bits, IDR5.OAS; 0 = 44. 48 only with accel.
   */
  'oas': (number);
  /**
   * `ssidsize`: IDR1.SSIDSIZE, substream ID bits (0..20); non-zero only with accel.
   */
  'ssidsize': (number);
  /**
   * `ril`: IDR3.RIL (range invalidation). Unset = on; off only with accel.
   */
  'ril'?: (boolean);
  /**
   * `ats`: IDR0.ATS; on only with accel.
   */
  'ats': (boolean);
  /**
   * Translation granules offered in IDR5, in bytes: each 4096, 16384 or 65536, no repeats.
   * Empty = all three (QEMU's set; QEMU has no property for it, the twin lets a pool baseline
   * drop granules a host lacks).
   */
  'granules': (number)[];
  /**
   * `stage`: which translation stages IDR0 offers. Unset = stage 1.
   */
  'stage': (_iommutwin_vmm_v1_Smmuv3Stage__Output);
  '_ril'?: "ril";
}
