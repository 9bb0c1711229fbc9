/**
 * FaultQueueAlloc / ReadFaults / RespondFaults / VeventqAlloc / ReadVevents over gRPC
 * (host-api.md; nesting-and-vtd.md §A.4, A.6). Where no device raises the page request or the
 * vEVENT yet, the test plays that device in-process: it hands an IopfGroup to the FAULT object
 * (what the DMA path does through the HWPT's fault) or a 32-byte event record to the vIOMMU's
 * vEVENTQ (what the DMA path does on a stage-1 fault); every read, response and check goes
 * through the gRPC surface.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call, callMeta } from '#libs/rpc/client.js';
import { FaultFile, VeventqFile } from '../../services/host-iommu/src/kernel/eventq.js';
import type { IObj, IopfGroup, VeventqSink } from '../../services/host-iommu/src/kernel/object.js';
import { IoctlPipe } from '../../services/vmm/src/hostlink/ioctls.js';
import { expectKernelErrno, MAP_RW, Nest, PAGE, useTestHost, type HostFixture, type Sys } from './harness.js';

const LAST_PAGE = 2;
const PASID_VALID = 1;
const NEST_PARENT = 1;
const FAULT_ID_VALID = 1 << 2;
const VIOMMU_TYPE_ARM_SMMUV3 = 1;
const VEVENTQ_TYPE_ARM_SMMUV3 = 1;
const LOST_EVENTS = 1;

/** The host-side objects behind a process's fds and ids (the test plays the device with them). */
function kernelOf(t: HostFixture, sys: Sys) {
  const p = t.srv.host.processes.get(sys.pid)!;
  return {
    fault: (fd: number) => (p.fds.get(fd) as FaultFile).obj,
    veventq: (fd: number) => (p.fds.get(fd) as VeventqFile).obj,
    object: (iommufd: number, id: number) => t.srv.host.iommufd(p, iommufd).lookup(id) as IObj,
  };
}

/** Open /dev/iommu until the process's fd table is full (RLIMIT_NOFILE); returns the fds opened. */
async function fillFds(sys: Sys): Promise<number[]> {
  const fds: number[] = [];
  for (;;) {
    const batch = await Promise.allSettled(Array.from({ length: 64 }, () => sys.open('/dev/iommu')));
    for (const b of batch) if (b.status === 'fulfilled') fds.push(b.value);
    if (batch.some((b) => b.status === 'rejected')) return fds;
  }
}

type Answered = IopfGroup & { answers: number[] };
function pageRequest(hwpt: IObj, devId: number, addr: bigint, opts: { pasid?: number; pages?: number; grpid?: number } = {}): Answered {
  const answers: number[] = [];
  const n = opts.pages ?? 1;
  return {
    devId,
    hwpt,
    pasid: opts.pasid ?? 0,
    answers,
    respond: (code: number) => void answers.push(code),
    faults: Array.from({ length: n }, (_, i) => ({
      flags: (opts.pasid !== undefined ? PASID_VALID : 0) | (i === n - 1 ? LAST_PAGE : 0),
      pasid: opts.pasid ?? 0,
      grpid: opts.grpid ?? 2,
      perm: 3,
      addr: addr + BigInt(i) * PAGE,
    })),
  };
}

