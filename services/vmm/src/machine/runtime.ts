/**
 * What a VM's device backends see of it: the assigned devices' host objects and the VM's guest
 * RAM in its host process. The VM manager (vmm.ts) implements it; backends depend on this, not
 * on the manager, so dependencies point one way (machine → backends → runtime).
 */
import type { HostDevice } from '../hostlink/hostlink.js';
import type { VfioDeviceConfig, VmConfig } from './config.js';

export interface VfioRuntime {
  cfg: VfioDeviceConfig;
  host: HostDevice;
  iommufd: number;
  deviceFd: number;
  devId: number;
  ioas: number;
  hwpt: number;
  /**
   * 'EMULATED' (an IOAS mirroring the guest's vIOMMU view, shared only by devices of one host
   * group) or 'NONE' (shared identity IOAS)
   */
  backend: 'EMULATED' | 'NONE';
  /** fd the vmm opened itself (closed on unplug) vs passed in by the orchestrator */
  ownFd: boolean;
  /** being unplugged: its view no longer counts for the IOAS it shares with host-group siblings */
  leaving?: boolean;
}

/** The VM as its backends use it. */
export interface BackendVm {
  readonly name: string;
  readonly cfg: VmConfig;
  /** The pid of the VM's host process (0: none). */
  readonly hostPid: number;
  /** Where guest RAM is mapped in the host process (GPA 0). */
  readonly ramVa: bigint;
  readonly vfio: ReadonlyMap<string, VfioRuntime>;
  vfioByEndpoint(ep: number): VfioRuntime | undefined;
}
