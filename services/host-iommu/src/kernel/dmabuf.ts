/**
 * Peer-to-peer MMIO through dma-buf (v6.19): vfio-pci exports ranges of a BAR as a dma-buf
 * (VFIO_DEVICE_FEATURE_DMA_BUF, drivers/vfio/pci/vfio_pci_dmabuf.c) and IOMMU_IOAS_MAP_FILE of
 * that fd maps the BAR's physical range with no pinning and no accounting
 * (drivers/iommu/iommufd/pages.c, IOPT_ADDRESS_DMABUF).
 *
 * Revocation: the exporter revokes its dma-bufs when the device's memory decode goes off, around
 * a reset, and for good when the device is closed (vfio_pci_dma_buf_move / _cleanup). Each
 * importer's pages object then tears down every domain mapping of its areas and stays revoked:
 * the areas keep their IOVA, a later fill (a new domain) maps nothing, and the exporter turning
 * memory back on does not bring them back (iopt_revoke_notify returns early on revoked pages).
 * A new IOMMU_IOAS_MAP_FILE of the same fd works again once the exporter is un-revoked, and is
 * refused with ENODEV while it is revoked.
 */
import { kerr } from '#libs/errno/index.js';
import { PAGE_SIZE, U64_MAX } from '#libs/u64/index.js';
import { OpenFile, O_ACCMODE } from '../process/files.js';
import type { Process } from '../process/process.js';
import type { Area, IoPagetable } from './ioas.js';
import { ACCOUNT_NONE, Pages } from './pages.js';
import type { DeviceState } from './topology.js';

/** VFIO_PCI_ROM_REGION_INDEX: dma-bufs cover BARs 0-5 only. */
export const VFIO_PCI_ROM_REGION_INDEX = 6;
/** DMA_IOVA_USE_SWIOTLB (include/linux/dma-mapping.h): a total length with this bit is refused. */
export const DMA_IOVA_USE_SWIOTLB = 1n << 63n;

/** struct vfio_region_dma_range */
export interface DmaRange {
  offset: bigint;
  length: bigint;
}

/** struct phys_vec */
export interface PhysVec {
  paddr: bigint;
  len: bigint;
}

/** The dma-bufs a device exported and that are still attached to it (vdev->dmabufs). */
const exported = new WeakMap<DeviceState, Set<DmabufFile>>();

/** Called once per dma-buf when it goes from usable to revoked (the host logs DMABUF_REVOKED). */
export type RevokeListener = (buf: DmabufFile) => void;

/** The dma-buf file of a vfio-pci export (struct vfio_pci_dma_buf behind struct dma_buf). */
export class DmabufFile extends OpenFile {
  readonly kind = 'dmabuf';
  /** priv->vdev: the exporting device, until vfio_pci_dma_buf_cleanup detaches it. */
  exporter: DeviceState | undefined;
  /** priv->revoked */
  revoked: boolean;
  /** The iommufd pages objects attached to this buf (dynamic attachments with move_notify). */
  readonly importers = new Set<DmabufPages>();
  /** The exporter's BDF (kept after the device let go of the buf). */
  readonly bdf: string;

  constructor(
    flags: number,
    exporter: DeviceState,
    readonly barIndex: number,
    readonly phys: readonly PhysVec[],
    /** priv->size: the sum of the range lengths */
    readonly size: bigint,
    private readonly onRevoke: RevokeListener,
  ) {
    super('anon_inode:dmabuf', flags);
    this.exporter = exporter;
    this.bdf = exporter.bdf;
    this.revoked = !exporter.memoryEnabled;
  }

  /** The exporter changed state (dma_buf_move_notify): importers revoke on either notification. */
  private notify(): void {
    for (const p of this.importers) p.revoke();
  }

  /** vfio_pci_dma_buf_move for this buf: returns whether it changed. */
  move(revoked: boolean): boolean {
    if (this.revoked === revoked) return false;
    this.revoked = revoked;
    this.notify();
    if (revoked) this.onRevoke(this);
    return true;
  }

  /** vfio_pci_dma_buf_cleanup for this buf: detached from the device and revoked for good. */
  detach(): void {
    const was = this.revoked;
    this.exporter = undefined;
    this.revoked = true;
    this.notify();
    if (!was) this.onRevoke(this);
  }

  /**
   * vfio_pci_dma_buf_iommufd_map (after vfio_pci_dma_buf_attach): the one physical range an
   * iommufd import may map. Revoked → ENODEV; more than one range → EOPNOTSUPP.
   */
  iommufdMap(): PhysVec {
    if (this.revoked) throw kerr('ENODEV', `the dma-buf of ${this.bdf} BAR${this.barIndex} is revoked`);
    if (this.phys.length !== 1) throw kerr('EOPNOTSUPP', `the dma-buf has ${this.phys.length} ranges: iommufd maps a single physical range`);
    return this.phys[0]!;
  }

  protected release(): void {
    // vfio_pci_dma_buf_release: off the device's list
    if (this.exporter) exported.get(this.exporter)?.delete(this);
    this.exporter = undefined;
  }
}

/**
 * VFIO_DEVICE_FEATURE_DMA_BUF (vfio_pci_core_feature_dma_buf) on an open device: the checks in
 * the kernel's order, then a new dma-buf (revoked from the start when memory decode is off).
 * The caller checked the device fd's access and that the kernel has the feature.
 */
