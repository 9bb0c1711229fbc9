// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * The kind of an emulated virtio device.
 */
export const VirtioDeviceType = {
  /**
   * Not set (refused).
   */
  VIRTIO_DEVICE_TYPE_UNSPECIFIED: 'VIRTIO_DEVICE_TYPE_UNSPECIFIED',
  /**
   * virtio-net.
   */
  VIRTIO_DEVICE_TYPE_NET: 'VIRTIO_DEVICE_TYPE_NET',
  /**
   * virtio-blk.
   */
  VIRTIO_DEVICE_TYPE_BLK: 'VIRTIO_DEVICE_TYPE_BLK',
} as const;

/**
 * The kind of an emulated virtio device.
 */
export type VirtioDeviceType =
  /**
   * Not set (refused).
   */
  | 'VIRTIO_DEVICE_TYPE_UNSPECIFIED'
  | 0
  /**
   * virtio-net.
   */
  | 'VIRTIO_DEVICE_TYPE_NET'
  | 1
  /**
   * virtio-blk.
   */
  | 'VIRTIO_DEVICE_TYPE_BLK'
  | 2

/**
 * The kind of an emulated virtio device.
 */
export type VirtioDeviceType__Output = typeof VirtioDeviceType[keyof typeof VirtioDeviceType]
