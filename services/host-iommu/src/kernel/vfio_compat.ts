/**
 * iommufd's VFIO container compatibility layer (drivers/iommu/iommufd/vfio_compat.c, plus the
 * group side of drivers/vfio/group.c and drivers/vfio/iommufd.c): the VFIO type1 container
 * ioctls served by an iommufd context on its compat IOAS (ictx->vfio_ioas). /dev/vfio/vfio on
 * a host whose kernel has IOMMUFD_VFIO_CONTAINER is an iommufd opened with VFIO-compatible
 * (MM) accounting; the same ioctls on a plain /dev/iommu fd reach this layer too
 * (iommufd_fops_ioctl's default case), with the context's own accounting mode.
 *
 * Where it differs from the native type1 container (vfio_type1.ts), it differs as the kernel
 * does: no dirty tracking (DIRTY_PAGES is ENOTTY, GET_DIRTY_BITMAP unmap is EINVAL), no VADDR
 * flags, no P2P through a BAR's PFNMAP VA (EFAULT when the pages are pinned), dma_avail is
 * U32_MAX, TYPE1 is TYPE1v2 with huge pages disabled, and an unmap that would split a mapping
 * is ENOENT under TYPE1v2 (TYPE1 cuts the mapping first).
 */
import { kerr } from '#libs/errno/index.js';
import { lastOf, PAGE_SIZE, U64_MAX, ULONG_MAX } from '#libs/u64/index.js';
import type { Cgroup } from '../process/principal.js';
import type { Process } from '../process/process.js';
import { IOMMU_IOAS_MAP_FIXED_IOVA, IOMMU_IOAS_MAP_READABLE, IOMMU_IOAS_MAP_WRITEABLE, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, IoasObj, type IommufdCtx } from './iommufd.js';
import { IoptArea } from './ioas.js';
import { KMEM_PAGES } from './object.js';
import type { DeviceState, GroupState, IommufdIoas, VfioContainerOps } from './topology.js';
import { attachRid, iommufdDeviceBind, iommufdDeviceUnbind } from './vfio.js';
import type { DeviceObj } from './device.js';
import {
  VFIO_API_VERSION,
  VFIO_DMA_CC_IOMMU,
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_WRITE,
  VFIO_DMA_UNMAP_FLAG_ALL,
  VFIO_IOMMU_INFO_CAPS,
  VFIO_IOMMU_INFO_PGSIZES,
  VFIO_NOIOMMU_IOMMU,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  type VfioContainerInfo,
} from './vfio_container.js';

/** iommufd_fill_cap_dma_avail: U32_MAX (iommufd's limit is the memory cgroup's). */
export const COMPAT_DMA_AVAIL = 0xffff_ffff;

const PAGE_MASK = ULONG_MAX & ~(PAGE_SIZE - 1n);

/**
 * The ops of `ctx` as a VFIO container (one object per context, so a group's `container`
 * compares equal across calls).
 */
export function compatOps(ctx: IommufdCtx): VfioContainerOps {
  let ops = opsOf.get(ctx);
  if (!ops) {
    ops = new VfioCompatContainer(ctx);
    opsOf.set(ctx, ops);
  }
  return ops;
}

const opsOf = new WeakMap<IommufdCtx, VfioCompatContainer>();

/**
 * A device opened through its group on a compat container (vfio_device->open_count for the
 * group path): the iommufd binding made at the first open, shared by every later device fd of
 * the device (vfio_df_open only binds at open_count 0, whichever iommufd the group is set on
 * by then), undone at the last close.
 */
interface CompatOpen {
  readonly obj: DeviceObj;
  opens: number;
}

const compatOpens = new WeakMap<DeviceState, CompatOpen>();

