// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * Host objects backing one assigned device (for inspection).
 */
export interface HostObjects {
  /**
   * The iommufd fd in the VM's host process.
   */
  'iommufd'?: (number);
  /**
   * The device's VFIO cdev fd in the VM's host process.
   */
  'device_fd'?: (number);
  /**
   * The iommufd device object ID (IOMMU_DEVICE bind).
   */
  'dev_id'?: (number);
  /**
   * The IOAS objects the device's DMA goes through.
   */
  'ioas_ids'?: (number)[];
  /**
   * The HWPT objects allocated for the device.
   */
  'hwpt_ids'?: (number)[];
  /**
   * SMMUv3 accel (NESTED): the host vIOMMU object (IOMMU_VIOMMU_ALLOC) the device's vDEVICE
   * sits on; unset for other backends.
   */
  'viommu_id'?: (number);
  /**
   * SMMUv3 accel (NESTED): the device's vDEVICE (virt_id = the guest StreamID), once the
   * guest's first CFGI_STE for it made one; unset before and for other backends.
   */
  'vdevice_id'?: (number);
  '_viommu_id'?: "viommu_id";
  '_vdevice_id'?: "vdevice_id";
}

/**
 * Host objects backing one assigned device (for inspection).
 */
export interface HostObjects__Output {
  /**
   * The iommufd fd in the VM's host process.
   */
  'iommufd': (number);
  /**
   * The device's VFIO cdev fd in the VM's host process.
   */
  'device_fd': (number);
  /**
   * The iommufd device object ID (IOMMU_DEVICE bind).
   */
  'dev_id': (number);
  /**
   * The IOAS objects the device's DMA goes through.
   */
  'ioas_ids': (number)[];
  /**
   * The HWPT objects allocated for the device.
   */
  'hwpt_ids': (number)[];
  /**
   * SMMUv3 accel (NESTED): the host vIOMMU object (IOMMU_VIOMMU_ALLOC) the device's vDEVICE
   * sits on; unset for other backends.
   */
  'viommu_id'?: (number);
  /**
   * SMMUv3 accel (NESTED): the device's vDEVICE (virt_id = the guest StreamID), once the
   * guest's first CFGI_STE for it made one; unset before and for other backends.
   */
  'vdevice_id'?: (number);
  '_viommu_id'?: "viommu_id";
  '_vdevice_id'?: "vdevice_id";
}
