// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioIommuSetFeaturesResponse {
  'features_ok'?: (boolean);
}

export interface VirtioIommuSetFeaturesResponse__Output {
  'features_ok': (boolean);
}
