/**
 * Issue #7, item 5: unbounded resources an unprivileged caller controls, over gRPC. Each test
 * failed on the code before the fix:
 * - a process name of any length was kept (GetStatus and the exit event): now TASK_COMM_LEN;
 * - GetHwInfo allocated `data_len` bytes (2^32 - 1 → a bare INTERNAL): now the struct's bytes;
 * - GetDirtyBitmap allocated a bitmap as large as the caller's range: now at most 2 MiB per call;
 * - RLIMIT_NOFILE was a constant, processes and kernel objects were unbounded: now the
 *   principal's `limits` from the profile (EMFILE, EAGAIN, ENOMEM), given back on close / exit /
 *   destroy.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { expectKernelErrno, PAGE, Sys, useTestHost, watchEvents } from '../contract/harness.js';

const NIC = '0000:01:00.0';
const DIRTY = 1 << 1; // IOMMU_HWPT_ALLOC_DIRTY_TRACKING
const NO_CLEAR = 1; // IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR
const GiB = 1n << 30n;

describe('item 5: process names are TASK_COMM_LEN (15 bytes) as the kernel keeps them', () => {
  const t = useTestHost();

  it('a 5000-byte name is 15 bytes in GetStatus and in the PROCESS_EXITED event', async () => {
    const events = watchEvents(t.platform);
    try {
      const long = 'n'.repeat(5000);
      const p = await Sys.spawn(t.qemu, long);
      const st = await call(t.qemu.Process.GetStatus, { pid: p.pid });
      expect(st.name).toBe('n'.repeat(15));
      await p.exit();
      const ev = await events.until((e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.pid === p.pid);
      expect(ev.name).toBe('n'.repeat(15));
      expect(Buffer.byteLength(ev.message)).toBeLessThan(100);
    } finally {
      events.cancel();
    }
  });

  it('bytes, not characters: a multi-byte character cut at byte 15 is dropped whole; a NUL ends the name', async () => {
    const cases: Array<[string, string]> = [
      ['é'.repeat(8), 'é'.repeat(7)], // 16 bytes: byte 15 is the first of the 8th é
      ['a' + 'é'.repeat(8), 'a' + 'é'.repeat(7)], // exactly 15 bytes kept
      ['abcdefghijklm€x', 'abcdefghijklm'], // € (3 bytes) spans bytes 13..15
      ['qemu\0-evil-suffix', 'qemu'],
      ['short', 'short'],
    ];
    for (const [given, kept] of cases) {
      const p = await t.spawn(t.qemu, given);
      const st = await call(t.qemu.Process.GetStatus, { pid: p.pid });
      expect(st.name, JSON.stringify(given)).toBe(kept);
      expect(Buffer.byteLength(st.name)).toBeLessThanOrEqual(15);
    }
  });
});

describe('item 5: GetHwInfo costs the struct, not data_len', () => {
  const t = useTestHost();

  it('data_len 2^31 and 2^32-1 succeed as on Linux: the 24 struct bytes, data_len written back as 24', async () => {
    const { sys, fd, devId } = await t.deviceSetup('vfio0');
    const exact = await sys.hwInfo(fd, devId, 24);
    for (const dataLen of [2 ** 31, 2 ** 32 - 1]) {
      const r = await sys.hwInfo(fd, devId, dataLen);
      expect(r.data_len).toBe(24);
      expect(Buffer.from(r.data as Buffer).equals(Buffer.from(exact.data as Buffer))).toBe(true);
      expect(r.out_data_type).toBe(exact.out_data_type);
    }
  });
});

describe('item 5: GetDirtyBitmap returns at most 2 MiB of bitmap per call', () => {
  const t = useTestHost();

  it('a range whose bitmap passes 2 MiB is EINVAL before anything is read or cleared; 2 MiB exactly works', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio0');
    const hwpt = await sys.hwptAlloc(fd, devId, ioas, DIRTY);
    await sys.attach(devFd, hwpt);
    const buf = await sys.mmap(16n * PAGE);
    await sys.map(fd, ioas, buf, 16n * PAGE, 1n << 24n);
    await sys.setDirty(fd, hwpt, true);
    const w = await t.hw.dma(NIC, (1n << 24n) + 3n * PAGE, 8, { write: new Uint8Array(8).fill(7) });
    expect(w.result).toBe('written');
    // 128 GiB at 4 KiB pages: 2^25 bits = 4 MiB of bitmap (the old code built and sent it)
    await expectKernelErrno(sys.dirtyBitmap(fd, hwpt, 0n, 128n * GiB, PAGE), 'EINVAL');
    // the whole 47-bit space: 4 GiB of bitmap, refused the same way, without allocating it
    await expectKernelErrno(sys.dirtyBitmap(fd, hwpt, 0n, 1n << 47n, PAGE), 'EINVAL');
    // nothing was cleared: the dirty page is still reported
    const small = await sys.dirtyBitmap(fd, hwpt, 1n << 24n, 16n * PAGE, PAGE, NO_CLEAR);
    expect([...small]).toEqual([8, 0, 0, 0, 0, 0, 0, 0]);
    // 64 GiB at 4 KiB is exactly 2 MiB of bitmap; a larger page_size covers a larger range
    const full = await sys.dirtyBitmap(fd, hwpt, 0n, 64n * GiB, PAGE, NO_CLEAR);
    expect(full.length).toBe(2 * 1024 * 1024);
    expect(full[(1 << 24) / 4096 / 8]).toBe(8);
    const coarse = await sys.dirtyBitmap(fd, hwpt, 0n, 128n * GiB, 2n * PAGE);
    expect(coarse.length).toBe(2 * 1024 * 1024);
    expect(coarse[(1 << 24) / 8192 / 8]).toBe(2);
  });
});

// A profile whose qemu principal has small limits: 5 fds (3..7), 3 processes, 8 pages of memory.
const dir = mkdtempSync(join(tmpdir(), 'iommutwin-limits-'));
const profilePath = join(dir, 'limits.yaml');
writeFileSync(
  profilePath,
  readFileSync(new URL('../../profiles/intel-vtd.yaml', import.meta.url), 'utf8').replace(/^name: .*$/m, 'name: limits') +
    `
principals:
  - { name: qemu, uid: 107, gids: [107], memlock: 64GiB, limits: { nofile: 8, pids: 3, memory: 32KiB } }
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('item 5: per-principal limits from the profile', () => {
  const t = useTestHost(profilePath);

  it('RLIMIT_NOFILE: fds 3..nofile-1, then EMFILE (MemfdCreate, Open, SendFd); a closed fd is the lowest free one again', async () => {
    const q = await t.spawn(t.qemu, 'nofile');
    const fds: number[] = [];
    for (let i = 0; i < 5; i++) fds.push(await q.memfd(`m${i}`, 0n));
    expect(fds).toEqual([3, 4, 5, 6, 7]);
    await expectKernelErrno(q.memfd('one-too-many', 0n), 'EMFILE');
    const r = await t.spawn(t.root, 'sender');
    const ifd = await r.open('/dev/iommu');
    await expectKernelErrno(r.sendFd(ifd, q), 'EMFILE');
    // sparse frees: the lowest comes back first
    await q.close(6);
    await q.close(4);
    expect(await r.sendFd(ifd, q)).toBe(4);
    expect(await q.memfd('again', 0n)).toBe(6);
    await expectKernelErrno(q.memfd('full', 0n), 'EMFILE');
    expect((await q.status()).fds.map((f) => f.fd)).toEqual([3, 4, 5, 6, 7]);
    // root's own RLIMIT_NOFILE is the default 1024
    expect(await r.memfd('root', 0n)).toBe(4);
  });

  it('pids.max: Spawn past it is EAGAIN; an exit gives the slot back', async () => {
    const ps = [await t.spawn(t.qemu, 'p1'), await t.spawn(t.qemu, 'p2'), await t.spawn(t.qemu, 'p3')];
    await expectKernelErrno(Sys.spawn(t.qemu, 'p4'), 'EAGAIN');
    await expectKernelErrno(Sys.spawn(t.qemu, 'p4'), 'EAGAIN');
    // another principal is not limited by qemu's cgroup
    await t.spawn(t.root, 'root-proc');
    await ps[1]!.exit();
    const p4 = await t.spawn(t.qemu, 'p4');
    expect(p4.pid).toBeGreaterThan(ps[2]!.pid);
    await expectKernelErrno(Sys.spawn(t.qemu, 'p5'), 'EAGAIN');
  });

  it("memory.max: iommufd objects and areas are charged to the calling process's cgroup (ENOMEM, nothing changed) and given back on unmap, destroy and exit", async () => {
    // root opens the nodes and passes them: the fd's opener is root, qemu's calls are charged to qemu
    const r = await t.spawn(t.root, 'libvirt');
    const q = await t.spawn(t.qemu, 'vm');
    const ifdR = await r.open('/dev/iommu');
    const dfdR = await r.open('/dev/vfio/devices/vfio1');
    const fd = await r.sendFd(ifdR, q);
    const devFd = await r.sendFd(dfdR, q);
    await r.close(dfdR);
    const devId = await q.bind(devFd, fd); // 1 page
    const ioases: number[] = [];
    for (let i = 0; i < 5; i++) ioases.push(await q.ioasAlloc(fd)); // 6 pages
    const hwpt = await q.hwptAlloc(fd, devId, ioases[0]!); // 7 pages
    expect([devId, ...ioases, hwpt]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const va = await q.mmap(4n * PAGE);
    await q.map(fd, ioases[1]!, va, 4n * PAGE, 1n << 32n); // 8 pages: memory.max
    await expectKernelErrno(q.ioasAlloc(fd), 'ENOMEM');
    await expectKernelErrno(q.map(fd, ioases[1]!, va, 4n * PAGE, 2n << 32n), 'ENOMEM');
    await expectKernelErrno(q.hwptAlloc(fd, devId, ioases[2]!), 'ENOMEM');
    await expectKernelErrno(q.copy(fd, ioases[2]!, ioases[1]!, 4n * PAGE, 1n << 32n, 1n << 32n), 'ENOMEM');
    // nothing changed: no ID consumed (root's call in the same context is charged to root's
    // unlimited cgroup and gets the next ID), nothing mapped by the failed MAP and COPY
    expect(await r.ioasAlloc(ifdR)).toBe(8);
    await expectKernelErrno(q.unmap(fd, ioases[2]!, 1n << 32n, 4n * PAGE), 'ENOENT');
    await expectKernelErrno(q.unmap(fd, ioases[1]!, 2n << 32n, 4n * PAGE), 'ENOENT');
    // the unmap gives the area's page back: one more object fits, then the limit again
    expect(await q.unmap(fd, ioases[1]!, 1n << 32n, 4n * PAGE)).toBe(4n * PAGE);
    expect(await q.ioasAlloc(fd)).toBe(9);
    await expectKernelErrno(q.ioasAlloc(fd), 'ENOMEM');
    // destroy gives back
    await q.destroy(fd, ioases[4]!);
    expect(await q.ioasAlloc(fd)).toBe(ioases[4]);
    await expectKernelErrno(q.ioasAlloc(fd), 'ENOMEM');
    // exit (and root's close): the device is unbound, the context released, every charge returned
    await r.close(ifdR);
    await q.exit();
    const q2 = await t.spawn(t.qemu, 'vm2');
    const fd2 = await r.sendFd(await r.open('/dev/iommu'), q2);
    const again: number[] = [];
    for (let i = 0; i < 8; i++) again.push(await q2.ioasAlloc(fd2));
    expect(again).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await expectKernelErrno(q2.ioasAlloc(fd2), 'ENOMEM');
  });
});
