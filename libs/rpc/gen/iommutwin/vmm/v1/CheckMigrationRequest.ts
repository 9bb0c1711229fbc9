// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface CheckMigrationRequest {
  'name'?: (string);
  'destination'?: (string);
}

export interface CheckMigrationRequest__Output {
  'name': (string);
  'destination': (string);
}
