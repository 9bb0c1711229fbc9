/**
 * The accel (NESTED) backend of assigned devices behind the vmm's SMMUv3, as QEMU's
 * hw/arm/smmuv3-accel.c drives the host's nested SMMUv3 through iommufd (shared/reference/
 * smmuv3-and-migration.md §A.5, A.8, A.10, A.12; vmm-viommu-semantics.md §2.3):
 *
 *  - first device (smmuv3_accel_set_iommu_device → smmuv3_accel_alloc_viommu): an IOAS with a
 *    NEST_PARENT paging HWPT (QEMU's VIOMMU_FLAG_WANT_NESTING_PARENT: VFIO's stage 2), the device
 *    attached to it, guest RAM identity-mapped (GPA → the VM process's RAM); the vIOMMU
 *    (IOMMU_VIOMMU_TYPE_ARM_SMMUV3) over the parent; the pre-allocated abort {V} and bypass
 *    {V | Cfg=bypass} vSTE HWPTs; the vEVENTQ when CR0.EVENTQEN is set already. Every device is
 *    then attached as the unit applies it now: SMMUEN=0 → the GBPA HWPT (abort or bypass), SMMUEN=1
 *    → its STE installed as a CFGI_STE would (a bad STE: the abort HWPT). QEMU attaches the GBPA
 *    HWPT to the first device only and leaves later ones on the stage 2 (all of guest RAM) until
 *    the guest's next CFGI_STE; we follow the architecture (SMMUV3.md).
 *  - installSte (CFGI_STE / _RANGE / ALL of a backed SID: smmuv3_accel_install_ste): the vDEVICE
 *    (virt_id = the guest StreamID) on the SID's first install, kept even when the rest fails;
 *    SMMUEN=0 → GBPA HWPT; V=0 or Cfg 0–3 → abort HWPT; Cfg 4 → bypass HWPT; Cfg 5 → a new
 *    IOMMU_HWPT_DATA_ARM_SMMUV3 HWPT (pt_id = the vIOMMU) with STE words 0–1 masked by QEMU's
 *    STE0_MASK / STE1_MASK, attached, then the previous one freed; Cfg 6/7 → "Invalid STE
 *    config" → false (CERROR_ILL). A StreamID whose STE cannot be fetched (C_BAD_STREAMID,
 *    F_STE_FETCH, C_BAD_STE of the table walk) gets the abort HWPT, as the architecture aborts
 *    its transactions; QEMU leaves the device where it was.
 *  - invalidate (smmuv3_accel_issue_inv_cmd): one command per IOMMU_HWPT_INVALIDATE on the
 *    vIOMMU (IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, one 16-byte entry) over the host's
 *    InvalidationChannel, acked after it took effect; SID-scoped commands only for a SID with a
 *    vDEVICE; failure → false (CERROR_ILL).
 *  - bypassChanged (GBPA update, SMMUEN toggle: smmuv3_accel_attach_gbpa_hwpt): SMMUEN=0 → every
 *    device on the GBPA HWPT (its stage-1 HWPT kept until the next install, as QEMU keeps it);
 *    SMMUEN=1 → every device's STE installed again (QEMU attaches the GBPA HWPT on a GBPA update
 *    whatever SMMUEN says and does nothing on an SMMUEN toggle; we follow the architecture).
 *  - cr0Written (smmuv3_accel_alloc_veventq): the vEVENTQ (IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, depth
 *    2^EVENTQ log2size) once CR0.EVENTQEN is first seen set with a vIOMMU; it lives until the
 *    vIOMMU goes. A follower reads Iommufd.ReadVevents and injects each 32-byte record (SID
 *    already the guest's) in order through `inject`; LOST_EVENTS → "overflowed" (logged,
 *    counted), a sequence gap → "lost N event(s)" (logged), as QEMU's smmuv3_accel_event_read.
 *  - unplug (smmuv3_accel_unset_iommu_device): the device back on the parent, its stage-1 HWPT
 *    and vDEVICE freed; the last device takes the vEVENTQ (fd closed, then the object), the
 *    bypass and abort HWPTs, the vIOMMU, then (detached) the parent and the IOAS with it.
 *
 * The host attaches a whole IOMMU group to one HWPT: host-group siblings share one attachment
 * (the HWPT the group is on), and a stage-1 vSTE HWPT needs a vDEVICE for every device of the
 * group (arm_smmu_attach_dev_nested per device), so an install of Cfg 5 gives every member one.
 * All devices share one iommufd and one host SMMU (the vIOMMU's).
 *
 * Host failures are logged and counted (`hostFailures`); a HostCallError ESRCH (the VM's host
 * process is gone) propagates. Every method but the follower runs under the VM lock.
 */
