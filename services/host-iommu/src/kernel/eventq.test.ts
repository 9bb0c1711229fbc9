/**
 * The FAULT and VEVENTQ objects (eventq.ts) at kernel level: IOMMU_FAULT_QUEUE_ALLOC and
 * IOMMU_VEVENTQ_ALLOC check order and atomicity, cookies, read / resubscribe / respond
 * semantics, what close, destroy and detach do to pending faults, and the vEVENTQ's
 * LOST_EVENTS sequence arithmetic. The test plays the DMA path (it builds the IopfGroups and
 * reports the vEVENTs) and, for the vEVENTQ, the vIOMMU (an object of type VIOMMU with its
 * `veventqs` map, the only part of viommu.ts a vEVENTQ uses).
 */
import { describe, expect, it } from 'vitest';
import { kernelFailure } from '#libs/errno/index.js';
import { Host } from '../platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import { Principal } from '../process/principal.js';
import type { Process } from '../process/process.js';
import {
  FAULT_FILE_NAME,
  FaultFile,
  faultFileOf,
  faultQueueAlloc,
  IOMMU_PGFAULT_FLAGS_LAST_PAGE,
  IOMMU_PGFAULT_FLAGS_PASID_VALID,
  IOMMU_VEVENTQ_FLAG_LOST_EVENTS,
  IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
  IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV,
  IOMMUFD_PAGE_RESP_INVALID,
  IOMMUFD_PAGE_RESP_SUCCESS,
  VEVENTQ_FILE_NAME,
  VeventqFile,
  veventqAlloc,
  veventqFileOf,
  type FaultRecord,
  type Vevent,
  type VeventqObj,
} from './eventq.js';
import type { IommufdCtx } from './iommufd.js';
import { IObj, type IopfGroup, type VeventqSink } from './object.js';

const errnoOf = (f: () => unknown): string | undefined => kernelFailure(f)?.errno;

