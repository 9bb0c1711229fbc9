// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of ContainerCheckExtension.
 */
export interface ContainerCheckExtensionRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
  /**
   * Extension (VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3, VFIO_DMA_CC_IOMMU = 4,
   * VFIO_UNMAP_ALL = 9, VFIO_UPDATE_VADDR = 10, ...).
   */
  'extension'?: (number);
}

/**
 * Request of ContainerCheckExtension.
 */
export interface ContainerCheckExtensionRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
  /**
   * Extension (VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3, VFIO_DMA_CC_IOMMU = 4,
   * VFIO_UNMAP_ALL = 9, VFIO_UPDATE_VADDR = 10, ...).
   */
  'extension': (number);
}
