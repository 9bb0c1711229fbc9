/**
 * gRPC adapters of host-iommu: decode → call the domain (platform/host.ts, kernel/*) → encode.
 * Nothing here decides semantics; every domain error becomes a status in libs/rpc.
 */
import { DomainError, KernelError, kerr } from '#libs/errno/index.js';
import { unary, serverStream, requestStream, clientStream, metadataString, type CallContext, type CallerContext } from '#libs/rpc/handlers.js';
import { toServiceError, type StatusMessage } from '#libs/rpc/errors.js';
import { InProcessStreams, InProcessUnary } from '#libs/rpc/inprocess.js';
import type { ReadMemoryRequest, ReadMemoryRequest__Output } from '#libs/rpc/gen/iommutwin/host/v1/ReadMemoryRequest.js';
import type { ReadMemoryResponse, ReadMemoryResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/ReadMemoryResponse.js';
import type { WriteMemoryRequest, WriteMemoryRequest__Output } from '#libs/rpc/gen/iommutwin/host/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse, WriteMemoryResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WriteMemoryResponse.js';
import type { ServerMetrics } from '#libs/rpc/metrics.js';
import type { IoctlsRequest, IoctlsRequest__Output } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse, IoctlsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsResponse.js';
import type { InvalidationChannelRequest__Output } from '#libs/rpc/gen/iommutwin/host/v1/InvalidationChannelRequest.js';
import type { InvalidationChannelResponse } from '#libs/rpc/gen/iommutwin/host/v1/InvalidationChannelResponse.js';
import type { Logger } from 'pino';
import { BOOT_ID_KEY, START_TIME_KEY } from '#libs/rpc/metadata.js';
import { followLog } from '#libs/seqlog/index.js';
import { hostService, hostServiceDefinitions, type ServiceRegistration } from '#libs/rpc/proto.js';
import { parseU64, u64 } from '#libs/u64/index.js';
import type { IotlbEntry } from '#libs/iotlb/index.js';
import type { HostEvent } from '../platform/events.js';
import type { DmaFault, DmaResult, Host, InspectInfo } from '../platform/host.js';
import type { Process } from '../process/process.js';
import { bytes, describeProfile, smmuView, vtdView } from '#libs/profile/describe.js';
import { faultFileOf, faultQueueAlloc, veventqAlloc, veventqFileOf, type FaultRecord } from '../kernel/eventq.js';
import type { FileKind } from '../process/files.js';
import { migStateFromWire, migStateToWire, precopyFileOf, requireMigDevice, resumingFileOf, savingFileOf } from '../kernel/vfio_migration.js';

/** ReadMigData: largest chunk per message (and the default), well below gRPC's 4 MiB message limit. */
const MIG_READ_CHUNK_MAX = 1 << 20;

const FD_KIND: Record<FileKind, string> = {
  iommufd: 'FD_KIND_IOMMUFD',
  'vfio-device': 'FD_KIND_VFIO_DEVICE',
  'vfio-group': 'FD_KIND_VFIO_GROUP',
  'vfio-container': 'FD_KIND_VFIO_CONTAINER',
  memfd: 'FD_KIND_MEMFD',
  dmabuf: 'FD_KIND_DMABUF',
  fault: 'FD_KIND_FAULT_QUEUE',
  veventq: 'FD_KIND_VEVENTQ',
  'vfio-mig': 'FD_KIND_VFIO_MIG_DATA',
};

const FAULT_REASON_NAME: Record<DmaFault['reason'], string> = {
  BLOCKED: 'DMA_FAULT_REASON_BLOCKED',
  TRANSLATION: 'DMA_FAULT_REASON_TRANSLATION',
  PERMISSION: 'DMA_FAULT_REASON_PERMISSION',
  ADDRESS_SIZE: 'DMA_FAULT_REASON_ADDRESS_SIZE',
  PASID: 'DMA_FAULT_REASON_PASID',
  RESERVED: 'DMA_FAULT_REASON_RESERVED',
  DEVICE_GONE: 'DMA_FAULT_REASON_DEVICE_GONE',
  BAD_CONFIG: 'DMA_FAULT_REASON_BAD_CONFIG',
  PAGE_REQUEST_DENIED: 'DMA_FAULT_REASON_PAGE_REQUEST_DENIED',
  UNSUPPORTED_REQUEST: 'DMA_FAULT_REASON_UNSUPPORTED_REQUEST',
};

/** One ReadFaults message: a fault group with its cookie (struct iommu_hwpt_pgfault records). */
function faultGroupMessage(g: FaultRecord) {
  return { cookie: g.cookie, faults: g.faults.map((f) => ({ flags: f.flags, dev_id: f.devId, pasid: f.pasid, grpid: f.grpid, perm: f.perm, addr: u64(f.addr), length: f.length })) };
}

function faultMessage(f: DmaFault, unit: string, write: boolean) {
  return {
    reason: FAULT_REASON_NAME[f.reason],
    addr: u64(f.addr),
    ...(f.pasid !== undefined ? { pasid: f.pasid } : {}),
    level: f.level,
    recoverable: f.recoverable,
    stage: f.stage ?? 0,
    write,
    unit,
    detail: f.message,
  };
}

/** DeviceDma / DeviceDmaBatch `expect_owner`. */
function ownerOf(o: { boot_id: string; pid: number; start_time: string } | null | undefined) {
  return o ? { bootId: o.boot_id, pid: o.pid, startTime: parseU64(o.start_time, 'expect_owner.start_time') } : undefined;
}

/**
 * The caller checks every host call makes, per call (or per request of a stream): the principal
 * (ESRCH for another boot's identity), the acting process (metadata x-iommutwin-pid, ESRCH when
 * x-iommutwin-start-time names another process), a process named in the body, the platform role.
 */
function callerChecks(host: Host) {
  /** The caller's principal; a call that names another boot (x-iommutwin-boot-id) is ESRCH. */
  const principal = (ctx: CallerContext) => {
    const boot = metadataString(ctx.metadata, BOOT_ID_KEY);
    if (boot !== undefined && boot !== host.bootId) throw kerr('ESRCH', `boot ${boot.slice(0, 36)} is not this host's boot (${host.bootId}): its processes are gone`);
    return host.principal(ctx.principal);
  };
  /** `p`, if it is the process the call's x-iommutwin-start-time names (else ESRCH, as a gone pid). */
  const identified = (ctx: CallerContext, p: Process): Process => {
    const st = metadataString(ctx.metadata, START_TIME_KEY);
    if (st !== undefined && st !== String(p.startTime)) throw kerr('ESRCH', `no process ${p.pid} started at ${st.slice(0, 24)}`);
    return p;
  };
  /** The process a per-process call acts for (metadata x-iommutwin-pid), identity checked. */
  const proc = (ctx: CallerContext): Process => identified(ctx, host.processFor(principal(ctx), ctx.requirePid()));
  /** The process a request names in its body; the identity metadata refers to it when no acting pid is given. */
  const named = (ctx: CallerContext, pid: number): Process => {
    const p = host.processFor(principal(ctx), pid);
    return ctx.pid() === undefined ? identified(ctx, p) : p;
  };
  const platformRole = (ctx: CallerContext) => {
    const p = principal(ctx);
    if (!p.hasRole('platform')) throw kerr('EPERM', `${p.name} lacks the platform role`);
  };
  return { principal, proc, named, platformRole };
}

/**
 * Process.WriteMemory / Process.ReadMemory: one function each, served by the unary methods and
 * by their in-process transport (inProcessProcessMemory), so their semantics cannot drift.
 */
function processMemory(host: Host, proc: (ctx: CallerContext) => Process) {
  return {
    WriteMemory(req: WriteMemoryRequest__Output, ctx: CallerContext): WriteMemoryResponse {
      proc(ctx).mm.write(parseU64(req.addr, 'addr'), req.data);
      return {};
    },
    ReadMemory(req: ReadMemoryRequest__Output, ctx: CallerContext): ReadMemoryResponse {
      const len = parseU64(req.length, 'length');
      if (len > 64n << 20n) throw kerr('EINVAL', 'ReadMemory length above 64 MiB');
      return { data: bytes(proc(ctx).mm.read(parseU64(req.addr, 'addr'), Number(len))) };
    },
  };
}

export function hostServices(host: Host): ServiceRegistration[] {
  const { principal, proc, named, platformRole } = callerChecks(host);
  const memory = processMemory(host, proc);

  const process = hostService('Process', {
    Spawn: unary((req, ctx) => {
      const p = host.spawn(principal(ctx), req.name, req.lease_ms);
      return { pid: p.pid, lease_expires_unix_ms: u64(BigInt(Number.isFinite(p.leaseExpiresAt) ? p.leaseExpiresAt : 0)), boot_id: host.bootId, start_time: u64(p.startTime) };
    }),
    Exit: unary((req, ctx) => {
      host.exit(named(ctx, req.pid));
      return {};
    }),
    Heartbeat: unary((req, ctx) => {
      const p = named(ctx, req.pid);
      return { lease_expires_unix_ms: u64(BigInt(Number.isFinite(p.leaseExpiresAt) ? p.leaseExpiresAt : 0)) };
    }),
    Open: unary((req, ctx) => ({ fd: host.open(proc(ctx), req.path, req.flags) })),
    Close: unary((req, ctx) => {
      proc(ctx).close(req.fd);
      return {};
    }),
    SendFd: unary((req, ctx) => {
      const from = proc(ctx);
      const to = host.processFor(principal(ctx), req.target_pid);
      return { target_fd: host.sendFd(from, req.fd, to) };
    }),
    Chown: unary((req, ctx) => {
      host.chown(principal(ctx), req.path, req.uid, req.gid);
      return {};
    }),
    Chmod: unary((req, ctx) => {
      host.chmod(principal(ctx), req.path, req.mode);
      return {};
    }),
    AllowDevice: unary((req, ctx) => {
      const by = principal(ctx);
      host.allowDevice(by, named(ctx, req.pid), req.path);
      return {};
    }),
    MemfdCreate: unary((req, ctx) => ({ fd: host.memfdCreate(proc(ctx), req.name, req.flags) })),
    Ftruncate: unary((req, ctx) => {
      host.ftruncate(proc(ctx), req.fd, parseU64(req.length, 'length'));
      return {};
    }),
    Mmap: unary((req, ctx) => ({
      addr: u64(
        host.mmap(proc(ctx), {
          addr: parseU64(req.addr, 'addr'),
          length: parseU64(req.length, 'length'),
          prot: req.prot,
          flags: req.flags,
          fd: req.fd,
          offset: parseU64(req.offset, 'offset'),
        }),
      ),
    })),
    Munmap: unary((req, ctx) => {
      proc(ctx).mm.munmap(parseU64(req.addr, 'addr'), parseU64(req.length, 'length'));
      return {};
    }),
    WriteMemory: unary(memory.WriteMemory),
    ReadMemory: unary(memory.ReadMemory),
    GetStatus: unary((req, ctx) => {
      const p = named(ctx, req.pid);
      const st = host.getStatus(p);
      return {
        vm_pinned_bytes: u64(st.vmPinnedBytes),
        vm_locked_bytes: u64(st.vmLockedBytes),
        fds: st.fds.map((f) => ({ fd: f.fd, kind: FD_KIND[f.kind], path: f.path })),
        name: p.name,
        principal: p.principal.name,
        uid: p.principal.uid ?? 0,
        lease_expires_unix_ms: u64(BigInt(Number.isFinite(p.leaseExpiresAt) ? p.leaseExpiresAt : 0)),
        boot_id: host.bootId,
        start_time: u64(p.startTime),
      };
    }),
  });

  // Every Iommufd ioctl is one function of the ioctl table (iommufdIoctls): the unary methods
  // and the ordered ioctl stream (Ioctls, and its in-process transport) dispatch to the same
  // functions, so their semantics cannot drift.
  const ioctls = iommufdIoctls(host);
  const unaryIoctl = <K extends IoctlName>(k: K) => unary<IoctlReq<K>, IoctlRes<K>>((req, ctx) => ioctls[k](req, ctx));
  const iommufd = hostService('Iommufd', {
    Destroy: unaryIoctl('destroy'),
    IoasAlloc: unaryIoctl('ioas_alloc'),
    IoasIovaRanges: unaryIoctl('ioas_iova_ranges'),
    IoasAllowIovas: unaryIoctl('ioas_allow_iovas'),
    IoasMap: unaryIoctl('ioas_map'),
    IoasMapFile: unaryIoctl('ioas_map_file'),
    IoasCopy: unaryIoctl('ioas_copy'),
    IoasUnmap: unaryIoctl('ioas_unmap'),
    IoasChangeProcess: unaryIoctl('ioas_change_process'),
    Option: unaryIoctl('option'),
    VfioIoas: unaryIoctl('vfio_ioas'),
    GetHwInfo: unaryIoctl('get_hw_info'),
    HwptAlloc: unaryIoctl('hwpt_alloc'),
    HwptSetDirtyTracking: unaryIoctl('hwpt_set_dirty_tracking'),
    HwptGetDirtyBitmap: unaryIoctl('hwpt_get_dirty_bitmap'),
    HwptInvalidate: unaryIoctl('hwpt_invalidate'),
    Ioctls: requestStream(ioctlDispatcher(host, ioctls), { failed: ioctlFailed }),
    InvalidationChannel: requestStream(invalidationDispatcher(host, ioctls), { failed: (r) => (r.status?.code ?? 0) !== 0 }),
    FaultQueueAlloc: unaryIoctl('fault_queue_alloc'),
    ReadFaults: serverStream(async (req, out, ctx) => {
      const p = proc(ctx);
      await faultFileOf(p, req.fault_fd).follow(p, req.after_cookie, (g) => out.send(faultGroupMessage(g)), ctx.signal);
    }),
    RespondFaults: unaryIoctl('respond_faults'),
    ViommuAlloc: unaryIoctl('viommu_alloc'),
    VdeviceAlloc: unaryIoctl('vdevice_alloc'),
    VeventqAlloc: unaryIoctl('veventq_alloc'),
    ReadVevents: serverStream(async (req, out, ctx) => {
      const p = proc(ctx);
      const f = veventqFileOf(p, req.veventq_fd);
      await f.follow(p, parseU64(req.after_sequence, 'after_sequence'), (e) => out.send({ flags: e.flags, sequence: u64(e.sequence), data: bytes(e.data) }), ctx.signal);
    }),
  });

  const vdev = (ctx: CallContext, fd: number) => host.vfioDevice(proc(ctx), fd);
  /** A VFIO container fd (native type1, or an iommufd through the compatibility layer) and its caller. */
  const container = (ctx: CallContext, fd: number) => {
    const p = proc(ctx);
    return { p, ops: host.vfioContainer(p, fd) };
  };

  /** A device fd's migration side: access granted (EINVAL), then mig_ops (ENOTTY). */
  const migDev = (ctx: CallContext, fd: number) => {
    const f = vdev(ctx, fd);
    f.requireAccess();
    return requireMigDevice(f.dev);
  };

  const vfio = hostService('Vfio', {
    DeviceBindIommufd: unary((req, ctx) => {
      const p = proc(ctx);
      return { out_devid: host.vfioDevice(p, req.device_fd).bind(p, req.iommufd, req.flags) };
    }),
    DeviceAttachPt: unary((req, ctx) => {
      const p = proc(ctx);
      return { pt_id: host.vfioDevice(p, req.device_fd).attach(p, req.flags, req.pt_id, req.pasid) };
    }),
    DeviceDetachPt: unary((req, ctx) => {
      vdev(ctx, req.device_fd).detach(req.flags, req.pasid);
      return {};
    }),
    DeviceGetInfo: unary((req, ctx) => vdev(ctx, req.device_fd).getInfo()),
    DeviceGetRegionInfo: unary((req, ctx) => {
      const r = vdev(ctx, req.device_fd).getRegionInfo(req.index);
      return { flags: r.flags, index: req.index, size: u64(r.size), offset: u64(r.offset) };
    }),
    DeviceGetDmabuf: unary((req, ctx) => {
      const p = proc(ctx);
      const f = host.vfioDevice(p, req.device_fd);
      const ranges = req.ranges.map((r: { offset: string; length: string }, i: number) => ({ offset: parseU64(r.offset, `ranges[${i}].offset`), length: parseU64(r.length, `ranges[${i}].length`) }));
      p.reserveCheck();
      const buf = f.getDmabuf(host.profile.kernel.dmabufP2p, req.region_index, ranges, req.open_flags, host.onDmabufRevoked);
      return { dmabuf_fd: p.installFd(buf) };
    }),
    DeviceReset: unary((req, ctx) => {
      vdev(ctx, req.device_fd).reset();
      return {};
    }),
    GroupGetStatus: unary((req, ctx) => ({ flags: host.vfioGroup(proc(ctx), req.group_fd).getStatus() })),
    GroupSetContainer: unary((req, ctx) => {
      const p = proc(ctx);
      host.vfioGroup(p, req.group_fd).setContainer(p, req.container_fd);
      return {};
    }),
    GroupUnsetContainer: unary((req, ctx) => {
      host.vfioGroup(proc(ctx), req.group_fd).unsetContainer();
      return {};
    }),
    GroupGetDeviceFd: unary((req, ctx) => {
      const p = proc(ctx);
      return { device_fd: host.vfioGroup(p, req.group_fd).getDeviceFd(p, req.name) };
    }),
    ContainerGetApiVersion: unary((req, ctx) => ({ version: container(ctx, req.container_fd).ops.getApiVersion() })),
    ContainerCheckExtension: unary((req, ctx) => ({ supported: container(ctx, req.container_fd).ops.checkExtension(req.extension) > 0 })),
    ContainerSetIommu: unary((req, ctx) => {
      const { p, ops } = container(ctx, req.container_fd);
      ops.setIommu(p, req.type);
      return {};
    }),
    ContainerGetInfo: unary((req, ctx) => {
      const { p, ops } = container(ctx, req.container_fd);
      const i = ops.getInfo(p);
      return { flags: i.flags, iova_pgsizes: u64(i.iovaPgsizes), iova_ranges: i.iovaRanges.map((r) => ({ start: u64(r.start), last: u64(r.last) })), dma_avail: i.dmaAvail };
    }),
    ContainerMapDma: unary((req, ctx) => {
      const { p, ops } = container(ctx, req.container_fd);
      ops.mapDma(p, req.flags, parseU64(req.vaddr, 'vaddr'), parseU64(req.iova, 'iova'), parseU64(req.size, 'size'));
      return {};
    }),
    ContainerUnmapDma: unary((req, ctx) => {
      const { p, ops } = container(ctx, req.container_fd);
      const r = ops.unmapDma(p, req.flags, parseU64(req.iova, 'iova'), parseU64(req.size, 'size'), parseU64(req.bitmap_pgsize, 'bitmap_pgsize'));
      return { size: u64(r.size), bitmap: bytes(r.bitmap ?? new Uint8Array(0)) };
    }),
    ContainerDirtyPages: unary((req, ctx) => {
      const { p, ops } = container(ctx, req.container_fd);
      const b = ops.dirtyPages(p, req.flags, parseU64(req.iova, 'iova'), parseU64(req.size, 'size'), parseU64(req.pgsize, 'pgsize'));
      return { bitmap: bytes(b ?? new Uint8Array(0)) };
    }),
    DeviceFeatureMigration: unary((req, ctx) => ({ flags: migDev(ctx, req.device_fd).flags })),
    DeviceSetMigState: unary((req, ctx) => {
      const p = proc(ctx);
      const m = migDev(ctx, req.device_fd);
      const target = migStateFromWire(req.device_state);
      // the new data fd must fit before the device moves (a failed call changes nothing)
      if (m.opensSession(target)) p.reserveCheck();
      const file = m.setState(target);
      return { data_fd: file ? p.installFd(file) : -1 };
    }),
    DeviceGetMigState: unary((req, ctx) => ({ device_state: migStateToWire(migDev(ctx, req.device_fd).state) })),
    ReadMigData: serverStream(async (req, out, ctx) => {
      const f = savingFileOf(proc(ctx), req.data_fd);
      const limit = parseU64(req.length, 'length');
      if (req.chunk_bytes > MIG_READ_CHUNK_MAX) throw kerr('EINVAL', `chunk_bytes above ${MIG_READ_CHUNK_MAX}`);
      const chunk = req.chunk_bytes === 0 ? MIG_READ_CHUNK_MAX : req.chunk_bytes;
      let left = limit === 0n ? -1n : limit;
      let first = true;
      while (left !== 0n && !ctx.cancelled()) {
        const n = left < 0n || left > BigInt(chunk) ? chunk : Number(left);
        let data: Uint8Array;
        try {
          data = f.read(n); // the first read reports ENOMSG (nothing in pre-copy now)
        } catch (e) {
          if (!first && e instanceof KernelError && e.errno === 'ENOMSG') break;
          throw e;
        }
        first = false;
        if (data.length === 0) break; // STOP_COPY end of stream
        await out.send({ data: bytes(data) });
        if (left > 0n) left -= BigInt(data.length);
        if (data.length < n) break; // what the session has now
      }
    }),
    WriteMigData: clientStream(async (requests, ctx) => {
      const p = proc(ctx);
      let fd: number | undefined;
      let written = 0n;
      for await (const r of requests) {
        if (fd !== undefined && r.data_fd !== 0 && r.data_fd !== fd) throw kerr('EINVAL', `data_fd ${r.data_fd} differs from the stream's ${fd}`);
        const dataFd = fd ?? r.data_fd;
        fd = dataFd;
        written += BigInt(resumingFileOf(p, dataFd).write(r.data));
      }
      if (fd === undefined) throw kerr('EINVAL', 'WriteMigData needs at least one message naming data_fd');
      return { written: u64(written) };
    }),
    DeviceMigDataSize: unary((req, ctx) => ({ stop_copy_length: u64(BigInt(migDev(ctx, req.device_fd).stopCopyLength())) })),
    DevicePrecopyInfo: unary((req, ctx) => {
      const i = precopyFileOf(proc(ctx), req.data_fd).precopyInfo();
      return { initial_bytes: u64(BigInt(i.initialBytes)), dirty_bytes: u64(BigInt(i.dirtyBytes)) };
    }),
  });

  const platform = hostService('Platform', {
    Describe: unary((_req, ctx) => {
      platformRole(ctx);
      return describe(host);
    }),
    DeviceDma: unary((req, ctx) => {
      platformRole(ctx);
      const len = parseU64(req.length, 'length');
      if (len === 0n || len > 16n << 20n) throw kerr('EINVAL', 'length must be in (0, 16 MiB]');
      const owner = ownerOf(req.expect_owner);
      const reply = (r: DmaResult) => {
        const page_requests = r.pageRequests ?? 0;
        if (r.fault) return { fault: faultMessage(r.fault, host.device(req.bdf).unit.name, req.write), page_requests };
        if (req.write) return { written: u64(len), page_requests };
        return { data: bytes(r.data), page_requests };
      };
      // with allow_page_request a page request waits for its response: the call goes async
      // (the server keeps serving); without it the DMA completes in this call
      const r = host.deviceDma(req.bdf, req.pasid ?? undefined, parseU64(req.iova, 'iova'), Number(len), req.write, req.write ? req.data : undefined, owner, req.allow_page_request);
      return r instanceof Promise ? r.then(reply) : reply(r);
    }),
    DeviceDmaBatch: unary((req, ctx) => {
      platformRole(ctx);
      const r = host.translateBatch(req.bdf, req.pasid ?? undefined, req.entries, ownerOf(req.expect_owner));
      return { results: bytes(r.results), translated: r.translated, faults: r.faults };
    }),
    DeviceAtsTranslate: unary((req, ctx) => {
      platformRole(ctx);
      const r = host.atsTranslate(req.bdf, req.pasid ?? undefined, parseU64(req.iova, 'iova'), req.write);
      if (r.fault) return { translated_addr: u64(0n), size: u64(0n), perm: 0, fault: faultMessage(r.fault, host.device(req.bdf).unit.name, req.write) };
      return { translated_addr: u64(r.addr), size: u64(r.size), perm: r.perm };
    }),
    SetDriver: unary((req, ctx) => {
      platformRole(ctx);
      host.setDriver(req.bdf, req.driver);
      return {};
    }),
    Unplug: unary((req, ctx) => {
      platformRole(ctx);
      host.unplug(req.bdf);
      return {};
    }),
    Plug: unary((req, ctx) => {
      platformRole(ctx);
      host.plug(req.bdf);
      return {};
    }),
    SetBarDecode: unary((req, ctx) => {
      platformRole(ctx);
      host.setBarDecode(req.bdf, req.enabled);
      return {};
    }),
    WatchEvents: serverStream(async (req, out, ctx) => {
      platformRole(ctx);
      const after = parseU64(req.after_sequence, 'after_sequence');
      if (req.boot_id !== '' && req.boot_id !== host.bootId) {
        throw new DomainError('FAILED_PRECONDITION', 'BOOT_ID_MISMATCH', `after_sequence counts in the log of boot ${req.boot_id}; this host booted as ${host.bootId} (host-iommu restarted)`, { bootId: host.bootId });
      }
      await followLog(
        host.events,
        after,
        (e) => out.send(eventMessage(host, e)),
        ctx.signal,
        (oldest) => out.send({ sequence: u64(oldest - 1n), kind: 'HOST_EVENT_KIND_EVENTS_LOST', lost_count: u64(oldest - 1n - after), message: `events ${after + 1n}..${oldest - 1n} are no longer retained` }),
      );
    }),
    Inspect: unary((req, ctx) => {
      // Platform service: the platform role (or root) for every selector. The host's own view
      // reaches any process's objects (no ownership check, and inspecting renews no lease).
      platformRole(ctx);
      let info: InspectInfo;
      const t = req.target;
      if (t === 'iommufd_object') {
        const o = req.iommufd_object!;
        const target = host.processes.get(o.pid);
        if (!target || !target.alive) throw kerr('ESRCH', `no process ${o.pid}`);
        info = host.inspect({ kind: 'object', process: target, fd: o.fd, id: o.id }, req.include_iotlb_entries, req.max_iotlb_entries);
      } else {
        if (t === 'bdf') info = host.inspect({ kind: 'device', bdf: req.bdf! }, req.include_iotlb_entries, req.max_iotlb_entries);
        else if (t === 'unit') info = host.inspect({ kind: 'unit', unit: req.unit! }, req.include_iotlb_entries, req.max_iotlb_entries);
        else info = host.inspect({ kind: 'host' }, req.include_iotlb_entries, req.max_iotlb_entries);
      }
      return inspectMessage(info);
    }),
    Ping: unary((req) => ({ payload: req.payload })),
    PingStream: serverStream(async (req, out) => {
      if (req.count > 10_000_000) throw new DomainError('INVALID_ARGUMENT', 'EINVAL', 'count above 10 M');
      const payload = Buffer.alloc(Math.min(req.payload_size, 1 << 20));
      for (let i = 1; i <= req.count; i++) await out.send({ sequence: u64(BigInt(i)), payload });
    }),
  });

  return [process, iommufd, vfio, platform].map((s) => afterDeferredTeardown(host, s));
}

// ------------------------------------------------------------------ Iommufd ioctls

/** An Iommufd ioctl by its IoctlsRequest oneof member name (`ioas_map`, ...). */
export type IoctlName = NonNullable<IoctlsRequest__Output['ioctl']>;
type IoctlReq<K extends IoctlName> = NonNullable<IoctlsRequest__Output[K]>;
type IoctlRes<K extends IoctlName> = NonNullable<IoctlsResponse[K]>;
/** The one table of Iommufd ioctls: request → response, domain errors thrown. */
export type IoctlTable = { [K in IoctlName]: (req: IoctlReq<K>, ctx: CallerContext) => IoctlRes<K> };

/** Every Iommufd ioctl, as `(req, ctx) → response` (throws the domain error of a failure). */
export function iommufdIoctls(host: Host): IoctlTable {
  const { proc } = callerChecks(host);
  const ictx = (ctx: CallerContext, fd: number) => {
    const p = proc(ctx);
    return { p, c: host.iommufd(p, fd) };
  };
  return {
    destroy: (req, ctx) => {
      ictx(ctx, req.fd).c.destroy(req.id);
      return {};
    },
    ioas_alloc: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return { out_ioas_id: c.ioasAlloc(p, req.flags) };
    },
    ioas_iova_ranges: (req, ctx) => {
      const r = ictx(ctx, req.fd).c.ioasIovaRanges(req.ioas_id);
      return { allowed_iovas: r.ranges.map((x) => ({ start: u64(x.start), last: u64(x.last) })), out_iova_alignment: u64(r.alignment) };
    },
    ioas_allow_iovas: (req, ctx) => {
      const ranges = req.allowed_iovas.map((r: { start: string; last: string }) => ({ start: parseU64(r.start, 'start'), last: parseU64(r.last, 'last') }));
      ictx(ctx, req.fd).c.ioasAllowIovas(req.ioas_id, ranges);
      return {};
    },
    ioas_map: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return { iova: u64(c.ioasMap(p, req.flags, req.ioas_id, parseU64(req.user_va, 'user_va'), parseU64(req.length, 'length'), parseU64(req.iova, 'iova'))) };
    },
    ioas_map_file: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return { iova: u64(c.ioasMapFile(p, req.flags, req.ioas_id, req.file_fd, parseU64(req.start, 'start'), parseU64(req.length, 'length'), parseU64(req.iova, 'iova'))) };
    },
    ioas_copy: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return {
        dst_iova: u64(c.ioasCopy(p, req.flags, req.dst_ioas_id, req.src_ioas_id, parseU64(req.length, 'length'), parseU64(req.dst_iova, 'dst_iova'), parseU64(req.src_iova, 'src_iova'))),
      };
    },
    ioas_unmap: (req, ctx) => ({ length: u64(ictx(ctx, req.fd).c.ioasUnmap(req.ioas_id, parseU64(req.iova, 'iova'), parseU64(req.length, 'length'))) }),
    ioas_change_process: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      c.ioasChangeProcess(p);
      return {};
    },
    option: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return { val64: u64(c.option(p, req.option_id, req.op, req.object_id, parseU64(req.val64, 'val64'))) };
    },
    vfio_ioas: (req, ctx) => ({ ioas_id: ictx(ctx, req.fd).c.vfioIoasOp(req.ioas_id, req.op) }),
    get_hw_info: (req, ctx) => {
      const r = ictx(ctx, req.fd).c.getHwInfo(req.flags, req.dev_id, req.in_data_type, req.data_len);
      const decoded = r.type === 1 ? { vtd: vtdView(r.full) } : r.type === 2 ? { smmuv3: smmuView(r.full) } : {};
      return {
        out_data_type: r.type,
        data: bytes(r.data),
        data_len: r.kernelLen,
        out_capabilities: u64(r.capabilities),
        out_max_pasid_log2: r.maxPasidLog2,
        ...decoded,
      };
    },
    hwpt_alloc: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return { out_hwpt_id: c.hwptAlloc(p, req.flags, req.dev_id, req.pt_id, req.data_type, req.data, req.fault_id) };
    },
    hwpt_set_dirty_tracking: (req, ctx) => {
      ictx(ctx, req.fd).c.hwptSetDirtyTracking(req.flags, req.hwpt_id);
      return {};
    },
    hwpt_get_dirty_bitmap: (req, ctx) => ({
      bitmap: bytes(ictx(ctx, req.fd).c.hwptGetDirtyBitmap(req.hwpt_id, req.flags, parseU64(req.iova, 'iova'), parseU64(req.length, 'length'), parseU64(req.page_size, 'page_size'))),
    }),
    hwpt_invalidate: (req, ctx) => ({ entry_num: ictx(ctx, req.fd).c.hwptInvalidate(req.hwpt_id, req.data_type, req.entry_len, req.entries) }),
    fault_queue_alloc: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      const r = faultQueueAlloc(c, p, req.flags);
      return { out_fault_id: r.id, out_fault_fd: r.fd };
    },
    respond_faults: (req, ctx) => ({ count: faultFileOf(proc(ctx), req.fault_fd).obj.respond(req.responses) }),
    viommu_alloc: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      const r = c.viommuAlloc(p, req.flags, req.type, req.dev_id, req.hwpt_id);
      return { out_viommu_id: r.id, data: bytes(r.data) };
    },
    vdevice_alloc: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      return { out_vdevice_id: c.vdeviceAlloc(p, req.viommu_id, req.dev_id, parseU64(req.virt_id, 'virt_id')) };
    },
    veventq_alloc: (req, ctx) => {
      const { p, c } = ictx(ctx, req.fd);
      const r = veventqAlloc(c, p, req.flags, req.viommu_id, req.type, req.veventq_depth);
      return { out_veventq_id: r.id, out_veventq_fd: r.fd };
    },
  };
}

