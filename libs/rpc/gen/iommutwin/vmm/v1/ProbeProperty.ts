// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface ProbeProperty {
  'type'?: (number);
  'subtype'?: (number);
  'start'?: (number | string | Long);
  'end'?: (number | string | Long);
}

export interface ProbeProperty__Output {
  'type': (number);
  'subtype': (number);
  'start': (string);
  'end': (string);
}
