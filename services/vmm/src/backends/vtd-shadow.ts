/**
 * The EMULATED backend of assigned devices behind an intel-iommu with caching mode (QEMU's vfio
 * MAP/UNMAP notifiers on the VT-d IOMMU memory region, `vtd_sync_shadow_page_table` /
 * `vtd_iommu_replay`; shared/reference/nesting-and-vtd.md §B.8).
 *
 * Each assigned device has a host IOAS (host-group siblings share one: the host attaches a whole
 * group). The vmm keeps, per IOAS, the leaves it mirrored there, and after every guest
 * invalidation that can change the device's mappings re-walks the guest's second-stage tables
 * over the affected range and applies the difference as FIXED_IOVA IoasMap (of the VM process's
 * guest-RAM VA) / IoasUnmap, on the same ioctl stream the virtio-iommu backend uses:
 *
 *   DMA remapping off (GCMD.TE clear)        → guest RAM identity-mapped (QEMU's `nodmar` alias),
 *   context TT=2 / PASID entry PGTT=PT       → identity (pass-through),
 *   context/PASID entry not present, invalid → nothing mapped (the device's DMA faults on the host),
 *   second-stage translation                 → one host area per guest leaf (4K/2M/1G).
 *
 * Like QEMU, the walk reads the guest's tables directly (never the model's IOTLB or context
 * cache; the translator's walkRange), stacks R/W over the levels, skips entries it cannot read
 * or whose reserved bits are set, and maps nothing for a leaf outside guest RAM ("iommu map to
 * non memory area"). A leaf already mirrored with the same translation is left alone; a changed
 * one is unmapped, then mapped again. Costs follow what exists: a PSI reads only the tables
 * present inside its range, whatever its address mask (non-present upper entries skip their
 * whole span); a table loop stops at the walk's entry budget and leaves the range as it was.
 */
import type { Logger } from 'pino';
import { HostCallError, type HostLink } from '../hostlink/hostlink.js';
import { dmaSpaceOf } from './legacy-container.js';
import type { IntelIommuSettings } from '../machine/config.js';
import { ramVaOf, type BackendVm, type VfioRuntime } from '../machine/runtime.js';
import { EmulatedBackend } from './emulated.js';

/** What the shadow needs of the model's translator (VtdTranslator). */
export interface ShadowTranslator {
  root: { rootGpa: bigint; scalable: boolean; translationEnabled: boolean };
  describeDevice(sid: number): { scalable: boolean; fault?: number; did?: number; type?: number; table?: { base: bigint; levels: number; stage: 'first' | 'second' } };
  walkRangeAsync(sid: number, pasid: number | undefined, start: bigint, end: bigint): Promise<{ did: number; events: Array<{ iova: bigint; addrMask: bigint; pa: bigint; perm: number }> } | undefined>;
}

/** An invalidation the guest made (VtdTranslator.onInvalidate), or a root/TE change. */
export type ShadowScope =
  | { kind: 'global' }
  | { kind: 'domain'; did: number; pasid?: number }
  | { kind: 'page'; did: number; addr: bigint; am: number; pasid?: number }
  | { kind: 'context'; sid?: number; fm?: number };

/** How the guest's tables make a device translate, read fresh from guest RAM. */
export type DeviceTranslation =
  | { kind: 'blocked'; why: string }
  | { kind: 'identity'; did?: number }
  | { kind: 'paging'; did: number; table: bigint; levels: number };

export interface Leaf {
  iova: bigint;
  size: bigint;
  gpa: bigint;
  read: boolean;
  write: boolean;
}

interface IoasShadow {
  mode: 'none' | 'identity' | 'paging';
  did?: number;
  /** leaves on the host, sorted by iova, never overlapping */
  leaves: Leaf[];
}

/** At most this many pending scopes are kept; more collapse into one full sync. */
const MAX_QUEUED = 256;

export class VtdShadow {
  private readonly ioas = new Map<string, IoasShadow>();
  private queue: ShadowScope[] = [];
  private lastRoot: string;
  hostMaps = 0;
  hostUnmaps = 0;
  /** host map/unmap calls that failed (logged; the guest is not told, as with QEMU's notifiers) */
  hostFailures = 0;
  /** guest leaves not mirrored: outside guest RAM */
  skipped = 0;
  /** walks stopped by the budget */
  truncated = 0;

