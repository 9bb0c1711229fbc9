/**
 * Issue #7, items 2 and 3, and the memory cgroup of item 5, over gRPC against an in-process
 * host-iommu (host memory read from the domain: PhysicalMemory.dataFramesInUse / touchedFrames,
 * the principal's cgroup memory.current).
 *
 * Item 2 — costs bounded by what exists: Ftruncate of a sparse memfd to 2^52 then Close walked
 * every page index (hours); after host frames were freed and reused, pins became one run per
 * page and unpinning was quadratic. Now truncation visits the chunks present, the allocator
 * hands back contiguous frames (buddy) and pin/unpin are linear.
 * Item 3 — anonymous and private (COW) memory was never freed on munmap or exit. Now a memory
 * object is freed when its last user (mapping, fd, IOAS pages) goes; pinned frames at their last
 * unpin.
 * Memory cgroup — data frames are charged to the cgroup of the principal whose process faults
 * them in (memory.max → ENOMEM, nothing changed) and uncharged when freed.
 * Responsiveness (the "a long-running server stays responsive") — the per-page part of a
 * large exit, close, munmap or IoasUnmap is deferred and drained in time slices; every call waits
 * for it, so no caller sees a half-done teardown (the stall itself is measured by bench B10).
 *
 * Reading the domain directly after an RPC: the teardown an RPC started may still be draining,
 * so such reads first `await host.quiesce()` (the documented way for in-process tests).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type HostClients } from '#libs/rpc/client.js';
import { startHostServer, type HostServer } from '../../services/host-iommu/src/main.js';
import { Host } from '../../services/host-iommu/src/platform/host.js';
import { loadProfile, type HostProfile } from '#libs/profile/profile.js';
import { expectErrno, MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, Sys, TOKENS, useTestHost } from '../contract/harness.js';

const KiB = 1024n;
const MiB = 1024n * KiB;
const PAGE = 4096;

/** `bytes` of a non-zero pattern (every page touched). */
function pattern(bytes: bigint, seed = 1): Uint8Array {
  const b = new Uint8Array(Number(bytes));
  for (let i = 0; i < b.length; i += 512) b[i] = ((i >> 9) + seed) & 0xff || 1;
  return b;
}

/** WriteMemory in 1 MiB calls (gRPC messages are capped at 4 MiB). */
async function writeAll(sys: Sys, va: bigint, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; off += 1 << 20) await sys.write(va + BigInt(off), data.subarray(off, off + (1 << 20)));
}

/** The Pages objects behind every IOAS area of the host (to count pinned runs). */
function pinnedRuns(srv: HostServer): number[] {
  const out: number[] = [];
  for (const ctx of srv.host.ctxs) {
    for (const o of ctx.objects.values()) {
      if (o.type !== 'IOAS') continue;
      for (const n of o.iopt.areas) out.push(n.value.pages.runs.length);
    }
  }
  return out;
}

/**
 * A process of `c`'s principal with a VFIO device bound and attached to a fresh IOAS: a root
 * process opens the nodes and passes the fds (as libvirt does for qemu), then exits.
 */
async function withDevice(root: HostClients, c: HostClients, cdev = 'vfio0'): Promise<{ sys: Sys; fd: number; devFd: number; ioas: number }> {
  const r = await Sys.spawn(root, 'libvirt');
  const sys = await Sys.spawn(c, 'qemu');
  const fd = await r.sendFd(await r.open('/dev/iommu'), sys);
  const devFd = await r.sendFd(await r.open(`/dev/vfio/devices/${cdev}`), sys);
  await r.exit();
  await sys.bind(devFd, fd);
  const ioas = await sys.ioasAlloc(fd);
  await sys.attach(devFd, ioas);
  return { sys, fd, devFd, ioas };
}

