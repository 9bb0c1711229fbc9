// Original file: proto/iommutwin/common/v1/types.proto

/**
 * Why a DMA (or an ATS translation request) did not complete.
 */
export const DmaFaultReason = {
  /**
   * Not set.
   */
  DMA_FAULT_REASON_UNSPECIFIED: 'DMA_FAULT_REASON_UNSPECIFIED',
  /**
   * DMA is blocked: no domain attached, a blocking domain, or the device's context /
   * stream table entry aborts.
   */
  DMA_FAULT_REASON_BLOCKED: 'DMA_FAULT_REASON_BLOCKED',
  /**
   * A page-table entry on the walk was not present (translation fault).
   */
  DMA_FAULT_REASON_TRANSLATION: 'DMA_FAULT_REASON_TRANSLATION',
  /**
   * The leaf entry does not allow the access (read/write/exec/privilege).
   */
  DMA_FAULT_REASON_PERMISSION: 'DMA_FAULT_REASON_PERMISSION',
  /**
   * The address is outside the domain's input address width or aperture.
   */
  DMA_FAULT_REASON_ADDRESS_SIZE: 'DMA_FAULT_REASON_ADDRESS_SIZE',
  /**
   * The PASID is not enabled, out of range or has no attachment.
   */
  DMA_FAULT_REASON_PASID: 'DMA_FAULT_REASON_PASID',
  /**
   * A configuration structure is invalid (context/PASID entry, STE, CD, guest stage-1 table
   * pointer).
   */
  DMA_FAULT_REASON_BAD_CONFIG: 'DMA_FAULT_REASON_BAD_CONFIG',
  /**
   * A recoverable fault was answered with IOMMUFD_PAGE_RESP_INVALID.
   */
  DMA_FAULT_REASON_PAGE_REQUEST_DENIED: 'DMA_FAULT_REASON_PAGE_REQUEST_DENIED',
  /**
   * The translation succeeded but nothing decodes the output address (for example a revoked
   * dma-buf or a BAR with decode disabled): a PCIe Unsupported Request, not an IOMMU fault.
   */
  DMA_FAULT_REASON_UNSUPPORTED_REQUEST: 'DMA_FAULT_REASON_UNSUPPORTED_REQUEST',
  /**
   * The input address lies in a reserved region of the device that is not translated (a
   * hardware MSI window): the access is not a memory request the IOMMU remaps.
   */
  DMA_FAULT_REASON_RESERVED: 'DMA_FAULT_REASON_RESERVED',
  /**
   * The device is gone (surprise removal): the access never reaches the IOMMU.
   */
  DMA_FAULT_REASON_DEVICE_GONE: 'DMA_FAULT_REASON_DEVICE_GONE',
} as const;

/**
 * Why a DMA (or an ATS translation request) did not complete.
 */
export type DmaFaultReason =
  /**
   * Not set.
   */
  | 'DMA_FAULT_REASON_UNSPECIFIED'
  | 0
  /**
   * DMA is blocked: no domain attached, a blocking domain, or the device's context /
   * stream table entry aborts.
   */
  | 'DMA_FAULT_REASON_BLOCKED'
  | 1
  /**
   * A page-table entry on the walk was not present (translation fault).
   */
  | 'DMA_FAULT_REASON_TRANSLATION'
  | 2
  /**
   * The leaf entry does not allow the access (read/write/exec/privilege).
   */
  | 'DMA_FAULT_REASON_PERMISSION'
  | 3
  /**
   * The address is outside the domain's input address width or aperture.
   */
  | 'DMA_FAULT_REASON_ADDRESS_SIZE'
  | 4
  /**
   * The PASID is not enabled, out of range or has no attachment.
   */
  | 'DMA_FAULT_REASON_PASID'
  | 5
  /**
   * A configuration structure is invalid (context/PASID entry, STE, CD, guest stage-1 table
   * pointer).
   */
  | 'DMA_FAULT_REASON_BAD_CONFIG'
  | 6
  /**
   * A recoverable fault was answered with IOMMUFD_PAGE_RESP_INVALID.
   */
  | 'DMA_FAULT_REASON_PAGE_REQUEST_DENIED'
  | 7
  /**
   * The translation succeeded but nothing decodes the output address (for example a revoked
   * dma-buf or a BAR with decode disabled): a PCIe Unsupported Request, not an IOMMU fault.
   */
  | 'DMA_FAULT_REASON_UNSUPPORTED_REQUEST'
  | 8
  /**
   * The input address lies in a reserved region of the device that is not translated (a
   * hardware MSI window): the access is not a memory request the IOMMU remaps.
   */
  | 'DMA_FAULT_REASON_RESERVED'
  | 9
  /**
   * The device is gone (surprise removal): the access never reaches the IOMMU.
   */
  | 'DMA_FAULT_REASON_DEVICE_GONE'
  | 10

/**
 * Why a DMA (or an ATS translation request) did not complete.
 */
export type DmaFaultReason__Output = typeof DmaFaultReason[keyof typeof DmaFaultReason]
