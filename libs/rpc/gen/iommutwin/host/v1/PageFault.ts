// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One recoverable fault (`struct iommu_hwpt_pgfault` without the cookie).
 */
export interface PageFault {
  /**
   * IOMMU_PGFAULT_FLAGS_PASID_VALID = 1, LAST_PAGE = 2.
   */
  'flags'?: (number);
  /**
   * Device object ID in the fault queue's iommufd.
   */
  'dev_id'?: (number);
  /**
   * PASID (valid with PASID_VALID).
   */
  'pasid'?: (number);
  /**
   * Page request group index.
   */
  'grpid'?: (number);
  /**
   * IOMMU_PGFAULT_PERM_READ = 1, WRITE = 2, EXEC = 4, PRIV = 8.
   */
  'perm'?: (number);
  /**
   * Faulting address (page aligned).
   */
  'addr'?: (number | string | Long);
  /**
   * Length (currently always 0, as the kernel reports).
   */
  'length'?: (number);
}

/**
 * One recoverable fault (`struct iommu_hwpt_pgfault` without the cookie).
 */
export interface PageFault__Output {
  /**
   * IOMMU_PGFAULT_FLAGS_PASID_VALID = 1, LAST_PAGE = 2.
   */
  'flags': (number);
  /**
   * Device object ID in the fault queue's iommufd.
   */
  'dev_id': (number);
  /**
   * PASID (valid with PASID_VALID).
   */
  'pasid': (number);
  /**
   * Page request group index.
   */
  'grpid': (number);
  /**
   * IOMMU_PGFAULT_PERM_READ = 1, WRITE = 2, EXEC = 4, PRIV = 8.
   */
  'perm': (number);
  /**
   * Faulting address (page aligned).
   */
  'addr': (string);
  /**
   * Length (currently always 0, as the kernel reports).
   */
  'length': (number);
}