const OK_STATUS: StatusMessage = Object.freeze({ code: 0, message: '', details: [] }) as StatusMessage;

/** Whether an IoctlsResponse carries an error. */
export function ioctlFailed(res: IoctlsResponse): boolean {
  return (res.status?.code ?? 0) !== 0;
}

/**
 * One request of the ioctl stream → its response: the table's function for the request's
 * ioctl, after the deferred-teardown wait a unary call has (afterDeferredTeardown), its
 * failure as the status (code, message, ErrorInfo) the unary call would have returned, via the
 * same mapping (toServiceError). Never throws.
 */
export function ioctlDispatcher(host: Host, table: IoctlTable = iommufdIoctls(host)): (req: IoctlsRequest__Output, ctx: CallerContext) => IoctlsResponse | Promise<IoctlsResponse> {
  const run = (req: IoctlsRequest__Output, ctx: CallerContext): IoctlsResponse => {
    const k = req.ioctl;
    try {
      if (k === undefined || req[k] == null) throw new DomainError('INVALID_ARGUMENT', 'NO_IOCTL', 'IoctlsRequest carries no ioctl');
      const res = (table[k] as (r: unknown, c: CallerContext) => unknown)(req[k], ctx);
      return { tag: req.tag, status: OK_STATUS, [k]: res } as IoctlsResponse;
    } catch (e) {
      const err = toServiceError(e, ctx.logger);
      ctx.logger.debug({ tag: req.tag, ioctl: k, code: err.code, reason: err.info.reason }, 'ioctl failed');
      return { tag: req.tag, status: err.toStatusMessage() };
    }
  };
  return (req, ctx) => (host.idle ? run(req, ctx) : host.quiesce().then(() => run(req, ctx)));
}

