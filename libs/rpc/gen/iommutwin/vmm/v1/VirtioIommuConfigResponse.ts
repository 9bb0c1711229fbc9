// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from '../../../iommutwin/common/v1/IovaRange.js';
import type { Long } from '@grpc/proto-loader';

export interface VirtioIommuConfigResponse {
  'device_features'?: (number | string | Long);
  'page_size_mask'?: (number | string | Long);
  'input_range'?: (_iommutwin_common_v1_IovaRange | null);
  'domain_range_start'?: (number);
  'domain_range_end'?: (number);
  'probe_size'?: (number);
  'bypass'?: (number);
  /**
   * The exact 40-byte little-endian struct virtio_iommu_config.
   */
  'raw'?: (Buffer | Uint8Array | string);
  'driver_features'?: (number | string | Long);
  'features_ok'?: (boolean);
}

export interface VirtioIommuConfigResponse__Output {
  'device_features': (string);
  'page_size_mask': (string);
  'input_range': (_iommutwin_common_v1_IovaRange__Output | null);
  'domain_range_start': (number);
  'domain_range_end': (number);
  'probe_size': (number);
  'bypass': (number);
  /**
   * The exact 40-byte little-endian struct virtio_iommu_config.
   */
  'raw': (Buffer);
  'driver_features': (string);
  'features_ok': (boolean);
}
