// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * One chunk of the migration stream (vmm to vmm).
 */
export interface ReceiveMigrationRequest {
  /**
   * Opaque migration data.
   */
  'chunk'?: (Buffer | Uint8Array | string);
}

/**
 * One chunk of the migration stream (vmm to vmm).
 */
export interface ReceiveMigrationRequest__Output {
  /**
   * Opaque migration data.
   */
  'chunk': (Buffer);
}
