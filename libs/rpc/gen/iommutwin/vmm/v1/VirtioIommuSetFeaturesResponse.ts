// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of VirtioIommuSetFeatures.
 */
export interface VirtioIommuSetFeaturesResponse {
  /**
   * The device accepts these features.
   */
  'features_ok'?: (boolean);
}

/**
 * Response of VirtioIommuSetFeatures.
 */
export interface VirtioIommuSetFeaturesResponse__Output {
  /**
   * The device accepts these features.
   */
  'features_ok': (boolean);
}
