// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * One page response (`struct iommu_hwpt_page_response`).
 */
export interface PageResponse {
  /**
   * The group's cookie.
   */
  'cookie'?: (number);
  /**
   * IOMMUFD_PAGE_RESP_SUCCESS = 0, IOMMUFD_PAGE_RESP_INVALID = 1.
   */
  'code'?: (number);
}

/**
 * One page response (`struct iommu_hwpt_page_response`).
 */
export interface PageResponse__Output {
  /**
   * The group's cookie.
   */
  'cookie': (number);
  /**
   * IOMMUFD_PAGE_RESP_SUCCESS = 0, IOMMUFD_PAGE_RESP_INVALID = 1.
   */
  'code': (number);
}