describe('item 2: truncation and unpinning cost what exists', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });

  it('Ftruncate of a memfd to 2^52 then Close returns at once and frees what was touched (qemu)', async () => {
    const mem = t.srv.host.mem;
    const before = { frames: mem.dataFramesInUse, touched: mem.touchedFrames };
    const q = await t.spawn(t.qemu, 'sparse');
    const fd = await q.memfd('sparse', 1n << 52n); // 2^40 pages, none present
    // touch two pages near the end through a window mapping
    const win = 2n * MiB;
    const va = await q.mmap(win, { fd, offset: (1n << 52n) - win });
    await q.write(va + win - 4096n, pattern(4096n));
    await q.write(va, pattern(4096n));
    await t.srv.host.quiesce();
    expect(mem.dataFramesInUse - before.frames).toBe(2);
    await q.ftruncate(fd, (1n << 52n) - 4096n); // shrink: drops the last page only
    await t.srv.host.quiesce();
    expect(mem.dataFramesInUse - before.frames).toBe(1);
    await q.ftruncate(fd, 1n << 52n);
    await q.munmap(va, win);
    await q.close(fd); // last fd and last mapping gone: release truncates to 0
    await t.srv.host.quiesce();
    expect(mem.dataFramesInUse).toBe(before.frames);
    expect(mem.touchedFrames).toBe(before.touched);
    // the old code walked 2^40 page indices here (hours); a second round costs the same nothing
    const fd2 = await q.memfd('sparse2', 1n << 52n);
    await q.close(fd2);
  });

  it('a pin of reused host frames is a few runs, not one per page; unpin returns every frame', async () => {
    const mem = t.srv.host.mem;
    const { sys, fd, ioas } = await t.deviceSetup();
    const size = 64n * MiB; // 16384 pages
    const base = mem.dataFramesInUse;
    for (let round = 0; round < 3; round++) {
      // frames freed one by one by the previous round come back here
      const mfd = await sys.memfd(`ram${round}`, size);
      const va = await sys.mmap(size, { fd: mfd });
      await sys.map(fd, ioas, va, size, 1n << 32n);
      const runs = pinnedRuns(t.srv);
      await t.srv.host.quiesce();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toBeLessThanOrEqual(4); // the old allocator gave 16384 after reuse
      expect(mem.dataFramesInUse - base).toBe(Number(size) / PAGE);
      await sys.unmap(fd, ioas, 1n << 32n, size);
      await sys.munmap(va, size);
      await sys.close(mfd);
      await t.srv.host.quiesce();
      expect(mem.dataFramesInUse).toBe(base);
      // anonymous memory reuses the same frames
      const anon = await sys.mmap(size, { flags: MAP_PRIVATE | MAP_ANONYMOUS });
      await sys.map(fd, ioas, anon, size, 1n << 32n);
      await t.srv.host.quiesce();
      expect(pinnedRuns(t.srv)[0]).toBeLessThanOrEqual(4);
      await sys.unmap(fd, ioas, 1n << 32n, size);
      await sys.munmap(anon, size);
      await t.srv.host.quiesce();
      expect(mem.dataFramesInUse).toBe(base);
    }
  });
});

