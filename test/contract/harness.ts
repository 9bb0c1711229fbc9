/**
 * Contract-test harness: a host-iommu served in-process on 127.0.0.1:0 with fixed tokens, a
 * hook-managed host fixture (useTestHost), a small syscall-style wrapper (Sys) so ported kernel
 * selftests read like the originals, the error assertions the tests share, and a pull interface
 * over Platform.WatchEvents.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ERRNO, ERRNO_STATUS, type ErrnoName } from '#libs/errno/index.js';
import { call, callMeta, createClients, type HostClients } from '#libs/rpc/client.js';
import { decodeErrorInfo, statusCode } from '#libs/rpc/errors.js';
import type { WatchEventsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WatchEventsResponse.js';
import { startHostServer, type HostServer } from '../../services/host-iommu/src/main.js';
import { pino } from 'pino';

export const TOKENS = { 'tok-root': 'root', 'tok-qemu': 'qemu', 'tok-platform': 'platform' } as const;

export const O_RDWR = 2;
export const PROT_RW = 3;
export const MAP_SHARED = 1;
export const MAP_PRIVATE = 2;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_FIXED_IOVA = 1;
export const MAP_WRITEABLE = 2;
export const MAP_READABLE = 4;
export const MAP_RW = MAP_WRITEABLE | MAP_READABLE;
export const PAGE = 4096n;

export interface TestHost {
  srv: HostServer;
  root: HostClients;
  qemu: HostClients;
  platform: HostClients;
  close(): Promise<void>;
}

export async function startTestHost(profile = 'intel-vtd'): Promise<TestHost> {
  const srv = await startHostServer({ listen: '127.0.0.1:0', profile, tokens: { ...TOKENS }, logger: pino({ level: 'silent' }) });
  const mk = (token: string) => createClients(srv.addr, { token, defaultDeadlineMs: 20_000 });
  const root = mk('tok-root');
  const qemu = mk('tok-qemu');
  const platform = mk('tok-platform');
  return {
    srv,
    root,
    qemu,
    platform,
    async close() {
      root.close();
      qemu.close();
      platform.close();
      await srv.close(500);
    },
  };
}

/** UTF-8 bytes of a string. */
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Awaits `p`, which must reject (else the assertion fails with `message`); returns the error. */
export async function rejectionOf(p: Promise<unknown>, message = 'the call succeeded'): Promise<grpc.ServiceError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, message).toBeDefined();
  return err as grpc.ServiceError;
}

/** Assert a rejected call carries ErrorInfo.reason === errno in our domain; returns the error. */
export async function expectErrno(p: Promise<unknown>, errno: string): Promise<grpc.ServiceError> {
  const err = await rejectionOf(p, `expected ${errno}, call succeeded`);
  const info = decodeErrorInfo(err);
  expect(info?.reason, err.message).toBe(errno);
  expect(info?.domain).toBe('iommutwin.dev');
  return err;
}

/** expectErrno, plus the gRPC status code: a rejection with ErrorInfo.reason `reason` and status `code`. */
export async function expectStatus(p: Promise<unknown>, code: grpc.status, reason: string): Promise<grpc.ServiceError> {
  const e = await expectErrno(p, reason);
  expect(e.code, e.message).toBe(code);
  return e;
}

/**
 * The selftests' EXPECT_ERRNO: the errno name (ErrorInfo.reason), its number (metadata.errno)
 * and the status code host-api.md maps it to.
 */
export async function expectKernelErrno(p: Promise<unknown>, errno: ErrnoName): Promise<grpc.ServiceError> {
  const e = await expectErrno(p, errno);
  expect(e.code).toBe(statusCode(ERRNO_STATUS[errno]));
  expect(errorInfo(e)?.metadata.errno).toBe(String(ERRNO[errno]));
  return e;
}

export function errorInfo(e: unknown) {
  return decodeErrorInfo(e as grpc.ServiceError);
}

type Any = Record<string, unknown>;

/** One simulated process: syscalls and ioctls as methods (u64 as bigint). */
export class Sys {
  constructor(
    readonly c: HostClients,
    readonly pid: number,
  ) {}

