// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * VIRTIO_IOMMU_T_ATTACH: attach an endpoint to a domain.
 */
export interface AttachReq {
  /**
   * Domain ID.
   */
  'domain'?: (number);
  /**
   * Endpoint ID (bus << 8 | devfn).
   */
  'endpoint'?: (number);
  /**
   * Bitmask of VirtioIommuAttachF values (VIRTIO_IOMMU_ATTACH_F_BYPASS = 1) as a uint32.
   */
  'flags'?: (number);
  /**
   * The request's reserved bytes as a little-endian u32 (non-zero: S_INVAL).
   */
  'reserved'?: (number);
}

/**
 * VIRTIO_IOMMU_T_ATTACH: attach an endpoint to a domain.
 */
export interface AttachReq__Output {
  /**
   * Domain ID.
   */
  'domain': (number);
  /**
   * Endpoint ID (bus << 8 | devfn).
   */
  'endpoint': (number);
  /**
   * Bitmask of VirtioIommuAttachF values (VIRTIO_IOMMU_ATTACH_F_BYPASS = 1) as a uint32.
   */
  'flags': (number);
  /**
   * The request's reserved bytes as a little-endian u32 (non-zero: S_INVAL).
   */
  'reserved': (number);
}
