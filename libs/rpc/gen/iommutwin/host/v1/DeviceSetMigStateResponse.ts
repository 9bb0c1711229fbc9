// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceSetMigState.
 */
export interface DeviceSetMigStateResponse {
  /**
   * The new data fd when the arc opens a data session (to PRE_COPY, STOP_COPY, RESUMING), else -1.
   */
  'data_fd'?: (number);
}

/**
 * Response of DeviceSetMigState.
 */
export interface DeviceSetMigStateResponse__Output {
  /**
   * The new data fd when the arc opens a data session (to PRE_COPY, STOP_COPY, RESUMING), else -1.
   */
  'data_fd': (number);
}
