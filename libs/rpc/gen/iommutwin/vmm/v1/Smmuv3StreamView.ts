// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * A StreamID's configuration as read from guest RAM now (nothing cached, nothing recorded).
 */
export interface Smmuv3StreamView {
  /**
   * The StreamID decoded (InspectViommuRequest.sid).
   */
  'sid'?: (number);
  /**
   * The SubstreamID whose CD was decoded (InspectViommuRequest.pasid), when given.
   */
  'ssid'?: (number);
  /**
   * The model's decoding (stream table walk, STE fields, CD fields, table bases, or the event
   * the lookup stops with) as JSON; 64-bit values as "0x..." strings.
   */
  'decoded_json'?: (string);
  '_ssid'?: "ssid";
}

/**
 * A StreamID's configuration as read from guest RAM now (nothing cached, nothing recorded).
 */
export interface Smmuv3StreamView__Output {
  /**
   * The StreamID decoded (InspectViommuRequest.sid).
   */
  'sid': (number);
  /**
   * The SubstreamID whose CD was decoded (InspectViommuRequest.pasid), when given.
   */
  'ssid'?: (number);
  /**
   * The model's decoding (stream table walk, STE fields, CD fields, table bases, or the event
   * the lookup stops with) as JSON; 64-bit values as "0x..." strings.
   */
  'decoded_json': (string);
  '_ssid'?: "ssid";
}
