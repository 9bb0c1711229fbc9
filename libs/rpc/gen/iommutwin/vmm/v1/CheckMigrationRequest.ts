// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of CheckMigration.
 */
export interface CheckMigrationRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
  /**
   * The destination vmm's address.
   */
  'destination'?: (string);
}

/**
 * Request of CheckMigration.
 */
export interface CheckMigrationRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * The destination vmm's address.
   */
  'destination': (string);
}