export function vfioPciFeatureDmaBuf(dev: DeviceState, regionIndex: number, ranges: readonly DmaRange[], openFlags: number, onRevoke: RevokeListener): DmabufFile {
  if (ranges.length === 0) throw kerr('EINVAL', 'nr_ranges is 0');
  if (regionIndex >= VFIO_PCI_ROM_REGION_INDEX) throw kerr('ENODEV', `region ${regionIndex} is not a BAR`);
  // validate_dmabuf_input
  let length = 0n;
  for (const [i, r] of ranges.entries()) {
    if (r.length === 0n || r.offset % PAGE_SIZE !== 0n || r.length % PAGE_SIZE !== 0n) throw kerr('EINVAL', `range ${i}: zero length or not page aligned`);
    length += r.length;
    if (length > U64_MAX) throw kerr('EINVAL', 'the ranges add up past 2^64');
  }
  if (length & DMA_IOVA_USE_SWIOTLB) throw kerr('EINVAL', 'total length has DMA_IOVA_USE_SWIOTLB set');
  // get_dmabuf_phys: pcim_p2pdma_provider (no memory BAR → none), then vfio_pci_core_fill_phys_vec
  const bar = dev.spec.bars.find((b) => b.index === regionIndex);
  const base = dev.barBase.get(regionIndex);
  if (!bar || base === undefined) throw kerr('EINVAL', `${dev.bdf} has no memory BAR${regionIndex} to export`);
  const phys: PhysVec[] = [];
  for (const [i, r] of ranges.entries()) {
    const paddr = base + r.offset;
    const end = paddr + r.length;
    if (paddr > U64_MAX || end > U64_MAX) throw kerr('EOVERFLOW', `range ${i} overflows the physical address`);
    if (end > base + bar.size) throw kerr('EINVAL', `range ${i} ends past BAR${regionIndex} (0x${bar.size.toString(16)} bytes)`);
    phys.push({ paddr, len: r.length });
  }
  // vfio_device_try_get_registration: a device being removed takes no new dma-buf
  if (!dev.plugged) throw kerr('ENODEV', `${dev.bdf} is gone`);
  const buf = new DmabufFile(openFlags & O_ACCMODE, dev, regionIndex, phys, length, onRevoke);
  let set = exported.get(dev);
  if (!set) exported.set(dev, (set = new Set()));
  set.add(buf);
  return buf;
}

/** vfio_pci_dma_buf_move(vdev, revoked) over every buf of `dev`: the bufs that changed. */
export function dmaBufMove(dev: DeviceState, revoked: boolean): DmabufFile[] {
  const changed: DmabufFile[] = [];
  for (const b of exported.get(dev) ?? []) if (b.move(revoked)) changed.push(b);
  return changed;
}

/** vfio_pci_dma_buf_cleanup (the device's close): every buf detached and revoked for good. */
export function dmaBufCleanup(dev: DeviceState): void {
  const set = exported.get(dev);
  if (!set) return;
  exported.delete(dev);
  for (const b of set) b.detach();
}

/** The dma-bufs `dev` exported that are still attached to it. */
export function dmabufsOf(dev: DeviceState): readonly DmabufFile[] {
  return [...(exported.get(dev) ?? [])];
}

/**
 * iopt_pages of type IOPT_ADDRESS_DMABUF: page i is the physical frame `phys.paddr + base + i *
 * PAGE_SIZE` (no pinning, account mode NONE). Once revoked the pages yield no frames, so a domain
 * fill maps nothing. The areas over the pages and the io_pagetable each sits in are tracked
 * (pages->dmabuf.tracker) so a revocation reaches every domain of every IOAS.
 */
export class DmabufPages extends Pages {
  revoked = false;
  /** first physical frame of page 0 */
  private readonly physPfn: number;
  private users = 0;
  readonly areas = new Map<Area, IoPagetable>();

  constructor(
    readonly dmabuf: DmabufFile,
    phys: PhysVec,
    /** page-aligned offset in the buf of page 0 */
    base: bigint,
    npages: number,
    writable: boolean,
    caller: Process,
  ) {
    super('file', base, npages, writable, ACCOUNT_NONE, caller, caller.principal.account, undefined);
    this.physPfn = Number((phys.paddr + base) >> 12n);
  }

  override get kind(): 'dmabuf' {
    return 'dmabuf';
  }
  /** iopt_area_split: a dma-buf area is never cut (EOPNOTSUPP). */
  override get splittable(): boolean {
    return false;
  }
  override get npinned(): number {
    return 0;
  }
  override get pinUsers(): number {
    return 0;
  }
  /** Areas using this object hold the dma-buf (dma_buf_put at iopt_release_pages). */
  override get refs(): number {
    return this.users;
  }
  override set refs(v: number) {
    const was = this.users;
    this.users = v;
    if (was === 0 && v > 0) {
      this.dmabuf.importers.add(this);
      this.dmabuf.get();
    } else if (was > 0 && v === 0) {
      this.dmabuf.importers.delete(this);
      this.dmabuf.put();
    }
  }
  /** Nothing is pinned or charged for MMIO. */
  override addUser(): void {}
  override removeUser(): void {}

  override forEachRun(first: number, last: number, cb: (page: number, pfn: number, n: number) => void): void {
    if (this.revoked) return;
    const s = Math.max(first, 0);
    const e = Math.min(last, this.npages - 1);
    if (s <= e) cb(s, this.physPfn + s, e - s + 1);
  }

  override pfnOf(page: number): number {
    if (this.revoked || page < 0 || page >= this.npages) return -1;
    return this.physPfn + page;
  }

  /** An area over these pages entered `iopt` (iopt_dmabuf_track_all_domains). */
  track(area: Area, iopt: IoPagetable): void {
    this.areas.set(area, iopt);
  }
  untrack(area: Area): void {
    this.areas.delete(area);
  }

  /** iopt_revoke_notify: every domain mapping of every area goes; the areas stay. */
  revoke(): void {
    if (this.revoked) return;
    for (const [area, iopt] of this.areas) for (const d of iopt.domains) d.unmapArea(area);
    this.revoked = true;
  }
}
