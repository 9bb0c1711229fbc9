// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface DetachReq {
  'domain'?: (number);
  'endpoint'?: (number);
}

export interface DetachReq__Output {
  'domain': (number);
  'endpoint': (number);
}
