// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioReadStatusRequest {
  'vm'?: (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id'?: (string);
}

export interface VirtioReadStatusRequest__Output {
  'vm': (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id': (string);
}
