/**
 * Contract tests of service Process over gRPC: identity and pid checks, fd tables, fd passing,
 * device-node permissions and the device cgroup, memory (memfd, mmap, COW, MMIO BARs),
 * GetStatus and leases. Each group that changes host-global state (node modes, leases, the
 * host event log) runs on its own host.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call, callMeta, createClients } from '#libs/rpc/client.js';
import { proto } from '#libs/rpc/proto.js';
import {
  errorInfo,
  expectErrno,
  expectStatus,
  MAP_PRIVATE,
  MAP_SHARED,
  PAGE,
  Sys,
  text,
  useTestHost,
  watchEvents,
} from './harness.js';

const MiB = 1n << 20n;
const PROT_READ = 1;
const MFD_HUGETLB = 4;
const MFD_HUGE_2MB = 21 << 26;
const VFIO_REGION_INFO_FLAG_READ = 1;
const VFIO_REGION_INFO_FLAG_WRITE = 2;
const VFIO_REGION_INFO_FLAG_MMAP = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ======================================================================================
describe('identity: tokens, pids and ownership', () => {
  const t = useTestHost();

  it('Spawn gives a process owned by the calling principal, with increasing pids', async () => {
    const a = await Sys.spawn(t.qemu, 'qemu-a');
    const b = await Sys.spawn(t.root, 'libvirtd');
    expect(b.pid).toBeGreaterThan(a.pid);
    const sa = await call(t.qemu.Process.GetStatus, { pid: a.pid });
    expect(sa.principal).toBe('qemu');
    expect(sa.uid).toBe(107);
    expect(sa.name).toBe('qemu-a');
    expect(sa.fds).toEqual([]);
    const sb = await call(t.root.Process.GetStatus, { pid: b.pid });
    expect(sb.principal).toBe('root');
    expect(sb.uid).toBe(0);
    // the platform role owns no processes
    await expectStatus(Sys.spawn(t.platform, 'hw'), grpc.status.PERMISSION_DENIED, 'EPERM');
    await a.exit();
    await b.exit();
  });

  it('per-process calls without x-iommutwin-pid are INVALID_ARGUMENT / PID_REQUIRED', async () => {
    const e1 = await expectStatus(call(t.root.Process.Open, { path: '/dev/iommu', flags: 2 }), grpc.status.INVALID_ARGUMENT, 'PID_REQUIRED');
    expect(e1.message).toContain('x-iommutwin-pid');
    await expectStatus(call(t.root.Process.MemfdCreate, { name: 'm', flags: 0 }), grpc.status.INVALID_ARGUMENT, 'PID_REQUIRED');
    await expectStatus(call(t.root.Process.Close, { fd: 3 }), grpc.status.INVALID_ARGUMENT, 'PID_REQUIRED');
    await expectStatus(call(t.root.Iommufd.IoasAlloc, { fd: 3, flags: 0 }), grpc.status.INVALID_ARGUMENT, 'PID_REQUIRED');
    await expectStatus(call(t.root.Vfio.DeviceGetInfo, { device_fd: 3 }), grpc.status.INVALID_ARGUMENT, 'PID_REQUIRED');
  });

  it("another principal's pid is PERMISSION_DENIED / EPERM; root may act for any process", async () => {
    const lib = await Sys.spawn(t.root, 'libvirtd');
    const q = await Sys.spawn(t.qemu, 'qemu');
    const asQemu = new Sys(t.qemu, lib.pid);
    await expectStatus(asQemu.open('/dev/iommu'), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(asQemu.memfd('x', 0n), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(t.qemu.Process.GetStatus, { pid: lib.pid }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(t.qemu.Process.Heartbeat, { pid: lib.pid }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(t.qemu.Process.Exit, { pid: lib.pid }), grpc.status.PERMISSION_DENIED, 'EPERM');
    // qemu may not push an fd into root's process either (target check)
    const qm = await q.memfd('ram', PAGE);
    await expectStatus(q.sendFd(qm, lib), grpc.status.PERMISSION_DENIED, 'EPERM');
    expect((await lib.status()).fds).toEqual([]);
    // nothing was done in lib's name: its fd table is still empty
    expect((await call(t.root.Process.GetStatus, { pid: lib.pid })).fds).toEqual([]);
    // root acts for qemu's process
    const asRoot = new Sys(t.root, q.pid);
    const fd = await asRoot.memfd('from-root', PAGE);
    expect(fd).toBe(qm + 1);
    expect((await q.status()).fds.map((f) => f.fd)).toEqual([qm, fd]);
    await q.exit();
    await lib.exit();
  });

  it('an unknown or exited pid is NOT_FOUND / ESRCH', async () => {
    await expectStatus(new Sys(t.root, 999_999).open('/dev/iommu'), grpc.status.NOT_FOUND, 'ESRCH');
    await expectStatus(call(t.root.Process.GetStatus, { pid: 999_999 }), grpc.status.NOT_FOUND, 'ESRCH');
    const p = await Sys.spawn(t.root, 'short');
    await p.exit();
    await expectStatus(p.open('/dev/iommu'), grpc.status.NOT_FOUND, 'ESRCH');
    await expectStatus(call(t.root.Process.Heartbeat, { pid: p.pid }), grpc.status.NOT_FOUND, 'ESRCH');
    await expectStatus(p.exit(), grpc.status.NOT_FOUND, 'ESRCH');
    const info = errorInfo(await expectErrno(p.status(), 'ESRCH'));
    expect(info?.metadata.errno).toBe('3');
  });

  it('no token or an unknown token is UNAUTHENTICATED', async () => {
    const bad = createClients(t.srv.addr, { token: 'not-a-token', defaultDeadlineMs: 10_000 });
    try {
      await expectStatus(call(bad.Process.Spawn, { name: 'x', lease_ms: 0 }), grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED');
      await expectStatus(call(bad.Platform.Describe, {}), grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED');
    } finally {
      bad.close();
    }
    // a client without the auth interceptor sends no authorization metadata at all
    const Ctor = proto.iommutwin.host.v1.Process as unknown as new (a: string, c: grpc.ChannelCredentials) => grpc.Client;
    const raw = new Ctor(t.srv.addr, grpc.credentials.createInsecure());
    try {
      const spawn = (raw as unknown as Record<string, (req: object, md: grpc.Metadata, cb: grpc.requestCallback<unknown>) => void>)['Spawn']!.bind(raw);
      const err = await new Promise<grpc.ServiceError | null>((resolve) => spawn({ name: 'x', lease_ms: 0 }, callMeta(), (e) => resolve(e)));
      expect(err?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(errorInfo(err)).toEqual({ reason: 'UNAUTHENTICATED', domain: 'iommutwin.dev', metadata: {} });
    } finally {
      grpc.Client.prototype.close.call(raw); // the Process service's own `close` (the Close RPC) shadows it
    }
  });
});

// ======================================================================================
describe('fd tables and fd passing', () => {
  const t = useTestHost();

  it('fds are the lowest free number from 3 and are reused after Close; bad fds are EBADF', async () => {
    const p = await Sys.spawn(t.root);
    expect(await p.open('/dev/iommu')).toBe(3);
    expect(await p.memfd('a', 0n)).toBe(4);
    expect(await p.open('/dev/vfio/devices/vfio1')).toBe(5);
    expect(await p.memfd('b', 0n)).toBe(6);
    await p.close(4);
    expect(await p.memfd('c', 0n)).toBe(4);
    await p.close(3);
    await p.close(5);
    expect(await p.open('/dev/iommu')).toBe(3);
    expect(await p.memfd('d', 0n)).toBe(5);
    expect(await p.memfd('e', 0n)).toBe(7);
    await expectStatus(p.close(5 + 100), grpc.status.INVALID_ARGUMENT, 'EBADF');
    await p.close(7);
    await expectStatus(p.close(7), grpc.status.INVALID_ARGUMENT, 'EBADF');
    await expectStatus(p.close(0), grpc.status.INVALID_ARGUMENT, 'EBADF');
    expect((await p.status()).fds.map((f) => f.fd)).toEqual([3, 4, 5, 6]);
    await p.exit();
  });

  it('SendFd installs the lowest free fd in the target and shares one open file (memfd contents)', async () => {
    const a = await Sys.spawn(t.root, 'a');
    const b = await Sys.spawn(t.root, 'b');
    await b.memfd('occupies-3', 0n);
    const m = await a.memfd('shared', 2n * PAGE);
    expect(m).toBe(3);
    const bm = await a.sendFd(m, b);
    expect(bm).toBe(4);
    const va = await a.mmap(2n * PAGE, { fd: m });
    await a.write(va + 0xff0n, text('written by a, across a page'));
    await a.close(m); // the mapping and b's fd keep the file alive
    const vb = await b.mmap(2n * PAGE, { fd: bm });
    expect(Buffer.from(await b.read(vb + 0xff0n, 27)).toString()).toBe('written by a, across a page');
    await b.write(vb, text('b'));
    expect(Buffer.from(await a.read(va, 1)).toString()).toBe('b');
    // sending a closed fd or to an unknown process
    await expectStatus(a.sendFd(m, b), grpc.status.INVALID_ARGUMENT, 'EBADF');
    await expectStatus(b.sendFd(bm, 999_999), grpc.status.NOT_FOUND, 'ESRCH');
    await a.exit();
    await b.exit();
  });

  it("an iommufd's objects live until the last fd of the open file closes", async () => {
    const a = await Sys.spawn(t.root, 'a');
    const b = await Sys.spawn(t.root, 'b');
    const ifd = await a.open('/dev/iommu');
    expect(await a.ioasAlloc(ifd)).toBe(1);
    expect(await a.ioasAlloc(ifd)).toBe(2);
    const bfd = await a.sendFd(ifd, b);
    await a.close(ifd);
    await expectStatus(a.ioasAlloc(ifd), grpc.status.INVALID_ARGUMENT, 'EBADF');
    // the same context: ids continue, and objects made through a's fd are visible through b's
    const ins = await call(t.platform.Platform.Inspect, { iommufd_object: { pid: b.pid, fd: bfd, id: 2 } });
    expect(ins.kind).toBe('IOAS');
    expect(await b.ioasAlloc(bfd)).toBe(3);
    await b.destroy(bfd, 1);
    expect(await b.ioasAlloc(bfd)).toBe(1);

    // a paging HWPT with pinned pages shows the context's lifetime host-wide
    const dfd = await b.open('/dev/vfio/devices/vfio1');
    const devId = await b.bind(dfd, bfd);
    const hwpt = await b.hwptAlloc(bfd, devId, 2);
    expect(await b.attach(dfd, hwpt)).toBe(hwpt);
    const va = await b.mmap(4n * PAGE);
    await b.map(bfd, 2, va, 4n * PAGE, 0x400000n);
    await b.close(dfd); // unbinds the device; the HWPT is an object of the context and stays
    expect((await b.status()).pinned).toBe(4n * PAGE);
    const c = await Sys.spawn(t.root, 'c');
    const cfd = await b.sendFd(bfd, c);
    await b.close(bfd);
    let host = await t.hw.inspect({ host: true });
    expect(host.page_tables.map((p) => p.hwpt_id)).toEqual([hwpt]);
    expect(host.pinned!.pages).toBe('4');
    expect((await call(t.platform.Platform.Inspect, { iommufd_object: { pid: c.pid, fd: cfd, id: hwpt } })).kind).toBe('HWPT_PAGING');
    await c.close(cfd); // the last fd: the context and all its objects go
    host = await t.hw.inspect({ host: true });
    expect(host.page_tables).toEqual([]);
    expect(host.pinned!.pages).toBe('0');
    expect((await b.status()).pinned).toBe(0n); // pins were charged to b (the mapper)
    for (const p of [a, b, c]) await p.exit();
  });
});

// ======================================================================================
describe('device nodes: modes, owners and the device cgroup', () => {
  const t = useTestHost();

  it('qemu gets EACCES on /dev/iommu (0660 root:root) and on cdevs (0600); root opens them', async () => {
    const q = await Sys.spawn(t.qemu, 'qemu');
    const r = await Sys.spawn(t.root, 'libvirtd');
    for (const path of ['/dev/iommu', '/dev/vfio/devices/vfio0', '/dev/vfio/devices/vfio6']) {
      await expectStatus(q.open(path), grpc.status.PERMISSION_DENIED, 'EACCES');
      await expectStatus(q.open(path, 0), grpc.status.PERMISSION_DENIED, 'EACCES'); // O_RDONLY too
    }
    expect(await r.open('/dev/iommu')).toBe(3);
    expect(await r.open('/dev/vfio/devices/vfio0')).toBe(4);
    // nodes that do not exist: a device without a cdev, a made-up path
    await expectStatus(r.open('/dev/vfio/devices/vfio7'), grpc.status.NOT_FOUND, 'ENOENT');
    await expectStatus(r.open('/dev/nope'), grpc.status.NOT_FOUND, 'ENOENT');
    // failed opens consumed no fd
    expect((await q.status()).fds).toEqual([]);
    expect(await q.memfd('m', 0n)).toBe(3);
    await q.exit();
    await r.exit();
  });

  it('after root chmods /dev/iommu 0666 qemu opens it; chown to uid 107 hands qemu a cdev', async () => {
    const q = await Sys.spawn(t.qemu, 'qemu');
    await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o666 });
    expect(await q.open('/dev/iommu')).toBe(3);
    await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o660 });
    await expectStatus(q.open('/dev/iommu'), grpc.status.PERMISSION_DENIED, 'EACCES');
    // owner bits of 0600 after chown to qemu's uid
    await expectStatus(q.open('/dev/vfio/devices/vfio1'), grpc.status.PERMISSION_DENIED, 'EACCES');
    await call(t.root.Process.Chown, { path: '/dev/vfio/devices/vfio1', uid: 107, gid: 107 });
    const dfd = await q.open('/dev/vfio/devices/vfio1');
    expect(dfd).toBe(4);
    // group bits: gid 107 (kvm) with mode 0060 on /dev/iommu
    await call(t.root.Process.Chown, { path: '/dev/iommu', uid: 0, gid: 107 });
    await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o060 });
    expect(await q.open('/dev/iommu')).toBe(5);
    // the fds qemu opened itself work: bind and attach
    const devId = await q.bind(dfd, 3);
    const ioas = await q.ioasAlloc(3);
    expect(await q.attach(dfd, ioas)).toBeGreaterThan(devId);
    await q.exit();
    // restore the profile's modes
    await call(t.root.Process.Chown, { path: '/dev/iommu', uid: 0, gid: 0 });
    await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o660 });
    await call(t.root.Process.Chown, { path: '/dev/vfio/devices/vfio1', uid: 0, gid: 0 });
    const q2 = await Sys.spawn(t.qemu, 'qemu2');
    await expectStatus(q2.open('/dev/vfio/devices/vfio1'), grpc.status.PERMISSION_DENIED, 'EACCES');
    await q2.exit();
  });

  it('Chown / Chmod / AllowDevice are root-only (EPERM); unknown nodes are ENOENT', async () => {
    const q = await Sys.spawn(t.qemu, 'qemu');
    await expectStatus(call(t.qemu.Process.Chmod, { path: '/dev/iommu', mode: 0o666 }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(t.qemu.Process.Chown, { path: '/dev/vfio/devices/vfio0', uid: 107, gid: 107 }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(t.qemu.Process.AllowDevice, { pid: q.pid, path: '/dev/iommu' }), grpc.status.PERMISSION_DENIED, 'EPERM');
    // nothing changed
    await expectStatus(q.open('/dev/iommu'), grpc.status.PERMISSION_DENIED, 'EACCES');
    await expectStatus(q.open('/dev/vfio/devices/vfio0'), grpc.status.PERMISSION_DENIED, 'EACCES');
    await expectStatus(call(t.root.Process.Chmod, { path: '/dev/nope', mode: 0o666 }), grpc.status.NOT_FOUND, 'ENOENT');
    await expectStatus(call(t.root.Process.Chown, { path: '/dev/nope', uid: 1, gid: 1 }), grpc.status.NOT_FOUND, 'ENOENT');
    await expectStatus(call(t.root.Process.AllowDevice, { pid: q.pid, path: '/dev/nope' }), grpc.status.NOT_FOUND, 'ENOENT');
    await expectStatus(call(t.root.Process.AllowDevice, { pid: 999_999, path: '/dev/iommu' }), grpc.status.NOT_FOUND, 'ESRCH');
    await q.exit();
  });

  it('AllowDevice puts a process under a device allow-list: other nodes are EPERM (mode checks come first)', async () => {
    await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o666 });
    await call(t.root.Process.Chmod, { path: '/dev/vfio/devices/vfio0', mode: 0o666 });
    try {
      const confined = await Sys.spawn(t.qemu, 'confined');
      const free = await Sys.spawn(t.qemu, 'unconfined');
      // unrestricted until its first AllowDevice
      expect(await confined.open('/dev/vfio/devices/vfio0')).toBe(3);
      await confined.close(3);
      await call(t.root.Process.AllowDevice, { pid: confined.pid, path: '/dev/iommu' });
      expect(await confined.open('/dev/iommu')).toBe(3);
      await expectStatus(confined.open('/dev/vfio/devices/vfio0'), grpc.status.PERMISSION_DENIED, 'EPERM');
      // both refused: the mode check (EACCES) runs before the cgroup check (EPERM)
      await expectStatus(confined.open('/dev/vfio/devices/vfio1'), grpc.status.PERMISSION_DENIED, 'EACCES');
      // a process without an allow-list is not affected
      expect(await free.open('/dev/vfio/devices/vfio0')).toBe(3);
      // the list grows
      await call(t.root.Process.AllowDevice, { pid: confined.pid, path: '/dev/vfio/devices/vfio0' });
      expect(await confined.open('/dev/vfio/devices/vfio0')).toBe(4);
      await confined.close(4);
      await free.close(3);
      // the cgroup controls open(2) only: an fd passed in works
      const confined2 = await Sys.spawn(t.qemu, 'confined2');
      await call(t.root.Process.AllowDevice, { pid: confined2.pid, path: '/dev/iommu' });
      await expectStatus(confined2.open('/dev/vfio/devices/vfio0'), grpc.status.PERMISSION_DENIED, 'EPERM');
      const libvirt = await Sys.spawn(t.root, 'libvirtd');
      const dfd = await libvirt.open('/dev/vfio/devices/vfio0');
      const got = await libvirt.sendFd(dfd, confined2);
      await libvirt.close(dfd);
      const ifd = await confined2.open('/dev/iommu');
      expect(await confined2.bind(got, ifd)).toBe(1);
      // root's own processes are confined by the device cgroup as well (no capability bypasses it)
      const rootConfined = await Sys.spawn(t.root, 'root-in-cgroup');
      await call(t.root.Process.AllowDevice, { pid: rootConfined.pid, path: '/dev/iommu' });
      expect(await rootConfined.open('/dev/iommu')).toBe(3);
      await expectStatus(rootConfined.open('/dev/vfio/devices/vfio1'), grpc.status.PERMISSION_DENIED, 'EPERM');
      for (const p of [confined, free, confined2, libvirt, rootConfined]) await p.exit();
    } finally {
      await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o660 });
      await call(t.root.Process.Chmod, { path: '/dev/vfio/devices/vfio0', mode: 0o600 });
    }
  });
});

// ======================================================================================
describe('memory: memfd, mmap, COW, read/write, MMIO BARs', () => {
  const t = useTestHost();

  it('WriteMemory / ReadMemory round-trip across page boundaries (anonymous and memfd mappings)', async () => {
    const p = await t.spawn(t.root, 'mem');
    const anon = await p.mmap(5n * PAGE);
    const pattern = new Uint8Array(3 * 4096 + 100);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 7 + 3) & 0xff;
    await p.write(anon + 4000n, pattern);
    expect(Buffer.from(await p.read(anon + 4000n, pattern.length)).equals(Buffer.from(pattern))).toBe(true);
    // untouched bytes read as zero
    expect([...(await p.read(anon, 8))]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...(await p.read(anon + 4000n - 4n, 6))]).toEqual([0, 0, 0, 0, 3, 10]);
    // a memfd mapped twice: a write through one mapping is visible through the other
    const m = await p.memfd('ram', 8n * PAGE);
    const v1 = await p.mmap(8n * PAGE, { fd: m });
    const v2 = await p.mmap(4n * PAGE, { fd: m, offset: 4n * PAGE });
    expect(v1).not.toBe(v2);
    await p.write(v1 + 4n * PAGE - 3n, text('abcdef'));
    expect(Buffer.from(await p.read(v2 - 0n, 3)).toString()).toBe('def');
    expect(Buffer.from(await p.read(v1 + 4n * PAGE - 3n, 6)).toString()).toBe('abcdef');
  });

  it('Munmap then access → EFAULT; a write straddling into an unmapped page is EFAULT and changes nothing', async () => {
    const p = await t.spawn(t.root, 'mem');
    const va = await p.mmap(3n * PAGE);
    await p.write(va, text('first'));
    await p.write(va + 2n * PAGE, text('third'));
    await p.munmap(va + PAGE, PAGE); // punch a hole in the middle
    await expectStatus(p.read(va + PAGE, 1), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    await expectStatus(p.write(va + PAGE + 10n, text('x')), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    await expectStatus(p.read(va + PAGE - 2n, 4), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    await expectStatus(p.write(va + PAGE - 2n, text('ZZZZ')), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    expect([...(await p.read(va + PAGE - 2n, 2))]).toEqual([0, 0]);
    expect(Buffer.from(await p.read(va, 5)).toString()).toBe('first');
    expect(Buffer.from(await p.read(va + 2n * PAGE, 5)).toString()).toBe('third');
    await p.munmap(va, 3n * PAGE);
    await expectStatus(p.read(va, 1), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    await expectStatus(p.read(va + 2n * PAGE, 1), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    // munmap of an unaligned address is EINVAL
    await expectStatus(p.munmap(va + 1n, PAGE), grpc.status.INVALID_ARGUMENT, 'EINVAL');
  });

  it('a PROT_READ mapping refuses WriteMemory with EFAULT but reads', async () => {
    const p = await t.spawn(t.root, 'mem');
    const m = await p.memfd('ro', 2n * PAGE);
    const rw = await p.mmap(2n * PAGE, { fd: m });
    await p.write(rw + 100n, text('data'));
    const ro = await p.mmap(2n * PAGE, { fd: m, prot: PROT_READ });
    expect(Buffer.from(await p.read(ro + 100n, 4)).toString()).toBe('data');
    await expectStatus(p.write(ro + 100n, text('nope')), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    expect(Buffer.from(await p.read(rw + 100n, 4)).toString()).toBe('data');
    const anonRo = await p.mmap(PAGE, { prot: PROT_READ });
    await expectStatus(p.write(anonRo, text('x')), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    expect([...(await p.read(anonRo, 2))]).toEqual([0, 0]);
  });

  it('MAP_PRIVATE of a memfd is copy-on-write: private writes stay private, unwritten pages follow the file', async () => {
    const p = await t.spawn(t.root, 'cow');
    const m = await p.memfd('file', 2n * PAGE);
    const shared = await p.mmap(2n * PAGE, { fd: m, flags: MAP_SHARED });
    const priv = await p.mmap(2n * PAGE, { fd: m, flags: MAP_PRIVATE });
    await p.write(shared, text('AAAA'));
    await p.write(shared + PAGE, text('1111'));
    expect(Buffer.from(await p.read(priv, 4)).toString()).toBe('AAAA'); // not yet copied
    await p.write(priv, text('BB'));
    expect(Buffer.from(await p.read(priv, 4)).toString()).toBe('BBAA');
    expect(Buffer.from(await p.read(shared, 4)).toString()).toBe('AAAA'); // the file did not change
    await p.write(shared, text('CCCC'));
    expect(Buffer.from(await p.read(priv, 4)).toString()).toBe('BBAA'); // the private copy is detached
    await p.write(shared + PAGE, text('2222'));
    expect(Buffer.from(await p.read(priv + PAGE, 4)).toString()).toBe('2222'); // page 1 never copied
    // another process mapping the file shared sees only shared writes
    const q = await t.spawn(t.root, 'peer');
    const qm = await p.sendFd(m, q);
    const qv = await q.mmap(2n * PAGE, { fd: qm });
    expect(Buffer.from(await q.read(qv, 4)).toString()).toBe('CCCC');
    // the private mapping's copy was made from the file page at the time of the first write
    expect(Buffer.from(await p.read(priv + 2n, 2)).toString()).toBe('AA');
  });

  it('MFD_HUGETLB memfds need 2 MiB-multiple sizes (EINVAL otherwise)', async () => {
    const p = await t.spawn(t.root, 'huge');
    const h = await p.memfd('huge', 0n, MFD_HUGETLB | MFD_HUGE_2MB);
    await expectStatus(p.ftruncate(h, MiB), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(p.ftruncate(h, 2n * MiB + PAGE), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await p.ftruncate(h, 4n * MiB);
    const va = await p.mmap(4n * MiB, { fd: h });
    expect(va % (2n * MiB)).toBe(0n);
    await p.write(va + 2n * MiB - 2n, text('huge'));
    expect(Buffer.from(await p.read(va + 2n * MiB - 2n, 4)).toString()).toBe('huge');
    // a mapping length that is not a huge-page multiple is EINVAL
    await expectStatus(p.mmap(MiB, { fd: h }), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    // the default huge page size (no size bits) is 2 MiB as well
    const h2 = await p.memfd('huge-default', 0n, MFD_HUGETLB);
    await expectStatus(p.ftruncate(h2, 3n * MiB), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await p.ftruncate(h2, 2n * MiB);
    // a normal memfd takes any size
    const n = await p.memfd('normal', 0n);
    await p.ftruncate(n, 12345n);
    // unknown memfd flags
    await expectStatus(call(t.root.Process.MemfdCreate, { name: 'x', flags: 0x100 }, callMeta(p.pid)), grpc.status.INVALID_ARGUMENT, 'EINVAL');
  });

  it('mmap of a VFIO device region maps the BAR (PFNMAP): writes land at the BAR physical address, iommufd cannot pin it', async () => {
    const a = await t.spawn(t.root, 'vmm');
    const ifd = await a.open('/dev/iommu');
    const dfd = await a.open('/dev/vfio/devices/vfio2'); // the GPU: BAR0 16 MiB, BAR1 256 MiB
    const BAR1 = 1n << 40n;
    // before VFIO_DEVICE_BIND_IOMMUFD the device fd grants no access
    await expectStatus(a.mmap(PAGE, { fd: dfd, offset: BAR1 }), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await a.bind(dfd, ifd);
    const ri = await call(t.root.Vfio.DeviceGetRegionInfo, { device_fd: dfd, index: 1 }, callMeta(a.pid));
    expect(ri.offset).toBe(BAR1.toString());
    expect(ri.size).toBe(String(256n * MiB));
    expect(ri.flags).toBe(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP);
    const va = await a.mmap(4n * PAGE, { fd: dfd, offset: BAR1 + 0x200000n });
    const msg = text('peer-to-peer payload');
    await a.write(va + PAGE - 8n, msg); // straddles two BAR pages
    expect(Buffer.from(await a.read(va + PAGE - 8n, msg.length)).toString()).toBe('peer-to-peer payload');
    // the BAR is the device's memory, not the process's: another process mapping the region
    // (through the same open file, passed by SendFd) sees the bytes at the same BAR offset
    const b = await t.spawn(t.root, 'peer');
    const bfd = await a.sendFd(dfd, b);
    const vb = await b.mmap(4n * MiB, { fd: bfd, offset: BAR1 });
    expect(Buffer.from(await b.read(vb + 0x200000n + PAGE - 8n, msg.length)).toString()).toBe('peer-to-peer payload');
    // and they sit at the BAR's host physical address as Describe reports it
    const d = await t.hw.describe();
    const gpu = d.devices.find((x) => x.bdf === '0000:03:00.0')!;
    const bar1 = gpu.bars.find((x) => x.index === 1)!;
    expect(bar1.size).toBe(String(256n * MiB));
    expect(bar1.prefetchable).toBe(true);
    const pa = BigInt(bar1.addr as string) + 0x200000n + PAGE - 8n;
    expect(Buffer.from(t.srv.host.mem.read(pa, msg.length)).toString()).toBe('peer-to-peer payload');
    // BAR0 is a different window
    const v0 = await b.mmap(PAGE, { fd: bfd, offset: 0n });
    expect([...(await b.read(v0 + PAGE - 8n, 4))]).toEqual([0, 0, 0, 0]);
    // iommufd pins pages with pin_user_pages: a PFNMAP range cannot be pinned → EFAULT, nothing mapped
    const ioas = await a.ioasAlloc(ifd);
    await a.attach(dfd, ioas);
    await expectStatus(a.map(ifd, ioas, va, 4n * PAGE, 0x100000n), grpc.status.INVALID_ARGUMENT, 'EFAULT');
    expect((await a.status()).pinned).toBe(0n);
    const f = await t.hw.dma('0000:03:00.0', 0x100000n, 8);
    expect(f.fault?.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    // bad region mappings
    await expectStatus(a.mmap(PAGE, { fd: dfd, offset: BAR1, flags: MAP_PRIVATE }), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(a.mmap(2n * PAGE, { fd: dfd, offset: BAR1 + 256n * MiB - PAGE }), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(a.mmap(PAGE, { fd: dfd, offset: 7n << 40n }), grpc.status.INVALID_ARGUMENT, 'EINVAL'); // config space
    await expectStatus(a.mmap(PAGE, { fd: dfd, offset: 2n << 40n }), grpc.status.INVALID_ARGUMENT, 'EINVAL'); // no BAR2
    // an iommufd cannot be mmapped like a device
    await expectStatus(a.mmap(PAGE, { fd: ifd }), grpc.status.NOT_FOUND, 'ENODEV');
  });

  it('GetStatus lists fds (ascending) with their kinds and paths', async () => {
    const p = await t.spawn(t.root, 'status');
    await p.open('/dev/iommu');
    await p.memfd('guest-ram', PAGE);
    await p.open('/dev/vfio/devices/vfio3');
    const st = await call(t.root.Process.GetStatus, { pid: p.pid });
    expect(st.fds.map((f) => [f.fd, f.kind, f.path])).toEqual([
      [3, 'FD_KIND_IOMMUFD', '/dev/iommu'],
      [4, 'FD_KIND_MEMFD', '/memfd:guest-ram'],
      [5, 'FD_KIND_VFIO_DEVICE', '/dev/vfio/devices/vfio3'],
    ]);
    expect(st.vm_pinned_bytes).toBe('0');
    expect(st.vm_locked_bytes).toBe('0');
    expect(st.name).toBe('status');
    expect(st.lease_expires_unix_ms).toBe('0'); // lease_ms 0: the server default (no expiry)
  });
});

// ======================================================================================
describe('leases and exit', () => {
  const t = useTestHost();

  it('a process whose lease is not renewed exits by itself: LEASE_EXPIRED then PROCESS_EXITED, pins and objects gone', async () => {
    const events = watchEvents(t.platform);
    try {
      const before = Date.now();
      const r = await call(t.root.Process.Spawn, { name: 'leased', lease_ms: 300 });
      const exp = Number(r.lease_expires_unix_ms);
      expect(exp).toBeGreaterThanOrEqual(before + 300);
      expect(exp).toBeLessThanOrEqual(Date.now() + 300);
      const p = new Sys(t.root, r.pid);
      const ifd = await p.open('/dev/iommu');
      const dfd = await p.open('/dev/vfio/devices/vfio0');
      await p.bind(dfd, ifd);
      const ioas = await p.ioasAlloc(ifd);
      await p.attach(dfd, ioas);
      const va = await p.mmap(8n * PAGE);
      await p.map(ifd, ioas, va, 8n * PAGE, 0x800000n);
      const hw = t.hw;
      expect((await hw.dma('0000:01:00.0', 0x800000n, 4)).result).toBe('data');
      let host = await hw.inspect({ host: true });
      expect(host.pinned!.pages).toBe('8');
      expect(host.page_tables.length).toBe(1);
      // no heartbeat from here on: wait for the host to report the expiry
      const expired = await events.until((e) => e.kind === 'HOST_EVENT_KIND_LEASE_EXPIRED' && e.pid === p.pid);
      const exited = await events.until((e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.pid === p.pid);
      expect(BigInt(exited.sequence)).toBe(BigInt(expired.sequence) + 1n);
      expect(expired.name).toBe('leased');
      expect(Date.now()).toBeGreaterThanOrEqual(exp);
      await expectStatus(p.status(), grpc.status.NOT_FOUND, 'ESRCH');
      host = await hw.inspect({ host: true });
      expect(host.pinned!.pages).toBe('0');
      expect(host.page_tables).toEqual([]);
      const f = await hw.dma('0000:01:00.0', 0x800000n, 4);
      expect(f.fault?.reason).toBe('DMA_FAULT_REASON_BLOCKED');
      // the group is free again: another process binds the device
      const q = await Sys.spawn(t.root, 'next');
      const qi = await q.open('/dev/iommu');
      const qd = await q.open('/dev/vfio/devices/vfio0');
      expect(await q.bind(qd, qi)).toBe(1);
      await q.exit();
    } finally {
      events.cancel();
    }
  });

  it('Heartbeat extends the lease (and returns the new expiry); stopping it lets the lease expire', async () => {
    const events = watchEvents(t.platform);
    try {
      const r = await call(t.qemu.Process.Spawn, { name: 'beating', lease_ms: 300 });
      let last = Number(r.lease_expires_unix_ms);
      const start = Date.now();
      while (Date.now() - start < 900) {
        await sleep(60);
        const hb = await call(t.qemu.Process.Heartbeat, { pid: r.pid });
        const exp = Number(hb.lease_expires_unix_ms);
        expect(exp).toBeGreaterThanOrEqual(last);
        last = exp;
      }
      // alive well past its first lease
      expect(Date.now()).toBeGreaterThan(Number(r.lease_expires_unix_ms) + 300);
      const st = await call(t.qemu.Process.GetStatus, { pid: r.pid });
      expect(st.name).toBe('beating');
      expect(events.seen.filter((e) => e.pid === r.pid)).toEqual([]);
      // any call by the process renews it as well
      const p = new Sys(t.qemu, r.pid);
      await p.memfd('renew', 0n);
      await events.until((e) => e.kind === 'HOST_EVENT_KIND_LEASE_EXPIRED' && e.pid === r.pid);
      await expectStatus(call(t.qemu.Process.Heartbeat, { pid: r.pid }), grpc.status.NOT_FOUND, 'ESRCH');
    } finally {
      events.cancel();
    }
  });

  it('Exit closes every fd (PROCESS_EXITED): the device and its group are released', async () => {
    const events = watchEvents(t.platform);
    try {
      const p = await Sys.spawn(t.root, 'exiting');
      const ifd = await p.open('/dev/iommu');
      const dfd = await p.open('/dev/vfio/devices/vfio3');
      await p.memfd('ram', PAGE);
      await p.bind(dfd, ifd);
      const ioas = await p.ioasAlloc(ifd);
      await p.attach(dfd, ioas);
      // the group (04:00.0 + 04:00.1) is owned by p's iommufd
      const other = await Sys.spawn(t.root, 'other');
      const oi = await other.open('/dev/iommu');
      const od = await other.open('/dev/vfio/devices/vfio4');
      await expectStatus(other.bind(od, oi), grpc.status.PERMISSION_DENIED, 'EPERM');
      await expectStatus(call(t.platform.Platform.SetDriver, { bdf: '0000:04:00.0', driver: 'none' }), grpc.status.FAILED_PRECONDITION, 'EBUSY');
      await p.exit();
      const ev = await events.until((e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.pid === p.pid);
      expect(ev.name).toBe('exiting');
      expect(events.seen.some((e) => e.kind === 'HOST_EVENT_KIND_LEASE_EXPIRED' && e.pid === p.pid)).toBe(false);
      expect(await other.bind(od, oi)).toBe(1);
      await other.exit();
      // the cdev of 04:00.0 is no longer open: its driver can change
      await call(t.platform.Platform.SetDriver, { bdf: '0000:04:00.0', driver: 'none' });
      await call(t.platform.Platform.SetDriver, { bdf: '0000:04:00.0', driver: 'vfio-pci' });
      await expectStatus(p.status(), grpc.status.NOT_FOUND, 'ESRCH');
    } finally {
      events.cancel();
    }
  });
});
