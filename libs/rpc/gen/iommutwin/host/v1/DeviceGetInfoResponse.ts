// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceGetInfo.
 */
export interface DeviceGetInfoResponse {
  /**
   * VFIO_DEVICE_FLAGS_* (RESET = 1, PCI = 2, ..., CDEV = 0x200).
   */
  'flags'?: (number);
  /**
   * Number of regions (VFIO_PCI_NUM_REGIONS for PCI).
   */
  'num_regions'?: (number);
  /**
   * Number of IRQ indexes.
   */
  'num_irqs'?: (number);
}

/**
 * Response of DeviceGetInfo.
 */
export interface DeviceGetInfoResponse__Output {
  /**
   * VFIO_DEVICE_FLAGS_* (RESET = 1, PCI = 2, ..., CDEV = 0x200).
   */
  'flags': (number);
  /**
   * Number of regions (VFIO_PCI_NUM_REGIONS for PCI).
   */
  'num_regions': (number);
  /**
   * Number of IRQ indexes.
   */
  'num_irqs': (number);
}
