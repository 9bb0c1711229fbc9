/**
 * Port of the Linux iommufd selftest fixture `change_process` (tools/testing/selftests/iommu/iommufd.c,
 * test 12 of reference/iommufd-kernel-semantics.md §5.3) to gRPC on the intel-vtd host.
 *
 * Adaptation:
 *  - The mock domain is the real device 0000:01:00.0 (vfio0) attached to the IOAS, so every map
 *    is pinned at once (the selftest's reason for the mock domain).
 *  - Variants. The selftest drops CAP_IPC_LOCK and picks the accounting with IOMMU_OPTION_RLIMIT_MODE.
 *    Here the principal decides: account_none = a root process (CAP_IPC_LOCK: pages are
 *    IOPT_PAGES_ACCOUNT_NONE); account_user = a qemu process (no CAP_IPC_LOCK, RLIMIT_MODE 0, the
 *    default: per-user accounting); account_mm = a qemu process on an iommufd whose RLIMIT_MODE root
 *    set to 1 before handing it over (the option needs CAP_SYS_RESOURCE, which qemu lacks: EPERM).
 *    /dev/iommu and the VFIO cdev are opened by root (libvirt) and passed with SendFd.
 *  - The forked child is a second process of the same principal that receives the iommufd by
 *    SendFd. VmPin / VmLck come from Process.GetStatus (bytes instead of /proc's kB).
 *  - account_none departs from the selftest's expectation on purpose: the selftest's "none" variant
 *    actually runs with CAP_IPC_LOCK dropped (so its pages are charged per user), while real
 *    IOPT_PAGES_ACCOUNT_NONE pages are never re-charged by IOMMU_IOAS_CHANGE_PROCESS
 *    (ioas.c need_charge_update() returns false for them) although their owner mm still changes
 *    (change_mm()): VmPin stays with the old process, and the later unpin is taken from the new
 *    one. That is what these tests assert.
 *  Additions from §1.2/§3.4: the new owner is charged before the old one is uncharged, so a charge
 *  the new owner's RLIMIT_MEMLOCK cannot take fails with ENOMEM and changes nothing (per-user
 *  accounting charges the same user twice for a moment); every IOAS of the context is checked.
 */
import { describe, expect, it } from 'vitest';
import type { HostClients } from '#libs/rpc/client.js';
import { expectKernelErrno, PAGE, Sys, useTestHost } from './harness.js';

const P = PAGE;
const GiB = 1n << 30n;
const U64_MAX = (1n << 64n) - 1n;
const IOMMU_OPTION_RLIMIT_MODE = 0;
const IOMMU_OPTION_OP_SET = 0;
const IOMMU_OPTION_OP_GET = 1;
const MFD_HUGETLB = 0x4;
const MFD_HUGE_1GB = 30 << 26;
const BDF = '0000:01:00.0';

type Accounting = 'account_none' | 'account_user' | 'account_mm';
interface Variant {
  name: Accounting;
  principal: 'root' | 'qemu';
  /** RLIMIT_MODE root sets before handing the iommufd over (the selftest's FIXTURE_SETUP) */
  rlimitMode: bigint | undefined;
}
const VARIANTS: Variant[] = [
  { name: 'account_none', principal: 'root', rlimitMode: undefined },
  { name: 'account_user', principal: 'qemu', rlimitMode: 0n },
  { name: 'account_mm', principal: 'qemu', rlimitMode: 1n },
];

// after each test its processes exit, then teardown_iommufd: nothing stays pinned once every process is gone
const t = useTestHost('intel-vtd', { checkTeardown: true });

interface Fx {
  v: Variant;
  clients: HostClients;
  parent: Sys;
  fd: number;
  ioas: number;
  buffer: bigint;
  mfd: number;
  mfdBuffer: bigint;
}

/** FIXTURE_SETUP(change_process), with libvirt (root) opening the nodes for the parent. */
async function setup(v: Variant): Promise<Fx> {
  const clients = v.principal === 'root' ? t.root : t.qemu;
  const libvirt = await t.spawn(t.root, 'libvirtd');
  const ifd = await libvirt.open('/dev/iommu');
  if (v.rlimitMode !== undefined) expect(await libvirt.option(ifd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, v.rlimitMode)).toBe(v.rlimitMode);
  const dfd = await libvirt.open('/dev/vfio/devices/vfio0');
  const parent = await t.spawn(clients, 'parent');
  const fd = await libvirt.sendFd(ifd, parent);
  const devFd = await libvirt.sendFd(dfd, parent);
  await libvirt.exit();
  expect(await parent.option(fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0, 0n)).toBe(v.rlimitMode ?? 0n);
  if (v.principal === 'qemu') await expectKernelErrno(parent.option(fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, 0n), 'EPERM');
  const ioas = await parent.ioasAlloc(fd);
  const devId = await parent.bind(devFd, fd);
  const hwpt = await parent.attach(devFd, ioas);
  expect([ioas, devId, hwpt]).toEqual([1, 2, 3]);
  const buffer = await parent.mmap(16n * P);
  const mfd = await parent.memfd('mfd_buffer', 16n * P);
  const mfdBuffer = await parent.mmap(16n * P, { fd: mfd });
  return { v, clients, parent, fd, ioas, buffer, mfd, mfdBuffer };
}