/** get_compat_ioas: the compat IOAS, or ENODEV (no group was ever attached / IOMMU_VFIO_IOAS CLEAR). */
export function getCompatIoas(ctx: IommufdCtx): IommufdIoas {
  const ioas = ctx.vfioIoas;
  if (!ioas) throw kerr('ENODEV', 'the iommufd has no VFIO compatibility IOAS (no group set on it, or IOMMU_VFIO_IOAS cleared it)');
  return ioas;
}

/**
 * iommufd_vfio_compat_ioas_create: a new IOAS becomes the compat IOAS unless one is already
 * set. Charged like IOMMU_IOAS_ALLOC (the caller's cgroup); a user-visible object
 * (IOMMU_VFIO_IOAS GET returns its ID) destroyed at the iommufd's release. The kernel allocates
 * the IOAS before looking for an existing one (and aborts it then), so ENOMEM comes first.
 */
export function compatIoasCreate(ctx: IommufdCtx, caller: Process): IommufdIoas {
  if (ctx.vfioIoas) {
    const memcg = caller.principal.cgroup;
    memcg.chargeMemory(KMEM_PAGES.IOAS);
    memcg.unchargeMemory(KMEM_PAGES.IOAS);
    return ctx.vfioIoas;
  }
  const ioas = ctx.installCharged(caller.principal.cgroup, 'IOAS', (id) => new IoasObj(ctx, id));
  ctx.vfioIoas = ioas;
  return ioas;
}

/**
 * iommufd_get_pagesizes: the AND of the domains' page-size bitmaps (ULONG_MAX with none),
 * sub-page sizes folded into PAGE_SIZE as vfio_update_pgsize_bitmap does, at least the IOVA
 * alignment.
 */
export function compatPagesizes(ioas: IommufdIoas): bigint {
  let bitmap = ULONG_MAX;
  for (const h of ioas.hwpts) {
    let d = 0n;
    for (const s of h.domain.unit.spec.pageSizes) d |= s;
    bitmap &= d;
  }
  if (bitmap & ~PAGE_MASK) {
    bitmap &= PAGE_MASK;
    bitmap |= PAGE_SIZE;
  }
  const align = ioas.iopt.iovaAlignment;
  return bitmap > align ? bitmap : align;
}

/**
 * iopt_area_split: `area` becomes [start, iova] and [iova + 1, last] over the same pages (the
 * domains' mappings are unchanged: they were made with 4 KiB pages). A cut at the area's
 * first or last byte is a no-op, as in the kernel.
 */
function splitArea(ctx: IommufdCtx, ioas: IommufdIoas, area: IoptArea, iova: bigint, memcg: Cgroup): void {
  const iopt = ioas.iopt;
  if (iova === area.iova || iova === area.last) return;
  if (!area.pages.splittable) throw kerr('EOPNOTSUPP', `mapping [0x${area.iova.toString(16)}, 0x${area.last.toString(16)}] is a dma-buf: it cannot be cut`);
  const align = iopt.iovaAlignment;
  const newStart = iova + 1n;
  // iopt_area_start_byte: the byte offset of newStart inside the pages
  const startByte = BigInt(area.pageIndex) * PAGE_SIZE + BigInt(area.pageOffset) + (newStart - area.iova);
  if (newStart % align !== 0n || startByte % align !== 0n) {
    throw kerr('EINVAL', `cutting [0x${area.iova.toString(16)}, 0x${area.last.toString(16)}] at 0x${newStart.toString(16)} breaks the IOVA alignment 0x${align.toString(16)}`);
  }
  // a domain could hold huge IOPTEs over the area: they cannot be split
  if (area.pinned && iopt.domains.length > 0 && !iopt.disableLargePages) {
    throw kerr('EINVAL', 'the mapping may use huge pages in a domain and cannot be split (VFIO_TYPE1v2_IOMMU keeps huge pages)');
  }
  // lhs and rhs are allocated by the caller (GFP_KERNEL_ACCOUNT: ENOMEM before anything moved);
  // the old area's charge goes back to whoever allocated it
  memcg.chargeMemory(2 * KMEM_PAGES.AREA);
  const lhs = new IoptArea(area.iova, iova, area.pages, area.pageIndex, area.pageOffset, area.prot);
  const rhsIndex = Number(startByte / PAGE_SIZE);
  const rhs = new IoptArea(newStart, area.last, area.pages, rhsIndex, Number(startByte % PAGE_SIZE), area.prot);
  if (area.pinned) {
    // the pin users follow the areas: the pages stay pinned throughout (no new page is covered)
    ctx.pinArea(lhs);
    ctx.pinArea(rhs);
    ctx.unpinArea(area);
    lhs.pinned = rhs.pinned = true;
  }
  iopt.areas.remove(area);
  area.memcg?.unchargeMemory(KMEM_PAGES.AREA);
  area.memcg = undefined;
  lhs.memcg = memcg;
  rhs.memcg = memcg;
  iopt.areas.insertNode(lhs);
  iopt.areas.insertNode(rhs);
  area.pages.refs++;
}

