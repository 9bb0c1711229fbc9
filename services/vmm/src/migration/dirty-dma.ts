/**
 * Dirty tracking of the assigned devices' DMA for live migration, in guest-physical terms
 * whatever the backend (QEMU's vfio log_global_start / log_sync, hw/vfio/listener.c and
 * container.c; reference smmuv3-and-migration.md §B.1–B.2):
 *   iommufd — IOMMU_HWPT_SET_DIRTY_TRACKING on every paging HWPT the VM's devices are attached
 *     to (allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING: `attachAutoDomain`), bitmaps read and
 *     cleared with IOMMU_HWPT_GET_DIRTY_BITMAP;
 *   legacy type1 container — VFIO_IOMMU_DIRTY_PAGES START / GET_BITMAP / STOP (type1 reports
 *     every mapped page dirty).
 * The bitmaps are in the DMA space's IOVA terms and become GPAs through what the vmm mapped
 * there (QEMU replays the vIOMMU mappings and translates IOVA → GPA):
 *   NONE — guest RAM identity-mapped: IOVA = GPA;
 *   NESTED (intel-iommu x-flts) — the bitmap is the nest parent's (stage 2), whose IOAS is guest
 *     RAM identity-mapped: IOVA = GPA (a device write through the guest's first stage sets the
 *     stage-2 dirty bit of the GPA it reached);
 *   EMULATED — the guest mappings mirrored into the device's IOAS / container: the virtio-iommu
 *     endpoint's view (bypass: identity; a domain: its MAP ranges), or the intel-iommu
 *     caching-mode shadow's leaves.
 * Costs are bounded by what is mapped (guest RAM and the vIOMMU's mappings), never by a size
 * the guest sends: each bitmap covers one mapped range, at most 2^24 pages per host call.
 */
import { DomainError } from '#libs/errno/index.js';
import { HostCallError, type HostDescription, type HostLink } from '../hostlink/hostlink.js';
import { DirtyLog, dirtyPageGpas } from '../machine/dirty-log.js';
import type { VfioRuntime } from '../machine/runtime.js';
import type { RamRange } from '../machine/guest-ram.js';
import type { Leaf } from '../backends/vtd-shadow.js';
import type { EndpointView, Mapping } from '../viommu/virtio-iommu.js';

/**
 * What the tracker reads of a VM (machine/vmm.ts's Vm has all of it; declared here so the VM
 * manager can use this module's HWPT allocation without an import cycle).
 */
export interface TrackedVm {
  readonly name: string;
  readonly hostPid: number;
  readonly ramRanges: readonly RamRange[];
  readonly vfio: ReadonlyMap<string, VfioRuntime>;
  /** intel-iommu: the caching-mode shadow of EMULATED devices */
  readonly shadow: { mirrored(rt: VfioRuntime): { mode: string; leaves: Leaf[] } } | undefined;
  /** virtio-iommu: the device model */
  readonly viommu: { hasEndpoint(ep: number): boolean; viewOf(ep: number): EndpointView; domainMappings(domain: number): Mapping[] } | undefined;
  /** intel-iommu x-flts: the NESTED devices */
  readonly nested: { stateOf(rt: VfioRuntime): { parent: number } | undefined } | undefined;
  /** SMMUv3 accel: NESTED devices whose nest parent cannot track dirty pages */
  readonly smmuAccel: object | undefined;
}

/** IOMMU_HWPT_ALLOC_DIRTY_TRACKING (include/uapi/linux/iommufd.h). */
export const IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1;
/** IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR. */
export const IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1 << 0;
/** VFIO_IOMMU_DIRTY_PAGES flags (include/uapi/linux/vfio.h). */
export const VFIO_IOMMU_DIRTY_PAGES_FLAG_START = 1 << 0;
export const VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP = 1 << 1;
export const VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP = 1 << 2;

const PAGE = 4096n;
const PAGE_SHIFT = 12n;
/** The most pages one bitmap call covers (the host returns at most 2 MiB of bitmap). */
const MAX_PAGES_PER_CALL = 1n << 24n;

