// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface VirtioIommuSetFeaturesRequest {
  'vm'?: (string);
  'driver_features'?: (number | string | Long);
}

export interface VirtioIommuSetFeaturesRequest__Output {
  'vm': (string);
  'driver_features': (string);
}