/** iopt_cut_iova: split the areas holding each IOVA, in order; the first failure stops. */
function cutIova(ctx: IommufdCtx, ioas: IommufdIoas, iovas: readonly bigint[], memcg: Cgroup): void {
  for (const iova of iovas) {
    const n = ioas.iopt.areas.find(iova);
    if (n) splitArea(ctx, ioas, n.value, iova, memcg);
  }
}

/**
 * iopt_unmap_iova_range: remove the areas inside [start, last] in ascending order; an area
 * sticking out stops it with ENOENT (those before it stay unmapped). Nothing mapped is success.
 */
function unmapRange(ctx: IommufdCtx, ioas: IommufdIoas, start: bigint, last: bigint): bigint {
  let unmapped = 0n;
  for (const n of [...ioas.iopt.areas.intersecting(start, last)]) {
    const a = n.value;
    if (a.iova < start || a.last > last) {
      throw kerr(
        'ENOENT',
        `mapping [0x${a.iova.toString(16)}, 0x${a.last.toString(16)}] is not inside the range: VFIO_TYPE1v2_IOMMU does not split mappings`,
        unmapped > 0n ? { unmapped: unmapped.toString() } : undefined,
      );
    }
    unmapped += a.last - a.iova + 1n;
    ctx.removeArea(ioas, a);
  }
  return unmapped;
}

export class VfioCompatContainer implements VfioContainerOps {
  readonly backend = 'iommufd-compat' as const;
  /** Groups set on this context (group->iommufd), each holding a reference to it. */
  private readonly groups = new Set<GroupState>();

  constructor(readonly ctx: IommufdCtx) {}

  getApiVersion(): number {
    return VFIO_API_VERSION;
  }

  /** iommufd_vfio_check_extension */
  checkExtension(ext: number): number {
    switch (ext) {
      case VFIO_TYPE1_IOMMU:
      case VFIO_TYPE1v2_IOMMU:
      case VFIO_UNMAP_ALL:
        return 1;
      case VFIO_DMA_CC_IOMMU: {
        // iommufd_vfio_cc_iommu: 1 iff every HWPT of the compat IOAS enforces cache coherency
        const ioas = getCompatIoas(this.ctx);
        for (const h of ioas.hwpts) if (!h.domain.enforceCacheCoherency) return 0;
        return 1;
      }
      // VFIO_NOIOMMU_IOMMU: IS_ENABLED(CONFIG_VFIO_NOIOMMU), off on the modelled kernels;
      // VFIO_TYPE1_NESTING_IOMMU, VFIO_UPDATE_VADDR, sPAPR, EEH and unknown: 0
      default:
        return 0;
    }
  }