  static async spawn(c: HostClients, name = 'test', leaseMs = 0): Promise<Sys> {
    const r = await call(c.Process.Spawn, { name, lease_ms: leaseMs });
    return new Sys(c, r.pid);
  }

  private m(): grpc.Metadata {
    return callMeta(this.pid);
  }
  // generic escape hatch for tests that need raw requests
  async raw<R>(svc: keyof Pick<HostClients, 'Process' | 'Iommufd' | 'Vfio' | 'Platform'>, method: string, req: Any): Promise<R> {
    const client = this.c[svc] as unknown as Record<string, (...a: unknown[]) => unknown>;
    return call(client[method] as never, req as never, this.m()) as Promise<R>;
  }

  // ---------------------------------------------------------------- process
  async open(path: string, flags = O_RDWR): Promise<number> {
    return (await call(this.c.Process.Open, { path, flags }, this.m())).fd;
  }
  async close(fd: number): Promise<void> {
    await call(this.c.Process.Close, { fd }, this.m());
  }
  async exit(): Promise<void> {
    await call(this.c.Process.Exit, { pid: this.pid });
  }
  async sendFd(fd: number, to: Sys | number): Promise<number> {
    return (await call(this.c.Process.SendFd, { fd, target_pid: typeof to === 'number' ? to : to.pid }, this.m())).target_fd;
  }
  async memfd(name: string, size: bigint, flags = 0): Promise<number> {
    const fd = (await call(this.c.Process.MemfdCreate, { name, flags }, this.m())).fd;
    if (size > 0n) await call(this.c.Process.Ftruncate, { fd, length: size.toString() }, this.m());
    return fd;
  }
  async ftruncate(fd: number, size: bigint): Promise<void> {
    await call(this.c.Process.Ftruncate, { fd, length: size.toString() }, this.m());
  }
  async mmap(length: bigint, opts: { fd?: number; prot?: number; flags?: number; addr?: bigint; offset?: bigint } = {}): Promise<bigint> {
    const fd = opts.fd ?? -1;
    const flags = opts.flags ?? (fd < 0 ? MAP_SHARED | MAP_ANONYMOUS : MAP_SHARED);
    const r = await call(this.c.Process.Mmap, { addr: (opts.addr ?? 0n).toString(), length: length.toString(), prot: opts.prot ?? PROT_RW, flags, fd, offset: (opts.offset ?? 0n).toString() }, this.m());
    return BigInt(r.addr as string);
  }
  async munmap(addr: bigint, length: bigint): Promise<void> {
    await call(this.c.Process.Munmap, { addr: addr.toString(), length: length.toString() }, this.m());
  }
  async write(addr: bigint, data: Uint8Array): Promise<void> {
    await call(this.c.Process.WriteMemory, { addr: addr.toString(), data: Buffer.from(data) }, this.m());
  }
  async read(addr: bigint, length: number): Promise<Buffer> {
    return (await call(this.c.Process.ReadMemory, { addr: addr.toString(), length: String(length) }, this.m())).data as Buffer;
  }
  async status(): Promise<{ pinned: bigint; locked: bigint; fds: Array<{ fd: number; kind: string }> }> {
    const r = await call(this.c.Process.GetStatus, { pid: this.pid });
    return { pinned: BigInt(r.vm_pinned_bytes as string), locked: BigInt(r.vm_locked_bytes as string), fds: r.fds.map((f) => ({ fd: f.fd, kind: f.kind as string })) };
  }

