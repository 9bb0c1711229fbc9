// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface ProbeReq {
  'endpoint'?: (number);
}

export interface ProbeReq__Output {
  'endpoint': (number);
}
