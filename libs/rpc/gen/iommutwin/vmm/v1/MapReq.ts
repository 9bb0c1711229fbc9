// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface MapReq {
  'domain'?: (number);
  'virt_start'?: (number | string | Long);
  'virt_end'?: (number | string | Long);
  'phys_start'?: (number | string | Long);
  'flags'?: (number);
}

export interface MapReq__Output {
  'domain': (number);
  'virt_start': (string);
  'virt_end': (string);
  'phys_start': (string);
  'flags': (number);
}
