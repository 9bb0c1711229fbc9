// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * The lifecycle state of a VM.
 */
export const VmState = {
  /**
   * Not set (never returned).
   */
  VM_STATE_UNSPECIFIED: 'VM_STATE_UNSPECIFIED',
  /**
   * Created, not started (CreateVm).
   */
  VM_STATE_DEFINED: 'VM_STATE_DEFINED',
  /**
   * Started (StartVm).
   */
  VM_STATE_RUNNING: 'VM_STATE_RUNNING',
  /**
   * Stopped (StopVm): the host process that held its host objects exited, and the objects
   * with it.
   */
  VM_STATE_STOPPED: 'VM_STATE_STOPPED',
  /**
   * Prepared as a live-migration destination (CreateVm with incoming): waiting for Migrate.
   */
  VM_STATE_INCOMING: 'VM_STATE_INCOMING',
} as const;

/**
 * The lifecycle state of a VM.
 */
export type VmState =
  /**
   * Not set (never returned).
   */
  | 'VM_STATE_UNSPECIFIED'
  | 0
  /**
   * Created, not started (CreateVm).
   */
  | 'VM_STATE_DEFINED'
  | 1
  /**
   * Started (StartVm).
   */
  | 'VM_STATE_RUNNING'
  | 2
  /**
   * Stopped (StopVm): the host process that held its host objects exited, and the objects
   * with it.
   */
  | 'VM_STATE_STOPPED'
  | 3
  /**
   * Prepared as a live-migration destination (CreateVm with incoming): waiting for Migrate.
   */
  | 'VM_STATE_INCOMING'
  | 4

/**
 * The lifecycle state of a VM.
 */
export type VmState__Output = typeof VmState[keyof typeof VmState]
