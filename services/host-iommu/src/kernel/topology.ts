/**
 * Runtime state of the host's IOMMU units, PCI devices and groups: the hardware side the
 * kernel objects attach to and the DMA path reads.
 *
 * The hardware state points at iommufd objects (a group's attached HWPT, a device's bound
 * iommufd_device) and the objects point back at it (a domain's unit, a device object's PCI
 * device), so the objects are declared here as interfaces (iommufd_private.h's structs as the
 * hardware and the other object files see them); each uAPI object file (hw_pagetable.ts,
 * device.ts, viommu.ts, eventq.ts, iommufd.ts) implements its own. This file depends only on
 * object.ts, ioas.ts and the libraries, never on an object file.
 */
import { kerr } from '#libs/errno/index.js';
import { Iotlb } from '#libs/iotlb/index.js';
import type { PageTable } from '#libs/pgtable/index.js';
import type { IommuUnit, PciDevice } from '#libs/profile/profile.js';
import type { OpenFile } from '../process/files.js';
import type { Cgroup } from '../process/principal.js';
import type { Area, IoPagetable, IoptDomain } from './ioas.js';
import type { FaultSink, IObj, ObjCtx, VeventqSink } from './object.js';
import type { Process } from '../process/process.js';
import type { VfioContainerInfo } from './vfio_container.js';

// ------------------------------------------------------------------ the iommufd objects

/**
 * The context (struct iommufd_ctx) as the objects see it: the object table and the calls the
 * object files make on it. IommufdCtx (iommufd.ts) implements it.
 */
export interface IommufdCtxOps extends OpenFile, ObjCtx {
  readonly objects: Map<number, IommufdObject>;
  /** IDs of objects destroyed behind the user's back (vDEVICEs of unbound devices). */
  readonly tombstones: Set<number>;
  /** The IOAS of the VFIO compatibility layer (IOMMU_VFIO_IOAS). */
  vfioIoas: IommufdIoas | undefined;
  /** Finalize an object into the table at the lowest free ID. */
  install<T extends IommufdObject>(make: (id: number) => T): T;
  /** install, the object's memory charged to `memcg` (ENOMEM, and then nothing changed). */
  installCharged<T extends IommufdObject>(memcg: Cgroup, type: T['type'], make: (id: number) => T): T;
  /** iommufd_get_device: a DEVICE object, or ENOENT. */
  getDevice(id: number): IommufdDevice;
  /** iommufd_get_fault: a FAULT object, or ENOENT. */
  getFault(id: number): IommufdFault;
  /** A paging HWPT over `ioas` for `dev`'s unit, added to the IOAS (atomic). */
  allocPaging(memcg: Cgroup, ioas: IommufdIoas, dev: DeviceState, flags: number, auto: boolean): IommufdHwptPaging;
  pinArea(area: Area): void;
  unpinArea(area: Area): void;
  removeArea(ioas: IommufdIoas, area: Area): void;
}

/** HWPT_PAGING allocation options. */
export interface HwptOptions {
  nestParent: boolean;
  dirtyTracking: boolean;
  pasidCompat: boolean;
  autoDomain: boolean;
}

/**
 * The IOMMU paging domain of a HWPT_PAGING (struct iommu_domain with the driver's page table) as
 * the IOAS, the attachments and the DMA path see it; hw_pagetable.ts's HwptDomain.
 */
export interface IommuDomain extends IoptDomain {
  readonly pt: PageTable;
  readonly did: number;
  readonly unit: UnitState;
  readonly opts: HwptOptions;
  dirtyEnabled: boolean;
  enforceCacheCoherency: boolean;
  /** VT-d: the DIDs of the nested domains built on this nest parent. */
  readonly nestedTags: Set<number>;
  /** Whether device writes set dirty bits now. */
  readonly hwDirtyLogging: boolean;
  /** The IOTLB tag of its translations. */
  readonly tag: number;
  readonly formatName: string;
  destroy(): void;
}

/** struct iommufd_ioas (iommufd.ts's IoasObj). */
export interface IommufdIoas extends IObj<IommufdCtxOps> {
  readonly type: 'IOAS';
  readonly iopt: IoPagetable;
  readonly hwpts: Set<IommufdHwptPaging>;
}

