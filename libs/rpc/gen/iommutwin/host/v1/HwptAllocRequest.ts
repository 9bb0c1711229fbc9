// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Request of HwptAlloc.
 */
export interface HwptAllocRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Bitmask of IommuHwptAlloc values (IOMMU_HWPT_ALLOC_NEST_PARENT = 1, DIRTY_TRACKING = 2,
   * IOMMU_HWPT_FAULT_ID_VALID = 4, IOMMU_HWPT_ALLOC_PASID = 8), the uAPI numbers; it stays a
   * uint32 on the wire.
   */
  'flags'?: (number);
  /**
   * Device object ID.
   */
  'dev_id'?: (number);
  /**
   * Parent: IOAS (paging HWPT), paging HWPT or vIOMMU (nested HWPT).
   */
  'pt_id'?: (number);
  /**
   * `enum iommu_hwpt_data_type` as a uint32: an IommuHwptData value (NONE = 0, VTD_S1 = 1,
   * ARM_SMMUV3 = 2, AMD_GUEST = 3).
   */
  'data_type'?: (number);
  /**
   * The driver data (`iommu_hwpt_vtd_s1` / `iommu_hwpt_arm_smmuv3` layout, little-endian).
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * Fault queue object with FAULT_ID_VALID.
   */
  'fault_id'?: (number);
}

/**
 * Request of HwptAlloc.
 */
export interface HwptAllocRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Bitmask of IommuHwptAlloc values (IOMMU_HWPT_ALLOC_NEST_PARENT = 1, DIRTY_TRACKING = 2,
   * IOMMU_HWPT_FAULT_ID_VALID = 4, IOMMU_HWPT_ALLOC_PASID = 8), the uAPI numbers; it stays a
   * uint32 on the wire.
   */
  'flags': (number);
  /**
   * Device object ID.
   */
  'dev_id': (number);
  /**
   * Parent: IOAS (paging HWPT), paging HWPT or vIOMMU (nested HWPT).
   */
  'pt_id': (number);
  /**
   * `enum iommu_hwpt_data_type` as a uint32: an IommuHwptData value (NONE = 0, VTD_S1 = 1,
   * ARM_SMMUV3 = 2, AMD_GUEST = 3).
   */
  'data_type': (number);
  /**
   * The driver data (`iommu_hwpt_vtd_s1` / `iommu_hwpt_arm_smmuv3` layout, little-endian).
   */
  'data': (Buffer);
  /**
   * Fault queue object with FAULT_ID_VALID.
   */
  'fault_id': (number);
}
