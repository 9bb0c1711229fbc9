/**
 * Iommufd.Ioctls — the ordered ioctl stream — against the unary calls it stands for. Two
 * identical hosts (same profile, same setup calls, so the same pids, fds, object ids and VAs):
 * host A runs a sequence of valid and failing ioctls through one stream, host B runs the same
 * sequence through the unary methods, and every answer must be the same — result message, or
 * status code, message and ErrorInfo — in request order. Each failure on A changes nothing
 * (Inspect of the whole host and the process's status before and after), and a pipelined burst
 * (every request written before any answer is read) is answered in order, as the unary replay.
 * The in-process transport of the same stream (no HTTP/2) gives the same answers too.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, callMeta, type HostClients } from '#libs/rpc/client.js';
import { decodeErrorInfo, errorInfoOfStatus } from '#libs/rpc/errors.js';
import type { IoctlsRequest } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsResponse.js';
import { BOOT_ID_KEY, START_TIME_KEY } from '#libs/rpc/metadata.js';
import { pino } from 'pino';
import { inProcessIoctls } from '../../services/host-iommu/src/transport/handlers.js';
import { IoctlPipe } from '../../services/vmm/src/hostlink/ioctls.js';
import { MAP_FIXED_IOVA, MAP_RW, Sys, startTestHost, type TestHost } from './harness.js';

const GiB = 1n << 30n;
const MAP_FIXED_RW = MAP_FIXED_IOVA | MAP_RW;
const NIC = '/dev/vfio/devices/vfio0';

/** Oneof member → unary method. */
const METHOD: Record<string, string> = {
  destroy: 'Destroy',
  ioas_alloc: 'IoasAlloc',
  ioas_iova_ranges: 'IoasIovaRanges',
  ioas_allow_iovas: 'IoasAllowIovas',
  ioas_map: 'IoasMap',
  ioas_map_file: 'IoasMapFile',
  ioas_copy: 'IoasCopy',
  ioas_unmap: 'IoasUnmap',
  ioas_change_process: 'IoasChangeProcess',
  option: 'Option',
  vfio_ioas: 'VfioIoas',
  get_hw_info: 'GetHwInfo',
  hwpt_alloc: 'HwptAlloc',
  hwpt_set_dirty_tracking: 'HwptSetDirtyTracking',
  hwpt_get_dirty_bitmap: 'HwptGetDirtyBitmap',
  hwpt_invalidate: 'HwptInvalidate',
  fault_queue_alloc: 'FaultQueueAlloc',
  respond_faults: 'RespondFaults',
  viommu_alloc: 'ViommuAlloc',
  vdevice_alloc: 'VdeviceAlloc',
  veventq_alloc: 'VeventqAlloc',
};

type Req = Record<string, unknown>;
/** One ioctl of a sequence: its oneof member and request message. */
type Op = [name: string, req: Req];

/** An answer in comparable form: the result message, or the status with its ErrorInfo. */
type Answer = { ok: true; res: unknown } | { ok: false; code: number; message: string; info: unknown };

function fromStream(op: string, r: IoctlsResponse__Output): Answer {
  const st = r.status!;
  if (st.code === 0) {
    expect(r.result, `${op}: the result member matches the request`).toBe(op);
    return { ok: true, res: (r as unknown as Record<string, unknown>)[op] };
  }
  expect(r.result, `${op}: no result on failure`).toBeUndefined();
  return { ok: false, code: st.code, message: st.message, info: errorInfoOfStatus(st) };
}

async function unaryAnswer(c: HostClients, md: grpc.Metadata, [op, req]: Op): Promise<Answer> {
  const client = c.Iommufd as unknown as Record<string, (...a: unknown[]) => unknown>;
  try {
    return { ok: true, res: await call(client[METHOD[op]!] as never, req as never, md) };
  } catch (e) {
    const err = e as grpc.ServiceError;
    return { ok: false, code: err.code, message: err.details, info: decodeErrorInfo(err) };
  }
}

/** A client of one Ioctls stream: `send` answers in order (FIFO of pending requests). */
class IoctlStream {
  readonly s: grpc.ClientDuplexStream<IoctlsRequest, IoctlsResponse__Output>;
  private readonly waiting: Array<{ resolve(r: IoctlsResponse__Output): void; reject(e: unknown): void }> = [];
  readonly ended: Promise<grpc.StatusObject>;
  constructor(c: HostClients, md: grpc.Metadata) {
    this.s = c.Iommufd.Ioctls(md);
    this.s.on('data', (r: IoctlsResponse__Output) => this.waiting.shift()?.resolve(r));
    this.ended = new Promise((resolve) => this.s.on('status', resolve));
    this.s.on('error', (e) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
    });
  }
  send(tag: number, [op, req]: Op): Promise<IoctlsResponse__Output> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.s.write({ tag: String(tag), [op]: req });
    });
  }
  async close(): Promise<grpc.StatusObject> {
    this.s.end();
    return this.ended;
  }
}

