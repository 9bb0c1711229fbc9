/**
 * VFIO device cdev files (/dev/vfio/devices/vfioN): BIND_IOMMUFD with whole-group DMA
 * ownership, ATTACH/DETACH_IOMMUFD_PT (auto domains, replace, PASID rules), device info and
 * regions. Device access is refused (EINVAL) until the fd is bound, as in the kernel.
 */
import { kerr } from '#libs/errno/index.js';
import { OpenFile } from '../process/files.js';
import type { Cgroup } from '../process/principal.js';
import type { Process } from '../process/process.js';
import type { ReservedRegion } from '#libs/profile/profile.js';
import { checkNestedAttach, flushDetached } from './hw_pagetable.js';
import { DeviceObj } from './device.js';
import { dmaBufCleanup, dmaBufMove, vfioPciFeatureDmaBuf, type DmabufFile, type DmaRange, type RevokeListener } from './dmabuf.js';
import { IommufdCtx } from './iommufd.js';
import { migrationDeviceClosed, migrationDeviceReset } from './vfio_migration.js';
import type { AttachedHwpt, DeviceState, IommufdDevice, IommufdIoas, VfioContainerOps } from './topology.js';

export const VFIO_DEVICE_ATTACH_PASID = 1 << 0;
export const VFIO_DEVICE_FLAGS_RESET = 1 << 0;
export const VFIO_DEVICE_FLAGS_PCI = 1 << 1;
export const VFIO_DEVICE_FLAGS_CDEV = 1 << 9;
export const VFIO_PCI_NUM_REGIONS = 9; // BAR0-5, ROM, CONFIG, VGA
export const VFIO_PCI_CONFIG_REGION_INDEX = 7;
export const VFIO_PCI_NUM_IRQS = 5; // INTX, MSI, MSIX, ERR, REQ
export const VFIO_REGION_INFO_FLAG_READ = 1 << 0;
export const VFIO_REGION_INFO_FLAG_WRITE = 1 << 1;
export const VFIO_REGION_INFO_FLAG_MMAP = 1 << 2;
export const VFIO_PCI_OFFSET_SHIFT = 40n;

/** Reserved-region kinds that enter an IOAS (DIRECT_RELAXABLE is ignored by iommufd). */
function enforcedRegions(dev: DeviceState): ReservedRegion[] {
  return dev.spec.reservedRegions.filter((r) => r.type !== 'direct_relaxable');
}

export class VfioDeviceFile extends OpenFile {
  readonly kind = 'vfio-device';
  /** The iommufd binding: cdev BIND_IOMMUFD, or the compatibility layer's bind at GET_DEVICE_FD. */
  bound: DeviceObj | undefined;
  /**
   * A device fd from VFIO_GROUP_GET_DEVICE_FD (df->group): the container that opened it, what
   * its openDevice returned (closeDevice gets it back at release) and the group file the device
   * fd holds (put after closeDevice: the group is released only after its devices). Access is
   * granted from the open on; a cdev fd gets access at bind.
   */
  viaGroup: { ops: VfioContainerOps; token: unknown; group?: OpenFile } | undefined;

  constructor(
    path: string,
    flags: number,
    readonly dev: DeviceState,
  ) {
    super(path, flags);
    dev.vfioOpen++;
  }

  private requireBound(): DeviceObj {
    if (!this.bound) throw kerr('EINVAL', 'device fd is not bound to an iommufd (VFIO_DEVICE_BIND_IOMMUFD first)');
    return this.bound;
  }

  /** df->access_granted: a group-opened fd from its open, a cdev fd once bound (else EINVAL). */
  requireAccess(): void {
    if (!this.bound && !this.viaGroup) throw kerr('EINVAL', 'device fd is not bound to an iommufd (VFIO_DEVICE_BIND_IOMMUFD first)');
  }

  // ---------------------------------------------------------------- bind

