/**
 * The vmm's link to its host-iommu: typed, promise-based kernel calls made on behalf of a VM's
 * host process (principal `qemu`), the hardware side (principal with the platform role) for
 * assigned devices' DMA, and a resumable follower of the host event log. Host errors keep
 * their errno reason (ErrorInfo) so the vmm can report exactly what the kernel said.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, type StatusName } from '../../../../libs/errno/index.js';
import { call, callMeta, createClients, type HostClients } from '../../../../libs/rpc/client.js';
import { decodeErrorInfo } from '../../../../libs/rpc/errors.js';

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

function wrap(what: string, e: unknown): HostCallError {
  const err = e as grpc.ServiceError;
  const info = decodeErrorInfo(err);
  const code = typeof err.code === 'number' ? err.code : grpc.status.UNKNOWN;
  const status: StatusName = CODE_NAME[code] ?? 'UNAVAILABLE';
  const reason = info?.reason ?? (code === grpc.status.UNAVAILABLE ? 'HOST_UNAVAILABLE' : 'HOST_ERROR');
  return new HostCallError(status, reason, `host-iommu ${what}: ${err.details ?? err.message}`, { ...(info?.metadata ?? {}), hostCall: what }, code);
}

async function h<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw wrap(what, e);
  }
}

export interface HostEvent {
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
}

export interface HostUnit {
  name: string;
  type: string;
  pageSizes: bigint;
  inputBits: number;
  pasidBits: number;
  nesting: boolean;
  dirtyTracking: boolean;
}

export interface HostDescription {
  name: string;
  arch: string;
  units: HostUnit[];
  devices: HostDevice[];
  iommufd: boolean;
}

export interface HostLinkOptions {
  address: string;
  /** token of the principal VM processes run as (`qemu`) */
  token: string;
  /** token with the platform role (assigned devices' DMA, Describe, WatchEvents) */
  platformToken: string;
  logger: Logger;
  credentials?: grpc.ChannelCredentials;
}

export class HostLink {
  readonly vm: HostClients;
  readonly hw: HostClients;
  private describeCache: HostDescription | undefined;

  constructor(readonly opts: HostLinkOptions) {
    const common = { defaultDeadlineMs: 30_000, ...(opts.credentials ? { credentials: opts.credentials } : {}) };
    this.vm = createClients(opts.address, { token: opts.token, ...common });
    this.hw = createClients(opts.address, { token: opts.platformToken, ...common });
  }

  /** Close the channels. */
  dispose(): void {
    this.vm.close();
    this.hw.close();
  }

  // ------------------------------------------------------------------ processes and files

  async spawn(name: string, leaseMs: number): Promise<number> {
    return (await h('Spawn', call(this.vm.Process.Spawn, { name, lease_ms: leaseMs }))).pid;
  }
  async heartbeat(pid: number): Promise<void> {
    await h('Heartbeat', call(this.vm.Process.Heartbeat, { pid }));
  }
  async exit(pid: number): Promise<void> {
    await h('Exit', call(this.vm.Process.Exit, { pid }));
  }
  async open(pid: number, path: string): Promise<number> {
    return (await h(`Open ${path}`, call(this.vm.Process.Open, { path, flags: O_RDWR }, callMeta(pid)))).fd;
  }
  async closeFd(pid: number, fd: number): Promise<void> {
    await h('Close', call(this.vm.Process.Close, { fd }, callMeta(pid)));
  }
  async fdKinds(pid: number): Promise<Map<number, string>> {
    const r = await h('GetStatus', call(this.vm.Process.GetStatus, { pid }));
    return new Map(r.fds.map((f) => [f.fd, f.kind as string]));
  }
  /** Name and owning principal of a host process (/proc/<pid>/status). */
  async processInfo(pid: number): Promise<{ name: string; principal: string }> {
    const r = await h('GetStatus', call(this.vm.Process.GetStatus, { pid }));
    return { name: r.name, principal: r.principal };
  }
  async memfd(pid: number, name: string, size: bigint): Promise<number> {
    const fd = (await h('MemfdCreate', call(this.vm.Process.MemfdCreate, { name, flags: 0 }, callMeta(pid)))).fd;
    await h('Ftruncate', call(this.vm.Process.Ftruncate, { fd, length: size.toString() }, callMeta(pid)));
    return fd;
  }
  async mmapShared(pid: number, fd: number, length: bigint): Promise<bigint> {
    const r = await h('Mmap', call(this.vm.Process.Mmap, { addr: '0', length: length.toString(), prot: 3, flags: 1, fd, offset: '0' }, callMeta(pid)));
    return BigInt(r.addr as string);
  }
  async readMemory(pid: number, va: bigint, length: number): Promise<Buffer> {
    return (await h('ReadMemory', call(this.vm.Process.ReadMemory, { addr: va.toString(), length: String(length) }, callMeta(pid)))).data as Buffer;
  }
  async writeMemory(pid: number, va: bigint, data: Uint8Array): Promise<void> {
    await h('WriteMemory', call(this.vm.Process.WriteMemory, { addr: va.toString(), data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }, callMeta(pid)));
  }

