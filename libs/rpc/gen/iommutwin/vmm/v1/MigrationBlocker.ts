// Original file: proto/iommutwin/vmm/v1/types.proto


export interface MigrationBlocker {
  'reason'?: (string);
  'detail'?: (string);
}

export interface MigrationBlocker__Output {
  'reason': (string);
  'detail': (string);
}