  /**
   * VFIO_DEVICE_BIND_IOMMUFD (vfio_df_ioctl_bind_iommufd) by `caller`, whose fd `iommufd` names
   * the context: flags or a negative fd → EINVAL, already bound → EINVAL, then
   * iommufd_ctx_from_fd (no such fd → EBADF, not an iommufd → EBADFD), then the device checks.
   * The binding's memory is charged to the caller's cgroup.
   */
  bind(caller: Process, iommufd: number, flags: number): number {
    if (flags !== 0 || iommufd < 0) throw kerr('EINVAL', flags !== 0 ? 'BIND_IOMMUFD flags must be 0' : `iommufd ${iommufd} is negative`);
    // BIND_IOMMUFD is for cdev fds only; vfio_device_block_group: the group open through
    // /dev/vfio/<group> blocks the cdev path (and a bound cdev blocks the group's open)
    if (this.viaGroup) throw kerr('EINVAL', 'VFIO_DEVICE_BIND_IOMMUFD on a device fd from VFIO_GROUP_GET_DEVICE_FD');
    if (this.dev.group.groupFile) throw kerr('EBUSY', `group ${this.dev.group.id} is open through /dev/vfio/${this.dev.group.id}`);
    if (this.bound) throw kerr('EINVAL', 'device fd is already bound');
    const f = caller.fds.get(iommufd);
    if (!f) throw kerr('EBADF', `fd ${iommufd} is not open`);
    if (!(f instanceof IommufdCtx)) throw kerr('EBADFD', `fd ${iommufd} (${f.kind}) is not an iommufd`);
    const obj = iommufdDeviceBind(f, caller.principal.cgroup, this.dev);
    this.bound = obj;
    return obj.id;
  }

  private unbind(): void {
    const obj = this.bound;
    if (!obj) return;
    this.bound = undefined;
    iommufdDeviceUnbind(obj);
  }

  // ---------------------------------------------------------------- attach / detach

  /** ATTACH_IOMMUFD_PT by `caller`: an automatic domain it makes is charged to its cgroup. */
  attach(caller: Process, flags: number, ptId: number, pasid: number): number {
    if (flags & ~VFIO_DEVICE_ATTACH_PASID) throw kerr('EINVAL', 'unknown attach flags');
    const obj = this.requireBound();
    if (flags & VFIO_DEVICE_ATTACH_PASID) return attachPasid(obj, ptId, pasid);
    if (pasid !== 0) throw kerr('EINVAL', 'pasid given without VFIO_DEVICE_ATTACH_PASID');
    return attachRid(obj, ptId, caller.principal.cgroup);
  }

  detach(flags: number, pasid: number): void {
    if (flags & ~VFIO_DEVICE_ATTACH_PASID) throw kerr('EINVAL', 'unknown detach flags');
    const obj = this.requireBound();
    if (flags & VFIO_DEVICE_ATTACH_PASID) {
      // vfio_iommufd_physical_pasid_detach_ioas: a PASID that is not attached (always the case on
      // a device without PASID support) is silently ignored
      detachPasid(obj, pasid);
      return;
    }
    detachRid(obj);
  }

  // ---------------------------------------------------------------- info

  getInfo(): { flags: number; num_regions: number; num_irqs: number } {
    this.requireAccess();
    const cdev = this.viaGroup ? 0 : VFIO_DEVICE_FLAGS_CDEV;
    return { flags: VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET | cdev, num_regions: VFIO_PCI_NUM_REGIONS, num_irqs: VFIO_PCI_NUM_IRQS };
  }

  getRegionInfo(index: number): { size: bigint; offset: bigint; flags: number } {
    this.requireAccess();
    if (index < 0 || index >= VFIO_PCI_NUM_REGIONS) throw kerr('EINVAL', `region index ${index} out of range`);
    const offset = BigInt(index) << VFIO_PCI_OFFSET_SHIFT;
    if (index <= 5) {
      const bar = this.dev.spec.bars.find((b) => b.index === index);
      if (!bar) return { size: 0n, offset, flags: 0 };
      return { size: bar.size, offset, flags: VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP };
    }
    if (index === VFIO_PCI_CONFIG_REGION_INDEX) return { size: 4096n, offset, flags: VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE };
    return { size: 0n, offset, flags: 0 };
  }

  /**
   * VFIO_DEVICE_RESET (vfio_pci_ioctl_reset): the device's dma-bufs are revoked around the
   * function reset and given back if memory decode is on (their iommufd importers stay revoked).
   */
  reset(): void {
    this.requireAccess();
    if (!this.dev.plugged) throw kerr('ENODEV', `${this.dev.bdf} is gone`);
    dmaBufMove(this.dev, true);
    this.dev.barPages.clear();
    migrationDeviceReset(this.dev); // VFIO migration: back to RUNNING with a reset internal state
    if (this.dev.memoryEnabled) dmaBufMove(this.dev, false);
  }

