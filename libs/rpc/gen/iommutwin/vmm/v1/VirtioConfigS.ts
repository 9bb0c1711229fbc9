// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * `VIRTIO_CONFIG_S_*`: bits of the virtio device status register
 * (VirtioWriteStatusRequest.status, VirtioWriteStatusResponse.status,
 * VirtioReadStatusResponse.status; a uint32 bitmask on the wire).
 */
export const VirtioConfigS = {
  /**
   * 0: no bit; writing 0 resets the device.
   */
  VIRTIO_CONFIG_S_UNSPECIFIED: 'VIRTIO_CONFIG_S_UNSPECIFIED',
  /**
   * The guest found the device.
   */
  VIRTIO_CONFIG_S_ACKNOWLEDGE: 'VIRTIO_CONFIG_S_ACKNOWLEDGE',
  /**
   * The guest has a driver for it.
   */
  VIRTIO_CONFIG_S_DRIVER: 'VIRTIO_CONFIG_S_DRIVER',
  /**
   * The driver is ready.
   */
  VIRTIO_CONFIG_S_DRIVER_OK: 'VIRTIO_CONFIG_S_DRIVER_OK',
  /**
   * Feature negotiation is complete (kept only if the device accepts the driver features).
   */
  VIRTIO_CONFIG_S_FEATURES_OK: 'VIRTIO_CONFIG_S_FEATURES_OK',
  /**
   * The device needs a reset (set by the device; ignored in a write).
   */
  VIRTIO_CONFIG_S_NEEDS_RESET: 'VIRTIO_CONFIG_S_NEEDS_RESET',
  /**
   * The driver gave up on the device.
   */
  VIRTIO_CONFIG_S_FAILED: 'VIRTIO_CONFIG_S_FAILED',
} as const;

/**
 * `VIRTIO_CONFIG_S_*`: bits of the virtio device status register
 * (VirtioWriteStatusRequest.status, VirtioWriteStatusResponse.status,
 * VirtioReadStatusResponse.status; a uint32 bitmask on the wire).
 */
export type VirtioConfigS =
  /**
   * 0: no bit; writing 0 resets the device.
   */
  | 'VIRTIO_CONFIG_S_UNSPECIFIED'
  | 0
  /**
   * The guest found the device.
   */
  | 'VIRTIO_CONFIG_S_ACKNOWLEDGE'
  | 1
  /**
   * The guest has a driver for it.
   */
  | 'VIRTIO_CONFIG_S_DRIVER'
  | 2
  /**
   * The driver is ready.
   */
  | 'VIRTIO_CONFIG_S_DRIVER_OK'
  | 4
  /**
   * Feature negotiation is complete (kept only if the device accepts the driver features).
   */
  | 'VIRTIO_CONFIG_S_FEATURES_OK'
  | 8
  /**
   * The device needs a reset (set by the device; ignored in a write).
   */
  | 'VIRTIO_CONFIG_S_NEEDS_RESET'
  | 64
  /**
   * The driver gave up on the device.
   */
  | 'VIRTIO_CONFIG_S_FAILED'
  | 128

/**
 * `VIRTIO_CONFIG_S_*`: bits of the virtio device status register
 * (VirtioWriteStatusRequest.status, VirtioWriteStatusResponse.status,
 * VirtioReadStatusResponse.status; a uint32 bitmask on the wire).
 */
export type VirtioConfigS__Output = typeof VirtioConfigS[keyof typeof VirtioConfigS]
