/**
 * The vmm's link to its host-iommu: typed, promise-based kernel calls made on behalf of a VM's
 * host process (principal `qemu`), the hardware side (principal with the platform role) for
 * assigned devices' DMA, and a resumable follower of the host event log. Host errors keep
 * their errno reason (ErrorInfo) so the vmm can report exactly what the kernel said.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, type StatusName } from '#libs/errno/index.js';
import { call, callMeta, createClients, type HostClients } from '#libs/rpc/client.js';
import { BOOT_ID_KEY, START_TIME_KEY } from '#libs/rpc/metadata.js';
import { decodeErrorInfo, errorInfoOfStatus, type ErrorInfo } from '#libs/rpc/errors.js';
import type { DescribedUnitBasics } from '#libs/caps/index.js';
import type { DescribeResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/DescribeResponse.js';
import type { IoctlsRequest } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsResponse.js';
import type { ReadMemoryRequest } from '#libs/rpc/gen/iommutwin/host/v1/ReadMemoryRequest.js';
import type { ReadMemoryResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/ReadMemoryResponse.js';
import type { WriteMemoryRequest } from '#libs/rpc/gen/iommutwin/host/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WriteMemoryResponse.js';
import { IoctlPipe, type IoctlDuplex } from './ioctls.js';

export const O_RDWR = 2;
const U64_MAX = (1n << 64n) - 1n;

/** A host call that failed: the host's status and ErrorInfo reason (errno name), kept. */
export class HostCallError extends DomainError {
  constructor(
    status: StatusName,
    reason: string,
    message: string,
    metadata: Record<string, string>,
    readonly grpcCode: number,
  ) {
    super(status, reason, message, metadata);
    this.name = 'HostCallError';
  }
}

const CODE_NAME: Record<number, StatusName> = {
  [grpc.status.INVALID_ARGUMENT]: 'INVALID_ARGUMENT',
  [grpc.status.NOT_FOUND]: 'NOT_FOUND',
  [grpc.status.ALREADY_EXISTS]: 'ALREADY_EXISTS',
  [grpc.status.PERMISSION_DENIED]: 'PERMISSION_DENIED',
  [grpc.status.UNAUTHENTICATED]: 'UNAUTHENTICATED',
  [grpc.status.FAILED_PRECONDITION]: 'FAILED_PRECONDITION',
  [grpc.status.RESOURCE_EXHAUSTED]: 'RESOURCE_EXHAUSTED',
  [grpc.status.OUT_OF_RANGE]: 'OUT_OF_RANGE',
  [grpc.status.UNIMPLEMENTED]: 'UNIMPLEMENTED',
  [grpc.status.INTERNAL]: 'INTERNAL',
  [grpc.status.ABORTED]: 'ABORTED',
};

/** The HostCallError of a host answer: its status code, message and ErrorInfo. */
function hostError(what: string, code: number, details: string, info: ErrorInfo | undefined): HostCallError {
  const status: StatusName = CODE_NAME[code] ?? 'UNAVAILABLE';
  const reason = info?.reason ?? (code === grpc.status.UNAVAILABLE ? 'HOST_UNAVAILABLE' : 'HOST_ERROR');
  return new HostCallError(status, reason, `host-iommu ${what}: ${details}`, { ...(info?.metadata ?? {}), hostCall: what }, code);
}

function wrap(what: string, e: unknown): HostCallError {
  const err = e as grpc.ServiceError;
  const code = typeof err.code === 'number' ? err.code : grpc.status.UNKNOWN;
  return hostError(what, code, err.details ?? err.message, decodeErrorInfo(err));
}

async function h<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw wrap(what, e);
  }
}

/** A host process as /proc names it across host restarts: boot id, pid and start time. */
export interface HostProcessId {
  bootId: string;
  pid: number;
  /** clock ticks since the host booted (/proc/<pid>/stat starttime) */
  startTime: bigint;
}

export interface HostEvent {
  /** the boot whose log numbers this event (a restarted host numbers its events and pids again) */
  bootId: string;
  sequence: bigint;
  kind: string;
  bdf: string;
  pid: number;
  message: string;
  fault?: { reason: string; addr: bigint; write: boolean };
}

export interface HostDevice {
  bdf: string;
  cdev: string;
  group: number;
  unit: string;
  driver: string;
  reservedRegions: Array<{ start: bigint; last: bigint; type: string }>;
  /** BARs present (index, size; the host physical address is the platform's business) */
  bars?: Array<{ index: number; size: bigint }>;
  /** false once surprise-removed (Platform.Unplug) */
  present?: boolean;
  /** VFIO_DEVICE_FEATURE_MIGRATION flags (STOP_COPY = 1, P2P = 2, PRE_COPY = 4); 0: cannot migrate */
  migrationFlags?: number;
  /** device-side DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_*) */
  dmaLogging?: boolean;
}

/** What the host kernel serves (Describe's KernelFeatures). */
export interface HostKernelFeatures {
  iommufd: boolean;
  /** /dev/vfio/vfio is iommufd's compatibility layer (vfio_compat.c) */
  vfioCompatContainer: boolean;
  /** /dev/vfio/vfio is VFIO's own type1 backend (vfio_iommu_type1.c) */
  nativeType1: boolean;
  /** VFIO_DEVICE_FEATURE_DMA_BUF + IOMMU_IOAS_MAP_FILE of a dma-buf (P2P on iommufd) */
  dmabufP2p: boolean;
}

export interface HostUnit extends DescribedUnitBasics {
  dirtyTracking: boolean;
  /** SMMUv3 units: IDR0..IDR5 as IOMMU_GET_HW_INFO reports them (what QEMU's accel checks read) */
  smmuIdr?: readonly number[];
}

export interface HostDescription {
  name: string;
  arch: string;
  units: HostUnit[];
  devices: HostDevice[];
  iommufd: boolean;
  kernel: HostKernelFeatures;
  /** IOMMU groups: VFIO_GROUP_FLAGS_VIABLE as the host computes it */
  groups: Array<{ id: number; viable: boolean; devices: string[] }>;
  /** the host's boot id (random per host-iommu start) */
  bootId: string;
}