export interface DeviceDirtyTracker {
  /** HwptSetDirtyTracking on every HWPT of the VM's assigned devices / type1 DIRTY_PAGES START. */
  start(): Promise<void>;
  /**
   * Read-and-clear the device-DMA dirty pages since the last call, as sorted unique GPA page
   * numbers (IOVA → GPA through each backend: NONE identity; EMULATED the guest mappings the vmm
   * mirrored into the IOAS / container; NESTED the nest parent's stage 2, whose IOVAs are GPAs),
   * including the pages read just before an unmap while tracking was on.
   */
  collect(): Promise<bigint[]>;
  stop(): Promise<void>;
}

/** A mapped IOVA range of a DMA space and the GPA it starts at. */
export interface IovaSegment {
  iova: bigint;
  size: bigint;
  gpa: bigint;
}

/** One DMA space whose dirty log the tracker reads: an iommufd paging HWPT or a type1 container. */
type TrackedSpace = { kind: 'hwpt'; key: string; fd: number; hwpt: number; ioas: number } | { kind: 'container'; key: string; fd: number };

/** The space whose dirty log covers rt's DMA (undefined: none can, e.g. an SMMUv3 accel device). */
function spaceOf(vm: TrackedVm, rt: VfioRuntime): TrackedSpace | undefined {
  if (rt.legacy) return { kind: 'container', key: `container:${rt.legacy.containerFd}`, fd: rt.legacy.containerFd };
  if (rt.backend === 'NESTED') {
    if (vm.smmuAccel) return undefined; // an SMMUv3 nest parent has no dirty tracking (blocked: SMMUV3_ACCEL)
    const parent = vm.nested?.stateOf(rt)?.parent ?? rt.hwpt;
    return { kind: 'hwpt', key: `hwpt:${rt.iommufd}:${parent}`, fd: rt.iommufd, hwpt: parent, ioas: rt.ioas };
  }
  return { kind: 'hwpt', key: `hwpt:${rt.iommufd}:${rt.hwpt}`, fd: rt.iommufd, hwpt: rt.hwpt, ioas: rt.ioas };
}

function identity(ranges: readonly RamRange[]): IovaSegment[] {
  return ranges.map((r) => ({ iova: r.gpa, size: r.size, gpa: r.gpa }));
}

/**
 * What the vmm has mapped into rt's DMA space now, as IOVA → GPA segments (sorted by IOVA, not
 * overlapping): the translation of that space's dirty bitmap into guest-physical pages.
 */
export function iovaSegmentsOf(vm: TrackedVm, rt: VfioRuntime): IovaSegment[] {
  if (rt.backend === 'NONE' || rt.backend === 'NESTED') return identity(vm.ramRanges);
  const out: IovaSegment[] = [];
  if (vm.shadow) {
    const m = vm.shadow.mirrored(rt);
    if (m.mode === 'identity') return identity(vm.ramRanges);
    for (const l of m.leaves) out.push({ iova: l.iova, size: l.size, gpa: l.gpa });
  } else if (vm.viommu) {
    // the IOAS mirrors the view of its endpoints (host-group siblings share it, in one domain)
    const dev = vm.viommu;
    const sharers = [...vm.vfio.values()].filter((o) => o.backend === 'EMULATED' && (o.legacy ? o.legacy.containerFd === rt.legacy?.containerFd : o.iommufd === rt.iommufd && o.ioas === rt.ioas));
    const views = sharers.filter((o) => dev.hasEndpoint(o.cfg.endpointId)).map((o) => dev.viewOf(o.cfg.endpointId));
    const view = views.find((v) => v.kind === 'domain') ?? views.find((v) => v.kind === 'bypass');
    if (view?.kind === 'bypass') return identity(vm.ramRanges);
    if (view?.kind === 'domain') {
      for (const m of dev.domainMappings(view.domain)) {
        // MAP_F_MMIO and permissionless mappings are not on the host (backends/emulated.ts)
        if (m.flags & 4 || !(m.flags & 3)) continue;
        out.push({ iova: m.virtStart, size: m.virtEnd - m.virtStart + 1n, gpa: m.physStart });
      }
    }
  }
  return out.sort((a, b) => (a.iova < b.iova ? -1 : a.iova > b.iova ? 1 : 0));
}