  /**
   * VFIO_DEVICE_FEATURE(GET | DMA_BUF): access first (EINVAL), then a kernel without the feature
   * answers ENOTTY (vfio_pci_core_ioctl_feature's default), then vfio_pci_core_feature_dma_buf.
   */
  getDmabuf(kernelHasFeature: boolean, regionIndex: number, ranges: readonly DmaRange[], openFlags: number, onRevoke: RevokeListener): DmabufFile {
    this.requireAccess();
    if (!kernelHasFeature) throw kerr('ENOTTY', 'this kernel has no VFIO_DEVICE_FEATURE_DMA_BUF');
    return vfioPciFeatureDmaBuf(this.dev, regionIndex, ranges, openFlags, onRevoke);
  }

  /** Where an mmap of this fd at `offset` lands: BAR index and offset inside it. */
  regionFor(offset: bigint, length: bigint): { index: number; barOffset: bigint } {
    this.requireAccess();
    const index = Number(offset >> VFIO_PCI_OFFSET_SHIFT);
    const barOffset = offset & ((1n << VFIO_PCI_OFFSET_SHIFT) - 1n);
    if (index > 5) throw kerr('EINVAL', `region ${index} cannot be mmapped`);
    const bar = this.dev.spec.bars.find((b) => b.index === index);
    if (!bar) throw kerr('EINVAL', `${this.dev.bdf} has no BAR${index}`);
    if (barOffset + length > bar.size) throw kerr('EINVAL', 'mmap beyond the end of the BAR');
    return { index, barOffset };
  }

  protected release(): void {
    if (this.viaGroup) {
      const { ops, token, group } = this.viaGroup;
      this.viaGroup = undefined;
      ops.closeDevice(this.dev, token);
      group?.put();
    }
    this.unbind();
    this.dev.vfioOpen--;
    // vfio_pci_core_close_device → vfio_pci_dma_buf_cleanup: the device's dma-bufs die with it
    if (this.dev.vfioOpen === 0) dmaBufCleanup(this.dev);
    // the vendor driver's close_device: migration sessions end, the next open starts RUNNING
    if (this.dev.vfioOpen === 0) migrationDeviceClosed(this.dev);
  }
}

// ------------------------------------------------------------------ bind machinery

/**
 * iommufd_device_bind for `dev` (the cdev's BIND_IOMMUFD and the group path's
 * vfio_df_iommufd_bind at the first GET_DEVICE_FD on a compat container share it): the device
 * and group-ownership checks, then the DEVICE object (charged to `memcg`), held by the VFIO
 * driver until iommufdDeviceUnbind; the bound device holds the iommufd file.
 */
export function iommufdDeviceBind(ctx: IommufdCtx, memcg: Cgroup, dev: DeviceState): DeviceObj {
  if (!dev.plugged) throw kerr('ENODEV', `${dev.bdf} is gone`);
  if (dev.bound) throw kerr('EINVAL', `${dev.bdf} is already opened through another device fd`);
  const group = dev.group;
  // iommu_device_claim_dma_owner: a group already owned (owner_cnt) by another owner — another
  // iommufd, or the kernel driver of a sibling (iommu_device_use_default_domain, owner NULL) → EPERM
  if (group.owner && group.owner !== ctx) throw kerr('EPERM', `group ${group.id} is owned by another iommufd`);
  const hostOwned = group.devices.find((d) => d.driver === 'host' && d.plugged);
  if (hostOwned) throw kerr('EPERM', `group ${group.id} is not viable: ${hostOwned.bdf} is bound to a host driver`);
  const obj = ctx.installCharged(memcg, 'DEVICE', (id) => new DeviceObj(ctx, id, dev));
  obj.users++; // held by the VFIO driver until unbind
  group.owner = ctx;
  group.bound.add(obj);
  dev.bound = obj;
  ctx.get(); // the bound device holds the iommufd file
  return obj;
}

/** iommufd_device_unbind: detach every PASID and the RID, destroy the object, drop the file. */
export function iommufdDeviceUnbind(obj: DeviceObj): void {
  const ctx = obj.ctx;
  const dev = obj.dev;
  for (const pasid of [...dev.pasids.keys()]) detachPasid(obj, pasid);
  detachRid(obj);
  ctx.objects.delete(obj.id);
  obj.users = 0;
  obj.destroy();
  const group = dev.group;
  group.bound.delete(obj);
  if (group.bound.size === 0) group.owner = undefined;
  dev.bound = undefined;
  ctx.put();
}

// ------------------------------------------------------------------ attach machinery

