// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * VIRTIO_IOMMU_T_PROBE: the properties of an endpoint.
 */
export interface ProbeReq {
  /**
   * Endpoint ID (bus << 8 | devfn).
   */
  'endpoint'?: (number);
}

/**
 * VIRTIO_IOMMU_T_PROBE: the properties of an endpoint.
 */
export interface ProbeReq__Output {
  /**
   * Endpoint ID (bus << 8 | devfn).
   */
  'endpoint': (number);
}
