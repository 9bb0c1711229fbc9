// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioWriteStatusRequest {
  'vm'?: (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id'?: (string);
  /**
   * The byte the driver writes (0 = reset).
   */
  'status'?: (number);
}

export interface VirtioWriteStatusRequest__Output {
  'vm': (string);
  /**
   * A virtio device of the VM; empty = the virtio-iommu.
   */
  'device_id': (string);
  /**
   * The byte the driver writes (0 = reset).
   */
  'status': (number);
}
