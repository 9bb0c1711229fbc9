/**
 * The native VFIO type1 container (/dev/vfio/vfio on a kernel with vfio_iommu_type1): the
 * container fd of drivers/vfio/container.c with the type1 IOMMU driver behind it.
 *
 * What the driver keeps, as vfio_iommu_type1.c does:
 * - a tree of vfio_dma mappings (one per MAP_DMA; `dma_entry_limit` of them, 65535 by default,
 *   counted down in dma_avail), each pinned from the mapping process's address space and
 *   accounted to that process's locked_vm (VmLck) against RLIMIT_MEMLOCK unless the process had
 *   CAP_IPC_LOCK when it mapped (vfio_lock_acct still counts then; the limit is not checked).
 *   type1 does not dedup: the same page mapped twice is accounted twice (unlike iommufd);
 * - PFNMAP ranges (an mmap of another device's BAR) mapped without pinning or accounting, to the
 *   BAR's physical address: peer-to-peer DMA;
 * - one vfio_domain per IOMMU unit (a group joins a domain of its unit, else gets a new one with
 *   the unit's page-table format, replaying every mapping into it);
 * - the usable IOVA list: the domains' apertures minus the groups' reserved regions;
 * - dirty tracking (DIRTY_PAGES START/STOP/GET_BITMAP, UNMAP with GET_DIRTY_BITMAP): a group of
 *   a device without a pinned-page scope (every vfio-pci device) makes every mapped page dirty
 *   on each report while tracking is on (vfio_dma_populate_bitmap with num_non_pinned_groups).
 *
 * The container ioctls before SET_IOMMU answer as container.c's passthrough: EINVAL. Mainline
 * semantics, except where the profile's kernel version predates a change (Type1Quirks).
 */
import { kerr } from '#libs/errno/index.js';
import type { MemFile } from '#libs/memory/file.js';
import { withFaultRollback } from '#libs/memory/file.js';
import type { PhysicalMemory } from '#libs/memory/phys.js';
import { NonOverlappingMap, type IntervalNode, type Range } from '#libs/ranges/interval-tree.js';
import { covers, subtract } from '#libs/ranges/range-list.js';
import { U64_MAX } from '#libs/u64/index.js';
import { OpenFile } from '../process/files.js';
import { CAP } from '../process/principal.js';
import type { Process } from '../process/process.js';
import { atcInvalidate, HwptDomain } from './hw_pagetable.js';
import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from './ioas.js';
import { DIRTY_BITMAP_MAX_BYTES } from './iommufd.js';
import type { DeviceState, GroupState, UnitState, VfioContainerOps, VfioType1Attach } from './topology.js';
import {
  VFIO_API_VERSION,
  VFIO_DMA_CC_IOMMU,
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_VADDR,
  VFIO_DMA_MAP_FLAG_WRITE,
  VFIO_DMA_UNMAP_FLAG_ALL,
  VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
  VFIO_DMA_UNMAP_FLAG_VADDR,
  VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
  VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
  VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP,
  VFIO_IOMMU_INFO_CAPS,
  VFIO_IOMMU_INFO_PGSIZES,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1_NESTING_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  VFIO_UPDATE_VADDR,
  type VfioContainerInfo,
} from './vfio_container.js';
import { VFIO_PCI_OFFSET_SHIFT, VfioDeviceFile } from './vfio.js';

/** The dma_entry_limit module parameter's default (U16_MAX): the most vfio_dma one container holds. */
export const DMA_ENTRY_LIMIT = 65535;
const PAGE = 4096n;
const BAR_OFFSET_MASK = (1n << VFIO_PCI_OFFSET_SHIFT) - 1n;

/** A physically contiguous piece of a vfio_dma: pinned RAM (`file`) or a PFNMAP (MMIO) range. */
interface DmaRun {
  /** first IOVA page */
  iovaPfn: number;
  pfn: number;
  n: number;
  /** The memory object the pages were pinned in; undefined for PFNMAP (nothing pinned). */
  file: MemFile | undefined;
  fileIdx: number;
}