import type { Logger } from 'pino';
import { DomainError } from '#libs/errno/index.js';
import { HostCallError, type HostLink, type HostVevent } from '../hostlink/hostlink.js';
import type { BackendVm, VfioRuntime } from '../machine/runtime.js';
import type { SmmuStreamTableState, Smmuv3AccelPort, SteView } from '../viommu/smmuv3/types.js';
import { EmulatedBackend } from './emulated.js';

/** IOMMU_HWPT_ALLOC_NEST_PARENT */
export const HWPT_ALLOC_NEST_PARENT = 1;
/** enum iommu_viommu_type: IOMMU_VIOMMU_TYPE_ARM_SMMUV3 */
export const IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1;
/** enum iommu_hwpt_data_type: IOMMU_HWPT_DATA_ARM_SMMUV3 (struct iommu_hwpt_arm_smmuv3 { __le64 ste[2]; }) */
export const IOMMU_HWPT_DATA_ARM_SMMUV3 = 2;
/** enum iommu_hwpt_invalidate_data_type: IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 (struct iommu_viommu_arm_smmuv3_invalidate { __le64 cmd[2]; }) */
export const IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1;
export const SMMUV3_INVALIDATE_ENTRY_LEN = 16;
/** enum iommu_veventq_type: IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 */
export const IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1;
/** struct iommufd_vevent_header flags */
export const IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1;
/** struct iommu_vevent_arm_smmuv3: the 32-byte event record */
export const SMMU_EVT_RECORD_LEN = 32;

/** QEMU SMMU_STE_VALID / SMMU_STE_CFG_BYPASS (the pre-allocated vSTEs' word 0) */
export const SMMU_STE_VALID = 1n;
export const SMMU_STE_CFG_BYPASS = 1n << 3n;
const mask = (shift: number, len: number): bigint => ((1n << BigInt(len)) - 1n) << BigInt(shift);
/** QEMU STE0_MASK: V, Config, S1Fmt, S1ContextPtr (bits 55:6, wider than the kernel's 51:6), S1CDMax */
export const STE0_MASK = mask(0, 1) | mask(1, 3) | mask(4, 2) | mask(6, 50) | mask(59, 5);
/** QEMU STE1_MASK: S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS */
export const STE1_MASK = mask(0, 2) | mask(2, 2) | mask(4, 2) | mask(6, 2) | mask(27, 1) | mask(28, 2);
/** CR0.EVENTQEN */
export const CR0_EVENTQEN = 1 << 2;
/** IDR1.EVENTQS of the model (QEMU SMMU_EVENTQS): the largest EVENTQ the guest can program */
const SMMU_EVENTQS = 19;
const U64_MAX = (1n << 64n) - 1n;

/** struct iommu_hwpt_arm_smmuv3 (16 bytes, little-endian) of a guest STE: words 0–1 masked as QEMU masks them. */
export function packVste(ste0: bigint, ste1: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, ste0 & STE0_MASK, true);
  v.setBigUint64(8, ste1 & STE1_MASK, true);
  return b;
}

/** struct iommu_viommu_arm_smmuv3_invalidate (16 bytes, little-endian): the command as the guest wrote it. */
export function packCmd(cmd: readonly [bigint, bigint]): Uint8Array {
  const b = new Uint8Array(SMMUV3_INVALIDATE_ENTRY_LEN);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, cmd[0] & U64_MAX, true);
  v.setBigUint64(8, cmd[1] & U64_MAX, true);
  return b;
}

/** What QEMU's install does with an STE (STE_VALID / STE_CONFIG / STE_CFG_*). */
export function steAction(ste0: bigint): 'abort' | 'bypass' | 's1' | 'invalid' {
  const cfg = Number((ste0 >> 1n) & 7n);
  if (!(ste0 & 1n) || !(cfg & 4)) return 'abort';
  if (cfg === 4) return 'bypass';
  if (cfg === 5) return 's1';
  return 'invalid';
}

