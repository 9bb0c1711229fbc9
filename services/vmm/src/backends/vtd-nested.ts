/**
 * The NESTED backend of assigned devices behind an intel-iommu with x-flts (scalable mode, first
 * stage only): the guest's own first-stage tables are walked by the host IOMMU over a stage 2 of
 * guest RAM, as QEMU's intel_iommu_accel does it (shared/reference/nesting-and-vtd.md §B.9):
 *
 *  - plug: the device's default host HWPT is a NEST_PARENT paging HWPT over the device's own
 *    IOAS (host-group siblings share one), guest RAM identity-mapped in it (GPA → the VM
 *    process's RAM VA, QEMU's VIOMMU_FLAG_WANT_NESTING_PARENT + the memory listener). The device
 *    is attached to it (DMA remapping off: GPAs go straight to RAM, as QEMU's system MR does);
 *  - PASID-cache sync of the device's requests-without-PASID entry (the translator's
 *    onPasidBinding for the RID address space — PASID-cache descriptors, SRTP, TE, context
 *    invalidations): PGTT=FST → IOMMU_HWPT_ALLOC(VTD_S1 {SRE/WPE/EAFE from the entry,
 *    pgtbl_addr = FSPTPTR, addr_width = 48 + 9·FSPM}, pt_id = the NEST_PARENT HWPT), attach
 *    (replace), then the previous first-stage HWPT destroyed; on failure the new one is freed and
 *    the device stays where it was; PGTT=PT → the parent; another PGTT → refused ("Invalid PGTT
 *    type", logged, no guest fault: QEMU's TODO); entry gone → detach (blocked) while DMA
 *    remapping is on in scalable mode, else the parent again (§B.9 step 5);
 *  - PASID-IOTLB descriptors (type 6) of PASID 0 whose DID equals the cached entry's DID and
 *    whose cached PGTT is FST are forwarded as one iommu_hwpt_vtd_s1_invalidate each over the
 *    host's InvalidationChannel: all-in-PASID → {0, U64_MAX, 0}, PSI → {addr, 2^AM, LEAF iff
 *    IH}; host errors are logged only, as QEMU logs them. Nothing else crosses (type-2 IOTLB,
 *    device-TLB and PASID device-TLB descriptors: the host flushes its ATC itself).
 *
 * Ordering (the guest's inv_wait completes only after the host acked): the model processes the
 * queue synchronously inside the IQT register write and records every binding change and
 * forwarded invalidation here, in queue order (`note*`). The vmm then runs `drain()` under the
 * VM lock before it flushes the model's own guest-RAM writes (the inv_wait status words) and its
 * interrupts (the completion event) to the guest: so a status word or completion interrupt of a
 * wait is visible to the guest only after every invalidation queued before it in the same IQT
 * write was acknowledged by the host (and after those queued behind it too: the flush is per
 * register write, never earlier than the acks, possibly later).
 */
import type { Logger } from 'pino';
import { HostCallError, type HostLink } from '../hostlink/hostlink.js';
import { EmulatedBackend } from './emulated.js';
import type { BackendVm, VfioRuntime } from '../machine/runtime.js';
import { IOMMU_HWPT_ALLOC_DIRTY_TRACKING, unitDirty } from '../migration/dirty-dma.js';

/** IOMMU_HWPT_ALLOC_NEST_PARENT */
export const HWPT_ALLOC_NEST_PARENT = 1;
/** IOMMU_HWPT_DATA_VTD_S1 */
export const HWPT_DATA_VTD_S1 = 1;
/** IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 */
export const HWPT_INVALIDATE_DATA_VTD_S1 = 0;
/** iommu_hwpt_vtd_s1 flags */
export const VTD_S1 = { SRE: 1n, EAFE: 2n, WPE: 4n } as const;
/** IOMMU_VTD_INV_FLAGS_LEAF */
export const VTD_INV_FLAGS_LEAF = 1;
const U64_MAX = (1n << 64n) - 1n;
/** PASID entry PGTT values (VTD_SM_PASID_ENTRY_*). */
const PGTT_FST = 1;
const PGTT_PT = 4;

/** What the backend needs of the model's translator (VtdTranslator). */
export interface NestedTranslator {
  root: { rootGpa: bigint; scalable: boolean; translationEnabled: boolean };
  addAddressSpace(sid: number, pasid?: number): void;
}

