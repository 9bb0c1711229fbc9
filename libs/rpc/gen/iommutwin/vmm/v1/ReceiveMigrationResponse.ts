// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Response of ReceiveMigration.
 */
export interface ReceiveMigrationResponse {
  /**
   * Outcome of the incoming migration.
   */
  'result'?: (string);
}

/**
 * Response of ReceiveMigration.
 */
export interface ReceiveMigrationResponse__Output {
  /**
   * Outcome of the incoming migration.
   */
  'result': (string);
}
