// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of VirtioIommuSetFeatures.
 */
export interface VirtioIommuSetFeaturesRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * The driver features: a mask with bit (1 << v) per VirtioIommuF value v (plus transport bits).
   */
  'driver_features'?: (number | string | Long);
}

/**
 * Request of VirtioIommuSetFeatures.
 */
export interface VirtioIommuSetFeaturesRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * The driver features: a mask with bit (1 << v) per VirtioIommuF value v (plus transport bits).
   */
  'driver_features': (string);
}
