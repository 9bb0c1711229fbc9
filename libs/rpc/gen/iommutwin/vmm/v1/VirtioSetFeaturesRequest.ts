// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of VirtioSetFeatures.
 */
export interface VirtioSetFeaturesRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * The virtio device (DeviceSpec.id).
   */
  'device_id'?: (string);
  /**
   * The driver features (virtio feature bits of the device type).
   */
  'driver_features'?: (number | string | Long);
}

/**
 * Request of VirtioSetFeatures.
 */
export interface VirtioSetFeaturesRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * The virtio device (DeviceSpec.id).
   */
  'device_id': (string);
  /**
   * The driver features (virtio feature bits of the device type).
   */
  'driver_features': (string);
}
