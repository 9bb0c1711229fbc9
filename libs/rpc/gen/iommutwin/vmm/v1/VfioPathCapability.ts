// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * The host's two VFIO paths, as Platform.Describe's kernel features show them.
 */
export interface VfioPathCapability {
  /**
   * dev/iommu and VFIO device cdevs exist (the iommufd path).
   */
  'iommufd'?: (boolean);
  /**
   * What serves /dev/vfio/vfio: "native-type1", "iommufd-compat" or "none".
   */
  'container'?: (string);
  /**
   * P2P between assigned devices through the container: native type1 maps a BAR's mmap'd VA.
   */
  'p2p_bar_va'?: (boolean);
  /**
   * P2P on iommufd: VFIO_DEVICE_FEATURE_DMA_BUF + IOMMU_IOAS_MAP_FILE.
   */
  'p2p_dmabuf'?: (boolean);
}

/**
 * The host's two VFIO paths, as Platform.Describe's kernel features show them.
 */
export interface VfioPathCapability__Output {
  /**
   * dev/iommu and VFIO device cdevs exist (the iommufd path).
   */
  'iommufd': (boolean);
  /**
   * What serves /dev/vfio/vfio: "native-type1", "iommufd-compat" or "none".
   */
  'container': (string);
  /**
   * P2P between assigned devices through the container: native type1 maps a BAR's mmap'd VA.
   */
  'p2p_bar_va': (boolean);
  /**
   * P2P on iommufd: VFIO_DEVICE_FEATURE_DMA_BUF + IOMMU_IOAS_MAP_FILE.
   */
  'p2p_dmabuf': (boolean);
}
