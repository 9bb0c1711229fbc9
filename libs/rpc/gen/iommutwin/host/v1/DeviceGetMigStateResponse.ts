// Original file: proto/iommutwin/host/v1/vfio.proto

import type { VfioDeviceMigState as _iommutwin_host_v1_VfioDeviceMigState, VfioDeviceMigState__Output as _iommutwin_host_v1_VfioDeviceMigState__Output } from '../../../iommutwin/host/v1/VfioDeviceMigState.js';

/**
 * Response of DeviceGetMigState.
 */
export interface DeviceGetMigStateResponse {
  /**
   * The current state.
   */
  'device_state'?: (_iommutwin_host_v1_VfioDeviceMigState);
}

/**
 * Response of DeviceGetMigState.
 */
export interface DeviceGetMigStateResponse__Output {
  /**
   * The current state.
   */
  'device_state': (_iommutwin_host_v1_VfioDeviceMigState__Output);
}
