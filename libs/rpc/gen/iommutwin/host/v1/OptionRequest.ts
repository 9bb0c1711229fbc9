// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Option.
 */
export interface OptionRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * An IommuOption value (IOMMU_OPTION_RLIMIT_MODE = 0, IOMMU_OPTION_HUGE_PAGES = 1), the uAPI
   * number as a uint32.
   */
  'option_id'?: (number);
  /**
   * An IommuOptionOp value (IOMMU_OPTION_OP_SET = 0, IOMMU_OPTION_OP_GET = 1) as a uint32.
   */
  'op'?: (number);
  /**
   * Object the option applies to (IOAS for HUGE_PAGES; 0 for global options).
   */
  'object_id'?: (number);
  /**
   * Value to set (ignored for GET).
   */
  'val64'?: (number | string | Long);
}

/**
 * Request of Option.
 */
export interface OptionRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * An IommuOption value (IOMMU_OPTION_RLIMIT_MODE = 0, IOMMU_OPTION_HUGE_PAGES = 1), the uAPI
   * number as a uint32.
   */
  'option_id': (number);
  /**
   * An IommuOptionOp value (IOMMU_OPTION_OP_SET = 0, IOMMU_OPTION_OP_GET = 1) as a uint32.
   */
  'op': (number);
  /**
   * Object the option applies to (IOAS for HUGE_PAGES; 0 for global options).
   */
  'object_id': (number);
  /**
   * Value to set (ignored for GET).
   */
  'val64': (string);
}
