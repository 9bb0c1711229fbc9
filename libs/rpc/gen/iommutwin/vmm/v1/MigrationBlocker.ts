// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * A reason the VM cannot migrate now (as QEMU's migration blockers).
 */
export interface MigrationBlocker {
  /**
   * A code, e.g. SMMUV3_ACCEL, VFIO_MIGRATION_NOT_SUPPORTED.
   */
  'reason'?: (string);
  /**
   * Human-readable explanation.
   */
  'detail'?: (string);
}

/**
 * A reason the VM cannot migrate now (as QEMU's migration blockers).
 */
export interface MigrationBlocker__Output {
  /**
   * A code, e.g. SMMUV3_ACCEL, VFIO_MIGRATION_NOT_SUPPORTED.
   */
  'reason': (string);
  /**
   * Human-readable explanation.
   */
  'detail': (string);
}