  /** iommufd_vfio_set_iommu */
  setIommu(caller: Process, type: number): void {
    if (type === VFIO_NOIOMMU_IOMMU) throw kerr('EINVAL', 'VFIO_NOIOMMU_IOMMU: the kernel is built without CONFIG_VFIO_NOIOMMU');
    if (type !== VFIO_TYPE1_IOMMU && type !== VFIO_TYPE1v2_IOMMU) {
      throw kerr('EINVAL', `IOMMU type ${type} is not served by the iommufd compatibility layer (only VFIO_TYPE1_IOMMU and VFIO_TYPE1v2_IOMMU)`);
    }
    const ioas = getCompatIoas(this.ctx);
    // TYPE1 may unmap inside a mapping: emulated by disabling huge IOPTEs (iopt_disable_large_pages)
    if (type === VFIO_TYPE1_IOMMU) this.ctx.option(caller, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas.id, 0n);
  }

  /** iommufd_vfio_iommu_get_info: PGSIZES and CAPS (DMA_AVAIL, IOVA_RANGE: the reserved tree's holes). */
  getInfo(_caller: Process): VfioContainerInfo {
    const ioas = getCompatIoas(this.ctx);
    return {
      flags: VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
      iovaPgsizes: compatPagesizes(ioas),
      iovaRanges: ioas.iopt.iovaRanges(),
      dmaAvail: COMPAT_DMA_AVAIL,
    };
  }

  /**
   * iommufd_vfio_map_dma: READ/WRITE only (VADDR → EINVAL), then iopt_map_user_pages at the
   * fixed IOVA through the IOAS map path; the pages are accounted in the context's mode (MM for
   * /dev/vfio/vfio). A BAR's mmap (PFNMAP) cannot be pinned: EFAULT while a domain exists.
   */
  mapDma(caller: Process, flags: number, vaddr: bigint, iova: bigint, size: bigint): void {
    const supported = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    if (flags & ~supported) throw kerr('EINVAL', `map flags 0x${(flags & ~supported).toString(16)} are not supported by the iommufd compatibility layer (no VFIO_DMA_MAP_FLAG_VADDR)`);
    const ioas = getCompatIoas(this.ctx);
    if (!(flags & supported)) {
      // the kernel maps IOMMU_CACHE alone and leaves the outcome to the IOMMU driver (VT-d
      // refuses it, io-pgtable-arm maps nothing); no permission-less area is modelled
      throw kerr('EINVAL', 'a mapping without VFIO_DMA_MAP_FLAG_READ or VFIO_DMA_MAP_FLAG_WRITE is not modelled');
    }
    let mapFlags = IOMMU_IOAS_MAP_FIXED_IOVA;
    if (flags & VFIO_DMA_MAP_FLAG_READ) mapFlags |= IOMMU_IOAS_MAP_READABLE;
    if (flags & VFIO_DMA_MAP_FLAG_WRITE) mapFlags |= IOMMU_IOAS_MAP_WRITEABLE;
    this.ctx.ioasMap(caller, mapFlags, ioas.id, vaddr, size, iova);
  }

  /**
   * iommufd_vfio_unmap_dma: UNMAP_ALL only (GET_DIRTY_BITMAP, VADDR → EINVAL); UNMAP_ALL wants
   * iova = size = 0; with huge pages disabled (TYPE1) the range's ends are cut first; an empty
   * range is success with size 0.
   */
  unmapDma(caller: Process, flags: number, iova: bigint, size: bigint, _bitmapPgsize: bigint): { size: bigint } {
    if (flags & ~VFIO_DMA_UNMAP_FLAG_ALL) {
      throw kerr('EINVAL', `unmap flags 0x${(flags & ~VFIO_DMA_UNMAP_FLAG_ALL).toString(16)} are not supported by the iommufd compatibility layer (no dirty bitmap, no VADDR)`);
    }
    const ctx = this.ctx;
    const ioas = getCompatIoas(ctx);
    if (flags & VFIO_DMA_UNMAP_FLAG_ALL) {
      if (iova !== 0n || size !== 0n) throw kerr('EINVAL', 'VFIO_DMA_UNMAP_FLAG_ALL needs iova and size 0');
      return { size: unmapRange(ctx, ioas, 0n, U64_MAX) };
    }
    if (ioas.iopt.disableLargePages) {
      // unsigned long arithmetic: iova + size - 1 and iova - 1 wrap as in C
      const iovas = [(iova + size - 1n) & U64_MAX];
      if (iova !== 0n) iovas.push(iova - 1n);
      cutIova(ctx, ioas, iovas, caller.principal.cgroup);
    }
    if (size === 0n) throw kerr('EINVAL', 'size is 0');
    const last = lastOf(iova, size);
    if (last === undefined) throw kerr('EOVERFLOW', 'iova + size overflows');
    return { size: unmapRange(ctx, ioas, iova, last) };
  }