/** What differs between the kernel versions the profiles name. */
export interface Type1Quirks {
  /**
   * Before 6.0 vfio_dma_do_unmap stopped at a mapping whose task's mm is not the caller's
   * (`dma->task->mm != current->mm`: a zero-size success for another process holding the
   * container fd); "vfio: remove useless judgement" (June 2022, v6.0) dropped it.
   */
  unmapChecksTaskMm: boolean;
  /**
   * Before 6.3's vaddr series (Steve Sistare's "exclude mdevs from VFIO_UPDATE_VADDR", "track
   * locked_vm per dma"...): VFIO_UPDATE_VADDR was offered to anyone who asked (a fresh
   * container too; since then `iommu && !has_emulated`), and a new vaddr kept the mapping's
   * task and its locked_vm charge (since then vfio_change_dma_owner moves them to the caller).
   * What those kernels did with an invalid vaddr on attach (wait for it) is not modelled:
   * attach is EBUSY as from 6.3.
   */
  vaddrBefore63: boolean;
  /**
   * Before 6.13 type1 offered VFIO_TYPE1_NESTING_IOMMU: a v2 container whose domains are made
   * nesting-capable at attach (iommu_enable_nesting; VT-d: ENODEV without nested-mode support).
   */
  nestingType: boolean;
}

/** The quirks of a kernel `version` ("5.15", "6.12"...). */
export function type1Quirks(version: string): Type1Quirks {
  const m = /^(\d+)\.(\d+)/.exec(version);
  const major = m ? Number(m[1]) : Infinity;
  const minor = m ? Number(m[2]) : 0;
  const before = (maj: number, min: number) => major < maj || (major === maj && minor < min);
  return { unmapChecksTaskMm: major < 6, vaddrBefore63: before(6, 3), nestingType: before(6, 13) };
}

/** struct vfio_dma */
export interface VfioDma {
  readonly iova: bigint;
  readonly size: bigint;
  vaddr: bigint;
  /** IOMMU_READ | IOMMU_WRITE */
  readonly prot: number;
  /** The process whose mm the pages were pinned from (dma->mm) and locked_vm is charged to. */
  proc: Process;
  /** CAP_IPC_LOCK when mapped (dma->lock_cap): RLIMIT_MEMLOCK is not enforced. */
  lockCap: boolean;
  /** Pages charged to proc.lockedPages (PFNMAP pages are not). */
  locked: number;
  runs: DmaRun[];
  /** VFIO_DMA_UNMAP_FLAG_VADDR: the user's vaddr is gone until a MAP_DMA with VFIO_DMA_MAP_FLAG_VADDR. */
  vaddrInvalid: boolean;
}

/** struct vfio_domain: one IOMMU domain of the container and the groups attached to it. */
interface Type1Domain {
  readonly hw: HwptDomain;
  readonly groups: Set<GroupState>;
  readonly attach: VfioType1Attach;
}

/** The bits of a u64 bitmap of `n` pages in bytes (DIRTY_BITMAP_BYTES: whole u64 words). */
function dirtyBitmapBytes(n: bigint): bigint {
  return ((n + 63n) / 64n) * 8n;
}

/** __ffs of a u64 (-1 for 0). */
function ffs(v: bigint): number {
  if (v === 0n) return -1;
  let s = 0;
  while (!((v >> BigInt(s)) & 1n)) s++;
  return s;
}

/** The group's devices' reserved regions the IOVA list excludes (DIRECT_RELAXABLE is not enforced). */
function groupResv(group: GroupState): Range[] {
  const out: Range[] = [];
  for (const d of group.devices) for (const r of d.spec.reservedRegions) if (r.type !== 'direct_relaxable') out.push({ start: r.start, last: r.last });
  return out;
}

export class VfioType1Container extends OpenFile implements VfioContainerOps {
  readonly kind = 'vfio-container';
  readonly backend = 'native-type1' as const;
  /** Groups set on the container (container->group_list), with or without an IOMMU set. */
  readonly groups = new Set<GroupState>();
  /** VFIO_SET_IOMMU done (container->iommu_driver); v2 for VFIO_TYPE1v2_IOMMU. */
  iommuSet = false;
  v2 = false;
  readonly domains: Type1Domain[] = [];
  readonly dmas = new NonOverlappingMap<VfioDma>();
  dirtyTracking = false;
  vaddrInvalidCount = 0;
  /** Group-path device opens per device (the container's users). */
  private readonly opens = new Map<DeviceState, number>();

  /** dma_avail: what dma_entry_limit leaves (it goes down per vfio_dma, back up at vfio_remove_dma). */
  get dmaAvail(): number {
    return DMA_ENTRY_LIMIT - this.dmas.size;
  }

  constructor(
    path: string,
    flags: number,
    readonly mem: PhysicalMemory,
    readonly quirks: Type1Quirks = type1Quirks(''),
  ) {
    super(path, flags);
  }

  // ---------------------------------------------------------------- container.c

  getApiVersion(): number {
    return VFIO_API_VERSION;
  }