  // ---------------------------------------------------------------- iommufd
  async destroy(fd: number, id: number): Promise<void> {
    await call(this.c.Iommufd.Destroy, { fd, id }, this.m());
  }
  async ioasAlloc(fd: number, flags = 0): Promise<number> {
    return (await call(this.c.Iommufd.IoasAlloc, { fd, flags }, this.m())).out_ioas_id;
  }
  async map(fd: number, ioas: number, userVa: bigint, length: bigint, iova?: bigint, flags = MAP_RW): Promise<bigint> {
    const f = iova === undefined ? flags : flags | MAP_FIXED_IOVA;
    const r = await call(this.c.Iommufd.IoasMap, { fd, flags: f, ioas_id: ioas, user_va: userVa.toString(), length: length.toString(), iova: (iova ?? 0n).toString() }, this.m());
    return BigInt(r.iova as string);
  }
  async mapFile(fd: number, ioas: number, fileFd: number, start: bigint, length: bigint, iova?: bigint, flags = MAP_RW): Promise<bigint> {
    const f = iova === undefined ? flags : flags | MAP_FIXED_IOVA;
    const r = await call(this.c.Iommufd.IoasMapFile, { fd, flags: f, ioas_id: ioas, file_fd: fileFd, start: start.toString(), length: length.toString(), iova: (iova ?? 0n).toString() }, this.m());
    return BigInt(r.iova as string);
  }
  async unmap(fd: number, ioas: number, iova: bigint, length: bigint): Promise<bigint> {
    const r = await call(this.c.Iommufd.IoasUnmap, { fd, ioas_id: ioas, iova: iova.toString(), length: length.toString() }, this.m());
    return BigInt(r.length as string);
  }
  async copy(fd: number, dst: number, src: number, length: bigint, dstIova: bigint | undefined, srcIova: bigint, flags = MAP_RW): Promise<bigint> {
    const f = dstIova === undefined ? flags : flags | MAP_FIXED_IOVA;
    const r = await call(this.c.Iommufd.IoasCopy, { fd, flags: f, dst_ioas_id: dst, src_ioas_id: src, length: length.toString(), dst_iova: (dstIova ?? 0n).toString(), src_iova: srcIova.toString() }, this.m());
    return BigInt(r.dst_iova as string);
  }
  async iovaRanges(fd: number, ioas: number): Promise<{ ranges: Array<{ start: bigint; last: bigint }>; alignment: bigint }> {
    const r = await call(this.c.Iommufd.IoasIovaRanges, { fd, ioas_id: ioas }, this.m());
    return { ranges: r.allowed_iovas.map((x) => ({ start: BigInt(x.start as string), last: BigInt(x.last as string) })), alignment: BigInt(r.out_iova_alignment as string) };
  }
  async allowIovas(fd: number, ioas: number, ranges: Array<{ start: bigint; last: bigint }>): Promise<void> {
    await call(this.c.Iommufd.IoasAllowIovas, { fd, ioas_id: ioas, allowed_iovas: ranges.map((r) => ({ start: r.start.toString(), last: r.last.toString() })) }, this.m());
  }
  async option(fd: number, optionId: number, op: number, objectId: number, val: bigint): Promise<bigint> {
    const r = await call(this.c.Iommufd.Option, { fd, option_id: optionId, op, object_id: objectId, val64: val.toString() }, this.m());
    return BigInt(r.val64 as string);
  }
  async changeProcess(fd: number): Promise<void> {
    await call(this.c.Iommufd.IoasChangeProcess, { fd }, this.m());
  }
  async vfioIoas(fd: number, ioas: number, op: number): Promise<number> {
    return (await call(this.c.Iommufd.VfioIoas, { fd, ioas_id: ioas, op }, this.m())).ioas_id;
  }
  async hwptAlloc(fd: number, devId: number, ptId: number, flags = 0, dataType = 0, data: Uint8Array = new Uint8Array(0)): Promise<number> {
    return (await call(this.c.Iommufd.HwptAlloc, { fd, flags, dev_id: devId, pt_id: ptId, data_type: dataType, data: Buffer.from(data), fault_id: 0 }, this.m())).out_hwpt_id;
  }
  async hwInfo(fd: number, devId: number, dataLen: number, flags = 0, inType = 0) {
    return call(this.c.Iommufd.GetHwInfo, { fd, flags, dev_id: devId, in_data_type: inType, data_len: dataLen }, this.m());
  }
  async setDirty(fd: number, hwpt: number, enable: boolean, flags?: number): Promise<void> {
    await call(this.c.Iommufd.HwptSetDirtyTracking, { fd, flags: flags ?? (enable ? 1 : 0), hwpt_id: hwpt }, this.m());
  }
  async dirtyBitmap(fd: number, hwpt: number, iova: bigint, length: bigint, pageSize: bigint, flags = 0): Promise<Buffer> {
    const r = await call(this.c.Iommufd.HwptGetDirtyBitmap, { fd, hwpt_id: hwpt, flags, iova: iova.toString(), length: length.toString(), page_size: pageSize.toString() }, this.m());
    return r.bitmap as Buffer;
  }

