// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceFeatureMigration.
 */
export interface DeviceFeatureMigrationResponse {
  /**
   * VFIO_MIGRATION_STOP_COPY = 1, VFIO_MIGRATION_P2P = 2, VFIO_MIGRATION_PRE_COPY = 4.
   */
  'flags'?: (number);
}

/**
 * Response of DeviceFeatureMigration.
 */
export interface DeviceFeatureMigrationResponse__Output {
  /**
   * VFIO_MIGRATION_STOP_COPY = 1, VFIO_MIGRATION_P2P = 2, VFIO_MIGRATION_PRE_COPY = 4.
   */
  'flags': (number);
}