/** The register state the backend reads (QEMU: s->cr[0] SMMUEN / EVENTQEN, s->gbpa ABORT, s->eventq.log2size). */
export interface SmmuAccelRegs {
  smmuEnabled: boolean;
  gbpaAbort: boolean;
  eventqEnabled: boolean;
  eventqLog2size: number;
}

/** What the backend needs of the SMMUv3 model. */
export interface SmmuAccelModel {
  /** smmu_find_ste of a StreamID now (`disabled` while SMMUEN=0) */
  steView(sid: number): SteView;
  regs(): SmmuAccelRegs;
}

export type AccelAttached = 'parent' | 'abort' | 'bypass' | 's1';

/** The host objects of one vSMMU (one vIOMMU on one host SMMU, in one iommufd). */
interface Core {
  iommufd: number;
  unit: string;
  ioas: number;
  parent: number;
  viommu: number;
  abortHwpt: number;
  bypassHwpt: number;
  veventq: Veventq | undefined;
}

interface Veventq {
  id: number;
  fd: number;
  abort: AbortController;
  done: Promise<void>;
}

/** One host IOMMU group: its devices share one attachment. */
interface GroupState {
  members: Set<AccelDevice>;
  attached: AccelAttached;
  /** the stage-1 vSTE HWPT made for this group (kept while on the GBPA HWPT, as QEMU keeps it) */
  s1Hwpt: number | undefined;
}

interface AccelDevice {
  rt: VfioRuntime;
  sid: number;
  vdevice: number | undefined;
  group: GroupState;
}

export class SmmuAccel implements Smmuv3AccelPort {
  private core: Core | undefined;
  private readonly devs = new Map<string, AccelDevice>();
  private readonly bySid = new Map<number, AccelDevice>();
  private readonly groups = new Map<number, GroupState>();
  private closed = false;
  /** host calls that failed (logged) */
  hostFailures = 0;
  /** invalidation commands forwarded and acknowledged */
  forwarded = 0;
  /** STE installs done (abort / bypass / stage-1 HWPT attached for a CFGI_STE or at plug) */
  installs = 0;
  /** vEVENTQ records injected into the guest */
  injected = 0;
  /** LOST_EVENTS markers read (the host vEVENTQ overflowed) */
  lostEvents = 0;

  constructor(
    readonly link: HostLink,
    readonly vm: BackendVm,
    readonly logger: Logger,
    readonly smmu: SmmuAccelModel,
    readonly inject: (record: Uint8Array) => Promise<void>,
  ) {}

  // ------------------------------------------------------------------ plug / unplug

  /**
   * Plug an assigned device bound to its iommufd (rt.devId). Atomic: a failure undoes what this
   * call made (the caller closes the device fd).
   */
  async plug(rt: VfioRuntime): Promise<void> {
    const sid = rt.cfg.endpointId;
    const core = this.core;
    if (this.bySid.has(sid)) throw new DomainError('FAILED_PRECONDITION', 'SMMU_ACCEL_SID_TAKEN', `StreamID 0x${sid.toString(16)} of device '${rt.cfg.id}' is already backed by another assigned device`, { device: rt.cfg.id });
    if (core && core.iommufd !== rt.iommufd) {
      throw new DomainError('FAILED_PRECONDITION', 'SMMU_ACCEL_IOMMUFD', `device '${rt.cfg.id}' is bound to another iommufd than the vSMMU's vIOMMU: the accelerated SMMUv3 keeps its vIOMMU, vDEVICEs and HWPTs in one iommufd`, { device: rt.cfg.id });
    }
    if (core && core.unit !== rt.host.unit) {
      throw new DomainError('FAILED_PRECONDITION', 'SMMU_ACCEL_UNIT', `device '${rt.cfg.id}' (${rt.host.bdf}) is behind host IOMMU ${rt.host.unit}, the vSMMU's vIOMMU is on ${core.unit}: one vSMMU maps to one host SMMU`, { device: rt.cfg.id });
    }
    if (!core) {
      await this.plugFirst(rt);
      return;
    }
    const pid = this.vm.hostPid;
    let group = this.groups.get(rt.host.group);
    const dev: AccelDevice = { rt, sid, vdevice: undefined, group: group ?? { members: new Set(), attached: 'parent', s1Hwpt: undefined } };
    try {
      if (group) {
        // the host attaches the whole group: this device follows the group's HWPT (a stage-1
        // vSTE HWPT needs its vDEVICE first)
        if (group.attached === 's1') await this.ensureVdevice(dev);
        await this.link.attach(pid, rt.deviceFd, this.hwptOf(group));
      } else {
        // VFIO's attach to the stage 2 (its reserved regions join the IOAS), then as the unit applies it now
        await this.link.attach(pid, rt.deviceFd, core.parent);
        group = dev.group;
        this.groups.set(rt.host.group, group);
        group.members.add(dev);
        await this.initialAttach(dev);
      }
    } catch (e) {
      // off whatever it was attached to, then what was made for it
      await this.link.detach(pid, rt.deviceFd).catch(() => undefined);
      dev.group.members.delete(dev);
      if (dev.group.members.size === 0) {
        this.groups.delete(rt.host.group);
        if (dev.group.s1Hwpt !== undefined) await this.link.destroy(pid, rt.iommufd, dev.group.s1Hwpt).catch(() => undefined);
      }
      if (dev.vdevice !== undefined) await this.link.destroy(pid, rt.iommufd, dev.vdevice).catch(() => undefined);
      throw e;
    }
    group.members.add(dev);
    this.add(dev);
  }

