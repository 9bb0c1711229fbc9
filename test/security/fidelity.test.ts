/**
 * Issue #7, item 7: smaller fidelity gaps, each checked at the kernel source and failing on the
 * code before the fix (the function checked is named in each test):
 * - BIND with a fd that is not an iommufd: vfio_df_ioctl_bind_iommufd → iommufd_ctx_from_fd → EBADFD;
 * - mmap offsets past the file's largest offset: do_mmap → file_mmap_ok → EOVERFLOW;
 * - paths: getname (PATH_MAX 4096 with the NUL) and the walk's lookup (NAME_MAX 255) → ENAMETOOLONG;
 * - memfd_create: MFD_NOEXEC_SEAL / MFD_EXEC (6.3+) accepted, together EINVAL;
 * - mmap MAP_SHARED_VALIDATE: do_mmap's MAP_TYPE switch (flags outside LEGACY_MAP_MASK → EOPNOTSUPP);
 * - chmod: chmod_common keeps mode & S_IALLUGO (07777), higher bits are ignored.
 */
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { expectKernelErrno, MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MAP_SHARED, PAGE, text, useTestHost } from '../contract/harness.js';

const MAP_SHARED_VALIDATE = 0x03;
const MAP_SYNC = 0x80000;
const MAP_FIXED_NOREPLACE = 0x100000;
const MAP_NORESERVE = 0x4000;
const MFD_ALLOW_SEALING = 0x2;
const MFD_HUGETLB = 0x4;
const MFD_NOEXEC_SEAL = 0x8;
const MFD_EXEC = 0x10;

