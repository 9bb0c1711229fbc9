// Original file: proto/iommutwin/host/v1/platform.proto

import type { IommuType as _iommutwin_common_v1_IommuType, IommuType__Output as _iommutwin_common_v1_IommuType__Output } from '../../../iommutwin/common/v1/IommuType.js';
import type { HwInfo as _iommutwin_common_v1_HwInfo, HwInfo__Output as _iommutwin_common_v1_HwInfo__Output } from '../../../iommutwin/common/v1/HwInfo.js';
import type { Long } from '@grpc/proto-loader';

/**
 * An IOMMU unit.
 */
export interface IommuUnit {
  /**
   * Unit name (`dmar0`, `smmu0`).
   */
  'name'?: (string);
  /**
   * Hardware family.
   */
  'type'?: (_iommutwin_common_v1_IommuType);
  /**
   * What IOMMU_GET_HW_INFO reports for devices behind this unit.
   */
  'hw_info'?: (_iommutwin_common_v1_HwInfo | null);
  /**
   * `enum iommufd_hw_capabilities` bits the unit supports (DIRTY_TRACKING = 1, ...).
   */
  'capabilities'?: (number | string | Long);
  /**
   * Bitmap of supported page sizes (bit n set = 2^n bytes).
   */
  'page_sizes'?: (number | string | Long);
  /**
   * Input (IOVA) address width in bits.
   */
  'input_address_width'?: (number);
  /**
   * Output (physical) address width in bits.
   */
  'output_address_width'?: (number);
  /**
   * PASID width in bits (0 = no PASID support).
   */
  'pasid_bits'?: (number);
  /**
   * Nesting (two-stage translation) is supported.
   */
  'nesting'?: (boolean);
  /**
   * `enum iommu_hwpt_data_type` values a nested HWPT may be allocated with.
   */
  'hwpt_data_types'?: (number)[];
  /**
   * `enum iommu_viommu_type` values IOMMU_VIOMMU_ALLOC accepts.
   */
  'viommu_types'?: (number)[];
  /**
   * Hardware dirty tracking is supported.
   */
  'dirty_tracking'?: (boolean);
  /**
   * Recoverable faults (PCI PRI page requests / SMMU stall) are supported.
   */
  'page_requests'?: (boolean);
  /**
   * ATS (device translation caches) is supported.
   */
  'ats'?: (boolean);
  /**
   * Free-form hardware properties (`scalable_mode`, `range_invalidation`, `stream_table`, ...).
   */
  'properties'?: ({[key: string]: string});
}

/**
 * An IOMMU unit.
 */
export interface IommuUnit__Output {
  /**
   * Unit name (`dmar0`, `smmu0`).
   */
  'name': (string);
  /**
   * Hardware family.
   */
  'type': (_iommutwin_common_v1_IommuType__Output);
  /**
   * What IOMMU_GET_HW_INFO reports for devices behind this unit.
   */
  'hw_info': (_iommutwin_common_v1_HwInfo__Output | null);
  /**
   * `enum iommufd_hw_capabilities` bits the unit supports (DIRTY_TRACKING = 1, ...).
   */
  'capabilities': (string);
  /**
   * Bitmap of supported page sizes (bit n set = 2^n bytes).
   */
  'page_sizes': (string);
  /**
   * Input (IOVA) address width in bits.
   */
  'input_address_width': (number);
  /**
   * Output (physical) address width in bits.
   */
  'output_address_width': (number);
  /**
   * PASID width in bits (0 = no PASID support).
   */
  'pasid_bits': (number);
  /**
   * Nesting (two-stage translation) is supported.
   */
  'nesting': (boolean);
  /**
   * `enum iommu_hwpt_data_type` values a nested HWPT may be allocated with.
   */
  'hwpt_data_types': (number)[];
  /**
   * `enum iommu_viommu_type` values IOMMU_VIOMMU_ALLOC accepts.
   */
  'viommu_types': (number)[];
  /**
   * Hardware dirty tracking is supported.
   */
  'dirty_tracking': (boolean);
  /**
   * Recoverable faults (PCI PRI page requests / SMMU stall) are supported.
   */
  'page_requests': (boolean);
  /**
   * ATS (device translation caches) is supported.
   */
  'ats': (boolean);
  /**
   * Free-form hardware properties (`scalable_mode`, `range_invalidation`, `stream_table`, ...).
   */
  'properties': ({[key: string]: string});
}