  /**
   * vfio_container_ioctl_check_extension: without an IOMMU driver every registered driver is
   * polled with no container data (type1: TYPE1, TYPE1v2, UNMAP_ALL; DMA_CC and UPDATE_VADDR
   * need the container); after SET_IOMMU type1 answers for its container.
   */
  checkExtension(ext: number): number {
    switch (ext) {
      case VFIO_TYPE1_IOMMU:
      case VFIO_TYPE1v2_IOMMU:
      case VFIO_UNMAP_ALL:
        return 1;
      case VFIO_TYPE1_NESTING_IOMMU:
        return this.quirks.nestingType ? 1 : 0;
      case VFIO_UPDATE_VADDR:
        // iommu && !vfio_iommu_has_emulated(iommu): no mdev groups here
        return this.iommuSet || this.quirks.vaddrBefore63 ? 1 : 0;
      case VFIO_DMA_CC_IOMMU:
        if (!this.iommuSet) return 0;
        return this.domains.every((d) => d.hw.enforceCacheCoherency) ? 1 : 0;
      default:
        // sPAPR/EEH/no-IOMMU are other drivers
        return 0;
    }
  }

  /**
   * vfio_ioctl_set_iommu: needs a group and no driver yet (EINVAL); a type no driver offers is
   * ENODEV; type1's open takes only TYPE1 / TYPE1v2 (EINVAL for another extension it offers);
   * then every group is attached (a failure unwinds them and is returned).
   */
  setIommu(_caller: Process, type: number): void {
    if (this.groups.size === 0) throw kerr('EINVAL', 'VFIO_SET_IOMMU: no group is set on the container');
    if (this.iommuSet) throw kerr('EINVAL', 'VFIO_SET_IOMMU: the container already has an IOMMU driver');
    if (this.checkExtension(type) <= 0) throw kerr('ENODEV', `no VFIO IOMMU driver offers type ${type}`);
    if (type !== VFIO_TYPE1_IOMMU && type !== VFIO_TYPE1v2_IOMMU && type !== VFIO_TYPE1_NESTING_IOMMU) throw kerr('EINVAL', `vfio_iommu_type1 cannot be opened as type ${type}`);
    if (type === VFIO_TYPE1_NESTING_IOMMU) {
      // each group's attach enables nesting on its new domain: no nested-mode unit, no driver
      const flat = [...this.groups].find((g) => g.devices[0] && !g.devices[0].unit.spec.nesting);
      if (flat) throw kerr('ENODEV', `VFIO_TYPE1_NESTING_IOMMU: ${flat.devices[0]!.unit.name} has no nested translation (iommu_enable_nesting)`);
    }
    this.v2 = type !== VFIO_TYPE1_IOMMU;
    const done: GroupState[] = [];
    try {
      for (const g of this.groups) {
        this.attachToDomain(g);
        done.push(g);
      }
    } catch (e) {
      for (const g of done.reverse()) this.detachFromDomain(g);
      throw e;
    }
    this.iommuSet = true;
  }

  /**
   * vfio_container_attach_group: the group's DMA ownership is claimed (iommu_group_claim_dma_owner:
   * EPERM while a host driver holds one of its devices or an iommufd owns it), then, with an
   * IOMMU set, type1 attaches it. The group holds the container.
   */
  attachGroup(_caller: Process, group: GroupState): void {
    if (this.groups.has(group)) throw kerr('EINVAL', `group ${group.id} is already set on this container`);
    const host = group.devices.find((d) => d.driver === 'host' && d.plugged);
    if (host) throw kerr('EPERM', `group ${group.id}: DMA ownership is claimed by the host driver of ${host.bdf}`);
    if (group.owner) throw kerr('EPERM', `group ${group.id}: DMA ownership is claimed by an iommufd`);
    if (this.iommuSet) this.attachToDomain(group);
    this.groups.add(group);
    group.container = this;
    this.get();
  }

  /**
   * vfio_group_detach_container: type1 detaches the group (its domain goes with its last group;
   * the container's last domain takes every mapping with it); the last group deprivileges the
   * container: the IOMMU driver is released and SET_IOMMU is needed again.
   */
  detachGroup(group: GroupState): void {
    if (!this.groups.delete(group)) return;
    if (this.iommuSet) this.detachFromDomain(group);
    if (group.container === this) group.container = undefined;
    if (this.groups.size === 0 && this.iommuSet) this.releaseIommu();
    this.put();
  }

  /** vfio_group_use_container: a device fd needs the IOMMU set (EINVAL). */
  openDevice(_caller: Process, dev: DeviceState): unknown {
    if (!this.iommuSet) throw kerr('EINVAL', 'VFIO_GROUP_GET_DEVICE_FD: the container has no IOMMU set (VFIO_SET_IOMMU first)');
    this.opens.set(dev, (this.opens.get(dev) ?? 0) + 1);
    return this;
  }