  constructor(
    readonly link: HostLink,
    readonly vm: BackendVm,
    readonly logger: Logger,
    readonly cfg: IntelIommuSettings,
    readonly translator: ShadowTranslator,
  ) {
    this.lastRoot = rootKey(translator.root);
  }

  /** translator.onInvalidate: remembered, applied by drain() once the register write is done. */
  note(scope: ShadowScope): void {
    // PASID-based invalidations of a PASID other than RID_PASID (0) do not touch the
    // requests-without-PASID address space the assigned device's IOAS mirrors
    if ('pasid' in scope && scope.pasid !== undefined && scope.pasid !== 0) return;
    if (this.queue.length >= MAX_QUEUED) this.queue = [{ kind: 'global' }];
    else this.queue.push(scope);
  }

  /** Apply every invalidation noted since the last drain (and a root pointer / TE change). */
  async drain(): Promise<void> {
    const now = rootKey(this.translator.root);
    if (now !== this.lastRoot) {
      this.lastRoot = now;
      this.queue.push({ kind: 'global' });
    }
    const q = this.queue;
    this.queue = [];
    if (q.length === 0) return;
    const devices = this.primaries();
    if (devices.length === 0) return;
    if (q.some((s) => s.kind === 'global' || s.kind === 'context')) {
      for (const rt of devices) await this.sync(rt);
      return;
    }
    for (const rt of devices) {
      const t = this.resolve(rt.cfg.endpointId);
      const did = t.kind === 'blocked' ? undefined : t.did;
      const st = this.ioas.get(key(rt));
      if (st === undefined || st.mode !== modeOf(t) || st.did !== did) {
        // the device's translation kind or domain changed: a domain/page invalidation of either
        // domain brings the IOAS to the new state in full
        if (did !== undefined && q.some((s) => 'did' in s && (s.did === did || s.did === st?.did))) await this.sync(rt);
        continue;
      }
      if (t.kind !== 'paging') continue;
      if (q.some((s) => s.kind === 'domain' && s.did === t.did)) {
        await this.sync(rt);
        continue;
      }
      for (const s of q) {
        if (s.kind !== 'page' || s.did !== t.did) continue;
        const span = 1n << BigInt(12 + Math.min(s.am, 52));
        const lo = s.addr & ~(span - 1n);
        const max = this.inputLast(t.levels);
        if (lo > max) continue;
        const hi = lo + span - 1n > max ? max : lo + span - 1n;
        await this.syncRange(rt, t, lo, hi);
      }
    }
  }

  /** Bring rt's IOAS in line with the guest's tables for its device, over the whole input range. */
  async sync(rt: VfioRuntime): Promise<void> {
    const primary = this.primaryOf(rt);
    const t = this.resolve(primary.cfg.endpointId);
    const k = key(rt);
    let st = this.ioas.get(k);
    const mode = modeOf(t);
    if (st === undefined || st.mode !== mode) {
      await dmaSpaceOf(this.link, this.vm, rt).unmapAll();
      if (st) this.hostUnmaps += st.leaves.length;
      st = { mode: 'none', leaves: [] };
      this.ioas.set(k, st);
      if (mode === 'identity') {
        await EmulatedBackend.identityMapSpace(dmaSpaceOf(this.link, this.vm, rt), this.vm);
        st.mode = 'identity';
      }
    }
    st.did = t.kind === 'blocked' ? undefined : t.did;
    if (t.kind === 'paging') {
      st.mode = 'paging';
      await this.syncRange(rt, t, 0n, this.inputLast(t.levels));
    }
  }

  /** The IOAS of rt was destroyed (or the device left it). */
  forget(rt: VfioRuntime): void {
    this.ioas.delete(key(rt));
  }

  /** Where an IOVA of rt's IOAS lands in guest RAM now (undefined: not mapped). */
  gpaOf(rt: VfioRuntime, iova: bigint): bigint | undefined {
    const st = this.ioas.get(key(rt));
    if (!st) return undefined;
    if (st.mode === 'identity') return ramVaOf(this.vm, iova) !== undefined ? iova : undefined;
    const i = findFirstEndingAfter(st.leaves, iova);
    const l = st.leaves[i];
    if (l && l.iova <= iova && iova < l.iova + l.size) return l.gpa + (iova - l.iova);
    return undefined;
  }

