/**
 * Runtime state of the host's IOMMU units, PCI devices and groups: the hardware side the
 * kernel objects attach to and the DMA path reads.
 */
import { kerr } from '../../../../libs/errno/index.js';
import { Iotlb } from '../../../../libs/iotlb/index.js';
import type { IommuUnit, PciDevice } from '../platform/profile.js';
import type { DeviceObj, HwptObj, IommufdCtx } from './iommufd.js';

export class UnitState {
  readonly tlb: Iotlb;
  private readonly dids = new Set<number>();
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

/** What a (group, pasid) is attached to and which bound devices joined that attachment. */
export interface Attachment {
  hwpt: HwptObj;
  devices: Set<DeviceObj>;
}

export class GroupState {
  readonly devices: DeviceState[] = [];
  /** The iommufd context that owns DMA for this group (claimed by the first bind). */
  owner: IommufdCtx | undefined;
  /** Bound devices of the owner. */
  readonly bound = new Set<DeviceObj>();
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
  /** Open VFIO cdev files of this device. */
  vfioOpen = 0;
  /** The bound iommufd device object (cdev bind), if any. */
  bound: DeviceObj | undefined;
  /** PASID (non-zero) attachments of this device. */
  readonly pasids = new Map<number, HwptObj>();
  /** Physical base address of each BAR (index → base). */
  readonly barBase = new Map<number, bigint>();
  /** BAR contents (sparse: 4 KiB pages written by someone). */
  readonly barPages = new Map<string, Uint8Array>();
  /** Device ATC: not modelled for paging-only hosts beyond this counter. */
  dmaCount = 0;

  constructor(
    readonly spec: PciDevice,
    readonly unit: UnitState,
    readonly group: GroupState,
  ) {
    this.driver = spec.driver;
  }
  get bdf(): string {
    return this.spec.bdf;
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
