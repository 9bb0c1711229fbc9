// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of VirtioSetFeatures.
 */
export interface VirtioSetFeaturesResponse {
  /**
   * The device accepts these features.
   */
  'features_ok'?: (boolean);
}

/**
 * Response of VirtioSetFeatures.
 */
export interface VirtioSetFeaturesResponse__Output {
  /**
   * The device accepts these features.
   */
  'features_ok': (boolean);
}