  closeDevice(dev: DeviceState): void {
    const n = this.opens.get(dev) ?? 0;
    if (n <= 1) this.opens.delete(dev);
    else this.opens.set(dev, n - 1);
  }

  /** Device fds open through `group` (its container_users - 1). */
  groupOpens(group: GroupState): number {
    let n = 0;
    for (const [d, v] of this.opens) if (d.group === group) n += v;
    return n;
  }

  protected release(): void {
    // vfio_fops_release: the container lives on while groups hold it (their detach releases it)
  }

  private requireIommu(what: string): void {
    if (!this.iommuSet) throw kerr('EINVAL', `${what}: the container has no IOMMU set (VFIO_SET_IOMMU first)`);
  }

  // ---------------------------------------------------------------- domains

  /** The smallest IOMMU page size (1 << __ffs(iommu->pgsize_bitmap)). */
  get minPageSize(): bigint {
    const bm = this.pgsizeBitmap;
    return bm === 0n ? PAGE : 1n << BigInt(ffs(bm));
  }

  /** vfio_update_pgsize_bitmap: the AND of the domains' page sizes, sub-page sizes folded to PAGE_SIZE. */
  get pgsizeBitmap(): bigint {
    let bm = U64_MAX & ~(PAGE - 1n);
    for (const d of this.domains) {
      let own = 0n;
      for (const s of d.hw.unit.spec.pageSizes) own |= s;
      if (own & (PAGE - 1n)) own = (own & ~(PAGE - 1n)) | PAGE;
      bm &= own;
    }
    return bm;
  }

  /** iommu->iova_list: the apertures' intersection minus every attached group's reserved regions. */
  iovaList(): Range[] {
    if (this.domains.length === 0) return [];
    let start = 0n;
    let last = U64_MAX;
    for (const d of this.domains) {
      if (d.hw.apertureStart > start) start = d.hw.apertureStart;
      if (d.hw.apertureLast < last) last = d.hw.apertureLast;
    }
    const resv: Range[] = [];
    for (const d of this.domains) for (const g of d.groups) resv.push(...groupResv(g));
    return subtract([{ start, last }], resv);
  }

  /** vfio_iommu_type1_attach_group for a group of physical devices. */
  private attachToDomain(group: GroupState): void {
    if (this.vaddrInvalidCount > 0) throw kerr('EBUSY', 'a mapping has an invalidated vaddr (VFIO_DMA_UNMAP_FLAG_VADDR): attach could need to pin');
    const dev0 = group.devices[0];
    if (!dev0) throw kerr('ENODEV', `group ${group.id} has no device`);
    const unit: UnitState = dev0.unit;
    const apLast = (1n << BigInt(unit.spec.inputBits)) - 1n;
    // vfio_iommu_aper_conflict / vfio_iommu_resv_conflict: existing mappings must fit
    for (const n of this.dmas) {
      if (n.last > apLast) throw kerr('EINVAL', `group ${group.id}: mapping [0x${n.start.toString(16)}, 0x${n.last.toString(16)}] lies outside ${unit.name}'s aperture`);
    }
    for (const r of groupResv(group)) {
      if (this.dmas.firstIntersecting(r.start, r.last)) throw kerr('EINVAL', `group ${group.id}: a mapping overlaps its reserved region [0x${r.start.toString(16)}, 0x${r.last.toString(16)}]`);
    }
    let dom = this.domains.find((d) => d.hw.unit === unit);
    if (!dom) {
      const hw = new HwptDomain(0, unit, this.mem, { nestParent: false, dirtyTracking: false, pasidCompat: false, autoDomain: false });
      dom = { hw, groups: new Set(), attach: { type: 'VFIO_TYPE1', domain: hw, fault: undefined } };
      // vfio_iommu_replay: every mapping into the new domain
      const done: VfioDma[] = [];
      try {
        for (const n of this.dmas) {
          mapRuns(hw, n.value);
          done.push(n.value);
        }
      } catch (e) {
        for (const d of done) unmapRuns(hw, d, []);
        hw.destroy();
        throw e;
      }
      this.domains.push(dom);
    }
    dom.groups.add(group);
    group.type1 = dom.attach;
    for (const d of group.devices) atcInvalidate(d, 0);
  }