  // ---------------------------------------------------------------- vfio (cdev)
  async bind(deviceFd: number, iommufd: number, flags = 0): Promise<number> {
    return (await call(this.c.Vfio.DeviceBindIommufd, { device_fd: deviceFd, iommufd, flags }, this.m())).out_devid;
  }
  async attach(deviceFd: number, ptId: number, pasid?: number): Promise<number> {
    return (await call(this.c.Vfio.DeviceAttachPt, { device_fd: deviceFd, flags: pasid === undefined ? 0 : 1, pt_id: ptId, pasid: pasid ?? 0 }, this.m())).pt_id;
  }
  async detach(deviceFd: number, pasid?: number): Promise<void> {
    await call(this.c.Vfio.DeviceDetachPt, { device_fd: deviceFd, flags: pasid === undefined ? 0 : 1, pasid: pasid ?? 0 }, this.m());
  }
}

/** VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE (include/uapi/linux/vfio.h). */
export const VFIO_DMA_MAP_RW = 1 | 2;

/** The legacy VFIO ioctls of one process: groups and the /dev/vfio/vfio container (raw gRPC requests on top of Sys; u64 as bigint). */
export class VfioLegacy {
  constructor(readonly sys: Sys) {}
  get pid(): number {
    return this.sys.pid;
  }
  async status(group: number): Promise<number> {
    return (await this.sys.raw<{ flags: number }>('Vfio', 'GroupGetStatus', { group_fd: group })).flags;
  }
  async setContainer(group: number, container: number): Promise<void> {
    await this.sys.raw('Vfio', 'GroupSetContainer', { group_fd: group, container_fd: container });
  }
  async unsetContainer(group: number): Promise<void> {
    await this.sys.raw('Vfio', 'GroupUnsetContainer', { group_fd: group });
  }
  async deviceFd(group: number, name: string): Promise<number> {
    return (await this.sys.raw<{ device_fd: number }>('Vfio', 'GroupGetDeviceFd', { group_fd: group, name })).device_fd;
  }
  async apiVersion(container: number): Promise<number> {
    return (await this.sys.raw<{ version: number }>('Vfio', 'ContainerGetApiVersion', { container_fd: container })).version;
  }
  async ext(container: number, extension: number): Promise<boolean> {
    return (await this.sys.raw<{ supported: boolean }>('Vfio', 'ContainerCheckExtension', { container_fd: container, extension })).supported;
  }
  async setIommu(container: number, type: number): Promise<void> {
    await this.sys.raw('Vfio', 'ContainerSetIommu', { container_fd: container, type });
  }
  async info(container: number): Promise<{ flags: number; pgsizes: bigint; ranges: Array<{ start: bigint; last: bigint }>; avail: number }> {
    const r = await this.sys.raw<{ flags: number; iova_pgsizes: string; iova_ranges: Array<{ start: string; last: string }>; dma_avail: number }>('Vfio', 'ContainerGetInfo', { container_fd: container });
    return { flags: r.flags, pgsizes: BigInt(r.iova_pgsizes), ranges: r.iova_ranges.map((x) => ({ start: BigInt(x.start), last: BigInt(x.last) })), avail: r.dma_avail };
  }
  async map(container: number, vaddr: bigint, iova: bigint, size: bigint, flags = VFIO_DMA_MAP_RW): Promise<void> {
    await this.sys.raw('Vfio', 'ContainerMapDma', { container_fd: container, flags, vaddr: vaddr.toString(), iova: iova.toString(), size: size.toString() });
  }
  async unmap(container: number, iova: bigint, size: bigint, flags = 0, bitmapPgsize = 0n): Promise<{ size: bigint; bitmap: Buffer }> {
    const r = await this.sys.raw<{ size: string; bitmap: Buffer }>('Vfio', 'ContainerUnmapDma', { container_fd: container, flags, iova: iova.toString(), size: size.toString(), bitmap_pgsize: bitmapPgsize.toString() });
    return { size: BigInt(r.size), bitmap: Buffer.from(r.bitmap) };
  }
  async dirty(container: number, flags: number, iova = 0n, size = 0n, pgsize = 0n): Promise<Buffer> {
    const r = await this.sys.raw<{ bitmap: Buffer }>('Vfio', 'ContainerDirtyPages', { container_fd: container, flags, iova: iova.toString(), size: size.toString(), pgsize: pgsize.toString() });
    return Buffer.from(r.bitmap);
  }
}