  /** The leaves mirrored into rt's IOAS (copies, for Inspect and tests). */
  mirrored(rt: VfioRuntime): { mode: string; leaves: Leaf[] } {
    const st = this.ioas.get(key(rt));
    return { mode: st?.mode ?? 'none', leaves: (st?.leaves ?? []).map((l) => ({ ...l })) };
  }

  // ------------------------------------------------------------------ guest tables

  private inputLast(levels: number): bigint {
    const bits = Math.min(12 + 9 * levels, this.cfg.awBits);
    return (1n << BigInt(bits)) - 1n;
  }

  /**
   * How the device `sid` (bus << 8 | devfn) translates requests without PASID, read from guest
   * RAM as QEMU's vtd_dev_to_context_entry reads it (the translator's describeDevice: never the
   * model's context or PASID cache).
   */
  resolve(sid: number): DeviceTranslation {
    const tr = this.translator;
    if (!tr.root.translationEnabled) return { kind: 'identity' };
    const v = tr.describeDevice(sid);
    if (v.fault !== undefined || v.did === undefined) return { kind: 'blocked', why: `fault 0x${(v.fault ?? 0).toString(16)}` };
    if (!v.scalable && v.type === 2) return { kind: 'identity', did: v.did };
    if (v.scalable && v.type === 4) return { kind: 'identity', did: v.did };
    if (!v.table || v.table.stage !== 'second') return { kind: 'blocked', why: `translation type ${v.type} is not shadowed` };
    return { kind: 'paging', did: v.did, table: v.table.base, levels: v.table.levels };
  }

  /** Present leaves of the device's second-stage table overlapping [lo, hi] (the translator's vtd_page_walk). */
  async walk(sid: number, lo: bigint, hi: bigint): Promise<{ leaves: Leaf[]; truncated: boolean }> {
    let r: Awaited<ReturnType<ShadowTranslator['walkRangeAsync']>>;
    try {
      r = await this.translator.walkRangeAsync(sid, undefined, lo, hi + 1n);
    } catch (e) {
      if (e instanceof RangeError) return { leaves: [], truncated: true };
      throw e;
    }
    const leaves: Leaf[] = [];
    for (const ev of r?.events ?? []) {
      if (ev.perm === 0) continue;
      leaves.push({ iova: ev.iova, size: ev.addrMask + 1n, gpa: ev.pa & ~ev.addrMask, read: (ev.perm & 1) !== 0, write: (ev.perm & 2) !== 0 });
    }
    return { leaves, truncated: false };
  }

  // ------------------------------------------------------------------ host IOAS

  /** Make rt's IOAS over [lo, hi] equal to the guest's leaves there (UNMAP changed/gone, MAP new). */
  async syncRange(rt: VfioRuntime, t: { did: number }, lo: bigint, hi: bigint): Promise<void> {
    const k = key(rt);
    let st = this.ioas.get(k);
    if (!st || st.mode !== 'paging') {
      st = { mode: 'paging', did: t.did, leaves: st?.mode === 'paging' ? st.leaves : [] };
      this.ioas.set(k, st);
    }
    const { leaves: want, truncated } = await this.walk(this.primaryOf(rt).cfg.endpointId, lo, hi);
    if (truncated) {
      // a guest table loop: the host IOAS keeps what it had over this range
      this.truncated++;
      this.logger.warn({ vm: this.vm.name, device: rt.cfg.id, lo: `0x${lo.toString(16)}`, hi: `0x${hi.toString(16)}` }, 'intel-iommu shadow walk stopped at its entry budget (guest tables loop): range left as it was');
      return;
    }
    // the range the diff covers: [lo, hi] widened to the guest leaves found (a 2M leaf under a 4K PSI)
    let from = lo;
    let to = hi;
    for (const l of want) {
      if (l.iova < from) from = l.iova;
      if (l.iova + l.size - 1n > to) to = l.iova + l.size - 1n;
    }
    const wantBy = new Map<bigint, Leaf>(want.map((l) => [l.iova, l]));
    // unmap what is mirrored there and no longer wanted identically
    const have = overlapping(st.leaves, from, to);
    for (const h of have) {
      const w = wantBy.get(h.iova);
      if (w && sameLeaf(w, h)) {
        wantBy.delete(h.iova);
        continue;
      }
      await this.unmapLeaf(rt, st, h);
    }
    for (const w of wantBy.values()) {
      if (ramVaOf(this.vm, w.gpa, w.size) === undefined) {
        this.skipped++;
        continue;
      }
      await this.mapLeaf(rt, st, w);
    }
  }

