// Original file: proto/iommutwin/vmm/v1/types.proto

export const VirtioDeviceType = {
  VIRTIO_DEVICE_TYPE_UNSPECIFIED: 'VIRTIO_DEVICE_TYPE_UNSPECIFIED',
  VIRTIO_DEVICE_TYPE_NET: 'VIRTIO_DEVICE_TYPE_NET',
  VIRTIO_DEVICE_TYPE_BLK: 'VIRTIO_DEVICE_TYPE_BLK',
} as const;

export type VirtioDeviceType =
  | 'VIRTIO_DEVICE_TYPE_UNSPECIFIED'
  | 0
  | 'VIRTIO_DEVICE_TYPE_NET'
  | 1
  | 'VIRTIO_DEVICE_TYPE_BLK'
  | 2

export type VirtioDeviceType__Output = typeof VirtioDeviceType[keyof typeof VirtioDeviceType]
