// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface UnmapReq {
  'domain'?: (number);
  'virt_start'?: (number | string | Long);
  'virt_end'?: (number | string | Long);
}

export interface UnmapReq__Output {
  'domain': (number);
  'virt_start': (string);
  'virt_end': (string);
}
