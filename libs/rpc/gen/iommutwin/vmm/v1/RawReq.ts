// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * A request given as raw bytes, for requests the structured forms cannot express.
 */
export interface RawReq {
  /**
   * The exact little-endian request bytes (head + device-readable body).
   */
  'request'?: (Buffer | Uint8Array | string);
  /**
   * Size of the device-writable part (tail, plus properties for PROBE).
   */
  'writable_len'?: (number);
}

/**
 * A request given as raw bytes, for requests the structured forms cannot express.
 */
export interface RawReq__Output {
  /**
   * The exact little-endian request bytes (head + device-readable body).
   */
  'request': (Buffer);
  /**
   * Size of the device-writable part (tail, plus properties for PROBE).
   */
  'writable_len': (number);
}
