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
  /**
   * The host DMA address space the EMULATED / NONE backends fill for this device when it is not
   * the IOAS `ioas` of `iommufd`: the legacy VFIO container (backends/legacy-container.ts).
   */
  space?: DmaSpace;
  /** legacy_container: the group and container fds the device came through (QEMU's VFIOGroup / VFIOLegacyContainer) */
  legacy?: { group: number; groupFd: number; containerFd: number; iommuType: number; containerBackend: 'native-type1' | 'iommufd-compat' };
}

/**
 * A host DMA address space the vmm maps guest RAM into at fixed IOVAs, as QEMU's VFIOContainer
 * abstracts its iommufd and legacy backends: an iommufd IOAS (IOMMU_IOAS_MAP / UNMAP /
 * IOVA_RANGES) or a VFIO type1 container (VFIO_IOMMU_MAP_DMA / UNMAP_DMA / GET_INFO).
 */
export interface DmaSpace {
  /** unique among the VM's spaces (the backends key their shadow state by it) */
  readonly key: string;
  /** map `length` bytes of the VM process's VA `va` at `iova` */
  mapFixed(va: bigint, length: bigint, iova: bigint, read: boolean, write: boolean): Promise<void>;
  /** unmap [iova, iova + length): the bytes unmapped */
  unmap(iova: bigint, length: bigint): Promise<bigint>;
  /** unmap everything */
  unmapAll(): Promise<void>;
  /** the usable IOVA ranges (inclusive ends) */
  iovaRanges(): Promise<Array<{ start: bigint; last: bigint }>>;
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
