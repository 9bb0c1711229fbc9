// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface VirtioSetFeaturesRequest {
  'vm'?: (string);
  'device_id'?: (string);
  'driver_features'?: (number | string | Long);
}

export interface VirtioSetFeaturesRequest__Output {
  'vm': (string);
  'device_id': (string);
  'driver_features': (string);
}
