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
   * Lease length in milliseconds; any call by the process renews it. 0 = the server default.
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
   * Lease length in milliseconds; any call by the process renews it. 0 = the server default.
   */
  'lease_ms': (number);
}
