// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_ioas_map_flags`: bits of IoasMapRequest.flags, IoasMapFileRequest.flags and
 * IoasCopyRequest.flags (a uint32 bitmask on the wire).
 */
export const IommuIoasMap = {
  /**
   * No flag (0): the kernel picks the IOVA and the mapping is neither readable nor writeable
   * (EINVAL: at least one of READABLE / WRITEABLE is required).
   */
  IOMMU_IOAS_MAP_UNSPECIFIED: 'IOMMU_IOAS_MAP_UNSPECIFIED',
  /**
   * Map at the given `iova` instead of allocating one.
   */
  IOMMU_IOAS_MAP_FIXED_IOVA: 'IOMMU_IOAS_MAP_FIXED_IOVA',
  /**
   * The device may write.
   */
  IOMMU_IOAS_MAP_WRITEABLE: 'IOMMU_IOAS_MAP_WRITEABLE',
  /**
   * The device may read.
   */
  IOMMU_IOAS_MAP_READABLE: 'IOMMU_IOAS_MAP_READABLE',
} as const;

/**
 * `enum iommufd_ioas_map_flags`: bits of IoasMapRequest.flags, IoasMapFileRequest.flags and
 * IoasCopyRequest.flags (a uint32 bitmask on the wire).
 */
export type IommuIoasMap =
  /**
   * No flag (0): the kernel picks the IOVA and the mapping is neither readable nor writeable
   * (EINVAL: at least one of READABLE / WRITEABLE is required).
   */
  | 'IOMMU_IOAS_MAP_UNSPECIFIED'
  | 0
  /**
   * Map at the given `iova` instead of allocating one.
   */
  | 'IOMMU_IOAS_MAP_FIXED_IOVA'
  | 1
  /**
   * The device may write.
   */
  | 'IOMMU_IOAS_MAP_WRITEABLE'
  | 2
  /**
   * The device may read.
   */
  | 'IOMMU_IOAS_MAP_READABLE'
  | 4

/**
 * `enum iommufd_ioas_map_flags`: bits of IoasMapRequest.flags, IoasMapFileRequest.flags and
 * IoasCopyRequest.flags (a uint32 bitmask on the wire).
 */
export type IommuIoasMap__Output = typeof IommuIoasMap[keyof typeof IommuIoasMap]