/**
 * One request of the InvalidationChannel → its ack: the same function as HwptInvalidate
 * (the ioctl table's hwpt_invalidate), applied synchronously, so the IOTLB/ATC change has taken
 * effect when the ack is written; a failure is the status (code, message, ErrorInfo with
 * `entry_num`) the unary call would have returned, with entry_num = the entries handled. Each
 * stream's sequence must increase strictly: a request whose sequence does not is answered
 * EINVAL and not applied. Requests are answered strictly in order (requestStream). Never throws.
 */
export function invalidationDispatcher(
  host: Host,
  table: IoctlTable = iommufdIoctls(host),
): (req: InvalidationChannelRequest__Output, ctx: CallerContext) => InvalidationChannelResponse | Promise<InvalidationChannelResponse> {
  /** last accepted sequence per stream (the stream's call context) */
  const last = new WeakMap<CallerContext, bigint>();
  const run = (req: InvalidationChannelRequest__Output, ctx: CallerContext): InvalidationChannelResponse => {
    try {
      const seq = parseU64(req.sequence, 'sequence');
      const prev = last.get(ctx);
      if (prev !== undefined && seq <= prev) throw kerr('EINVAL', `sequence ${seq} does not increase (the last was ${prev})`, { entry_num: '0' });
      last.set(ctx, seq);
      const r = table.hwpt_invalidate({ fd: req.fd, hwpt_id: req.hwpt_id, data_type: req.data_type, entry_len: req.entry_len, entries: req.entries }, ctx);
      return { sequence: req.sequence, entry_num: r.entry_num ?? 0, status: OK_STATUS };
    } catch (e) {
      const err = toServiceError(e, ctx.logger);
      const n = Number(err.info.metadata.entry_num ?? '0');
      return { sequence: req.sequence, entry_num: Number.isSafeInteger(n) ? n : 0, status: err.toStatusMessage() };
    }
  };
  return (req, ctx) => (host.idle ? run(req, ctx) : host.quiesce().then(() => run(req, ctx)));
}