/** struct iommufd_hwpt_paging (hw_pagetable.ts's HwptObj). */
export interface IommufdHwptPaging extends IObj<IommufdCtxOps> {
  readonly type: 'HWPT_PAGING';
  readonly domain: IommuDomain;
  readonly ioas: IommufdIoas;
  /** The fault queue of an IOPF-capable HWPT (IOMMU_HWPT_FAULT_ID_VALID); holds a user of it. */
  fault: FaultSink | undefined;
  readonly auto: boolean;
  /** IOMMU_HWPT_ALLOC_PASID */
  readonly pasidCompat: boolean;
}

/** struct iommu_hwpt_vtd_s1 as stored (s1_cfg; nothing is validated at allocation). */
export interface VtdS1Config {
  kind: 'vtd';
  flags: number;
  pgtblAddr: bigint;
  addrWidth: number;
}

/** The vSTE words after arm_smmu_validate_vste (V=0 → both zero; EATS stripped). */
export interface Smmuv3VsteConfig {
  kind: 'smmuv3';
  ste: readonly [bigint, bigint];
  /** Cfg=S1 with EATS=TRANS: the guest enabled ATS for the device (nested_domain->enable_ats). */
  enableAts: boolean;
}

/** struct iommufd_hwpt_nested (hw_pagetable.ts's HwptNestedObj). */
export interface IommufdHwptNested extends IObj<IommufdCtxOps> {
  readonly type: 'HWPT_NESTED';
  /** The NEST_PARENT paging HWPT (stage 2). */
  readonly parent: IommufdHwptPaging;
  /** SMMUv3 nested HWPTs are allocated on a vIOMMU. */
  readonly viommu: IommufdViommu | undefined;
  /** With IOMMU_HWPT_FAULT_ID_VALID. */
  readonly fault: FaultSink | undefined;
  readonly s1: VtdS1Config | Smmuv3VsteConfig;
  readonly unit: UnitState;
  /** VT-d: the nested domain's DID. SMMUv3: asidTag(vmid, 0). */
  readonly tag: number;
  /** IOMMU_HWPT_ALLOC_PASID */
  readonly pasidCompat: boolean;
}

/** struct iommufd_device (device.ts's DeviceObj). */
export interface IommufdDevice extends IObj<IommufdCtxOps> {
  readonly type: 'DEVICE';
  readonly dev: DeviceState;
  /** Its vDEVICE (one per device: idev->vdev). */
  vdev: IommufdVdevice | undefined;
}

/** struct iommufd_viommu (viommu.ts's ViommuObj). */
export interface IommufdViommu extends IObj<IommufdCtxOps> {
  readonly type: 'VIOMMU';
  readonly viommuType: number;
  /** nest parent (stage 2) */
  readonly parent: IommufdHwptPaging;
  readonly unit: UnitState;
  /** = the S2 parent's domain id (vsmmu->vmid = s2_parent->vmid) */
  readonly vmid: number;
  /** virt_id → vDEVICE */
  readonly vdevs: Map<bigint, IommufdVdevice>;
  /** veventq type → queue (one per type) */
  readonly veventqs: Map<number, VeventqSink>;
}

/** struct iommufd_vdevice (viommu.ts's VdeviceObj). */
export interface IommufdVdevice extends IObj<IommufdCtxOps> {
  readonly type: 'VDEVICE';
  readonly viommu: IommufdViommu;
  readonly idev: IommufdDevice;
  readonly virtId: bigint;
}

/** struct iommufd_fault (eventq.ts's FaultObj). */
export interface IommufdFault extends FaultSink {
  readonly type: 'FAULT';
}

/** struct iommufd_veventq (eventq.ts's VeventqObj). */
export interface IommufdVeventq extends VeventqSink {
  readonly type: 'VEVENTQ';
}

/** Every object of the table, told apart by `type`. */
export type IommufdObject = IommufdIoas | IommufdHwptPaging | IommufdHwptNested | IommufdDevice | IommufdViommu | IommufdVdevice | IommufdFault | IommufdVeventq;

// ------------------------------------------------------------------ hardware state

/** What a RID or PASID can be attached to: a paging HWPT or a nested HWPT. */
export type AttachedHwpt = IommufdHwptPaging | IommufdHwptNested;

/**
 * Entries of a device's ATC (Device-TLB). Small, as device ATCs are; tagged by PASID
 * (IOMMU_NO_PASID = 0 for requests without one). DeviceAtsTranslate fills it; ATC invalidations
 * (VT-d dev-TLB flushes of the domain's cache tags, SMMUv3 CMD_ATC_INV) empty it.
 */
