// Original file: proto/iommutwin/host/v1/platform.proto

/**
 * Where an IOAS area's pages come from.
 */
export const AreaSource = {
  /**
   * Not set.
   */
  AREA_SOURCE_UNSPECIFIED: 'AREA_SOURCE_UNSPECIFIED',
  /**
   * A user virtual address range (IOMMU_IOAS_MAP, IOMMU_IOAS_COPY of one).
   */
  AREA_SOURCE_USER_VA: 'AREA_SOURCE_USER_VA',
  /**
   * A memfd (IOMMU_IOAS_MAP_FILE).
   */
  AREA_SOURCE_MEMFD: 'AREA_SOURCE_MEMFD',
  /**
   * A dma-buf (IOMMU_IOAS_MAP_FILE).
   */
  AREA_SOURCE_DMABUF: 'AREA_SOURCE_DMABUF',
} as const;

/**
 * Where an IOAS area's pages come from.
 */
export type AreaSource =
  /**
   * Not set.
   */
  | 'AREA_SOURCE_UNSPECIFIED'
  | 0
  /**
   * A user virtual address range (IOMMU_IOAS_MAP, IOMMU_IOAS_COPY of one).
   */
  | 'AREA_SOURCE_USER_VA'
  | 1
  /**
   * A memfd (IOMMU_IOAS_MAP_FILE).
   */
  | 'AREA_SOURCE_MEMFD'
  | 2
  /**
   * A dma-buf (IOMMU_IOAS_MAP_FILE).
   */
  | 'AREA_SOURCE_DMABUF'
  | 3

/**
 * Where an IOAS area's pages come from.
 */
export type AreaSource__Output = typeof AreaSource[keyof typeof AreaSource]
