/**
 * VFIO groups and the native type1 container over gRPC (intel-vtd-legacy: no iommufd, /dev/vfio/vfio
 * served by vfio_iommu_type1), and the group/cdev exclusion on intel-vtd (whose /dev/vfio/vfio is
 * iommufd's compatibility layer). Each test is titled by the kernel function whose behaviour it
 * checks (drivers/vfio/group.c, container.c, vfio_iommu_type1.c, device_cdev.c).
 *
 * Geometry: dmar0 is 39-bit with 4 KiB and 2 MiB pages; every device sees the MSI window
 * [0xfee00000, 0xfeefffff]. NIC 0000:01:00.0 is group 1, NVMe 0000:02:00.0 group 2, the GPU
 * 0000:03:00.0 (BAR0 16 MiB) group 3.
 */
import { describe, expect, it } from 'vitest';
import { expectErrno, MAP_SHARED, PAGE, useTestHost, VfioLegacy } from './harness.js';

const NIC = '0000:01:00.0';
const GPU = '0000:03:00.0';
const TYPE1 = 1;
const TYPE1v2 = 3;
const DMA_CC = 4;
const UNMAP_ALL_EXT = 9;
const UPDATE_VADDR = 10;
const MAP_READ = 1;
const UNMAP_FLAG_GET_DIRTY_BITMAP = 1;
const UNMAP_FLAG_ALL = 2;
const DIRTY_START = 1;
const DIRTY_STOP = 2;
const DIRTY_GET_BITMAP = 4;
const VIABLE = 1;
const CONTAINER_SET = 2;
const PROT_READ = 1;

function fill(n: number, byte: number): Uint8Array {
  return new Uint8Array(n).fill(byte);
}

