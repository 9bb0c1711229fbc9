// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * Guest-visible SMMUv3 settings (refused for now).
 */
export interface Smmuv3Spec {
  'accel'?: (boolean);
  'oas'?: (number);
  'ssidsize'?: (number);
  'ril'?: (boolean);
  'ats'?: (boolean);
  'granules'?: (number)[];
}

/**
 * Guest-visible SMMUv3 settings (refused for now).
 */
export interface Smmuv3Spec__Output {
  'accel': (boolean);
  'oas': (number);
  'ssidsize': (number);
  'ril': (boolean);
  'ats': (boolean);
  'granules': (number)[];
}
