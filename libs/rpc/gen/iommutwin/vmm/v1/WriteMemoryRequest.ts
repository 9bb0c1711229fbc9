// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface WriteMemoryRequest {
  'vm'?: (string);
  'gpa'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
}

export interface WriteMemoryRequest__Output {
  'vm': (string);
  'gpa': (string);
  'data': (Buffer);
}
