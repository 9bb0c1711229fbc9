/**
 * The /dev/iommu context (struct iommufd_ctx): its object table and the IOMMU_* ioctls, with the
 * kernel's checks in the kernel's order and its errnos. Every call is atomic: a failure leaves
 * no object, no consumed ID, no pin and no mapping behind.
 */
import { kerr } from '#libs/errno/index.js';
import { allocIova, autoIovaAlignment } from '#libs/ranges/index.js';
import { alignDown, lastOf, U64_MAX, ULONG_MAX } from '#libs/u64/index.js';
import type { MemFile } from '#libs/memory/file.js';
import type { PhysicalMemory } from '#libs/memory/phys.js';
import { encodeHwInfo } from '#libs/profile/hwinfo.js';
import { OpenFile, MemfdOpenFile, O_ACCMODE, O_RDONLY } from '../process/files.js';
import { CAP, type Cgroup } from '../process/principal.js';
import type { Process } from '../process/process.js';
import {
  checkNestedOnParent,
  checkNestedOnViommu,
  HwptDomain,
  HwptObj,
  installNested,
  invalErr,
  IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
  IOMMU_HWPT_ALLOC_NEST_PARENT,
  IOMMU_HWPT_ALLOC_PASID,
  IOMMU_HWPT_FAULT_ID_VALID,
  vtdNestedInvalidate,
  type NestedSpec,
} from './hw_pagetable.js';
import { areaPages, IoPagetable, IoptArea, IOMMU_READ, IOMMU_WRITE, type Area, type IoptDomain } from './ioas.js';
import { ACCOUNT_MM, ACCOUNT_NONE, ACCOUNT_USER, Pages } from './pages.js';
import { DmabufFile, DmabufPages } from './dmabuf.js';
import type { DeviceState, IommufdCtxOps, IommufdDevice, IommufdFault, IommufdHwptPaging, IommufdIoas, IommufdObject } from './topology.js';
import { IObj, KMEM_PAGES } from './object.js';
import { vdeviceAlloc, viommuAlloc, viommuInvalidate } from './viommu.js';

export { IObj, KMEM_PAGES, OBJ_TYPES, type ObjType } from './object.js';

export const IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0;
export const IOMMU_IOAS_MAP_WRITEABLE = 1 << 1;
export const IOMMU_IOAS_MAP_READABLE = 1 << 2;
const MAP_FLAGS = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE;
export const IOMMU_OPTION_RLIMIT_MODE = 0;
export const IOMMU_OPTION_HUGE_PAGES = 1;
export const IOMMU_OPTION_OP_SET = 0;
export const IOMMU_OPTION_OP_GET = 1;
export const IOMMU_VFIO_IOAS_GET = 0;
export const IOMMU_VFIO_IOAS_SET = 1;
export const IOMMU_VFIO_IOAS_CLEAR = 2;
export const IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0;
export const IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1;
export const IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1;
/**
 * The most dirty bitmap one HwptGetDirtyBitmap returns: 2 MiB, the window iova_bitmap pins of
 * the caller's bitmap at a time (512 pages), and below gRPC's default 4 MiB message limit.
 */
export const DIRTY_BITMAP_MAX_BYTES = 2 * 1024 * 1024;
export const IOMMU_HWPT_DATA_NONE = 0;
export const IOMMU_NO_PASID = 0;
/** hwpt_alloc: flags a paging HWPT may carry */
const PAGING_FLAGS = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID;

export class IoasObj extends IObj<IommufdCtxOps> implements IommufdIoas {
  readonly type = 'IOAS';
  readonly iopt = new IoPagetable();
  readonly hwpts = new Set<IommufdHwptPaging>();
  destroy(): void {
    // areas never block destroy: unmap everything
    for (const n of [...this.iopt.areas]) this.ctx.removeArea(this, n.value);
    if (this.ctx.vfioIoas === this) this.ctx.vfioIoas = undefined;
    this.uncharge();
  }
}

/** An object of the table (the object files' classes, as topology.ts declares them). */
export type KObj = IommufdObject;

export class IommufdCtx extends OpenFile implements IommufdCtxOps {
  readonly kind = 'iommufd';
  readonly objects = new Map<number, KObj>();
  /**
   * IDs of objects destroyed behind the user's back (iommufd_object_tombstone_user: vDEVICEs of
   * unbound devices). The ID stays reserved until the context is released; IOMMU_DESTROY of it
   * is ENOENT.
   */
  readonly tombstones = new Set<number>();
  /** IOPT_PAGES_ACCOUNT_MM when true (IOMMU_OPTION_RLIMIT_MODE=1 or opened via /dev/vfio/vfio) */
  accountMm = false;
  vfioIoas: IommufdIoas | undefined;

  constructor(
    path: string,
    flags: number,
    readonly mem: PhysicalMemory,
    /** the process that opened it (ictx->... the file's opener) */
    readonly opener: Process,
    readonly onTeardown: (ctx: IommufdCtx) => void,
  ) {
    super(path, flags);
  }

  // ------------------------------------------------------------------ object table

  nextId(): number {
    let id = 1;
    while (this.objects.has(id) || this.tombstones.has(id)) id++;
    return id;
  }

