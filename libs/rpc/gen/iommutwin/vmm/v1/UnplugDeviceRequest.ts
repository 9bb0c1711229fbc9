// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface UnplugDeviceRequest {
  'name'?: (string);
  'device_id'?: (string);
}

export interface UnplugDeviceRequest__Output {
  'name': (string);
  'device_id': (string);
}
