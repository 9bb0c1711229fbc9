// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface ReceiveMigrationRequest {
  'chunk'?: (Buffer | Uint8Array | string);
}

export interface ReceiveMigrationRequest__Output {
  'chunk': (Buffer);
}
