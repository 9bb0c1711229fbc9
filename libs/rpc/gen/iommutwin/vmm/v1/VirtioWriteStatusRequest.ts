// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Request of VirtioWriteStatus.
 */
export interface VirtioWriteStatusRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id'?: (string);
  /**
   * The byte the driver writes (0 = reset): a bitmask of VirtioConfigS values as a uint32.
   */
  'status'?: (number);
}

/**
 * Request of VirtioWriteStatus.
 */
export interface VirtioWriteStatusRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id': (string);
  /**
   * The byte the driver writes (0 = reset): a bitmask of VirtioConfigS values as a uint32.
   */
  'status': (number);
}
