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
  /**
   * A root token of the destination vmm (absent: the link's own options).
   */
  'destination_token'?: (string);
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
  /**
   * A root token of the destination vmm (absent: the link's own options).
   */
  'destination_token': (string);
}
