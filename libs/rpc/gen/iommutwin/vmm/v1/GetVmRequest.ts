// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface GetVmRequest {
  'name'?: (string);
}

export interface GetVmRequest__Output {
  'name': (string);
}