async function vm(s: Sys): Promise<[bigint, bigint]> {
  const st = await s.status();
  return [st.pinned, st.locked];
}

describe.each(VARIANTS)('selftest fixture change_process, variant $name', (v) => {
  const mm = v.name === 'account_mm';
  const none = v.name === 'account_none';

  it('change_process.basic: EINVAL with an anonymous map; with a memfd map it works here and in a second process, which then owns the pins', async () => {
    const fx = await setup(v);
    const { parent, fd, ioas } = fx;
    // expect failure if non-file maps exist
    const anon = await parent.map(fd, ioas, fx.buffer, P);
    expect(anon).toBe(0x1000n);
    await expectKernelErrno(parent.changeProcess(fd), 'EINVAL');
    expect(await vm(parent)).toEqual([P, mm ? P : 0n]);
    expect(await parent.unmap(fd, ioas, anon, P)).toBe(P);
    expect(await vm(parent)).toEqual([0n, 0n]);

    // change process works in the current process
    const iova = await parent.mapFile(fd, ioas, fx.mfd, 0n, P);
    expect(iova).toBe(0x1000n);
    await parent.changeProcess(fd);
    expect(await vm(parent)).toEqual([P, mm ? P : 0n]);

    // and in another process of the same user holding the same iommufd
    const child = await t.spawn(fx.clients, 'child');
    const cfd = await parent.sendFd(fd, child);
    // the parent accounts for the pinned memory before
    expect(await vm(parent)).toEqual([P, mm ? P : 0n]);
    expect(await vm(child)).toEqual([0n, 0n]);
    await child.changeProcess(cfd);
    if (none) {
      // IOPT_PAGES_ACCOUNT_NONE: the charge is not moved, only the owner
      expect(await vm(parent)).toEqual([P, 0n]);
      expect(await vm(child)).toEqual([0n, 0n]);
    } else {
      // the child accounts for it after
      expect(await vm(parent)).toEqual([0n, 0n]);
      expect(await vm(child)).toEqual([P, mm ? P : 0n]);
    }
    // the pin itself never moved: the device still reads the memfd page
    await parent.write(fx.mfdBuffer + 0x80n, new TextEncoder().encode('memfd page'));
    const r = await t.hw.dma(BDF, iova + 0x80n, 10);
    expect(Buffer.from(r.data as Buffer).toString()).toBe('memfd page');
    // changing back to the parent works the same way (for NONE pages only the owner moves back)
    await parent.changeProcess(fd);
    expect(await vm(parent)).toEqual([P, mm ? P : 0n]);
    expect(await vm(child)).toEqual([0n, 0n]);
    // the unpin is taken from the current owner
    expect(await parent.unmap(fd, ioas, iova, P)).toBe(P);
    expect(await vm(parent)).toEqual([0n, 0n]);
    expect(await vm(child)).toEqual([0n, 0n]);
  });

  it('change_process.basic (§3.4): with IOPT_PAGES_ACCOUNT_NONE the unpin is taken from the new owner; accounted modes stay balanced', async () => {
    const fx = await setup(v);
    const { parent, fd, ioas } = fx;
    const iova = await parent.mapFile(fd, ioas, fx.mfd, 0n, 2n * P);
    const child = await t.spawn(fx.clients, 'child');
    const cfd = await parent.sendFd(fd, child);
    await child.changeProcess(cfd);
    expect(await parent.unmap(fd, ioas, iova, 2n * P)).toBe(2n * P);
    if (none) {
      // VmPin stays charged to the parent, and the child's counter goes below zero (/proc prints
      // it unsigned); both are the kernel's accounting for NONE pages after a change of owner
      expect(await vm(parent)).toEqual([2n * P, 0n]);
      expect(await vm(child)).toEqual([U64_MAX + 1n - 2n * P, 0n]);
    } else {
      expect(await vm(parent)).toEqual([0n, 0n]);
      expect(await vm(child)).toEqual([0n, 0n]);
    }
  });

  it('change_process.basic (§1.2): the new owner is charged first; a charge over its RLIMIT_MEMLOCK is ENOMEM and changes nothing', async () => {
    const fx = await setup(v);
    const { parent, fd, ioas } = fx;
    // 40 GiB of guest RAM (1 GiB pages) pinned by the parent; qemu's RLIMIT_MEMLOCK is 64 GiB
    const ram = await parent.memfd('guest-ram', 40n * GiB, MFD_HUGETLB | MFD_HUGE_1GB);
    const iova = await parent.mapFile(fd, ioas, ram, 0n, 40n * GiB, 40n * GiB);
    expect(await vm(parent)).toEqual([40n * GiB, mm ? 40n * GiB : 0n]);
    const child = await t.spawn(fx.clients, 'child');
    const cfd = await parent.sendFd(fd, child);
    if (none) {
      // root has no limit to exceed
      await child.changeProcess(cfd);
      expect(await vm(parent)).toEqual([40n * GiB, 0n]);
      expect(await vm(child)).toEqual([0n, 0n]);
      return;
    }
    let childRam: bigint | undefined;
    if (mm) {
      // per-mm accounting: the child has 30 GiB of its own locked; 30 + 40 > 64
      const cram = await child.memfd('child-ram', 30n * GiB, MFD_HUGETLB | MFD_HUGE_1GB);
      childRam = await child.mapFile(cfd, ioas, cram, 0n, 30n * GiB, 100n * GiB);
      expect(await vm(child)).toEqual([30n * GiB, 30n * GiB]);
    }
    // per-user accounting: the same user is charged 40 GiB more before the parent's 40 GiB are
    // uncharged, so 80 GiB > 64 GiB fails although the total would not change
    await expectKernelErrno(child.changeProcess(cfd), 'ENOMEM');
    expect(await vm(parent)).toEqual([40n * GiB, mm ? 40n * GiB : 0n]);
    expect(await vm(child)).toEqual(mm ? [30n * GiB, 30n * GiB] : [0n, 0n]);
    // the parent takes every pages object of the context: per user its own need no charge update;
    // per mm it would have to take the child's 30 GiB as well (40 + 30 > 64)
    if (mm) await expectKernelErrno(parent.changeProcess(fd), 'ENOMEM');
    else await parent.changeProcess(fd);
    expect(await vm(child)).toEqual(mm ? [30n * GiB, 30n * GiB] : [0n, 0n]);
    expect(await vm(parent)).toEqual([40n * GiB, mm ? 40n * GiB : 0n]);
    // make room, and it works
    if (mm) expect(await child.unmap(cfd, ioas, childRam!, 30n * GiB)).toBe(30n * GiB);
    else {
      expect(await parent.unmap(fd, ioas, iova, 40n * GiB)).toBe(40n * GiB);
      await parent.mapFile(fd, ioas, ram, 0n, 30n * GiB, 40n * GiB);
    }
    await child.changeProcess(cfd);
    const moved = mm ? 40n * GiB : 30n * GiB;
    expect(await vm(parent)).toEqual([0n, 0n]);
    expect(await vm(child)).toEqual([moved, mm ? moved : 0n]);
  });

  it('change_process.basic (§1.2): every IOAS of the context must hold only file maps', async () => {
    const fx = await setup(v);
    const { parent, fd, ioas } = fx;
    await parent.mapFile(fd, ioas, fx.mfd, 0n, P);
    // an anonymous map in a second IOAS (no domain: lazy, nothing pinned) still blocks the change
    const other = await parent.ioasAlloc(fd);
    expect(other).toBe(4);
    const anon = await parent.map(fd, other, fx.buffer, P);
    const child = await t.spawn(fx.clients, 'child');
    const cfd = await parent.sendFd(fd, child);
    await expectKernelErrno(child.changeProcess(cfd), 'EINVAL');
    expect(await vm(parent)).toEqual([P, mm ? P : 0n]);
    expect(await vm(child)).toEqual([0n, 0n]);
    expect(await parent.unmap(fd, other, anon, P)).toBe(P);
    // a copy of a file area into the other IOAS is still file-backed (shared iopt_pages, moved once)
    expect(await parent.copy(fd, other, ioas, P, 0x5000n, 0x1000n)).toBe(0x5000n);
    await child.changeProcess(cfd);
    expect(await vm(parent)).toEqual(none ? [P, 0n] : [0n, 0n]);
    expect(await vm(child)).toEqual(none ? [0n, 0n] : [P, mm ? P : 0n]);
  });
});