/** Leaf counts of one Inspect page table, keyed by page size in bytes (decimal strings). */
export function leafCounts(pt: { leaves: Array<{ page_size: string; count: string }> }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of pt.leaves) out[l.page_size] = Number(l.count);
  return out;
}

/** Platform helpers (need the platform role or root). */
export class Hw {
  constructor(readonly c: HostClients) {}
  async dma(bdf: string, iova: bigint, length: number, opts: { write?: Uint8Array; pasid?: number } = {}) {
    return call(this.c.Platform.DeviceDma, {
      bdf,
      ...(opts.pasid !== undefined ? { pasid: opts.pasid } : {}),
      iova: iova.toString(),
      length: String(length),
      write: opts.write !== undefined,
      data: Buffer.from(opts.write ?? new Uint8Array(0)),
      allow_page_request: false,
    });
  }
  async inspect(req: Any) {
    return call(this.c.Platform.Inspect, req as never);
  }
  async describe() {
    return call(this.c.Platform.Describe, {});
  }
}

/**
 * A root process with /dev/iommu open and `cdev` bound and attached to a fresh IOAS — the
 * iommufd selftest "mock domain" setup on real intel-vtd geometry.
 */
export async function deviceSetup(c: HostClients, cdev = 'vfio0'): Promise<{ sys: Sys; fd: number; devFd: number; devId: number; ioas: number; hwpt: number }> {
  const sys = await Sys.spawn(c, 'selftest');
  const fd = await sys.open('/dev/iommu');
  const devFd = await sys.open(`/dev/vfio/devices/${cdev}`);
  const devId = await sys.bind(devFd, fd);
  const ioas = await sys.ioasAlloc(fd);
  const hwpt = await sys.attach(devFd, ioas);
  return { sys, fd, devFd, devId, ioas, hwpt };
}

/** A host started and closed by the hooks of the scope that called useTestHost (see there). */
export interface HostFixture {
  readonly srv: HostServer;
  readonly root: HostClients;
  readonly qemu: HostClients;
  readonly platform: HostClients;
  /** Platform helpers on the platform-role clients. */
  readonly hw: Hw;
  /** Sys.spawn; the process exits after the current test (also a failed one). */
  spawn(c: HostClients, name?: string): Promise<Sys>;
  /** deviceSetup on the root clients; its process exits after the current test. */
  deviceSetup(cdev?: string): ReturnType<typeof deviceSetup>;
}

/**
 * Registers in the calling scope (a test file or a describe block): beforeAll starts a host with
 * `profile`; afterAll closes it; afterEach makes every process the fixture's spawn / deviceSetup
 * made during the test exit (errors ignored: the test may have ended it already) and then, with
 * `checkTeardown`, asserts the selftests' teardown_iommufd state: no page pinned and no page
 * table left on the host. The fixture's fields are usable in hooks and tests, not while tests
 * are being collected.
 */