/**
 * The guest-RAM dirty pages of a VM, one bit per 4 KiB page of each RAM range (bounded by RAM): a
 * DirtyLog of its own, started (the vmm's CPU log is another one, machine/dirty-log.ts).
 */
function gpaPages(ranges: readonly RamRange[]): DirtyLog {
  const log = new DirtyLog(() => ranges);
  log.start();
  return log;
}

/** A log's dirty pages, read and cleared, as sorted GPA page numbers. */
function pageNumbers(log: DirtyLog): bigint[] {
  const out: bigint[] = [];
  for (const g of dirtyPageGpas(log.collect())) out.push(g >> PAGE_SHIFT);
  return out;
}

/** Page-aligned [lo, hi) of a segment (a guest mapping is granule-aligned; the edges round outwards). */
function aligned(s: IovaSegment): { lo: bigint; hi: bigint } {
  return { lo: s.iova & ~(PAGE - 1n), hi: (s.iova + s.size + PAGE - 1n) & ~(PAGE - 1n) };
}

function startFailed(e: unknown): DomainError {
  // QEMU: vfio_listener_log_global_start's error
  const reason = e instanceof HostCallError ? e.reason : 'DIRTY_TRACKING_FAILED';
  return new DomainError('FAILED_PRECONDITION', reason, `vfio: Could not start dirty page tracking - ${(e as Error).message}`, { phase: 'dirty-tracking' });
}

