// Original file: proto/iommutwin/vmm/v1/types.proto

export const VfioBackend = {
  VFIO_BACKEND_UNSPECIFIED: 'VFIO_BACKEND_UNSPECIFIED',
  VFIO_BACKEND_AUTO: 'VFIO_BACKEND_AUTO',
  VFIO_BACKEND_EMULATED: 'VFIO_BACKEND_EMULATED',
  VFIO_BACKEND_NESTED: 'VFIO_BACKEND_NESTED',
} as const;

export type VfioBackend =
  | 'VFIO_BACKEND_UNSPECIFIED'
  | 0
  | 'VFIO_BACKEND_AUTO'
  | 1
  | 'VFIO_BACKEND_EMULATED'
  | 2
  | 'VFIO_BACKEND_NESTED'
  | 3

export type VfioBackend__Output = typeof VfioBackend[keyof typeof VfioBackend]