/** The host HWPT data of a first-stage PASID entry (QEMU's vtd_init_fs_hwpt_data). */
export interface VtdS1Data {
  flags: bigint;
  pgtblAddr: bigint;
  addrWidth: number;
}

export function s1DataOf(entry: readonly bigint[]): VtdS1Data {
  const w2 = entry[2] ?? 0n;
  let flags = 0n;
  if (w2 & 1n) flags |= VTD_S1.SRE; // SRE, bit 128
  if ((w2 >> 4n) & 1n) flags |= VTD_S1.WPE; // WPE, bit 132
  if ((w2 >> 7n) & 1n) flags |= VTD_S1.EAFE; // EAFE, bit 135
  return { flags, pgtblAddr: w2 & ~0xfffn & U64_MAX, addrWidth: 48 + 9 * Number((w2 >> 2n) & 3n) };
}

/** struct iommu_hwpt_vtd_s1 (24 bytes, little-endian). */
export function packS1(d: VtdS1Data): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, d.flags, true);
  v.setBigUint64(8, d.pgtblAddr, true);
  v.setUint32(16, d.addrWidth, true);
  return b;
}

/** struct iommu_hwpt_vtd_s1_invalidate (24 bytes, little-endian). */
export function packS1Invalidate(addr: bigint, npages: bigint, flags: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, addr, true);
  v.setBigUint64(8, npages, true);
  v.setUint32(16, flags, true);
  return b;
}

const pgttOf = (e: readonly bigint[]): number => Number(((e[0] ?? 0n) >> 6n) & 7n);
const didOf = (e: readonly bigint[]): number => Number((e[1] ?? 0n) & 0xffffn);
const sameEntry = (a: readonly bigint[] | undefined, b: readonly bigint[] | undefined): boolean => a !== undefined && b !== undefined && a.length === b.length && a.every((w, i) => w === b[i]);

/** One step the guest's register write caused, in queue order. */
type Op =
  | { kind: 'bind'; sid: number; entry: readonly bigint[] }
  | { kind: 'unbind'; sid: number; blocked: boolean }
  | { kind: 'inval'; did: number; addr?: bigint; am?: number; ih?: boolean };

/** The host side of one NESTED device (per host IOAS: host-group siblings share it). */
interface NestedState {
  rt: VfioRuntime;
  /** the NEST_PARENT paging HWPT (stage 2 = guest RAM) */
  parent: number;
  /** the first-stage HWPT attached now (undefined: parent or blocked) */
  fsHwpt: number | undefined;
  attached: 'parent' | 'nested' | 'blocked';
  /** the PASID entry QEMU's PASID cache holds for the RID address space (DID / PGTT checks) */
  cached: readonly bigint[] | undefined;
}

/** At most this many queued ops per register write; beyond, bindings are kept and invalidations collapse into one all-in-PASID per device. */
const MAX_QUEUED = 1024;

export class VtdNested {
  private readonly devs = new Map<string, NestedState>();
  private queue: Op[] = [];
  private overflow = false;
  /** host calls that failed (logged; the guest is not told, as QEMU only logs them) */
  hostFailures = 0;
  /** invalidations forwarded and acknowledged */
  forwarded = 0;
  /** first-stage HWPTs allocated */
  nestedAllocs = 0;

  constructor(
    readonly link: HostLink,
    readonly vm: BackendVm,
    readonly logger: Logger,
    readonly translator: NestedTranslator,
  ) {}

  // ------------------------------------------------------------------ plug / unplug

