// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * One chunk written to a data fd.
 */
export interface WriteMigDataRequest {
  /**
   * The data fd (the first message must name it; later ones may repeat it).
   */
  'data_fd'?: (number);
  /**
   * The bytes, in order.
   */
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * One chunk written to a data fd.
 */
export interface WriteMigDataRequest__Output {
  /**
   * The data fd (the first message must name it; later ones may repeat it).
   */
  'data_fd': (number);
  /**
   * The bytes, in order.
   */
  'data': (Buffer);
}
