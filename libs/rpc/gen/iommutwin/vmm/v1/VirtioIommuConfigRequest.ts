// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioIommuConfigRequest {
  'vm'?: (string);
}

export interface VirtioIommuConfigRequest__Output {
  'vm': (string);
}