  /**
   * Plug an assigned device bound to its iommufd (rt.devId): its own IOAS (or its host-group
   * sibling's), the NEST_PARENT HWPT, the attach, guest RAM identity-mapped. Atomic: a failure
   * destroys what this call made (the caller closes the device fd).
   */
  async plug(rt: VfioRuntime): Promise<void> {
    const pid = this.vm.hostPid;
    const sibling = [...this.devs.values()].find((s) => s.rt.iommufd === rt.iommufd && s.rt.host.group === rt.host.group);
    if (sibling) {
      // the host attaches a whole group: the sibling follows the same HWPT
      await this.link.attach(pid, rt.deviceFd, sibling.attached === 'nested' ? sibling.fsHwpt! : sibling.parent);
      rt.ioas = sibling.rt.ioas;
      rt.hwpt = sibling.parent;
      this.translator.addAddressSpace(rt.cfg.endpointId);
      return;
    }
    const ioas = await this.link.ioasAlloc(pid, rt.iommufd);
    let parent: number | undefined;
    try {
      // with dirty tracking where the VT-d unit has it (QEMU iommufd_cdev_autodomains_get; Intel
      // accepts NEST_PARENT | DIRTY_TRACKING): migration reads the stage-2 dirty bits in GPA terms
      const dirty = this.link.lastDescription && unitDirty(this.link.lastDescription, rt.host.unit) ? IOMMU_HWPT_ALLOC_DIRTY_TRACKING : 0;
      parent = await this.link.hwptAlloc(pid, rt.iommufd, rt.devId, ioas, HWPT_ALLOC_NEST_PARENT | dirty);
      await this.link.attach(pid, rt.deviceFd, parent);
      // attached first, so the IOAS knows the device's reserved regions (QEMU: the memory listener maps after realize)
      await EmulatedBackend.identityMap(this.link, this.vm, rt.iommufd, ioas);
    } catch (e) {
      if (parent !== undefined) {
        await this.link.detach(pid, rt.deviceFd).catch(() => undefined);
        await this.link.destroy(pid, rt.iommufd, parent).catch(() => undefined);
      }
      await this.link.ioasUnmapAll(pid, rt.iommufd, ioas).catch(() => undefined);
      await this.link.destroy(pid, rt.iommufd, ioas).catch(() => undefined);
      throw e;
    }
    rt.ioas = ioas;
    rt.hwpt = parent;
    this.devs.set(rt.cfg.id, { rt, parent, fsHwpt: undefined, attached: 'parent', cached: undefined });
    // QEMU creates the device's address space at plug; the PASID cache fills it at the next sync
    this.translator.addAddressSpace(rt.cfg.endpointId);
  }

  /**
   * The device left (its fd closed: the host detached it). When it owned the host objects, the
   * first-stage HWPT, the parent and the IOAS go (unless a sibling still uses them: it takes them over).
   */
  async unplug(rt: VfioRuntime): Promise<void> {
    const st = this.devs.get(rt.cfg.id);
    if (!st) return;
    this.devs.delete(rt.cfg.id);
    const heir = [...this.vm.vfio.values()].find((o) => o !== rt && o.backend === 'NESTED' && o.iommufd === rt.iommufd && o.ioas === rt.ioas && !this.devs.has(o.cfg.id));
    if (heir) {
      st.rt = heir;
      this.devs.set(heir.cfg.id, st);
      return;
    }
    const pid = this.vm.hostPid;
    if (st.fsHwpt !== undefined) await this.link.destroy(pid, rt.iommufd, st.fsHwpt).catch(() => undefined);
    await this.link.destroy(pid, rt.iommufd, st.parent).catch(() => undefined);
    await this.link.destroy(pid, rt.iommufd, rt.ioas).catch(() => undefined);
  }

  /** The NESTED host state of a device (VmInfo, tests). */
  stateOf(rt: VfioRuntime): { parent: number; nested?: number; attached: 'parent' | 'nested' | 'blocked' } | undefined {
    const st = this.stateFor(rt);
    if (!st) return undefined;
    return { parent: st.parent, ...(st.fsHwpt !== undefined ? { nested: st.fsHwpt } : {}), attached: st.attached };
  }

  /**
   * Where the device's DMA at `iova` lands in guest RAM per the guest's first-stage tables now
   * (read from `mem`, the vmm's coherent copy; no cache): the vmm refreshes its copy of the pages
   * an assigned device wrote. Parent: GPA = IOVA; blocked or not mapped: undefined. The host may
   * have used a stale IOTLB entry the guest has not invalidated yet; the pages it reached
   * through one are not found here (a guest relying on that is outside the architecture).
   */
  gpaOf(rt: VfioRuntime, iova: bigint, mem: { read(gpa: bigint, len: number): Uint8Array }): bigint | undefined {
    const st = this.stateFor(rt);
    if (!st || st.attached === 'blocked') return undefined;
    if (st.attached === 'parent') return iova;
    const d = s1DataOf(st.cached ?? []);
    const levels = d.addrWidth === 57 ? 5 : 4;
    let table = d.pgtblAddr;
    for (let level = levels; level >= 1; level--) {
      const shift = BigInt(12 + 9 * (level - 1));
      const idx = (iova >> shift) & 0x1ffn;
      let pte: bigint;
      try {
        const b = mem.read(table + idx * 8n, 8);
        pte = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
      } catch {
        return undefined;
      }
      if (!(pte & 1n)) return undefined;
      const addr = pte & 0x000ffffffffff000n;
      if (level === 1 || (level <= 3 && pte & 0x80n)) {
        const mask = (1n << shift) - 1n;
        return (addr & ~mask) | (iova & mask);
      }
      table = addr;
    }
    return undefined;
  }

