// Original file: proto/iommutwin/vmm/v1/types.proto

export const VmState = {
  VM_STATE_UNSPECIFIED: 'VM_STATE_UNSPECIFIED',
  VM_STATE_DEFINED: 'VM_STATE_DEFINED',
  VM_STATE_RUNNING: 'VM_STATE_RUNNING',
  VM_STATE_STOPPED: 'VM_STATE_STOPPED',
} as const;

export type VmState =
  | 'VM_STATE_UNSPECIFIED'
  | 0
  | 'VM_STATE_DEFINED'
  | 1
  | 'VM_STATE_RUNNING'
  | 2
  | 'VM_STATE_STOPPED'
  | 3

export type VmState__Output = typeof VmState[keyof typeof VmState]