function addRegions(ioas: IommufdIoas, devs: DeviceState[], objs: IommufdDevice[]): void {
  const added: Array<ReturnType<IommufdIoas['iopt']['reserve']>> = [];
  try {
    devs.forEach((d, i) => {
      for (const r of enforcedRegions(d)) added.push(ioas.iopt.reserve(r.start, r.last, { kind: 'device', devId: objs[i]!.id, bdf: d.bdf }));
    });
  } catch (e) {
    for (const n of added) ioas.iopt.reserved.remove(n);
    throw e;
  }
}

function removeRegions(ioas: IommufdIoas, obj: IommufdDevice): void {
  ioas.iopt.unreserveOwner((o) => o.kind === 'device' && o.devId === obj.id);
}

/** The IOAS whose reserved regions an attachment enforces (find_hwpt_paging: a nested HWPT's parent's). */
function ioasOf(h: AttachedHwpt): IommufdIoas {
  return h.type === 'HWPT_NESTED' ? h.parent.ioas : h.ioas;
}

/** Checks a domain must pass for a device (the driver's attach_dev / set_dev_pasid). */
function checkCompatible(h: AttachedHwpt, obj: IommufdDevice, pasid: number): void {
  if (h.type === 'HWPT_NESTED') {
    checkNestedAttach(h, obj, pasid);
    return;
  }
  const dev = obj.dev;
  if (h.domain.unit !== dev.unit) throw kerr('EINVAL', `HWPT ${h.id} belongs to ${h.domain.unit.name}, ${dev.bdf} is behind ${dev.unit.name}`);
  if (h.domain.opts.dirtyTracking && !dev.unit.spec.dirtyTracking) throw kerr('EINVAL', `${dev.bdf} cannot use a dirty-tracking domain`);
}

function destroyIfUnusedAuto(h: AttachedHwpt): void {
  if (h.type === 'HWPT_PAGING' && h.auto && h.users === 1) {
    h.ctx.objects.delete(h.id);
    h.users = 0;
    h.destroy();
  }
}

/**
 * `objs` left `h` on `pasid` (detach or replace): the caches of that attachment are flushed
 * (flushDetached). When the attach handle itself went (`handleDevs`: the device object ids that
 * used it), an IOPF-capable HWPT's fault queue answers INVALID the page requests that came
 * through that handle (iommufd_auto_response_faults). A RID handle belongs to the group: it goes
 * with the group's last device (or when the whole group is replaced); a PASID handle to one
 * device and PASID.
 */
function leftHwpt(h: AttachedHwpt, objs: Iterable<IommufdDevice>, pasid: number, handleDevs: ReadonlySet<number> | undefined): void {
  for (const o of objs) flushDetached(h, o.dev, pasid);
  if (handleDevs) h.fault?.autoRespond(h, pasid, handleDevs);
}

/** The device object ids of a group's RID attach handle: its bound devices and `also`. */
function ridHandleDevs(obj: IommufdDevice, also: Iterable<IommufdDevice>): Set<number> {
  const ids = new Set<number>();
  for (const o of obj.dev.group.bound) ids.add(o.id);
  for (const o of also) ids.add(o.id);
  return ids;
}

function resolveRidTarget(obj: IommufdDevice, ptId: number, memcg: Cgroup): { hwpt: AttachedHwpt; created: boolean } {
  const ctx = obj.ctx;
  const dev = obj.dev;
  const pt = ctx.objects.get(ptId);
  if (!pt) throw kerr('ENOENT', `pt_id ${ptId} does not exist`);
  if (pt.type === 'HWPT_PAGING' || pt.type === 'HWPT_NESTED') return { hwpt: pt, created: false };
  if (pt.type !== 'IOAS') throw kerr('EINVAL', `pt_id ${ptId} is neither an IOAS nor a HWPT`);
  // auto domain: reuse a compatible auto HWPT of this IOAS, else make one
  const rid = dev.group.rid;
  for (const h of pt.hwpts) {
    if (!h.auto || h.domain.unit !== dev.unit) continue;
    if (rid && rid.hwpt !== h && !rid.devices.has(obj)) continue; // the group shares one domain
    return { hwpt: h, created: false };
  }
  return { hwpt: ctx.allocPaging(memcg, pt, dev, 0, true), created: true };
}

/**
 * Attach (or replace) the RID of `obj`'s group to `ptId`: an IOAS (auto domain), a paging HWPT
 * or a nested HWPT. Core checks (PASID compatibility, the group's shared domain), then the
 * reserved regions of the IOAS (a nested HWPT's parent's), then the driver's attach checks;
 * any failure undoes what was done.
 */
