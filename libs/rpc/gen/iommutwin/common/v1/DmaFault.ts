// Original file: proto/iommutwin/common/v1/types.proto

import type { DmaFaultReason as _iommutwin_common_v1_DmaFaultReason, DmaFaultReason__Output as _iommutwin_common_v1_DmaFaultReason__Output } from '../../../iommutwin/common/v1/DmaFaultReason.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A DMA fault as the device (and the IOMMU's fault log) sees it.
 */
export interface DmaFault {
  /**
   * Why the access failed.
   */
  'reason'?: (_iommutwin_common_v1_DmaFaultReason);
  /**
   * The faulting input address (IOVA, or guest IOVA for a nested stage-1 fault).
   */
  'addr'?: (number | string | Long);
  /**
   * The PASID of the access; absent for an access without PASID.
   */
  'pasid'?: (number);
  /**
   * Page-table level at which the walk stopped (format-specific numbering, 0 when no walk
   * was involved).
   */
  'level'?: (number);
  /**
   * True when the fault was reported as a recoverable page request (PRI/stall) rather than
   * logged as an unrecoverable fault.
   */
  'recoverable'?: (boolean);
  /**
   * Translation stage that faulted for nested translation: 1 or 2 (0 when not nested).
   */
  'stage'?: (number);
  /**
   * True for a write access.
   */
  'write'?: (boolean);
  /**
   * The IOMMU unit that reported the fault.
   */
  'unit'?: (string);
  /**
   * Human-readable description (like the kernel's fault log line).
   */
  'detail'?: (string);
  '_pasid'?: "pasid";
}

/**
 * A DMA fault as the device (and the IOMMU's fault log) sees it.
 */
export interface DmaFault__Output {
  /**
   * Why the access failed.
   */
  'reason': (_iommutwin_common_v1_DmaFaultReason__Output);
  /**
   * The faulting input address (IOVA, or guest IOVA for a nested stage-1 fault).
   */
  'addr': (string);
  /**
   * The PASID of the access; absent for an access without PASID.
   */
  'pasid'?: (number);
  /**
   * Page-table level at which the walk stopped (format-specific numbering, 0 when no walk
   * was involved).
   */
  'level': (number);
  /**
   * True when the fault was reported as a recoverable page request (PRI/stall) rather than
   * logged as an unrecoverable fault.
   */
  'recoverable': (boolean);
  /**
   * Translation stage that faulted for nested translation: 1 or 2 (0 when not nested).
   */
  'stage': (number);
  /**
   * True for a write access.
   */
  'write': (boolean);
  /**
   * The IOMMU unit that reported the fault.
   */
  'unit': (string);
  /**
   * Human-readable description (like the kernel's fault log line).
   */
  'detail': (string);
  '_pasid'?: "pasid";
}
