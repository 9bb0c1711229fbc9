// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioIommuWriteBypassRequest {
  'vm'?: (string);
  'bypass'?: (number);
}

export interface VirtioIommuWriteBypassRequest__Output {
  'vm': (string);
  'bypass': (number);
}