export function useTestHost(profile = 'intel-vtd', opts: { checkTeardown?: boolean } = {}): HostFixture {
  let host: TestHost | undefined;
  let hw: Hw | undefined;
  const live: Sys[] = [];
  const started = (): TestHost => {
    if (!host) throw new Error('useTestHost: the host is not running (use it inside hooks and tests)');
    return host;
  };
  beforeAll(async () => {
    host = await startTestHost(profile);
    hw = new Hw(host.platform);
  });
  afterAll(async () => {
    await host?.close();
    host = undefined;
    hw = undefined;
  });
  afterEach(async () => {
    for (const s of live.splice(0)) await s.exit().catch(() => undefined);
    if (opts.checkTeardown) {
      const state = await fixture.hw.inspect({ host: true });
      expect(state.pinned!.pages).toBe('0');
      expect(state.page_tables).toEqual([]);
    }
  });
  const fixture: HostFixture = {
    get srv() {
      return started().srv;
    },
    get root() {
      return started().root;
    },
    get qemu() {
      return started().qemu;
    },
    get platform() {
      return started().platform;
    },
    get hw() {
      started();
      return hw!;
    },
    async spawn(c: HostClients, name?: string): Promise<Sys> {
      const sys = await Sys.spawn(c, name);
      live.push(sys);
      return sys;
    },
    async deviceSetup(cdev?: string) {
      const r = await deviceSetup(started().root, cdev);
      live.push(r.sys);
      return r;
    },
  };
  return fixture;
}

/** One Platform.WatchEvents message. */
export type HostEvent = WatchEventsResponse__Output;

/**
 * A WatchEvents subscription (events with sequence > `after`) with a pull interface: waits on
 * events, never on time; every wait rejects on a stream error other than CANCELLED, or after
 * its timeout.
 */
export function watchEvents(c: HostClients, after = 0n) {
  const s = pullStream<HostEvent>(c.Platform.WatchEvents({ after_sequence: after.toString() }));
  return {
    ...s,
    /** Resolves with the first received event matching `pred`. */
    until(pred: (e: HostEvent) => boolean, timeoutMs = 10_000): Promise<HostEvent> {
      return s.waitFor(
        () => s.seen.find(pred),
        timeoutMs,
        () => `no matching host event (saw ${s.seen.map((e) => `${e.sequence}:${e.kind}:${e.pid}`).join(', ')})`,
      );
    },
  };
}

// ------------------------------------------------------------------------------------------
// Nesting helpers (vIOMMU / vDEVICE / vEVENTQ / FAULT / HWPT_INVALIDATE) shared by
// selftest-nesting.test.ts and nesting-atomicity.test.ts.

/**
 * A pull interface over any server stream (ReadFaults, ReadVevents, ...): waits on messages,
 * never on time; every wait rejects on a stream error other than CANCELLED, or at its timeout.
 */
