// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface CheckMigrationResponse {
  'compatible'?: (boolean);
  'violations'?: (string)[];
}

export interface CheckMigrationResponse__Output {
  'compatible': (boolean);
  'violations': (string)[];
}