  private stateFor(rt: VfioRuntime): NestedState | undefined {
    for (const s of this.devs.values()) if (s.rt.iommufd === rt.iommufd && s.rt.ioas === rt.ioas) return s;
    return undefined;
  }

  private bySid(sid: number): NestedState | undefined {
    for (const s of this.devs.values()) if (s.rt.cfg.endpointId === sid) return s;
    return undefined;
  }

  // ------------------------------------------------------------------ what the model did

  /**
   * translator.onPasidBinding: a change of the PASID-cache slot of a device's requests-without-
   * PASID address space. Only NESTED devices' slots matter; the entry is captured now (the op
   * runs after the register write, in queue order).
   */
  noteBinding(ev: { sid: number; pasid?: number; change: 'bind' | 'replace' | 'unbind'; entry?: readonly bigint[] }): void {
    if (ev.pasid !== undefined || !this.bySid(ev.sid)) return;
    if (ev.change === 'unbind' || !ev.entry) {
      // QEMU vtd_device_detach_iommufd: DMAR on in scalable mode → blocked; else the default HWPT
      const r = this.translator.root;
      this.push({ kind: 'unbind', sid: ev.sid, blocked: r.translationEnabled && r.scalable });
    } else {
      this.push({ kind: 'bind', sid: ev.sid, entry: [...ev.entry] });
    }
  }

  /** translator.onInvalidate: PASID-IOTLB scopes of PASID 0 are candidates for forwarding. */
  noteInvalidation(scope: { kind: string; did?: number; pasid?: number; addr?: bigint; am?: number; ih?: boolean }): void {
    if (scope.pasid !== 0 || scope.did === undefined || this.devs.size === 0) return;
    if (scope.kind === 'domain') this.push({ kind: 'inval', did: scope.did });
    else if (scope.kind === 'page' && scope.addr !== undefined) this.push({ kind: 'inval', did: scope.did, addr: scope.addr, am: scope.am ?? 0, ...(scope.ih ? { ih: true } : {}) });
  }

  private push(op: Op): void {
    if (this.queue.length < MAX_QUEUED) {
      this.queue.push(op);
      return;
    }
    // a guest flooding its queue: bindings still apply in order, invalidations become whole-PASID ones
    this.overflow = true;
    if (op.kind !== 'inval') this.queue.push(op);
  }

  /**
   * Apply, in order, every binding change and forwarded invalidation the last register write
   * made; resolves after the host acknowledged every forwarded invalidation. The caller flushes
   * the model's guest-RAM writes (inv_wait status words) and interrupts only after this.
   */
  async drain(): Promise<void> {
    const q = this.queue;
    const overflow = this.overflow;
    this.queue = [];
    this.overflow = false;
    for (const op of q) {
      if (op.kind === 'inval') {
        if (!overflow) await this.forward(op);
        continue;
      }
      const st = this.bySid(op.sid);
      if (!st) continue;
      if (op.kind === 'bind') await this.bind(st, op.entry);
      else await this.unbind(st, op.blocked);
    }
    if (overflow) {
      for (const st of this.devs.values()) if (st.cached && st.fsHwpt !== undefined && pgttOf(st.cached) === PGTT_FST) await this.forward({ kind: 'inval', did: didOf(st.cached) });
    }
  }

  // ------------------------------------------------------------------ host side