  /** VFIO_IOMMU_DIRTY_PAGES: iommufd_vfio_ioctl has no case for it (-ENOIOCTLCMD). */
  dirtyPages(_caller: Process, _flags: number, _iova: bigint, _size: bigint, _pgsize: bigint): Uint8Array | undefined {
    throw kerr('ENOTTY', 'VFIO_IOMMU_DIRTY_PAGES is not served by the iommufd compatibility layer (use IOMMU_HWPT_SET_DIRTY_TRACKING on an iommufd)');
  }

  /**
   * VFIO_GROUP_SET_CONTAINER with an iommufd fd: iommufd_vfio_compat_ioas_create, then the
   * group holds the context (iommufd_ctx_get). DMA ownership is claimed per device at bind.
   */
  attachGroup(caller: Process, group: GroupState): void {
    if (this.groups.has(group)) throw kerr('EINVAL', `group ${group.id} is already set on this iommufd`);
    compatIoasCreate(this.ctx, caller);
    this.groups.add(group);
    group.container = this;
    this.ctx.get();
  }

  /**
   * VFIO_GROUP_UNSET_CONTAINER / the group file's release: iommufd_ctx_put. Open device fds
   * keep their binding (it holds the context itself).
   */
  detachGroup(group: GroupState): void {
    if (!this.groups.delete(group)) return;
    if (group.container === this) group.container = undefined;
    this.ctx.put();
  }

  /**
   * vfio_df_group_open on an iommufd: at the device's first open, vfio_df_iommufd_bind
   * (iommufd_device_bind: the cdev's checks and errnos) and vfio_iommufd_compat_attach_ioas
   * (the RID attached to the compat IOAS through an automatic domain; ENODEV without one); a
   * failed attach unbinds again. Later opens share the binding.
   */
  openDevice(caller: Process, dev: DeviceState): unknown {
    const open = compatOpens.get(dev);
    if (open) {
      open.opens++;
      return open;
    }
    const ctx = this.ctx;
    const obj = iommufdDeviceBind(ctx, caller.principal.cgroup, dev);
    try {
      const ioas = getCompatIoas(ctx);
      attachRid(obj, ioas.id, caller.principal.cgroup);
    } catch (e) {
      iommufdDeviceUnbind(obj);
      throw e;
    }
    const made: CompatOpen = { obj, opens: 1 };
    compatOpens.set(dev, made);
    return made;
  }

  /** vfio_df_group_close: the last close unbinds (vfio_iommufd_physical_unbind detaches first). */
  closeDevice(dev: DeviceState, token: unknown): void {
    const open = compatOpens.get(dev);
    if (!open || open !== token) return;
    open.opens--;
    if (open.opens > 0) return;
    compatOpens.delete(dev);
    iommufdDeviceUnbind(open.obj);
  }

  /** Devices bound to this context through the group path and their open counts (for tests). */
  openDevices(): Array<{ dev: DeviceState; devId: number; opens: number }> {
    const out: Array<{ dev: DeviceState; devId: number; opens: number }> = [];
    for (const o of this.ctx.objects.values()) {
      if (o.type !== 'DEVICE') continue;
      const open = compatOpens.get(o.dev);
      if (open && open.obj === o) out.push({ dev: o.dev, devId: o.id, opens: open.opens });
    }
    return out;
  }
}

