// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One virtual event (`struct iommufd_vevent_header` + payload).
 */
export interface ReadVeventsResponse {
  /**
   * IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1 (a marker without payload).
   */
  'flags'?: (number);
  /**
   * Event sequence (increasing; a gap means events were lost).
   */
  'sequence'?: (number | string | Long);
  /**
   * The type-specific event (e.g. `struct iommu_vevent_arm_smmuv3`), little-endian.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * One virtual event (`struct iommufd_vevent_header` + payload).
 */
export interface ReadVeventsResponse__Output {
  /**
   * IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1 (a marker without payload).
   */
  'flags': (number);
  /**
   * Event sequence (increasing; a gap means events were lost).
   */
  'sequence': (string);
  /**
   * The type-specific event (e.g. `struct iommu_vevent_arm_smmuv3`), little-endian.
   */
  'data': (Buffer);
}