  // ------------------------------------------------------------------ iommufd / vfio

  async ioasAlloc(pid: number, fd: number): Promise<number> {
    return (await h('IoasAlloc', call(this.vm.Iommufd.IoasAlloc, { fd, flags: 0 }, callMeta(pid)))).out_ioas_id;
  }
  async destroy(pid: number, fd: number, id: number): Promise<void> {
    await h('Destroy', call(this.vm.Iommufd.Destroy, { fd, id }, callMeta(pid)));
  }
  /** FIXED_IOVA map of `length` bytes of the process's VA at `iova`. */
  async ioasMapFixed(pid: number, fd: number, ioas: number, va: bigint, length: bigint, iova: bigint, read: boolean, write: boolean): Promise<void> {
    const flags = 1 | (write ? 2 : 0) | (read ? 4 : 0);
    await h('IoasMap', call(this.vm.Iommufd.IoasMap, { fd, flags, ioas_id: ioas, user_va: va.toString(), length: length.toString(), iova: iova.toString() }, callMeta(pid)));
  }
  async ioasUnmap(pid: number, fd: number, ioas: number, iova: bigint, length: bigint): Promise<bigint> {
    const r = await h('IoasUnmap', call(this.vm.Iommufd.IoasUnmap, { fd, ioas_id: ioas, iova: iova.toString(), length: length.toString() }, callMeta(pid)));
    return BigInt(r.length as string);
  }
  async ioasUnmapAll(pid: number, fd: number, ioas: number): Promise<bigint> {
    return this.ioasUnmap(pid, fd, ioas, 0n, U64_MAX);
  }
  async iovaRanges(pid: number, fd: number, ioas: number): Promise<Array<{ start: bigint; last: bigint }>> {
    const r = await h('IoasIovaRanges', call(this.vm.Iommufd.IoasIovaRanges, { fd, ioas_id: ioas }, callMeta(pid)));
    return r.allowed_iovas.map((x) => ({ start: BigInt(x.start as string), last: BigInt(x.last as string) }));
  }
  async bind(pid: number, deviceFd: number, iommufd: number): Promise<number> {
    return (await h('DeviceBindIommufd', call(this.vm.Vfio.DeviceBindIommufd, { device_fd: deviceFd, iommufd, flags: 0 }, callMeta(pid)))).out_devid;
  }
  async attach(pid: number, deviceFd: number, ptId: number): Promise<number> {
    return (await h('DeviceAttachPt', call(this.vm.Vfio.DeviceAttachPt, { device_fd: deviceFd, flags: 0, pt_id: ptId, pasid: 0 }, callMeta(pid)))).pt_id;
  }
  async detach(pid: number, deviceFd: number): Promise<void> {
    await h('DeviceDetachPt', call(this.vm.Vfio.DeviceDetachPt, { device_fd: deviceFd, flags: 0, pasid: 0 }, callMeta(pid)));
  }
  async inspectPinned(pid: number, fd: number, id: number): Promise<bigint> {
    const r = await h('Inspect', call(this.hw.Platform.Inspect, { iommufd_object: { pid, fd, id } }));
    return BigInt(r.pinned!.bytes as string);
  }

  // ------------------------------------------------------------------ hardware side

  async describe(refresh = false): Promise<HostDescription> {
    if (this.describeCache && !refresh) return this.describeCache;
    const d = await h('Describe', call(this.hw.Platform.Describe, {}));
    this.describeCache = {
      name: d.name,
      arch: d.arch,
      iommufd: d.kernel_features?.iommufd ?? false,
      units: d.units.map((u) => ({
        name: u.name,
        type: u.type as string,
        pageSizes: BigInt(u.page_sizes as string),
        inputBits: u.input_address_width,
        pasidBits: u.pasid_bits,
        nesting: u.nesting,
        dirtyTracking: u.dirty_tracking,
      })),
      devices: d.devices.map((x) => ({
        bdf: x.bdf,
        cdev: x.cdev,
        group: x.group,
        unit: x.unit,
        driver: x.driver,
        reservedRegions: x.reserved_regions.map((r) => ({ start: BigInt(r.start as string), last: BigInt(r.last as string), type: r.type as string })),
      })),
    };
    return this.describeCache;
  }

