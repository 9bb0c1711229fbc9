// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_option`: OptionRequest.option_id (a uint32 on the wire).
 */
export const IommuOption = {
  /**
   * The accounting mode of pinned pages (global).
   */
  IOMMU_OPTION_RLIMIT_MODE: 'IOMMU_OPTION_RLIMIT_MODE',
  /**
   * Whether an IOAS may use huge pages (per IOAS).
   */
  IOMMU_OPTION_HUGE_PAGES: 'IOMMU_OPTION_HUGE_PAGES',
} as const;

/**
 * `enum iommufd_option`: OptionRequest.option_id (a uint32 on the wire).
 */
export type IommuOption =
  /**
   * The accounting mode of pinned pages (global).
   */
  | 'IOMMU_OPTION_RLIMIT_MODE'
  | 0
  /**
   * Whether an IOAS may use huge pages (per IOAS).
   */
  | 'IOMMU_OPTION_HUGE_PAGES'
  | 1

/**
 * `enum iommufd_option`: OptionRequest.option_id (a uint32 on the wire).
 */
export type IommuOption__Output = typeof IommuOption[keyof typeof IommuOption]