function setup(principal?: (root: Principal) => Principal) {
  const host = new Host(loadProfile('intel-vtd'));
  const root = host.principal('root');
  const p = host.spawn(principal ? principal(root) : root, 'eventq', 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const dfd = host.open(p, '/dev/vfio/devices/vfio0', 2);
  const vf = host.vfioDevice(p, dfd);
  const devId = vf.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  const hwptId = vf.attach(p, 0, ioas, 0);
  const hwpt = ctx.lookup(hwptId);
  return { host, p, ifd, ctx, dfd, devId, ioas, hwptId, hwpt };
}

type TestGroup = IopfGroup & { answers: number[] };

let grpSeq = 0;
function group(hwpt: IObj, devId: number, opts: { pasid?: number; pages?: number; addr?: bigint } = {}): TestGroup {
  const answers: number[] = [];
  const pasid = opts.pasid ?? 0;
  const n = opts.pages ?? 1;
  const grpid = grpSeq++ & 0x1ff;
  const faults = Array.from({ length: n }, (_, i) => ({
    flags: (opts.pasid !== undefined ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0) | (i === n - 1 ? IOMMU_PGFAULT_FLAGS_LAST_PAGE : 0),
    pasid,
    grpid,
    perm: 3,
    addr: (opts.addr ?? 0xdead0000n) + BigInt(i) * 4096n,
  }));
  return { devId, faults, hwpt, pasid, answers, respond: (c: number) => void answers.push(c) };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A running follow(): the messages it sent so far, and stop() (abort and wait for its end). */
function follower<T>(run: (send: (m: T) => Promise<void>, signal: AbortSignal) => Promise<void>) {
  const got: T[] = [];
  const ac = new AbortController();
  let ended = false;
  const done = run(async (m) => void got.push(m), ac.signal).then(() => {
    ended = true;
  });
  return {
    got,
    get ended() {
      return ended;
    },
    done,
    async stop() {
      ac.abort();
      await done;
    },
  };
}

function followFaults(f: FaultFile, p: Process, after = 0) {
  return follower<FaultRecord>((send, signal) => f.follow(p, after, send, signal));
}
function followVevents(f: VeventqFile, p: Process, after = 0n) {
  return follower<Vevent>((send, signal) => f.follow(p, after, send, signal));
}

describe('IOMMU_FAULT_QUEUE_ALLOC', () => {
  it('flags → EOPNOTSUPP, nothing made; then the object at the lowest free id, a new [iommufd-pgfault] fd holding a users reference and the iommufd', () => {
    const { p, ctx } = setup();
    const objs = ctx.objects.size;
    const fds = p.fds.size;
    const refs = ctx.refs;
    expect(errnoOf(() => faultQueueAlloc(ctx, p, 1))).toBe('EOPNOTSUPP');
    expect(ctx.objects.size).toBe(objs);
    expect(p.fds.size).toBe(fds);
    const r = faultQueueAlloc(ctx, p, 0);
    expect(r.id).toBe(ctx.nextId() - 1);
    const f = p.fds.get(r.fd)!;
    expect(f).toBeInstanceOf(FaultFile);
    expect(f.kind).toBe('fault');
    expect(f.path).toBe(FAULT_FILE_NAME);
    const obj = (f as FaultFile).obj;
    expect(obj.type).toBe('FAULT');
    expect(obj.users).toBe(2);
    expect(ctx.refs).toBe(refs + 1);
    expect(ctx.lookup(r.id)).toBe(obj);
  });

  it('EMFILE and ENOMEM leave no object, no id, no charge', () => {
    // fds 3 (iommufd) and 4 (device) leave none free under RLIMIT_NOFILE 5
    const { p, ctx } = setup((root) => new Principal({ ...root.spec, limits: { ...root.spec.limits, nofile: 5 } }, undefined));
    const objs = [...ctx.objects.keys()];
    const charged = p.principal.cgroup.memoryPages;
    const next = ctx.nextId();
    expect(errnoOf(() => faultQueueAlloc(ctx, p, 0))).toBe('EMFILE');
    expect([...ctx.objects.keys()]).toEqual(objs);
    expect(ctx.nextId()).toBe(next);
    expect(p.principal.cgroup.memoryPages).toBe(charged);

    // memory.max = the DEVICE, the IOAS and the automatic HWPT of setup(): one page each
    const m = setup((root) => new Principal({ ...root.spec, limits: { ...root.spec.limits, memoryBytes: 4096n * 3n } }, undefined));
    const before = m.p.principal.cgroup.memoryPages;
    expect(before).toBe(3);
    expect(errnoOf(() => faultQueueAlloc(m.ctx, m.p, 0))).toBe('ENOMEM');
    expect(m.p.principal.cgroup.memoryPages).toBe(before);
    expect([...m.ctx.objects.values()].some((o) => o.type === 'FAULT')).toBe(false);
  });
});

describe('FAULT read / respond', () => {
  it('cookies start at 1, one per group (all records of a group share it), lowest free reused after a response', () => {
    const { p, ctx, devId, hwpt } = setup();
    const { fd } = faultQueueAlloc(ctx, p, 0);
    const obj = faultFileOf(p, fd).obj;
    const gs = [group(hwpt, devId, { pages: 3 }), group(hwpt, devId), group(hwpt, devId, { pasid: 7 })];
    for (const g of gs) obj.deliver(g);
    expect(obj.queued).toBe(3);
    const r1 = obj.read()!;
    expect(r1.cookie).toBe(1);
    expect(r1.faults).toHaveLength(3);
    expect(r1.faults.map((f) => f.devId)).toEqual([devId, devId, devId]);
    expect(r1.faults.map((f) => f.length)).toEqual([0, 0, 0]);
    expect(r1.faults[2]!.flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE).toBe(IOMMU_PGFAULT_FLAGS_LAST_PAGE);
    expect(r1.faults.map((f) => f.addr)).toEqual([0xdead0000n, 0xdead1000n, 0xdead2000n]);
    expect(obj.read()!.cookie).toBe(2);
    expect(obj.respond([{ cookie: 1, code: IOMMUFD_PAGE_RESP_SUCCESS }])).toBe(1);
    expect(gs[0]!.answers).toEqual([IOMMUFD_PAGE_RESP_SUCCESS]);
    const r3 = obj.read()!;
    expect(r3.cookie).toBe(1); // the lowest free
    expect(r3.faults[0]!.pasid).toBe(7);
    expect(r3.faults[0]!.flags & IOMMU_PGFAULT_FLAGS_PASID_VALID).toBe(IOMMU_PGFAULT_FLAGS_PASID_VALID);
    expect(obj.read()).toBeUndefined();
    expect(obj.awaitingResponse).toBe(2);
  });

  it('responses apply in order and stop at the first bad one: bad code or unknown cookie → EINVAL; count = applied, the error when none applied', () => {
    const { p, ctx, devId, hwpt } = setup();
    const obj = faultFileOf(p, faultQueueAlloc(ctx, p, 0).fd).obj;
    const gs = [group(hwpt, devId), group(hwpt, devId), group(hwpt, devId)];
    for (const g of gs) obj.deliver(g);
    for (let i = 0; i < 3; i++) obj.read();
    expect(obj.respond([])).toBe(0);
    expect(errnoOf(() => obj.respond([{ cookie: 1, code: 2 }]))).toBe('EINVAL');
    expect(errnoOf(() => obj.respond([{ cookie: 9, code: 0 }]))).toBe('EINVAL');
    expect(errnoOf(() => obj.respond([{ cookie: 0, code: 0 }]))).toBe('EINVAL');
    expect(gs.map((g) => g.answers)).toEqual([[], [], []]);
    // [ok 1, bad code on 2, ok 3]: one applied, 2 and 3 untouched
    expect(obj.respond([{ cookie: 1, code: 0 }, { cookie: 2, code: 5 }, { cookie: 3, code: 0 }])).toBe(1);
    expect(gs.map((g) => g.answers)).toEqual([[0], [], []]);
    // a cookie answered twice: the second is unknown
    expect(obj.respond([{ cookie: 2, code: IOMMUFD_PAGE_RESP_INVALID }, { cookie: 2, code: 0 }, { cookie: 3, code: 0 }])).toBe(1);
    expect(gs.map((g) => g.answers)).toEqual([[0], [1], []]);
    expect(obj.respond([{ cookie: 3, code: 0 }])).toBe(1);
    expect(gs.map((g) => g.answers)).toEqual([[0], [1], [0]]);
    expect(obj.awaitingResponse).toBe(0);
  });

  it('ReadFaults streams queued groups and waits for new ones; a resubscribing reader gets the read-but-unanswered groups again with their cookies', async () => {
    const { p, ctx, devId, hwpt } = setup();
    const file = faultFileOf(p, faultQueueAlloc(ctx, p, 0).fd);
    const obj = file.obj;
    const gs = Array.from({ length: 4 }, () => group(hwpt, devId));
    obj.deliver(gs[0]!);
    obj.deliver(gs[1]!);
    const a = followFaults(file, p);
    await tick();
    expect(a.got.map((r) => r.cookie)).toEqual([1, 2]);
    obj.deliver(gs[2]!);
    await tick();
    expect(a.got.map((r) => r.cookie)).toEqual([1, 2, 3]);
    expect(obj.wq.size).toBe(1);
    await a.stop();
    expect(obj.wq.size).toBe(0);
    expect(obj.respond([{ cookie: 2, code: 0 }])).toBe(1);
    obj.deliver(gs[3]!); // queued while nobody reads
    // from the oldest unanswered: 1 and 3 again (same cookies, same faults), then the queued one (cookie 2, the lowest free)
    const b = followFaults(file, p, 0);
    await tick();
    expect(b.got.map((r) => r.cookie)).toEqual([1, 3, 2]);
    expect(b.got[0]).toEqual(a.got[0]);
    await b.stop();
    // after cookie 1 (still unanswered): the ones read after it
    const c = followFaults(file, p, 1);
    await tick();
    expect(c.got.map((r) => r.cookie)).toEqual([3, 2]);
    await c.stop();
    // after a cookie that awaits nothing (answered or never given): every unanswered group
    const d = followFaults(file, p, 77);
    await tick();
    expect(d.got.map((r) => r.cookie)).toEqual([1, 3, 2]);
    await d.stop();
    expect(gs.map((g) => g.answers.length)).toEqual([0, 1, 0, 0]);
  });

  it('a group is read by one of two concurrent readers; readers are woken and end when their process exits or the file is released', async () => {
    const { host, p, ctx, devId, hwpt } = setup();
    const { fd } = faultQueueAlloc(ctx, p, 0);
    const file = faultFileOf(p, fd);
    const other = host.spawn(host.principal('root'), 'other', 0);
    const ofd = host.sendFd(p, fd, other);
    const a = followFaults(file, p);
    const b = followFaults(file, other);
    await tick();
    for (let i = 0; i < 6; i++) file.obj.deliver(group(hwpt, devId));
    await tick();
    const cookies = [...a.got, ...b.got].map((r) => r.cookie).sort((x, y) => x - y);
    expect(cookies).toEqual([1, 2, 3, 4, 5, 6]);
    host.exit(other); // closes its fd: the file stays open (p holds it), other's stream ends
    await tick();
    expect(b.ended).toBe(true);
    expect(a.ended).toBe(false);
    expect(other.fds.has(ofd)).toBe(false);
    p.close(fd); // the last fd: released, a's stream ends
    await tick();
    expect(a.ended).toBe(true);
    expect(file.obj.wq.size).toBe(0);
  });

  it('closing the fd answers nothing; IOMMU_DESTROY needs the fd and every IOPF HWPT gone (EBUSY); destroy answers queued and read-but-unanswered groups INVALID', () => {
    const { p, ctx, devId, hwpt } = setup();
    const { id, fd } = faultQueueAlloc(ctx, p, 0);
    const obj = faultFileOf(p, fd).obj;
    const gs = Array.from({ length: 3 }, () => group(hwpt, devId));
    for (const g of gs) obj.deliver(g);
    obj.read();
    obj.read();
    obj.respond([{ cookie: 2, code: 0 }]);
    expect(errnoOf(() => ctx.destroy(id))).toBe('EBUSY');
    p.close(fd);
    expect(gs.map((g) => g.answers)).toEqual([[], [0], []]);
    expect(obj.users).toBe(1);
    // an IOPF-capable HWPT's reference (hw_pagetable.ts takes it with FAULT_ID_VALID)
    obj.users++;
    expect(errnoOf(() => ctx.destroy(id))).toBe('EBUSY');
    obj.users--;
    ctx.destroy(id);
    expect(gs.map((g) => g.answers)).toEqual([[1], [0], [1]]);
    expect(ctx.objects.has(id)).toBe(false);
    expect(obj.kmem).toBeUndefined();
    // a late group (no HWPT can deliver any more) is answered, never left waiting
    const late = group(hwpt, devId);
    obj.deliver(late);
    expect(late.answers).toEqual([1]);
  });

  it('the iommufd teardown (last fd of the context and of the fault file closed) destroys the queue: pending groups answered INVALID, charge given back', () => {
    const { host, p, ctx, devId, hwpt } = setup();
    const { fd } = faultQueueAlloc(ctx, p, 0);
    const obj = faultFileOf(p, fd).obj;
    const g1 = group(hwpt, devId);
    const g2 = group(hwpt, devId);
    obj.deliver(g1);
    obj.deliver(g2);
    obj.read();
    const charged = p.principal.cgroup.memoryPages;
    host.exit(p);
    expect(g1.answers).toEqual([1]);
    expect(g2.answers).toEqual([1]);
    expect(obj.destroyed).toBe(true);
    expect(ctx.released).toBe(true);
    expect(p.principal.cgroup.memoryPages).toBeLessThan(charged);
  });

  it('autoRespond answers INVALID the groups of that HWPT (and PASID), queued or read, freeing their cookies', () => {
    const { p, ctx, devId, hwpt } = setup();
    const obj = faultFileOf(p, faultQueueAlloc(ctx, p, 0).fd).obj;
    const other = ctx.lookup(ctx.ioasAlloc(p, 0)); // any other object stands for another attach handle's HWPT
    const rid = group(hwpt, devId);
    const p5 = group(hwpt, devId, { pasid: 5 });
    const p6 = group(hwpt, devId, { pasid: 6 });
    const elsewhere = group(other, devId);
    for (const g of [rid, p5, p6, elsewhere]) obj.deliver(g);
    expect(obj.read()!.cookie).toBe(1); // rid
    expect(obj.read()!.cookie).toBe(2); // p5
    obj.autoRespond(hwpt, 5);
    expect([rid, p5, p6, elsewhere].map((g) => g.answers)).toEqual([[], [1], [], []]);
    expect(errnoOf(() => obj.respond([{ cookie: 2, code: 0 }]))).toBe('EINVAL');
    expect(obj.read()!.cookie).toBe(2); // p6 reuses the freed cookie
    obj.autoRespond(hwpt);
    expect([rid, p5, p6, elsewhere].map((g) => g.answers)).toEqual([[1], [1], [1], []]);
    expect(obj.queued).toBe(1);
    expect(obj.awaitingResponse).toBe(0);
    // devIds narrows to the devices of the handle
    obj.autoRespond(other, 0, new Set([devId + 100]));
    expect(elsewhere.answers).toEqual([]);
    obj.autoRespond(other, 0, new Set([devId]));
    expect(elsewhere.answers).toEqual([1]);
  });

  it('ReadFaults / RespondFaults on another kind of fd → EINVAL, on a closed one → EBADF', () => {
    const { p, ifd, ctx } = setup();
    expect(errnoOf(() => faultFileOf(p, ifd))).toBe('EINVAL');
    expect(errnoOf(() => faultFileOf(p, 99))).toBe('EBADF');
    const { fd } = faultQueueAlloc(ctx, p, 0);
    expect(errnoOf(() => veventqFileOf(p, fd))).toBe('EINVAL');
  });
});

// ------------------------------------------------------------------ VEVENTQ

/** The vIOMMU as the vEVENTQ sees it: an object of type VIOMMU with its veventqs. */
class TestViommu extends IObj<IommufdCtx> {
  readonly type = 'VIOMMU';
  readonly veventqs = new Map<number, VeventqSink>();
  destroy(): void {}
}

function withViommu() {
  const s = setup();
  const id = s.ctx.nextId();
  const viommu = new TestViommu(s.ctx, id);
  (s.ctx.objects as Map<number, IObj>).set(id, viommu);
  return { ...s, viommu, viommuId: id };
}

const ev = (n: number) => new Uint8Array(32).fill(n);

describe('IOMMU_VEVENTQ_ALLOC', () => {
  it('check order: flags / type DEFAULT → EOPNOTSUPP, depth 0 → EINVAL, not a vIOMMU → ENOENT, same type → EEXIST; nothing made on failure', () => {
    const { p, ctx, ioas, viommu, viommuId } = withViommu();
    const objs = ctx.objects.size;
    const fds = p.fds.size;
    expect(errnoOf(() => veventqAlloc(ctx, p, 1, 9999, 0, 0))).toBe('EOPNOTSUPP');
    expect(errnoOf(() => veventqAlloc(ctx, p, 0, 9999, 0, 0))).toBe('EOPNOTSUPP');
    expect(errnoOf(() => veventqAlloc(ctx, p, 0, 9999, 1, 0))).toBe('EINVAL');
    expect(errnoOf(() => veventqAlloc(ctx, p, 0, 9999, 1, 1))).toBe('ENOENT');
    expect(errnoOf(() => veventqAlloc(ctx, p, 0, ioas, 1, 1))).toBe('ENOENT');
    expect(ctx.objects.size).toBe(objs);
    expect(p.fds.size).toBe(fds);
    const users = viommu.users;
    const a = veventqAlloc(ctx, p, 0, viommuId, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2);
    const f = p.fds.get(a.fd)!;
    expect(f).toBeInstanceOf(VeventqFile);
    expect(f.kind).toBe('veventq');
    expect(f.path).toBe(VEVENTQ_FILE_NAME);
    const q = (f as VeventqFile).obj;
    expect(q.type).toBe('VEVENTQ');
    expect(q.users).toBe(2);
    expect(viommu.users).toBe(users + 1);
    expect(viommu.veventqs.get(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3)).toBe(q);
    expect(errnoOf(() => veventqAlloc(ctx, p, 0, viommuId, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 5))).toBe('EEXIST');
    expect(viommu.users).toBe(users + 1);
    const b = veventqAlloc(ctx, p, 0, viommuId, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, 0xffffffff);
    expect(viommu.veventqs.size).toBe(2);
    // a vIOMMU holding vEVENTQs cannot be destroyed
    expect(errnoOf(() => ctx.destroy(viommuId))).toBe('EBUSY');
    // the depth costs nothing until events arrive
    const big = veventqFileOf(p, b.fd).obj;
    expect(big.length).toBe(0);
  });

  it('EMFILE leaves no object, no reference on the vIOMMU, no registration', () => {
    const s = setup((root) => new Principal({ ...root.spec, limits: { ...root.spec.limits, nofile: 5 } }, undefined));
    const id = s.ctx.nextId();
    const viommu = new TestViommu(s.ctx, id);
    (s.ctx.objects as Map<number, IObj>).set(id, viommu);
    const charged = s.p.principal.cgroup.memoryPages;
    expect(errnoOf(() => veventqAlloc(s.ctx, s.p, 0, id, 1, 4))).toBe('EMFILE');
    expect(viommu.users).toBe(1);
    expect(viommu.veventqs.size).toBe(0);
    expect(s.ctx.nextId()).toBe(id + 1);
    expect(s.p.principal.cgroup.memoryPages).toBe(charged);
  });

  it('destroy (after the fd closed) leaves the vIOMMU and drops its reference; EBUSY while the fd is open', () => {
    const { p, ctx, viommu, viommuId } = withViommu();
    const { id, fd } = veventqAlloc(ctx, p, 0, viommuId, 1, 4);
    const q = veventqFileOf(p, fd).obj;
    q.report(ev(1));
    expect(errnoOf(() => ctx.destroy(id))).toBe('EBUSY');
    p.close(fd);
    expect(q.users).toBe(1);
    ctx.destroy(id);
    expect(viommu.veventqs.size).toBe(0);
    expect(viommu.users).toBe(1);
    expect(q.length).toBe(0);
    // the type is free again on that vIOMMU
    const again = veventqAlloc(ctx, p, 0, viommuId, 1, 4);
    expect(viommu.veventqs.get(1)).toBe(veventqFileOf(p, again.fd).obj);
  });
});

describe('vEVENTQ delivery', () => {
  function queue(depth: number) {
    const s = withViommu();
    const { fd } = veventqAlloc(s.ctx, s.p, 0, s.viommuId, 1, depth);
    const file = veventqFileOf(s.p, fd);
    return { ...s, fd, file, q: file.obj as VeventqObj };
  }
  const drain = (q: VeventqObj) => {
    const out: Vevent[] = [];
    for (let e = q.read(); e; e = q.read()) out.push(e);
    return out;
  };

  it('sequences from 0; at depth the event is dropped and one LOST_EVENTS header (no payload) carries the newest sequence', () => {
    const { q } = queue(2);
    for (let i = 0; i < 3; i++) q.report(ev(i));
    expect(q.numEvents).toBe(2);
    expect(q.length).toBe(3);
    q.report(ev(3));
    q.report(ev(4));
    expect(q.length).toBe(3); // still one header
    expect(q.nextSequence).toBe(5n);
    const got = drain(q);
    expect(got.map((e) => [e.flags, e.sequence, e.data.length])).toEqual([
      [0, 0n, 32],
      [0, 1n, 32],
      [IOMMU_VEVENTQ_FLAG_LOST_EVENTS, 4n, 0],
    ]);
    expect(got[1]!.data[0]).toBe(1);
    expect(q.numEvents).toBe(0);
    // after reading, the queue takes events again, numbering on
    q.report(ev(5));
    expect(drain(q).map((e) => [e.flags, e.sequence])).toEqual([[0, 5n]]);
  });

  it('the LOST_EVENTS header does not count against depth; a new event once there is room replaces a trailing header (the gap in sequences remains)', () => {
    const { q } = queue(2);
    for (let i = 0; i < 3; i++) q.report(ev(i)); // 0, 1, LOST(2)
    expect(q.read()!.sequence).toBe(0n); // room for one
    expect(q.numEvents).toBe(1);
    q.report(ev(3)); // the header was last: removed, 3 appended
    expect(drain(q).map((e) => [e.flags, e.sequence])).toEqual([
      [0, 1n],
      [0, 3n],
    ]);
  });

  it('report copies the payload', () => {
    const { q } = queue(4);
    const b = ev(7);
    q.report(b);
    b.fill(0);
    expect(q.read()!.data[0]).toBe(7);
  });

  it('ReadVevents streams in order, consumes what it sends, waits for new events, resumes after a sequence, and ends with the file', async () => {
    const { p, fd, file, q } = queue(3);
    for (let i = 0; i < 5; i++) q.report(ev(i)); // 0, 1, 2, LOST(4)
    const a = followVevents(file, p);
    await tick();
    expect(a.got.map((e) => [e.flags, e.sequence])).toEqual([
      [0, 0n],
      [0, 1n],
      [0, 2n],
      [1, 4n],
    ]);
    expect(q.length).toBe(0);
    expect(q.numEvents).toBe(0);
    q.report(ev(5));
    await tick();
    expect(a.got.at(-1)!.sequence).toBe(5n);
    await a.stop();
    expect(q.wq.size).toBe(0);
    for (let i = 6; i < 9; i++) q.report(ev(i));
    // resume after 6: 6 is dropped as already read, 7 and 8 delivered
    const b = followVevents(file, p, 6n);
    await tick();
    expect(b.got.map((e) => e.sequence)).toEqual([7n, 8n]);
    expect(q.numEvents).toBe(0);
    p.close(fd);
    await tick();
    expect(b.ended).toBe(true);
  });
});
