// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioSetFeaturesResponse {
  'features_ok'?: (boolean);
}

export interface VirtioSetFeaturesResponse__Output {
  'features_ok': (boolean);
}
