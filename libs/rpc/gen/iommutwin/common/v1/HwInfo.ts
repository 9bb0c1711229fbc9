// Original file: proto/iommutwin/common/v1/types.proto

import type { VtdHwInfo as _iommutwin_common_v1_VtdHwInfo, VtdHwInfo__Output as _iommutwin_common_v1_VtdHwInfo__Output } from '../../../iommutwin/common/v1/VtdHwInfo.js';
import type { Smmuv3HwInfo as _iommutwin_common_v1_Smmuv3HwInfo, Smmuv3HwInfo__Output as _iommutwin_common_v1_Smmuv3HwInfo__Output } from '../../../iommutwin/common/v1/Smmuv3HwInfo.js';
import type { AmdHwInfo as _iommutwin_common_v1_AmdHwInfo, AmdHwInfo__Output as _iommutwin_common_v1_AmdHwInfo__Output } from '../../../iommutwin/common/v1/AmdHwInfo.js';

/**
 * The hardware description IOMMU_GET_HW_INFO reports for a unit: the uAPI type, the raw
 * struct bytes and a decoded view.
 */
export interface HwInfo {
  /**
   * `enum iommu_hw_info_type` value (NONE = 0, INTEL_VTD = 1, ARM_SMMUV3 = 2, TEGRA241_CMDQV = 3, AMD = 4).
   */
  'type'?: (number);
  /**
   * The uAPI struct's exact little-endian bytes (full kernel size).
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * Intel VT-d register images.
   */
  'vtd'?: (_iommutwin_common_v1_VtdHwInfo | null);
  /**
   * Arm SMMUv3 ID register images.
   */
  'smmuv3'?: (_iommutwin_common_v1_Smmuv3HwInfo | null);
  /**
   * AMD-Vi extended feature registers.
   */
  'amd'?: (_iommutwin_common_v1_AmdHwInfo | null);
  /**
   * The decoded view of `data`; unset when the type has no decoder here.
   */
  'decoded'?: "vtd"|"smmuv3"|"amd";
}

/**
 * The hardware description IOMMU_GET_HW_INFO reports for a unit: the uAPI type, the raw
 * struct bytes and a decoded view.
 */
export interface HwInfo__Output {
  /**
   * `enum iommu_hw_info_type` value (NONE = 0, INTEL_VTD = 1, ARM_SMMUV3 = 2, TEGRA241_CMDQV = 3, AMD = 4).
   */
  'type': (number);
  /**
   * The uAPI struct's exact little-endian bytes (full kernel size).
   */
  'data': (Buffer);
  /**
   * Intel VT-d register images.
   */
  'vtd'?: (_iommutwin_common_v1_VtdHwInfo__Output | null);
  /**
   * Arm SMMUv3 ID register images.
   */
  'smmuv3'?: (_iommutwin_common_v1_Smmuv3HwInfo__Output | null);
  /**
   * AMD-Vi extended feature registers.
   */
  'amd'?: (_iommutwin_common_v1_AmdHwInfo__Output | null);
  /**
   * The decoded view of `data`; unset when the type has no decoder here.
   */
  'decoded'?: "vtd"|"smmuv3"|"amd";
}
