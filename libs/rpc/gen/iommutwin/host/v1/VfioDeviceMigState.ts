// Original file: proto/iommutwin/host/v1/vfio.proto

/**
 * enum vfio_device_mig_state (include/uapi/linux/vfio.h).
 */
export const VfioDeviceMigState = {
  /**
   * VFIO_DEVICE_STATE_ERROR: a failed arc left the device unusable until reset.
   */
  VFIO_DEVICE_MIG_STATE_ERROR: 'VFIO_DEVICE_MIG_STATE_ERROR',
  /**
   * VFIO_DEVICE_STATE_STOP.
   */
  VFIO_DEVICE_MIG_STATE_STOP: 'VFIO_DEVICE_MIG_STATE_STOP',
  /**
   * VFIO_DEVICE_STATE_RUNNING.
   */
  VFIO_DEVICE_MIG_STATE_RUNNING: 'VFIO_DEVICE_MIG_STATE_RUNNING',
  /**
   * VFIO_DEVICE_STATE_STOP_COPY.
   */
  VFIO_DEVICE_MIG_STATE_STOP_COPY: 'VFIO_DEVICE_MIG_STATE_STOP_COPY',
  /**
   * VFIO_DEVICE_STATE_RESUMING.
   */
  VFIO_DEVICE_MIG_STATE_RESUMING: 'VFIO_DEVICE_MIG_STATE_RESUMING',
  /**
   * VFIO_DEVICE_STATE_RUNNING_P2P.
   */
  VFIO_DEVICE_MIG_STATE_RUNNING_P2P: 'VFIO_DEVICE_MIG_STATE_RUNNING_P2P',
  /**
   * VFIO_DEVICE_STATE_PRE_COPY.
   */
  VFIO_DEVICE_MIG_STATE_PRE_COPY: 'VFIO_DEVICE_MIG_STATE_PRE_COPY',
  /**
   * VFIO_DEVICE_STATE_PRE_COPY_P2P.
   */
  VFIO_DEVICE_MIG_STATE_PRE_COPY_P2P: 'VFIO_DEVICE_MIG_STATE_PRE_COPY_P2P',
} as const;

/**
 * enum vfio_device_mig_state (include/uapi/linux/vfio.h).
 */
export type VfioDeviceMigState =
  /**
   * VFIO_DEVICE_STATE_ERROR: a failed arc left the device unusable until reset.
   */
  | 'VFIO_DEVICE_MIG_STATE_ERROR'
  | 0
  /**
   * VFIO_DEVICE_STATE_STOP.
   */
  | 'VFIO_DEVICE_MIG_STATE_STOP'
  | 1
  /**
   * VFIO_DEVICE_STATE_RUNNING.
   */
  | 'VFIO_DEVICE_MIG_STATE_RUNNING'
  | 2
  /**
   * VFIO_DEVICE_STATE_STOP_COPY.
   */
  | 'VFIO_DEVICE_MIG_STATE_STOP_COPY'
  | 3
  /**
   * VFIO_DEVICE_STATE_RESUMING.
   */
  | 'VFIO_DEVICE_MIG_STATE_RESUMING'
  | 4
  /**
   * VFIO_DEVICE_STATE_RUNNING_P2P.
   */
  | 'VFIO_DEVICE_MIG_STATE_RUNNING_P2P'
  | 5
  /**
   * VFIO_DEVICE_STATE_PRE_COPY.
   */
  | 'VFIO_DEVICE_MIG_STATE_PRE_COPY'
  | 6
  /**
   * VFIO_DEVICE_STATE_PRE_COPY_P2P.
   */
  | 'VFIO_DEVICE_MIG_STATE_PRE_COPY_P2P'
  | 7

/**
 * enum vfio_device_mig_state (include/uapi/linux/vfio.h).
 */
export type VfioDeviceMigState__Output = typeof VfioDeviceMigState[keyof typeof VfioDeviceMigState]
