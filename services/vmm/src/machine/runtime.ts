/**
 * What a VM's device backends see of it: the assigned devices' host objects and the VM's guest
 * RAM in its host process. The VM manager (vmm.ts) implements it; backends depend on this, not
 * on the manager, so dependencies point one way (machine → backends → runtime).
 */
import type { HostDevice } from '../hostlink/hostlink.js';
import type { VfioDeviceConfig, VmConfig } from './config.js';
import { ramOffsetOf, type RamRange } from './guest-ram.js';

export type { RamRange } from './guest-ram.js';

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
  backend: 'EMULATED' | 'NESTED' | 'NONE';
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
  /** Where the guest-RAM memfd is mapped in the host process (memfd offset 0; see ramVaOf). */
  readonly ramVa: bigint;
  /** Guest RAM as the machine maps it (QEMU's memory map: guest-ram.ts ramLayout), GPA order. */
  readonly ramRanges: readonly RamRange[];
  readonly vfio: ReadonlyMap<string, VfioRuntime>;
  vfioByEndpoint(ep: number): VfioRuntime | undefined;
}

/**
 * The host VA (in the VM's process) of guest-physical [gpa, gpa + len) when all of it is guest
 * RAM, else undefined (MMIO, the PCI hole, beyond RAM). RAM ranges never touch, so an access in
 * RAM lies in one range and is contiguous in the memfd and in the VM process.
 */
export function ramVaOf(vm: Pick<BackendVm, 'ramVa' | 'ramRanges'>, gpa: bigint, len: bigint = 1n): bigint | undefined {
  const off = ramOffsetOf(vm.ramRanges, gpa, len);
  return off === undefined ? undefined : vm.ramVa + off;
}
