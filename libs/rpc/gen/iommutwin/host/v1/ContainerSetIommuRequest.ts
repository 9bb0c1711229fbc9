// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Request of ContainerSetIommu.
 */
export interface ContainerSetIommuRequest {
  /**
   * Container fd.
   */
  'container_fd'?: (number);
  /**
   * IOMMU type: VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3.
   */
  'type'?: (number);
}

/**
 * Request of ContainerSetIommu.
 */
export interface ContainerSetIommuRequest__Output {
  /**
   * Container fd.
   */
  'container_fd': (number);
  /**
   * IOMMU type: VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3.
   */
  'type': (number);
}