  /** The first device: stage 2, vIOMMU, abort / bypass HWPTs, vEVENTQ, then the attach (smmuv3_accel_alloc_viommu). */
  private async plugFirst(rt: VfioRuntime): Promise<void> {
    const pid = this.vm.hostPid;
    const fd = rt.iommufd;
    const made: number[] = [];
    let attached = false;
    const group: GroupState = { members: new Set(), attached: 'parent', s1Hwpt: undefined };
    const dev: AccelDevice = { rt, sid: rt.cfg.endpointId, vdevice: undefined, group };
    try {
      const ioas = await this.link.ioasAlloc(pid, fd);
      made.push(ioas);
      const parent = await this.link.hwptAlloc(pid, fd, rt.devId, ioas, HWPT_ALLOC_NEST_PARENT);
      made.push(parent);
      await this.link.attach(pid, rt.deviceFd, parent);
      attached = true;
      // attached first, so the IOAS knows the device's reserved regions (QEMU: VFIO's memory listener)
      await EmulatedBackend.identityMap(this.link, this.vm, fd, ioas);
      const viommu = await this.link.viommuAlloc(pid, fd, rt.devId, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
      made.push(viommu);
      const abortHwpt = await this.link.hwptAlloc(pid, fd, rt.devId, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, packVste(SMMU_STE_VALID, 0n));
      made.push(abortHwpt);
      const bypassHwpt = await this.link.hwptAlloc(pid, fd, rt.devId, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, packVste(SMMU_STE_VALID | SMMU_STE_CFG_BYPASS, 0n));
      made.push(bypassHwpt);
      this.core = { iommufd: fd, unit: rt.host.unit, ioas, parent, viommu, abortHwpt, bypassHwpt, veventq: undefined };
      // a vEVENTQ if the guest enabled its event queue already
      if (this.smmu.regs().eventqEnabled) await this.allocVeventq(true);
      this.groups.set(rt.host.group, group);
      group.members.add(dev);
      await this.initialAttach(dev);
    } catch (e) {
      const core = this.core;
      this.core = undefined;
      this.groups.delete(rt.host.group);
      if (core?.veventq) await this.dropVeventq(core, core.veventq, false);
      if (group.s1Hwpt !== undefined) made.push(group.s1Hwpt);
      // the device back on the parent (or off), then everything in reverse order
      if (attached && group.attached !== 'parent') await this.link.attach(pid, rt.deviceFd, made[1]!).catch(() => undefined);
      if (dev.vdevice !== undefined) made.push(dev.vdevice);
      for (const id of made.slice(2).reverse()) await this.link.destroy(pid, fd, id).catch(() => undefined);
      if (attached) await this.link.detach(pid, rt.deviceFd).catch(() => undefined);
      for (const id of made.slice(0, 2).reverse()) await this.link.destroy(pid, fd, id).catch(() => undefined);
      throw e;
    }
    this.add(dev);
  }

  private add(dev: AccelDevice): void {
    this.devs.set(dev.rt.cfg.id, dev);
    this.bySid.set(dev.sid, dev);
    dev.rt.ioas = this.core!.ioas;
    dev.rt.hwpt = this.core!.parent;
  }

  /** A new group's attach: the GBPA HWPT while SMMUEN=0, else its STE (a bad one: abort). Host errors throw. */
  private async initialAttach(dev: AccelDevice): Promise<void> {
    const regs = this.smmu.regs();
    if (!regs.smmuEnabled) {
      await this.attachGroup(dev, regs.gbpaAbort ? 'abort' : 'bypass');
      return;
    }
    if ((await this.install(dev, this.smmu.steView(dev.sid))) !== 'ok') await this.attachGroup(dev, 'abort');
  }

  /**
   * The device is leaving: call it before its fd is closed (QEMU's unset_iommu_device runs
   * before VFIO detaches). Back on the parent with its stage-1 HWPT and vDEVICE freed; the last
   * device takes every vSMMU object with it.
   */
  async unplug(rt: VfioRuntime): Promise<void> {
    const dev = this.devs.get(rt.cfg.id);
    const core = this.core;
    if (!dev || !core) return;
    this.devs.delete(rt.cfg.id);
    this.bySid.delete(dev.sid);
    const group = dev.group;
    group.members.delete(dev);
    const pid = this.vm.hostPid;
    const fd = core.iommufd;
    const last = this.devs.size === 0;
    try {
      if (group.members.size === 0) {
        this.groups.delete(rt.host.group);
        // QEMU: "Re-attach the default s2 hwpt id", then the stage-1 HWPT goes
        await this.link.attach(pid, rt.deviceFd, core.parent).catch((e: unknown) => this.failed(rt, 're-attach of the nesting parent', e));
        if (group.s1Hwpt !== undefined) await this.link.destroy(pid, fd, group.s1Hwpt).catch((e: unknown) => this.failed(rt, 'destroy of the stage-1 HWPT', e));
        group.s1Hwpt = undefined;
      }
      if (dev.vdevice !== undefined) await this.link.destroy(pid, fd, dev.vdevice).catch((e: unknown) => this.failed(rt, 'destroy of the vDEVICE', e));
      if (!last) return;
      this.core = undefined;
      // smmuv3_accel_free_viommu: vEVENTQ, bypass, abort, vIOMMU; then VFIO's stage 2
      if (core.veventq) await this.dropVeventq(core, core.veventq, true);
      for (const [id, what] of [
        [core.bypassHwpt, 'bypass HWPT'],
        [core.abortHwpt, 'abort HWPT'],
        [core.viommu, 'vIOMMU'],
      ] as const) {
        await this.link.destroy(pid, fd, id).catch((e: unknown) => this.failed(rt, `destroy of the ${what}`, e));
      }
      await this.link.detach(pid, rt.deviceFd).catch((e: unknown) => this.failed(rt, 'detach', e));
      await this.link.destroy(pid, fd, core.parent).catch((e: unknown) => this.failed(rt, 'destroy of the nesting parent', e));
      await this.link.destroy(pid, fd, core.ioas).catch((e: unknown) => this.failed(rt, 'destroy of the IOAS', e));
    } catch (e) {
      // the VM process is gone (ESRCH): so are its objects
      this.forgetAll();
      throw e;
    }
  }

  /** The accel host state of a device (VmInfo, tests). */
  stateOf(rt: VfioRuntime): { viommu: number; vdevice?: number; parent: number; hwpt?: number; attached: AccelAttached } | undefined {
    const dev = this.devs.get(rt.cfg.id);
    const core = this.core;
    if (!dev || !core) return undefined;
    return {
      viommu: core.viommu,
      ...(dev.vdevice !== undefined ? { vdevice: dev.vdevice } : {}),
      parent: core.parent,
      ...(dev.group.s1Hwpt !== undefined ? { hwpt: dev.group.s1Hwpt } : {}),
      attached: dev.group.attached,
    };
  }

  /** The vSMMU's host objects (VmInfo, tests): undefined without an assigned device. */
  objects(): { ioas: number; parent: number; viommu: number; abortHwpt: number; bypassHwpt: number; veventq?: { id: number; fd: number } } | undefined {
    const c = this.core;
    if (!c) return undefined;
    return { ioas: c.ioas, parent: c.parent, viommu: c.viommu, abortHwpt: c.abortHwpt, bypassHwpt: c.bypassHwpt, ...(c.veventq ? { veventq: { id: c.veventq.id, fd: c.veventq.fd } } : {}) };
  }

  /** The vEVENTQ follower's run (resolves once it stopped); undefined without a vEVENTQ. */
  follower(): Promise<void> | undefined {
    return this.core?.veventq?.done;
  }

  /** Stop the vEVENTQ follower (VM stop); no host call (the process's exit frees its objects). */
  close(): void {
    this.closed = true;
    this.core?.veventq?.abort.abort();
  }

  // ------------------------------------------------------------------ Smmuv3AccelPort

  backs(sid: number): boolean {
    return this.bySid.has(sid);
  }

  /** The StreamIDs backed now, ascending: what a CFGI_STE_RANGE / CFGI_ALL walks (bounded by the devices, not the range). */
  backedSids(): number[] {
    return [...this.bySid.keys()].sort((x, y) => x - y);
  }

  async installSte(sid: number, ste: SteView): Promise<boolean> {
    const dev = this.bySid.get(sid);
    if (!dev || !this.core) return true;
    try {
      const r = await this.install(dev, ste);
      if (r === 'invalid') {
        this.logger.warn({ vm: this.vm.name, device: dev.rt.cfg.id, sid }, `smmuv3-accel: Invalid STE config for sid 0x${sid.toString(16)}`);
        return false;
      }
      return true;
    } catch (e) {
      this.failed(dev.rt, `STE install for sid 0x${sid.toString(16)}`, e);
      return false;
    }
  }

  async invalidate(cmd: readonly [bigint, bigint], sid: number | undefined): Promise<boolean> {
    const core = this.core;
    if (!core) return true;
    let rt: VfioRuntime | undefined;
    if (sid !== undefined) {
      // SID-based commands apply only to a device with a vDEVICE
      const dev = this.bySid.get(sid);
      if (!dev || dev.vdevice === undefined) return true;
      rt = dev.rt;
    }
    try {
      await this.link.invalidate(this.vm.hostPid, core.iommufd, core.viommu, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, SMMUV3_INVALIDATE_ENTRY_LEN, packCmd(cmd));
    } catch (e) {
      this.failed(rt, `invalidation (opcode 0x${(cmd[0] & 0xffn).toString(16)})`, e);
      return false;
    }
    this.forwarded++;
    return true;
  }

  async bypassChanged(state: SmmuStreamTableState): Promise<void> {
    if (!this.core) return;
    if (!state.smmuEnabled) {
      const kind = state.gbpaAbort ? 'abort' : 'bypass';
      for (const g of this.groups.values()) {
        const dev = first(g);
        if (!dev) continue;
        try {
          await this.attachGroup(dev, kind, true);
        } catch (e) {
          this.failed(dev.rt, `attach of the GBPA ${kind} HWPT`, e);
        }
      }
      return;
    }
    for (const dev of [...this.devs.values()]) {
      if (!this.devs.has(dev.rt.cfg.id)) continue;
      await this.installSte(dev.sid, this.smmu.steView(dev.sid));
    }
  }

  async cr0Written(cr0: number): Promise<void> {
    if (!this.core || this.core.veventq || !(cr0 & CR0_EVENTQEN)) return;
    try {
      await this.allocVeventq(false);
    } catch (e) {
      this.failed(undefined, 'vEVENTQ allocation', e);
    }
  }

  // ------------------------------------------------------------------ host side

  /**
   * smmuv3_accel_install_ste for `dev` with the STE as found now. Host errors throw (a new
   * stage-1 HWPT whose attach failed is freed first); 'invalid' = Cfg 6/7 (nothing changed but
   * the vDEVICE).
   */
  private async install(dev: AccelDevice, view: SteView): Promise<'ok' | 'invalid'> {
    await this.ensureVdevice(dev);
    if (view.kind === 'disabled') {
      await this.attachGroup(dev, view.abort ? 'abort' : 'bypass');
    } else if (view.kind === 'error') {
      await this.attachGroup(dev, 'abort');
    } else {
      const ste0 = view.words[0] ?? 0n;
      const ste1 = view.words[1] ?? 0n;
      const action = steAction(ste0);
      if (action === 'invalid') return 'invalid';
      if (action === 's1') await this.attachS1(dev, ste0, ste1);
      else await this.attachGroup(dev, action);
    }
    this.installs++;
    return 'ok';
  }

  /** A new stage-1 vSTE HWPT for the group of `dev`, attached, then the previous one freed. */
  private async attachS1(dev: AccelDevice, ste0: bigint, ste1: bigint): Promise<void> {
    const core = this.core!;
    const pid = this.vm.hostPid;
    // arm_smmu_attach_dev_nested needs a vDEVICE for every device the group attach moves
    for (const m of dev.group.members) await this.ensureVdevice(m);
    const hwpt = await this.link.hwptAlloc(pid, core.iommufd, dev.rt.devId, core.viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, packVste(ste0, ste1));
    try {
      await this.link.attach(pid, dev.rt.deviceFd, hwpt);
    } catch (e) {
      await this.link.destroy(pid, core.iommufd, hwpt).catch(() => undefined);
      throw e;
    }
    const old = dev.group.s1Hwpt;
    dev.group.s1Hwpt = hwpt;
    dev.group.attached = 's1';
    if (old !== undefined) await this.link.destroy(pid, core.iommufd, old).catch((e: unknown) => this.failed(dev.rt, 'destroy of the previous stage-1 HWPT', e));
  }

  /**
   * The group of `dev` onto the abort or bypass HWPT; the stage-1 HWPT it leaves is freed unless
   * `keepS1` (the GBPA re-attach keeps it, as QEMU's smmuv3_accel_attach_gbpa_hwpt).
   */
  private async attachGroup(dev: AccelDevice, kind: 'abort' | 'bypass', keepS1 = false): Promise<void> {
    const core = this.core!;
    await this.link.attach(this.vm.hostPid, dev.rt.deviceFd, kind === 'abort' ? core.abortHwpt : core.bypassHwpt);
    dev.group.attached = kind;
    const old = dev.group.s1Hwpt;
    if (keepS1 || old === undefined) return;
    dev.group.s1Hwpt = undefined;
    await this.link.destroy(this.vm.hostPid, core.iommufd, old).catch((e: unknown) => this.failed(dev.rt, 'destroy of the previous stage-1 HWPT', e));
  }

  /** smmuv3_accel_alloc_vdev: once per device, virt_id = its guest StreamID. */
  private async ensureVdevice(dev: AccelDevice): Promise<void> {
    if (dev.vdevice !== undefined) return;
    const core = this.core!;
    dev.vdevice = await this.link.vdeviceAlloc(this.vm.hostPid, core.iommufd, core.viommu, dev.rt.devId, BigInt(dev.sid));
  }

  private hwptOf(g: GroupState): number {
    const core = this.core!;
    switch (g.attached) {
      case 'abort':
        return core.abortHwpt;
      case 'bypass':
        return core.bypassHwpt;
      case 's1':
        return g.s1Hwpt!;
      case 'parent':
        return core.parent;
    }
  }

  /** smmuv3_accel_alloc_veventq: depth = the guest EVTQ's 2^log2size; the follower starts. Host errors throw. */
  private async allocVeventq(atPlug: boolean): Promise<void> {
    const core = this.core!;
    const log2 = Math.min(Math.max(0, Math.trunc(this.smmu.regs().eventqLog2size)), SMMU_EVENTQS);
    const q = await this.link.veventqAlloc(this.vm.hostPid, core.iommufd, core.viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2 ** log2);
    const abort = new AbortController();
    if (this.closed) abort.abort();
    const vq: Veventq = { id: q.id, fd: q.fd, abort, done: Promise.resolve() };
    core.veventq = vq;
    vq.done = this.follow(vq);
    this.logger.debug({ vm: this.vm.name, veventq: q.id, depth: 2 ** log2, atPlug }, 'smmuv3-accel: vEVENTQ allocated');
  }

  /** smmuv3_accel_free_veventq: the follower stops, the fd is closed, then the object goes. */
  private async dropVeventq(core: Core, q: Veventq, report: boolean): Promise<void> {
    q.abort.abort();
    core.veventq = undefined;
    const pid = this.vm.hostPid;
    const onErr = (what: string) => (e: unknown) => (report ? this.failed(undefined, what, e) : undefined);
    await this.link.closeFd(pid, q.fd).catch(onErr('close of the vEVENTQ fd'));
    await this.link.destroy(pid, core.iommufd, q.id).catch(onErr('destroy of the vEVENTQ'));
  }

  /**
   * The vEVENTQ reader (smmuv3_accel_event_read): each record injected in order, one at a time.
   * A broken stream is resumed after the last sequence read; it ends on abort or when the host
   * ends it (the fd closed, the process gone).
   */
  private async follow(q: Veventq): Promise<void> {
    const pid = this.vm.hostPid;
    const signal = q.abort.signal;
    let after = 0n;
    let last: bigint | undefined;
    let failures = 0;
    const onEvent = async (ev: HostVevent): Promise<void> => {
      after = ev.sequence;
      if (ev.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
        this.lostEvents++;
        last = undefined;
        this.logger.warn({ vm: this.vm.name, veventq: q.id, sequence: ev.sequence.toString() }, `smmuv3-accel: vEVENTQ(type ${IOMMU_VEVENTQ_TYPE_ARM_SMMUV3} id ${q.id}): overflowed`);
        return;
      }
      if (ev.data.length < SMMU_EVT_RECORD_LEN) {
        this.logger.warn({ vm: this.vm.name, veventq: q.id, bytes: ev.data.length }, `smmuv3-accel: vEVENTQ(type ${IOMMU_VEVENTQ_TYPE_ARM_SMMUV3} id ${q.id}): short read(${ev.data.length}/${SMMU_EVT_RECORD_LEN} bytes)`);
        return;
      }
      if (last !== undefined && ev.sequence - last !== 1n) {
        this.logger.warn({ vm: this.vm.name, veventq: q.id }, `smmuv3-accel: vEVENTQ(type ${IOMMU_VEVENTQ_TYPE_ARM_SMMUV3} id ${q.id}): lost ${ev.sequence - last - 1n} event(s)`);
      }
      last = ev.sequence;
      failures = 0;
      try {
        await this.inject(ev.data.slice(0, SMMU_EVT_RECORD_LEN));
        this.injected++;
      } catch (e) {
        this.logger.warn({ vm: this.vm.name, veventq: q.id, err: (e as Error).message }, 'smmuv3-accel: a host event could not be injected into the guest EVTQ');
      }
    };
    while (!signal.aborted) {
      try {
        await this.link.readVevents(pid, q.fd, after, onEvent, signal);
        return;
      } catch (e) {
        if (signal.aborted) return;
        const reason = e instanceof HostCallError ? e.reason : undefined;
        if (!(e instanceof HostCallError) || reason === 'ESRCH' || reason === 'EBADF' || reason === 'EINVAL') {
          this.failed(undefined, 'vEVENTQ read', e, false);
          return;
        }
        failures++;
        if (failures === 1) this.logger.warn({ vm: this.vm.name, veventq: q.id, reason }, 'smmuv3-accel: vEVENTQ stream broken: resuming after the last sequence read');
        await sleep(Math.min(2000, 50 * 2 ** Math.min(failures, 6)), signal);
      }
    }
  }

  private forgetAll(): void {
    this.core?.veventq?.abort.abort();
    this.core = undefined;
    this.devs.clear();
    this.bySid.clear();
    this.groups.clear();
  }

  /** Log and count a host failure; ESRCH (the VM's host process is gone) propagates unless `rethrow` is false. */
  private failed(rt: VfioRuntime | undefined, what: string, e: unknown, rethrow = true): void {
    this.hostFailures++;
    const reason = e instanceof HostCallError ? e.reason : (e as Error).message;
    this.logger.warn({ vm: this.vm.name, ...(rt ? { device: rt.cfg.id } : {}), reason }, `smmuv3-accel: host ${what} failed`);
    if (rethrow && e instanceof HostCallError && e.reason === 'ESRCH') throw e;
  }
}

function first(g: GroupState): AccelDevice | undefined {
  for (const d of g.members) return d;
  return undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    t.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}