describe('item 3: memory is given back when its last user goes', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });

  it('anonymous, private COW, memfd and pinned memory: back to the baseline after exit, round after round', async () => {
    const mem = t.srv.host.mem;
    const baseline = { frames: mem.dataFramesInUse, touched: mem.touchedFrames };
    for (let round = 0; round < 3; round++) {
      const { sys: q, fd, ioas } = await withDevice(t.root, t.qemu);
      const frames = () => mem.dataFramesInUse - baseline.frames;
      const touched = () => mem.touchedFrames - baseline.touched;

      // anonymous: 4 MiB written, then the middle 1 MiB unmapped frees exactly those pages
      const anon = await q.mmap(4n * MiB, { flags: MAP_PRIVATE | MAP_ANONYMOUS });
      await writeAll(q, anon, pattern(4n * MiB));
      await t.srv.host.quiesce();
      expect(frames()).toBe(1024);
      expect(touched()).toBe(1024);
      await q.munmap(anon + MiB, MiB);
      await t.srv.host.quiesce();
      expect(frames()).toBe(768);
      expect(touched()).toBe(768);
      expect([...(await q.read(anon + 4n * MiB - 4096n, 4))]).toEqual([...pattern(4n * MiB).subarray(4 * 1048576 - 4096, 4 * 1048576 - 4092)]);

      // memfd 2 MiB, shared mapping written; a private mapping of it copies 1 MiB on write
      const mfd = await q.memfd('guest', 2n * MiB);
      const shared = await q.mmap(2n * MiB, { fd: mfd, flags: MAP_SHARED });
      await writeAll(q, shared, pattern(2n * MiB, 7));
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512);
      const priv = await q.mmap(2n * MiB, { fd: mfd, flags: MAP_PRIVATE });
      await q.write(priv, pattern(MiB, 9));
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512 + 256);
      await q.munmap(priv, 2n * MiB); // COW copies freed
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512);
      // the fd closed while mapped: the mapping keeps the memory
      await q.close(mfd);
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512);
      expect((await q.read(shared, 1))[0]).toBe(pattern(1n, 7)[0]);

      // pinned, then unmapped by the process: the pinned frames stay until the unpin
      const pin = await q.mmap(MiB, { flags: MAP_PRIVATE | MAP_ANONYMOUS });
      await q.write(pin, pattern(MiB, 3));
      await q.map(fd, ioas, pin, MiB, 1n << 32n);
      await q.munmap(pin, MiB);
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512 + 256);
      await q.unmap(fd, ioas, 1n << 32n, MiB);
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512);

      // held at exit: a pinned anonymous range and a pinned memfd range whose fd is closed
      const held = await q.mmap(MiB, { flags: MAP_PRIVATE | MAP_ANONYMOUS });
      await q.write(held, pattern(MiB, 5));
      await q.map(fd, ioas, held, MiB, 2n << 32n);
      const mfd2 = await q.memfd('pinned', MiB);
      await q.mapFile(fd, ioas, mfd2, 0n, MiB, 3n << 32n);
      await q.close(mfd2); // the IOAS pages still hold the file
      await t.srv.host.quiesce();
      expect(frames()).toBe(768 + 512 + 256 + 256);

      await q.exit();
      await t.srv.host.quiesce();
      expect(mem.dataFramesInUse).toBe(baseline.frames);
      expect(mem.touchedFrames).toBe(baseline.touched);
    }
  });

  it('a memfd mapped into an IOAS outlives its fd and mapping until the IOAS unmap', async () => {
    const mem = t.srv.host.mem;
    const { sys, fd, ioas } = await t.deviceSetup();
    const base = mem.dataFramesInUse;
    const mfd = await sys.memfd('file', MiB);
    const va = await sys.mmap(MiB, { fd: mfd });
    await sys.write(va, pattern(MiB, 11));
    await sys.mapFile(fd, ioas, mfd, 0n, MiB, 1n << 32n);
    await sys.munmap(va, MiB);
    await sys.close(mfd);
    await t.srv.host.quiesce();
    expect(mem.dataFramesInUse - base).toBe(256);
    // the device still reads the file's bytes
    const d = await t.hw.dma('0000:01:00.0', 1n << 32n, 4);
    expect([...(d.data as Buffer)]).toEqual([...pattern(4n, 11)]);
    await sys.unmap(fd, ioas, 1n << 32n, MiB);
    await t.srv.host.quiesce();
    expect(mem.dataFramesInUse).toBe(base);
  });
});