  /** Finalize an object into the table at the lowest free ID. */
  install<T extends KObj>(make: (id: number) => T): T {
    const id = this.nextId();
    const obj = make(id);
    this.objects.set(id, obj);
    return obj;
  }

  /**
   * Allocate and finalize an object whose memory is charged to `memcg` (GFP_KERNEL_ACCOUNT):
   * ENOMEM past memory.max, and then nothing changed.
   */
  installCharged<T extends KObj>(memcg: Cgroup, type: T['type'], make: (id: number) => T): T {
    const pages = KMEM_PAGES[type];
    memcg.chargeMemory(pages);
    const obj = this.install(make);
    obj.kmem = { memcg, pages };
    return obj;
  }

  lookup(id: number): KObj {
    const o = this.objects.get(id);
    if (!o) throw kerr('ENOENT', `no object with id ${id}`);
    return o;
  }
  getIoas(id: number): IommufdIoas {
    const o = this.objects.get(id);
    if (!o || o.type !== 'IOAS') throw kerr('ENOENT', `id ${id} is not an IOAS`);
    return o;
  }
  getHwptPaging(id: number): IommufdHwptPaging {
    const o = this.objects.get(id);
    if (!o || o.type !== 'HWPT_PAGING') throw kerr('ENOENT', `id ${id} is not a HWPT_PAGING`);
    return o;
  }
  /** iommufd_get_fault: a FAULT object, or ENOENT. */
  getFault(id: number): IommufdFault {
    const o = this.objects.get(id);
    if (!o || o.type !== 'FAULT') throw kerr('ENOENT', `id ${id} is not a fault queue`);
    return o;
  }
  getDevice(id: number): IommufdDevice {
    const o = this.objects.get(id);
    if (!o || o.type !== 'DEVICE') throw kerr('ENOENT', `id ${id} is not a device`);
    return o;
  }

  // ------------------------------------------------------------------ IOMMU_DESTROY

  destroy(id: number): void {
    if (this.tombstones.has(id)) throw kerr('ENOENT', `object ${id} was destroyed with its device (its ID stays reserved until the iommufd is closed)`);
    const o = this.lookup(id);
    if (o.users !== 1) throw kerr('EBUSY', `object ${id} is in use`);
    o.users = 0;
    this.objects.delete(id);
    o.destroy();
  }

  // ------------------------------------------------------------------ IOAS

  ioasAlloc(caller: Process, flags: number): number {
    if (flags !== 0) throw kerr('EOPNOTSUPP', 'IOAS_ALLOC flags must be 0');
    return this.installCharged(caller.principal.cgroup, 'IOAS', (id) => new IoasObj(this, id)).id;
  }

  ioasIovaRanges(ioasId: number): { ranges: Array<{ start: bigint; last: bigint }>; alignment: bigint } {
    const ioas = this.getIoas(ioasId);
    return { ranges: ioas.iopt.iovaRanges(), alignment: ioas.iopt.iovaAlignment };
  }

