// Original file: proto/iommutwin/host/v1/vfio.proto

import type { VfioDeviceMigState as _iommutwin_host_v1_VfioDeviceMigState, VfioDeviceMigState__Output as _iommutwin_host_v1_VfioDeviceMigState__Output } from '../../../iommutwin/host/v1/VfioDeviceMigState.js';

/**
 * Request of DeviceSetMigState.
 */
export interface DeviceSetMigStateRequest {
  /**
   * VFIO device fd.
   */
  'device_fd'?: (number);
  /**
   * The state to move to.
   */
  'device_state'?: (_iommutwin_host_v1_VfioDeviceMigState);
}

/**
 * Request of DeviceSetMigState.
 */
export interface DeviceSetMigStateRequest__Output {
  /**
   * VFIO device fd.
   */
  'device_fd': (number);
  /**
   * The state to move to.
   */
  'device_state': (_iommutwin_host_v1_VfioDeviceMigState__Output);
}
