// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { VtdHwInfo as _iommutwin_common_v1_VtdHwInfo, VtdHwInfo__Output as _iommutwin_common_v1_VtdHwInfo__Output } from '../../../iommutwin/common/v1/VtdHwInfo.js';
import type { Smmuv3HwInfo as _iommutwin_common_v1_Smmuv3HwInfo, Smmuv3HwInfo__Output as _iommutwin_common_v1_Smmuv3HwInfo__Output } from '../../../iommutwin/common/v1/Smmuv3HwInfo.js';
import type { AmdHwInfo as _iommutwin_common_v1_AmdHwInfo, AmdHwInfo__Output as _iommutwin_common_v1_AmdHwInfo__Output } from '../../../iommutwin/common/v1/AmdHwInfo.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of GetHwInfo.
 */
export interface GetHwInfoResponse {
  /**
   * `enum iommu_hw_info_type` of the data.
   */
  'out_data_type'?: (number);
  /**
   * The bytes the kernel copies: the uAPI struct's little-endian bytes cut to the requested
   * data_len when that is shorter. The kernel also zeroes the caller's buffer after them up to the
   * requested data_len; those (requested data_len - len(data)) zero bytes are not sent.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * The kernel's size of the struct (may exceed the requested data_len).
   */
  'data_len'?: (number);
  /**
   * `enum iommufd_hw_capabilities` bits (DIRTY_TRACKING = 1, PCI_PASID_EXEC = 2,
   * PCI_PASID_PRIV = 4, PCI_ATS_NOT_SUPPORTED = 8).
   */
  'out_capabilities'?: (number | string | Long);
  /**
   * log2 of the device's PASID count (0 = no PASID).
   */
  'out_max_pasid_log2'?: (number);
  /**
   * Intel VT-d.
   */
  'vtd'?: (_iommutwin_common_v1_VtdHwInfo | null);
  /**
   * Arm SMMUv3.
   */
  'smmuv3'?: (_iommutwin_common_v1_Smmuv3HwInfo | null);
  /**
   * AMD-Vi.
   */
  'amd'?: (_iommutwin_common_v1_AmdHwInfo | null);
  /**
   * Decoded view of the full (uncut) struct.
   */
  'decoded'?: "vtd"|"smmuv3"|"amd";
}

/**
 * Response of GetHwInfo.
 */
export interface GetHwInfoResponse__Output {
  /**
   * `enum iommu_hw_info_type` of the data.
   */
  'out_data_type': (number);
  /**
   * The bytes the kernel copies: the uAPI struct's little-endian bytes cut to the requested
   * data_len when that is shorter. The kernel also zeroes the caller's buffer after them up to the
   * requested data_len; those (requested data_len - len(data)) zero bytes are not sent.
   */
  'data': (Buffer);
  /**
   * The kernel's size of the struct (may exceed the requested data_len).
   */
  'data_len': (number);
  /**
   * `enum iommufd_hw_capabilities` bits (DIRTY_TRACKING = 1, PCI_PASID_EXEC = 2,
   * PCI_PASID_PRIV = 4, PCI_ATS_NOT_SUPPORTED = 8).
   */
  'out_capabilities': (string);
  /**
   * log2 of the device's PASID count (0 = no PASID).
   */
  'out_max_pasid_log2': (number);
  /**
   * Intel VT-d.
   */
  'vtd'?: (_iommutwin_common_v1_VtdHwInfo__Output | null);
  /**
   * Arm SMMUv3.
   */
  'smmuv3'?: (_iommutwin_common_v1_Smmuv3HwInfo__Output | null);
  /**
   * AMD-Vi.
   */
  'amd'?: (_iommutwin_common_v1_AmdHwInfo__Output | null);
  /**
   * Decoded view of the full (uncut) struct.
   */
  'decoded'?: "vtd"|"smmuv3"|"amd";
}