/** enum vfio_device_mig_state (VFIO_DEVICE_STATE_*), as the host's VfioDeviceMigState names it. */
export type VfioMigState =
  | 'VFIO_DEVICE_MIG_STATE_ERROR'
  | 'VFIO_DEVICE_MIG_STATE_STOP'
  | 'VFIO_DEVICE_MIG_STATE_RUNNING'
  | 'VFIO_DEVICE_MIG_STATE_STOP_COPY'
  | 'VFIO_DEVICE_MIG_STATE_RESUMING'
  | 'VFIO_DEVICE_MIG_STATE_RUNNING_P2P'
  | 'VFIO_DEVICE_MIG_STATE_PRE_COPY'
  | 'VFIO_DEVICE_MIG_STATE_PRE_COPY_P2P';

export interface HostLinkOptions {
  address: string;
  /** token of the principal VM processes run as (`qemu`) */
  token: string;
  /** token with the platform role (assigned devices' DMA, Describe, WatchEvents) */
  platformToken: string;
  logger: Logger;
  credentials?: grpc.ChannelCredentials;
  /**
   * Opens an Iommufd.Ioctls stream as the principal `token` names (the in-process transport of a
   * host-iommu in this process: `inProcessIoctls(...).open`). Default: the gRPC stream on the
   * link's channel.
   */
  ioctls?: (token: string, metadata: grpc.Metadata) => IoctlDuplex;
  /**
   * Process.ReadMemory / Process.WriteMemory of a host-iommu in this process (its in-process
   * transport: `inProcessProcessMemory(...)`), called as the principal `token` names: the guest-RAM
   * accesses then skip HTTP/2. Default: the unary gRPC calls on the link's channel.
   */
  memory?: HostMemoryCalls;
  /** Deadline of one host call (unary, or one ioctl on the stream); default 30 s. */
  deadlineMs?: number;
}

/** One unary method of the host in this process (libs/rpc/inprocess.ts InProcessUnary). */
export interface InProcessUnaryCalls<Req, Res> {
  call(token: string, req: Req, metadata: grpc.Metadata, options?: { deadlineMs?: number }): Promise<Res>;
}

/** The host's Process memory calls in this process. */
export interface HostMemoryCalls {
  ReadMemory: InProcessUnaryCalls<ReadMemoryRequest, ReadMemoryResponse__Output>;
  WriteMemory: InProcessUnaryCalls<WriteMemoryRequest, WriteMemoryResponse__Output>;
}

/** The Ioctls oneof members the link sends on the stream, with the unary method each stands for. */
type StreamIoctl = 'ioas_map' | 'ioas_unmap' | 'viommu_alloc' | 'vdevice_alloc' | 'veventq_alloc';
const IOCTL_METHOD: Record<StreamIoctl, string> = { ioas_map: 'IoasMap', ioas_unmap: 'IoasUnmap', viommu_alloc: 'ViommuAlloc', vdevice_alloc: 'VdeviceAlloc', veventq_alloc: 'VeventqAlloc' };

/** One vEVENT read from a vEVENTQ (Iommufd.ReadVevents: `struct iommufd_vevent_header` + payload). */
export interface HostVevent {
  /** IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1: a marker without payload (events were dropped before it) */
  flags: number;
  /** increasing; a gap means events were lost */
  sequence: bigint;
  /** the type-specific record (ARM_SMMUV3: the 32-byte event record, SID = the guest's vSID) */
  data: Uint8Array;
}

/** The vmm's view of a host from its Platform.Describe answer (this host's, or a migration peer's). */
export function hostDescriptionOf(d: DescribeResponse__Output): HostDescription {
  return {
    bootId: d.boot_id,
    name: d.name,
    arch: d.arch,
    iommufd: d.kernel_features?.iommufd ?? false,
    kernel: {
      iommufd: d.kernel_features?.iommufd ?? false,
      vfioCompatContainer: d.kernel_features?.vfio_compat_container ?? false,
      nativeType1: d.kernel_features?.native_type1 ?? false,
      dmabufP2p: d.kernel_features?.dmabuf_p2p ?? false,
    },
    groups: d.groups.map((g) => ({ id: g.id, viable: g.viable, devices: [...g.devices] })),
    units: d.units.map((u) => ({
      name: u.name,
      type: u.type as string,
      pageSizes: BigInt(u.page_sizes as string),
      inputBits: u.input_address_width,
      pasidBits: u.pasid_bits,
      nesting: u.nesting,
      dirtyTracking: u.dirty_tracking,
      ...(u.hw_info?.smmuv3?.idr?.length === 6 ? { smmuIdr: [...u.hw_info.smmuv3.idr] } : {}),
    })),
    devices: d.devices.map((x) => ({
      bdf: x.bdf,
      cdev: x.cdev,
      group: x.group,
      unit: x.unit,
      driver: x.driver,
      reservedRegions: x.reserved_regions.map((r) => ({ start: BigInt(r.start as string), last: BigInt(r.last as string), type: r.type as string })),
      bars: x.bars.map((b) => ({ index: b.index, size: BigInt(b.size as string) })),
      present: x.present,
      migrationFlags: x.migration_flags ?? 0,
      dmaLogging: x.dma_logging ?? false,
    })),
  };
}

export class HostLink {
  readonly vm: HostClients;
  readonly hw: HostClients;
  private describeCache: HostDescription | undefined;
  /** The host as last described, kept while the link re-connects (VmInfo's migration blockers read it). */
  lastDescription: HostDescription | undefined;
  /** Platform.Describe's answer as last read (GetHostCapabilities.host_description). */
  lastDescribe: DescribeResponse__Output | undefined;
  /**
   * Per process (pid): called before each of its IOAS / type1 container unmaps while a live
   * migration tracks its devices' DMA, as QEMU reads a range's dirty bitmap before unmapping it
   * (IOMMU_HWPT_GET_DIRTY_BITMAP NO_CLEAR; type1 unmap-with-bitmap): pages written just before
   * an unmap stay dirty for the migration (migration/dirty-dma.ts). Its failure does not stop the unmap.
   */
  readonly beforeUnmap = new Map<number, (space: { kind: 'ioas' | 'container'; fd: number; id: number }, iova: bigint, length: bigint) => Promise<void>>();
  /**
   * The boot id of the host as last read (Describe); undefined after the event stream broke and
   * until the host is read again — the host may have restarted meanwhile and numbers its pids
   * again, so a pid names a VM's process only while its boot is this one.
   */
  bootId: string | undefined;
  /**
   * Processes this link spawned, by pid: every per-process call carries their identity (boot id
   * and start time metadata) so the host refuses it (ESRCH) once the pid names another process.
   */
  private readonly spawned = new Map<number, HostProcessId>();
  /** The Ioctls stream of each VM process (by pid), opened on its first streamed ioctl. */
  private readonly pipes = new Map<number, IoctlPipe>();
  /** The InvalidationChannel stream of each VM process (by pid), opened on its first invalidation. */
  private readonly invChannels = new Map<number, InvalidationChannel>();
  private readonly openIoctls: (metadata: grpc.Metadata) => IoctlDuplex;
  private readonly deadlineMs: number;
  private readonly deadlineTimer: ReturnType<typeof setInterval>;
  /** which transport the ioctl streams use */
  readonly ioctlTransport: 'grpc' | 'in-process';
  /** which transport ReadMemory / WriteMemory use */
  readonly memoryTransport: 'grpc' | 'in-process';

