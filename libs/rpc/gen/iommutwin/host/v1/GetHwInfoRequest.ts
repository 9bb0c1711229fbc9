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
   * Size of the caller's buffer; `data` is cut or zero-filled to it.
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
   * Size of the caller's buffer; `data` is cut or zero-filled to it.
   */
  'data_len': (number);
}
