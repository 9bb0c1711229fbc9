// Original file: proto/google/rpc/error_details.proto


/**
 * The machine-readable cause of an error (AIP-193). Clients branch on `reason` and
 * `domain`, never on the message text.
 */
export interface ErrorInfo {
  /**
   * UPPER_SNAKE reason. For kernel-model errors it is the errno name (`EEXIST`).
   */
  'reason'?: (string);
  /**
   * The error space, "iommutwin.dev" for every error iommu-twin produces.
   */
  'domain'?: (string);
  /**
   * Dynamic values of the error. Kernel-model errors carry `errno` (the number as decimal).
   */
  'metadata'?: ({[key: string]: string});
}

/**
 * The machine-readable cause of an error (AIP-193). Clients branch on `reason` and
 * `domain`, never on the message text.
 */
export interface ErrorInfo__Output {
  /**
   * UPPER_SNAKE reason. For kernel-model errors it is the errno name (`EEXIST`).
   */
  'reason': (string);
  /**
   * The error space, "iommutwin.dev" for every error iommu-twin produces.
   */
  'domain': (string);
  /**
   * Dynamic values of the error. Kernel-model errors carry `errno` (the number as decimal).
   */
  'metadata': ({[key: string]: string});
}