  constructor(readonly opts: HostLinkOptions) {
    this.deadlineMs = opts.deadlineMs ?? 30_000;
    const common = { defaultDeadlineMs: this.deadlineMs, ...(opts.credentials ? { credentials: opts.credentials } : {}) };
    this.vm = createClients(opts.address, { token: opts.token, ...common });
    this.hw = createClients(opts.address, { token: opts.platformToken, ...common });
    const inProcess = opts.ioctls;
    this.ioctlTransport = inProcess ? 'in-process' : 'grpc';
    this.openIoctls = inProcess ? (md) => inProcess(opts.token, md) : (md) => this.vm.Iommufd.Ioctls(md);
    this.memoryTransport = opts.memory ? 'in-process' : 'grpc';
    this.deadlineTimer = setInterval(() => {
      const now = performance.now();
      for (const p of this.pipes.values()) p.checkDeadline(now);
    }, Math.min(1000, this.deadlineMs));
    this.deadlineTimer.unref();
  }

  /** Close the ioctl streams and the channels. */
  dispose(): void {
    clearInterval(this.deadlineTimer);
    for (const p of this.pipes.values()) p.cancel();
    this.pipes.clear();
    for (const c of this.invChannels.values()) c.close();
    this.invChannels.clear();
    this.vm.close();
    this.hw.close();
  }

  /** Open ioctl streams (one per VM process that made a streamed ioctl) and streams opened so far. */
  ioctlStreams(): { open: number; opened: number } {
    let opened = 0;
    for (const p of this.pipes.values()) opened += p.opened;
    return { open: this.pipes.size, opened };
  }

  /**
   * One ioctl on process `pid`'s Ioctls stream: its result, or the HostCallError the unary call
   * would have thrown (same status, reason, message and metadata). The stream is opened with
   * the process's current metadata; when that changes (another identity at this pid) a new
   * stream is opened.
   */
  private async ioctl<K extends StreamIoctl>(pid: number, k: K, req: NonNullable<IoctlsRequest[K]>): Promise<NonNullable<IoctlsResponse__Output[K]>> {
    const id = this.spawned.get(pid);
    const key = id ? `${id.bootId}/${id.startTime}` : '';
    let pipe = this.pipes.get(pid);
    if (pipe && pipe.key !== key) {
      pipe.close();
      pipe = undefined;
    }
    if (!pipe) this.pipes.set(pid, (pipe = new IoctlPipe(this.openIoctls, this.meta(pid), this.deadlineMs, key)));
    const r = await h(IOCTL_METHOD[k], pipe.submit({ [k]: req } as IoctlsRequest));
    const st = r.status;
    if (st && st.code !== 0) throw hostError(IOCTL_METHOD[k], st.code, st.message, errorInfoOfStatus(st));
    return r[k] as NonNullable<IoctlsResponse__Output[K]>;
  }

  /** Process `pid` is gone (or no longer ours): its ioctl stream ends. */
  private dropPipe(pid: number): void {
    this.invChannels.get(pid)?.close();
    this.invChannels.delete(pid);
    const p = this.pipes.get(pid);
    if (!p) return;
    this.pipes.delete(pid);
    p.close();
  }

  // ------------------------------------------------------------------ processes and files

