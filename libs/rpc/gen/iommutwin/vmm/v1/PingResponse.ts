// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface PingResponse {
  'payload'?: (Buffer | Uint8Array | string);
}

export interface PingResponse__Output {
  'payload': (Buffer);
}