export const DEVICE_ATC_ENTRIES = 64;

export class UnitState {
  readonly tlb: Iotlb;
  private readonly dids = new Set<number>();
  /** The devices behind this unit (the ones whose ATCs its invalidations reach). */
  readonly devices: DeviceState[] = [];
  /** Page-table walks made by the DMA path (IOTLB misses that walked). */
  constructor(readonly spec: IommuUnit) {
    this.tlb = new Iotlb(spec.iotlbEntries > 0 ? spec.iotlbEntries : 4096);
  }
  get name(): string {
    return this.spec.name;
  }
  /** Lowest free hardware domain id (VT-d DID / SMMU VMID-ASID), starting at 1. */
  allocDid(): number {
    let d = 1;
    while (this.dids.has(d)) d++;
    this.dids.add(d);
    return d;
  }
  freeDid(did: number): void {
    this.dids.delete(did);
  }
  get domainsInUse(): number {
    return this.dids.size;
  }
}

/**
 * IOTLB tags. A paging domain (and a VT-d nested domain) is tagged by its domain id (below
 * 2^16). SMMUv3 stage-1 entries of a nested domain are tagged by (VMID, ASID) as the SMMU tags
 * them: ASID_TAG_BASE + vmid * 2^16 + asid, so one VMID's entries are the contiguous tag range
 * [asidTag(vmid, 0), asidTag(vmid, 0xffff)] (Iotlb.invalidateTags(asidTag(vmid, 0), 0x10000)).
 */
export const ASID_TAG_BASE = 2 ** 32;
export function asidTag(vmid: number, asid: number): number {
  return ASID_TAG_BASE + vmid * 0x10000 + asid;
}

/** What a (group, pasid) is attached to and which bound devices joined that attachment. */
export interface Attachment {
  hwpt: AttachedHwpt;
  devices: Set<IommufdDevice>;
}

/**
 * What a VFIO container fd does, whoever serves it (drivers/vfio/container.c with
 * vfio_iommu_type1.c, or drivers/iommu/iommufd/vfio_compat.c): the ioctls of /dev/vfio/vfio and
 * the group ↔ container link (struct vfio_iommu_driver_ops's role). Numbers: vfio_container.ts.
 */
export interface VfioContainerOps {
  /** Which implementation serves the fd (Describe's kernel features say which one a host has). */
  readonly backend: 'native-type1' | 'iommufd-compat';
  /** VFIO_GET_API_VERSION */
  getApiVersion(): number;
  /** VFIO_CHECK_EXTENSION: the ioctl's return value (0 = unsupported). */
  checkExtension(ext: number): number;
  /** VFIO_SET_IOMMU */
  setIommu(caller: Process, type: number): void;
  /** VFIO_IOMMU_GET_INFO */
  getInfo(caller: Process): VfioContainerInfo;
  /** VFIO_IOMMU_MAP_DMA: `vaddr` in `caller`'s address space. */
  mapDma(caller: Process, flags: number, vaddr: bigint, iova: bigint, size: bigint): void;
  /** VFIO_IOMMU_UNMAP_DMA: bytes unmapped (and the dirty bitmap with GET_DIRTY_BITMAP). */
  unmapDma(caller: Process, flags: number, iova: bigint, size: bigint, bitmapPgsize: bigint): { size: bigint; bitmap?: Uint8Array };
  /** VFIO_IOMMU_DIRTY_PAGES: the bitmap for GET_BITMAP, undefined for START/STOP. */
  dirtyPages(caller: Process, flags: number, iova: bigint, size: bigint, pgsize: bigint): Uint8Array | undefined;
  /** VFIO_GROUP_SET_CONTAINER (the group's DMA ownership is already claimed by the group file). */
  attachGroup(caller: Process, group: GroupState): void;
  /** VFIO_GROUP_UNSET_CONTAINER, or the group file's release while set. */
  detachGroup(group: GroupState): void;
  /**
   * VFIO_GROUP_GET_DEVICE_FD for `dev` of a group set on this container (vfio_df_group_open):
   * native type1 needs an IOMMU set (else EINVAL); the compatibility layer binds the device to
   * its iommufd and attaches it to the compat IOAS. Returns what the device file keeps so that
   * closeDevice can undo it.
   */
  openDevice(caller: Process, dev: DeviceState): unknown;
  /** The device fd's release (vfio_df_group_close). */
  closeDevice(dev: DeviceState, token: unknown): void;
}