  /** A new process of the VM principal: its identity across host restarts. */
  async spawn(name: string, leaseMs: number): Promise<HostProcessId> {
    const r = await h('Spawn', call(this.vm.Process.Spawn, { name, lease_ms: leaseMs }));
    const id = { bootId: r.boot_id, pid: r.pid, startTime: BigInt(r.start_time as string) };
    this.spawned.set(id.pid, id);
    return id;
  }
  async heartbeat(pid: number): Promise<void> {
    await h('Heartbeat', call(this.vm.Process.Heartbeat, { pid }, this.identity(pid)));
  }
  async exit(pid: number): Promise<void> {
    this.dropPipe(pid);
    try {
      await h('Exit', call(this.vm.Process.Exit, { pid }, this.identity(pid)));
    } catch (e) {
      if (e instanceof HostCallError && e.reason === 'ESRCH') this.spawned.delete(pid);
      throw e;
    }
    this.spawned.delete(pid);
  }
  /** Identity metadata of a process this link spawned (boot id, start time); none for others. */
  private identity(pid: number): grpc.Metadata {
    return callMeta(undefined, this.identityKeys(pid));
  }
  /** Metadata of a call acting as process `pid`: the pid and, when known, its identity. */
  private meta(pid: number): grpc.Metadata {
    return callMeta(pid, this.identityKeys(pid));
  }
  private identityKeys(pid: number): Record<string, string> {
    const id = this.spawned.get(pid);
    return id ? { [BOOT_ID_KEY]: id.bootId, [START_TIME_KEY]: id.startTime.toString() } : {};
  }
  async open(pid: number, path: string): Promise<number> {
    return (await h(`Open ${path}`, call(this.vm.Process.Open, { path, flags: O_RDWR }, this.meta(pid)))).fd;
  }
  async closeFd(pid: number, fd: number): Promise<void> {
    await h('Close', call(this.vm.Process.Close, { fd }, this.meta(pid)));
  }
  async fdKinds(pid: number): Promise<Map<number, string>> {
    const r = await h('GetStatus', call(this.vm.Process.GetStatus, { pid }, this.identity(pid)));
    return new Map(r.fds.map((f) => [f.fd, f.kind as string]));
  }
  /** What the host's process `pid` is now (/proc/<pid>/status and stat): its identity, name, owner. */
  async processInfo(pid: number): Promise<HostProcessId & { name: string; principal: string }> {
    const r = await h('GetStatus', call(this.vm.Process.GetStatus, { pid }));
    return { bootId: r.boot_id, pid, startTime: BigInt(r.start_time as string), name: r.name, principal: r.principal };
  }
  async memfd(pid: number, name: string, size: bigint): Promise<number> {
    const fd = (await h('MemfdCreate', call(this.vm.Process.MemfdCreate, { name, flags: 0 }, this.meta(pid)))).fd;
    await h('Ftruncate', call(this.vm.Process.Ftruncate, { fd, length: size.toString() }, this.meta(pid)));
    return fd;
  }
  async mmapShared(pid: number, fd: number, length: bigint): Promise<bigint> {
    const r = await h('Mmap', call(this.vm.Process.Mmap, { addr: '0', length: length.toString(), prot: 3, flags: 1, fd, offset: '0' }, this.meta(pid)));
    return BigInt(r.addr as string);
  }
  async readMemory(pid: number, va: bigint, length: number): Promise<Buffer> {
    const req: ReadMemoryRequest = { addr: va.toString(), length: String(length) };
    const mem = this.opts.memory;
    const p = mem ? mem.ReadMemory.call(this.opts.token, req, this.meta(pid), { deadlineMs: this.deadlineMs }) : call(this.vm.Process.ReadMemory, req, this.meta(pid));
    return (await h('ReadMemory', p)).data as Buffer;
  }
  async writeMemory(pid: number, va: bigint, data: Uint8Array): Promise<void> {
    const req: WriteMemoryRequest = { addr: va.toString(), data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
    const mem = this.opts.memory;
    await h('WriteMemory', mem ? mem.WriteMemory.call(this.opts.token, req, this.meta(pid), { deadlineMs: this.deadlineMs }) : call(this.vm.Process.WriteMemory, req, this.meta(pid)));
  }

  // ------------------------------------------------------------------ iommufd / vfio

  async ioasAlloc(pid: number, fd: number): Promise<number> {
    return (await h('IoasAlloc', call(this.vm.Iommufd.IoasAlloc, { fd, flags: 0 }, this.meta(pid)))).out_ioas_id;
  }
  async destroy(pid: number, fd: number, id: number): Promise<void> {
    await h('Destroy', call(this.vm.Iommufd.Destroy, { fd, id }, this.meta(pid)));
  }
  /** FIXED_IOVA map of `length` bytes of the process's VA at `iova` (on the process's ioctl stream). */
  async ioasMapFixed(pid: number, fd: number, ioas: number, va: bigint, length: bigint, iova: bigint, read: boolean, write: boolean): Promise<void> {
    const flags = 1 | (write ? 2 : 0) | (read ? 4 : 0);
    await this.ioctl(pid, 'ioas_map', { fd, flags, ioas_id: ioas, user_va: va.toString(), length: length.toString(), iova: iova.toString() });
  }
  /** IOMMU_IOAS_UNMAP (on the process's ioctl stream): the bytes unmapped. */
  async ioasUnmap(pid: number, fd: number, ioas: number, iova: bigint, length: bigint): Promise<bigint> {
    await this.beforeUnmap.get(pid)?.({ kind: 'ioas', fd, id: ioas }, iova, length).catch(() => undefined);
    const r = await this.ioctl(pid, 'ioas_unmap', { fd, ioas_id: ioas, iova: iova.toString(), length: length.toString() });
    return BigInt(r.length);
  }
  async ioasUnmapAll(pid: number, fd: number, ioas: number): Promise<bigint> {
    return this.ioasUnmap(pid, fd, ioas, 0n, U64_MAX);
  }
  async iovaRanges(pid: number, fd: number, ioas: number): Promise<Array<{ start: bigint; last: bigint }>> {
    const r = await h('IoasIovaRanges', call(this.vm.Iommufd.IoasIovaRanges, { fd, ioas_id: ioas }, this.meta(pid)));
    return r.allowed_iovas.map((x) => ({ start: BigInt(x.start as string), last: BigInt(x.last as string) }));
  }
  async bind(pid: number, deviceFd: number, iommufd: number): Promise<number> {
    return (await h('DeviceBindIommufd', call(this.vm.Vfio.DeviceBindIommufd, { device_fd: deviceFd, iommufd, flags: 0 }, this.meta(pid)))).out_devid;
  }
  async attach(pid: number, deviceFd: number, ptId: number): Promise<number> {
    return (await h('DeviceAttachPt', call(this.vm.Vfio.DeviceAttachPt, { device_fd: deviceFd, flags: 0, pt_id: ptId, pasid: 0 }, this.meta(pid)))).pt_id;
  }
  async detach(pid: number, deviceFd: number): Promise<void> {
    await h('DeviceDetachPt', call(this.vm.Vfio.DeviceDetachPt, { device_fd: deviceFd, flags: 0, pasid: 0 }, this.meta(pid)));
  }
  // ------------------------------------------------------------------ BARs and P2P

  /** VFIO_DEVICE_GET_REGION_INFO: flags (READ 1, WRITE 2, MMAP 4), size and the region's offset in the device fd. */
  async regionInfo(pid: number, deviceFd: number, index: number): Promise<{ flags: number; size: bigint; offset: bigint }> {
    const r = await h('DeviceGetRegionInfo', call(this.vm.Vfio.DeviceGetRegionInfo, { device_fd: deviceFd, index }, this.meta(pid)));
    return { flags: r.flags, size: BigInt(r.size as string), offset: BigInt(r.offset as string) };
  }
  /** mmap(MAP_SHARED, RW) of `length` bytes of fd `fd` at file offset `offset` (a BAR through its device fd): the VA. */
  async mmapFd(pid: number, fd: number, length: bigint, offset: bigint): Promise<bigint> {
    const r = await h('Mmap', call(this.vm.Process.Mmap, { addr: '0', length: length.toString(), prot: 3, flags: 1, fd, offset: offset.toString() }, this.meta(pid)));
    return BigInt(r.addr as string);
  }
  async munmap(pid: number, addr: bigint, length: bigint): Promise<void> {
    await h('Munmap', call(this.vm.Process.Munmap, { addr: addr.toString(), length: length.toString() }, this.meta(pid)));
  }
  /** VFIO_DEVICE_FEATURE_DMA_BUF of BAR `index` [offset, +length): the dma-buf fd (O_RDWR | O_CLOEXEC). */
  async getDmabuf(pid: number, deviceFd: number, index: number, offset: bigint, length: bigint): Promise<number> {
    const req = { device_fd: deviceFd, region_index: index, ranges: [{ offset: offset.toString(), length: length.toString() }], open_flags: 2 | 0x80000 };
    return (await h('DeviceGetDmabuf', call(this.vm.Vfio.DeviceGetDmabuf, req, this.meta(pid)))).dmabuf_fd;
  }
  /** IOMMU_IOAS_MAP_FILE with FIXED_IOVA, readable and writeable, of [start, +length) of `fileFd` at `iova`. */
  async ioasMapFile(pid: number, fd: number, ioas: number, fileFd: number, start: bigint, length: bigint, iova: bigint): Promise<void> {
    await h('IoasMapFile', call(this.vm.Iommufd.IoasMapFile, { fd, flags: 1 | 2 | 4, ioas_id: ioas, file_fd: fileFd, start: start.toString(), length: length.toString(), iova: iova.toString() }, this.meta(pid)));
  }

  // ------------------------------------------------------------------ VFIO groups and the container (legacy path)

  /** VFIO_GROUP_GET_STATUS: VFIO_GROUP_FLAGS_VIABLE = 1, CONTAINER_SET = 2. */
  async groupGetStatus(pid: number, groupFd: number): Promise<number> {
    return (await h('GroupGetStatus', call(this.vm.Vfio.GroupGetStatus, { group_fd: groupFd }, this.meta(pid)))).flags;
  }
  /** VFIO_GROUP_SET_CONTAINER. */
  async groupSetContainer(pid: number, groupFd: number, containerFd: number): Promise<void> {
    await h('GroupSetContainer', call(this.vm.Vfio.GroupSetContainer, { group_fd: groupFd, container_fd: containerFd }, this.meta(pid)));
  }
  /** VFIO_GROUP_UNSET_CONTAINER. */
  async groupUnsetContainer(pid: number, groupFd: number): Promise<void> {
    await h('GroupUnsetContainer', call(this.vm.Vfio.GroupUnsetContainer, { group_fd: groupFd }, this.meta(pid)));
  }
  /** VFIO_GROUP_GET_DEVICE_FD: the device fd of `name` (its BDF). */
  async groupGetDeviceFd(pid: number, groupFd: number, name: string): Promise<number> {
    return (await h('GroupGetDeviceFd', call(this.vm.Vfio.GroupGetDeviceFd, { group_fd: groupFd, name }, this.meta(pid)))).device_fd;
  }
  /** VFIO_GET_API_VERSION. */
  async containerGetApiVersion(pid: number, fd: number): Promise<number> {
    return (await h('ContainerGetApiVersion', call(this.vm.Vfio.ContainerGetApiVersion, { container_fd: fd }, this.meta(pid)))).version;
  }
  /** VFIO_CHECK_EXTENSION: whether the ioctl returned nonzero. */
  async containerCheckExtension(pid: number, fd: number, extension: number): Promise<boolean> {
    return (await h('ContainerCheckExtension', call(this.vm.Vfio.ContainerCheckExtension, { container_fd: fd, extension }, this.meta(pid)))).supported;
  }
  /** VFIO_SET_IOMMU (VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3). */
  async containerSetIommu(pid: number, fd: number, type: number): Promise<void> {
    await h('ContainerSetIommu', call(this.vm.Vfio.ContainerSetIommu, { container_fd: fd, type }, this.meta(pid)));
  }
  /** VFIO_IOMMU_GET_INFO: page sizes, usable IOVA ranges (inclusive ends), DMA mappings left. */
  async containerGetInfo(pid: number, fd: number): Promise<{ flags: number; pgsizes: bigint; iovaRanges: Array<{ start: bigint; last: bigint }>; dmaAvail: number }> {
    const r = await h('ContainerGetInfo', call(this.vm.Vfio.ContainerGetInfo, { container_fd: fd }, this.meta(pid)));
    return {
      flags: r.flags,
      pgsizes: BigInt(r.iova_pgsizes as string),
      iovaRanges: r.iova_ranges.map((x) => ({ start: BigInt(x.start as string), last: BigInt(x.last as string) })),
      dmaAvail: r.dma_avail,
    };
  }
  /** VFIO_IOMMU_MAP_DMA of `size` bytes of the process's VA `vaddr` at `iova` (READ = 1, WRITE = 2). */
  async containerMapDma(pid: number, fd: number, vaddr: bigint, iova: bigint, size: bigint, read: boolean, write: boolean): Promise<void> {
    const flags = (read ? 1 : 0) | (write ? 2 : 0);
    await h('ContainerMapDma', call(this.vm.Vfio.ContainerMapDma, { container_fd: fd, flags, vaddr: vaddr.toString(), iova: iova.toString(), size: size.toString() }, this.meta(pid)));
  }
  /** VFIO_IOMMU_UNMAP_DMA of [iova, iova + size) (flags 0): the bytes unmapped. */
  async containerUnmapDma(pid: number, fd: number, iova: bigint, size: bigint): Promise<bigint> {
    await this.beforeUnmap.get(pid)?.({ kind: 'container', fd, id: fd }, iova, size).catch(() => undefined);
    const r = await h('ContainerUnmapDma', call(this.vm.Vfio.ContainerUnmapDma, { container_fd: fd, flags: 0, iova: iova.toString(), size: size.toString(), bitmap_pgsize: '0' }, this.meta(pid)));
    return BigInt(r.size as string);
  }

  // ------------------------------------------------------------------ VFIO migration v2 (live migration)

  /** VFIO_DEVICE_FEATURE_MIGRATION (GET): STOP_COPY = 1, P2P = 2, PRE_COPY = 4 (ENOTTY: the device cannot migrate). */
  async migrationFlags(pid: number, deviceFd: number): Promise<number> {
    return (await h('DeviceFeatureMigration', call(this.vm.Vfio.DeviceFeatureMigration, { device_fd: deviceFd }, this.meta(pid)))).flags;
  }
  /** VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (SET) to `state` (VFIO_DEVICE_STATE_*): the new data fd, or -1. */
  async setMigState(pid: number, deviceFd: number, state: VfioMigState): Promise<number> {
    return (await h('DeviceSetMigState', call(this.vm.Vfio.DeviceSetMigState, { device_fd: deviceFd, device_state: state }, this.meta(pid)))).data_fd;
  }
  /** VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (GET). */
  async getMigState(pid: number, deviceFd: number): Promise<VfioMigState> {
    return (await h('DeviceGetMigState', call(this.vm.Vfio.DeviceGetMigState, { device_fd: deviceFd }, this.meta(pid)))).device_state as VfioMigState;
  }
  /** VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (GET): the STOP_COPY estimate in bytes. */
  async migDataSize(pid: number, deviceFd: number): Promise<bigint> {
    return BigInt((await h('DeviceMigDataSize', call(this.vm.Vfio.DeviceMigDataSize, { device_fd: deviceFd }, this.meta(pid)))).stop_copy_length as string);
  }
  /** VFIO_MIG_GET_PRECOPY_INFO on a PRE_COPY data fd. */
  async precopyInfo(pid: number, dataFd: number): Promise<{ initialBytes: bigint; dirtyBytes: bigint }> {
    const r = await h('DevicePrecopyInfo', call(this.vm.Vfio.DevicePrecopyInfo, { data_fd: dataFd }, this.meta(pid)));
    return { initialBytes: BigInt(r.initial_bytes as string), dirtyBytes: BigInt(r.dirty_bytes as string) };
  }
  /**
   * read(2) of a saving data fd until what the session has now (PRE_COPY: ENOMSG when nothing new
   * resolves to an empty list; STOP_COPY: to its end), as the host's chunks in order.
   */
  async readMigData(pid: number, dataFd: number, chunkBytes = 1 << 20): Promise<Buffer[]> {
    const stream = this.vm.Vfio.ReadMigData({ data_fd: dataFd, length: '0', chunk_bytes: chunkBytes }, this.meta(pid), { deadline: Date.now() + this.deadlineMs });
    const out: Buffer[] = [];
    try {
      for await (const m of stream as AsyncIterable<{ data: Buffer }>) out.push(m.data);
    } catch (e) {
      const err = wrap('ReadMigData', e);
      if (err.reason === 'ENOMSG' && out.length === 0) return [];
      throw err;
    }
    return out;
  }
  /** write(2) of `chunks` (in order) to a RESUMING data fd over one WriteMigData stream: the bytes written. */
  writeMigData(pid: number, dataFd: number, chunks: readonly Uint8Array[]): Promise<bigint> {
    return new Promise<bigint>((resolve, reject) => {
      const s = this.vm.Vfio.WriteMigData(this.meta(pid), { deadline: Date.now() + this.deadlineMs }, (err, res) => {
        if (err) reject(wrap('WriteMigData', err));
        else resolve(BigInt((res?.written ?? '0') as string));
      });
      if (chunks.length === 0) s.write({ data_fd: dataFd, data: Buffer.alloc(0) });
      for (const c of chunks) s.write({ data_fd: dataFd, data: Buffer.from(c.buffer, c.byteOffset, c.byteLength) });
      s.end();
    });
  }

  /**
   * IOMMU_HWPT_ALLOC: a paging HWPT over an IOAS (`flags` NEST_PARENT = 1, DIRTY_TRACKING = 2),
   * or a nested HWPT over a NEST_PARENT paging HWPT with driver data (`dataType` VTD_S1 = 1 and
   * the packed `iommu_hwpt_vtd_s1`). Resolves to the new HWPT ID.
   */
  async hwptAlloc(pid: number, fd: number, devId: number, ptId: number, flags: number, dataType = 0, data?: Uint8Array): Promise<number> {
    const req = { fd, flags, dev_id: devId, pt_id: ptId, data_type: dataType, data: data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.alloc(0), fault_id: 0 };
    return (await h('HwptAlloc', call(this.vm.Iommufd.HwptAlloc, req, this.meta(pid)))).out_hwpt_id;
  }

  /** IOMMU_HWPT_SET_DIRTY_TRACKING: `enable` sets IOMMU_HWPT_DIRTY_TRACKING_ENABLE (1). */
  async hwptSetDirtyTracking(pid: number, fd: number, hwptId: number, enable: boolean): Promise<void> {
    await h('HwptSetDirtyTracking', call(this.vm.Iommufd.HwptSetDirtyTracking, { fd, hwpt_id: hwptId, flags: enable ? 1 : 0 }, this.meta(pid)));
  }
  /**
   * IOMMU_HWPT_GET_DIRTY_BITMAP of [iova, iova + length) at `pageSize` (flags NO_CLEAR = 1): LE
   * u64 words, bit i = page iova + i * pageSize dirty.
   */
  async hwptGetDirtyBitmap(pid: number, fd: number, hwptId: number, iova: bigint, length: bigint, pageSize: bigint, flags = 0): Promise<Uint8Array> {
    const r = await h('HwptGetDirtyBitmap', call(this.vm.Iommufd.HwptGetDirtyBitmap, { fd, hwpt_id: hwptId, flags, iova: iova.toString(), length: length.toString(), page_size: pageSize.toString() }, this.meta(pid)));
    return r.bitmap as Uint8Array;
  }
  /**
   * VFIO_IOMMU_DIRTY_PAGES on a type1 container: START = 1, STOP = 2, GET_BITMAP = 4 (the bitmap
   * of [iova, iova + size) at `pgsize`, LE u64 words; empty for START / STOP).
   */
  async containerDirtyPages(pid: number, containerFd: number, flags: number, iova = 0n, size = 0n, pgsize = 0n): Promise<Uint8Array> {
    const r = await h('ContainerDirtyPages', call(this.vm.Vfio.ContainerDirtyPages, { container_fd: containerFd, flags, iova: iova.toString(), size: size.toString(), pgsize: pgsize.toString() }, this.meta(pid)));
    return r.bitmap as Uint8Array;
  }

  /**
   * One IOMMU_HWPT_INVALIDATE on process `pid`'s Iommufd.InvalidationChannel (opened on first
   * use): resolves with the entries handled once the host acknowledged it (after it took
   * effect), or throws the HostCallError the unary call would have thrown (ErrorInfo metadata
   * `entry_num` = entries handled before the failing one).
   */
  async invalidate(pid: number, fd: number, hwptId: number, dataType: number, entryLen: number, entries: Uint8Array): Promise<number> {
    const id = this.spawned.get(pid);
    const key = id ? `${id.bootId}/${id.startTime}` : '';
    let ch = this.invChannels.get(pid);
    if (ch && (ch.key !== key || ch.broken)) {
      ch.close();
      ch = undefined;
    }
    if (!ch) this.invChannels.set(pid, (ch = new InvalidationChannel(() => this.vm.Iommufd.InvalidationChannel(this.meta(pid)), key, this.deadlineMs)));
    return ch.submit(fd, hwptId, dataType, entryLen, entries);
  }

  /**
   * IOMMU_VIOMMU_ALLOC (on the process's ioctl stream): a vIOMMU of `type` (ARM_SMMUV3 = 1) over
   * the NEST_PARENT paging HWPT `hwptId`, on the physical IOMMU behind device `devId`. Resolves
   * to the vIOMMU ID.
   */
  async viommuAlloc(pid: number, fd: number, devId: number, hwptId: number, type: number): Promise<number> {
    return (await this.ioctl(pid, 'viommu_alloc', { fd, flags: 0, type, dev_id: devId, hwpt_id: hwptId, data: Buffer.alloc(0) })).out_viommu_id;
  }
  /** IOMMU_VDEVICE_ALLOC (on the process's ioctl stream): device `devId` as `virtId` (the guest's StreamID / RID) on vIOMMU `viommuId`. Resolves to the vDEVICE ID. */
  async vdeviceAlloc(pid: number, fd: number, viommuId: number, devId: number, virtId: bigint): Promise<number> {
    return (await this.ioctl(pid, 'vdevice_alloc', { fd, viommu_id: viommuId, dev_id: devId, virt_id: virtId.toString() })).out_vdevice_id;
  }
  /** IOMMU_VEVENTQ_ALLOC (on the process's ioctl stream): a vEVENTQ of `type` (ARM_SMMUV3 = 1) on `viommuId` holding `depth` events; its ID and its fd in the process. */
  async veventqAlloc(pid: number, fd: number, viommuId: number, type: number, depth: number): Promise<{ id: number; fd: number }> {
    const r = await this.ioctl(pid, 'veventq_alloc', { fd, flags: 0, viommu_id: viommuId, type, veventq_depth: depth });
    return { id: r.out_veventq_id, fd: r.out_veventq_fd };
  }

  /**
   * read(veventq_fd) of process `pid` as Iommufd.ReadVevents from `afterSequence` (0: the oldest
   * queued): each vEVENT in order, the next handed over only after `onEvent` resolved (the
   * stream's flow control leaves the rest in the host's queue, where events beyond its depth
   * become the LOST_EVENTS marker). Resolves when the host ends the stream (the fd was closed,
   * the process exited) or `signal` aborts; rejects with the HostCallError of a failed stream or
   * with what `onEvent` threw (the stream is then cancelled).
   */
  async readVevents(pid: number, veventqFd: number, afterSequence: bigint, onEvent: (e: HostVevent) => Promise<void>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const stream = this.vm.Iommufd.ReadVevents({ veventq_fd: veventqFd, after_sequence: afterSequence.toString() }, this.meta(pid));
    const onAbort = () => stream.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    let handlerFailed = false;
    try {
      for await (const m of stream as AsyncIterable<{ flags: number; sequence: string; data: Buffer }>) {
        if (signal.aborted) return;
        handlerFailed = true;
        await onEvent({ flags: m.flags, sequence: BigInt(m.sequence), data: new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength) });
        handlerFailed = false;
      }
    } catch (e) {
      if (signal.aborted) return;
      if (handlerFailed) {
        stream.cancel();
        throw e;
      }
      throw wrap('ReadVevents', e);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async inspectPinned(pid: number, fd: number, id: number): Promise<bigint> {
    const r = await h('Inspect', call(this.hw.Platform.Inspect, { iommufd_object: { pid, fd, id } }));
    return BigInt(r.pinned!.bytes as string);
  }

  // ------------------------------------------------------------------ hardware side

  async describe(refresh = false): Promise<HostDescription> {
    if (this.describeCache && !refresh) return this.describeCache;
    const d = await h('Describe', call(this.hw.Platform.Describe, {}));
    this.bootId = d.boot_id;
    // processes of an earlier boot are gone with it: forget them (pids repeat across boots)
    for (const [pid, id] of this.spawned) if (id.bootId !== d.boot_id) this.spawned.delete(pid);
    this.describeCache = hostDescriptionOf(d);
    this.lastDescribe = d;
    this.lastDescription = this.describeCache;
    return this.describeCache;
  }

  /** The link forgets what it knew of the host (its boot, its description): the event stream broke. */
  unverify(): void {
    this.bootId = undefined;
    this.describeCache = undefined;
  }

  /**
   * The physical device's DMA, done only while `owner` (a live process of this boot) holds the
   * device's binding: the host refuses with ESRCH / EPERM otherwise (DeviceDmaRequest.expect_owner).
   */
  async deviceDma(bdf: string, iova: bigint, length: number, write: boolean, data: Uint8Array | undefined, owner: HostProcessId) {
    return h(
      'DeviceDma',
      call(this.hw.Platform.DeviceDma, {
        bdf,
        iova: iova.toString(),
        length: String(length),
        write,
        data: data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.alloc(0),
        allow_page_request: false,
        expect_owner: { boot_id: owner.bootId, pid: owner.pid, start_time: owner.startTime.toString() },
      }),
    );
  }

  async ping(): Promise<void> {
    await h('Ping', call(this.hw.Platform.Ping, { payload: Buffer.alloc(0) }));
  }

  // ------------------------------------------------------------------ event follower

  /**
   * Follow the host event log from `after` until `signal` aborts, resuming by sequence after any
   * disconnect: each event is delivered once, in order. Every (re)connect reads the host's boot
   * id first (Describe) and subscribes for that boot (WatchEventsRequest.boot_id). A host with
   * another boot id (host-iommu restarted: its log numbers events again from 1) is followed from
   * its first event, after `hooks.onHostRestart`; a restart between the Describe and the
   * subscribe is refused by the host (BOOT_ID_MISMATCH) and seen by the next Describe. A broken
   * stream makes the link forget the host's boot (`unverify`) until it is read again.
   */
  follow(after: bigint, onEvent: (e: HostEvent) => void, signal: AbortSignal, hooks: FollowHooks = {}): Promise<void> {
    let last = after;
    /** the boot whose log `last` counts in, once read */
    let boot: string | undefined;
    let failures = 0;
    return new Promise<void>((resolve) => {
      const retry = (err: unknown, got: boolean) => {
        if (signal.aborted) return resolve();
        this.unverify();
        failures = got ? 1 : failures + 1;
        hooks.onStreamLost?.(failures, err);
        setTimeout(() => void connect(), Math.min(2000, 50 * 2 ** Math.min(failures, 6))).unref();
      };
      const connect = async (): Promise<void> => {
        if (signal.aborted) return resolve();
        let current: string;
        try {
          current = (await this.describe(true)).bootId;
        } catch (e) {
          return retry(e, false);
        }
        if (signal.aborted) return resolve();
        if (boot !== undefined && current !== boot) {
          const seen = last;
          last = 0n;
          failures = 0;
          hooks.onHostRestart?.(seen);
          if (signal.aborted) return resolve();
        }
        boot = current;
        const streamBoot = current;
        const stream = this.hw.Platform.WatchEvents({ after_sequence: last.toString(), boot_id: streamBoot });
        let done = false;
        let got = false;
        const onAbort = () => stream.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
        // grpc-js emits 'error' and then 'end' for one failed stream: act once
        const finish = (err: unknown) => {
          if (done) return;
          done = true;
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return resolve();
          // restarted between Describe and WatchEvents: the next Describe reads the new boot
          if (decodeErrorInfo(err as grpc.ServiceError)?.reason === 'BOOT_ID_MISMATCH') return void setImmediate(() => void connect());
          retry(err, got);
        };
        stream.on('data', (m) => {
          if (done) return;
          got = true;
          failures = 0;
          const seq = BigInt(m.sequence as string);
          if (seq <= last) return;
          last = seq;
          onEvent({
            bootId: streamBoot,
            sequence: seq,
            kind: (m.kind as string).replace(/^HOST_EVENT_KIND_/, ''),
            bdf: m.bdf,
            pid: m.pid,
            message: m.message,
            ...(m.fault ? { fault: { reason: m.fault.reason as string, addr: BigInt(m.fault.addr as string), write: m.fault.write } } : {}),
          });
        });
        stream.on('error', (e) => finish(e));
        stream.on('end', () => finish(new Error('stream ended')));
      };
      void connect();
    });
  }
}

export interface FollowHooks {
  /** The stream broke (`attempt` counts failures in a row); the follower retries with backoff. */
  onStreamLost?(attempt: number, err: unknown): void;
  /** The host has another boot id than the one followed so far (`lastSeen` was the last sequence of the old boot): following restarts at its first event. */
  onHostRestart?(lastSeen: bigint): void;
}

/** What the host link has done so far (read-only for callers; also logged). */
export interface HostLinkStatus {
  /** host events delivered to the VM manager */
  eventsSeen: number;
  /** sequence of the last one (in the current host's log) */
  lastSequence: bigint;
  /** event stream failures (each followed by a reconnect attempt) */
  streamBreaks: number;
  /** host-iommu restarts detected (the event log started again) */
  hostRestarts: number;
  /** re-checks of the VMs' host processes after the link came back */
  rechecks: number;
}

/** The acknowledgement stream of one process's invalidations (Iommufd.InvalidationChannel). */
interface InvStream {
  write(m: { fd: number; sequence: string; hwpt_id: number; data_type: number; entry_len: number; entries: Buffer }): unknown;
  on(ev: 'data', f: (m: { sequence: string | number | bigint; entry_num: number; status?: { code: number; message: string; details?: unknown[] } | null }) => void): unknown;
  on(ev: 'error', f: (e: Error) => void): unknown;
  on(ev: 'end', f: () => void): unknown;
  end(): unknown;
  cancel(): unknown;
}

/**
 * Client side of Iommufd.InvalidationChannel: requests carry a strictly increasing sequence and
 * each resolves when the host's ack with that sequence arrives (the host applies them in order
 * and acks each only after it took effect). A broken stream fails every request still waiting
 * (it may or may not have taken effect, as a unary call cut off); the next request opens a new
 * stream. A request unanswered for the link's deadline cancels the stream.
 */
class InvalidationChannel {
  private stream: InvStream | undefined;
  private seq = 0n;
  private readonly waiting = new Map<bigint, { since: number; resolve(n: number): void; reject(e: Error): void }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  broken = false;

  constructor(
    private readonly open: () => unknown,
    readonly key: string,
    private readonly deadlineMs: number,
  ) {}

  submit(fd: number, hwptId: number, dataType: number, entryLen: number, entries: Uint8Array): Promise<number> {
    if (!this.stream) this.start();
    const sequence = ++this.seq;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(sequence, { since: performance.now(), resolve, reject });
      this.stream!.write({ fd, sequence: sequence.toString(), hwpt_id: hwptId, data_type: dataType, entry_len: entryLen, entries: Buffer.from(entries.buffer, entries.byteOffset, entries.byteLength) });
    });
  }

