// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface ReadMemoryResponse {
  'data'?: (Buffer | Uint8Array | string);
}

export interface ReadMemoryResponse__Output {
  'data': (Buffer);
}