  private async unmapLeaf(rt: VfioRuntime, st: IoasShadow, l: Leaf): Promise<void> {
    try {
      await dmaSpaceOf(this.link, this.vm, rt).unmap(l.iova, l.size);
      this.hostUnmaps++;
    } catch (e) {
      this.failed(rt, 'unmap', l, e);
    }
    const i = st.leaves.indexOf(l);
    if (i >= 0) st.leaves.splice(i, 1);
  }

  private async mapLeaf(rt: VfioRuntime, st: IoasShadow, l: Leaf): Promise<void> {
    try {
      await dmaSpaceOf(this.link, this.vm, rt).mapFixed(ramVaOf(this.vm, l.gpa, l.size)!, l.size, l.iova, l.read, l.write);
    } catch (e) {
      this.failed(rt, 'map', l, e);
      return;
    }
    this.hostMaps++;
    st.leaves.splice(findFirstEndingAfter(st.leaves, l.iova), 0, l);
  }

  private failed(rt: VfioRuntime, what: string, l: Leaf, e: unknown): void {
    this.hostFailures++;
    const reason = e instanceof HostCallError ? e.reason : (e as Error).message;
    this.logger.warn({ vm: this.vm.name, device: rt.cfg.id, iova: `0x${l.iova.toString(16)}`, size: `0x${l.size.toString(16)}`, reason }, `intel-iommu shadow: host ${what} failed`);
    // the VM's host process is gone: nothing more can be done on its IOAS
    if (e instanceof HostCallError && e.reason === 'ESRCH') throw e;
  }

  // ------------------------------------------------------------------ devices

  /** EMULATED assigned devices, one per host IOAS (the sharer the IOAS follows). */
  private primaries(): VfioRuntime[] {
    const seen = new Map<string, VfioRuntime>();
    for (const rt of this.vm.vfio.values()) {
      if (rt.backend !== 'EMULATED') continue;
      const p = this.primaryOf(rt);
      seen.set(key(p), p);
    }
    return [...seen.values()];
  }

  /**
   * Host-group siblings share one IOAS (the host attaches a group, not a device): it follows the
   * sharer with the lowest source-id that is not leaving.
   */
  private primaryOf(rt: VfioRuntime): VfioRuntime {
    let best: VfioRuntime | undefined;
    for (const o of this.vm.vfio.values()) {
      if (o.backend !== 'EMULATED' || o.iommufd !== rt.iommufd || o.ioas !== rt.ioas || o.leaving) continue;
      if (!best || o.cfg.endpointId < best.cfg.endpointId) best = o;
    }
    return best ?? rt;
  }
}

function key(rt: VfioRuntime): string {
  return `${rt.iommufd}:${rt.ioas}`;
}

function modeOf(t: DeviceTranslation): IoasShadow['mode'] {
  return t.kind === 'blocked' ? 'none' : t.kind;
}

function rootKey(r: ShadowTranslator['root']): string {
  return `${r.rootGpa}:${r.scalable}:${r.translationEnabled}`;
}

function sameLeaf(a: Leaf, b: Leaf): boolean {
  return a.iova === b.iova && a.size === b.size && a.gpa === b.gpa && a.read === b.read && a.write === b.write;
}

/** Index of the first leaf whose end lies after `iova` (leaves sorted, non-overlapping). */
function findFirstEndingAfter(leaves: Leaf[], iova: bigint): number {
  let lo = 0;
  let hi = leaves.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const l = leaves[mid]!;
    if (l.iova + l.size - 1n < iova) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Leaves overlapping [from, to] (a snapshot: callers modify the array). */
function overlapping(leaves: Leaf[], from: bigint, to: bigint): Leaf[] {
  const out: Leaf[] = [];
  for (let i = findFirstEndingAfter(leaves, from); i < leaves.length && leaves[i]!.iova <= to; i++) out.push(leaves[i]!);
  return out;
}