  private start(): void {
    const s = this.open() as InvStream;
    this.stream = s;
    s.on('data', (m) => {
      const seq = BigInt(m.sequence as string);
      const w = this.waiting.get(seq);
      if (!w) return;
      this.waiting.delete(seq);
      const st = m.status;
      if (st && st.code !== 0) w.reject(hostError('InvalidationChannel', st.code, st.message, errorInfoOfStatus(st as never)));
      else w.resolve(m.entry_num);
    });
    s.on('error', (e) => this.fail(wrap('InvalidationChannel', e)));
    s.on('end', () => this.fail(hostError('InvalidationChannel', grpc.status.UNAVAILABLE, 'the invalidation stream ended', undefined)));
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const w of this.waiting.values()) {
        if (now - w.since > this.deadlineMs) {
          this.fail(hostError('InvalidationChannel', grpc.status.DEADLINE_EXCEEDED, `no ack within ${this.deadlineMs} ms`, undefined));
          s.cancel();
          return;
        }
      }
    }, Math.min(1000, this.deadlineMs));
    this.timer.unref();
  }

  private fail(e: HostCallError): void {
    this.broken = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const w = [...this.waiting.values()];
    this.waiting.clear();
    for (const x of w) x.reject(e);
  }

  close(): void {
    const s = this.stream;
    this.stream = undefined;
    this.fail(hostError('InvalidationChannel', grpc.status.CANCELLED, 'the invalidation stream was closed', undefined));
    if (s) {
      try {
        s.end();
        s.cancel();
      } catch {
        // already gone
      }
    }
  }
}
