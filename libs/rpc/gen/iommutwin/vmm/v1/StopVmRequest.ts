// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface StopVmRequest {
  'name'?: (string);
}

export interface StopVmRequest__Output {
  'name': (string);
}
