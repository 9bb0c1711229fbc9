// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of ViommuAlloc.
 */
export interface ViommuAllocResponse {
  /**
   * The new vIOMMU ID.
   */
  'out_viommu_id'?: (number);
  /**
   * Driver data written back (type-specific).
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * Response of ViommuAlloc.
 */
export interface ViommuAllocResponse__Output {
  /**
   * The new vIOMMU ID.
   */
  'out_viommu_id': (number);
  /**
   * Driver data written back (type-specific).
   */
  'data': (Buffer);
}
