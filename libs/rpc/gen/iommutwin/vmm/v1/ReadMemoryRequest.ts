// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadMemoryRequest {
  'vm'?: (string);
  'gpa'?: (number | string | Long);
  'length'?: (number | string | Long);
}

export interface ReadMemoryRequest__Output {
  'vm': (string);
  'gpa': (string);
  'length': (string);
}