  private detachFromDomain(group: GroupState): void {
    const i = this.domains.findIndex((d) => d.groups.has(group));
    if (i < 0) return;
    const dom = this.domains[i]!;
    dom.groups.delete(group);
    if (group.type1 === dom.attach) group.type1 = undefined;
    // iommu_detach_group: the RID is blocked; its cached translations go
    if (dom.hw.unit.spec.type === 'vtd') dom.hw.unit.tlb.invalidateTag(dom.hw.tag);
    for (const d of group.devices) atcInvalidate(d, 0);
    if (dom.groups.size > 0) return;
    if (this.domains.length === 1) this.removeAllDmas();
    else for (const n of this.dmas) unmapRuns(dom.hw, n.value, []);
    this.domains.splice(i, 1);
    dom.hw.destroy();
  }

  /** vfio_iommu_type1_release: every mapping and domain goes; the container is unset. */
  private releaseIommu(): void {
    this.removeAllDmas();
    for (const d of this.domains) {
      for (const g of d.groups) if (g.type1 === d.attach) g.type1 = undefined;
      d.hw.destroy();
    }
    this.domains.length = 0;
    this.iommuSet = false;
    this.v2 = false;
    this.dirtyTracking = false;
  }

  private removeAllDmas(): void {
    for (const n of [...this.dmas]) this.removeDma(n);
  }

  /** vfio_remove_dma: unmapped from every domain, unpinned, unaccounted, dma_avail back. */
  private removeDma(node: IntervalNode<VfioDma>): void {
    const dma = node.value;
    // a group sits behind one unit, and each unit has at most one domain: a domain's ATCs to
    // flush are its own groups' devices
    for (const d of this.domains) unmapRuns(d.hw, dma, [...d.groups].flatMap((g) => g.devices));
    unpinRuns(dma.runs);
    dma.proc.lockedPages -= dma.locked;
    if (dma.vaddrInvalid) this.vaddrInvalidCount--;
    this.dmas.remove(node);
  }

  // ---------------------------------------------------------------- type1 ioctls

  /** vfio_iommu_type1_get_info: page sizes and the caps (IOVA ranges, DMA_AVAIL). */
  getInfo(_caller: Process): VfioContainerInfo {
    this.requireIommu('VFIO_IOMMU_GET_INFO');
    return { flags: VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS, iovaPgsizes: this.pgsizeBitmap, iovaRanges: this.iovaList(), dmaAvail: this.dmaAvail };
  }