export const IOCTLS_METHOD: string = hostServiceDefinitions.Iommufd.Ioctls.path;

/**
 * The in-process transport of Ioctls for a client in this process (the vmm of `iommu-twin up`
 * and of the in-process benchmark): the same messages, the same dispatch, ordering and error
 * encoding as the gRPC stream, authenticated by the same tokens, without HTTP/2
 * (libs/rpc/inprocess.ts). Close it before the server shuts down.
 */
export function inProcessIoctls(
  host: Host,
  opts: { resolveToken(token: string): unknown; logger: Logger; metrics?: ServerMetrics },
): InProcessStreams<IoctlsRequest, IoctlsResponse, IoctlsRequest__Output, IoctlsResponse__Output> {
  return new InProcessStreams<IoctlsRequest, IoctlsResponse, IoctlsRequest__Output, IoctlsResponse__Output>({
    server: 'host-iommu',
    method: IOCTLS_METHOD,
    requestType: 'iommutwin.host.v1.IoctlsRequest',
    responseType: 'iommutwin.host.v1.IoctlsResponse',
    resolveToken: opts.resolveToken,
    handle: ioctlDispatcher(host),
    failed: ioctlFailed,
    logger: opts.logger,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
}

export const READ_MEMORY_METHOD: string = hostServiceDefinitions.Process.ReadMemory.path;
export const WRITE_MEMORY_METHOD: string = hostServiceDefinitions.Process.WriteMemory.path;

/** The in-process transport of Process.ReadMemory and Process.WriteMemory (inProcessProcessMemory). */
export interface InProcessProcessMemory {
  ReadMemory: InProcessUnary<ReadMemoryRequest, ReadMemoryResponse, ReadMemoryRequest__Output, ReadMemoryResponse__Output>;
  WriteMemory: InProcessUnary<WriteMemoryRequest, WriteMemoryResponse, WriteMemoryRequest__Output, WriteMemoryResponse__Output>;
  /** Fails pending calls with UNAVAILABLE (SHUTTING_DOWN) and refuses new ones. */
  close(): void;
}

/**
 * The in-process transport of Process.ReadMemory / Process.WriteMemory for a client in this
 * process (the vmm's guest-RAM accesses in `iommu-twin up` and the in-process benchmarks): the
 * same functions as the unary methods (processMemory: caller checks, pid and identity metadata,
 * errors), after the same deferred-teardown wait (afterDeferredTeardown), with the same
 * protobuf messages, authentication, statuses with ErrorInfo, access log and metrics as the gRPC
 * call (libs/rpc/inprocess.ts InProcessUnary), without HTTP/2. Close it before the server shuts down.
 */
export function inProcessProcessMemory(
  host: Host,
  opts: { resolveToken(token: string): unknown; logger: Logger; metrics?: ServerMetrics; defaultDeadlineMs?: number },
): InProcessProcessMemory {
  const memory = processMemory(host, callerChecks(host).proc);
  const afterTeardown =
    <Req, Res>(fn: (req: Req, ctx: CallerContext) => Res) =>
    (req: Req, ctx: CallerContext): Res | Promise<Res> =>
      host.idle ? fn(req, ctx) : host.quiesce().then(() => fn(req, ctx));
  const common = {
    server: 'host-iommu',
    resolveToken: opts.resolveToken,
    logger: opts.logger,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.defaultDeadlineMs !== undefined ? { defaultDeadlineMs: opts.defaultDeadlineMs } : {}),
  };
  const ReadMemory = new InProcessUnary<ReadMemoryRequest, ReadMemoryResponse, ReadMemoryRequest__Output, ReadMemoryResponse__Output>({
    ...common,
    method: READ_MEMORY_METHOD,
    requestType: 'iommutwin.host.v1.ReadMemoryRequest',
    responseType: 'iommutwin.host.v1.ReadMemoryResponse',
    handle: afterTeardown(memory.ReadMemory),
    // the bytes read are a fresh buffer the host keeps no reference to
    byReference: { response: 'data' },
  });
  const WriteMemory = new InProcessUnary<WriteMemoryRequest, WriteMemoryResponse, WriteMemoryRequest__Output, WriteMemoryResponse__Output>({
    ...common,
    method: WRITE_MEMORY_METHOD,
    requestType: 'iommutwin.host.v1.WriteMemoryRequest',
    responseType: 'iommutwin.host.v1.WriteMemoryResponse',
    handle: afterTeardown(memory.WriteMemory),
    // the host copies the bytes into the process's pages and keeps no reference to them; the
    // caller (the vmm) does not change a buffer it is writing
    byReference: { request: 'data' },
  });
  return {
    ReadMemory,
    WriteMemory,
    close() {
      ReadMemory.close();
      WriteMemory.close();
    },
  };
}

/**
 * The one place where host calls wait for deferred teardown (Host.deferred): every method of
 * every host-iommu service starts only once the queue is empty, asynchronously, so health and
 * reflection (served outside these services) are answered while a large exit, close, munmap or
 * IoasUnmap drains, and no call ever sees a half-done teardown. When nothing is pending the
 * handler runs at once, as before.
 */
function afterDeferredTeardown(host: Host, reg: ServiceRegistration): ServiceRegistration {
  const handlers: Record<string, (...args: unknown[]) => void> = {};
  for (const [name, h] of Object.entries(reg.handlers as Record<string, (...args: unknown[]) => void>)) {
    handlers[name] = (...args: unknown[]) => {
      if (host.idle) return h(...args);
      void host.quiesce().then(() => h(...args));
    };
  }
  return { ...reg, handlers: handlers as ServiceRegistration['handlers'] };
}

function eventMessage(host: Host, e: HostEvent) {
  const dev = e.bdf ? host.devices.get(e.bdf) : undefined;
  return {
    sequence: u64(e.sequence),
    kind: `HOST_EVENT_KIND_${e.kind}`,
    time_unix_ms: u64(BigInt(e.timeUnixMs)),
    bdf: e.bdf ?? '',
    pid: e.pid ?? 0,
    name: e.name ?? '',
    unit: dev?.unit.name ?? '',
    dmabuf_fd: e.dmabufFd ?? 0,
    message: e.message,
    ...(e.kind === 'DMA_FAULT' && e.iova !== undefined
      ? {
          fault: {
            reason: FAULT_REASON_NAME[e.reason as DmaFault['reason']] ?? 'DMA_FAULT_REASON_UNSPECIFIED',
            addr: u64(e.iova),
            ...(e.pasid !== undefined ? { pasid: e.pasid } : {}),
            level: e.level ?? 0,
            recoverable: false,
            stage: e.stage ?? 0,
            write: e.write ?? false,
            unit: dev?.unit.name ?? '',
            detail: e.message,
          },
        }
      : {}),
  };
}

/**
 * Platform.Describe: the profile's static description (libs/profile/describe.ts) with what only
 * this running host knows: its boot id, where it placed the BARs, each device's driver, presence
 * and memory decode now, and the groups' viability that follows from them.
 */
function describe(host: Host) {
  const d = describeProfile(host.profile);
  d.boot_id = host.bootId;
  for (const x of d.devices) {
    const dev = host.devices.get(x.bdf);
    if (!dev) continue;
    x.driver = dev.driver;
    x.present = dev.plugged;
    x.bar_decode = dev.memoryEnabled;
    for (const b of x.bars) b.addr = u64(dev.barBase.get(b.index) ?? 0n);
  }
  for (const g of d.groups) g.viable = host.groups.get(g.id)?.viable ?? g.viable;
  return d;
}

function inspectMessage(info: InspectInfo) {
  return {
    kind: info.kind,
    page_tables: info.pageTables.map((t) => ({
      hwpt_id: t.hwptId,
      unit: t.unit,
      format: t.format,
      levels: t.levels,
      table_bytes: u64(t.tableBytes),
      table_pages: u64(BigInt(t.tablePages)),
      leaves: t.leaves.map((l) => ({ page_size: u64(l.pageSize), count: u64(BigInt(l.count)) })),
    })),
    iotlbs: info.iotlbs.map((s) => ({
      cache: s.cache,
      hits: u64(BigInt(s.hits)),
      misses: u64(BigInt(s.misses)),
      walks: u64(BigInt(s.walks)),
      memory_references: u64(BigInt(s.memoryReferences)),
      valid_entries: u64(BigInt(s.validEntries)),
      capacity: u64(BigInt(s.capacity)),
      invalidations: u64(BigInt(s.invalidations)),
      entries: s.entries.map((e: IotlbEntry) => ({
        domain_tag: e.tag,
        iova: u64(BigInt(e.iovaPfn) << 12n),
        addr: u64(BigInt(e.paPfn) << 12n),
        size: u64(1n << BigInt(e.pageShift)),
        perm: e.perm,
      })),
    })),
    areas: info.areas.map(({ ioasId, area }) => ({
      ioas_id: ioasId,
      iova: u64(area.iova),
      last: u64(area.last),
      flags: (area.prot & 1 ? 4 : 0) | (area.prot & 2 ? 2 : 0),
      source: area.pages.kind === 'dmabuf' ? 'AREA_SOURCE_DMABUF' : area.pages.kind === 'file' ? 'AREA_SOURCE_MEMFD' : 'AREA_SOURCE_USER_VA',
      user_va: u64(area.pages.kind === 'user' ? area.pages.base + (BigInt(area.pageIndex) << 12n) + BigInt(area.pageOffset) : 0n),
      file_offset: u64(area.pages.kind !== 'user' ? area.pages.base + (BigInt(area.pageIndex) << 12n) + BigInt(area.pageOffset) : 0n),
      pinned_pages: u64(area.pinned && area.pages.kind !== 'dmabuf' ? BigInt(Number((area.last - area.iova + 1n + BigInt(area.pageOffset) + 4095n) >> 12n)) : 0n),
    })),
    pinned: { pages: u64(BigInt(info.pinnedPages)), bytes: u64(BigInt(info.pinnedPages) << 12n) },
  };
}
