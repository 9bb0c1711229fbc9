// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Open.
 */
export interface OpenRequest {
  /**
   * Device node: `/dev/iommu`, `/dev/vfio/vfio`, `/dev/vfio/<group>`, `/dev/vfio/devices/vfio<N>`.
   */
  'path'?: (string);
  /**
   * open(2) flags (O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CLOEXEC = 0x80000, ...).
   */
  'flags'?: (number);
}

/**
 * Request of Open.
 */
export interface OpenRequest__Output {
  /**
   * Device node: `/dev/iommu`, `/dev/vfio/vfio`, `/dev/vfio/<group>`, `/dev/vfio/devices/vfio<N>`.
   */
  'path': (string);
  /**
   * open(2) flags (O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CLOEXEC = 0x80000, ...).
   */
  'flags': (number);
}
