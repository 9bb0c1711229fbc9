// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Request of VirtioReadStatus.
 */
export interface VirtioReadStatusRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id'?: (string);
}

/**
 * Request of VirtioReadStatus.
 */
export interface VirtioReadStatusRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id': (string);
}