  async deviceDma(bdf: string, iova: bigint, length: number, write: boolean, data?: Uint8Array) {
    return h(
      'DeviceDma',
      call(this.hw.Platform.DeviceDma, {
        bdf,
        iova: iova.toString(),
        length: String(length),
        write,
        data: data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.alloc(0),
        allow_page_request: false,
      }),
    );
  }

  async ping(): Promise<void> {
    await h('Ping', call(this.hw.Platform.Ping, { payload: Buffer.alloc(0) }));
  }

  // ------------------------------------------------------------------ event follower

  /**
   * Follow the host event log from `after` until `signal` aborts, resuming by sequence after any
   * disconnect: each event is delivered once, in order. Resuming asks for the last event seen
   * again and checks it is the same one; a host whose log does not have it (host-iommu
   * restarted: its sequence starts again at 1) is followed from its first event, after
   * `hooks.onHostRestart`. The host API has no boot id, so "does not have it" includes "did
   * not replay it within `verifyMs` of a successful Ping" (the replay is sent at once).
   */
  follow(after: bigint, onEvent: (e: HostEvent) => void, signal: AbortSignal, hooks: FollowHooks = {}): Promise<void> {
    const verifyMs = hooks.verifyMs ?? 1000;
    let last = after;
    /** identity of the event numbered `last`, once one was delivered */
    let lastMark: string | undefined;
    let failures = 0;
    return new Promise<void>((resolve) => {
      const retry = (err: unknown, got: boolean) => {
        if (signal.aborted) return resolve();
        failures = got ? 1 : failures + 1;
        hooks.onStreamLost?.(failures, err);
        setTimeout(() => void connect(), Math.min(2000, 50 * 2 ** Math.min(failures, 6))).unref();
      };
      const connect = async (): Promise<void> => {
        if (signal.aborted) return resolve();
        let checking = lastMark !== undefined;
        if (checking) {
          // the replay is timed from here: make sure the host answers first
          try {
            await this.ping();
          } catch (e) {
            return retry(e, false);
          }
          if (signal.aborted) return resolve();
        }
        const stream = this.hw.Platform.WatchEvents({ after_sequence: (checking ? last - 1n : last).toString() });
        let done = false;
        let got = false;
        let timer: NodeJS.Timeout | undefined;
        const onAbort = () => stream.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
        // grpc-js emits 'error' and then 'end' for one failed stream: act once
        const finish = (err: unknown, restarted: boolean) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          if (!restarted) return retry(err, got);
          stream.cancel();
          const seen = last;
          last = 0n;
          lastMark = undefined;
          failures = 0;
          hooks.onHostRestart?.(seen);
          if (signal.aborted) return resolve();
          setImmediate(() => void connect());
        };
        if (checking) {
          timer = setTimeout(() => finish(undefined, true), verifyMs);
          timer.unref();
        }
        stream.on('data', (m) => {
          if (done) return;
          got = true;
          failures = 0;
          const seq = BigInt(m.sequence as string);
          const lost = m.kind === 'HOST_EVENT_KIND_EVENTS_LOST';
          if (checking) {
            checking = false;
            clearTimeout(timer);
            if (!lost && seq === last && eventMark(m) === lastMark) return; // our last event again: the same log
            // anything else but "the events after ours were dropped from the ring": another log
            if (!(lost && seq >= last)) return finish(undefined, true);
          }
          if (seq <= last) return;
          last = seq;
          lastMark = lost ? undefined : eventMark(m);
          onEvent({
            sequence: seq,
            kind: (m.kind as string).replace(/^HOST_EVENT_KIND_/, ''),
            bdf: m.bdf,
            pid: m.pid,
            message: m.message,
            ...(m.fault ? { fault: { reason: m.fault.reason as string, addr: BigInt(m.fault.addr as string), write: m.fault.write } } : {}),
          });
        });
        stream.on('error', (e) => finish(e, false));
        stream.on('end', () => finish(new Error('stream ended'), false));
      };
      void connect();
    });
  }
}

export interface FollowHooks {
  /** The stream broke (`attempt` counts failures in a row); the follower retries with backoff. */
  onStreamLost?(attempt: number, err: unknown): void;
  /** The host's event log is not the one followed so far (`lastSeen` was its last sequence): following restarts at its first event. */
  onHostRestart?(lastSeen: bigint): void;
  /** How long a resumed stream may take to replay the last event seen (default 1000 ms). */
  verifyMs?: number;
}

function eventMark(m: { kind: unknown; time_unix_ms: unknown; pid: number; bdf: string; message: string }): string {
  return `${String(m.kind)}|${String(m.time_unix_ms)}|${m.pid}|${m.bdf}|${m.message}`;
}
