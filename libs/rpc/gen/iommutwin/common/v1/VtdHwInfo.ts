// Original file: proto/iommutwin/common/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Decoded `struct iommu_hw_info_vtd` (IOMMU_HW_INFO_TYPE_INTEL_VTD = 1).
 */
export interface VtdHwInfo {
  /**
   * `IOMMU_HW_INFO_VTD_*` flags (ERRATA_772415_SPR17 = 1).
   */
  'flags'?: (number);
  /**
   * The unit's capability register image (VT-d CAP_REG).
   */
  'cap_reg'?: (number | string | Long);
  /**
   * The unit's extended capability register image (VT-d ECAP_REG).
   */
  'ecap_reg'?: (number | string | Long);
}

/**
 * Decoded `struct iommu_hw_info_vtd` (IOMMU_HW_INFO_TYPE_INTEL_VTD = 1).
 */
export interface VtdHwInfo__Output {
  /**
   * `IOMMU_HW_INFO_VTD_*` flags (ERRATA_772415_SPR17 = 1).
   */
  'flags': (number);
  /**
   * The unit's capability register image (VT-d CAP_REG).
   */
  'cap_reg': (string);
  /**
   * The unit's extended capability register image (VT-d ECAP_REG).
   */
  'ecap_reg': (string);
}