describe('native type1 container and groups (intel-vtd-legacy)', () => {
  const t = useTestHost('intel-vtd-legacy', { checkTeardown: true });

  /** A root process with the container open, group 1 set on it and TYPE1v2 (or `type`) set. */
  async function setup(type = TYPE1v2, groups = [1]) {
    const sys = await t.spawn(t.root, 'qemu-legacy');
    const v = new VfioLegacy(sys);
    const container = await sys.open('/dev/vfio/vfio');
    const gfds: number[] = [];
    for (const g of groups) {
      const gfd = await sys.open(`/dev/vfio/${g}`);
      await v.setContainer(gfd, container);
      gfds.push(gfd);
    }
    await v.setIommu(container, type);
    return { sys, v, container, group: gfds[0]!, gfds };
  }

  it('the VMM path: container + group, SET_CONTAINER, SET_IOMMU TYPE1v2, MAP_DMA of an mmap\'d memfd, GET_DEVICE_FD, device DMA through the container\'s domain', async () => {
    const sys = await t.spawn(t.root, 'qemu-legacy');
    const v = new VfioLegacy(sys);
    const container = await sys.open('/dev/vfio/vfio');
    expect(await sys.raw<{ version: number }>('Vfio', 'ContainerGetApiVersion', { container_fd: container })).toEqual({ version: 0 });
    // vfio_container_ioctl_check_extension without a driver: type1 polled with no container
    expect([await v.ext(container, TYPE1), await v.ext(container, TYPE1v2), await v.ext(container, UNMAP_ALL_EXT)]).toEqual([true, true, true]);
    // the profile's kernel is 5.15: UPDATE_VADDR was offered unconditionally before 6.3, NESTING before 6.13
    expect([await v.ext(container, DMA_CC), await v.ext(container, UPDATE_VADDR), await v.ext(container, 6)]).toEqual([false, true, true]);
    const group = await sys.open('/dev/vfio/1');
    expect(await v.status(group)).toBe(VIABLE);
    await v.setContainer(group, container);
    expect(await v.status(group)).toBe(VIABLE | CONTAINER_SET);
    await v.setIommu(container, TYPE1v2);
    expect([await v.ext(container, DMA_CC), await v.ext(container, UPDATE_VADDR)]).toEqual([true, true]);
    const info = await v.info(container);
    expect(info).toEqual({
      flags: 3,
      pgsizes: 0x1000n | 0x200000n,
      ranges: [
        { start: 0n, last: 0xfedfffffn },
        { start: 0xfef00000n, last: (1n << 39n) - 1n },
      ],
      avail: 65535,
    });
    // guest RAM: a memfd mapped into the process, mapped into the container at IOVA 1 MiB
    const memfd = await sys.memfd('guest-ram', 0x10000n);
    const va = await sys.mmap(0x10000n, { fd: memfd });
    await sys.write(va + 0x2000n, new TextEncoder().encode('legacy type1 DMA'));
    await v.map(container, va, 0x100000n, 0x10000n);
    expect((await v.info(container)).avail).toBe(65534);
    expect((await sys.status()).locked).toBe(0x10000n);
    // the container's vfio_domain: dmar0's second-stage table, 16 pinned pages
    const seen = await t.hw.inspect({ host: true });
    expect(seen.pinned!.pages).toBe('16');
    expect(seen.page_tables.map((p) => [p.unit, p.hwpt_id])).toEqual([['dmar0', 0]]);
    const byDev = await t.hw.inspect({ bdf: NIC });
    expect(byDev.page_tables.map((p) => p.format)).toEqual([seen.page_tables[0]!.format]);
    const dev = await v.deviceFd(group, NIC);
    const kinds = new Map((await sys.status()).fds.map((f) => [f.fd, f.kind]));
    expect([kinds.get(container), kinds.get(group), kinds.get(dev)]).toEqual(['FD_KIND_VFIO_CONTAINER', 'FD_KIND_VFIO_GROUP', 'FD_KIND_VFIO_DEVICE']);
    const info2 = await sys.raw<{ flags: number }>('Vfio', 'DeviceGetInfo', { device_fd: dev });
    expect(info2.flags & (1 << 9)).toBe(0); // no VFIO_DEVICE_FLAGS_CDEV on a group-opened fd
    const r = await t.hw.dma(NIC, 0x102000n, 16);
    expect(r.result).toBe('data');
    expect(Buffer.from(r.data!).toString()).toBe('legacy type1 DMA');
    const w = await t.hw.dma(NIC, 0x10fff8n, 8, { write: fill(8, 0xab) });
    expect(w.result).toBe('written');
    expect([...(await sys.read(va + 0xfff8n, 8))]).toEqual(new Array(8).fill(0xab));
    // unmapped IOVA faults; the domain's table is what Inspect shows for the unit
    const f = await t.hw.dma(NIC, 0x200000n, 8);
    expect(f.result).toBe('fault');
    expect(f.fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    expect(await v.unmap(container, 0x100000n, 0x10000n)).toEqual({ size: 0x10000n, bitmap: Buffer.alloc(0) });
    expect((await sys.status()).locked).toBe(0n);
    expect((await v.info(container)).avail).toBe(65535);
    const g = await t.hw.dma(NIC, 0x102000n, 8);
    expect(g.fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    await sys.close(dev);
    await sys.close(group);
    // the last group left: the container has no IOMMU any more (container.c passthrough: EINVAL)
    await expectErrno(v.info(container), 'EINVAL');
  });

  it('vfio_group_fops_open / GET_DEVICE_FD / SET_IOMMU ordering: single open (EBUSY), node permissions (EACCES), GET_DEVICE_FD before SET_IOMMU (EINVAL), SET_IOMMU without a group (EINVAL) or of an unoffered type (ENODEV)', async () => {
    const sys = await t.spawn(t.root, 'order');
    const v = new VfioLegacy(sys);
    const container = await sys.open('/dev/vfio/vfio');
    await expectErrno(v.setIommu(container, TYPE1v2), 'EINVAL');
    await expectErrno(v.info(container), 'EINVAL');
    await expectErrno(v.map(container, 0x1000n, 0n, PAGE), 'EINVAL');
    const group = await sys.open('/dev/vfio/1');
    await expectErrno(sys.open('/dev/vfio/1'), 'EBUSY');
    const q = await t.spawn(t.qemu, 'unprivileged');
    await expectErrno(q.open('/dev/vfio/2'), 'EACCES');
    expect(await q.open('/dev/vfio/vfio')).toBeGreaterThan(0); // 0666
    await expectErrno(v.deviceFd(group, NIC), 'EINVAL'); // no container
    await expectErrno(sys.raw('Vfio', 'GroupUnsetContainer', { group_fd: group }), 'EINVAL');
    const memfd = await sys.memfd('x', PAGE);
    await expectErrno(v.setContainer(group, memfd), 'EBADFD');
    await expectErrno(v.setContainer(group, 999), 'EBADF');
    await v.setContainer(group, container);
    await expectErrno(v.setContainer(group, container), 'EINVAL');
    await expectErrno(v.deviceFd(group, NIC), 'EINVAL'); // vfio_group_use_container: no IOMMU driver
    await expectErrno(v.deviceFd(group, GPU), 'ENODEV'); // not in this group
    await expectErrno(v.setIommu(container, DMA_CC), 'ENODEV');
    await expectErrno(v.setIommu(container, 6), 'ENODEV'); // NESTING: legacy-mode dmar0 cannot nest
    await expectErrno(v.setIommu(container, UNMAP_ALL_EXT), 'EINVAL'); // offered, but type1's open refuses it
    await v.setIommu(container, TYPE1);
    await expectErrno(v.setIommu(container, TYPE1v2), 'EINVAL');
    const dev = await v.deviceFd(group, NIC);
    await expectErrno(v.unsetContainer(group), 'EBUSY'); // container_users != 1
    // a second fd of the same device is allowed on the group path
    const dev2 = await v.deviceFd(group, NIC);
    await sys.close(dev);
    await sys.close(dev2);
    await v.unsetContainer(group);
    expect(await v.status(group)).toBe(VIABLE);
    await expectErrno(v.info(container), 'EINVAL');
  });

  it('vfio_dma_do_map: alignment (EINVAL), overlap (EEXIST), the reserved MSI window (EINVAL), an unmapped or read-only source (EFAULT), dma_avail counting', async () => {
    const { sys, v, container } = await setup();
    const va = await sys.mmap(0x4000n);
    await expectErrno(v.map(container, va, 0x1000n, 0x1800n), 'EINVAL');
    await expectErrno(v.map(container, va + 0x800n, 0x1000n, 0x1000n), 'EINVAL');
    await expectErrno(v.map(container, va, 0x1000n, 0n), 'EINVAL');
    await expectErrno(v.map(container, va, 0x1000n, 0x1000n, 0), 'EINVAL'); // neither READ nor WRITE
    await expectErrno(v.map(container, va, 0x1000n, 0x1000n, 8), 'EINVAL'); // unknown flag
    await v.map(container, va, 0x10000n, 0x2000n);
    await expectErrno(v.map(container, va + 0x2000n, 0x11000n, 0x2000n), 'EEXIST');
    await expectErrno(v.map(container, va, 0xfee00000n, 0x1000n), 'EINVAL');
    await expectErrno(v.map(container, 0x1000n, 0x40000n, 0x1000n), 'EFAULT');
    const ro = await sys.mmap(0x1000n, { prot: PROT_READ });
    await expectErrno(v.map(container, ro, 0x40000n, 0x1000n), 'EFAULT');
    await v.map(container, ro, 0x40000n, 0x1000n, MAP_READ);
    expect((await v.info(container)).avail).toBe(65533);
    // the same page mapped twice is accounted twice (type1 does not dedup)
    await v.map(container, va, 0x50000n, 0x1000n);
    expect((await sys.status()).locked).toBe(0x4000n);
    expect((await sys.status()).pinned).toBe(0n); // type1 accounts locked_vm only
    expect((await v.unmap(container, 0n, 0n, UNMAP_FLAG_ALL)).size).toBe(0x4000n);
    expect((await sys.status()).locked).toBe(0n);
  });

  it('vfio_dma_do_unmap v2: whole mappings only (EINVAL when the range bisects one), empty range is a zero-size success, UNMAP_ALL needs iova = size = 0', async () => {
    const { sys, v, container } = await setup(TYPE1v2);
    const va = await sys.mmap(0x8000n);
    await v.map(container, va, 0x100000n, 0x4000n);
    await v.map(container, va + 0x4000n, 0x104000n, 0x4000n);
    await expectErrno(v.unmap(container, 0x101000n, 0x1000n), 'EINVAL');
    await expectErrno(v.unmap(container, 0x100000n, 0x5000n), 'EINVAL');
    expect((await v.unmap(container, 0x200000n, 0x1000n)).size).toBe(0n);
    await expectErrno(v.unmap(container, 0x100000n, 0x1000n, UNMAP_FLAG_ALL), 'EINVAL');
    await expectErrno(v.unmap(container, 0x100800n, 0x1000n), 'EINVAL'); // unaligned
    expect((await v.unmap(container, 0x100000n, 0x8000n)).size).toBe(0x8000n);
  });

  it('vfio_dma_do_unmap v1: a range starting inside a mapping unmaps nothing; one covering its first page unmaps the whole mapping', async () => {
    const { sys, v, container } = await setup(TYPE1);
    const va = await sys.mmap(0x8000n);
    await v.map(container, va, 0x100000n, 0x4000n);
    await v.map(container, va + 0x4000n, 0x104000n, 0x4000n);
    await expectErrno(v.dirty(container, DIRTY_START), 'EACCES'); // dirty tracking is v2 only
    expect((await v.unmap(container, 0x101000n, 0x1000n)).size).toBe(0n);
    expect((await t.hw.dma(NIC, 0x101000n, 8)).result).toBe('data');
    // covers the first page of the second mapping only: all 16 KiB of it go
    expect((await v.unmap(container, 0x104000n, 0x1000n)).size).toBe(0x4000n);
    expect((await t.hw.dma(NIC, 0x107000n, 8)).fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    expect((await v.unmap(container, 0n, 0n, UNMAP_FLAG_ALL)).size).toBe(0x4000n);
  });

  it('vfio_iommu_type1_dirty_pages: START/STOP/GET_BITMAP (every mapped page dirty while tracking: no pinned-page scope), one flag at a time, the smallest page size only; UNMAP with GET_DIRTY_BITMAP', async () => {
    const { sys, v, container } = await setup();
    const va = await sys.mmap(0x10000n);
    await v.map(container, va, 0x100000n, 0x2000n);
    await v.map(container, va + 0x4000n, 0x104000n, 0x1000n);
    await expectErrno(v.dirty(container, DIRTY_GET_BITMAP, 0x100000n, 0x8000n, PAGE), 'EINVAL'); // not started
    await expectErrno(v.dirty(container, 0), 'EINVAL');
    await expectErrno(v.dirty(container, DIRTY_START | DIRTY_STOP), 'EINVAL');
    await expectErrno(v.unmap(container, 0x100000n, 0x2000n, UNMAP_FLAG_GET_DIRTY_BITMAP, PAGE), 'EINVAL');
    expect((await v.dirty(container, DIRTY_START)).length).toBe(0);
    // pages 0-1 and 4 of the 8-page range are mapped
    expect([...(await v.dirty(container, DIRTY_GET_BITMAP, 0x100000n, 0x8000n, PAGE))]).toEqual([0b10011, 0, 0, 0, 0, 0, 0, 0]);
    // reported dirty again (no pinned-page scope: all mapped pages every time)
    expect([...(await v.dirty(container, DIRTY_GET_BITMAP, 0x100000n, 0x8000n, PAGE))]).toEqual([0b10011, 0, 0, 0, 0, 0, 0, 0]);
    await expectErrno(v.dirty(container, DIRTY_GET_BITMAP, 0x100000n, 0x8000n, 0x200000n), 'EINVAL');
    await expectErrno(v.dirty(container, DIRTY_GET_BITMAP, 0x101000n, 0x1000n, PAGE), 'EINVAL'); // inside a mapping
    await expectErrno(v.unmap(container, 0x100000n, 0x2000n, UNMAP_FLAG_GET_DIRTY_BITMAP | UNMAP_FLAG_ALL, PAGE), 'EINVAL');
    const u = await v.unmap(container, 0x100000n, 0x2000n, UNMAP_FLAG_GET_DIRTY_BITMAP, PAGE);
    expect(u.size).toBe(0x2000n);
    expect([...u.bitmap]).toEqual([0b11, 0, 0, 0, 0, 0, 0, 0]);
    expect((await v.dirty(container, DIRTY_STOP)).length).toBe(0);
    await expectErrno(v.dirty(container, DIRTY_GET_BITMAP, 0x104000n, 0x1000n, PAGE), 'EINVAL');
    await v.unmap(container, 0n, 0n, UNMAP_FLAG_ALL);
  });

  it('vfio_pin_map_dma of a PFNMAP VMA: another device\'s BAR mmap\'d through its device fd maps without pinning, and a DMA of the NIC lands in the GPU\'s BAR (peer to peer)', async () => {
    const { sys, v, container, gfds } = await setup(TYPE1v2, [1, 3]);
    const gpu = await v.deviceFd(gfds[1]!, GPU);
    const bar = await sys.mmap(0x10000n, { fd: gpu, flags: MAP_SHARED, offset: 0n }); // BAR0 region
    await v.map(container, bar, 0x8000000n, 0x10000n);
    expect((await sys.status()).locked).toBe(0n);
    await v.deviceFd(gfds[0]!, NIC);
    const w = await t.hw.dma(NIC, 0x8000100n, 8, { write: new TextEncoder().encode('peer2pee') });
    expect(w.result).toBe('written');
    expect((await sys.read(bar + 0x100n, 8)).toString()).toBe('peer2pee');
    const r = await t.hw.dma(NIC, 0x8000100n, 8);
    expect(Buffer.from(r.data!).toString()).toBe('peer2pee');
    await v.unmap(container, 0n, 0n, UNMAP_FLAG_ALL);
  });

  it('iommu_group_claim_dma_owner: a container-owned group keeps host drivers out (EBUSY); closing the group file releases the container', async () => {
    const { sys, v, container, group } = await setup();
    await expectErrno(sys.raw('Platform', 'SetDriver', { bdf: NIC, driver: 'host' }), 'EBUSY');
    const va = await sys.mmap(PAGE);
    await v.map(container, va, 0x1000n, PAGE);
    await sys.close(group);
    await expectErrno(v.info(container), 'EINVAL');
    expect((await sys.status()).locked).toBe(0n);
    expect((await t.hw.dma(NIC, 0x1000n, 8)).fault!.reason).toBe('DMA_FAULT_REASON_BLOCKED');
  });
});

describe('the same VMM sequence on iommufd\'s compatibility layer (intel-vtd)', () => {
  const t = useTestHost('intel-vtd');

  it('vfio_group_ioctl_set_container with an iommufd: /dev/vfio/vfio is an iommufd, the device is bound at GET_DEVICE_FD, DMA goes through the compat IOAS; DIRTY_PAGES is ENOTTY and a BAR VA is EFAULT', async () => {
    const sys = await t.spawn(t.root, 'qemu-compat');
    const v = new VfioLegacy(sys);
    const container = await sys.open('/dev/vfio/vfio');
    const group = await sys.open('/dev/vfio/1');
    const g3 = await sys.open('/dev/vfio/3');
    expect(await v.status(group)).toBe(VIABLE);
    await v.setContainer(group, container);
    await v.setContainer(g3, container);
    expect(await v.status(group)).toBe(VIABLE | CONTAINER_SET);
    await v.setIommu(container, TYPE1v2);
    const memfd = await sys.memfd('guest-ram', 0x10000n);
    const va = await sys.mmap(0x10000n, { fd: memfd });
    await sys.write(va, new TextEncoder().encode('compat layer'));
    await v.map(container, va, 0x100000n, 0x10000n);
    const dev = await v.deviceFd(group, NIC);
    const r = await t.hw.dma(NIC, 0x100000n, 12);
    expect(Buffer.from(r.data!).toString()).toBe('compat layer');
    const kinds = new Map((await sys.status()).fds.map((f) => [f.fd, f.kind]));
    expect(kinds.get(container)).toBe('FD_KIND_IOMMUFD');
    // root has CAP_IPC_LOCK: IOPT_PAGES_ACCOUNT_NONE, no VmLck (type1's vfio_lock_acct counts it regardless)
    expect((await sys.status()).locked).toBe(0n);
    await expectErrno(v.dirty(container, DIRTY_START), 'ENOTTY');
    const gpu = await v.deviceFd(g3, GPU);
    const bar = await sys.mmap(0x1000n, { fd: gpu, flags: MAP_SHARED, offset: 0n });
    await expectErrno(v.map(container, bar, 0x8000000n, 0x1000n), 'EFAULT');
    await sys.close(dev);
  });
});

describe('group vs cdev exclusion (intel-vtd)', () => {
  const t = useTestHost('intel-vtd');

  it('vfio_device_block_group: a group open through /dev/vfio/<group> makes the cdev bind EBUSY, and a bound cdev makes the group open EBUSY', async () => {
    const sys = await t.spawn(t.root, 'excl');
    const iommufd = await sys.open('/dev/iommu');
    const group = await sys.open('/dev/vfio/1');
    const cdev = await sys.open('/dev/vfio/devices/vfio0');
    await expectErrno(sys.bind(cdev, iommufd), 'EBUSY');
    await sys.close(group);
    await sys.bind(cdev, iommufd);
    await expectErrno(sys.open('/dev/vfio/1'), 'EBUSY');
  });
});
