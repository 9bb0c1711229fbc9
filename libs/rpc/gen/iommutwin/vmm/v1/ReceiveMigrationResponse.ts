// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface ReceiveMigrationResponse {
  'result'?: (string);
}

export interface ReceiveMigrationResponse__Output {
  'result': (string);
}
