// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

export interface MigrateResponse {
  'phase'?: (string);
  'round'?: (number);
  'bytes_sent'?: (number | string | Long);
  'dirty_pages'?: (number | string | Long);
  'downtime_ms'?: (number | string | Long);
}

export interface MigrateResponse__Output {
  'phase': (string);
  'round': (number);
  'bytes_sent': (string);
  'dirty_pages': (string);
  'downtime_ms': (string);
}
