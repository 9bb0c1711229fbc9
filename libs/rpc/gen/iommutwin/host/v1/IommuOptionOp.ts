// Original file: proto/iommutwin/host/v1/iommufd.proto

/**
 * `enum iommufd_option_ops`: OptionRequest.op (a uint32 on the wire).
 */
export const IommuOptionOp = {
  /**
   * Set the option to val64.
   */
  IOMMU_OPTION_OP_SET: 'IOMMU_OPTION_OP_SET',
  /**
   * Read the option into val64.
   */
  IOMMU_OPTION_OP_GET: 'IOMMU_OPTION_OP_GET',
} as const;

/**
 * `enum iommufd_option_ops`: OptionRequest.op (a uint32 on the wire).
 */
export type IommuOptionOp =
  /**
   * Set the option to val64.
   */
  | 'IOMMU_OPTION_OP_SET'
  | 0
  /**
   * Read the option into val64.
   */
  | 'IOMMU_OPTION_OP_GET'
  | 1

/**
 * `enum iommufd_option_ops`: OptionRequest.op (a uint32 on the wire).
 */
export type IommuOptionOp__Output = typeof IommuOptionOp[keyof typeof IommuOptionOp]