interface World {
  t: TestHost;
  p: Sys; // root's process holding the iommufd and the NIC
  q: Sys; // a qemu process
  fd: number;
  dfd: number;
  devId: number;
  ioas: number;
  hwpt: number;
  va: bigint;
  mfd: number;
}

/** The same setup on each host: the same pids, fds, ids and VAs. */
async function world(): Promise<World> {
  const t = await startTestHost('intel-vtd');
  const p = await Sys.spawn(t.root, 'vmm-a');
  const q = await Sys.spawn(t.qemu, 'qemu-a');
  const fd = await p.open('/dev/iommu');
  const dfd = await p.open(NIC);
  const devId = await p.bind(dfd, fd);
  const ioas = await p.ioasAlloc(fd);
  const hwpt = await p.attach(dfd, ioas);
  const mfd = await p.memfd('ram', 64n << 20n);
  const va = await p.mmap(64n << 20n, { fd: mfd });
  return { t, p, q, fd, dfd, devId, ioas, hwpt, va, mfd };
}

/** What a failing ioctl must leave unchanged: the whole host's Inspect and the process's status. */
async function snapshot(w: World) {
  const host = await call(w.t.platform.Platform.Inspect, { include_iotlb_entries: true, max_iotlb_entries: 4096 } as never);
  const st = await call(w.t.root.Process.GetStatus, { pid: w.p.pid });
  return { host, pinned: st.vm_pinned_bytes, locked: st.vm_locked_bytes, fds: st.fds };
}

function sequence(w: World): Op[] {
  const { fd, ioas, devId, hwpt, va, mfd } = w;
  const map = (iova: bigint, length: bigint, flags = MAP_FIXED_RW, at = va): Op => ['ioas_map', { fd, flags, ioas_id: ioas, user_va: at.toString(), length: length.toString(), iova: iova.toString() }];
  const unmap = (iova: bigint, length: bigint): Op => ['ioas_unmap', { fd, ioas_id: ioas, iova: iova.toString(), length: length.toString() }];
  return [
    map(4n * GiB, 65536n), // OK
    map(4n * GiB, 4096n), // EEXIST: FIXED_IOVA over an area
    map(5n * GiB, 4097n), // EINVAL: length not aligned
    unmap(4n * GiB + 4096n, 4096n), // ENOENT: part of an area
    ['destroy', { fd: 99, id: ioas }], // EBADF: no such fd
    map(11n * GiB, 4096n, MAP_FIXED_RW, 0x1000n), // EFAULT: nothing mapped at that VA
    ['viommu_alloc', { fd, flags: 0, type: 1, dev_id: devId, hwpt_id: hwpt, data: Buffer.alloc(0) }], // EOPNOTSUPP: VT-d has no vIOMMU type
    ['ioas_iova_ranges', { fd, ioas_id: ioas }],
    ['option', { fd, option_id: 0, op: 1, object_id: 0, val64: '0' }],
    ['option', { fd, option_id: 7, op: 1, object_id: 0, val64: '0' }], // unknown option
    ['get_hw_info', { fd, flags: 0, dev_id: devId, in_data_type: 0, data_len: 64 }],
    ['get_hw_info', { fd, flags: 0, dev_id: 999, in_data_type: 0, data_len: 64 }], // ENOENT
    ['ioas_copy', { fd, flags: MAP_FIXED_RW, dst_ioas_id: ioas, src_ioas_id: ioas, length: '65536', dst_iova: String(6n * GiB), src_iova: String(4n * GiB) }],
    ['ioas_map_file', { fd, flags: MAP_FIXED_RW, ioas_id: ioas, file_fd: mfd, start: '0', length: '8192', iova: String(7n * GiB) }],
    ['ioas_map_file', { fd, flags: MAP_FIXED_RW, ioas_id: ioas, file_fd: 77, start: '0', length: '8192', iova: String(8n * GiB) }], // EBADF
    ['ioas_allow_iovas', { fd, ioas_id: ioas, allowed_iovas: [{ start: String(9n * GiB), last: String(10n * GiB - 1n) }] }],
    ['vfio_ioas', { fd, ioas_id: 0, op: 0 }],
    ['hwpt_alloc', { fd, flags: 0, dev_id: devId, pt_id: ioas, data_type: 0, data: Buffer.alloc(0), fault_id: 0 }],
    ['hwpt_alloc', { fd, flags: 0, dev_id: devId, pt_id: 4242, data_type: 0, data: Buffer.alloc(0), fault_id: 0 }], // ENOENT
    ['hwpt_set_dirty_tracking', { fd, flags: 1, hwpt_id: hwpt }],
    ['hwpt_get_dirty_bitmap', { fd, hwpt_id: hwpt, flags: 0, iova: String(4n * GiB), length: '65536', page_size: '4096' }],
    ['hwpt_invalidate', { fd, hwpt_id: hwpt, data_type: 0, entry_len: 32, entries: Buffer.alloc(32) }], // EINVAL: paging HWPT
    ['hwpt_invalidate', { fd, hwpt_id: 9999, data_type: 0, entry_len: 32, entries: Buffer.alloc(32) }], // ENOENT
    ['fault_queue_alloc', { fd, flags: 0 }],
    ['respond_faults', { fault_fd: 5, responses: [] }],
    ['vdevice_alloc', { fd, viommu_id: 1, dev_id: devId, virt_id: '1' }],
    ['veventq_alloc', { fd, flags: 0, viommu_id: 1, type: 1, veventq_depth: 4 }],
    map(4n * GiB, 4096n, MAP_RW), // OK: an allocated IOVA
    unmap(4n * GiB, 65536n), // OK
    unmap(4n * GiB, 65536n), // ENOENT: gone
    ['destroy', { fd, id: 9999 }], // ENOENT
    ['destroy', { fd, id: ioas }], // EBUSY: attached
    ['ioas_alloc', { fd, flags: 0 }],
    ['ioas_alloc', { fd, flags: 1 }], // EOPNOTSUPP
    ['ioas_change_process', { fd }],
  ];
}