  ioasAllowIovas(ioasId: number, ranges: Array<{ start: bigint; last: bigint }>): void {
    const ioas = this.getIoas(ioasId);
    for (const r of ranges) if (r.start >= r.last) throw kerr('EINVAL', `allowed range [0x${r.start.toString(16)}, 0x${r.last.toString(16)}] has start >= last`);
    const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.start <= sorted[i - 1]!.last) throw kerr('EINVAL', 'allowed ranges overlap');
    }
    for (const r of sorted) {
      if (ioas.iopt.intersectsReserved(r.start, r.last)) {
        throw kerr('EADDRINUSE', `allowed range [0x${r.start.toString(16)}, 0x${r.last.toString(16)}] intersects a reserved range`);
      }
    }
    ioas.iopt.allowed.clear();
    for (const r of sorted) ioas.iopt.allowed.insert(r.start, r.last, null);
  }

  /** Common placement for MAP / MAP_FILE / COPY (iopt_alloc_iova or the fixed checks). */
  private placeIova(ioas: IommufdIoas, flags: number, iova: bigint, length: bigint, srcAddr: bigint): bigint {
    const iopt = ioas.iopt;
    const align = iopt.iovaAlignment;
    if (length % align !== 0n) throw kerr('EINVAL', `length is not a multiple of the IOVA alignment 0x${align.toString(16)}`);
    if (flags & IOMMU_IOAS_MAP_FIXED_IOVA) {
      if (iova % align !== 0n) throw kerr('EINVAL', `iova is not aligned to 0x${align.toString(16)}`);
      const last = lastOf(iova, length);
      if (last === undefined) throw kerr('EOVERFLOW', 'iova + length overflows');
      if (iopt.intersectsReserved(iova, last)) throw kerr('EINVAL', 'iova range intersects a reserved range');
      if (iopt.areas.firstIntersecting(iova, last)) throw kerr('EEXIST', 'iova range is already mapped');
      return iova;
    }
    if (length >= ULONG_MAX / 2n) throw kerr('EOVERFLOW', 'length too large for automatic IOVA allocation');
    const alignment = autoIovaAlignment(srcAddr, length);
    if (alignment < align) throw kerr('EINVAL', 'source address alignment is below the IOVA alignment');
    const res = allocIova({
      length,
      alignment,
      pageOffset: srcAddr % 4096n,
      spans: [...iopt.allowed].map((n) => ({ start: n.start, last: n.last })),
      occupied: [iopt.areas, iopt.reserved],
    });
    if (res === undefined) throw kerr('ENOSPC', 'no IOVA hole large enough');
    return res;
  }

  private checkMapCommon(flags: number, iova: bigint, length: bigint): void {
    if (flags & ~MAP_FLAGS) throw kerr('EOPNOTSUPP', `unknown map flags 0x${(flags & ~MAP_FLAGS).toString(16)}`);
    if (iova >= ULONG_MAX || length >= ULONG_MAX) throw kerr('EOVERFLOW', 'iova or length >= ULONG_MAX');
    if (!(flags & (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE))) throw kerr('EINVAL', 'neither READABLE nor WRITEABLE');
  }

  private accountModeFor(proc: Process): number {
    if (proc.principal.hasCap(CAP.IPC_LOCK)) return ACCOUNT_NONE;
    return this.accountMm ? ACCOUNT_MM : ACCOUNT_USER;
  }

  ioasMap(caller: Process, flags: number, ioasId: number, userVa: bigint, length: bigint, iova: bigint): bigint {
    this.checkMapCommon(flags, iova, length);
    const ioas = this.getIoas(ioasId);
    if (length === 0n || length > U64_MAX - 4096n) throw kerr('EINVAL', 'length is 0');
    if (userVa + length > U64_MAX) throw kerr('EOVERFLOW', 'user_va + length overflows');
    const base = alignDown(userVa, 4096n);
    const npages = Number((userVa - base + length + 4095n) >> 12n);
    const pages = new Pages(
      'user',
      base,
      npages,
      (flags & IOMMU_IOAS_MAP_WRITEABLE) !== 0,
      this.accountModeFor(caller),
      caller,
      caller.principal.account,
      undefined,
    );
    return this.mapPages(caller.principal.cgroup, ioas, flags, iova, length, userVa, pages, 0, Number(userVa - base));
  }

  ioasMapFile(caller: Process, flags: number, ioasId: number, fileFd: number, start: bigint, length: bigint, iova: bigint): bigint {
    this.checkMapCommon(flags, iova, length);
    const ioas = this.getIoas(ioasId);
    if (length === 0n) throw kerr('EINVAL', 'length is 0');
    if (lastOf(start, length) === undefined) throw kerr('EOVERFLOW', 'start + length overflows');
    const f = caller.fds.get(fileFd);
    if (!f) throw kerr('EBADF', `fd ${fileFd} is not open`);
    if (f instanceof DmabufFile) return this.ioasMapDmabuf(caller, ioas, flags, f, start, length, iova);
    if (!(f instanceof MemfdOpenFile)) throw kerr('EINVAL', `fd ${fileFd} is not a memfd`);
    const file: MemFile = f.file;
    if (start + length > file.size) throw kerr('EINVAL', 'range past the end of the file');
    if (flags & IOMMU_IOAS_MAP_WRITEABLE && (f.flags & O_ACCMODE) === O_RDONLY) throw kerr('EPERM', 'file not opened for writing');
    const base = alignDown(start, 4096n);
    const npages = Number((start - base + length + 4095n) >> 12n);
    const pages = new Pages('file', base, npages, (flags & IOMMU_IOAS_MAP_WRITEABLE) !== 0, this.accountModeFor(caller), caller, caller.principal.account, file);
    return this.mapPages(caller.principal.cgroup, ioas, flags, iova, length, start, pages, 0, Number(start - base));
  }

  /**
   * IOMMU_IOAS_MAP_FILE of a dma-buf (iopt_alloc_dmabuf_pages): the range must lie inside the
   * buf (EINVAL), the exporter must not be revoked (ENODEV) and give one physical range
   * (EOPNOTSUPP); the pages map that MMIO range directly, with no pinning and no accounting.
   */
  private ioasMapDmabuf(caller: Process, ioas: IommufdIoas, flags: number, buf: DmabufFile, start: bigint, length: bigint, iova: bigint): bigint {
    if (buf.size <= start + length - 1n) throw kerr('EINVAL', `range past the end of the dma-buf (0x${buf.size.toString(16)} bytes)`);
    const phys = buf.iommufdMap();
    const base = alignDown(start, 4096n);
    const npages = Number((start - base + length + 4095n) >> 12n);
    const pages = new DmabufPages(buf, phys, base, npages, (flags & IOMMU_IOAS_MAP_WRITEABLE) !== 0, caller);
    return this.mapPages(caller.principal.cgroup, ioas, flags, iova, length, start, pages, 0, Number(start - base));
  }

  /**
   * A new area [iova, last] over `pages` from page `pageIndex` + `pageOffset`, with the map
   * flags' permissions: filled into the IOAS's domains (pinning as needed; a failure there leaves
   * nothing), then inserted, holding one reference on `pages` and its charge on `memcg`.
   */
  private insertArea(ioas: IommufdIoas, iova: bigint, last: bigint, pages: Pages, pageIndex: number, pageOffset: number, flags: number, memcg: Cgroup): IoptArea {
    const prot = (flags & IOMMU_IOAS_MAP_READABLE ? IOMMU_READ : 0) | (flags & IOMMU_IOAS_MAP_WRITEABLE ? IOMMU_WRITE : 0);
    const area = new IoptArea(iova, last, pages, pageIndex, pageOffset, prot);
    this.fillArea(ioas, area);
    area.memcg = memcg;
    ioas.iopt.areas.insertNode(area);
    pages.refs++;
    if (pages instanceof DmabufPages) pages.track(area, ioas.iopt);
    return area;
  }

  /**
   * Insert one area over `pages` (a fresh pages object or a shared one for COPY). The area is
   * allocated (charged to `memcg`, iopt_alloc_area_pages: ENOMEM) before its IOVA is chosen.
   */
  private mapPages(memcg: Cgroup, ioas: IommufdIoas, flags: number, iova: bigint, length: bigint, srcAddr: bigint, pages: Pages, pageIndex: number, pageOffset: number): bigint {
    memcg.chargeMemory(KMEM_PAGES.AREA);
    try {
      const at = this.placeIova(ioas, flags, iova, length, srcAddr);
      const align = ioas.iopt.iovaAlignment;
      if (BigInt(pageOffset) % align !== 0n) throw kerr('EINVAL', 'source page offset is not aligned to the IOVA alignment');
      this.insertArea(ioas, at, at + length - 1n, pages, pageIndex, pageOffset, flags, memcg);
      return at;
    } catch (e) {
      memcg.unchargeMemory(KMEM_PAGES.AREA);
      throw e;
    }
  }

  /** Pin and map a new area into every domain of its IOAS; undo on failure. */
  private fillArea(ioas: IommufdIoas, area: Area): void {
    const domains = ioas.iopt.domains;
    if (domains.length === 0) return;
    this.pinArea(area);
    area.pinned = true;
    const done: IoptDomain[] = [];
    try {
      for (const d of domains) {
        d.mapArea(area, ioas.iopt.maxPageShift);
        done.push(d);
      }
    } catch (e) {
      for (const d of done) d.unmapArea(area);
      this.unpinArea(area);
      area.pinned = false;
      throw e;
    }
  }

  pinArea(area: Area): void {
    const { first, last } = areaPages(area);
    area.pages.addUser(first, last);
  }
  unpinArea(area: Area): void {
    const { first, last } = areaPages(area);
    area.pages.removeUser(first, last);
  }

  removeArea(ioas: IommufdIoas, area: IoptArea): void {
    for (const d of ioas.iopt.domains) d.unmapArea(area);
    if (area.pinned) {
      this.unpinArea(area);
      area.pinned = false;
    }
    ioas.iopt.areas.remove(area);
    if (area.pages instanceof DmabufPages) area.pages.untrack(area);
    area.pages.refs--;
    if (area.memcg) {
      area.memcg.unchargeMemory(KMEM_PAGES.AREA);
      area.memcg = undefined;
    }
  }

  ioasCopy(caller: Process, flags: number, dstIoasId: number, srcIoasId: number, length: bigint, dstIova: bigint, srcIova: bigint): bigint {
    if (flags & ~MAP_FLAGS) throw kerr('EOPNOTSUPP', 'unknown copy flags');
    if (length >= ULONG_MAX || srcIova >= ULONG_MAX || dstIova >= ULONG_MAX) throw kerr('EOVERFLOW', 'argument >= ULONG_MAX');
    if (!(flags & (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE))) throw kerr('EINVAL', 'neither READABLE nor WRITEABLE');
    const src = this.getIoas(srcIoasId);
    if (length === 0n) throw kerr('EINVAL', 'length is 0');
    const srcLast = lastOf(srcIova, length);
    if (srcLast === undefined) throw kerr('EOVERFLOW', 'src_iova + length overflows');
    const pieces: Array<{ area: IoptArea; start: bigint; last: bigint }> = [];
    let cur = srcIova;
    while (cur <= srcLast) {
      const n = src.iopt.areas.find(cur);
      if (!n) throw kerr('ENOENT', `source range is not fully mapped at 0x${cur.toString(16)}`);
      const last = n.value.last < srcLast ? n.value.last : srcLast;
      pieces.push({ area: n.value, start: cur, last });
      if (last === U64_MAX) break;
      cur = last + 1n;
    }
    if ((flags & IOMMU_IOAS_MAP_WRITEABLE) && pieces.some((p) => !p.area.pages.writable)) {
      throw kerr('EPERM', 'source pages are read-only');
    }
    const dst = this.getIoas(dstIoasId);
    // the destination areas are allocated (charged to the caller's cgroup) before placement;
    // each area made takes over one piece of the charge, the rest goes back on failure
    const memcg = caller.principal.cgroup;
    memcg.chargeMemory(pieces.length * KMEM_PAGES.AREA);
    const made: IoptArea[] = [];
    let at: bigint;
    try {
      const first = pieces[0]!;
      const firstSrc = first.area.pages.base + BigInt(first.area.pageIndex) * 4096n + BigInt(first.area.pageOffset) + (first.start - first.area.iova);
      at = this.placeIova(dst, flags, dstIova, length, firstSrc);
      // one destination area per source piece, all sharing the source pages
      for (const p of pieces) {
        const rel = BigInt(p.area.pageOffset) + (p.start - p.area.iova);
        const pageIndex = p.area.pageIndex + Number(rel >> 12n);
        const pageOffset = Number(rel & 0xfffn);
        if (BigInt(pageOffset) % dst.iopt.iovaAlignment !== 0n) throw kerr('EINVAL', 'source page offset is not aligned to the destination IOVA alignment');
        const iova = at + (p.start - srcIova);
        made.push(this.insertArea(dst, iova, iova + (p.last - p.start), p.area.pages, pageIndex, pageOffset, flags, memcg));
      }
    } catch (e) {
      for (const a of made) this.removeArea(dst, a);
      memcg.unchargeMemory((pieces.length - made.length) * KMEM_PAGES.AREA);
      throw e;
    }
    return at;
  }

  ioasUnmap(ioasId: number, iova: bigint, length: bigint): bigint {
    const ioas = this.getIoas(ioasId);
    if (iova === 0n && length === U64_MAX) {
      let total = 0n;
      for (const n of [...ioas.iopt.areas]) {
        total += n.value.last - n.value.iova + 1n;
        this.removeArea(ioas, n.value);
      }
      return total;
    }
    if (iova >= ULONG_MAX || length >= ULONG_MAX) throw kerr('EOVERFLOW', 'iova or length >= ULONG_MAX');
    if (length === 0n) throw kerr('EINVAL', 'length is 0');
    const last = lastOf(iova, length);
    if (last === undefined) throw kerr('EOVERFLOW', 'iova + length overflows');
    // Areas are processed in ascending order; one not fully inside stops the unmap with ENOENT
    // after the ones before it were removed (the kernel's behaviour).
    let total = 0n;
    for (const n of [...ioas.iopt.areas.intersecting(iova, last)]) {
      const a = n.value;
      if (a.iova < iova || a.last > last) {
        if (total === 0n) throw kerr('ENOENT', `area [0x${a.iova.toString(16)}, 0x${a.last.toString(16)}] is not fully inside the range`);
        throw kerr('ENOENT', `area [0x${a.iova.toString(16)}, 0x${a.last.toString(16)}] is not fully inside the range`, { unmapped: total.toString() });
      }
      total += a.last - a.iova + 1n;
      this.removeArea(ioas, a);
    }
    if (total === 0n) throw kerr('ENOENT', 'nothing mapped in the range');
    return total;
  }

  /**
   * IOMMU_IOAS_CHANGE_PROCESS: every pages object of the context (all must be file-backed) gets
   * `caller` as its owner. Those whose charge must move (Pages.needsChargeUpdate) are first charged
   * to the caller in their own account mode (charge_current: ENOMEM → nothing changed; per-user
   * accounting briefly charges the same user twice), then uncharged from the old owner.
   */
  ioasChangeProcess(caller: Process): void {
    const all = new Set<Pages>();
    for (const o of this.objects.values()) {
      if (o.type !== 'IOAS') continue;
      for (const n of o.iopt.areas) {
        if (n.value.pages.kind !== 'file') throw kerr('EINVAL', 'an IOAS holds a mapping that is not file-backed');
        all.add(n.value.pages);
      }
    }
    const acct = caller.principal.account;
    const moving = new Set<Pages>();
    let needUser = 0;
    let needMm = 0;
    for (const p of all) {
      if (!p.needsChargeUpdate(caller, acct)) continue;
      moving.add(p);
      if (p.accountMode === ACCOUNT_USER) needUser += p.npinned;
      else if (p.accountMode === ACCOUNT_MM) needMm += p.npinned;
    }
    const limit = caller.principal.memlockPages;
    if (needUser > 0 && acct && acct.lockedPages + needUser > limit) throw kerr('ENOMEM', `RLIMIT_MEMLOCK exceeded for uid ${acct.uid}`);
    if (needMm > 0 && caller.lockedPages + needMm > limit) throw kerr('ENOMEM', `RLIMIT_MEMLOCK exceeded for pid ${caller.pid}`);
    for (const p of all) p.changeOwner(caller, acct, moving.has(p));
  }

  // ------------------------------------------------------------------ IOMMU_OPTION

  option(caller: Process, optionId: number, op: number, objectId: number, val64: bigint): bigint {
    // The op is checked per option, after object_id (RLIMIT_MODE) or the IOAS lookup (HUGE_PAGES).
    const badOp = () => kerr('EOPNOTSUPP', `unknown option op ${op}`);
    if (optionId === IOMMU_OPTION_RLIMIT_MODE) {
      if (objectId !== 0) throw kerr('EOPNOTSUPP', 'RLIMIT_MODE is global: object_id must be 0');
      if (op === IOMMU_OPTION_OP_GET) return this.accountMm ? 1n : 0n;
      if (op !== IOMMU_OPTION_OP_SET) throw badOp();
      if (!caller.principal.hasCap(CAP.SYS_RESOURCE)) throw kerr('EPERM', 'RLIMIT_MODE needs CAP_SYS_RESOURCE');
      if (this.objects.size > 0) throw kerr('EBUSY', 'RLIMIT_MODE can only change while the context has no objects');
      if (val64 > 1n) throw kerr('EINVAL', 'RLIMIT_MODE must be 0 or 1');
      this.accountMm = val64 === 1n;
      return val64;
    }
    if (optionId === IOMMU_OPTION_HUGE_PAGES) {
      const ioas = this.getIoas(objectId);
      const iopt = ioas.iopt;
      if (op === IOMMU_OPTION_OP_GET) return iopt.disableLargePages ? 0n : 1n;
      if (op !== IOMMU_OPTION_OP_SET) throw badOp();
      if (val64 === 1n) {
        iopt.disableLargePages = false;
        return 1n;
      }
      if (val64 === 0n) {
        if (iopt.disableLargePages) return 0n;
        if (iopt.domains.length > 0 && iopt.areas.size > 0) throw kerr('EINVAL', 'cannot disable huge pages while the IOAS has both domains and mappings');
        const newAlign = iopt.iovaAlignment > 4096n ? iopt.iovaAlignment : 4096n;
        iopt.checkAlignment(newAlign);
        iopt.disableLargePages = true;
        return 0n;
      }
      throw kerr('EINVAL', 'HUGE_PAGES must be 0 or 1');
    }
    throw kerr('EOPNOTSUPP', `unknown option ${optionId}`);
  }

  // ------------------------------------------------------------------ IOMMU_VFIO_IOAS

  vfioIoasOp(ioasId: number, op: number): number {
    if (op === IOMMU_VFIO_IOAS_GET) {
      if (!this.vfioIoas) throw kerr('ENODEV', 'no VFIO compatibility IOAS');
      return this.vfioIoas.id;
    }
    if (op === IOMMU_VFIO_IOAS_SET) {
      this.vfioIoas = this.getIoas(ioasId);
      return ioasId;
    }
    if (op === IOMMU_VFIO_IOAS_CLEAR) {
      this.vfioIoas = undefined;
      return 0;
    }
    throw kerr('EOPNOTSUPP', `unknown VFIO_IOAS op ${op}`);
  }

  // ------------------------------------------------------------------ IOMMU_GET_HW_INFO

  /**
   * iommufd_get_hw_info: copies min(data_len, the struct's size) bytes to the caller's buffer,
   * clears the rest of it (clear_user of data_len - copied bytes) and writes back the struct's
   * size as data_len. `data` is the copied bytes only; the cleared tail (`dataLen - data.length`
   * zero bytes) is not materialised, so the cost is the struct's size whatever data_len says.
   */
  getHwInfo(flags: number, devId: number, inDataType: number, dataLen: number) {
    if (flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE) throw kerr('EOPNOTSUPP', 'unknown hw_info flags');
    const dev = this.getDevice(devId);
    const info = encodeHwInfo(dev.dev.unit.spec, dev.dev.spec);
    if (flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE && inDataType !== 0 && inDataType !== info.type) {
      throw kerr('EOPNOTSUPP', `the IOMMU does not report hw_info type ${inDataType}`);
    }
    const copied = Math.min(dataLen, info.data.length);
    return {
      type: info.type,
      data: info.data.subarray(0, copied),
      kernelLen: info.data.length,
      capabilities: info.capabilities,
      maxPasidLog2: info.maxPasidLog2,
      full: info.data,
    };
  }

  // ------------------------------------------------------------------ IOMMU_HWPT_ALLOC (paging)

  hwptAlloc(caller: Process, flags: number, devId: number, ptId: number, dataType: number, data: Uint8Array, faultId: number): number {
    if (dataType === IOMMU_HWPT_DATA_NONE && data.length !== 0) throw kerr('EINVAL', 'data given with data_type NONE');
    if (dataType !== IOMMU_HWPT_DATA_NONE && data.length === 0) throw kerr('EINVAL', 'data_type given without data');
    const dev = this.getDevice(devId);
    const pt = this.objects.get(ptId);
    if (!pt) throw kerr('EINVAL', `pt_id ${ptId} does not exist`);
    if (pt.type === 'IOAS') {
      if (flags & ~PAGING_FLAGS) throw kerr('EOPNOTSUPP', `unknown hwpt flags 0x${(flags & ~PAGING_FLAGS).toString(16)}`);
      if (flags & IOMMU_HWPT_FAULT_ID_VALID && flags & IOMMU_HWPT_ALLOC_NEST_PARENT) throw kerr('EOPNOTSUPP', 'a nest parent cannot take faults');
      const unit = dev.dev.unit.spec;
      if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING && !unit.dirtyTracking) throw kerr('EOPNOTSUPP', `${unit.name} cannot track dirty pages`);
      if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT && !unit.nesting) throw kerr('EOPNOTSUPP', `${unit.name} does not support nesting`);
      if (flags & IOMMU_HWPT_ALLOC_PASID && unit.pasidBits === 0) throw kerr('EOPNOTSUPP', `${unit.name} has no PASID support`);
      // arm_smmu_domain_alloc_paging_flags: NEST_PARENT is a case of its own (no DIRTY_TRACKING
      // or PASID with it; the default case is EOPNOTSUPP)
      if (unit.type === 'smmuv3' && flags & IOMMU_HWPT_ALLOC_NEST_PARENT && flags & (IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID)) {
        throw kerr('EOPNOTSUPP', `${unit.name}: a nest parent takes neither DIRTY_TRACKING nor PASID`);
      }
      if (dataType !== IOMMU_HWPT_DATA_NONE) throw kerr('EOPNOTSUPP', 'paging HWPTs take no driver data');
      const h = this.allocPaging(caller.principal.cgroup, pt, dev.dev, flags, false);
      if (flags & IOMMU_HWPT_FAULT_ID_VALID) {
        let fault: IommufdFault;
        try {
          fault = this.getFault(faultId);
        } catch (e) {
          this.abort(h);
          throw e;
        }
        h.fault = fault;
        fault.users++;
      }
      return h.id;
    }
    if (pt.type === 'HWPT_PAGING' || pt.type === 'VIOMMU') {
      const memcg = caller.principal.cgroup;
      const spec: NestedSpec = pt.type === 'HWPT_PAGING' ? checkNestedOnParent(flags, dev, pt, dataType, data) : checkNestedOnViommu(flags, dev, pt, dataType, data);
      const fault = flags & IOMMU_HWPT_FAULT_ID_VALID ? this.getFault(faultId) : undefined;
      return installNested(this, spec, fault, (build) => this.installCharged(memcg, 'HWPT_NESTED', build)).id;
    }
    throw kerr('EINVAL', `pt_id ${ptId} is neither an IOAS, a HWPT_PAGING nor a vIOMMU`);
  }

  /** iommufd_object_abort_and_destroy: undo a finalized object of a call that fails after it. */
  private abort(o: KObj): void {
    this.objects.delete(o.id);
    o.users = 0;
    o.destroy();
  }

  /**
   * Make a paging HWPT over `ioas` for `dev`'s unit and add it to the IOAS (atomic), its memory
   * charged to `memcg` (the allocating task's cgroup: ENOMEM first, then nothing changed).
   */
  allocPaging(memcg: Cgroup, ioas: IommufdIoas, dev: DeviceState, flags: number, auto: boolean): IommufdHwptPaging {
    memcg.chargeMemory(KMEM_PAGES.HWPT_PAGING);
    let domain: HwptDomain | undefined;
    try {
      domain = new HwptDomain(this.nextId(), dev.unit, this.mem, {
        nestParent: (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) !== 0,
        dirtyTracking: (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) !== 0,
        pasidCompat: (flags & IOMMU_HWPT_ALLOC_PASID) !== 0,
        autoDomain: auto,
      });
      ioas.iopt.addDomain(domain, (a) => this.pinArea(a), (a) => this.unpinArea(a));
    } catch (e) {
      domain?.destroy();
      memcg.unchargeMemory(KMEM_PAGES.HWPT_PAGING);
      throw e;
    }
    const h = this.install((i) => new HwptObj(this, i, ioas, domain));
    h.kmem = { memcg, pages: KMEM_PAGES.HWPT_PAGING };
    ioas.hwpts.add(h);
    ioas.users++;
    return h;
  }

  // ------------------------------------------------------------------ IOMMU_VIOMMU_ALLOC / IOMMU_VDEVICE_ALLOC

  /** IOMMU_VIOMMU_ALLOC (viommu.ts): the new vIOMMU's ID and the driver data written back. */
  viommuAlloc(caller: Process, flags: number, type: number, devId: number, hwptId: number): { id: number; data: Uint8Array } {
    const r = viommuAlloc(this, caller.principal.cgroup, flags, type, devId, hwptId);
    return { id: r.viommu.id, data: r.data };
  }

  /** IOMMU_VDEVICE_ALLOC (viommu.ts). */
  vdeviceAlloc(caller: Process, viommuId: number, devId: number, virtId: bigint): number {
    return vdeviceAlloc(this, caller.principal.cgroup, viommuId, devId, virtId).id;
  }

  // ------------------------------------------------------------------ IOMMU_HWPT_INVALIDATE

  /**
   * iommufd_hwpt_invalidate: the core's checks (entries without a length → EINVAL, unknown id →
   * ENOENT; a nested HWPT whose driver has no cache_invalidate_user — SMMUv3's are invalidated
   * through their vIOMMU — → EOPNOTSUPP; anything but a nested HWPT or a vIOMMU → EINVAL), then
   * the driver's. Returns entry_num, the entries handled; every failure carries it as ErrorInfo
   * metadata `entry_num` (0 for the core's checks).
   */
  hwptInvalidate(hwptId: number, dataType: number, entryLen: number, entries: Uint8Array): number {
    if (entries.length > 0 && (entryLen === 0 || entries.length % entryLen !== 0)) {
      throw invalErr('EINVAL', 'entries is not a whole number of entry_len records', 0);
    }
    const o = this.objects.get(hwptId);
    if (!o) throw invalErr('ENOENT', `no object with id ${hwptId}`, 0);
    if (o.type === 'HWPT_NESTED') {
      if (o.s1.kind !== 'vtd') throw invalErr('EOPNOTSUPP', `nested HWPT ${hwptId} is invalidated through its vIOMMU`, 0);
      return vtdNestedInvalidate(o, dataType, entryLen, entries);
    }
    if (o.type === 'VIOMMU') return viommuInvalidate(o, dataType, entryLen, entries);
    throw invalErr('EINVAL', `object ${hwptId} (${o.type}) is neither a nested HWPT nor a vIOMMU`, 0);
  }

  // ------------------------------------------------------------------ dirty tracking

  hwptSetDirtyTracking(flags: number, hwptId: number): void {
    if (flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE) throw kerr('EOPNOTSUPP', 'unknown dirty-tracking flags');
    const h = this.getHwptPaging(hwptId);
    if (!h.domain.opts.dirtyTracking) throw kerr('EOPNOTSUPP', 'HWPT was not allocated with DIRTY_TRACKING');
    const enable = (flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE) !== 0;
    if (enable) {
      // iopt_set_dirty_tracking: every enable (even of an enabled domain) first clears the dirty
      // state of the mappings, so the caller starts from a clean snapshot
      const pages = Number(h.domain.apertureLast >> 12n) + 1;
      h.domain.pt.readAndClearDirty(0, pages, false, () => {});
    }
    h.domain.dirtyEnabled = enable;
  }

  /**
   * IOMMU_HWPT_GET_DIRTY_BITMAP. The kernel's checks come first (iommufd_check_iova_range, with its
   * masks: page_size is used as a power of two, each bit covers 1 << __ffs(page_size) bytes), then
   * the domain's dirty ops. In the kernel the bitmap is the caller's memory; here it is the
   * response, so one call may return at most DIRTY_BITMAP_MAX_BYTES of it (2^24 bits: 64 GiB at
   * 4 KiB): a longer range is EINVAL (as VFIO type1's verify_bitmap_size caps its dirty bitmap),
   * checked before anything is read or cleared and before the bitmap is allocated.
   */
  hwptGetDirtyBitmap(hwptId: number, flags: number, iova: bigint, length: bigint, pageSize: bigint): Uint8Array {
    if (flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) throw kerr('EOPNOTSUPP', 'unknown dirty bitmap flags');
    const h = this.getHwptPaging(hwptId);
    const last = lastOf(iova, length);
    if (last === undefined || last >= ULONG_MAX) throw kerr('EOVERFLOW', 'iova + length overflows');
    const alignMask = h.ioas.iopt.iovaAlignment - 1n;
    if (iova & alignMask || (last + 1n) & alignMask) throw kerr('EINVAL', 'range not aligned to the IOVA alignment');
    if (pageSize === 0n) throw kerr('EINVAL', 'page_size is 0');
    if (iova & (pageSize - 1n) || (last + 1n) & (pageSize - 1n)) throw kerr('EINVAL', 'range not aligned to page_size');
    if (!h.domain.opts.dirtyTracking) throw kerr('EOPNOTSUPP', 'HWPT was not allocated with DIRTY_TRACKING');
    // intel_iommu_read_and_clear_dirty refuses a bitmap read while tracking is off (SMMUv3 HTTU
    // logs dirty bits all the time and has no such check)
    if (h.domain.unit.spec.type === 'vtd' && !h.domain.dirtyEnabled) throw kerr('EINVAL', 'dirty tracking is not enabled on this HWPT');
    // iova_bitmap_alloc: pgshift = __ffs(page_size); (length - 1) / (64 << pgshift) + 1 u64 words
    let shift = 0n;
    while (!((pageSize >> shift) & 1n)) shift++;
    const granule = 1n << shift;
    const bytes = (((length - 1n) / (64n * granule)) + 1n) * 8n;
    if (bytes > BigInt(DIRTY_BITMAP_MAX_BYTES)) {
      throw kerr('EINVAL', `the bitmap of ${length} bytes at page_size ${pageSize} is ${bytes} bytes; one call returns at most ${DIRTY_BITMAP_MAX_BYTES} (${BigInt(DIRTY_BITMAP_MAX_BYTES * 8) * granule} bytes of IOVA): split the range`);
    }
    const bitmap = new Uint8Array(Number(bytes));
    const noClear = (flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) !== 0;
    // only areas inside the range are walked
    for (const n of h.ioas.iopt.areas.intersecting(iova, last)) {
      const s = n.start > iova ? n.start : iova;
      const e = n.last < last ? n.last : last;
      const sPfn = Number(s >> 12n);
      const nPages = Number((e >> 12n) - (s >> 12n)) + 1;
      h.domain.pt.readAndClearDirty(sPfn, nPages, noClear, (leafPfn, leafPages) => {
        let lo = BigInt(leafPfn) << 12n;
        let hi = lo + (BigInt(leafPages) << 12n) - 1n;
        if (lo < iova) lo = iova;
        if (hi > last) hi = last;
        if (lo > hi) return;
        for (let b = (lo - iova) >> shift; b <= (hi - iova) >> shift; b++) {
          const bit = Number(b);
          bitmap[bit >> 3]! |= 1 << (bit & 7);
        }
      });
    }
    return bitmap;
  }

  // ------------------------------------------------------------------ teardown

  /** The last reference to the file went: destroy every object (leaf first), release every pin. */
  protected release(): void {
    // Repeatedly destroy objects nobody else holds; devices are released by their VFIO files.
    for (let progress = true; progress && this.objects.size > 0; ) {
      progress = false;
      for (const [id, o] of [...this.objects]) {
        if (o.users === 1 && o.type !== 'DEVICE') {
          this.objects.delete(id);
          o.users = 0;
          o.destroy();
          progress = true;
        }
      }
    }
    this.onTeardown(this);
  }

  /** For Inspect / GetStatus: pages pinned by this context's IOASes. */
  pinnedPages(): number {
    const seen = new Set<Pages>();
    let n = 0;
    for (const o of this.objects.values()) {
      if (o.type !== 'IOAS') continue;
      for (const a of o.iopt.areas) {
        if (!seen.has(a.value.pages)) {
          seen.add(a.value.pages);
          n += a.value.pages.npinned;
        }
      }
    }
    return n;
  }
}