  /** vfio_iommu_type1_map_dma → vfio_dma_do_map, in the kernel's order of checks. */
  mapDma(caller: Process, flags: number, vaddr: bigint, iova: bigint, size: bigint): void {
    this.requireIommu('VFIO_IOMMU_MAP_DMA');
    if (flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE | VFIO_DMA_MAP_FLAG_VADDR)) throw kerr('EINVAL', `unknown map flags 0x${flags.toString(16)}`);
    const setVaddr = (flags & VFIO_DMA_MAP_FLAG_VADDR) !== 0;
    const prot = (flags & VFIO_DMA_MAP_FLAG_WRITE ? IOMMU_WRITE : 0) | (flags & VFIO_DMA_MAP_FLAG_READ ? IOMMU_READ : 0);
    if (prot && setVaddr) throw kerr('EINVAL', 'VFIO_DMA_MAP_FLAG_VADDR takes no READ/WRITE');
    if (!prot && !setVaddr) throw kerr('EINVAL', 'neither READ nor WRITE');
    const pgsize = this.minPageSize;
    if (size === 0n || (size | iova | vaddr) & (pgsize - 1n)) throw kerr('EINVAL', `size, iova and vaddr must be non-zero multiples of 0x${pgsize.toString(16)}`);
    const last = iova + size - 1n;
    if (last > U64_MAX || vaddr + size - 1n > U64_MAX) throw kerr('EINVAL', 'iova or vaddr + size wraps');
    const hit = this.dmas.firstIntersecting(iova, last);
    if (setVaddr) {
      if (!hit) throw kerr('ENOENT', `no mapping at iova 0x${iova.toString(16)}`);
      const dma = hit.value;
      if (!dma.vaddrInvalid || dma.iova !== iova || dma.size !== size) throw kerr('EINVAL', 'VFIO_DMA_MAP_FLAG_VADDR must name exactly one mapping whose vaddr was invalidated');
      if (!this.quirks.vaddrBefore63) this.changeOwner(dma, caller);
      dma.vaddr = vaddr;
      dma.vaddrInvalid = false;
      this.vaddrInvalidCount--;
      return;
    }
    if (hit) throw kerr('EEXIST', `iova range [0x${iova.toString(16)}, 0x${last.toString(16)}] overlaps a mapping`);
    if (this.dmaAvail === 0) throw kerr('ENOSPC', `dma_entry_limit (${DMA_ENTRY_LIMIT}) mappings reached`);
    const list = this.iovaList();
    if (list.length > 0 && !covers(list, iova, last)) throw kerr('EINVAL', `iova range [0x${iova.toString(16)}, 0x${last.toString(16)}] is not inside one usable IOVA range`);
    const dma: VfioDma = { iova, size, vaddr, prot, proc: caller, lockCap: caller.principal.hasCap(CAP.IPC_LOCK), locked: 0, runs: [], vaddrInvalid: false };
    this.pinMap(dma);
    this.dmas.insert(iova, last, dma);
  }

  /**
   * vfio_change_dma_owner: a new vaddr from another process moves the locked_vm charge to it
   * (ENOMEM past its RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK).
   */
  private changeOwner(dma: VfioDma, caller: Process): void {
    if (dma.proc === caller) return;
    const lockCap = caller.principal.hasCap(CAP.IPC_LOCK);
    if (!lockCap && dma.locked > 0 && caller.lockedPages + dma.locked > caller.principal.memlockPages) {
      throw kerr('ENOMEM', `RLIMIT_MEMLOCK of pid ${caller.pid} exceeded taking over ${dma.locked} locked pages`);
    }
    dma.proc.lockedPages -= dma.locked;
    caller.lockedPages += dma.locked;
    dma.proc = caller;
    dma.lockCap = lockCap;
  }

  /**
   * vfio_pin_map_dma: pin the user range (vfio_pin_pages_remote; a PFNMAP VMA gives its MMIO
   * frames, not pinned, not accounted), account it (ENOMEM past RLIMIT_MEMLOCK without
   * CAP_IPC_LOCK), map it into every domain. Atomic.
   */
  private pinMap(dma: VfioDma): void {
    const proc = dma.proc;
    const write = (dma.prot & IOMMU_WRITE) !== 0;
    const npages = Number(dma.size >> 12n);
    const iovaPfn0 = Number(dma.iova >> 12n);
    const limit = proc.principal.memlockPages;
    const runs: DmaRun[] = [];
    let locked = 0;
    const run = { n: 0 };
    withFaultRollback(proc.mm.mem, () => {
      try {
        let i = 0;
        while (i < npages) {
          const va = dma.vaddr + (BigInt(i) << 12n);
          const { page, vma } = proc.mm.pageFor(va, write, true, true);
          if (!page) {
            // follow_fault_pfn on a VM_PFNMAP VMA: the BAR frames, contiguous to the VMA's end
            const mmio = vma.mmio!;
            // vfio_pci_mmap_huge_fault: no decode (PCI_COMMAND_MEMORY clear) or a removed device
            // faults SIGBUS, so follow_fault_pfn fails
            const owner = mmio.holder instanceof VfioDeviceFile ? mmio.holder.dev : undefined;
            if (owner && (!owner.plugged || !owner.memoryEnabled)) {
              throw kerr('EFAULT', `address 0x${va.toString(16)}: ${mmio.describe} does not decode (memory disabled or device gone)`);
            }
            const barOff = (vma.fileOffset + (va - vma.start)) & BAR_OFFSET_MASK;
            const n = Math.min(npages - i, Number((vma.end - va) >> 12n));
            runs.push({ iovaPfn: iovaPfn0 + i, pfn: Number((mmio.physBase + barOff) >> 12n), n, file: undefined, fileIdx: 0 });
            i += n;
            continue;
          }
          const file = page.file;
          let maxN = vma.overlay ? 1 : Math.min(npages - i, Number((vma.end - va) >> 12n), file.sizePages - page.pageIndex);
          if (!dma.lockCap) {
            const room = limit - (proc.lockedPages + locked);
            if (room <= 0) throw kerr('ENOMEM', `RLIMIT_MEMLOCK (${limit} pages) of pid ${proc.pid} exceeded`);
            if (maxN > room) maxN = room;
          }
          // frames faulted in for the pin are charged to the mm's memory cgroup
          const pfn = file.frameRun(page.pageIndex, maxN, proc.mm.cgroup, run);
          file.pin(page.pageIndex, run.n);
          runs.push({ iovaPfn: iovaPfn0 + i, pfn, n: run.n, file, fileIdx: page.pageIndex });
          locked += run.n;
          i += run.n;
        }
        dma.runs = runs;
        const done: HwptDomain[] = [];
        try {
          for (const d of this.domains) {
            mapRuns(d.hw, dma);
            done.push(d.hw);
          }
        } catch (e) {
          for (const hw of done) unmapRuns(hw, dma, []);
          dma.runs = [];
          throw e;
        }
      } catch (e) {
        // unpin inside the atomic operation: its rollback then frees the folios the pin faulted
        // in (it keeps pinned ones), as Pages.addUser does
        unpinRuns(runs);
        throw e;
      }
    });
    dma.locked = locked;
    proc.lockedPages += locked;
  }

  /** [iova, last] must start and end on mapping boundaries (EINVAL; `why` ends the message). */
  private requireMappingBounds(iova: bigint, last: bigint, why: string): void {
    const head = this.dmas.find(iova);
    if (head && head.start !== iova) throw kerr('EINVAL', `the range starts inside the mapping at 0x${head.start.toString(16)}${why}`);
    const tail = this.dmas.find(last);
    if (tail && tail.last !== last) throw kerr('EINVAL', `the range ends inside the mapping at 0x${tail.start.toString(16)}${why}`);
  }

  /** The dirty bitmap of [iova, iova + size) at `pgsize` (verify_bitmap_size, and our message cap). */
  private bitmapFor(size: bigint, pgsize: bigint): Uint8Array {
    const shift = ffs(pgsize);
    if (shift < 0) throw kerr('EINVAL', 'bitmap pgsize is 0');
    const npages = size >> BigInt(shift);
    if (npages === 0n) throw kerr('EINVAL', 'the range holds no page of the bitmap size');
    const bytes = dirtyBitmapBytes(npages);
    if (bytes > BigInt(DIRTY_BITMAP_MAX_BYTES)) {
      throw kerr('EINVAL', `the bitmap of ${size} bytes at pgsize ${pgsize} is ${bytes} bytes; one call returns at most ${DIRTY_BITMAP_MAX_BYTES}: split the range`);
    }
    return new Uint8Array(Number(bytes));
  }

  /** update_user_bitmap: every page of `dma` dirty (no pinned-page scope), at its place from `base`. */
  private static markDirty(bitmap: Uint8Array, dma: VfioDma, base: bigint, pgshift: number): void {
    const first = Number((dma.iova - base) >> BigInt(pgshift));
    const end = Math.min(first + Number(dma.size >> BigInt(pgshift)), bitmap.length * 8);
    for (let b = Math.max(first, 0); b < end; b++) bitmap[b >> 3]! |= 1 << (b & 7);
  }

  /** vfio_iommu_type1_unmap_dma → vfio_dma_do_unmap. */
  unmapDma(caller: Process, flags: number, iova: bigint, size: bigint, bitmapPgsize: bigint): { size: bigint; bitmap?: Uint8Array } {
    this.requireIommu('VFIO_IOMMU_UNMAP_DMA');
    const known = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR;
    if (flags & ~known) throw kerr('EINVAL', `unknown unmap flags 0x${flags.toString(16)}`);
    const getDirty = (flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) !== 0;
    const all = (flags & VFIO_DMA_UNMAP_FLAG_ALL) !== 0;
    const invalidateVaddr = (flags & VFIO_DMA_UNMAP_FLAG_VADDR) !== 0;
    if (getDirty && (all || invalidateVaddr)) throw kerr('EINVAL', 'GET_DIRTY_BITMAP cannot be combined with ALL or VADDR');
    const bitmap = getDirty ? this.bitmapFor(size, bitmapPgsize) : undefined;
    const pgsize = this.minPageSize;
    if (iova & (pgsize - 1n)) throw kerr('EINVAL', `iova is not aligned to 0x${pgsize.toString(16)}`);
    let last: bigint;
    if (all) {
      if (iova !== 0n || size !== 0n) throw kerr('EINVAL', 'VFIO_DMA_UNMAP_FLAG_ALL needs iova = 0 and size = 0');
      last = U64_MAX;
    } else {
      if (size === 0n || size & (pgsize - 1n)) throw kerr('EINVAL', `size must be a non-zero multiple of 0x${pgsize.toString(16)}`);
      last = iova + size - 1n;
      if (last > U64_MAX) throw kerr('EINVAL', 'iova + size wraps');
    }
    if (getDirty && (!this.dirtyTracking || bitmapPgsize !== pgsize)) {
      throw kerr('EINVAL', this.dirtyTracking ? `bitmap pgsize must be the smallest page size 0x${pgsize.toString(16)}` : 'dirty page tracking is not started');
    }
    if (this.v2 && !all) {
      // the v2 interface: no mapping may be bisected by the range
      this.requireMappingBounds(iova, last, ' (type1v2 unmaps whole mappings)');
    }
    const pgshift = ffs(pgsize);
    let unmapped = 0n;
    const marked: VfioDma[] = [];
    for (const n of [...this.dmas.intersecting(iova, last)]) {
      const dma = n.value;
      // v1: a range starting inside a mapping stops there (a zero-size success if it is the first)
      if (!this.v2 && iova > dma.iova) break;
      if (this.quirks.unmapChecksTaskMm && dma.proc !== caller) break;
      if (invalidateVaddr) {
        if (dma.vaddrInvalid) {
          for (const m of marked) m.vaddrInvalid = false;
          this.vaddrInvalidCount -= marked.length;
          throw kerr('EINVAL', `the mapping at 0x${dma.iova.toString(16)} already has an invalid vaddr`);
        }
        dma.vaddrInvalid = true;
        this.vaddrInvalidCount++;
        marked.push(dma);
        unmapped += dma.size;
        continue;
      }
      if (bitmap) VfioType1Container.markDirty(bitmap, dma, iova, pgshift);
      unmapped += dma.size;
      this.removeDma(n);
    }
    return bitmap ? { size: unmapped, bitmap } : { size: unmapped };
  }

  /** vfio_iommu_type1_dirty_pages. */
  dirtyPages(_caller: Process, flags: number, iova: bigint, size: bigint, pgsize: bigint): Uint8Array | undefined {
    this.requireIommu('VFIO_IOMMU_DIRTY_PAGES');
    if (!this.v2) throw kerr('EACCES', 'VFIO_IOMMU_DIRTY_PAGES needs a VFIO_TYPE1v2_IOMMU container');
    const mask = VFIO_IOMMU_DIRTY_PAGES_FLAG_START | VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP | VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
    if (flags & ~mask) throw kerr('EINVAL', `unknown dirty pages flags 0x${flags.toString(16)}`);
    if (flags === VFIO_IOMMU_DIRTY_PAGES_FLAG_START) {
      this.dirtyTracking = true;
      return undefined;
    }
    if (flags === VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) {
      this.dirtyTracking = false;
      return undefined;
    }
    if (flags !== VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP) throw kerr('EINVAL', 'exactly one of START, STOP, GET_BITMAP');
    if (iova + size > U64_MAX) throw kerr('EINVAL', 'iova + size wraps');
    const bitmap = this.bitmapFor(size, pgsize);
    const min = this.minPageSize;
    if (pgsize !== min) throw kerr('EINVAL', `bitmap pgsize must be the smallest page size 0x${min.toString(16)}`);
    if (iova & (min - 1n)) throw kerr('EINVAL', `iova is not aligned to 0x${min.toString(16)}`);
    if (size === 0n || size & (min - 1n)) throw kerr('EINVAL', `size must be a non-zero multiple of 0x${min.toString(16)}`);
    if (!this.dirtyTracking) throw kerr('EINVAL', 'dirty page tracking is not started');
    const last = iova + size - 1n;
    // vfio_iova_dirty_bitmap: the range must start and end on mapping boundaries
    this.requireMappingBounds(iova, last, '');
    const pgshift = ffs(pgsize);
    for (const n of this.dmas.intersecting(iova, last)) VfioType1Container.markDirty(bitmap, n.value, iova, pgshift);
    return bitmap;
  }

  /** Pages pinned by this container's mappings (PFNMAP ranges pin nothing). */
  get pinnedPages(): number {
    let n = 0;
    for (const m of this.dmas) for (const r of m.value.runs) if (r.file) n += r.n;
    return n;
  }

  /** The mapping at `iova`, for inspection. */
  dmaAt(iova: bigint): VfioDma | undefined {
    return this.dmas.find(iova)?.value;
  }
}

