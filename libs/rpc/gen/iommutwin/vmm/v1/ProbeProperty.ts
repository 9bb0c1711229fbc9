// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One property of a PROBE reply.
 */
export interface ProbeProperty {
  /**
   * A VirtioIommuProbeT value (VIRTIO_IOMMU_PROBE_T_RESV_MEM = 1) as a uint32.
   */
  'type'?: (number);
  /**
   * RESV_MEM: a VirtioIommuResvMemT value (RESERVED = 0, MSI = 1) as a uint32.
   */
  'subtype'?: (number);
  /**
   * RESV_MEM: first address of the region.
   */
  'start'?: (number | string | Long);
  /**
   * RESV_MEM: last address of the region (inclusive).
   */
  'end'?: (number | string | Long);
}

/**
 * One property of a PROBE reply.
 */
export interface ProbeProperty__Output {
  /**
   * A VirtioIommuProbeT value (VIRTIO_IOMMU_PROBE_T_RESV_MEM = 1) as a uint32.
   */
  'type': (number);
  /**
   * RESV_MEM: a VirtioIommuResvMemT value (RESERVED = 0, MSI = 1) as a uint32.
   */
  'subtype': (number);
  /**
   * RESV_MEM: first address of the region.
   */
  'start': (string);
  /**
   * RESV_MEM: last address of the region (inclusive).
   */
  'end': (string);
}
