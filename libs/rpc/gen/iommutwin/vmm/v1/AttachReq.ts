// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface AttachReq {
  'domain'?: (number);
  'endpoint'?: (number);
  'flags'?: (number);
  'reserved'?: (number);
}

export interface AttachReq__Output {
  'domain': (number);
  'endpoint': (number);
  'flags': (number);
  'reserved': (number);
}
