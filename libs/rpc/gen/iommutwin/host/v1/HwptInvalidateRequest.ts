// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of HwptInvalidate.
 */
export interface HwptInvalidateRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * A nested HWPT or a vIOMMU.
   */
  'hwpt_id'?: (number);
  /**
   * `enum iommu_hwpt_invalidate_data_type` as a uint32: an IommuHwptInvalidateData value
   * (VTD_S1 = 0, ARM_SMMUV3 (vIOMMU) = 1).
   */
  'data_type'?: (number);
  /**
   * Size of one entry in bytes.
   */
  'entry_len'?: (number);
  /**
   * Packed entries; the entry count is entries.length / entry_len.
   */
  'entries'?: (Buffer | Uint8Array | string);
}

/**
 * Request of HwptInvalidate.
 */
export interface HwptInvalidateRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * A nested HWPT or a vIOMMU.
   */
  'hwpt_id': (number);
  /**
   * `enum iommu_hwpt_invalidate_data_type` as a uint32: an IommuHwptInvalidateData value
   * (VTD_S1 = 0, ARM_SMMUV3 (vIOMMU) = 1).
   */
  'data_type': (number);
  /**
   * Size of one entry in bytes.
   */
  'entry_len': (number);
  /**
   * Packed entries; the entry count is entries.length / entry_len.
   */
  'entries': (Buffer);
}
