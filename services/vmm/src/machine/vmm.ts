/**
 * The VMM model: VMs with guest RAM in a host memfd, a virtio-iommu (or no vIOMMU), virtio
 * devices and assigned VFIO devices, all realised through the host-iommu uAPI exactly as QEMU
 * realises them through the kernel. One host process per VM (principal `qemu`), kept alive by
 * heartbeats while the VM exists.
 */
import type { Logger } from 'pino';
import { DomainError } from '#libs/errno/index.js';
import { SeqLog } from '#libs/seqlog/index.js';
import { EmulatedBackend } from '../backends/emulated.js';
import { VtdShadow } from '../backends/vtd-shadow.js';
import { VtdNested } from '../backends/vtd-nested.js';
import { SmmuAccel } from '../backends/smmu-accel.js';
import { LegacyVfio, SYSTEM_AS } from '../backends/legacy-container.js';
import { allocateGuestBars, P2pMapper, p2pViolations, type GuestBar, type P2pSpace } from '../backends/p2p.js';
import { IntelIommu } from '../viommu/intel-iommu/index.js';
import { VtdTranslator } from '../viommu/intel-iommu/translate.js';
import { Smmuv3 } from '../viommu/smmuv3/index.js';
import { PERM_R, PERM_W, SMMU_MMIO, type SmmuTranslation } from '../viommu/smmuv3/types.js';
import { encodeEventRecord } from '../viommu/smmuv3/events.js';
import { smmuInterrupt, smmuPlugViolations, type SmmuDmaFault } from './smmu.js';
import { formatRanges, GuestRam, overlapsRam, ramLastGpa, ramLayout, type RamRange } from './guest-ram.js';
import { markDirty } from './dirty-log.js';
import { attachAutoDomain, hwptsOver, unitDirty } from '../migration/dirty-dma.js';
import { HostCallError, type HostDescription, type HostEvent, type HostLink, type HostProcessId } from '../hostlink/hostlink.js';
import { VirtioIommu, type EndpointView } from '../viommu/virtio-iommu.js';
import { decideStatusWrite, VIRTIO_STATUS } from '../viommu/virtio-status.js';
import {
  assignBdfs,
  parseDevice,
  type DeviceConfig,
  type VfioDeviceConfig,
  type VirtioDeviceConfig,
  type VmConfig,
  VTD_MMIO,
} from './config.js';
import { ramVaOf, type BackendVm, type VfioRuntime } from './runtime.js';

export type { BackendVm, VfioRuntime } from './runtime.js';

/** Surprise removals a VM's VmInfo keeps (the oldest go first). */
const MAX_REMOVED_KEPT = 64;

/** VT-d fault reasons of a denied access (VTD_FR_WRITE / VTD_FR_READ). */
const VTD_FR_WRITE = 5;
const VTD_FR_READ = 6;

export const VIRTIO_F_VERSION_1 = 1n << 32n;
export const VIRTIO_F_ACCESS_PLATFORM = 1n << 33n;
/** The x86 interrupt (MSI) window a VT-d guest cannot map (QEMU's VTD_INTERRUPT_ADDR_FIRST / _LAST). */
const VTD_INTERRUPT_FIRST = 0xfee00000n;
const VTD_INTERRUPT_LAST = 0xfeefffffn;

/** INCOMING: prepared as a live-migration destination (QEMU -incoming): a host process and guest RAM, no guest running. */
export type VmState = 'DEFINED' | 'RUNNING' | 'STOPPED' | 'INCOMING';

export interface VirtioRuntime {
  cfg: VirtioDeviceConfig;
  offered: bigint;
  driverFeatures: bigint;
  featuresOk: boolean;
  /** driver-set device status bits other than FEATURES_OK (Guest.VirtioWriteStatus; 0 = reset) */
  status?: number;
}

export type GuestEvent =
  | {
      kind: 'virtio_fault';
      reason: number;
      flags: number;
      endpoint: number;
      address: bigint;
      raw: Uint8Array;
    }
  | {
      /** an interrupt a vIOMMU raised (intel-iommu: fault event / invalidation completion MSI) */
      kind: 'interrupt';
      source: string;
      msiAddr: bigint;
      msiData: number;
    }
  | {
      /** an assigned device the host surprise-removed left the guest */
      kind: 'device_removed';
      deviceId: string;
      guestBdf: string;
      reason: string;
    };

/** A VT-d translation fault an emulated device saw (Guest.Dma). */
export interface VtdDmaFault {
  reason: number;
  sid: number;
  address: bigint;
  write: boolean;
  pasid?: number;
  recordable: boolean;
}

/** An assigned device the host took away, as VmInfo reports it. */
export interface RemovedDevice {
  id: string;
  hostBdf: string;
  guestBdf: string;
  reason: string;
  hostSequence: bigint;
}

export interface Violation {
  device: string;
  rule: string;
  detail: string;
}

export class Vm implements BackendVm {
  state: VmState = 'DEFINED';
  ramFd = -1;
  ramVa = 0n;
  readonly iommufds = new Map<string, number>();
  /** shared identity IOAS per iommufd object (model NONE) */
  readonly sharedIoas = new Map<string, number>();
  readonly vfio = new Map<string, VfioRuntime>();
  readonly virtio = new Map<string, VirtioRuntime>();
  viommu: VirtioIommu | undefined;
  backend: EmulatedBackend | undefined;
  /** the intel-iommu (DMAR unit) of an INTEL_IOMMU VM */
  intel: IntelIommu | undefined;
  /** the vmm's coherent copy of guest RAM the intel-iommu model reads (see guest-ram.ts) */
  ram: GuestRam | undefined;
  /** caching-mode shadow of the EMULATED assigned devices behind the intel-iommu */
  shadow: VtdShadow | undefined;
  /** x-flts: the NESTED assigned devices behind the intel-iommu (guest first stage bound on the host) */
  nested: VtdNested | undefined;
  /** the SMMUv3 of an SMMUV3 VM (machine virt) */
  smmu: Smmuv3 | undefined;
  /** accel: the NESTED assigned devices behind the SMMUv3 (guest STEs installed on the host's vIOMMU) */
  smmuAccel: SmmuAccel | undefined;
  /** legacy_container devices: the VM process's VFIO groups and type1 containers */
  legacy: LegacyVfio | undefined;
  /** assigned devices' guest BARs (device id → BARs in the machine's PCI MMIO window) */
  readonly guestBars = new Map<string, GuestBar[]>();
  /** P2P: the p2p devices' BARs mapped into the DMA spaces of system memory */
  p2p: P2pMapper | undefined;
  /** assigned devices the host surprise-removed (DEVICE_UNPLUGGED), removed from the guest */
  readonly removed: RemovedDevice[] = [];
  /** interrupts the hardware vIOMMU model raised during the current operation, delivered by settle */
  pendingIrqs: GuestEvent[] = [];
  readonly events = new SeqLog<GuestEvent>(4096);
  hostObjectsLost = false;
  message = '';
  /** host DMA faults of this VM's assigned devices (from the host event log) */
  hostDmaFaults = 0;
  /** StopVm is ending the host process: its PROCESS_EXITED is expected, not a loss */
  exiting = false;
  /** a live migration of this VM is under way (source side): guest RAM writes serialise on the VM lock */
  migrating = false;
  /** INCOMING: the fds StartVm passed, used when the migration builds the VM's devices */
  incomingFds: Record<string, number> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  heartbeat: NodeJS.Timeout | undefined;
  /**
   * The VM's host process as the host names it (boot id, pid, start time), recorded at spawn: a
   * process is this VM's only if all three match. StopVm ends it and leaves a fresh, idle one
   * for the next StartVm; undefined when a STOPPED VM has none (it could not be made, or died).
   */
  proc: HostProcessId | undefined;

  constructor(
    public cfg: VmConfig,
    proc: HostProcessId,
  ) {
    this.proc = proc;
  }

  get name(): string {
    return this.cfg.name;
  }

  private layoutOf: { cfg: VmConfig; ranges: readonly RamRange[] } | undefined;

  /** Guest RAM as the machine maps it (QEMU's memory map, from the spec: guest-ram.ts ramLayout). */
  get ramRanges(): readonly RamRange[] {
    if (this.layoutOf?.cfg !== this.cfg) this.layoutOf = { cfg: this.cfg, ranges: Object.freeze(ramLayout(this.cfg.machine, this.cfg.memoryBytes)) };
    return this.layoutOf.ranges;
  }

  /** The pid of the VM's host process (0: none). */
  get hostPid(): number {
    return this.proc?.pid ?? 0;
  }

  /** Serialise operations on this VM (the device model's hooks are asynchronous). */
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  vfioByEndpoint(ep: number): VfioRuntime | undefined {
    for (const d of this.vfio.values()) if (d.cfg.endpointId === ep) return d;
    return undefined;
  }
}

/** The VM-process VA of guest-physical [gpa, +length), all of it guest RAM (else INVALID_ARGUMENT GPA_OUT_OF_RANGE). */
function gpaCheck(vm: Vm, gpa: bigint, length: bigint): bigint {
  const va = length === 0n ? undefined : ramVaOf(vm, gpa, length);
  if (va === undefined) {
    throw new DomainError('INVALID_ARGUMENT', 'GPA_OUT_OF_RANGE', `[0x${gpa.toString(16)}, +0x${length.toString(16)}) is outside guest RAM (${vm.cfg.machine} RAM ranges ${formatRanges(vm.ramRanges)})`, { gpa: `0x${gpa.toString(16)}` });
  }
  return va;
}

/** The VA of a GPA range the vmm already knows is guest RAM (a broken invariant is an internal error). */
function ramVa(vm: Vm, gpa: bigint, length: bigint): bigint {
  const va = ramVaOf(vm, gpa, length);
  if (va === undefined) throw new DomainError('INTERNAL', 'GPA_OUT_OF_RANGE', `guest-physical [0x${gpa.toString(16)}, +0x${length.toString(16)}) is not guest RAM`);
  return va;
}

/** The VM's host process (and every host object in it) is gone: no guest or device access. */
function hostObjectsLost(vm: Vm): DomainError {
  return new DomainError(
    'FAILED_PRECONDITION',
    'HOST_OBJECTS_LOST',
    `VM ${vm.name} lost its host process and every host object in it (${vm.message}): StopVm it, pass its fds into the new host_pid and StartVm it again`,
    { name: vm.name },
  );
}

function restarted(proc: HostProcessId, boot: string): string {
  return `host-iommu restarted: boot ${proc.bootId} ended (the host is boot ${boot} now), so pid ${proc.pid} no longer names the VM's process`;
}

function incompatible(vm: string, violations: Violation[]): DomainError {
  const text = violations.map((v) => `${v.device}: ${v.rule}: ${v.detail}`).join('; ');
  return new DomainError('FAILED_PRECONDITION', 'VIOMMU_HOST_INCOMPATIBLE', `host cannot supply the guest-visible configuration of ${vm}: ${text}`, {
    violations: JSON.stringify(violations),
    count: String(violations.length),
  });
}

export interface VmmOptions {
  leaseMs: number;
  heartbeatMs: number;
}

export class VmManager {
  readonly vms = new Map<string, Vm>();
  /** host DMA faults of assigned devices of this vmm's VMs (from the host event log) */
  hostDmaFaults = 0;
  /** host MAP/UNMAPs of EMULATED backends no longer in use (deleted VMs, failed starts); the live ones add theirs */
  readonly retiredBackendCounts = { hostMaps: 0, hostUnmaps: 0 };

  constructor(
    readonly link: HostLink,
    readonly logger: Logger,
    readonly opts: VmmOptions = { leaseMs: 10_000, heartbeatMs: 2_000 },
  ) {}