export function deviceDirtyTracker(vm: TrackedVm, link: HostLink): DeviceDirtyTracker {
  /** spaces whose tracking is on (by key) */
  const started = new Map<string, TrackedSpace>();
  let on = false;
  /** pages read from a range just before it was unmapped, reported by the next collect */
  let unmapped = gpaPages(vm.ramRanges);
  /** a bitmap read before an unmap failed: the log is incomplete, the migration must fail */
  let lost: unknown;

  /** The mappings of [iova, iova + length) in the spaces `space` names (QEMU: the bitmap query before an unmap). */
  const beforeUnmap = async (space: { kind: 'ioas' | 'container'; fd: number; id: number }, iova: bigint, length: bigint): Promise<void> => {
    if (!on) return;
    const last = length === 0n ? iova : iova + length - 1n;
    for (const s of started.values()) {
      if (space.kind === 'ioas' ? !(s.kind === 'hwpt' && s.fd === space.fd && s.ioas === space.id) : !(s.kind === 'container' && s.fd === space.fd)) continue;
      const segs = new Map<string, IovaSegment>();
      for (const rt of vm.vfio.values()) {
        if (spaceOf(vm, rt)?.key !== s.key) continue;
        for (const g of iovaSegmentsOf(vm, rt)) {
          const lo = g.iova > iova ? g.iova : iova;
          const gLast = g.iova + g.size - 1n;
          const hi = gLast < last ? gLast : last;
          if (lo > hi) continue;
          segs.set(`${lo}`, { iova: lo, size: hi - lo + 1n, gpa: g.gpa + (lo - g.iova) });
        }
      }
      try {
        await readSpace(s, [...segs.values()], unmapped, true);
      } catch (e) {
        lost ??= e;
      }
    }
  };

  const spaces = (): Map<string, { space: TrackedSpace; devices: VfioRuntime[] }> => {
    const out = new Map<string, { space: TrackedSpace; devices: VfioRuntime[] }>();
    for (const rt of vm.vfio.values()) {
      const s = spaceOf(vm, rt);
      if (!s) throw new DomainError('FAILED_PRECONDITION', 'VFIO_DIRTY_TRACKING_UNSUPPORTED', `${rt.cfg.hostBdf}: VFIO device doesn't support device and IOMMU dirty tracking`, { device: rt.cfg.id });
      const e = out.get(s.key);
      if (e) e.devices.push(rt);
      else out.set(s.key, { space: s, devices: [rt] });
    }
    return out;
  };

  const enable = async (s: TrackedSpace): Promise<void> => {
    if (s.kind === 'hwpt') await link.hwptSetDirtyTracking(vm.hostPid, s.fd, s.hwpt, true);
    else await link.containerDirtyPages(vm.hostPid, s.fd, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
    started.set(s.key, s);
  };

  const disable = async (s: TrackedSpace): Promise<void> => {
    started.delete(s.key);
    try {
      if (s.kind === 'hwpt') await link.hwptSetDirtyTracking(vm.hostPid, s.fd, s.hwpt, false);
      else await link.containerDirtyPages(vm.hostPid, s.fd, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
    } catch (e) {
      // the space is gone with its device or process (unplugged, the VM stopped): nothing to stop
      if (!(e instanceof HostCallError && (e.reason === 'ENOENT' || e.reason === 'EBADF' || e.reason === 'ESRCH'))) throw e;
    }
  };

  /** One space's bitmap over `segments`, read and cleared, marked into `out` as GPAs. */
  const readSpace = async (s: TrackedSpace, segments: readonly IovaSegment[], out: DirtyLog, noClear = false): Promise<void> => {
    for (const seg of segments) {
      const { lo, hi } = aligned(seg);
      for (let at = lo; at < hi; ) {
        const pages = (hi - at) / PAGE < MAX_PAGES_PER_CALL ? (hi - at) / PAGE : MAX_PAGES_PER_CALL;
        const len = pages * PAGE;
        // a type1 range must not split a mapping: a segment is one mapping (or contains whole ones)
        const bitmap = s.kind === 'hwpt' ? await link.hwptGetDirtyBitmap(vm.hostPid, s.fd, s.hwpt, at, len, PAGE, noClear ? IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0) : await link.containerDirtyPages(vm.hostPid, s.fd, VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, at, len, PAGE);
        // pages [first, end) of this bitmap are dirty: their GPAs (a page of a segment's rounded
        // front edge, before the mapping, translates like its edge page; from the mapping's start
        // on, consecutive IOVA pages are consecutive GPA pages)
        const base = at;
        const n = Number(pages);
        const markRun = (first: number, end: number): void => {
          if (end > n) end = n; // bits past the range's pages (the last byte's tail) are not pages
          let iova = base + BigInt(first) * PAGE;
          for (; first < end && iova < seg.iova; first++, iova += PAGE) out.mark(seg.gpa & ~(PAGE - 1n), PAGE);
          if (first < end) out.mark((seg.gpa + (iova - seg.iova)) & ~(PAGE - 1n), BigInt(end - first) * PAGE);
        };
        // zero bytes skipped; runs of set bits (across bytes too) marked at once
        const bytes = Math.min(bitmap.length, (n + 7) >> 3);
        let run = -1;
        for (let byte = 0; byte < bytes; byte++) {
          const v = bitmap[byte]!;
          if (v === 0) {
            if (run >= 0) markRun(run, byte * 8);
            run = -1;
            continue;
          }
          if (v === 0xff) {
            if (run < 0) run = byte * 8;
            continue;
          }
          for (let k = 0; k < 8; k++) {
            if (v & (1 << k)) {
              if (run < 0) run = byte * 8 + k;
            } else if (run >= 0) {
              markRun(run, byte * 8 + k);
              run = -1;
            }
          }
        }
        if (run >= 0) markRun(run, bytes * 8);
        at += len;
      }
    }
  };

  return {
    async start(): Promise<void> {
      if (on) throw new DomainError('FAILED_PRECONDITION', 'DIRTY_TRACKING_ACTIVE', `device dirty tracking of VM ${vm.name} is already on`);
      const all = spaces();
      try {
        for (const { space } of all.values()) await enable(space);
      } catch (e) {
        for (const s of [...started.values()]) await disable(s).catch(() => undefined);
        throw startFailed(e);
      }
      on = true;
      unmapped = gpaPages(vm.ramRanges);
      lost = undefined;
      link.beforeUnmap.set(vm.hostPid, beforeUnmap);
    },

    async collect(): Promise<bigint[]> {
      if (!on) throw new DomainError('FAILED_PRECONDITION', 'DIRTY_TRACKING_OFF', `device dirty tracking of VM ${vm.name} is not on`);
      if (lost !== undefined) throw new DomainError('ABORTED', 'DIRTY_LOG_LOST', `the dirty bitmap of a range of VM ${vm.name} could not be read before it was unmapped: ${(lost as Error).message}`);
      const out = unmapped;
      unmapped = gpaPages(vm.ramRanges);
      const all = spaces();
      for (const [key, { space, devices }] of all) {
        // a space that appeared since start (a device plugged meanwhile): tracked from now on,
        // and everything mapped there counted dirty once (its earlier writes were not logged)
        if (!started.has(key)) {
          await enable(space).catch((e: unknown) => {
            throw startFailed(e);
          });
          for (const seg of iovaSegmentsOf(vm, devices[0]!)) out.mark(seg.gpa & ~(PAGE - 1n), ((seg.size + PAGE - 1n) / PAGE) * PAGE);
          continue;
        }
        // the devices sharing a space see the same mappings: one reading of the union
        const segs = new Map<string, IovaSegment>();
        for (const rt of devices) for (const s of iovaSegmentsOf(vm, rt)) segs.set(`${s.iova}:${s.size}`, s);
        await readSpace(space, [...segs.values()], out);
      }
      // spaces gone (their devices unplugged) are no longer tracked
      for (const key of [...started.keys()]) if (!all.has(key)) started.delete(key);
      return pageNumbers(out);
    },

    async stop(): Promise<void> {
      on = false;
      if (link.beforeUnmap.get(vm.hostPid) === beforeUnmap) link.beforeUnmap.delete(vm.hostPid);
      let failed: unknown;
      for (const s of [...started.values()]) await disable(s).catch((e: unknown) => (failed ??= e));
      if (failed !== undefined) throw failed;
    },
  };
}

/**
 * Attach an assigned device to a paging HWPT over `ioas` as QEMU's iommufd_cdev_autodomains_get
 * does: an existing HWPT of the VM over the same IOAS when the device can join it, else a new
 * one, allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING when the device's host unit can track dirty
 * pages (IOMMU_HW_CAP_DIRTY_TRACKING), so migration can log the device's DMA. Resolves to the
 * HWPT ID and whether this call allocated it (the caller destroys it with the last device).
 */
export async function attachAutoDomain(link: HostLink, pid: number, rt: Pick<VfioRuntime, 'iommufd' | 'deviceFd' | 'devId'>, ioas: number, dirtyTracking: boolean, existing: readonly number[]): Promise<{ hwpt: number; allocated: boolean }> {
  for (const hwpt of existing) {
    try {
      await link.attach(pid, rt.deviceFd, hwpt);
      return { hwpt, allocated: false };
    } catch (e) {
      // another unit, or incompatible: QEMU tries the next one, then allocates
      if (!(e instanceof HostCallError && (e.reason === 'EINVAL' || e.reason === 'EOPNOTSUPP'))) throw e;
    }
  }
  const hwpt = await link.hwptAlloc(pid, rt.iommufd, rt.devId, ioas, dirtyTracking ? IOMMU_HWPT_ALLOC_DIRTY_TRACKING : 0);
  try {
    await link.attach(pid, rt.deviceFd, hwpt);
  } catch (e) {
    await link.destroy(pid, rt.iommufd, hwpt).catch(() => undefined);
    throw e;
  }
  return { hwpt, allocated: true };
}

/** Whether host unit `unit` tracks dirty pages (IOMMU_HW_CAP_DIRTY_TRACKING). */
export function unitDirty(desc: Pick<HostDescription, 'units'>, unit: string): boolean {
  return desc.units.find((u) => u.name === unit)?.dirtyTracking ?? false;
}

/** The paging HWPTs the VM's EMULATED / NONE devices are attached to over IOAS `ioas` of `iommufd` (attachAutoDomain's candidates). */
export function hwptsOver(devices: Iterable<VfioRuntime>, iommufd: number, ioas: number): number[] {
  const out: number[] = [];
  for (const o of devices) if (!o.legacy && o.backend !== 'NESTED' && o.iommufd === iommufd && o.ioas === ioas && !out.includes(o.hwpt)) out.push(o.hwpt);
  return out;
}
