// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from '../../../iommutwin/common/v1/IovaRange.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of VirtioIommuConfig: the fields of struct virtio_iommu_config and the feature state.
 */
export interface VirtioIommuConfigResponse {
  /**
   * Offered features: a mask with bit (1 << v) per VirtioIommuF value v (plus transport bits such
   * as VIRTIO_F_VERSION_1 = 32, VIRTIO_F_ACCESS_PLATFORM = 33).
   */
  'device_features'?: (number | string | Long);
  /**
   * config.page_size_mask: supported page sizes; the lowest set bit is the granule.
   */
  'page_size_mask'?: (number | string | Long);
  /**
   * config.input_range (inclusive).
   */
  'input_range'?: (_iommutwin_common_v1_IovaRange | null);
  /**
   * config.domain_range.start.
   */
  'domain_range_start'?: (number);
  /**
   * config.domain_range.end (inclusive).
   */
  'domain_range_end'?: (number);
  /**
   * config.probe_size.
   */
  'probe_size'?: (number);
  /**
   * config.bypass (0 or 1).
   */
  'bypass'?: (number);
  /**
   * The exact 40-byte little-endian struct virtio_iommu_config.
   */
  'raw'?: (Buffer | Uint8Array | string);
  /**
   * Driver features written so far (same bit layout as device_features).
   */
  'driver_features'?: (number | string | Long);
  /**
   * The device accepted the driver features (FEATURES_OK).
   */
  'features_ok'?: (boolean);
}

/**
 * Response of VirtioIommuConfig: the fields of struct virtio_iommu_config and the feature state.
 */
export interface VirtioIommuConfigResponse__Output {
  /**
   * Offered features: a mask with bit (1 << v) per VirtioIommuF value v (plus transport bits such
   * as VIRTIO_F_VERSION_1 = 32, VIRTIO_F_ACCESS_PLATFORM = 33).
   */
  'device_features': (string);
  /**
   * config.page_size_mask: supported page sizes; the lowest set bit is the granule.
   */
  'page_size_mask': (string);
  /**
   * config.input_range (inclusive).
   */
  'input_range': (_iommutwin_common_v1_IovaRange__Output | null);
  /**
   * config.domain_range.start.
   */
  'domain_range_start': (number);
  /**
   * config.domain_range.end (inclusive).
   */
  'domain_range_end': (number);
  /**
   * config.probe_size.
   */
  'probe_size': (number);
  /**
   * config.bypass (0 or 1).
   */
  'bypass': (number);
  /**
   * The exact 40-byte little-endian struct virtio_iommu_config.
   */
  'raw': (Buffer);
  /**
   * Driver features written so far (same bit layout as device_features).
   */
  'driver_features': (string);
  /**
   * The device accepted the driver features (FEATURES_OK).
   */
  'features_ok': (boolean);
}