describe('memory cgroup: data frames charged to the principal whose process faults them in', () => {
  let srv: HostServer;
  let root: HostClients;
  let qemu: HostClients;
  const LIMIT = 4n * MiB; // memory.max of qemu's cgroup: 1024 pages

  beforeAll(async () => {
    const p = loadProfile('intel-vtd');
    const profile: HostProfile = {
      ...p,
      principals: p.principals.map((x) => (x.name === 'qemu' ? { ...x, memlockBytes: 64n * MiB, limits: { ...x.limits, memoryBytes: LIMIT } } : x)),
    };
    srv = await startHostServer({ listen: '127.0.0.1:0', profile, tokens: { ...TOKENS }, logger: pino({ level: 'silent' }) });
    root = createClients(srv.addr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    qemu = createClients(srv.addr, { token: 'tok-qemu', defaultDeadlineMs: 20_000 });
  });
  afterAll(async () => {
    root.close();
    qemu.close();
    await srv.close(500);
  });

  it('ENOMEM on write and pin past memory.max, nothing changed; the charge comes back on munmap, close and exit', async () => {
    const mem = srv.host.mem;
    const cg = srv.host.principal('qemu').cgroup;
    const rootCg = srv.host.principal('root').cgroup;
    const start = { charged: cg.memoryPages, frames: mem.dataFramesInUse };
    const { sys: q, fd, ioas } = await withDevice(root, qemu);
    const objects = cg.memoryPages - start.charged; // kernel objects (IOAS, HWPT, device) charged by the setup
    const charged = () => cg.memoryPages - start.charged - objects;

    // 2 MiB fits
    const anon = await q.mmap(8n * MiB, { flags: MAP_PRIVATE | MAP_ANONYMOUS });
    await writeAll(q, anon, pattern(2n * MiB));
    await srv.host.quiesce();
    expect(charged()).toBe(512);

    // a write past memory.max (3 MiB more) faults nothing in and writes nothing
    await expectErrno(q.write(anon + 2n * MiB, pattern(3n * MiB)), 'ENOMEM');
    await srv.host.quiesce();
    expect(charged()).toBe(512);
    expect(mem.dataFramesInUse - start.frames).toBe(512);
    expect([...(await q.read(anon + 2n * MiB, 2))]).toEqual([0, 0]);

    // a pin of the whole 8 MiB would fault in 6 MiB more: ENOMEM, nothing pinned or faulted in
    const beforePin = cg.memoryPages;
    await expectErrno(q.map(fd, ioas, anon, 8n * MiB, 1n << 32n), 'ENOMEM');
    await srv.host.quiesce();
    expect(cg.memoryPages).toBe(beforePin);
    expect((await q.status()).pinned).toBe(0n);
    await srv.host.quiesce();
    expect(mem.dataFramesInUse - start.frames).toBe(512);

    // a pin within the limit faults in the rest of its range
    const afterPinOk = cg.memoryPages;
    await q.map(fd, ioas, anon, 3n * MiB, 1n << 32n);
    await srv.host.quiesce();
    expect(mem.dataFramesInUse - start.frames).toBe(768);
    const areaKmem = cg.memoryPages - afterPinOk - 256;
    expect(charged()).toBe(768 + areaKmem);
    await q.unmap(fd, ioas, 1n << 32n, 3n * MiB);
    await srv.host.quiesce();
    expect(charged()).toBe(768);
    await q.munmap(anon, 8n * MiB);
    await srv.host.quiesce();
    expect(charged()).toBe(0);

    // a memfd root created and passed: charged to qemu, who faults it in, and kept with the pages
    const r = await Sys.spawn(root, 'libvirt');
    const rootBefore = rootCg.memoryPages;
    const rfd = await r.memfd('guest-ram', 2n * MiB);
    const qfd = await r.sendFd(rfd, q);
    const va = await q.mmap(2n * MiB, { fd: qfd });
    await q.write(va, pattern(MiB));
    await srv.host.quiesce();
    expect(charged()).toBe(256);
    expect(rootCg.memoryPages).toBe(rootBefore);
    await q.munmap(va, 2n * MiB);
    await q.close(qfd);

    // qemu exits; the memfd (still open in root) keeps its pages and their charge
    await q.exit();
    await srv.host.quiesce();
    expect(cg.memoryPages - start.charged).toBe(256);
    await r.close(rfd);
    await srv.host.quiesce();
    expect(cg.memoryPages).toBe(start.charged);
    expect(mem.dataFramesInUse).toBe(start.frames);
    await r.exit();
  });
});

describe('responsiveness: large teardown is deferred, never seen half done', () => {
  const GiB = 1024n * MiB;
  const SIZE = 4n * GiB; // 1 Mi pages: well past what runs inline

  /** A qemu process of `host` with a device attached to an IOAS and SIZE of anonymous memory pinned. */
  function pinnedProcess(host: Host) {
    const r = host.spawn(host.principal('root'), 'libvirt', 0);
    const q = host.spawn(host.principal('qemu'), 'qemu', 0);
    const fd = host.sendFd(r, host.open(r, '/dev/iommu', 2), q);
    const devFd = host.sendFd(r, host.open(r, '/dev/vfio/devices/vfio0', 2), q);
    host.exit(r);
    host.vfioDevice(q, devFd).bind(q, fd, 0);
    const ctx = host.iommufd(q, fd);
    const ioas = ctx.ioasAlloc(q, 0);
    host.vfioDevice(q, devFd).attach(q, 0, ioas, 0);
    const va = host.mmap(q, { addr: 0n, length: SIZE, prot: 3, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1, offset: 0n });
    ctx.ioasMap(q, 7, ioas, va, SIZE, 1n << 40n);
    return { q, ctx, ioas, va };
  }

  it('Exit returns with the frees queued; PROCESS_EXITED and the last frees come after; quiesce() waits for them', async () => {
    const host = new Host(loadProfile('intel-vtd'));
    await host.quiesce();
    const base = { frames: host.mem.dataFramesInUse, charged: host.principal('qemu').cgroup.memoryPages };
    const { q } = pinnedProcess(host);
    expect(host.mem.dataFramesInUse - base.frames).toBe(Number(SIZE / 4096n));
    const seq0 = host.events.headSequence;
    host.exit(q);
    // the structure is gone at once (no process, no pin charged to it) ...
    expect(host.processes.has(q.pid)).toBe(false);
    expect(q.pinnedPages).toBe(0);
    // ... the per-page frees are queued, and PROCESS_EXITED behind them
    expect(host.idle).toBe(false);
    expect(host.events.headSequence).toBe(seq0);
    await host.quiesce();
    expect(host.idle).toBe(true);
    expect(host.mem.dataFramesInUse).toBe(base.frames);
    expect(host.principal('qemu').cgroup.memoryPages).toBe(base.charged);
    expect(host.events.headSequence).toBe(seq0 + 1n);
  });

  it('IoasUnmap and munmap defer their frees; a read of the memory before they finish drains them first', async () => {
    const host = new Host(loadProfile('intel-vtd'));
    const base = host.mem.dataFramesInUse;
    const { q, ctx, ioas, va } = pinnedProcess(host);
    // the page tables are cleared at once: the device faults from now on
    expect(ctx.ioasUnmap(ioas, 1n << 40n, SIZE)).toBe(SIZE);
    expect(host.inspect({ kind: 'host' }).pinnedPages).toBe(0);
    expect(host.idle).toBe(false);
    q.mm.munmap(va, SIZE);
    // a new mapping faulting memory in first finishes what is queued, in order (same frames as without the queue)
    const va2 = host.mmap(q, { addr: 0n, length: 4096n, prot: 3, flags: MAP_PRIVATE | MAP_ANONYMOUS, fd: -1, offset: 0n });
    q.mm.write(va2, pattern(4096n));
    expect(host.idle).toBe(true);
    expect(host.mem.dataFramesInUse - base).toBe(1);
    host.exit(q);
    await host.quiesce();
    expect(host.mem.dataFramesInUse).toBe(base);
  });

  it('over gRPC, the call after a large Exit sees everything given back', async () => {
    const srv = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: pino({ level: 'silent' }) });
    const root = createClients(srv.addr, { token: 'tok-root', defaultDeadlineMs: 60_000 });
    const qemu = createClients(srv.addr, { token: 'tok-qemu', defaultDeadlineMs: 60_000 });
    try {
      const base = srv.host.mem.dataFramesInUse;
      const { sys, fd, ioas } = await withDevice(root, qemu);
      const anon = await sys.mmap(SIZE, { flags: MAP_PRIVATE | MAP_ANONYMOUS });
      await sys.map(fd, ioas, anon, SIZE, 1n << 40n);
      const other = await Sys.spawn(root, 'other');
      await sys.exit();
      // the next call starts only once the teardown has drained: nothing is left, read directly
      expect((await other.status()).pinned).toBe(0n);
      expect(srv.host.idle).toBe(true);
      expect(srv.host.mem.dataFramesInUse - base).toBe(0);
      await other.exit();
    } finally {
      root.close();
      qemu.close();
      await srv.close(500);
    }
  });
});
