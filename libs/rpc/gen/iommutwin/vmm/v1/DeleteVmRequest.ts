// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface DeleteVmRequest {
  'name'?: (string);
}

export interface DeleteVmRequest__Output {
  'name': (string);
}