/**
 * A VFIO type1 container's IOMMU domain as the DMA path sees a group attached to it
 * (vfio_iommu_type1.c's struct vfio_domain; no iommufd object, no fault queue).
 */
export interface VfioType1Attach {
  readonly type: 'VFIO_TYPE1';
  readonly domain: IommuDomain;
  readonly fault: undefined;
}

export class GroupState {
  readonly devices: DeviceState[] = [];
  /**
   * The container the group is set on (VFIO_GROUP_SET_CONTAINER: group->container, or
   * group->iommufd for an iommufd fd), as the group file's ops; see vfio_container.ts.
   */
  container: VfioContainerOps | undefined;
  /** The open group file (/dev/vfio/N is single-open: a second open is EBUSY). */
  groupFile: OpenFile | undefined;
  /** Native type1: the container's domain the group's RID DMA goes through. */
  type1: VfioType1Attach | undefined;
  /** The iommufd context that owns DMA for this group (claimed by the first bind). */
  owner: IommufdCtxOps | undefined;
  /** Bound devices of the owner. */
  readonly bound = new Set<IommufdDevice>();
  /** RID (pasid 0) attachment of the group. */
  rid: Attachment | undefined;
  constructor(readonly id: number) {}
  get viable(): boolean {
    return this.devices.every((d) => d.driver !== 'host' || !d.plugged);
  }
}

export class DeviceState {
  driver: 'vfio-pci' | 'host' | 'none';
  plugged = true;
  /** PCI_COMMAND_MEMORY: the device decodes its BARs (Platform.SetBarDecode). */
  memoryEnabled = true;
  /** Open VFIO cdev files of this device. */
  vfioOpen = 0;
  /** The bound iommufd device object (cdev bind), if any. */
  bound: IommufdDevice | undefined;
  /** PASID (non-zero) attachments of this device. */
  readonly pasids = new Map<number, AttachedHwpt>();
  /** The device's ATC (Address Translation Cache), tagged by PASID; see DEVICE_ATC_ENTRIES. */
  readonly atc = new Iotlb(DEVICE_ATC_ENTRIES, 4);
  /** Physical base address of each BAR (index → base). */
  readonly barBase = new Map<number, bigint>();
  /** BAR contents (sparse: 4 KiB pages written by someone). */
  readonly barPages = new Map<string, Uint8Array>();
  /** DMA requests made by the device (Platform.DeviceDma / DeviceDmaBatch). */
  dmaCount = 0;

  constructor(
    readonly spec: PciDevice,
    readonly unit: UnitState,
    readonly group: GroupState,
  ) {
    this.driver = spec.driver;
    unit.devices.push(this);
  }
  get bdf(): string {
    return this.spec.bdf;
  }
  /** The PCI requester ID (bus << 8 | devfn): the StreamID on SMMUv3, the source-id on VT-d. */
  get rid(): number {
    const m = /^[0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(this.spec.bdf);
    if (!m) return 0;
    return (parseInt(m[1]!, 16) << 8) | (parseInt(m[2]!, 16) << 3) | parseInt(m[3]!, 16);
  }
  get pasidCapable(): boolean {
    return this.spec.pasidBits > 0 && this.unit.spec.pasidBits > 0;
  }

  barRead(index: number, offset: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const o = offset + BigInt(done);
      const page = o >> 12n;
      const inPage = Number(o & 0xfffn);
      const n = Math.min(length - done, 4096 - inPage);
      const p = this.barPages.get(`${index}:${page}`);
      if (p) out.set(p.subarray(inPage, inPage + n), done);
      done += n;
    }
    return out;
  }

  barWrite(index: number, offset: bigint, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const o = offset + BigInt(done);
      const page = o >> 12n;
      const inPage = Number(o & 0xfffn);
      const n = Math.min(data.length - done, 4096 - inPage);
      const key = `${index}:${page}`;
      let p = this.barPages.get(key);
      if (!p) this.barPages.set(key, (p = new Uint8Array(4096)));
      p.set(data.subarray(done, done + n), inPage);
      done += n;
    }
  }

  bar(index: number): { size: bigint; base: bigint } {
    const b = this.spec.bars.find((x) => x.index === index);
    const base = this.barBase.get(index);
    if (!b || base === undefined) throw kerr('EINVAL', `${this.bdf} has no BAR${index}`);
    return { size: b.size, base };
  }
}