  /** vtd_device_attach_iommufd for a new or changed cached entry. */
  private async bind(st: NestedState, entry: readonly bigint[]): Promise<void> {
    const prev = st.cached;
    st.cached = entry;
    if (sameEntry(prev, entry) && st.attached !== 'blocked') return;
    const pgtt = pgttOf(entry);
    const pid = this.vm.hostPid;
    const rt = st.rt;
    if (pgtt === PGTT_PT) {
      await this.attachParent(st);
      return;
    }
    if (pgtt !== PGTT_FST) {
      this.hostFailures++;
      this.logger.warn({ vm: this.vm.name, device: rt.cfg.id, pgtt }, 'intel-iommu nested: Invalid PGTT type (the device stays as it was; no guest fault, as in QEMU)');
      return;
    }
    const data = s1DataOf(entry);
    let fs: number;
    try {
      fs = await this.link.hwptAlloc(pid, rt.iommufd, rt.devId, st.parent, 0, HWPT_DATA_VTD_S1, packS1(data));
    } catch (e) {
      this.failed(rt, 'HwptAlloc (VTD_S1)', e);
      return;
    }
    this.nestedAllocs++;
    try {
      await this.link.attach(pid, rt.deviceFd, fs);
    } catch (e) {
      await this.link.destroy(pid, rt.iommufd, fs).catch(() => undefined);
      this.failed(rt, 'attach of the first-stage HWPT', e);
      return;
    }
    const old = st.fsHwpt;
    st.fsHwpt = fs;
    st.attached = 'nested';
    if (old !== undefined) await this.link.destroy(pid, rt.iommufd, old).catch((e: unknown) => this.failed(rt, 'destroy of the previous first-stage HWPT', e));
  }

  /** vtd_device_detach_iommufd: blocked (DMAR on, scalable) or the default HWPT; the first-stage HWPT goes. */
  private async unbind(st: NestedState, blocked: boolean): Promise<void> {
    st.cached = undefined;
    const pid = this.vm.hostPid;
    const rt = st.rt;
    if (blocked) {
      if (st.attached !== 'blocked') {
        try {
          await this.link.detach(pid, rt.deviceFd);
        } catch (e) {
          this.failed(rt, 'detach', e);
          return;
        }
        st.attached = 'blocked';
      }
      await this.dropFs(st);
      return;
    }
    await this.attachParent(st);
  }

  private async attachParent(st: NestedState): Promise<void> {
    if (st.attached !== 'parent') {
      try {
        await this.link.attach(this.vm.hostPid, st.rt.deviceFd, st.parent);
      } catch (e) {
        this.failed(st.rt, 'attach of the NEST_PARENT HWPT', e);
        return;
      }
      st.attached = 'parent';
    }
    await this.dropFs(st);
  }

  private async dropFs(st: NestedState): Promise<void> {
    const old = st.fsHwpt;
    if (old === undefined) return;
    st.fsHwpt = undefined;
    await this.link.destroy(this.vm.hostPid, st.rt.iommufd, old).catch((e: unknown) => this.failed(st.rt, 'destroy of the first-stage HWPT', e));
  }

  /** vtd_flush_pasid_iotlb for each device whose cached entry matches: one VTD_S1 entry each. */
  private async forward(op: Extract<Op, { kind: 'inval' }>): Promise<void> {
    for (const st of this.devs.values()) {
      const e = st.cached;
      if (!e || pgttOf(e) !== PGTT_FST || didOf(e) !== op.did || st.fsHwpt === undefined) continue;
      const entry = op.addr === undefined ? packS1Invalidate(0n, U64_MAX, 0) : packS1Invalidate(op.addr, 1n << BigInt(op.am ?? 0), op.ih ? VTD_INV_FLAGS_LEAF : 0);
      try {
        await this.link.invalidate(this.vm.hostPid, st.rt.iommufd, st.fsHwpt, HWPT_INVALIDATE_DATA_VTD_S1, 24, entry);
        this.forwarded++;
      } catch (e) {
        this.failed(st.rt, 'invalidation', e);
      }
    }
  }

  private failed(rt: VfioRuntime, what: string, e: unknown): void {
    this.hostFailures++;
    const reason = e instanceof HostCallError ? e.reason : (e as Error).message;
    this.logger.warn({ vm: this.vm.name, device: rt.cfg.id, reason }, `intel-iommu nested: host ${what} failed`);
    // the VM's host process is gone: nothing more can be done for it
    if (e instanceof HostCallError && e.reason === 'ESRCH') throw e;
  }
}