export function pullStream<T>(stream: grpc.ClientReadableStream<T>) {
  const buf: T[] = [];
  let failure: grpc.ServiceError | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  stream.on('data', (m: T) => {
    buf.push(m);
    wake?.();
  });
  stream.on('error', (e: grpc.ServiceError) => {
    if (e.code !== grpc.status.CANCELLED) failure = e;
    wake?.();
  });
  stream.on('end', () => {
    ended = true;
    wake?.();
  });
  async function settle<R>(ready: () => R | undefined, timeoutMs: number, what: () => string): Promise<R> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = ready();
      if (v !== undefined) return v;
      if (failure) throw failure;
      const left = deadline - Date.now();
      if (left <= 0 || ended) throw new Error(`${what()} (${ended ? 'stream ended' : `${timeoutMs} ms`})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }
  return {
    seen: buf,
    /** Resolves with ready()'s first defined value, re-checked after each message, the end or an error. */
    waitFor: settle,
    /** Resolves once `n` messages arrived, with the first `n`. */
    take(n: number, timeoutMs = 10_000): Promise<T[]> {
      return settle(
        () => (buf.length >= n ? buf.slice(0, n) : undefined),
        timeoutMs,
        () => `only ${buf.length} of ${n} stream messages`,
      );
    },
    /** The stream's terminal error (waits for it). */
    error(timeoutMs = 10_000): Promise<grpc.ServiceError> {
      return settle(
        () => failure,
        timeoutMs,
        () => 'stream did not fail',
      );
    },
    cancel(): void {
      stream.cancel();
    },
  };
}

/** The handled count HwptInvalidate reports in ErrorInfo metadata `entry_num` on error. */
export function entryNumOf(e: unknown): string | undefined {
  const md = errorInfo(e)?.metadata ?? {};
  return md['entry_num'];
}

/** iommufd nesting ioctls of one process (u64 as bigint), next to Sys. */
export class Nest {
  constructor(readonly sys: Sys) {}
  private m(): grpc.Metadata {
    return callMeta(this.sys.pid);
  }
  async hwptAlloc(fd: number, a: { flags?: number; devId: number; ptId: number; dataType?: number; data?: Uint8Array; faultId?: number }): Promise<number> {
    const r = await call(this.sys.c.Iommufd.HwptAlloc, { fd, flags: a.flags ?? 0, dev_id: a.devId, pt_id: a.ptId, data_type: a.dataType ?? 0, data: Buffer.from(a.data ?? new Uint8Array(0)), fault_id: a.faultId ?? 0 }, this.m());
    return r.out_hwpt_id;
  }
  async viommuAlloc(fd: number, a: { flags?: number; type: number; devId: number; hwptId: number; data?: Uint8Array }): Promise<number> {
    const r = await call(this.sys.c.Iommufd.ViommuAlloc, { fd, flags: a.flags ?? 0, type: a.type, dev_id: a.devId, hwpt_id: a.hwptId, data: Buffer.from(a.data ?? new Uint8Array(0)) }, this.m());
    return r.out_viommu_id;
  }
  async vdeviceAlloc(fd: number, viommuId: number, devId: number, virtId: bigint): Promise<number> {
    return (await call(this.sys.c.Iommufd.VdeviceAlloc, { fd, viommu_id: viommuId, dev_id: devId, virt_id: virtId.toString() }, this.m())).out_vdevice_id;
  }
  async veventqAlloc(fd: number, a: { flags?: number; viommuId: number; type: number; depth: number }): Promise<{ id: number; fd: number }> {
    const r = await call(this.sys.c.Iommufd.VeventqAlloc, { fd, flags: a.flags ?? 0, viommu_id: a.viommuId, type: a.type, veventq_depth: a.depth }, this.m());
    return { id: r.out_veventq_id, fd: r.out_veventq_fd };
  }
  async faultQueueAlloc(fd: number, flags = 0): Promise<{ id: number; fd: number }> {
    const r = await call(this.sys.c.Iommufd.FaultQueueAlloc, { fd, flags }, this.m());
    return { id: r.out_fault_id, fd: r.out_fault_fd };
  }
  async invalidate(fd: number, hwptId: number, dataType: number, entryLen: number, entries: Uint8Array): Promise<number> {
    return (await call(this.sys.c.Iommufd.HwptInvalidate, { fd, hwpt_id: hwptId, data_type: dataType, entry_len: entryLen, entries: Buffer.from(entries) }, this.m())).entry_num;
  }
  async respondFaults(faultFd: number, responses: Array<{ cookie: number; code: number }>): Promise<number> {
    return (await call(this.sys.c.Iommufd.RespondFaults, { fault_fd: faultFd, responses }, this.m())).count;
  }
  readFaults(faultFd: number, afterCookie = 0) {
    type G = { cookie: number; faults: Array<{ flags: number; dev_id: number; pasid: number; grpid: number; perm: number; addr: string; length: number }> };
    return pullStream<G>(this.sys.c.Iommufd.ReadFaults({ fault_fd: faultFd, after_cookie: afterCookie }, this.m()) as unknown as grpc.ClientReadableStream<G>);
  }
  readVevents(veventqFd: number, afterSequence = 0n) {
    type V = { flags: number; sequence: string; data: Buffer };
    return pullStream<V>(this.sys.c.Iommufd.ReadVevents({ veventq_fd: veventqFd, after_sequence: afterSequence.toString() }, this.m()) as unknown as grpc.ClientReadableStream<V>);
  }
}
