// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * VIRTIO_IOMMU_T_DETACH: detach an endpoint from a domain.
 */
export interface DetachReq {
  /**
   * Domain ID.
   */
  'domain'?: (number);
  /**
   * Endpoint ID (bus << 8 | devfn).
   */
  'endpoint'?: (number);
}

/**
 * VIRTIO_IOMMU_T_DETACH: detach an endpoint from a domain.
 */
export interface DetachReq__Output {
  /**
   * Domain ID.
   */
  'domain': (number);
  /**
   * Endpoint ID (bus << 8 | devfn).
   */
  'endpoint': (number);
}