export function attachRid(obj: IommufdDevice, ptId: number, memcg: Cgroup): number {
  const dev = obj.dev;
  const group = dev.group;
  const rid = group.rid;
  const replacing = rid !== undefined && rid.devices.has(obj);
  const { hwpt, created } = resolveRidTarget(obj, ptId, memcg);
  const ioas = ioasOf(hwpt);
  try {
    if (!hwpt.pasidCompat && dev.pasids.size > 0) throw kerr('EINVAL', 'PASIDs are attached: the RID domain must be PASID-compatible');
    if (replacing) {
      const old = rid!.hwpt;
      if (old === hwpt) return hwpt.id;
      const movers = [...rid!.devices];
      const oldIoas = ioasOf(old);
      const moveRegions = oldIoas !== ioas;
      if (moveRegions) addRegions(ioas, movers.map((o) => o.dev), movers);
      try {
        for (const o of movers) checkCompatible(hwpt, o, 0);
      } catch (e) {
        if (moveRegions) for (const o of movers) removeRegions(ioas, o);
        throw e;
      }
      if (moveRegions) for (const o of movers) removeRegions(oldIoas, o);
      group.rid = { hwpt, devices: rid!.devices };
      hwpt.users += movers.length;
      old.users -= movers.length;
      leftHwpt(old, movers, 0, ridHandleDevs(obj, movers));
      destroyIfUnusedAuto(old);
      return hwpt.id;
    }
    if (rid && rid.hwpt !== hwpt) throw kerr('EINVAL', `group ${group.id} is attached to HWPT ${rid.hwpt.id}; all its devices must share it`);
    addRegions(ioas, [dev], [obj]);
    try {
      checkCompatible(hwpt, obj, 0);
    } catch (e) {
      removeRegions(ioas, obj);
      throw e;
    }
  } catch (e) {
    if (created) destroyIfUnusedAuto(hwpt);
    throw e;
  }
  if (rid) rid.devices.add(obj);
  else group.rid = { hwpt, devices: new Set([obj]) };
  hwpt.users++;
  obj.users++;
  return hwpt.id;
}

export function detachRid(obj: IommufdDevice): void {
  const group = obj.dev.group;
  const rid = group.rid;
  if (!rid || !rid.devices.has(obj)) return;
  rid.devices.delete(obj);
  removeRegions(ioasOf(rid.hwpt), obj);
  rid.hwpt.users--;
  obj.users--;
  if (rid.devices.size === 0) group.rid = undefined;
  leftHwpt(rid.hwpt, [obj], 0, rid.devices.size === 0 ? ridHandleDevs(obj, [obj]) : undefined);
  destroyIfUnusedAuto(rid.hwpt);
}

export function attachPasid(obj: IommufdDevice, ptId: number, pasid: number): number {
  const dev = obj.dev;
  if (!dev.pasidCapable) throw kerr('EINVAL', `${dev.bdf} has no PASID capability`);
  const bits = Math.min(dev.spec.pasidBits, dev.unit.spec.pasidBits);
  if (pasid <= 0 || pasid >= 2 ** bits) throw kerr('EINVAL', `pasid ${pasid} out of range`);
  const pt = obj.ctx.objects.get(ptId);
  if (!pt) throw kerr('ENOENT', `pt_id ${ptId} does not exist`);
  if (pt.type !== 'HWPT_PAGING' && pt.type !== 'HWPT_NESTED') throw kerr('EINVAL', 'a PASID can only be attached to a HWPT (not an IOAS)');
  if (!pt.pasidCompat) throw kerr('EINVAL', `HWPT ${pt.id} was not allocated with IOMMU_HWPT_ALLOC_PASID`);
  const rid = dev.group.rid;
  if (rid && !rid.hwpt.pasidCompat) throw kerr('EINVAL', 'the RID domain is not PASID-compatible');
  checkCompatible(pt, obj, pasid);
  const old = dev.pasids.get(pasid);
  if (old === pt) return pt.id;
  dev.pasids.set(pasid, pt);
  pt.users++;
  if (old) {
    old.users--;
    leftHwpt(old, [obj], pasid, new Set([obj.id]));
  } else obj.users++;
  return pt.id;
}

export function detachPasid(obj: IommufdDevice, pasid: number): void {
  const old = obj.dev.pasids.get(pasid);
  if (!old) return;
  obj.dev.pasids.delete(pasid);
  old.users--;
  obj.users--;
  leftHwpt(old, [obj], pasid, new Set([obj.id]));
}
