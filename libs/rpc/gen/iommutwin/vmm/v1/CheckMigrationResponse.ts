// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Response of CheckMigration.
 */
export interface CheckMigrationResponse {
  /**
   * true when the VM can move.
   */
  'compatible'?: (boolean);
  /**
   * Every reason it cannot (not only the first).
   */
  'violations'?: (string)[];
  /**
   * Device id → the backend it would use on the destination.
   */
  'plan'?: ({[key: string]: string});
}

/**
 * Response of CheckMigration.
 */
export interface CheckMigrationResponse__Output {
  /**
   * true when the VM can move.
   */
  'compatible': (boolean);
  /**
   * Every reason it cannot (not only the first).
   */
  'violations': (string)[];
  /**
   * Device id → the backend it would use on the destination.
   */
  'plan': ({[key: string]: string});
}
