// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface MigrateRequest {
  'name'?: (string);
  'destination'?: (string);
}

export interface MigrateRequest__Output {
  'name': (string);
  'destination': (string);
}
