// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of Spawn.
 */
export interface SpawnRequest {
  /**
   * Process name (comm).
   */
  'name'?: (string);
  /**
   * Lease length in milliseconds; any call by the process renews it. 0 = no lease: the process
   * lives until Exit (or until the server stops), and lease_expires_unix_ms is 0.
   */
  'lease_ms'?: (number);
}

/**
 * Request of Spawn.
 */
export interface SpawnRequest__Output {
  /**
   * Process name (comm).
   */
  'name': (string);
  /**
   * Lease length in milliseconds; any call by the process renews it. 0 = no lease: the process
   * lives until Exit (or until the server stops), and lease_expires_unix_ms is 0.
   */
  'lease_ms': (number);
}