describe('fault queues over gRPC (intel-vtd)', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });

  it('FaultQueueAlloc: flags → EOPNOTSUPP; a new [iommufd-pgfault] fd in the caller; DESTROY → EBUSY while the fd is open', async () => {
    const { sys, fd } = await t.deviceSetup();
    const nest = new Nest(sys);
    const before = await sys.status();
    await expectKernelErrno(nest.faultQueueAlloc(fd, 1), 'EOPNOTSUPP');
    expect((await sys.status()).fds).toEqual(before.fds);
    const q = await nest.faultQueueAlloc(fd);
    const st = await call(sys.c.Process.GetStatus, { pid: sys.pid });
    expect(st.fds.find((f) => f.fd === q.fd)).toMatchObject({ kind: 'FD_KIND_FAULT_QUEUE', path: 'anon_inode:[iommufd-pgfault]' });
    await expectKernelErrno(sys.destroy(fd, q.id), 'EBUSY');
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
    await expectKernelErrno(sys.destroy(fd, q.id), 'ENOENT');
  });

  it('FaultQueueAlloc at RLIMIT_NOFILE → EMFILE: no object, no id consumed; the next one gets that id', async () => {
    const { sys, fd } = await t.deviceSetup();
    const nest = new Nest(sys);
    const probe = await sys.ioasAlloc(fd);
    await sys.destroy(fd, probe);
    const filled = await fillFds(sys);
    await expectKernelErrno(nest.faultQueueAlloc(fd), 'EMFILE');
    await expectKernelErrno(sys.destroy(fd, probe), 'ENOENT');
    await sys.close(filled.pop()!);
    const q = await nest.faultQueueAlloc(fd);
    expect(q.id).toBe(probe);
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
  });

  it('ReadFaults → RespondFaults round trip: cookies from 1, whole groups, responses in order stopping at the first bad one', async () => {
    const { sys, fd, devId, hwpt } = await t.deviceSetup();
    const nest = new Nest(sys);
    const q = await nest.faultQueueAlloc(fd);
    const k = kernelOf(t, sys);
    const h = k.object(fd, hwpt);
    const reader = nest.readFaults(q.fd);
    const g1 = pageRequest(h, devId, 0xdeadb000n, { pages: 2, grpid: 7 });
    const g2 = pageRequest(h, devId, 0x10000n, { pasid: 0x800 });
    k.fault(q.fd).deliver(g1);
    k.fault(q.fd).deliver(g2);
    const [m1, m2] = await reader.take(2);
    expect(m1).toEqual({
      cookie: 1,
      faults: [
        { flags: 0, dev_id: devId, pasid: 0, grpid: 7, perm: 3, addr: String(0xdeadb000), length: 0 },
        { flags: LAST_PAGE, dev_id: devId, pasid: 0, grpid: 7, perm: 3, addr: String(0xdeadc000), length: 0 },
      ],
    });
    expect(m2!.cookie).toBe(2);
    expect(m2!.faults[0]).toMatchObject({ flags: PASID_VALID | LAST_PAGE, pasid: 0x800 });
    await expectKernelErrno(nest.respondFaults(q.fd, [{ cookie: 3, code: 0 }]), 'EINVAL');
    await expectKernelErrno(nest.respondFaults(q.fd, [{ cookie: 1, code: 2 }]), 'EINVAL');
    expect(g1.answers).toEqual([]);
    // [ok, bad code]: one applied
    expect(await nest.respondFaults(q.fd, [{ cookie: 1, code: 0 }, { cookie: 2, code: 7 }])).toBe(1);
    expect(g1.answers).toEqual([0]);
    expect(g2.answers).toEqual([]);
    expect(await nest.respondFaults(q.fd, [])).toBe(0);
    // the freed cookie 1 is the next one given
    const g3 = pageRequest(h, devId, 0x20000n);
    k.fault(q.fd).deliver(g3);
    expect((await reader.take(3))[2]!.cookie).toBe(1);
    expect(await nest.respondFaults(q.fd, [{ cookie: 2, code: 1 }, { cookie: 1, code: 0 }])).toBe(2);
    expect([g2.answers, g3.answers]).toEqual([[1], [0]]);
    reader.cancel();
  });

  it('a group read but not answered is re-sent to a resubscribing reader with its cookie; after_cookie skips the ones read up to it', async () => {
    const { sys, fd, devId, hwpt } = await t.deviceSetup();
    const nest = new Nest(sys);
    const q = await nest.faultQueueAlloc(fd);
    const k = kernelOf(t, sys);
    const h = k.object(fd, hwpt);
    const gs = [0, 1, 2].map((i) => pageRequest(h, devId, BigInt(i + 1) * 0x100000n));
    const a = nest.readFaults(q.fd);
    for (const g of gs) k.fault(q.fd).deliver(g);
    const first = await a.take(3);
    a.cancel();
    await a.error(2000).catch(() => undefined);
    expect(await nest.respondFaults(q.fd, [{ cookie: 2, code: 0 }])).toBe(1);
    const b = nest.readFaults(q.fd, 0);
    const again = await b.take(2);
    expect(again).toEqual([first[0], first[2]]);
    b.cancel();
    const c = nest.readFaults(q.fd, 1);
    expect(await c.take(1)).toEqual([first[2]]);
    // nothing more: a new group arrives on the same stream
    const g4 = pageRequest(h, devId, 0x900000n);
    k.fault(q.fd).deliver(g4);
    expect((await c.take(2))[1]!.cookie).toBe(2);
    c.cancel();
    expect(gs.map((g) => g.answers)).toEqual([[], [0], []]);
  });

  it('RespondFaults through the ordered Ioctls stream; ReadFaults / RespondFaults on a non-fault fd → EINVAL, on a closed fd → EBADF', async () => {
    const { sys, fd, devId, hwpt } = await t.deviceSetup();
    const nest = new Nest(sys);
    const q = await nest.faultQueueAlloc(fd);
    const k = kernelOf(t, sys);
    const g = pageRequest(k.object(fd, hwpt), devId, 0x1000n);
    const reader = nest.readFaults(q.fd);
    k.fault(q.fd).deliver(g);
    const [m] = await reader.take(1);
    const pipe = new IoctlPipe((md) => sys.c.Iommufd.Ioctls(md), callMeta(sys.pid), 10_000);
    const bad = await pipe.submit({ respond_faults: { fault_fd: q.fd, responses: [{ cookie: m!.cookie + 1, code: 0 }] } });
    expect(bad.status?.code).not.toBe(0);
    const ok = await pipe.submit({ respond_faults: { fault_fd: q.fd, responses: [{ cookie: m!.cookie, code: 0 }] } });
    expect(ok.status?.code).toBe(0);
    expect(ok.respond_faults?.count).toBe(1);
    expect(g.answers).toEqual([0]);
    pipe.close();
    reader.cancel();
    await expectKernelErrno(nest.respondFaults(fd, [{ cookie: 1, code: 0 }]), 'EINVAL');
    await expectKernelErrno(nest.respondFaults(999, [{ cookie: 1, code: 0 }]), 'EBADF');
    const e1 = await nest.readFaults(fd).error();
    expect(e1.code).toBe(grpc.status.INVALID_ARGUMENT);
    const e2 = await nest.readFaults(999).error();
    expect(e2.details).toMatch(/EBADF/);
  });

  it('closing the fault fd answers nothing and ends the stream; the context teardown answers what is pending INVALID', async () => {
    const { sys, fd, devId, hwpt } = await t.deviceSetup();
    const nest = new Nest(sys);
    const q = await nest.faultQueueAlloc(fd);
    const k = kernelOf(t, sys);
    const obj = k.fault(q.fd);
    const h = k.object(fd, hwpt);
    const read = pageRequest(h, devId, 0x1000n);
    const queued = pageRequest(h, devId, 0x2000n);
    const reader = nest.readFaults(q.fd);
    obj.deliver(read);
    await reader.take(1);
    reader.cancel();
    obj.deliver(queued);
    // a second reader, ended by the close
    const r2 = nest.readFaults(q.fd, 1);
    expect((await r2.take(1))[0]!.cookie).toBe(2);
    await sys.close(q.fd);
    await expect(r2.take(2, 5000)).rejects.toThrow(/stream ended/);
    expect([read.answers, queued.answers]).toEqual([[], []]);
    await sys.exit();
    expect([read.answers, queued.answers]).toEqual([[1], [1]]);
    expect(obj.destroyed).toBe(true);
  });

  it('VeventqAlloc check order without a vIOMMU: flags / type DEFAULT → EOPNOTSUPP, depth 0 → EINVAL, an IOAS id → ENOENT', async () => {
    const { sys, fd, ioas } = await t.deviceSetup();
    const nest = new Nest(sys);
    await expectKernelErrno(nest.veventqAlloc(fd, { flags: 1, viommuId: 0, type: 1, depth: 0 }), 'EOPNOTSUPP');
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: 0, type: 0, depth: 0 }), 'EOPNOTSUPP');
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: 0, type: 1, depth: 0 }), 'EINVAL');
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: ioas, type: 1, depth: 1 }), 'ENOENT');
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: 4242, type: 1, depth: 1 }), 'ENOENT');
  });

  it('IOPF round trip: DeviceDma with allow_page_request on a PRI device behind an IOPF-capable HWPT waits for the response and retries', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio0');
    const nest = new Nest(sys);
    const q = await nest.faultQueueAlloc(fd);
    const iopf = await nest.hwptAlloc(fd, { flags: FAULT_ID_VALID, devId, ptId: ioas, faultId: q.id });
    await sys.attach(devFd, iopf);
    await expectKernelErrno(sys.destroy(fd, q.id), 'EBUSY');
    const va = await sys.mmap(PAGE);
    await sys.write(va, new Uint8Array(16).fill(0x5a));
    const reader = nest.readFaults(q.fd);
    const iova = 0x4000_0000n;
    const dma = call(t.platform.Platform.DeviceDma, { bdf: await bdfOf(t, 'vfio0'), iova: iova.toString(), length: '16', write: false, data: Buffer.alloc(0), allow_page_request: true });
    const [g] = await reader.take(1);
    expect(g!.faults.at(-1)).toMatchObject({ dev_id: devId, addr: iova.toString(), flags: LAST_PAGE });
    expect(g!.faults.at(-1)!.perm & 1).toBe(1);
    await sys.map(fd, ioas, va, PAGE, iova, MAP_RW);
    expect(await nest.respondFaults(q.fd, [{ cookie: g!.cookie, code: 0 }])).toBe(1);
    const r = await dma;
    expect(r.page_requests).toBe(1);
    expect(Buffer.from(r.data as Buffer)).toEqual(Buffer.alloc(16, 0x5a));
    reader.cancel();
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, iopf);
  });
});

