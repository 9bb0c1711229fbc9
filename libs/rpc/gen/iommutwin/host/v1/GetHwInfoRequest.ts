// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of GetHwInfo.
 */
export interface GetHwInfoRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1.
   */
  'flags'?: (number);
  /**
   * Device object ID.
   */
  'dev_id'?: (number);
  /**
   * Requested `enum iommu_hw_info_type` (with FLAG_INPUT_TYPE).
   */
  'in_data_type'?: (number);
  /**
   * Size of the caller's buffer (any u32: the kernel copies min(data_len, struct size) bytes and
   * clears the rest of the buffer).
   */
  'data_len'?: (number);
}

/**
 * Request of GetHwInfo.
 */
export interface GetHwInfoRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1.
   */
  'flags': (number);
  /**
   * Device object ID.
   */
  'dev_id': (number);
  /**
   * Requested `enum iommu_hw_info_type` (with FLAG_INPUT_TYPE).
   */
  'in_data_type': (number);
  /**
   * Size of the caller's buffer (any u32: the kernel copies min(data_len, struct size) bytes and
   * clears the rest of the buffer).
   */
  'data_len': (number);
}