describe('item 7: fidelity gaps', () => {
  const t = useTestHost();

  it('VFIO_DEVICE_BIND_IOMMUFD with a fd that is not an iommufd is EBADFD (iommufd_ctx_from_fd); no such fd EBADF; negative EINVAL', async () => {
    const s = await t.spawn(t.root, 'bind');
    const devFd = await s.open('/dev/vfio/devices/vfio0');
    const mfd = await s.memfd('not-iommufd', PAGE);
    await expectKernelErrno(s.bind(devFd, mfd), 'EBADFD');
    await expectKernelErrno(s.bind(devFd, devFd), 'EBADFD');
    await expectKernelErrno(s.bind(devFd, 99), 'EBADF');
    await expectKernelErrno(s.bind(devFd, -1), 'EINVAL');
    // flags are checked first (EINVAL), before the fd
    await expectKernelErrno(s.bind(devFd, mfd, 1), 'EINVAL');
    // nothing changed: the device binds to a real iommufd
    const fd = await s.open('/dev/iommu');
    expect(await s.bind(devFd, fd)).toBe(1);
    // already bound is checked before the fd (EINVAL, not EBADFD)
    await expectKernelErrno(s.bind(devFd, mfd), 'EINVAL');
  });

  it('mmap: an offset past the largest file offset is EOVERFLOW (do_mmap → file_mmap_ok); an unaligned offset EINVAL before the fd', async () => {
    const s = await t.spawn(t.root, 'mmap');
    const mfd = await s.memfd('ram', PAGE);
    // a memfd is a regular file: offsets end at MAX_LFS_FILESIZE (2^63 - 1)
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, offset: 1n << 63n }), 'EOVERFLOW');
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, offset: (1n << 63n) - PAGE }), 'EOVERFLOW');
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, offset: (1n << 64n) - PAGE }), 'EOVERFLOW');
    // the page ending below 2^63 - 1 fits (past EOF is allowed at mmap time)
    expect(await s.mmap(PAGE, { fd: mfd, offset: (1n << 63n) - 2n * PAGE })).toBeGreaterThan(0n);
    await expectKernelErrno(s.mmap(2n * PAGE, { fd: mfd, offset: (1n << 63n) - 2n * PAGE }), 'EOVERFLOW');
    // a VFIO device is a character device: offsets end at ULONG_MAX, before the region checks
    const { sys, devFd } = await t.deviceSetup('vfio0');
    await expectKernelErrno(sys.mmap(PAGE, { fd: devFd, offset: (1n << 64n) - PAGE }), 'EOVERFLOW');
    await expectKernelErrno(sys.mmap(2n * PAGE, { fd: devFd, offset: (1n << 64n) - 2n * PAGE }), 'EOVERFLOW');
    // fits below ULONG_MAX, then vfio-pci refuses region 0xffffff
    await expectKernelErrno(sys.mmap(PAGE, { fd: devFd, offset: (1n << 64n) - 2n * PAGE }), 'EINVAL');
    // sys_mmap: offset & ~PAGE_MASK → EINVAL, even with a bad fd and for anonymous memory
    await expectKernelErrno(s.mmap(PAGE, { fd: 77, offset: 1n }), 'EINVAL');
    await expectKernelErrno(s.mmap(PAGE, { flags: MAP_PRIVATE | MAP_ANONYMOUS, offset: 0x800n }), 'EINVAL');
    await expectKernelErrno(s.mmap(PAGE, { fd: 77 }), 'EBADF');
  });

  it('paths: PATH_MAX (getname) and NAME_MAX per component (the lookup the walk reaches) are ENAMETOOLONG in Open, Chown, Chmod, AllowDevice', async () => {
    const s = await t.spawn(t.root, 'paths');
    const q = await t.spawn(t.qemu, 'paths');
    const longName = `/dev/${'x'.repeat(256)}`;
    const longPath = `/dev/${'a/'.repeat(2046)}`; // 4097 bytes
    const pathMax = `/${'b'.repeat(4094)}`; // 4095 bytes + NUL = PATH_MAX: fits, but its one component does not
    await expectKernelErrno(s.open(longName), 'ENAMETOOLONG');
    await expectKernelErrno(s.open(longPath), 'ENAMETOOLONG');
    await expectKernelErrno(s.open(`/${'b'.repeat(4095)}`), 'ENAMETOOLONG'); // 4096 bytes: no room for the NUL
    await expectKernelErrno(s.open(pathMax), 'ENAMETOOLONG');
    // bytes, not characters: 128 'é' are 256 bytes
    await expectKernelErrno(s.open(`/dev/${'é'.repeat(128)}`), 'ENAMETOOLONG');
    // 255 bytes is a valid name (it does not exist)
    await expectKernelErrno(s.open(`/dev/${'x'.repeat(255)}`), 'ENOENT');
    // the walk stops at a missing directory first: ENOENT, as the long component is never looked up
    await expectKernelErrno(s.open(`/nonexistent/${'x'.repeat(300)}`), 'ENOENT');
    // chown / chmod look the path up before the permission check
    await expectKernelErrno(call(t.root.Process.Chmod, { path: longName, mode: 0o600 }), 'ENAMETOOLONG');
    await expectKernelErrno(call(t.root.Process.Chown, { path: longPath, uid: 0, gid: 0 }), 'ENAMETOOLONG');
    await expectKernelErrno(call(t.qemu.Process.Chmod, { path: longName, mode: 0o600 }), 'ENAMETOOLONG');
    await expectKernelErrno(call(t.qemu.Process.Chmod, { path: '/dev/nope', mode: 0o600 }), 'ENOENT');
    await expectKernelErrno(call(t.qemu.Process.Chmod, { path: '/dev/iommu', mode: 0o600 }), 'EPERM');
    await expectKernelErrno(call(t.root.Process.AllowDevice, { pid: s.pid, path: longPath }), 'ENAMETOOLONG');
    await expectKernelErrno(call(t.root.Process.AllowDevice, { pid: s.pid, path: longName }), 'ENAMETOOLONG');
    await expectKernelErrno(call(t.qemu.Process.AllowDevice, { pid: q.pid, path: longPath }), 'ENAMETOOLONG');
    // nothing changed: the root process has no device allow-list yet (any node opens), qemu's
    // chmod did not apply (the node is still root:root 0660)
    expect(await s.open('/dev/iommu')).toBe(3);
    expect(await s.open('/dev/vfio/devices/vfio2')).toBe(4);
    await expectKernelErrno(q.open('/dev/iommu'), 'EACCES');
  });

  it('memfd_create: MFD_NOEXEC_SEAL and MFD_EXEC are accepted (6.3+), together EINVAL; the name limit counts bytes', async () => {
    const s = await t.spawn(t.qemu, 'memfd');
    for (const flags of [MFD_NOEXEC_SEAL, MFD_EXEC, MFD_NOEXEC_SEAL | MFD_ALLOW_SEALING, MFD_EXEC | MFD_ALLOW_SEALING, MFD_NOEXEC_SEAL | MFD_HUGETLB]) {
      const fd = await s.memfd(`f${flags}`, 0n, flags);
      expect(fd).toBeGreaterThanOrEqual(3);
    }
    const sealed = await s.memfd('sealed', 2n * PAGE, MFD_NOEXEC_SEAL);
    const va = await s.mmap(2n * PAGE, { fd: sealed });
    await s.write(va, text('noexec'));
    expect((await s.read(va, 6)).toString()).toBe('noexec');
    await expectKernelErrno(s.memfd('both', 0n, MFD_NOEXEC_SEAL | MFD_EXEC), 'EINVAL');
    await expectKernelErrno(s.memfd('unknown', 0n, 0x20), 'EINVAL');
    // MFD_NAME_MAX_LEN is 249 bytes: 124 'é' + 'x' fit, 125 'é' (250 bytes) do not
    await s.memfd(`${'é'.repeat(124)}x`, 0n);
    await expectKernelErrno(s.memfd('é'.repeat(125), 0n), 'EINVAL');
  });

  it('mmap MAP_SHARED_VALIDATE: a shared mapping when every flag is known; flags outside LEGACY_MAP_MASK EOPNOTSUPP; MAP_SHARED drops them', async () => {
    const s = await t.spawn(t.root, 'validate');
    const mfd = await s.memfd('ram', 2n * PAGE);
    const a = await s.mmap(2n * PAGE, { fd: mfd, flags: MAP_SHARED_VALIDATE });
    const b = await s.mmap(2n * PAGE, { fd: mfd, flags: MAP_SHARED });
    await s.write(a + PAGE, text('shared'));
    expect((await s.read(b + PAGE, 6)).toString()).toBe('shared');
    // legacy flags validate; MAP_SYNC (memfds have no DAX) and MAP_FIXED_NOREPLACE are not legacy
    expect(await s.mmap(PAGE, { fd: mfd, flags: MAP_SHARED_VALIDATE | MAP_FIXED, addr: a })).toBe(a);
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, flags: MAP_SHARED_VALIDATE | MAP_SYNC }), 'EOPNOTSUPP');
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, flags: MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE }), 'EOPNOTSUPP');
    // MAP_SHARED silently drops non-legacy flags (backward compatibility)
    const c = await s.mmap(PAGE, { fd: mfd, flags: MAP_SHARED | MAP_SYNC });
    expect((await s.read(c, 4)).length).toBe(4);
    // anonymous memory knows only MAP_SHARED and MAP_PRIVATE; other map types are EINVAL
    await expectKernelErrno(s.mmap(PAGE, { flags: MAP_SHARED_VALIDATE | MAP_ANONYMOUS }), 'EINVAL');
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, flags: 0 }), 'EINVAL');
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, flags: 0x0f }), 'EINVAL');
    // a flag the twin does not model (MAP_NORESERVE) is validated, then refused as before
    await expectKernelErrno(s.mmap(PAGE, { fd: mfd, flags: MAP_SHARED_VALIDATE | MAP_NORESERVE }), 'EINVAL');
  });

  it('chmod keeps mode & 07777 (chmod_common): file-type and higher bits are ignored, not refused', async () => {
    const q = await t.spawn(t.qemu, 'chmod');
    try {
      await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o170666 });
      const fd = await q.open('/dev/iommu');
      expect(fd).toBe(3);
      await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0xffff0000 | 0o600 });
      await expectKernelErrno(q.open('/dev/iommu'), 'EACCES');
    } finally {
      await call(t.root.Process.Chmod, { path: '/dev/iommu', mode: 0o660 });
    }
  });
});
