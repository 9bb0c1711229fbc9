// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Kernel features of the host.
 */
export interface KernelFeatures {
  /**
   * dev/iommu exists.
   */
  'iommufd'?: (boolean);
  /**
   * dev/vfio/vfio is served by iommufd's compatibility layer.
   */
  'vfio_compat_container'?: (boolean);
  /**
   * dev/vfio/vfio is served by the native VFIO type1 backend.
   */
  'native_type1'?: (boolean);
  /**
   * VFIO_DEVICE_FEATURE_DMA_BUF and IOMMU_IOAS_MAP_FILE of dma-bufs (P2P).
   */
  'dmabuf_p2p'?: (boolean);
  /**
   * IOMMU_FAULT_QUEUE_ALLOC (IOPF delivery to user space).
   */
  'iommufd_fault'?: (boolean);
  /**
   * Nesting: nested HWPTs and IOMMU_VIOMMU_ALLOC / VDEVICE / VEVENTQ.
   */
  'viommu'?: (boolean);
}

/**
 * Kernel features of the host.
 */
export interface KernelFeatures__Output {
  /**
   * dev/iommu exists.
   */
  'iommufd': (boolean);
  /**
   * dev/vfio/vfio is served by iommufd's compatibility layer.
   */
  'vfio_compat_container': (boolean);
  /**
   * dev/vfio/vfio is served by the native VFIO type1 backend.
   */
  'native_type1': (boolean);
  /**
   * VFIO_DEVICE_FEATURE_DMA_BUF and IOMMU_IOAS_MAP_FILE of dma-bufs (P2P).
   */
  'dmabuf_p2p': (boolean);
  /**
   * IOMMU_FAULT_QUEUE_ALLOC (IOPF delivery to user space).
   */
  'iommufd_fault': (boolean);
  /**
   * Nesting: nested HWPTs and IOMMU_VIOMMU_ALLOC / VDEVICE / VEVENTQ.
   */
  'viommu': (boolean);
}