async function bdfOf(t: HostFixture, cdev: string): Promise<string> {
  const d = await t.hw.describe();
  return d.devices.find((x) => x.cdev === cdev)!.bdf as string;
}

describe('vEVENTQ over gRPC (arm-smmuv3 vIOMMU)', () => {
  const t = useTestHost('arm-smmuv3', { checkTeardown: true });

  async function viommuSetup() {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio0');
    const nest = new Nest(sys);
    const parent = await nest.hwptAlloc(fd, { flags: NEST_PARENT, devId, ptId: ioas });
    const viommu = await nest.viommuAlloc(fd, { type: VIOMMU_TYPE_ARM_SMMUV3, devId, hwptId: parent });
    return { sys, fd, devFd, devId, ioas, nest, parent, viommu };
  }
  const evt = (n: number) => {
    const b = Buffer.alloc(32);
    b.writeUInt32LE(0x10 + n, 0); // an SMMU event record's first word (the test's marker)
    return b;
  };

  it('VeventqAlloc on a vIOMMU: one per type (EEXIST), the vIOMMU held (DESTROY → EBUSY); LOST_EVENTS on overflow carrying the newest sequence', async () => {
    const { sys, fd, nest, viommu } = await viommuSetup();
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_TYPE_ARM_SMMUV3, depth: 0 }), 'EINVAL');
    const q = await nest.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_TYPE_ARM_SMMUV3, depth: 2 });
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_TYPE_ARM_SMMUV3, depth: 2 }), 'EEXIST');
    await expectKernelErrno(sys.destroy(fd, viommu), 'EBUSY');
    const st = await call(sys.c.Process.GetStatus, { pid: sys.pid });
    expect(st.fds.find((f) => f.fd === q.fd)).toMatchObject({ kind: 'FD_KIND_VEVENTQ', path: 'anon_inode:[iommufd-viommu-event]' });
    // the DMA path reports through viommu.veventqs (what a stage-1 fault on a vSTE HWPT does)
    const v = kernelOf(t, sys).object(fd, viommu) as IObj & { veventqs: Map<number, VeventqSink> };
    const sink = v.veventqs.get(VEVENTQ_TYPE_ARM_SMMUV3)!;
    for (let i = 0; i < 3; i++) sink.report(evt(i)); // depth 2: the third is lost
    const r = nest.readVevents(q.fd);
    const got = await r.take(3);
    expect(got.map((e) => [e.flags, e.sequence, e.data.length])).toEqual([
      [0, '0', 32],
      [0, '1', 32],
      [LOST_EVENTS, '2', 0],
    ]);
    expect(got[1]!.data.readUInt32LE(0)).toBe(0x11);
    // read: room again; the next one streams on with the next sequence
    sink.report(evt(3));
    expect((await r.take(4))[3]).toMatchObject({ flags: 0, sequence: '3' });
    r.cancel();
    // the server ends that stream when the cancel reaches it (until then it is a reader)
    const q0 = kernelOf(t, sys).veventq(q.fd);
    for (let i = 0; i < 500 && q0.wq.size > 0; i++) await new Promise((res) => setTimeout(res, 2));
    expect(q0.wq.size).toBe(0);
    // resume after 4 while 4 and 5 are queued: only 5
    sink.report(evt(4));
    sink.report(evt(5));
    const r2 = nest.readVevents(q.fd, 4n);
    expect((await r2.take(1))[0]).toMatchObject({ flags: 0, sequence: '5' });
    r2.cancel();
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
    expect(v.veventqs.size).toBe(0);
    await sys.destroy(fd, viommu);
  });

  it('VeventqAlloc at RLIMIT_NOFILE → EMFILE: no object, no id, no reference on the vIOMMU, the type still free', async () => {
    const { sys, fd, nest, viommu } = await viommuSetup();
    const probe = await sys.ioasAlloc(fd);
    await sys.destroy(fd, probe);
    const filled = await fillFds(sys);
    await expectKernelErrno(nest.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_TYPE_ARM_SMMUV3, depth: 4 }), 'EMFILE');
    await expectKernelErrno(sys.destroy(fd, probe), 'ENOENT');
    await sys.close(filled.pop()!);
    const q = await nest.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_TYPE_ARM_SMMUV3, depth: 4 });
    expect(q.id).toBe(probe);
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
    await sys.destroy(fd, viommu); // no reference left behind by the failed alloc
  });
});