describe('Iommufd.Ioctls: the ordered ioctl stream gives the unary calls’ answers', () => {
  let A: World;
  let B: World;
  beforeAll(async () => {
    A = await world();
    B = await world();
    // the two hosts are the same so far
    expect([A.p.pid, A.q.pid, A.fd, A.dfd, A.devId, A.ioas, A.hwpt, A.va, A.mfd]).toEqual([B.p.pid, B.q.pid, B.fd, B.dfd, B.devId, B.ioas, B.hwpt, B.va, B.mfd]);
  }, 30_000);
  afterAll(async () => {
    await A?.t.close();
    await B?.t.close();
  });

  it('mixed valid and failing ioctls: same answers in order, each failure changes nothing', async () => {
    const ops = sequence(A);
    const s = new IoctlStream(A.t.root, callMeta(A.p.pid));
    const streamAnswers: Answer[] = [];
    for (let i = 0; i < ops.length; i++) {
      const before = await snapshot(A);
      const r = await s.send(1000 + i, ops[i]!);
      expect(r.tag).toBe(String(1000 + i));
      const a = fromStream(ops[i]![0], r);
      streamAnswers.push(a);
      if (!a.ok) expect(await snapshot(A), `${ops[i]![0]} #${i} failed (${JSON.stringify(a.info)}) and must change nothing`).toEqual(before);
    }
    // a request without an ioctl is refused in-band and the stream goes on
    const raw = await new Promise<IoctlsResponse__Output>((resolve) => {
      s.s.once('data', resolve);
      s.s.write({ tag: '9' });
    });
    expect(raw.tag).toBe('9');
    expect(raw.status!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorInfoOfStatus(raw.status!)?.reason).toBe('NO_IOCTL');
    expect((await s.close()).code).toBe(grpc.status.OK);

    const unaryAnswers: Answer[] = [];
    for (const op of sequence(B)) unaryAnswers.push(await unaryAnswer(B.t.root, callMeta(B.p.pid), op));
    for (let i = 0; i < ops.length; i++) expect(streamAnswers[i], `${ops[i]![0]} #${i}`).toEqual(unaryAnswers[i]);

    // the in-process transport (no HTTP/2) of a third identical host: the same answers
    const C = await world();
    try {
      const ip = inProcessIoctls(C.t.srv.host, { resolveToken: (t) => C.t.srv.tokens.resolveToken(t), logger: pino({ level: 'silent' }) });
      const pipe = new IoctlPipe((md) => ip.open('tok-root', md), callMeta(C.p.pid), 30_000);
      const inProcess: Answer[] = [];
      for (const op of sequence(C)) inProcess.push(fromStream(op[0], await pipe.submit({ [op[0]]: op[1] } as IoctlsRequest)));
      expect(inProcess).toEqual(unaryAnswers);
      // an unknown token is refused as the gRPC server refuses it
      const bad = new IoctlPipe((md) => ip.open('no-such-token', md), callMeta(C.p.pid), 30_000);
      const refused = await bad.submit({ option: { fd: C.fd, option_id: 0, op: 1, object_id: 0, val64: '0' } }).then(
        () => undefined,
        (e: grpc.ServiceError) => e,
      );
      expect(refused?.code).toBe(grpc.status.UNAUTHENTICATED);
      pipe.close();
      ip.close();
    } finally {
      await C.t.close();
    }

    const reasons = streamAnswers.map((a) => (a.ok ? 'OK' : (a.info as { reason: string }).reason));
    for (const want of ['OK', 'EEXIST', 'EINVAL', 'ENOENT', 'EBADF', 'EBUSY', 'EOPNOTSUPP', 'EFAULT']) expect(reasons, want).toContain(want);
    const unsupported = streamAnswers.flatMap((a) => (!a.ok && (a.info as { reason: string }).reason === 'EOPNOTSUPP' ? [a.code] : []));
    expect(unsupported.length).toBeGreaterThanOrEqual(2);
    for (const code of unsupported) expect(code).toBe(grpc.status.UNIMPLEMENTED);
  }, 60_000);

  it('the acting process is checked per request: another principal’s pid is EPERM, a process that dies mid-stream is ESRCH', async () => {
    const answers = async (w: World, streamed: boolean): Promise<Answer[]> => {
      const ops: Op[] = [['option', { fd: w.fd, option_id: 0, op: 1, object_id: 0, val64: '0' }], ['ioas_alloc', { fd: w.fd, flags: 0 }]];
      const out: Answer[] = [];
      // qemu naming root's process: EPERM for every request
      const md = callMeta(w.p.pid);
      if (streamed) {
        const s = new IoctlStream(w.t.qemu, md);
        for (const [i, op] of ops.entries()) out.push(fromStream(op[0], await s.send(i, op)));
        await s.close();
      } else for (const op of ops) out.push(await unaryAnswer(w.t.qemu, md, op));
      // qemu's own process, with its identity; it opens an iommufd, then exits mid-stream
      const st = await call(w.t.qemu.Process.GetStatus, { pid: w.q.pid });
      const qmd = callMeta(w.q.pid, { [BOOT_ID_KEY]: st.boot_id, [START_TIME_KEY]: String(st.start_time) });
      const qfd = await call(w.t.root.Process.SendFd, { fd: w.fd, target_pid: w.q.pid }, callMeta(w.p.pid));
      const qops: Op[] = [['ioas_alloc', { fd: qfd.target_fd, flags: 0 }], ['ioas_iova_ranges', { fd: qfd.target_fd, ioas_id: w.ioas }]];
      if (streamed) {
        const s = new IoctlStream(w.t.qemu, qmd);
        out.push(fromStream('ioas_alloc', await s.send(1, qops[0]!)));
        await call(w.t.qemu.Process.Exit, { pid: w.q.pid });
        out.push(fromStream('ioas_iova_ranges', await s.send(2, qops[1]!)));
        out.push(fromStream('ioas_alloc', await s.send(3, qops[0]!)));
        expect((await s.close()).code).toBe(grpc.status.OK);
      } else {
        out.push(await unaryAnswer(w.t.qemu, qmd, qops[0]!));
        await call(w.t.qemu.Process.Exit, { pid: w.q.pid });
        out.push(await unaryAnswer(w.t.qemu, qmd, qops[1]!));
        out.push(await unaryAnswer(w.t.qemu, qmd, qops[0]!));
      }
      return out;
    };
    const viaStream = await answers(A, true);
    const viaUnary = await answers(B, false);
    // the boot ids differ between the two hosts: compare everything else
    expect(viaStream).toEqual(viaUnary);
    const reasons = viaStream.map((a) => (a.ok ? 'OK' : (a.info as { reason: string }).reason));
    expect(reasons).toEqual(['EPERM', 'EPERM', 'OK', 'ESRCH', 'ESRCH']);
  }, 60_000);

  it('a pipelined burst (every request written before any answer is read) is answered in order, as the unary replay', async () => {
    const N = 600;
    const burst = (w: World): Op[] => {
      const ops: Op[] = [];
      for (let i = 0; i < N; i++) {
        const slot = BigInt(i >> 1);
        const iova = 16n * GiB + slot * 4096n;
        if (i % 2 === 0) ops.push(['ioas_map', { fd: w.fd, flags: MAP_FIXED_RW, ioas_id: w.ioas, user_va: (w.va + (slot % 1024n) * 4096n).toString(), length: '4096', iova: iova.toString() }]);
        else if (i % 6 === 1) ops.push(['ioas_map', { fd: w.fd, flags: MAP_FIXED_RW, ioas_id: w.ioas, user_va: w.va.toString(), length: '4096', iova: iova.toString() }]); // EEXIST
        else ops.push(['ioas_unmap', { fd: w.fd, ioas_id: w.ioas, iova: iova.toString(), length: i % 10 === 3 ? '8192' : '4096' }]);
      }
      return ops;
    };
    const s = new IoctlStream(A.t.root, callMeta(A.p.pid));
    const got: IoctlsResponse__Output[] = [];
    s.s.on('data', (r: IoctlsResponse__Output) => got.push(r));
    s.s.pause(); // read nothing until every request is written
    const ops = burst(A);
    for (const [i, [op, req]] of ops.entries()) s.s.write({ tag: String(i + 1), [op]: req });
    s.s.end();
    await new Promise((r) => setTimeout(r, 50));
    s.s.resume();
    expect((await s.ended).code).toBe(grpc.status.OK);
    expect(got.map((r) => r.tag)).toEqual(ops.map((_, i) => String(i + 1)));
    const unary: Answer[] = [];
    for (const op of burst(B)) unary.push(await unaryAnswer(B.t.root, callMeta(B.p.pid), op));
    const streamed = got.map((r, i) => fromStream(ops[i]![0], r));
    expect(streamed).toEqual(unary);
    expect(streamed.some((a) => !a.ok)).toBe(true);
    expect(streamed.some((a) => a.ok)).toBe(true);
    // both hosts end in the same state
    const [a, b] = [await snapshot(A), await snapshot(B)];
    expect(a.pinned).toBe(b.pinned);
    expect(a.host.areas).toEqual(b.host.areas);
  }, 60_000);

  it('a client that does not read its answers makes the server stop reading (bounded buffering), then gets every answer in order', async () => {
    const N = 20_000;
    const s = new IoctlStream(A.t.root, callMeta(A.p.pid));
    let got = 0;
    let inOrder = true;
    s.s.on('data', (r: IoctlsResponse__Output) => {
      got++;
      if (r.tag !== String(got) || r.status!.code !== 0) inOrder = false;
    });
    s.s.pause();
    const base = 64n * GiB;
    for (let i = 0; i < N; i++) s.s.write({ tag: String(i + 1), ioas_map: { fd: A.fd, flags: MAP_FIXED_RW, ioas_id: A.ioas, user_va: A.va.toString(), length: '4096', iova: (base + BigInt(i) * 4096n).toString() } });
    s.s.end();
    // the areas the server has mapped so far, once that number stops moving
    const areas = async () => (await call(A.t.platform.Platform.Inspect, { iommufd_object: { pid: A.p.pid, fd: A.fd, id: A.ioas } } as never)).areas.length;
    let last = -1;
    let now = await areas();
    while (now !== last) {
      await new Promise((r) => setTimeout(r, 200));
      last = now;
      now = await areas();
    }
    expect(got).toBe(0);
    expect(now, 'the server stopped reading well before the end of the burst').toBeLessThan(N / 2);
    s.s.resume();
    expect((await s.ended).code).toBe(grpc.status.OK);
    expect(got).toBe(N);
    expect(inOrder).toBe(true);
    const r = await new IoctlStream(A.t.root, callMeta(A.p.pid)).send(1, ['ioas_unmap', { fd: A.fd, ioas_id: A.ioas, iova: base.toString(), length: String(BigInt(N) * 4096n) }]);
    expect(r.ioas_unmap?.length).toBe(String(BigInt(N) * 4096n));
  }, 60_000);

  it('without x-iommutwin-pid every request answers PID_REQUIRED in-band, and the stream goes on', async () => {
    const s = new IoctlStream(A.t.root, new grpc.Metadata());
    const r = await s.send(1, ['ioas_alloc', { fd: A.fd, flags: 0 }]);
    expect(r.status!.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorInfoOfStatus(r.status!)?.reason).toBe('PID_REQUIRED');
    const again = await s.send(2, ['ioas_alloc', { fd: A.fd, flags: 0 }]);
    expect(errorInfoOfStatus(again.status!)?.reason).toBe('PID_REQUIRED');
    expect((await s.close()).code).toBe(grpc.status.OK);
  });
});
