// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * One chunk read from a data fd.
 */
export interface ReadMigDataResponse {
  /**
   * The bytes, in order.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * One chunk read from a data fd.
 */
export interface ReadMigDataResponse__Output {
  /**
   * The bytes, in order.
   */
  'data': (Buffer);
}