  vm(name: string): Vm {
    const v = this.vms.get(name);
    if (!v) throw new DomainError('NOT_FOUND', 'VM_NOT_FOUND', `no VM named '${name}'`, { name });
    return v;
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * CreateVm: a DEFINED VM with its idle host process; `incoming` (a live-migration destination,
   * QEMU's -incoming): state INCOMING, its guest-RAM memfd made and mapped in the process too.
   */
  async create(cfg: VmConfig, opts: { incoming?: boolean } = {}): Promise<Vm> {
    if (this.vms.has(cfg.name)) throw new DomainError('ALREADY_EXISTS', 'VM_EXISTS', `a VM named '${cfg.name}' exists`, { name: cfg.name });
    const proc = await this.link.spawn(`qemu:${cfg.name}`, this.opts.leaseMs);
    const vm = new Vm(cfg, proc);
    if (opts.incoming) {
      try {
        vm.ramFd = await this.link.memfd(proc.pid, `guest-ram:${cfg.name}`, cfg.memoryBytes);
        vm.ramVa = await this.link.mmapShared(proc.pid, vm.ramFd, cfg.memoryBytes);
      } catch (e) {
        await this.link.exit(proc.pid).catch(() => undefined);
        throw e;
      }
      vm.state = 'INCOMING';
      vm.incomingFds = Object.create(null) as Record<string, number>;
    }
    if (this.vms.has(cfg.name)) {
      await this.link.exit(proc.pid).catch(() => undefined);
      throw new DomainError('ALREADY_EXISTS', 'VM_EXISTS', `a VM named '${cfg.name}' exists`, { name: cfg.name });
    }
    this.vms.set(cfg.name, vm);
    this.startHeartbeat(vm);
    this.logger.info({ vm: cfg.name, pid: proc.pid, startTime: proc.startTime.toString(), bootId: proc.bootId }, 'VM defined');
    return vm;
  }

  /** Keep the lease of the VM's current host process; never renew a process of another boot. */
  private startHeartbeat(vm: Vm): void {
    if (vm.heartbeat) clearInterval(vm.heartbeat);
    vm.heartbeat = undefined;
    const proc = vm.proc;
    if (!proc) return;
    vm.heartbeat = setInterval(() => {
      const boot = this.link.bootId;
      if (boot !== undefined && boot !== proc.bootId) return this.markLost(vm, restarted(proc, boot), proc);
      this.link.heartbeat(proc.pid).catch((e: unknown) => {
        if (e instanceof HostCallError && (e.reason === 'ESRCH' || e.status === 'NOT_FOUND')) this.markLost(vm, 'the VM host process is gone', proc);
      });
    }, this.opts.heartbeatMs);
    vm.heartbeat.unref();
  }

  /**
   * The VM's host process `proc` is gone (or its pid now names another process): stop
   * heartbeating it. Nothing when the VM has another process by now, or StopVm is ending this one
   * (a heartbeat or re-check racing with its exit sees it gone too). A DEFINED or RUNNING VM
   * loses its host objects; a STOPPED VM only its idle process (StartVm makes another).
   */
  markLost(vm: Vm, why: string, proc: HostProcessId | undefined = vm.proc): void {
    if (!proc || vm.proc !== proc || vm.exiting) return;
    if (vm.state === 'STOPPED') {
      vm.proc = undefined;
      if (vm.heartbeat) clearInterval(vm.heartbeat);
      vm.heartbeat = undefined;
      vm.message = `no host process: ${why}`;
      this.logger.warn({ vm: vm.name, pid: proc.pid }, vm.message);
      return;
    }
    if (vm.hostObjectsLost) return;
    vm.hostObjectsLost = true;
    vm.message = `host objects lost: ${why}`;
    if (vm.heartbeat) clearInterval(vm.heartbeat);
    vm.heartbeat = undefined;
    this.logger.warn({ vm: vm.name, pid: proc.pid }, vm.message);
  }

  /**
   * The VM's host process, verified to be its own: not lost, and of the host's current boot (a
   * restarted host numbers pids again). Reads the host's boot when the link lost it.
   */
  private async ownProcess(vm: Vm): Promise<HostProcessId> {
    if (vm.hostObjectsLost || !vm.proc) throw hostObjectsLost(vm);
    const boot = this.link.bootId ?? (await this.link.describe(true)).bootId;
    return this.ofBoot(vm, boot);
  }

  /** As ownProcess, without a host call: refused while the link has not read the host's boot. */
  private ownProcessNow(vm: Vm): HostProcessId {
    if (vm.hostObjectsLost || !vm.proc) throw hostObjectsLost(vm);
    const boot = this.link.bootId;
    if (boot === undefined) throw new DomainError('UNAVAILABLE', 'HOST_LINK_DOWN', `the link to host-iommu is re-connecting: the host process of VM ${vm.name} is not verified yet`, { name: vm.name });
    return this.ofBoot(vm, boot);
  }

  private ofBoot(vm: Vm, boot: string): HostProcessId {
    const proc = vm.proc;
    if (!proc || vm.hostObjectsLost) throw hostObjectsLost(vm);
    if (proc.bootId !== boot) {
      this.markLost(vm, restarted(proc, boot), proc);
      throw hostObjectsLost(vm);
    }
    return proc;
  }

  async start(name: string, passedFds: Record<string, number>): Promise<Vm> {
    const vm = this.vm(name);
    return vm.lock(async () => {
      if (vm.state === 'INCOMING') {
        // a migration destination: the fds are recorded for when the migration builds the devices
        if (vm.hostObjectsLost) throw hostObjectsLost(vm);
        for (const [k, v] of Object.entries(passedFds)) vm.incomingFds![k] = v;
        return vm;
      }
      return this.startLocked(vm, passedFds, false);
    });
  }

  /**
   * The destination side of a live migration, under the VM lock: an INCOMING VM gets its vIOMMU,
   * devices and host objects built exactly as StartVm builds a VM (with the fds StartVm recorded,
   * else opened by the VM process), and stays INCOMING (no guest runs until `resumeIncoming`).
   */
  async prepareIncoming(vm: Vm): Promise<void> {
    if (vm.state !== 'INCOMING') throw new DomainError('FAILED_PRECONDITION', 'BAD_STATE', `VM ${vm.name} is ${vm.state}, not INCOMING`);
    await this.startLocked(vm, vm.incomingFds ?? (Object.create(null) as Record<string, number>), true);
  }

  /** The migrated VM runs (destination, under the VM lock, after every state was loaded). */
  resumeIncoming(vm: Vm): void {
    vm.state = 'RUNNING';
    vm.incomingFds = undefined;
    vm.message = '';
    this.logger.info({ vm: vm.name, pid: vm.hostPid }, 'VM running: live migration completed');
  }

  /**
   * DeleteVm under the VM lock the caller holds (a migrated source VM once the destination
   * answered OK; a destination VM of a failed migration): its host process exits, every host
   * object and pin of the VM goes with it.
   */
  async deleteLocked(vm: Vm): Promise<void> {
    if (vm.state !== 'STOPPED') await this.stopLocked(vm, false);
    else await this.dropProcess(vm);
    this.retireBackend(vm);
    if (this.vms.get(vm.name) === vm) this.vms.delete(vm.name);
  }

  private async startLocked(vm: Vm, passedFds: Record<string, number>, incoming: boolean): Promise<Vm> {
    const name = vm.name;
    // a STOPPED VM starts again like a DEFINED one, in the fresh host process StopVm left it
    // (host_pid): fresh host objects, its fds passed again
    if (vm.hostObjectsLost) throw hostObjectsLost(vm);
    if (vm.state === 'RUNNING') throw new DomainError('FAILED_PRECONDITION', 'BAD_STATE', `VM ${name} is RUNNING, not DEFINED or STOPPED`);
    // read fresh: devices come and go (surprise removal, Plug, driver changes)
    const desc = await this.link.describe(true);
    const violations = this.plugChecks(vm.cfg, vm.cfg.devices, desc);
    if (violations.length > 0) throw incompatible(name, violations);
    // an idle process of an earlier host boot is gone (a DEFINED VM's: its host objects are lost)
    if (vm.proc && vm.proc.bootId !== desc.bootId) this.markLost(vm, restarted(vm.proc, desc.bootId), vm.proc);
    if (vm.hostObjectsLost) throw hostObjectsLost(vm);
    let spawned = false;
    if (!vm.proc) {
      const passed = Object.keys(passedFds);
      if (passed.length > 0) {
        throw new DomainError('FAILED_PRECONDITION', 'NO_HOST_PROCESS', `VM ${name} has no host process (${vm.message}), so no fd can have been passed into it for ${passed.join(', ')}: StopVm gives it a fresh one`, { name });
      }
      vm.proc = await this.link.spawn(`qemu:${name}`, this.opts.leaseMs);
      spawned = true;
      this.startHeartbeat(vm);
    }
    const pid = this.ofBoot(vm, desc.bootId).pid;
    const opened: number[] = [];
    try {
      // guest RAM: a memfd mapped shared into the VM process (an INCOMING VM has it since CreateVm)
      if (!incoming || vm.ramFd < 0) {
        vm.ramFd = await this.link.memfd(pid, `guest-ram:${name}`, vm.cfg.memoryBytes);
        opened.push(vm.ramFd);
        vm.ramVa = await this.link.mmapShared(pid, vm.ramFd, vm.cfg.memoryBytes);
      }
      const kinds = await this.link.fdKinds(pid);
      for (const o of vm.cfg.iommufdObjects) {
        const fd = o.fd ?? passedFds[o.id];
        if (fd !== undefined) {
          if (kinds.get(fd) !== 'FD_KIND_IOMMUFD') throw new DomainError('INVALID_ARGUMENT', 'BAD_FD', `fd ${fd} for iommufd object '${o.id}' is not an iommufd open in the VM process ${pid}`, { object: o.id });
          vm.iommufds.set(o.id, fd);
        } else {
          vm.iommufds.set(o.id, await this.openAsVm(pid, '/dev/iommu', `iommufd object '${o.id}'`));
          opened.push(vm.iommufds.get(o.id)!);
        }
      }
      if (vm.cfg.viommu.model === 'VIRTIO_IOMMU') {
        vm.backend = new EmulatedBackend(this.link, vm, this.logger);
        vm.viommu = new VirtioIommu(vm.cfg.viommu.virtio!, vm.cfg.devices.map((d) => d.endpointId), vm.backend);
        vm.backend.bind(vm.viommu);
      }
      if (vm.cfg.viommu.model === 'INTEL_IOMMU') this.buildIntelIommu(vm);
      if (vm.cfg.viommu.model === 'SMMUV3') this.buildSmmuv3(vm);
      for (const d of vm.cfg.devices) {
        if (d.kind === 'virtio') vm.virtio.set(d.id, this.virtioRuntime(d));
        else {
          await this.plugVfio(vm, d, passedFds, kinds, desc, opened);
          this.placeBars(vm, d, desc);
        }
      }
      // NONE: guest RAM is identity-mapped once every device is attached, so the map skips the
      // reserved IOVAs of all of them (a device attached after the map would find its reserved
      // regions already mapped: EADDRINUSE)
      for (const [obj, ioas] of vm.sharedIoas) await EmulatedBackend.identityMap(this.link, vm, vm.iommufds.get(obj)!, ioas);
      // legacy_container without a vIOMMU: the one container of system memory, likewise
      const sys = vm.legacy?.containers.get(SYSTEM_AS);
      if (sys) await EmulatedBackend.identityMapSpace(sys.space, vm);
      await this.syncP2p(vm);
    } catch (e) {
      await this.unwindStart(vm, opened);
      // a failed start changes nothing: the process it made goes again
      if (spawned) await this.dropProcess(vm).catch(() => undefined);
      throw e;
    }
    if (incoming) return vm;
    vm.state = 'RUNNING';
    vm.message = '';
    this.logger.info({ vm: name, pid, devices: vm.cfg.devices.length }, 'VM running');
    return vm;
  }

  /** Undo a failed start: close what we opened (which releases host objects), reset runtime. */
  private async unwindStart(vm: Vm, opened: number[]): Promise<void> {
    for (const d of vm.vfio.values()) if (!opened.includes(d.deviceFd)) opened.push(d.deviceFd);
    for (const fd of opened.reverse()) await this.link.closeFd(vm.hostPid, fd).catch(() => undefined);
    this.resetRuntime(vm);
  }

  /** Forget every host object of the VM (its process is gone or has none of them). */
  private resetRuntime(vm: Vm): void {
    vm.vfio.clear();
    vm.virtio.clear();
    vm.iommufds.clear();
    vm.sharedIoas.clear();
    vm.legacy?.clear();
    vm.legacy = undefined;
    vm.guestBars.clear();
    vm.p2p = undefined;
    vm.viommu = undefined;
    vm.intel = undefined;
    vm.ram = undefined;
    vm.shadow = undefined;
    vm.nested = undefined;
    vm.smmuAccel?.close();
    vm.smmuAccel = undefined;
    vm.smmu = undefined;
    vm.pendingIrqs = [];
    this.retireBackend(vm);
    vm.ramFd = -1;
    vm.ramVa = 0n;
  }

  /** End the VM's (idle) host process if it is still its own (this boot); the VM keeps none. */
  private async dropProcess(vm: Vm): Promise<void> {
    const proc = vm.proc;
    if (!proc) return;
    if (vm.heartbeat) clearInterval(vm.heartbeat);
    vm.heartbeat = undefined;
    vm.proc = undefined;
    const boot = this.link.bootId ?? (await this.link.describe(true).catch(() => undefined))?.bootId;
    if (boot !== proc.bootId) return; // another boot: the pid is not this VM's any more
    await this.link.exit(proc.pid).catch((e: unknown) => {
      if (!(e instanceof HostCallError && e.reason === 'ESRCH')) {
        vm.proc = proc;
        this.startHeartbeat(vm);
        throw e;
      }
    });
  }

  private async openAsVm(pid: number, path: string, what: string): Promise<number> {
    try {
      return await this.link.open(pid, path);
    } catch (e) {
      if (e instanceof HostCallError && (e.reason === 'EACCES' || e.reason === 'EPERM')) {
        throw new DomainError('PERMISSION_DENIED', e.reason, `the VM process ${pid} (principal qemu) cannot open ${path} for ${what}: the orchestrator must open it and pass the fd (Process.SendFd, then StartVm passed_fds) — ${e.message}`, { path });
      }
      throw e;
    }
  }

  /**
   * The DMAR unit of an INTEL_IOMMU VM: registers at 0xfed90000 over the vmm's copy of guest RAM,
   * interrupts into the guest event log, every invalidation noted for the caching-mode shadow.
   */
  private buildIntelIommu(vm: Vm): void {
    const ram = new GuestRam(vm.ramRanges);
    let translator: VtdTranslator | undefined;
    const intel = new IntelIommu(
      vm.cfg.viommu.intel!,
      ram,
      (irq) => {
        // delivered by settle after the nested backend's host acks (an inv_wait's completion
        // interrupt must not precede the invalidations queued before it)
        vm.pendingIrqs.push({ kind: 'interrupt', source: irq.source, msiAddr: irq.msiAddr, msiData: irq.msiData });
      },
      (mem, cfg) => (translator = new VtdTranslator(mem, cfg)),
    );
    const shadow = new VtdShadow(this.link, vm, this.logger, vm.cfg.viommu.intel!, translator!);
    const nested = vm.cfg.viommu.intel!.flts ? new VtdNested(this.link, vm, this.logger, translator!) : undefined;
    translator!.onInvalidate = (scope) => {
      shadow.note(scope);
      nested?.noteInvalidation(scope);
    };
    // a PASID-cache refresh that rebinds a device's requests-without-PASID entry (scalable mode:
    // QEMU's vtd_pasid_cache_sync switches the address space and syncs its notifiers; with x-flts
    // it attaches/replaces/detaches the NESTED device's first-stage HWPT)
    translator!.onPasidBinding = (ev) => {
      if (ev.pasid === undefined) shadow.note({ kind: 'context', sid: ev.sid });
      nested?.noteBinding(ev);
    };
    vm.nested = nested;
    vm.ram = ram;
    vm.intel = intel;
    vm.shadow = shadow;
  }

  /**
   * The SMMUv3 of an SMMUV3 VM: registers at 0x09050000 over the vmm's copy of guest RAM, its
   * wired lines (evtq, gerror, cmdq_sync) into the guest event log as GIC SPIs 74..77; with
   * accel the NESTED backend of assigned devices, whose host events come back as EVTQ records.
   */
  private buildSmmuv3(vm: Vm): void {
    const ram = new GuestRam(vm.ramRanges);
    const cfg = vm.cfg.viommu.smmuv3!;
    // delivered by settle, after the operation's guest-RAM writes (an EVTQ record before its
    // interrupt, a CMD_SYNC after every host ack the command queue awaited)
    const smmu = new Smmuv3(cfg, ram, (irq) => vm.pendingIrqs.push(smmuInterrupt(irq)));
    if (cfg.accel) {
      vm.smmuAccel = new SmmuAccel(this.link, vm, this.logger, smmu, (record) => this.injectSmmuEvent(vm, smmu, record));
      smmu.accel = vm.smmuAccel;
    }
    vm.ram = ram;
    vm.smmu = smmu;
  }

  /**
   * A host vEVENTQ record of an accel device into the guest's EVTQ (QEMU
   * smmuv3_propagate_event), in the VM's order with every other model operation; nothing when
   * the VM no longer runs this unit (stopped, restarted).
   */
  private injectSmmuEvent(vm: Vm, smmu: Smmuv3, record: Uint8Array): Promise<void> {
    return vm.lock(async () => {
      if (vm.smmu !== smmu) return;
      try {
        if (!smmu.injectEvent(record)) this.logger.warn({ vm: vm.name }, 'host SMMUv3 event dropped by the guest EVTQ (EVENTQEN=0 or queue full)');
      } finally {
        await this.settle(vm);
      }
    });
  }

  /**
   * After a hardware vIOMMU model ran (a register write, a translation, an injected event): its
   * guest-RAM writes go to the host, then its interrupts to the guest, then the intel-iommu's
   * shadow of assigned devices follows the invalidations it made.
   */
  private async settle(vm: Vm): Promise<void> {
    if (!vm.ram) return;
    // NESTED first: bindings and forwarded invalidations acked by the host before the model's
    // inv_wait status words and completion interrupts reach the guest (vtd-nested.ts)
    let failed: unknown;
    await vm.nested?.drain().catch((e: unknown) => (failed = e));
    for (const w of vm.ram.takePending()) {
      await this.link.writeMemory(vm.hostPid, ramVa(vm, w.gpa, BigInt(w.data.length)), w.data);
      markDirty(vm, w.gpa, w.data.length); // the model's own RAM writes (A/D bits, status words, EVTQ records)
    }
    for (const irq of vm.pendingIrqs.splice(0)) vm.events.append(irq);
    if (failed !== undefined) throw failed;
    await vm.shadow?.drain();
  }

  private virtioRuntime(d: VirtioDeviceConfig): VirtioRuntime {
    return { cfg: d, offered: VIRTIO_F_VERSION_1 | (d.accessPlatform ? VIRTIO_F_ACCESS_PLATFORM : 0n), driverFeatures: 0n, featuresOk: false };
  }

  /**
   * Plug-time checks for assigned devices: every violation, not just the first. Guest-visible
   * configuration is checked against the host, never adapted to it.
   */
  plugChecks(cfg: VmConfig, devices: DeviceConfig[], desc: HostDescription, existing: VfioRuntime[] = []): Violation[] {
    const out: Violation[] = [];
    const hostBdfs = new Map<string, string>(existing.map((d) => [d.cfg.hostBdf, d.cfg.id]));
    for (const d of devices) {
      if (d.kind !== 'vfio') continue;
      const hd = desc.devices.find((x) => x.bdf === d.hostBdf);
      if (!hd) {
        out.push({ device: d.id, rule: 'host device', detail: `no PCI device ${d.hostBdf} on host ${desc.name}` });
        continue;
      }
      if (hostBdfs.has(d.hostBdf)) out.push({ device: d.id, rule: 'host device', detail: `${d.hostBdf} is already assigned as '${hostBdfs.get(d.hostBdf)}'` });
      hostBdfs.set(d.hostBdf, d.id);
      if (hd.present === false) out.push({ device: d.id, rule: 'host device', detail: `${d.hostBdf} was removed from host ${desc.name} (surprise removal)` });
      if (d.legacyContainer) {
        for (const v of legacyPlugViolations(cfg, d, hd, desc, [...devices, ...existing.map((x) => x.cfg)])) out.push({ device: d.id, ...v });
      } else if (hd.driver !== 'vfio-pci' || !hd.cdev) out.push({ device: d.id, rule: 'host device', detail: `${d.hostBdf} is not bound to vfio-pci (driver ${hd.driver})` });
      const unit = desc.units.find((u) => u.name === hd.unit)!;
      const aperture = (1n << BigInt(unit.inputBits)) - 1n;
      const hostResv = hd.reservedRegions.filter((r) => r.type !== 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE');
      if (cfg.viommu.model === 'VIRTIO_IOMMU') {
        const v = cfg.viommu.virtio!;
        const granule = v.pageSizeMask & -v.pageSizeMask;
        if ((unit.pageSizes & granule) === 0n) {
          out.push({ device: d.id, rule: 'granule', detail: `guest granule 0x${granule.toString(16)} is not a page size of host unit ${unit.name} (0x${unit.pageSizes.toString(16)})` });
        }
        if (v.inputRange.end > aperture || v.inputRange.start > aperture) {
          out.push({ device: d.id, rule: 'input range', detail: `guest input range [0x${v.inputRange.start.toString(16)}, 0x${v.inputRange.end.toString(16)}] does not fit host aperture [0, 0x${aperture.toString(16)}] of ${unit.name}` });
        }
        for (const r of hostResv) {
          if (!v.reservedRegions.some((g) => g.start <= r.start && r.last <= g.end)) {
            out.push({ device: d.id, rule: 'reserved region', detail: `host reserved region [0x${r.start.toString(16)}, 0x${r.last.toString(16)}] (${r.type.replace('RESERVED_REGION_TYPE_', '')}) of ${d.hostBdf} is not inside a guest-visible reserved region` });
          }
        }
      } else if (cfg.viommu.model === 'INTEL_IOMMU') {
        const v = cfg.viommu.intel!;
        // QEMU: vtd_dev_set_iommu_device / vtd_iommu_notify_flag_changed (vmm-viommu-semantics.md §2.2)
        if (!v.cachingMode) out.push({ device: d.id, rule: 'caching mode', detail: 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.' });
        if (v.awBits > unit.inputBits) out.push({ device: d.id, rule: 'aw-bits', detail: `aw-bits ${v.awBits} > host aw-bits ${unit.inputBits} (unit ${unit.name})` });
        if ((unit.pageSizes & 4096n) === 0n) out.push({ device: d.id, rule: 'granule', detail: `the VT-d 4 KiB page is not a page size of host unit ${unit.name} (0x${unit.pageSizes.toString(16)})` });
        if (v.flts) {
          // x-flts: NESTED only (QEMU never shadows first-stage tables); AUTO picks it, EMULATED cannot back it.
          // vtd_check_hiod_accel: a VT-d host unit that nests; CAP.FS1GP (the model sets it) needs host 1 GiB first-stage pages
          if (d.backend === 'EMULATED') out.push({ device: d.id, rule: 'flts', detail: 'x-flts=on: the guest\'s first-stage tables are bound to the host (NESTED), never shadowed; EMULATED cannot back this device' });
          else {
            if (unit.type !== 'IOMMU_TYPE_INTEL_VTD' || !unit.nesting) out.push({ device: d.id, rule: 'nesting', detail: `x-flts=on needs the NESTED backend, and host unit ${unit.name} of ${d.hostBdf} (${unit.type.replace('IOMMU_TYPE_', '')}) has no VT-d nesting (IOMMU_HWPT_DATA_VTD_S1); EMULATED cannot back first-stage tables` });
            if ((unit.pageSizes & (1n << 30n)) === 0n) out.push({ device: d.id, rule: 'fs1gp', detail: `the guest sees CAP.FS1GP but host unit ${unit.name} has no 1 GiB pages (0x${unit.pageSizes.toString(16)})` });
          }
        } else if (v.snoopControl) out.push({ device: d.id, rule: 'snoop control', detail: 'Snoop Control with vhost or VFIO is not supported' });
        // The x86 MSI window: the only IOVAs a VT-d guest cannot map are its interrupt range
        // (0xfee00000-0xfeefffff, VTD_INTERRUPT_ADDR_FIRST/LAST). A host reserved region of the
        // device elsewhere (an RMRR, a non-x86 MSI doorbell) would make guest mappings there fail
        // on the host, so the guest-visible IOVA space could not be backed.
        for (const r of hostResv) {
          if (!(r.start >= VTD_INTERRUPT_FIRST && r.last <= VTD_INTERRUPT_LAST)) {
            out.push({ device: d.id, rule: 'reserved region', detail: `host reserved region [0x${r.start.toString(16)}, 0x${r.last.toString(16)}] (${r.type.replace('RESERVED_REGION_TYPE_', '')}) of ${d.hostBdf} is outside the x86 interrupt window [0xfee00000, 0xfeefffff], the only range an intel-iommu guest cannot map` });
          }
        }
      } else if (cfg.viommu.model === 'SMMUV3') {
        // no accel, EMULATED, a host unit that cannot nest or offers less than the guest sees,
        // reserved regions the stage 2 or the MSI doorbell collide with (smmu.ts)
        for (const v of smmuPlugViolations(cfg.viommu.smmuv3!, ramLayout(cfg.machine, cfg.memoryBytes), d, hd, unit)) out.push({ device: d.id, ...v });
      } else if (cfg.viommu.model === 'NONE') {
        if (d.p2p || existing.some((x) => x.cfg.p2p) || devices.some((x) => x.kind === 'vfio' && x.p2p)) {
          const all = [...existing.map((x) => x.cfg), ...devices.filter((x): x is VfioDeviceConfig => x.kind === 'vfio')];
          for (const v of p2pViolations(all, [d], desc)) if (!out.some((o) => o.device === v.device && o.detail === v.detail)) out.push(v);
        }
        const ranges = ramLayout(cfg.machine, cfg.memoryBytes);
        if (ramLastGpa(ranges) > aperture) out.push({ device: d.id, rule: 'input range', detail: `guest RAM ${formatRanges(ranges)} does not fit host aperture [0, 0x${aperture.toString(16)}] of ${unit.name}` });
        // hotplug into a running VM: guest RAM is already identity-mapped in the shared IOAS, so a
        // host reserved region inside guest RAM can no longer be carved out of it
        if (existing.some((x) => x.backend === 'NONE' && x.cfg.legacyContainer === d.legacyContainer && x.cfg.iommufd === d.iommufd)) {
          for (const r of hostResv) {
            if (overlapsRam(ranges, r.start, r.last)) {
              out.push({ device: d.id, rule: 'reserved region', detail: `host reserved region [0x${r.start.toString(16)}, 0x${r.last.toString(16)}] of ${d.hostBdf} lies inside guest RAM, which is already identity-mapped in the shared IOAS` });
            }
          }
        }
      }
    }
    return out;
  }

  private async plugVfio(vm: Vm, d: VfioDeviceConfig, passedFds: Record<string, number>, kinds: Map<number, string>, desc: HostDescription, opened: number[]): Promise<VfioRuntime> {
    const pid = vm.hostPid;
    const hd = desc.devices.find((x) => x.bdf === d.hostBdf)!;
    if (d.legacyContainer) return this.plugLegacy(vm, d, passedFds, kinds, desc, opened);
    const iommufd = vm.iommufds.get(d.iommufd)!;
    let deviceFd = d.fd ?? passedFds[d.id];
    let ownFd = false;
    if (deviceFd !== undefined) {
      if (kinds.get(deviceFd) !== 'FD_KIND_VFIO_DEVICE') throw new DomainError('INVALID_ARGUMENT', 'BAD_FD', `fd ${deviceFd} for device '${d.id}' is not a VFIO device open in the VM process ${pid}`, { device: d.id });
      // a failure from here on closes the passed fd too (as QEMU does when device realize fails),
      // so the device is unbound again and nothing stays behind in the VM process
      opened.push(deviceFd);
    } else {
      deviceFd = await this.openAsVm(pid, `/dev/vfio/devices/${hd.cdev}`, `device '${d.id}' (${d.hostBdf})`);
      opened.push(deviceFd);
      ownFd = true;
    }
    const devId = await this.link.bind(pid, deviceFd, iommufd);
    const rt: VfioRuntime = { cfg: d, host: hd, iommufd, deviceFd, devId, ioas: 0, hwpt: 0, backend: vm.viommu || vm.intel ? 'EMULATED' : 'NONE', ownFd };
    if (vm.smmu) {
      // SMMUv3: NESTED through accel only (plugChecks refused everything else) — the vIOMMU and
      // NEST_PARENT stage 2 on the first device, the device attached per GBPA/SMMUEN, its
      // vDEVICE and nested HWPT at the guest's CFGI_STE (backends/smmu-accel.ts)
      if (!vm.smmuAccel) throw new DomainError('INTERNAL', 'NO_ACCEL', `device '${d.id}' reached the plug behind an SMMUv3 without accel`);
      rt.backend = 'NESTED';
      await vm.smmuAccel.plug(rt);
      vm.vfio.set(d.id, rt);
    } else if (vm.nested) {
      // x-flts: NESTED (plugChecks refused everything else) — a NEST_PARENT HWPT over guest RAM;
      // the guest's first stage is bound at its next PASID-cache invalidation (vtd-nested.ts)
      rt.backend = 'NESTED';
      await vm.nested.plug(rt);
      vm.vfio.set(d.id, rt);
    } else if (vm.intel || vm.viommu) {
      // EMULATED: the device's own IOAS, filled with what the guest's vIOMMU says (virtio-iommu
      // mappings, or the intel-iommu's tables replayed now as QEMU's vtd_iommu_replay on notifier
      // registration). The host attaches a whole IOMMU group to one domain, so host-group
      // siblings share one IOAS.
      const sibling = [...vm.vfio.values()].find((o) => o.backend === 'EMULATED' && o.iommufd === iommufd && o.host.group === hd.group);
      const ownIoas = sibling === undefined;
      rt.ioas = sibling ? sibling.ioas : await this.link.ioasAlloc(pid, iommufd);
      try {
        // a paging HWPT with dirty tracking where the unit has it (migration: dirty-dma.ts)
        rt.hwpt = (await attachAutoDomain(this.link, pid, rt, rt.ioas, unitDirty(desc, hd.unit), hwptsOver(vm.vfio.values(), iommufd, rt.ioas))).hwpt;
      } catch (e) {
        if (ownIoas) await this.link.destroy(pid, iommufd, rt.ioas).catch(() => undefined);
        throw e;
      }
      vm.vfio.set(d.id, rt);
      if (vm.intel) {
        if (ownIoas) await vm.shadow!.sync(rt);
      } else await vm.backend!.sync(rt);
    } else {
      // NONE: guest RAM identity-mapped once into one IOAS shared by every assigned device
      let ioas = vm.sharedIoas.get(d.iommufd);
      if (ioas === undefined) {
        ioas = await this.link.ioasAlloc(pid, iommufd);
        vm.sharedIoas.set(d.iommufd, ioas);
        rt.ioas = ioas;
        rt.hwpt = (await attachAutoDomain(this.link, pid, rt, ioas, unitDirty(desc, hd.unit), [])).hwpt;
        // at start the identity map waits for every device (see start); a hotplug maps now
        if (vm.state === 'RUNNING') await EmulatedBackend.identityMap(this.link, vm, iommufd, ioas);
      } else {
        rt.ioas = ioas;
        rt.hwpt = (await attachAutoDomain(this.link, pid, rt, ioas, unitDirty(desc, hd.unit), hwptsOver(vm.vfio.values(), iommufd, ioas))).hwpt;
      }
      vm.vfio.set(d.id, rt);
    }
    return rt;
  }

  /** The guest BARs of a plugged assigned device (firmware's placement in the PCI MMIO window). */
  private placeBars(vm: Vm, d: VfioDeviceConfig, desc: HostDescription): void {
    const hd = desc.devices.find((x) => x.bdf === d.hostBdf)!;
    try {
      vm.guestBars.set(d.id, allocateGuestBars(vm.cfg.machine, [...vm.guestBars.values()].flat(), hd.bars ?? [], ramLastGpa(vm.ramRanges) + 1n));
    } catch (e) {
      throw new DomainError('RESOURCE_EXHAUSTED', 'NO_MMIO_SPACE', `device '${d.id}': ${(e as Error).message}`, { device: d.id });
    }
  }

  /** The DMA spaces of guest system memory (model NONE): the shared IOAS of each iommufd object and the legacy container. */
  private systemSpaces(vm: Vm): P2pSpace[] {
    if (vm.cfg.viommu.model !== 'NONE') return [];
    const out: P2pSpace[] = [];
    for (const [obj, ioas] of vm.sharedIoas) {
      const fd = vm.iommufds.get(obj)!;
      out.push({ key: `${fd}:${ioas}`, kind: 'ioas', fd, ioas });
    }
    const c = vm.legacy?.containers.get(SYSTEM_AS);
    if (c) out.push({ key: c.space.key, kind: 'container', fd: c.fd });
    return out;
  }

  /** Map the BARs of every p2p device into every DMA space of system memory (what is missing). */
  private async syncP2p(vm: Vm): Promise<void> {
    const peers = [...vm.vfio.values()].filter((r) => r.cfg.p2p).map((r) => ({ id: r.cfg.id, deviceFd: r.deviceFd, bars: vm.guestBars.get(r.cfg.id) ?? [] }));
    if (peers.length === 0) return;
    if (!vm.p2p) vm.p2p = new P2pMapper(this.link, vm.hostPid, this.logger);
    await vm.p2p.sync(this.systemSpaces(vm), peers);
  }

  /**
   * An assigned device on QEMU's legacy VFIO path (backends/legacy-container.ts): its group (the
   * passed group fd, or /dev/vfio/<group> opened by the VM process) on the container of its
   * guest DMA address space, the device fd from the group; then the container filled as an IOAS
   * would be (virtio-iommu / intel-iommu: the EMULATED backends; NONE: guest RAM identity-mapped
   * once every device is in, or now for a hotplug that made the container).
   */
  private async plugLegacy(vm: Vm, d: VfioDeviceConfig, passedFds: Record<string, number>, kinds: Map<number, string>, desc: HostDescription, opened: number[]): Promise<VfioRuntime> {
    const pid = vm.hostPid;
    const hd = desc.devices.find((x) => x.bdf === d.hostBdf)!;
    const passed = d.fd ?? passedFds[d.id];
    if (passed !== undefined && kinds.get(passed) !== 'FD_KIND_VFIO_GROUP') {
      throw new DomainError('INVALID_ARGUMENT', 'BAD_FD', `fd ${passed} for device '${d.id}' (legacy_container) is not a VFIO group open in the VM process ${pid}`, { device: d.id });
    }
    if (!vm.legacy) vm.legacy = new LegacyVfio(this.link, pid, this.logger, (path, what) => this.openAsVm(pid, path, what));
    const emulated = vm.viommu !== undefined || vm.intel !== undefined;
    const p = await vm.legacy.attach(d.id, hd, emulated ? d.id : SYSTEM_AS, passed, opened);
    const rt: VfioRuntime = {
      cfg: d,
      host: hd,
      iommufd: p.container.fd,
      deviceFd: p.deviceFd,
      devId: 0,
      ioas: 0,
      hwpt: 0,
      backend: emulated ? 'EMULATED' : 'NONE',
      ownFd: true,
      space: p.container.space,
      legacy: { group: hd.group, groupFd: p.group.fd, containerFd: p.container.fd, iommuType: p.container.iommuType, containerBackend: desc.kernel.nativeType1 ? 'native-type1' : 'iommufd-compat' },
    };
    vm.vfio.set(d.id, rt);
    if (vm.intel) await vm.shadow!.sync(rt);
    else if (vm.viommu) await vm.backend!.sync(rt);
    else if (p.newContainer && vm.state === 'RUNNING') await EmulatedBackend.identityMapSpace(p.container.space, vm);
    return rt;
  }

  /**
   * StopVm: the VM's host process exits (every host object goes with it) and the VM is STOPPED
   * with a fresh, idle host process (host_pid), as CreateVm gives a DEFINED VM one, so the
   * orchestrator can pass its fds again and StartVm it. A lost VM's process is gone already.
   */
  async stop(name: string): Promise<void> {
    const vm = this.vm(name);
    await vm.lock(() => this.stopLocked(vm, true));
  }

  private async stopLocked(vm: Vm, respawn: boolean): Promise<void> {
    if (vm.state === 'STOPPED') {
      // its idle process died or could not be made: StopVm makes another (else a no-op)
      if (respawn && !vm.proc) await this.respawn(vm);
      return;
    }
    vm.exiting = true;
    try {
      // a lost VM's pid, or one of an earlier host boot, may name another process by now: leave it
      const proc = vm.hostObjectsLost || !vm.proc ? undefined : vm.proc;
      const boot = proc ? (this.link.bootId ?? (await this.link.describe(true)).bootId) : undefined;
      if (proc && proc.bootId === boot) {
        await this.link.exit(proc.pid).catch((e: unknown) => {
          if (!(e instanceof HostCallError && e.reason === 'ESRCH')) throw e;
        });
      }
    } catch (e) {
      vm.exiting = false;
      throw e;
    }
    if (vm.heartbeat) clearInterval(vm.heartbeat);
    vm.heartbeat = undefined;
    const old = vm.hostPid;
    vm.proc = undefined;
    vm.state = 'STOPPED';
    vm.hostObjectsLost = false;
    vm.message = '';
    this.resetRuntime(vm);
    vm.exiting = false;
    if (respawn) await this.respawn(vm);
    this.logger.info({ vm: vm.name, pid: old, next: vm.hostPid }, 'VM stopped: its host process exited');
  }

  /** A STOPPED VM gets a fresh, idle host process to pass fds into (a failure is kept in `message`). */
  private async respawn(vm: Vm): Promise<void> {
    try {
      vm.proc = await this.link.spawn(`qemu:${vm.name}`, this.opts.leaseMs);
      vm.message = '';
      this.startHeartbeat(vm);
    } catch (e) {
      // StartVm (without passed fds) or StopVm again makes one later
      vm.message = `no host process: ${(e as Error).message}`;
    }
  }

  async delete(name: string): Promise<void> {
    const vm = this.vm(name);
    await vm.lock(async () => {
      if (vm.state !== 'STOPPED') await this.stopLocked(vm, false);
      else await this.dropProcess(vm);
      this.retireBackend(vm);
      this.vms.delete(name);
    });
  }

  /** Keeps the counts of a backend about to be dropped (metrics stay monotonic). */
  private retireBackend(vm: Vm): void {
    if (!vm.backend) return;
    this.retiredBackendCounts.hostMaps += vm.backend.hostMaps;
    this.retiredBackendCounts.hostUnmaps += vm.backend.hostUnmaps;
    vm.backend = undefined;
  }

  // ------------------------------------------------------------------ hotplug

  async hotplug(name: string, spec: unknown, passedFds: Record<string, number>): Promise<Vm> {
    const vm = this.vm(name);
    return vm.lock(async () => {
      if (vm.state === 'STOPPED') throw new DomainError('FAILED_PRECONDITION', 'BAD_STATE', `VM ${name} is STOPPED`);
      if (vm.state === 'INCOMING') throw new DomainError('FAILED_PRECONDITION', 'BAD_STATE', `VM ${name} is INCOMING: its devices come with the migration`);
      // QEMU: "disallowing migration blocker (migration/snapshot in progress)"; the device set must not change under a migration
      if (vm.migrating) throw new DomainError('FAILED_PRECONDITION', 'MIGRATION_IN_PROGRESS', `VM ${name} is migrating: devices cannot be plugged until the migration ends`);
      const ids = new Set<string>([...vm.cfg.devices.map((d) => d.id), ...vm.cfg.iommufdObjects.map((o) => o.id)]);
      const used = new Set<string>(vm.cfg.devices.map((d) => d.guestBdf));
      const d = parseDevice(spec, 'device', ids, used, vm.cfg.iommufdObjects, vm.cfg.viommu);
      assignBdfs([d], used);
      if (vm.state === 'DEFINED') {
        vm.cfg = { ...vm.cfg, devices: [...vm.cfg.devices, d] };
        return vm;
      }
      await this.ownProcess(vm);
      const desc = await this.link.describe(true);
      const violations = this.plugChecks(vm.cfg, [d], desc, [...vm.vfio.values()]);
      if (violations.length > 0) throw incompatible(name, violations);
      if (d.kind === 'virtio') {
        vm.virtio.set(d.id, this.virtioRuntime(d));
      } else {
        const opened: number[] = [];
        try {
          vm.viommu?.addEndpoint(d.endpointId);
          await this.plugVfio(vm, d, passedFds, await this.link.fdKinds(vm.hostPid), desc, opened);
          this.placeBars(vm, d, desc);
          await this.syncP2p(vm);
        } catch (e) {
          vm.guestBars.delete(d.id);
          if (vm.p2p) await vm.p2p.dropPeer(d.id, this.systemSpaces(vm)).catch(() => undefined);
          const rt = vm.vfio.get(d.id);
          vm.vfio.delete(d.id);
          // legacy: a group / container this plug opened is in `opened` (closed below)
          if (d.kind === 'vfio' && d.legacyContainer) vm.legacy?.abandon(d.id);
          if (rt && vm.shadow && ![...vm.vfio.values()].some((o) => o.iommufd === rt.iommufd && o.ioas === rt.ioas)) vm.shadow.forget(rt);
          if (vm.viommu) await vm.viommu.removeEndpoint(d.endpointId).catch(() => undefined);
          for (const fd of opened) await this.link.closeFd(vm.hostPid, fd).catch(() => undefined);
          throw e;
        }
      }
      if (d.kind === 'virtio') vm.viommu?.addEndpoint(d.endpointId);
      vm.cfg = { ...vm.cfg, devices: [...vm.cfg.devices, d] };
      return vm;
    });
  }

  /**
   * UnplugDevice (and the reaction to a surprise removal: `hostBdf` set, the device is removed
   * only while it still is that host device, else nothing happens and undefined resolves).
   */
  async unplug(name: string, deviceId: string): Promise<Vm>;
  async unplug(name: string, deviceId: string, hostBdf: string): Promise<Vm | undefined>;
  async unplug(name: string, deviceId: string, hostBdf?: string): Promise<Vm | undefined> {
    const vm = this.vm(name);
    return vm.lock(async () => {
      const d = vm.cfg.devices.find((x) => x.id === deviceId);
      if (hostBdf !== undefined && (d?.kind !== 'vfio' || d.hostBdf !== hostBdf || vm.state !== 'RUNNING')) return undefined;
      if (!d) throw new DomainError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${name} has no device '${deviceId}'`);
      // a surprise removal (hostBdf) goes on: the host took the device, and the migration then fails and recovers
      if (hostBdf === undefined && vm.migrating) throw new DomainError('FAILED_PRECONDITION', 'MIGRATION_IN_PROGRESS', `VM ${name} is migrating: devices cannot be unplugged until the migration ends`);
      if (hostBdf === undefined && vm.state === 'INCOMING') throw new DomainError('FAILED_PRECONDITION', 'BAD_STATE', `VM ${name} is INCOMING: its devices come with the migration`);
      if (vm.state === 'RUNNING') {
        await this.ownProcess(vm);
        const rt = vm.vfio.get(deviceId);
        if (rt) rt.leaving = true;
        try {
          if (vm.viommu) await vm.viommu.removeEndpoint(d.endpointId);
        } catch (e) {
          if (rt) rt.leaving = false;
          throw e;
        }
        // P2P: the device's BARs leave every DMA space (and their mmaps / dma-bufs go) before its fd closes
        if (rt && vm.p2p) await vm.p2p.dropPeer(deviceId, this.systemSpaces(vm));
        vm.guestBars.delete(deviceId);
        if (rt?.legacy) {
          // legacy_container: the device fd, then its group when no other device of the VM
          // uses it, then the container when it has no group left (vfio_legacy_detach_device)
          vm.vfio.delete(deviceId);
          await vm.legacy!.detach(deviceId, rt.legacy.group, rt.deviceFd);
          if (!vm.legacy!.containers.has(SYSTEM_AS)) vm.p2p?.forgetSpace(`container:${rt.legacy.containerFd}`);
          if (!vm.legacy!.containers.has(rt.cfg.id)) {
            vm.backend?.forget(rt);
            vm.shadow?.forget(rt);
          }
        } else if (rt) {
          // SMMUv3 accel: the device leaves the vSMMU before VFIO lets it go (QEMU's
          // unset_iommu_device): its vDEVICE and stage-1 HWPT, the last one's vIOMMU with it
          if (rt.backend === 'NESTED' && vm.smmuAccel) await vm.smmuAccel.unplug(rt);
          // closing the device fd unbinds it (detach, release); then the endpoint IOAS goes,
          // unless a host-group sibling still uses it
          await this.link.closeFd(vm.hostPid, rt.deviceFd);
          vm.vfio.delete(deviceId);
          if (rt.backend === 'NESTED') await vm.nested?.unplug(rt);
          // its paging HWPT (attachAutoDomain) goes with the last device attached to it, before its IOAS
          else if (!vm.smmuAccel && ![...vm.vfio.values()].some((o) => o.iommufd === rt.iommufd && o.hwpt === rt.hwpt)) await this.link.destroy(vm.hostPid, rt.iommufd, rt.hwpt).catch(() => undefined);
          const shared = [...vm.vfio.values()].some((o) => o.iommufd === rt.iommufd && o.ioas === rt.ioas);
          if (rt.backend === 'EMULATED' && !shared) {
            await this.link.destroy(vm.hostPid, rt.iommufd, rt.ioas).catch(() => undefined);
            vm.backend?.forget(rt);
            vm.shadow?.forget(rt);
          } else if (rt.backend === 'EMULATED' && vm.shadow) {
            // the shared IOAS now follows the remaining sibling's context entry
            const next = [...vm.vfio.values()].find((o) => o.iommufd === rt.iommufd && o.ioas === rt.ioas);
            if (next) await vm.shadow.sync(next);
          }
        }
        vm.virtio.delete(deviceId);
      }
      vm.cfg = { ...vm.cfg, devices: vm.cfg.devices.filter((x) => x.id !== deviceId) };
      return vm;
    });
  }

  // ------------------------------------------------------------------ guest

  /**
   * A RUNNING VM whose host process is verified to be its own (not lost, of the host's current
   * boot): the guest, its vIOMMU and its devices act only then.
   */
  running(name: string): Vm {
    const vm = this.vm(name);
    if (vm.state !== 'RUNNING') throw new DomainError('FAILED_PRECONDITION', 'VM_NOT_RUNNING', `VM ${name} is ${vm.state}`);
    this.ownProcessNow(vm);
    return vm;
  }

  /** As running, reading the host's boot first when the link lost it. */
  private async runningVerified(name: string): Promise<{ vm: Vm; proc: HostProcessId }> {
    const vm = this.vm(name);
    if (vm.state !== 'RUNNING') throw new DomainError('FAILED_PRECONDITION', 'VM_NOT_RUNNING', `VM ${name} is ${vm.state}`);
    return { vm, proc: await this.ownProcess(vm) };
  }

  async readMemory(name: string, gpa: bigint, length: bigint): Promise<Buffer> {
    const { vm } = await this.runningVerified(name);
    const va = gpaCheck(vm, gpa, length);
    if (length > 16n << 20n) throw new DomainError('INVALID_ARGUMENT', 'TOO_LARGE', 'at most 16 MiB per read');
    return this.link.readMemory(vm.hostPid, va, Number(length));
  }

  async writeMemory(name: string, gpa: bigint, data: Uint8Array): Promise<void> {
    const { vm } = await this.runningVerified(name);
    const va = gpaCheck(vm, gpa, BigInt(data.length));
    if (!vm.ram && !vm.migrating) {
      await this.writeGuestRam(vm, va, gpa, data); // a guest CPU write: the migration dirty log too
      return;
    }
    // the intel-iommu model reads the vmm's copy: host first, then the copy, in the VM's order;
    // during a live migration every write waits while the source holds the lock to stop the guest
    await vm.lock(async () => {
      if (vm.state !== 'RUNNING' || vm.hostObjectsLost) throw new DomainError('FAILED_PRECONDITION', 'VM_NOT_RUNNING', `VM ${name} is ${vm.state}`);
      await this.writeGuestRam(vm, va, gpa, data);
    });
  }

  /**
   * Guest RAM [gpa, +data.length) at `va` of the VM process written: the host's memory, the vmm's
   * copy a hardware vIOMMU model reads (vm.ram; none for virtio-iommu and NONE VMs) and the
   * migration dirty log (a no-op unless a migration runs). `va` is the caller's, checked.
   */
  async writeGuestRam(vm: Vm, va: bigint, gpa: bigint, data: Uint8Array): Promise<void> {
    await this.link.writeMemory(vm.hostPid, va, data);
    vm.ram?.store(gpa, data);
    markDirty(vm, gpa, data.length);
  }

  // ------------------------------------------------------------------ vIOMMU registers

  /**
   * The register block an MMIO access of the guest hits: sizes 4 and 8 only (INVALID_ARGUMENT
   * BAD_MMIO_SIZE), the whole access inside a block (INVALID_ARGUMENT NO_MMIO_REGION).
   */
  private mmioTarget(vm: Vm, addr: bigint, size: number): { block: MmioBlock; offset: number } {
    if (size !== 4 && size !== 8) throw new DomainError('INVALID_ARGUMENT', 'BAD_MMIO_SIZE', `MMIO access size ${size}: 4 or 8 bytes`, { size: String(size) });
    const block = mmioBlockOf(vm);
    if (!block || addr < block.base || addr + BigInt(size) > block.base + block.size) {
      throw new DomainError('INVALID_ARGUMENT', 'NO_MMIO_REGION', `guest-physical 0x${addr.toString(16)} (+${size}) is in no vIOMMU register block of VM ${vm.name}${block ? ` (${block.name} at [0x${block.base.toString(16)}, +0x${block.size.toString(16)}))` : ` (model ${vm.cfg.viommu.model} has none)`}`, { addr: `0x${addr.toString(16)}` });
    }
    return { block, offset: Number(addr - block.base) };
  }

  /** Guest.MmioRead: a 32/64-bit register load. */
  async mmioRead(name: string, addr: bigint, size: number): Promise<bigint> {
    const vm = this.running(name);
    const { block, offset } = this.mmioTarget(vm, addr, size);
    return vm.lock(async () => {
      const v = block.read(offset, size as 4 | 8);
      await this.settle(vm);
      return v;
    });
  }

  /**
   * Guest.MmioWrite: a 32/64-bit register store and its side effects (SMMUv3: the command queue
   * consumed, accel forwards acked by the host), then the model's guest-RAM writes and
   * interrupts, then the intel-iommu shadow's replay.
   */
  async mmioWrite(name: string, addr: bigint, size: number, value: bigint): Promise<void> {
    const vm = this.running(name);
    const { block, offset } = this.mmioTarget(vm, addr, size);
    if (size === 4 && value > 0xffffffffn) throw new DomainError('INVALID_ARGUMENT', 'BAD_MMIO_VALUE', `a 4-byte MMIO store of 0x${value.toString(16)}: the value has more than 32 bits`);
    await vm.lock(async () => {
      // the VM may have stopped while this write waited for the lock
      if (mmioBlockOf(vm)?.model !== block.model) throw new DomainError('FAILED_PRECONDITION', 'VM_NOT_RUNNING', `VM ${name} is ${vm.state}`);
      try {
        await block.write(offset, size as 4 | 8, value);
      } finally {
        await this.settle(vm);
      }
    });
  }

  /**
   * Vmm.InspectViommu: the intel-iommu model's caches (IOTLB, context cache, PASID cache) and,
   * with `sid`, that device's root → context → PASID chain read from guest RAM through the
   * model's own checks (`describeDevice`; nothing cached, nothing recorded). The source id and
   * PASID are checked first (INVALID_ARGUMENT BAD_SID / BAD_PASID); a VM without an intel-iommu:
   * FAILED_PRECONDITION NO_INTEL_IOMMU. Costs are bounded by what the caches hold.
   */
  async inspectIntelIommu(name: string, sid?: number, pasid?: number): Promise<{
    state: ReturnType<IntelIommu['state']>;
    iotlb: ReturnType<VtdTranslator['iotlbEntries']>;
    contextCache: ReturnType<VtdTranslator['contextCacheEntries']>;
    pasidCache: ReturnType<VtdTranslator['pasidCacheEntries']>;
    device?: ReturnType<VtdTranslator['describeDevice']>;
  }> {
    if (sid !== undefined && (!Number.isInteger(sid) || sid < 0 || sid > 0xffff)) throw new DomainError('INVALID_ARGUMENT', 'BAD_SID', `source id ${sid}: a requester id is below 0x10000`, { sid: String(sid) });
    if (pasid !== undefined && sid === undefined) throw new DomainError('INVALID_ARGUMENT', 'BAD_PASID', 'a PASID needs a source id (sid)');
    if (pasid !== undefined && (!Number.isInteger(pasid) || pasid < 0 || pasid > 0xfffff)) throw new DomainError('INVALID_ARGUMENT', 'BAD_PASID', `PASID ${pasid}: PASIDs are below 2^20`, { pasid: String(pasid) });
    const vm = this.running(name);
    const intel = vm.intel;
    if (!intel) throw new DomainError('FAILED_PRECONDITION', 'NO_INTEL_IOMMU', `VM ${name} has no intel-iommu (model ${vm.cfg.viommu.model})`);
    // in the VM's order: after any register write or guest-RAM store already queued
    return vm.lock(async () => {
      const t = intel.translator;
      return {
        state: intel.state(),
        iotlb: t.iotlbEntries(),
        contextCache: t.contextCacheEntries(),
        pasidCache: t.pasidCacheEntries(),
        ...(sid !== undefined ? { device: t.describeDevice(sid, pasid) } : {}),
      };
    });
  }

  /**
   * Vmm.InspectViommu of an SMMUv3: every latched register and queue index, the configuration
   * cache and the IOTLB as the model holds them, and with `sid` that StreamID's STE (and the CD
   * of `ssid`) decoded from guest RAM now (nothing cached, nothing recorded). The StreamID and
   * SubstreamID are checked first (INVALID_ARGUMENT BAD_SID / BAD_PASID); a VM without an SMMUv3:
   * FAILED_PRECONDITION NO_SMMUV3. Costs are bounded by what the caches hold.
   */
  async inspectSmmuv3(name: string, sid?: number, ssid?: number): Promise<{
    state: ReturnType<Smmuv3['state']>;
    configCache: ReturnType<Smmuv3['translator']['configCacheEntries']>;
    iotlb: ReturnType<Smmuv3['translator']['iotlbEntries']>;
    stream?: { sid: number; ssid?: number; decoded: object };
  }> {
    if (sid !== undefined && (!Number.isInteger(sid) || sid < 0 || sid > 0xffff)) throw new DomainError('INVALID_ARGUMENT', 'BAD_SID', `StreamID ${sid}: the unit has 16 StreamID bits (IDR1.SIDSIZE)`, { sid: String(sid) });
    if (ssid !== undefined && sid === undefined) throw new DomainError('INVALID_ARGUMENT', 'BAD_PASID', 'a SubstreamID needs a StreamID (sid)');
    if (ssid !== undefined && (!Number.isInteger(ssid) || ssid < 0 || ssid > 0xfffff)) throw new DomainError('INVALID_ARGUMENT', 'BAD_PASID', `SubstreamID ${ssid}: SubstreamIDs are below 2^20`, { pasid: String(ssid) });
    const vm = this.running(name);
    const smmu = vm.smmu;
    if (!smmu) throw new DomainError('FAILED_PRECONDITION', 'NO_SMMUV3', `VM ${name} has no SMMUv3 (model ${vm.cfg.viommu.model})`);
    // in the VM's order: after any register write or guest-RAM store already queued
    return vm.lock(async () => {
      const t = smmu.translator;
      return {
        state: smmu.state(),
        configCache: t.configCacheEntries(),
        iotlb: t.iotlbEntries(),
        ...(sid !== undefined ? { stream: { sid, ...(ssid !== undefined ? { ssid } : {}), decoded: t.describeStream(sid, ssid) } } : {}),
      };
    });
  }

  viommuOf(name: string): { vm: Vm; dev: VirtioIommu } {
    const vm = this.running(name);
    if (!vm.viommu) throw new DomainError('FAILED_PRECONDITION', 'NO_VIRTIO_IOMMU', `VM ${name} has no virtio-iommu (model ${vm.cfg.viommu.model})`);
    return { vm, dev: vm.viommu };
  }

  setVirtioFeatures(name: string, deviceId: string, driver: bigint): boolean {
    const vm = this.running(name);
    const d = vm.virtio.get(deviceId);
    if (!d) throw new DomainError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${name} has no virtio device '${deviceId}'`);
    const ok = virtioFeaturesAcceptable(d, driver);
    d.driverFeatures = driver;
    d.featuresOk = ok;
    return ok;
  }

  /**
   * Guest.VirtioWriteStatus: the driver writes the device status register of the virtio-iommu
   * (`deviceId` empty) or of a virtio device; resolves to the register read back. 0 resets the
   * device (the virtio-iommu detaches every endpoint through its backends' hooks, as DETACH does).
   */
  async writeVirtioStatus(name: string, deviceId: string, value: number): Promise<{ status: number; needsReset: string }> {
    if (deviceId === '') {
      const { vm, dev } = this.viommuOf(name);
      const status = await vm.lock(() => dev.writeStatus(value));
      return { status, needsReset: dev.needsReset ?? '' };
    }
    const vm = this.running(name);
    const d = vm.virtio.get(deviceId);
    if (!d) throw new DomainError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${name} has no virtio device '${deviceId}'`);
    return vm.lock(async () => {
      const w = decideStatusWrite(virtioStatusOf(d), value);
      if (w.reset) {
        d.driverFeatures = 0n;
        d.featuresOk = false;
        d.status = 0;
      } else {
        // FEATURES_OK newly set: checked against the driver features written so far
        if (w.featuresOkRequested) d.featuresOk = virtioFeaturesAcceptable(d, d.driverFeatures);
        d.status = w.bits & ~VIRTIO_STATUS.FEATURES_OK;
      }
      return { status: virtioStatusOf(d), needsReset: '' };
    });
  }

  /** Guest.VirtioReadStatus: the device status register (see writeVirtioStatus). */
  readVirtioStatus(name: string, deviceId: string): { status: number; needsReset: string } {
    if (deviceId === '') {
      const { dev } = this.viommuOf(name);
      return { status: dev.status, needsReset: dev.needsReset ?? '' };
    }
    const d = this.running(name).virtio.get(deviceId);
    if (!d) throw new DomainError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${name} has no virtio device '${deviceId}'`);
    return { status: virtioStatusOf(d), needsReset: '' };
  }

  /** Guest.Dma: a virtio device translated by the vmm, or an assigned device's DMA on the host. */
  async dma(name: string, deviceId: string, iova: bigint, length: bigint, write: boolean, data: Uint8Array, pasid?: number): Promise<DmaOutcome> {
    const { vm, proc: owner } = await this.runningVerified(name);
    if (length === 0n || length > 16n << 20n) throw new DomainError('INVALID_ARGUMENT', 'BAD_LENGTH', 'length must be in (0, 16 MiB]');
    if (write && BigInt(data.length) !== length) throw new DomainError('INVALID_ARGUMENT', 'BAD_LENGTH', 'write data must be exactly `length` bytes');
    // intel-iommu: PASID width; SMMUv3: the PASID is the SubstreamID (IDR1.SSIDSIZE)
    const smmuCfg = vm.cfg.viommu.smmuv3;
    const pasidBits = vm.cfg.viommu.intel?.pasidBits ?? smmuCfg?.ssidsize ?? 0;
    if (pasid !== undefined && (pasidBits === 0 || pasid >= 2 ** pasidBits)) {
      throw new DomainError('INVALID_ARGUMENT', 'BAD_PASID', `a request with PASID ${pasid}: VM ${name}'s vIOMMU (${vm.cfg.viommu.model}) offers ${pasidBits} ${smmuCfg ? 'SubstreamID (ssidsize)' : 'PASID'} bits`);
    }
    const v = vm.virtio.get(deviceId);
    if (v) return vm.lock(() => this.virtioDma(vm, v, iova, length, write, data, pasid));
    const f = vm.vfio.get(deviceId);
    if (!f) throw new DomainError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${name} has no device '${deviceId}'`);
    if (pasid !== undefined) throw new DomainError('UNIMPLEMENTED', 'NOT_MODELLED', `DMA with a PASID by an assigned device needs PASID attachment on the host (the NESTED backend), which is not built yet`, { feature: 'PASID_DMA' });
    // the host does it only while the VM's own process holds the device's binding (its device fd
    // bound to its iommufd): a VM whose process died, or whose pid names another process after a
    // host restart, cannot reach the device's next owner's memory even before the vmm notices
    let r: Awaited<ReturnType<HostLink['deviceDma']>>;
    try {
      r = await this.link.deviceDma(f.cfg.hostBdf, iova, Number(length), write, write ? data : undefined, owner);
    } catch (e) {
      if (e instanceof HostCallError && e.reason === 'ESRCH') {
        this.markLost(vm, `the host has no process ${owner.pid} started at ${owner.startTime} in boot ${owner.bootId} (device DMA refused)`, owner);
        throw hostObjectsLost(vm);
      }
      throw e;
    }
    // a fault is not guest-visible (as in QEMU); the host logs it and onHostEvent counts it
    if (r.result === 'fault') return { hostFault: r.fault! };
    if (r.result === 'written') {
      if (vm.ram && (vm.shadow || vm.smmuAccel)) await vm.lock(() => this.refreshAfterDeviceWrite(vm, f, iova, length));
      return { written: length };
    }
    return { data: r.data as Buffer };
  }

  /**
   * An assigned device wrote guest RAM on the host: the pages it reached (through the IOAS the
   * shadow keeps, or the guest's own tables under nesting) are read back into the vmm's copy the
   * hardware vIOMMU model reads.
   */
  private async refreshAfterDeviceWrite(vm: Vm, f: VfioRuntime, iova: bigint, length: bigint): Promise<void> {
    const ram = vm.ram;
    const shadow = vm.shadow;
    const smmu = vm.smmu;
    if (!ram || (!shadow && !smmu)) return;
    for (let off = 0n; off < length; ) {
      const cur = iova + off;
      const n = 4096n - (cur & 4095n) < length - off ? 4096n - (cur & 4095n) : length - off;
      // SMMUv3 accel: the guest's STE/CD/stage-1 tables as they are now (stage 2 is identity)
      const gpa = smmu ? smmu.translator.lookup(f.cfg.endpointId, undefined, cur) : f.backend === 'NESTED' ? vm.nested?.gpaOf(f, cur, ram) : shadow!.gpaOf(f, cur);
      const va = gpa === undefined ? undefined : ramVaOf(vm, gpa, n);
      if (gpa !== undefined && va !== undefined) ram.store(gpa, await this.link.readMemory(vm.hostPid, va, Number(n)));
      off += n;
    }
  }

  private async virtioDma(vm: Vm, v: VirtioRuntime, iova: bigint, length: bigint, write: boolean, data: Uint8Array, pasid?: number): Promise<DmaOutcome> {
    if (!v.featuresOk) throw new DomainError('FAILED_PRECONDITION', 'DRIVER_NOT_READY', `virtio device '${v.cfg.id}' has no accepted features yet (VirtioSetFeatures first)`);
    if (vm.intel) return this.vtdDma(vm, vm.intel, v, iova, length, write, data, pasid);
    if (vm.smmu) return this.smmuDma(vm, vm.smmu, v, iova, length, write, data, pasid);
    const translated = vm.viommu !== undefined && (v.driverFeatures & VIRTIO_F_ACCESS_PLATFORM) !== 0n;
    // gather GPA pieces page by page (4 KiB steps are finer than any granule)
    const pieces: Array<[bigint, number]> = [];
    for (let off = 0n; off < length; ) {
      const cur = iova + off;
      const n = (4096n - (cur & 4095n) < length - off ? 4096n - (cur & 4095n) : length - off);
      let gpa = cur;
      if (translated) {
        const t = vm.viommu!.translate(v.cfg.endpointId, cur, write);
        if ('fault' in t) {
          const f = t.fault;
          vm.events.append({ kind: 'virtio_fault', reason: f.reason, flags: f.flags, endpoint: f.endpoint, address: f.address, raw: vm.viommu!.faultRecord(f) });
          return { virtioFault: f };
        }
        gpa = t.gpa;
      }
      if (ramVaOf(vm, gpa, n) === undefined) throw new DomainError('INVALID_ARGUMENT', 'GPA_OUT_OF_RANGE', `DMA to GPA 0x${gpa.toString(16)} outside guest RAM`);
      const last = pieces[pieces.length - 1];
      if (last && last[0] + BigInt(last[1]) === gpa) last[1] += Number(n);
      else pieces.push([gpa, Number(n)]);
      off += n;
    }
    return this.movePieces(vm, pieces, length, write, data);
  }

  /**
   * A virtio device's DMA in an INTEL_IOMMU VM: with ACCESS_PLATFORM every 4 KiB piece goes
   * through the unit (dmaTranslate: IOTLB, context cache, walk; a fault is recorded in FRCD and
   * raises the fault event); without it the device uses GPAs. All pieces are translated before
   * any byte moves, so a faulting DMA transfers nothing.
   */
  private vtdDma(vm: Vm, intel: IntelIommu, v: VirtioRuntime, iova: bigint, length: bigint, write: boolean, data: Uint8Array, pasid?: number): Promise<DmaOutcome> {
    const translated = virtioDmaTranslated(v, pasid, 'PASID');
    const sid = v.cfg.endpointId;
    return this.unitDma(vm, iova, length, write, data, (cur) => {
      if (!translated) return cur;
      const t = intel.dmaTranslate(sid, pasid, cur, write);
      if (!t.ok) {
        // the request's PASID (the fault record may carry none: faults met reading PASID structures)
        return { vtdFault: { reason: t.reason, sid, address: t.addr, write: t.isWrite, ...(pasid !== undefined ? { pasid } : {}), recordable: t.recordable } };
      }
      // a cached translation without the access right: QEMU fails the access, no fault record
      if ((t.perm & (write ? 2 : 1)) === 0) {
        return { vtdFault: { reason: write ? VTD_FR_WRITE : VTD_FR_READ, sid, address: cur, write, ...(pasid !== undefined ? { pasid } : {}), recordable: false } };
      }
      if (t.interrupt) {
        throw new DomainError('INVALID_ARGUMENT', 'MSI_WINDOW', `DMA at 0x${cur.toString(16)} hits the interrupt window 0xfee00000-0xfeefffff: that is an MSI write, not memory, and Guest.Dma does not model device MSIs`);
      }
      return t.pa;
    });
  }

  /**
   * A virtio device's DMA in an SMMUV3 VM: with ACCESS_PLATFORM every 4 KiB piece goes through
   * the unit as StreamID = endpoint id, SubstreamID = `pasid` (dmaTranslate: configuration cache,
   * IOTLB, STE/CD and table walks; an event recorded in the guest's EVTQ when the STE/CD asks
   * for it, with the `evtq` interrupt); without it the device uses GPAs. All pieces are
   * translated before any byte moves, so a faulting DMA transfers nothing.
   */
  private smmuDma(vm: Vm, smmu: Smmuv3, v: VirtioRuntime, iova: bigint, length: bigint, write: boolean, data: Uint8Array, ssid?: number): Promise<DmaOutcome> {
    const translated = virtioDmaTranslated(v, ssid, 'SubstreamID');
    const sid = v.cfg.endpointId;
    return this.unitDma(vm, iova, length, write, data, (cur) => {
      if (!translated) return cur;
      const t = smmu.dmaTranslate(sid, ssid, cur, write);
      if (!t.ok) return { smmuFault: smmuFaultOf(t, sid, ssid, cur, write) };
      // a translation without the access right: the access fails without an event (QEMU's
      // memory core checks the returned entry's perm after smmuv3_translate succeeded)
      if ((t.perm & (write ? PERM_W : PERM_R)) === 0) return { smmuFault: { eventId: 0, sid, address: cur, write, ...(ssid !== undefined ? { ssid } : {}), recorded: false, record: new Uint8Array(0) } };
      return t.pa;
    });
  }

  /**
   * A DMA of an emulated device through a hardware vIOMMU model: `translatePage` maps each 4 KiB
   * piece (steps finer than any granule) to a GPA or ends the DMA with a fault outcome; every
   * piece is translated before any byte moves. The model's guest-RAM writes (A/D bits, EVTQ
   * records) and interrupts are settled whatever happens; the device's writes go to the host
   * and to the vmm's copy of guest RAM.
   */
  private async unitDma(vm: Vm, iova: bigint, length: bigint, write: boolean, data: Uint8Array, translatePage: (iova: bigint) => bigint | DmaOutcome): Promise<DmaOutcome> {
    const pieces: Array<[bigint, number]> = [];
    try {
      for (let off = 0n; off < length; ) {
        const cur = iova + off;
        const n = 4096n - (cur & 4095n) < length - off ? 4096n - (cur & 4095n) : length - off;
        const gpa = translatePage(cur);
        if (typeof gpa !== 'bigint') return gpa;
        if (ramVaOf(vm, gpa, n) === undefined) throw new DomainError('INVALID_ARGUMENT', 'GPA_OUT_OF_RANGE', `DMA to GPA 0x${gpa.toString(16)} outside guest RAM`);
        const last = pieces[pieces.length - 1];
        if (last && last[0] + BigInt(last[1]) === gpa) last[1] += Number(n);
        else pieces.push([gpa, Number(n)]);
        off += n;
      }
    } finally {
      // the unit's own writes (A/D bits, event records) and interrupts happened; its invalidations too
      await this.settle(vm);
    }
    return this.movePieces(vm, pieces, length, write, data);
  }

  /**
   * An emulated device's DMA once every piece is translated: the bytes move between `data` and
   * guest RAM (GPA pieces in order); a write also reaches the vmm's copy a hardware vIOMMU model
   * reads (vm.ram; none for virtio-iommu and NONE VMs).
   */
  private async movePieces(vm: Vm, pieces: ReadonlyArray<readonly [bigint, number]>, length: bigint, write: boolean, data: Uint8Array): Promise<DmaOutcome> {
    let o = 0;
    if (write) {
      for (const [gpa, n] of pieces) {
        const part = data.subarray(o, o + n);
        await this.writeGuestRam(vm, ramVa(vm, gpa, BigInt(n)), gpa, part); // an emulated device's DMA write
        o += n;
      }
      return { written: length };
    }
    const out = Buffer.alloc(Number(length));
    for (const [gpa, n] of pieces) {
      out.set(await this.link.readMemory(vm.hostPid, ramVa(vm, gpa, BigInt(n)), n), o);
      o += n;
    }
    return { data: out };
  }

  // ------------------------------------------------------------------ host events

  /**
   * React to host events: a VM's process killed; DMA faults of assigned devices, whoever made
   * the device DMA, are counted and logged (never guest-visible with EMULATED or NONE, as in QEMU);
   * a surprise removal of an assigned device removes it from its running VM (surpriseRemoved).
   */
  onHostEvent(e: HostEvent): void {
    if (e.kind === 'DEVICE_UNPLUGGED') {
      for (const vm of this.vms.values()) {
        if (vm.state !== 'RUNNING' || vm.hostObjectsLost || vm.proc?.bootId !== e.bootId) continue;
        for (const d of vm.vfio.values()) if (d.cfg.hostBdf === e.bdf) void this.surpriseRemoved(vm, d.cfg, e);
      }
    }
    if (e.kind === 'PROCESS_EXITED' || e.kind === 'LEASE_EXPIRED') {
      // pids are numbered again by a restarted host: an event names a VM's process only in its boot
      for (const vm of this.vms.values()) if (vm.proc && vm.proc.pid === e.pid && vm.proc.bootId === e.bootId) this.markLost(vm, `host process ${e.pid}: ${e.kind}`, vm.proc);
    }
    if (e.kind === 'DMA_FAULT') {
      for (const vm of this.vms.values()) {
        if (vm.state !== 'RUNNING' || vm.hostObjectsLost) continue;
        for (const d of vm.vfio.values()) {
          if (d.cfg.hostBdf !== e.bdf) continue;
          vm.hostDmaFaults++;
          this.hostDmaFaults++;
          this.logger.warn(
            { vm: vm.name, device: d.cfg.id, hostBdf: e.bdf, backend: d.backend, sequence: e.sequence.toString(), reason: e.fault?.reason, iova: e.fault ? `0x${e.fault.addr.toString(16)}` : undefined, vmFaults: vm.hostDmaFaults },
            `host DMA fault of an assigned device: ${e.message}`,
          );
        }
      }
    }
  }

  /**
   * The host removed an assigned device (pciehp surprise removal; vfio-pci relays the kernel's
   * device request to its user, and QEMU's vfio_req_notifier_handler unplugs the device from
   * the guest): the vmm removes it from the guest as UnplugDevice does, which closes its VFIO
   * fds so the host's removal completes, then reports it in VmInfo (removed_devices) and to the
   * guest (Events: device_removed). A device no longer there (unplugged, VM stopped) is left.
   */
  private async surpriseRemoved(vm: Vm, d: VfioDeviceConfig, e: HostEvent): Promise<void> {
    let done: Vm | undefined;
    try {
      done = await this.unplug(vm.name, d.id, d.hostBdf);
    } catch (err) {
      this.logger.error({ vm: vm.name, device: d.id, hostBdf: d.hostBdf, err: (err as Error).message }, 'surprise removal: removing the device from the guest failed');
      return;
    }
    if (!done) return;
    const reason = e.message || `host device ${d.hostBdf} removed`;
    vm.removed.push({ id: d.id, hostBdf: d.hostBdf, guestBdf: d.guestBdf, reason, hostSequence: e.sequence });
    if (vm.removed.length > MAX_REMOVED_KEPT) vm.removed.splice(0, vm.removed.length - MAX_REMOVED_KEPT);
    vm.events.append({ kind: 'device_removed', deviceId: d.id, guestBdf: d.guestBdf, reason });
    this.logger.warn({ vm: vm.name, device: d.id, hostBdf: d.hostBdf, guestBdf: d.guestBdf, sequence: e.sequence.toString() }, `assigned device removed from the guest: the host removed it (${reason})`);
  }

  /**
   * After the host link reconnects: every VM whose process is gone lost its host objects. A
   * process is the VM's only if its boot id, pid and start time are all the ones recorded at
   * spawn (a restarted host numbers its pids again, and anyone may name a process anything).
   */
  async recheckHost(): Promise<void> {
    const boot = this.link.bootId ?? (await this.link.describe(true)).bootId;
    for (const vm of this.vms.values()) {
      const proc = vm.proc;
      if (!proc || vm.hostObjectsLost || vm.exiting) continue;
      if (proc.bootId !== boot) {
        this.markLost(vm, restarted(proc, boot), proc);
        continue;
      }
      try {
        const now = await this.link.processInfo(proc.pid);
        if (now.bootId !== proc.bootId || now.startTime !== proc.startTime) {
          this.markLost(vm, `pid ${proc.pid} now names another process (boot ${now.bootId}, started at ${now.startTime}; the VM's: boot ${proc.bootId}, started at ${proc.startTime})`, proc);
        }
      } catch (e) {
        if (e instanceof HostCallError && (e.reason === 'ESRCH' || e.status === 'NOT_FOUND' || e.status === 'PERMISSION_DENIED')) this.markLost(vm, 'the VM host process no longer exists', proc);
      }
    }
  }
}

/** A vIOMMU register block the guest reaches with Guest.MmioRead / MmioWrite. */
interface MmioBlock {
  /** how errors name it */
  name: string;
  base: bigint;
  size: bigint;
  /** the model behind it (a write checks the VM still runs this one) */
  model: object;
  read(offset: number, size: 4 | 8): bigint;
  write(offset: number, size: 4 | 8, value: bigint): void | Promise<void>;
}

/** The VM's register block: the DMAR unit (q35) or the SMMUv3 (virt); undefined for other models. */
function mmioBlockOf(vm: Vm): MmioBlock | undefined {
  const intel = vm.intel;
  if (intel) return { name: 'DMAR unit', ...VTD_MMIO, model: intel, read: (o, s) => intel.mmioRead(o, s), write: (o, s, v) => intel.mmioWrite(o, s, v) };
  const smmu = vm.smmu;
  if (smmu) return { name: 'SMMUv3', ...SMMU_MMIO, model: smmu, read: (o, s) => smmu.mmioRead(o, s), write: (o, s, v) => smmu.mmioWrite(o, s, v) };
  return undefined;
}

/** FEATURES_OK of a virtio device: the driver may only accept offered bits, and must accept ACCESS_PLATFORM when offered. */
function virtioFeaturesAcceptable(d: VirtioRuntime, driver: bigint): boolean {
  return (driver & ~d.offered) === 0n && (!(d.offered & VIRTIO_F_ACCESS_PLATFORM) || (driver & VIRTIO_F_ACCESS_PLATFORM) !== 0n);
}

/** A virtio device's status register as the driver reads it. */
function virtioStatusOf(d: VirtioRuntime): number {
  return (d.status ?? 0) | (d.featuresOk ? VIRTIO_STATUS.FEATURES_OK : 0);
}

export type DmaOutcome =
  | { data: Buffer }
  | { written: bigint }
  | { virtioFault: { reason: number; flags: number; endpoint: number; address: bigint } }
  | { hostFault: NonNullable<Awaited<ReturnType<HostLink['deviceDma']>>['fault']> }
  | { vtdFault: VtdDmaFault }
  | { smmuFault: SmmuDmaFault };

/** The fault outcome of a failed SMMUv3 translation (`recorded`: the model wrote it to the guest's EVTQ). */
function smmuFaultOf(t: Extract<SmmuTranslation, { ok: false }> & { recorded?: boolean }, sid: number, ssid: number | undefined, iova: bigint, write: boolean): SmmuDmaFault {
  const ev = t.event;
  return {
    eventId: ev?.id ?? 0,
    sid,
    address: iova,
    write,
    ...(ssid !== undefined ? { ssid } : {}),
    recorded: t.recorded ?? false,
    record: ev ? encodeEventRecord(ev) : new Uint8Array(0),
  };
}

export type { EndpointView };

/**
 * Whether a virtio device's DMA goes through the vIOMMU (ACCESS_PLATFORM negotiated); an
 * untranslated DMA carrying a PASID / SubstreamID (`sub`, named `subName`) is refused (BAD_PASID).
 */
function virtioDmaTranslated(v: VirtioRuntime, sub: number | undefined, subName: 'PASID' | 'SubstreamID'): boolean {
  const translated = (v.driverFeatures & VIRTIO_F_ACCESS_PLATFORM) !== 0n;
  if (!translated && sub !== undefined) throw new DomainError('INVALID_ARGUMENT', 'BAD_PASID', `virtio device '${v.cfg.id}' did not negotiate ACCESS_PLATFORM: its DMA is untranslated and carries no ${subName}`);
  return translated;
}

/**
 * Plug-time checks of a legacy_container device (QEMU's vfio_legacy_attach_device path): the
 * host serves /dev/vfio/vfio, the device is bound to vfio-pci, its group is viable, and behind a
 * vIOMMU (one address space per device) no other assigned device of the VM shares its group.
 */
export function legacyPlugViolations(cfg: VmConfig, d: VfioDeviceConfig, hd: HostDescription['devices'][number], desc: HostDescription, all: readonly DeviceConfig[]): Array<{ rule: string; detail: string }> {
  const out: Array<{ rule: string; detail: string }> = [];
  if (!desc.kernel.nativeType1 && !desc.kernel.vfioCompatContainer) out.push({ rule: 'container', detail: `host ${desc.name} serves no VFIO container (/dev/vfio/vfio): neither native type1 nor iommufd's compatibility layer` });
  if (hd.driver !== 'vfio-pci') out.push({ rule: 'host device', detail: `${d.hostBdf} is not bound to vfio-pci (driver ${hd.driver})` });
  const g = desc.groups.find((x) => x.id === hd.group);
  if (g && !g.viable) out.push({ rule: 'group', detail: `group ${hd.group} is not viable. Please ensure all devices within the iommu_group are bound to their vfio bus driver.` });
  for (const o of all) {
    // the group and cdev paths exclude each other per group (a group opened through
    // /dev/vfio/<group> blocks the cdev bind of its devices, and the other way round)
    if (o === d || o.kind !== 'vfio' || o.id === d.id || o.legacyContainer) continue;
    if (desc.devices.find((x) => x.bdf === o.hostBdf)?.group === hd.group) {
      out.push({ rule: 'group', detail: `group ${hd.group} is also used through iommufd by '${o.id}' (${o.hostBdf}): a group opened for the legacy container blocks its devices' cdev binds` });
      break;
    }
  }
  if (cfg.viommu.model !== 'NONE') {
    for (const o of all) {
      if (o === d || o.kind !== 'vfio' || o.id === d.id || !o.legacyContainer) continue;
      const og = desc.devices.find((x) => x.bdf === o.hostBdf)?.group;
      if (og === hd.group) {
        out.push({ rule: 'group', detail: `group ${hd.group} used in multiple address spaces (with a vIOMMU every assigned device has its own; '${o.id}' ${o.hostBdf} is in the same group)` });
        break;
      }
    }
  }
  return out;
}
