// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface PingRequest {
  'payload'?: (Buffer | Uint8Array | string);
}

export interface PingRequest__Output {
  'payload': (Buffer);
}