/** vfio_iommu_map of every run of `dma` into `hw` (IOMMU_CACHE always, as type1 maps). */
function mapRuns(hw: HwptDomain, dma: VfioDma): void {
  const prot = dma.prot | IOMMU_CACHE;
  const done: DmaRun[] = [];
  try {
    for (const r of dma.runs) {
      hw.pt.map(r.iovaPfn, r.pfn, r.n, prot, 30);
      done.push(r);
    }
  } catch (e) {
    for (const r of done) hw.pt.unmap(r.iovaPfn, r.n);
    throw e;
  }
}

/** iommu_unmap of `dma` from `hw`, its IOTLB range and the ATCs of `devs` flushed. */
function unmapRuns(hw: HwptDomain, dma: VfioDma, devs: readonly DeviceState[]): void {
  const pfn = Number(dma.iova >> 12n);
  const n = Number(dma.size >> 12n);
  hw.pt.unmap(pfn, n);
  hw.unit.tlb.invalidateRange(hw.tag, pfn, n);
  for (const d of devs) if (d.unit === hw.unit) atcInvalidate(d, 0, pfn, n);
}

function unpinRuns(runs: readonly DmaRun[]): void {
  for (const r of runs) if (r.file) r.file.unpin(r.fileIdx, r.n, r.pfn);
}
