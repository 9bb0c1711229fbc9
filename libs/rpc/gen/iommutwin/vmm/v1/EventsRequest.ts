// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface EventsRequest {
  'vm'?: (string);
  'after_sequence'?: (number | string | Long);
}

export interface EventsRequest__Output {
  'vm': (string);
  'after_sequence': (string);
}
