// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of Migrate.
 */
export interface MigrateRequest {
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
 * Request of Migrate.
 */
export interface MigrateRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * The destination vmm's address.
   */
  'destination': (string);
}
