/**
 * The legacy VFIO path (groups + the /dev/vfio/vfio container) on both kinds of host, each
 * expectation taken from the kernel sources, not from the twin's code:
 *
 * - native type1: `intel-vtd-legacy` (kernel.nativeType1) — drivers/vfio/container.c,
 *   drivers/vfio/vfio_iommu_type1.c (v5.15 as the profile's kernel says, cross-checked with
 *   mainline where the two differ), drivers/vfio/group.c;
 * - iommufd's compatibility layer: `intel-vtd` (kernel.vfioCompatContainer) —
 *   drivers/iommu/iommufd/vfio_compat.c, io_pagetable.c, drivers/vfio/group.c,
 *   drivers/vfio/iommufd.c, drivers/vfio/device_cdev.c.
 *
 * The same call sequences run on both hosts; where the kernels answer differently, each test
 * names both answers and the function that gives them. ENOIOCTLCMD (vfio_compat.c's default
 * case) reaches user space as ENOTTY.
 *
 * Devices (same BDFs and groups on both profiles): 0000:01:00.0 NIC (group 1), 0000:02:00.0
 * NVMe (group 2), 0000:03:00.0 GPU (group 3, BAR1 256 MiB, the P2P target). On intel-vtd also
 * group 4 (two functions) and group 6 (0000:06:00.0 with a host-bound sibling: not viable).
 *
 * Accounting: a non-root process (qemu: no CAP_IPC_LOCK) gets the group fd from root by SendFd,
 * as libvirt hands it to QEMU. Region offsets of a VFIO PCI device fd are index << 40.
 */
import { describe, expect, it } from 'vitest';
import { expectErrno, PAGE, useTestHost, VfioLegacy, type HostFixture } from './harness.js';

const NATIVE = 'intel-vtd-legacy';
const COMPAT = 'intel-vtd';

const NIC = '0000:01:00.0';
const NVME = '0000:02:00.0';
const GPU = '0000:03:00.0';

// include/uapi/linux/vfio.h
const VFIO_TYPE1_IOMMU = 1;
const VFIO_SPAPR_TCE_IOMMU = 2;
const VFIO_TYPE1v2_IOMMU = 3;
const VFIO_DMA_CC_IOMMU = 4;
const VFIO_NOIOMMU_IOMMU = 8;
const VFIO_UNMAP_ALL = 9;
const VFIO_UPDATE_VADDR = 10;
const MAP_READ = 1;
const MAP_WRITE = 2;
const MAP_VADDR = 4;
const MAP_RW = MAP_READ | MAP_WRITE;
const UNMAP_GET_DIRTY_BITMAP = 1;
const UNMAP_ALL = 2;
const UNMAP_VADDR = 4;
const DIRTY_START = 1;
const DIRTY_STOP = 2;
const DIRTY_GET_BITMAP = 4;
const GROUP_VIABLE = 1;
const GROUP_CONTAINER_SET = 2;
const INFO_PGSIZES = 1;
const INFO_CAPS = 2;
const DEVICE_FLAGS_PCI = 1 << 1;
const DEVICE_FLAGS_CDEV = 1 << 9;
const U16_MAX = 65535;
const U32_MAX = 0xffffffff;
const BAR1 = 1n << 40n; // VFIO_PCI_BAR1_REGION_INDEX << VFIO_PCI_OFFSET_SHIFT
const MSI_START = 0xfee00000n;

/** The legacy-path ioctls of one process (the harness's VfioLegacy), and memory to map. */
class Legacy extends VfioLegacy {
  /** Anonymous RW memory filled with `byte` (page i holds byte + i). */
  async ram(pages: number, byte: number): Promise<bigint> {
    const va = await this.sys.mmap(BigInt(pages) * PAGE);
    for (let i = 0; i < pages; i++) await this.sys.write(va + BigInt(i) * PAGE, new Uint8Array(4096).fill((byte + i) & 0xff));
    return va;
  }
}

/** LE u64 words of a bitmap, as the uAPI's `__u64 *data` holds it. */
function words(...ws: bigint[]): Buffer {
  const b = Buffer.alloc(8 * ws.length);
  ws.forEach((w, i) => b.writeBigUInt64LE(w, 8 * i));
  return b;
}

/** A root process with /dev/vfio/vfio and group `group` open. */
async function open(t: HostFixture, group = 1): Promise<{ v: Legacy; c: number; g: number }> {
  const v = new Legacy(await t.spawn(t.root, 'vmm'));
  const c = await v.sys.open('/dev/vfio/vfio');
  const g = await v.sys.open(`/dev/vfio/${group}`);
  return { v, c, g };
}

/** open() + SET_CONTAINER + SET_IOMMU(type). */
async function ready(t: HostFixture, type: number, group = 1): Promise<{ v: Legacy; c: number; g: number }> {
  const r = await open(t, group);
  await r.v.setContainer(r.g, r.c);
  await r.v.setIommu(r.c, type);
  return r;
}

async function reads(t: HostFixture, bdf: string, iova: bigint, want: Uint8Array): Promise<void> {
  const r = await t.hw.dma(bdf, iova, want.length);
  expect(r.result, r.fault ? `fault ${r.fault.reason} at ${r.fault.addr}` : undefined).toBe('data');
  expect(Buffer.from(r.data!).equals(Buffer.from(want))).toBe(true);
}
async function faults(t: HostFixture, bdf: string, iova: bigint): Promise<void> {
  const r = await t.hw.dma(bdf, iova, 8);
  expect(r.result).toBe('fault');
}
const fill = (n: number, byte: number) => new Uint8Array(n).fill(byte);

async function unitPageSizes(t: HostFixture, bdf: string): Promise<bigint> {
  const d = await t.hw.describe();
  const unit = d.devices.find((x) => x.bdf === bdf)!.unit;
  return BigInt(d.units.find((u) => u.name === unit)!.page_sizes as string);
}

// =================================================================================================
// Both hosts: what the group file and the container answer alike
// =================================================================================================
for (const profile of [NATIVE, COMPAT]) {
  describe(`groups and container, same answer on both kernels (${profile})`, () => {
    const t = useTestHost(profile, { checkTeardown: true });

    it('Describe: native_type1 / vfio_compat_container as the profile says', async () => {
      const k = (await t.hw.describe()).kernel_features!;
      expect([k.native_type1, k.vfio_compat_container, k.iommufd]).toEqual(profile === NATIVE ? [true, false, false] : [false, true, true]);
    });

    it('vfio_group_fops_open: one open file per group (EBUSY for a second open, from any process); released on close', async () => {
      const { v, g } = await open(t);
      await expectErrno(v.sys.open('/dev/vfio/1'), 'EBUSY');
      const other = await t.spawn(t.root, 'other');
      await expectErrno(other.open('/dev/vfio/1'), 'EBUSY');
      // another group is another file
      await other.open('/dev/vfio/2');
      await v.sys.close(g);
      await other.open('/dev/vfio/1');
    });

    it('/dev/vfio/<group> is root:root 0600 (EACCES for qemu), /dev/vfio/vfio 0666; no node for a group that does not exist (ENOENT)', async () => {
      const q = await t.spawn(t.qemu, 'qemu');
      await expectErrno(q.open('/dev/vfio/1'), 'EACCES');
      await q.open('/dev/vfio/vfio');
      const r = await t.spawn(t.root, 'root');
      await expectErrno(r.open('/dev/vfio/99'), 'ENOENT');
    });

    it('VFIO_GROUP_GET_STATUS: VIABLE, then CONTAINER_SET|VIABLE after SET_CONTAINER, VIABLE again after UNSET_CONTAINER (vfio_group_ioctl_get_status)', async () => {
      const { v, c, g } = await open(t);
      expect(await v.status(g)).toBe(GROUP_VIABLE);
      await v.setContainer(g, c);
      expect(await v.status(g)).toBe(GROUP_VIABLE | GROUP_CONTAINER_SET);
      await v.unsetContainer(g);
      expect(await v.status(g)).toBe(GROUP_VIABLE);
    });

    it('vfio_group_ioctl_set_container / unset_container: a second SET_CONTAINER → EINVAL (vfio_group_has_iommu), UNSET without a container → EINVAL', async () => {
      const { v, c, g } = await open(t);
      await expectErrno(v.unsetContainer(g), 'EINVAL');
      await v.setContainer(g, c);
      await expectErrno(v.setContainer(g, c), 'EINVAL');
      const c2 = await v.sys.open('/dev/vfio/vfio');
      await expectErrno(v.setContainer(g, c2), 'EINVAL');
    });

    it('vfio_df_group_open: GROUP_GET_DEVICE_FD before SET_CONTAINER → EINVAL (!vfio_group_has_iommu)', async () => {
      const { v, g } = await open(t);
      await expectErrno(v.deviceFd(g, NIC), 'EINVAL');
    });

    it('vfio_device_get_from_name: GET_DEVICE_FD of a name not in the group → ENODEV (unknown name, or a device of another group)', async () => {
      const { v, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await expectErrno(v.deviceFd(g, '0000:7f:00.0'), 'ENODEV');
      await expectErrno(v.deviceFd(g, GPU), 'ENODEV');
      await v.deviceFd(g, NIC);
    });

    it('VFIO_GET_API_VERSION = VFIO_API_VERSION (0), before and after SET_IOMMU', async () => {
      const { v, c, g } = await open(t);
      expect(await v.apiVersion(c)).toBe(0);
      await v.setContainer(g, c);
      await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
      expect(await v.apiVersion(c)).toBe(0);
    });

    it('VFIO_CHECK_EXTENSION on a fresh container: TYPE1, TYPE1v2, UNMAP_ALL yes; SPAPR_TCE, NOIOMMU no (vfio_iommu_type1_check_extension / iommufd_vfio_check_extension)', async () => {
      const { v, c } = await open(t);
      expect(await v.ext(c, VFIO_TYPE1_IOMMU)).toBe(true);
      expect(await v.ext(c, VFIO_TYPE1v2_IOMMU)).toBe(true);
      expect(await v.ext(c, VFIO_UNMAP_ALL)).toBe(true);
      expect(await v.ext(c, VFIO_SPAPR_TCE_IOMMU)).toBe(false);
      expect(await v.ext(c, VFIO_NOIOMMU_IOMMU)).toBe(false);
    });

    it('the device fd a group hands out: DEVICE_GET_INFO has PCI and no CDEV flag (vfio_pci_ioctl_get_info sets CDEV only for cdev-opened devices)', async () => {
      const { v, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      const d = await v.deviceFd(g, NIC);
      const info = await v.sys.raw<{ flags: number; num_regions: number }>('Vfio', 'DeviceGetInfo', { device_fd: d });
      expect(info.flags & DEVICE_FLAGS_PCI).toBe(DEVICE_FLAGS_PCI);
      expect(info.flags & DEVICE_FLAGS_CDEV).toBe(0);
    });

    it('MAP_DMA then device DMA through the container: the device reads what the process wrote and its writes land in the process memory', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      const va = await v.ram(2, 0x41);
      await v.map(c, va, 0x100000n, 2n * PAGE);
      await v.deviceFd(g, NIC);
      await reads(t, NIC, 0x100000n, fill(64, 0x41));
      await reads(t, NIC, 0x101000n, fill(64, 0x42));
      const w = await t.hw.dma(NIC, 0x101010n, 5, { write: new TextEncoder().encode('hello') });
      expect(w.result).toBe('written');
      expect((await v.sys.read(va + PAGE + 0x10n, 5)).toString()).toBe('hello');
      // a DMA outside the mapping faults
      await faults(t, NIC, 0x102000n);
    });

    it('MAP_DMA: overlapping an existing mapping → EEXIST (vfio_dma_do_map / iopt_check_iova); size or IOVA not page aligned → EINVAL', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC);
      const va = await v.ram(4, 1);
      await v.map(c, va, 0x400000n, 2n * PAGE);
      await expectErrno(v.map(c, va, 0x401000n, 2n * PAGE), 'EEXIST');
      await expectErrno(v.map(c, va, 0x3ff000n, 2n * PAGE), 'EEXIST');
      await expectErrno(v.map(c, va, 0x500000n, PAGE + 1n), 'EINVAL');
      await expectErrno(v.map(c, va, 0x500800n, PAGE), 'EINVAL');
    });

    it('MAP_DMA into the MSI window (a reserved region) or past the IOMMU aperture → EINVAL (vfio_iommu_iova_dma_valid / iopt_check_iova on the reserved tree)', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC); // compat: reserved regions enter the IOAS on attach
      const va = await v.ram(1, 1);
      await expectErrno(v.map(c, va, MSI_START, PAGE), 'EINVAL');
      await expectErrno(v.map(c, va, 0xfeeff000n, PAGE), 'EINVAL');
      const bits = profile === NATIVE ? 39n : 48n; // dmar0's input width on each profile
      await expectErrno(v.map(c, va, 1n << bits, PAGE), 'EINVAL');
      await v.map(c, va, (1n << bits) - PAGE, PAGE);
    });

    it('MAP_DMA with READ only: the device reads, its writes fault (IOMMU_READ without IOMMU_WRITE)', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC);
      const va = await v.ram(1, 0x2b);
      await v.map(c, va, 0x100000n, PAGE, MAP_READ);
      await reads(t, NIC, 0x100000n, fill(8, 0x2b));
      const w = await t.hw.dma(NIC, 0x100000n, 4, { write: fill(4, 0xee) });
      expect(w.result).toBe('fault');
      expect([...(await v.sys.read(va, 4))]).toEqual([0x2b, 0x2b, 0x2b, 0x2b]);
    });

    it('MAP_DMA of a VA range with nothing mapped behind it → EFAULT (pinning fails), and nothing stays mapped', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC); // compat: a domain exists, so MAP pins at once
      const va = await v.ram(2, 0x31);
      await v.sys.munmap(va + PAGE, PAGE);
      await expectErrno(v.map(c, va, 0x100000n, 2n * PAGE), 'EFAULT');
      await faults(t, NIC, 0x100000n);
      const info = await v.info(c);
      expect(info.avail).toBe(profile === NATIVE ? U16_MAX : U32_MAX); // type1: vfio_remove_dma gives the entry back
      await v.map(c, va, 0x100000n, PAGE);
      await reads(t, NIC, 0x100000n, fill(8, 0x31));
    });

    it('VFIO_DMA_MAP_FLAG_VADDR together with READ/WRITE → EINVAL (type1: "(prot && set_vaddr)"; compat: flag not supported)', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC);
      const va = await v.ram(1, 1);
      await expectErrno(v.map(c, va, 0x100000n, PAGE, MAP_RW | MAP_VADDR), 'EINVAL');
    });

    it('VFIO_DMA_UNMAP_FLAG_ALL: non-zero iova or size → EINVAL; 0/0 unmaps every mapping and returns the total size', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC);
      const va = await v.ram(6, 7);
      await v.map(c, va, 0x100000n, 4n * PAGE);
      await v.map(c, va + 4n * PAGE, 0x800000n, 2n * PAGE);
      await expectErrno(v.unmap(c, 0x100000n, 0n, UNMAP_ALL), 'EINVAL');
      await expectErrno(v.unmap(c, 0n, 4n * PAGE, UNMAP_ALL), 'EINVAL');
      await reads(t, NIC, 0x100000n, fill(8, 7));
      expect((await v.unmap(c, 0n, 0n, UNMAP_ALL)).size).toBe(6n * PAGE);
      await faults(t, NIC, 0x100000n);
      await faults(t, NIC, 0x800000n);
      // nothing left: ALL again is a success of size 0
      expect((await v.unmap(c, 0n, 0n, UNMAP_ALL)).size).toBe(0n);
    });

    it('TYPE1v2 UNMAP_DMA of a range holding no mapping: success, size 0; of ranges covering whole mappings: their total', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC);
      const va = await v.ram(6, 3);
      expect((await v.unmap(c, 0x300000n, PAGE)).size).toBe(0n);
      await v.map(c, va, 0x200000n, 4n * PAGE);
      await v.map(c, va + 4n * PAGE, 0x204000n, 2n * PAGE);
      // one call across both, with margins that hold nothing
      expect((await v.unmap(c, 0x1ff000n, 8n * PAGE)).size).toBe(6n * PAGE);
      await faults(t, NIC, 0x200000n);
      await faults(t, NIC, 0x205000n);
    });

    it('closing every fd of the process releases the container: pins, domains and page tables gone (checked by the teardown)', async () => {
      const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
      await v.deviceFd(g, NIC);
      const va = await v.ram(8, 9);
      await v.map(c, va, 0x100000n, 8n * PAGE);
      await reads(t, NIC, 0x100000n, fill(8, 9));
      await v.sys.exit();
      const host = await t.hw.inspect({ host: true });
      expect(host.pinned!.pages).toBe('0');
      expect(host.page_tables).toEqual([]);
    });
  });
}

// =================================================================================================
// Where the two kernels differ: the same call sequence, each kernel's answer
// =================================================================================================
describe(`native type1 container (${NATIVE}): container.c + vfio_iommu_type1.c`, () => {
  const t = useTestHost(NATIVE, { checkTeardown: true });

  it('vfio_ioctl_set_iommu: no group in the container → EINVAL; a type no driver reports (SPAPR_TCE) → ENODEV; a second SET_IOMMU → EINVAL', async () => {
    const { v, c, g } = await open(t);
    await expectErrno(v.setIommu(c, VFIO_TYPE1v2_IOMMU), 'EINVAL'); // list_empty(&container->group_list)
    await v.setContainer(g, c);
    await expectErrno(v.setIommu(c, VFIO_SPAPR_TCE_IOMMU), 'ENODEV'); // ret = -ENODEV, no driver matched
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    await expectErrno(v.setIommu(c, VFIO_TYPE1v2_IOMMU), 'EINVAL'); // container->iommu_driver already set
    await expectErrno(v.setIommu(c, VFIO_TYPE1_IOMMU), 'EINVAL');
  });

  it('vfio_fops_unl_ioctl: without an IOMMU driver every other container ioctl → EINVAL (before and after SET_CONTAINER)', async () => {
    const { v, c, g } = await open(t);
    const va = await v.ram(1, 1);
    await expectErrno(v.info(c), 'EINVAL');
    await expectErrno(v.map(c, va, 0x100000n, PAGE), 'EINVAL');
    await v.setContainer(g, c);
    await expectErrno(v.info(c), 'EINVAL');
    await expectErrno(v.map(c, va, 0x100000n, PAGE), 'EINVAL');
    await expectErrno(v.unmap(c, 0x100000n, PAGE), 'EINVAL');
    await expectErrno(v.dirty(c, DIRTY_START), 'EINVAL');
  });

  it('vfio_group_use_container: GET_DEVICE_FD after SET_CONTAINER but before SET_IOMMU → EINVAL (!container->iommu_driver)', async () => {
    const { v, c, g } = await open(t);
    await v.setContainer(g, c);
    await expectErrno(v.deviceFd(g, NIC), 'EINVAL');
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
  });

  it('CHECK_EXTENSION: DMA_CC_IOMMU is 0 with no driver set (iommu == NULL); UPDATE_VADDR is 1 once TYPE1v2 is set', async () => {
    const { v, c, g } = await open(t);
    expect(await v.ext(c, VFIO_DMA_CC_IOMMU)).toBe(false);
    await v.setContainer(g, c);
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    expect(await v.ext(c, VFIO_UPDATE_VADDR)).toBe(true);
    expect(await v.ext(c, VFIO_TYPE1v2_IOMMU)).toBe(true);
  });

  it('SET_IOMMU attaches the group to the domain at once (vfio_iommu_type1_attach_group): DMA translates before any device fd is open', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(1, 0x5a);
    await v.map(c, va, 0x100000n, PAGE);
    await reads(t, NIC, 0x100000n, fill(16, 0x5a));
  });

  it('VFIO_IOMMU_GET_INFO: PGSIZES|CAPS, the domain page sizes, IOVA ranges = aperture minus the MSI window, dma_avail from dma_entry_limit (65535) counting each vfio_dma', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    let info = await v.info(c);
    expect(info.flags).toBe(INFO_PGSIZES | INFO_CAPS);
    expect(info.pgsizes).toBe(await unitPageSizes(t, NIC));
    expect(info.pgsizes & 0xfffn).toBe(0n);
    expect(info.pgsizes & PAGE).toBe(PAGE);
    expect(info.ranges).toEqual([
      { start: 0n, last: MSI_START - 1n },
      { start: 0xfef00000n, last: (1n << 39n) - 1n },
    ]);
    expect(info.avail).toBe(U16_MAX);
    const va = await v.ram(4, 1);
    await v.map(c, va, 0x100000n, PAGE);
    await v.map(c, va + PAGE, 0x200000n, PAGE);
    await v.map(c, va + 2n * PAGE, 0x300000n, 2n * PAGE);
    expect((await v.info(c)).avail).toBe(U16_MAX - 3);
    // one vfio_dma per MAP_DMA, whatever its size: unmapping one gives back one
    expect((await v.unmap(c, 0x300000n, 2n * PAGE)).size).toBe(2n * PAGE);
    expect((await v.info(c)).avail).toBe(U16_MAX - 2);
    await v.unmap(c, 0n, 0n, UNMAP_ALL);
    info = await v.info(c);
    expect(info.avail).toBe(U16_MAX);
  });

  it('VFIO_TYPE1v2 unmap granularity: a range that bisects a vfio_dma → EINVAL and the mapping stays whole; size 0 or an unaligned iova → EINVAL', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(4, 0x10);
    await v.map(c, va, 0x200000n, 4n * PAGE);
    await expectErrno(v.unmap(c, 0x201000n, PAGE), 'EINVAL'); // starts inside
    await expectErrno(v.unmap(c, 0x200000n, 2n * PAGE), 'EINVAL'); // ends inside
    await expectErrno(v.unmap(c, 0x1ff000n, 2n * PAGE), 'EINVAL');
    await expectErrno(v.unmap(c, 0x200000n, 0n), 'EINVAL');
    await expectErrno(v.unmap(c, 0x200800n, PAGE), 'EINVAL');
    for (let i = 0; i < 4; i++) await reads(t, NIC, 0x200000n + BigInt(i) * PAGE, fill(8, 0x10 + i));
    expect((await v.info(c)).avail).toBe(U16_MAX - 1);
  });

  it('VFIO_TYPE1 (v1) unmap: a request starting inside a vfio_dma succeeds with size 0 and unmaps nothing; one covering its first IOVA unmaps the whole vfio_dma', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1_IOMMU);
    const va = await v.ram(4, 0x20);
    await v.map(c, va, 0x200000n, 4n * PAGE);
    expect((await v.unmap(c, 0x201000n, PAGE)).size).toBe(0n);
    await reads(t, NIC, 0x201000n, fill(8, 0x21));
    expect((await v.unmap(c, 0x200000n, PAGE)).size).toBe(4n * PAGE);
    await faults(t, NIC, 0x200000n);
    await faults(t, NIC, 0x203000n);
    expect((await v.info(c)).avail).toBe(U16_MAX);
  });

  it('VFIO_DMA_MAP_FLAG_VADDR alone for an IOVA with no vfio_dma → ENOENT (vfio_dma_do_map: set_vaddr && !dma); no READ/WRITE and no VADDR → EINVAL', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(1, 1);
    await expectErrno(v.map(c, va, 0x100000n, PAGE, MAP_VADDR), 'ENOENT');
    await expectErrno(v.map(c, va, 0x100000n, PAGE, 0), 'EINVAL');
    await expectErrno(v.map(c, va, 0x100000n, PAGE, 8), 'EINVAL'); // unknown flag bit
  });

  it('accounting: MAP_DMA charges the mm (vfio_lock_acct → __account_locked_vm: VmLck), not pinned_vm; UNMAP gives it back', async () => {
    const root = await open(t);
    const q = new Legacy(await t.spawn(t.qemu, 'qemu'));
    const g = await root.v.sys.sendFd(root.g, q.sys);
    const c = await q.sys.open('/dev/vfio/vfio');
    await q.setContainer(g, c);
    await q.setIommu(c, VFIO_TYPE1v2_IOMMU);
    const va = await q.ram(8, 0x33);
    await q.map(c, va, 0x100000n, 8n * PAGE);
    let st = await q.sys.status();
    expect(st.locked).toBe(8n * PAGE);
    expect(st.pinned).toBe(0n);
    await reads(t, NIC, 0x107000n, fill(8, 0x3a));
    await q.unmap(c, 0x100000n, 8n * PAGE);
    st = await q.sys.status();
    expect(st.locked).toBe(0n);
  });

  it('vfio_dma_do_unmap: only a task with the mm that mapped a vfio_dma unmaps it; another process holding the container fd gets success with size 0', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(2, 0x55);
    await v.map(c, va, 0x100000n, 2n * PAGE);
    const other = new Legacy(await t.spawn(t.root, 'other'));
    const c2 = await v.sys.sendFd(c, other.sys);
    expect((await other.unmap(c2, 0x100000n, 2n * PAGE)).size).toBe(0n); // dma->task->mm != current->mm
    await reads(t, NIC, 0x101000n, fill(8, 0x56));
    expect((await v.unmap(c, 0x100000n, 2n * PAGE)).size).toBe(2n * PAGE);
  });

  it('VFIO_GROUP_UNSET_CONTAINER with a device fd open → EBUSY (container_users != 1); after closing it the last group leaves and the container is deprivileged (EINVAL, mappings gone)', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(1, 0x44);
    await v.map(c, va, 0x100000n, PAGE);
    const d = await v.deviceFd(g, NIC);
    await expectErrno(v.unsetContainer(g), 'EBUSY');
    await v.sys.close(d);
    await v.unsetContainer(g);
    expect(await v.status(g)).toBe(GROUP_VIABLE);
    await expectErrno(v.info(c), 'EINVAL');
    await expectErrno(v.map(c, va, 0x200000n, PAGE), 'EINVAL');
    // privileged again by a group: a fresh vfio_iommu, the old vfio_dma tree released
    await v.setContainer(g, c);
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    expect((await v.info(c)).avail).toBe(U16_MAX);
    await faults(t, NIC, 0x100000n);
    expect((await v.sys.status()).locked).toBe(0n);
  });

  it('a device fd keeps the group file (vfio_group_use_container: get_file): closing the group fd does not release the group (reopen → EBUSY) until the device fd closes', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(1, 0x66);
    await v.map(c, va, 0x100000n, PAGE);
    const d = await v.deviceFd(g, NIC);
    await v.sys.close(g);
    await expectErrno(v.sys.open('/dev/vfio/1'), 'EBUSY');
    await reads(t, NIC, 0x100000n, fill(8, 0x66));
    await v.sys.close(d);
    const g2 = await v.sys.open('/dev/vfio/1');
    expect(await v.status(g2)).toBe(GROUP_VIABLE);
  });

  it('two groups in one container share its mappings (one vfio_domain per IOMMU): both devices read the same IOVA', async () => {
    const { v, c, g } = await open(t, 1);
    const g2 = await v.sys.open('/dev/vfio/2');
    await v.setContainer(g, c);
    await v.setContainer(g2, c);
    expect(await v.status(g2)).toBe(GROUP_VIABLE | GROUP_CONTAINER_SET);
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(1, 0x77);
    await v.map(c, va, 0x100000n, PAGE);
    await reads(t, NIC, 0x100000n, fill(8, 0x77));
    await reads(t, NVME, 0x100000n, fill(8, 0x77));
    // a group joining a container whose driver is set is attached at once (vfio_container_attach_group)
    const g3 = await v.sys.open('/dev/vfio/3');
    await v.setContainer(g3, c);
    await reads(t, GPU, 0x100000n, fill(8, 0x77));
  });

  it('P2P: MAP_DMA of another device\'s BAR mmap (VM_PFNMAP, follow_fault_pfn) maps the BAR without pinning or accounting; a NIC DMA reaches the GPU BAR', async () => {
    const { v, c, g } = await open(t, 1);
    const g3 = await v.sys.open('/dev/vfio/3');
    await v.setContainer(g, c);
    await v.setContainer(g3, c);
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
    const gpu = await v.deviceFd(g3, GPU);
    const bar = await v.sys.mmap(4n * PAGE, { fd: gpu, offset: BAR1 });
    await v.sys.write(bar, new TextEncoder().encode('GPU BAR1 page 0'));
    const before = await v.sys.status();
    await v.map(c, bar, 0x40000000n, 4n * PAGE);
    const after = await v.sys.status();
    expect(after.locked).toBe(before.locked); // is_invalid_reserved_pfn: MMIO is not accounted
    expect(after.pinned).toBe(before.pinned);
    // NIC reads the BAR
    const r = await t.hw.dma(NIC, 0x40000000n, 15);
    expect(r.result).toBe('data');
    expect(Buffer.from(r.data!).toString()).toBe('GPU BAR1 page 0');
    // NIC writes into the BAR: seen through the BAR mapping and at the BAR's physical address
    const w = await t.hw.dma(NIC, 0x40001000n + 0x20n, 12, { write: new TextEncoder().encode('from the NIC') });
    expect(w.result).toBe('written');
    expect((await v.sys.read(bar + PAGE + 0x20n, 12)).toString()).toBe('from the NIC');
    const d = await t.hw.describe();
    const bar1 = d.devices.find((x) => x.bdf === GPU)!.bars.find((b) => b.index === 1)!;
    expect(Buffer.from(t.srv.host.mem.read(BigInt(bar1.addr as string) + PAGE + 0x20n, 12)).toString()).toBe('from the NIC');
    // the mapping is an ordinary vfio_dma: counted and unmapped like one
    expect((await v.info(c)).avail).toBe(U16_MAX - 1);
    expect((await v.unmap(c, 0x40000000n, 4n * PAGE)).size).toBe(4n * PAGE);
    await faults(t, NIC, 0x40000000n);
  });

  it('VFIO_IOMMU_DIRTY_PAGES on a TYPE1 (v1) container → EACCES (!iommu->v2)', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1_IOMMU);
    await expectErrno(v.dirty(c, DIRTY_START), 'EACCES');
  });

  it('VFIO_IOMMU_DIRTY_PAGES: GET_BITMAP needs tracking; one flag at a time; every page of every mapped vfio_dma is reported dirty while an IOMMU-backed group is attached (num_non_pinned_groups)', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(7, 0);
    await v.map(c, va, 0x100000n, 4n * PAGE); // A: pages 0..3
    await v.map(c, va + 4n * PAGE, 0x108000n, 2n * PAGE); // B: pages 8..9
    // not tracking: GET_BITMAP → EINVAL
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 10n * PAGE, PAGE), 'EINVAL');
    // exactly one of START / STOP / GET_BITMAP; unknown bits → EINVAL
    await expectErrno(v.dirty(c, DIRTY_START | DIRTY_STOP), 'EINVAL');
    await expectErrno(v.dirty(c, 8), 'EINVAL');
    await v.dirty(c, DIRTY_START);
    await v.dirty(c, DIRTY_START); // already tracking: no-op success
    // a mapping made while tracking gets its bitmap too
    await v.map(c, va + 6n * PAGE, 0x10a000n, PAGE); // C: page 10
    const want = words(0b111_0000_1111n); // A: bits 0-3, B: 8-9, C: 10
    expect(await v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 11n * PAGE, PAGE)).toEqual(want);
    // no DMA happened at all: still every page (the bitmap is re-set on each read)
    expect(await v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 11n * PAGE, PAGE)).toEqual(want);
    // only the smallest IOMMU page size; the range must not bisect a vfio_dma; size a page multiple
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 11n * PAGE, 2n * PAGE), 'EINVAL');
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0x101000n, 10n * PAGE, PAGE), 'EINVAL');
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 2n * PAGE, PAGE), 'EINVAL');
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 0n, PAGE), 'EINVAL');
    await v.dirty(c, DIRTY_STOP);
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0x100000n, 11n * PAGE, PAGE), 'EINVAL');
    await v.dirty(c, DIRTY_STOP); // not tracking: no-op success
  });

  it('UNMAP_DMA with GET_DIRTY_BITMAP: only while tracking and with the smallest page size; returns the unmapped range\'s bitmap; not with ALL or VADDR', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const va = await v.ram(6, 0);
    await v.map(c, va, 0x100000n, 4n * PAGE);
    await v.map(c, va + 4n * PAGE, 0x108000n, 2n * PAGE);
    await expectErrno(v.unmap(c, 0x108000n, 2n * PAGE, UNMAP_GET_DIRTY_BITMAP, PAGE), 'EINVAL'); // not tracking
    await v.dirty(c, DIRTY_START);
    await expectErrno(v.unmap(c, 0x108000n, 2n * PAGE, UNMAP_GET_DIRTY_BITMAP, 2n * PAGE), 'EINVAL');
    await expectErrno(v.unmap(c, 0n, 0n, UNMAP_GET_DIRTY_BITMAP | UNMAP_ALL, PAGE), 'EINVAL');
    await expectErrno(v.unmap(c, 0x108000n, 2n * PAGE, UNMAP_GET_DIRTY_BITMAP | UNMAP_VADDR, PAGE), 'EINVAL');
    const r = await v.unmap(c, 0x108000n, 2n * PAGE, UNMAP_GET_DIRTY_BITMAP, PAGE);
    expect(r.size).toBe(2n * PAGE);
    expect(r.bitmap).toEqual(words(0b11n));
    // both vfio_dma in one unmap: bits placed relative to the unmap's iova
    await v.map(c, va + 4n * PAGE, 0x108000n, 2n * PAGE);
    const all = await v.unmap(c, 0x100000n, 10n * PAGE, UNMAP_GET_DIRTY_BITMAP, PAGE);
    expect(all.size).toBe(6n * PAGE);
    expect(all.bitmap).toEqual(words(0b11_0000_1111n));
    await v.dirty(c, DIRTY_STOP);
  });
});

describe(`iommufd's VFIO compatibility container (${COMPAT}): vfio_compat.c`, () => {
  const t = useTestHost(COMPAT, { checkTeardown: true });

  it('no compat IOAS yet (no group attached): SET_IOMMU, GET_INFO, MAP_DMA, UNMAP_DMA and CHECK_EXTENSION(DMA_CC_IOMMU) → ENODEV (get_compat_ioas)', async () => {
    const { v, c } = await open(t);
    const va = await v.ram(1, 1);
    await expectErrno(v.setIommu(c, VFIO_TYPE1v2_IOMMU), 'ENODEV');
    await expectErrno(v.info(c), 'ENODEV');
    await expectErrno(v.map(c, va, 0x100000n, PAGE), 'ENODEV');
    await expectErrno(v.unmap(c, 0x100000n, PAGE), 'ENODEV');
    await expectErrno(v.ext(c, VFIO_DMA_CC_IOMMU), 'ENODEV');
  });

  it('iommufd_vfio_set_iommu: a type other than TYPE1/TYPE1v2 → EINVAL; SET_IOMMU again succeeds (no driver state, only the compat IOAS)', async () => {
    const { v, c, g } = await open(t);
    await v.setContainer(g, c);
    await expectErrno(v.setIommu(c, VFIO_SPAPR_TCE_IOMMU), 'EINVAL');
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
  });

  it('SET_CONTAINER creates the compat IOAS, so GET_INFO, MAP_DMA and GET_DEVICE_FD all work before SET_IOMMU (vfio_df_group_open only needs group->iommufd)', async () => {
    const { v, c, g } = await open(t);
    await v.setContainer(g, c);
    const info = await v.info(c);
    expect(info.flags).toBe(INFO_PGSIZES | INFO_CAPS);
    expect(info.avail).toBe(U32_MAX);
    const va = await v.ram(1, 0x61);
    await v.map(c, va, 0x100000n, PAGE);
    await v.deviceFd(g, NIC); // vfio_iommufd_compat_attach_ioas onto the compat IOAS
    await reads(t, NIC, 0x100000n, fill(8, 0x61));
  });

  it('CHECK_EXTENSION: UPDATE_VADDR is 0 (not implementable safely), TYPE1/TYPE1v2/UNMAP_ALL 1, after SET_IOMMU too', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    expect(await v.ext(c, VFIO_UPDATE_VADDR)).toBe(false);
    expect(await v.ext(c, VFIO_TYPE1_IOMMU)).toBe(true);
    expect(await v.ext(c, VFIO_TYPE1v2_IOMMU)).toBe(true);
    expect(await v.ext(c, VFIO_UNMAP_ALL)).toBe(true);
  });

  it('GET_INFO with no domain in the IOAS: iova_pgsizes = ULONG_MAX folded to PAGE_SIZE multiples, one IOVA range [0, 2^64-1], dma_avail U32_MAX', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const info = await v.info(c);
    expect(info.pgsizes).toBe(0xfffffffffffff000n);
    expect(info.ranges).toEqual([{ start: 0n, last: (1n << 64n) - 1n }]);
    expect(info.avail).toBe(U32_MAX);
  });

  it('GET_INFO once the device is attached: the domain\'s page sizes, ranges = holes of the reserved tree (MSI window, beyond the 48-bit aperture), dma_avail stays U32_MAX whatever is mapped', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
    const va = await v.ram(3, 1);
    await v.map(c, va, 0x100000n, PAGE);
    await v.map(c, va + PAGE, 0x200000n, 2n * PAGE);
    const info = await v.info(c);
    expect(info.flags).toBe(INFO_PGSIZES | INFO_CAPS);
    expect(info.pgsizes).toBe(await unitPageSizes(t, NIC));
    expect(info.ranges).toEqual([
      { start: 0n, last: MSI_START - 1n },
      { start: 0xfef00000n, last: (1n << 48n) - 1n },
    ]);
    expect(info.avail).toBe(U32_MAX);
  });

  it('TYPE1v2 partial unmap of an area → ENOENT (iopt_unmap_iova_range does not split), the area stays whole', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
    const va = await v.ram(4, 0x10);
    await v.map(c, va, 0x200000n, 4n * PAGE);
    await expectErrno(v.unmap(c, 0x201000n, PAGE), 'ENOENT');
    await expectErrno(v.unmap(c, 0x200000n, 2n * PAGE), 'ENOENT');
    for (let i = 0; i < 4; i++) await reads(t, NIC, 0x200000n + BigInt(i) * PAGE, fill(8, 0x10 + i));
  });

  it('TYPE1 (v1) unmap: the range is cut out of the area first (iopt_cut_iova at iova-1 and iova+size-1), so exactly the requested pages go', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1_IOMMU);
    await v.deviceFd(g, NIC);
    const va = await v.ram(4, 0x20);
    await v.map(c, va, 0x200000n, 4n * PAGE);
    expect((await v.unmap(c, 0x201000n, PAGE)).size).toBe(PAGE);
    await faults(t, NIC, 0x201000n);
    await reads(t, NIC, 0x200000n, fill(8, 0x20));
    await reads(t, NIC, 0x202000n, fill(8, 0x22));
    await reads(t, NIC, 0x203000n, fill(8, 0x23));
    expect((await v.unmap(c, 0x202000n, 2n * PAGE)).size).toBe(2n * PAGE);
    await reads(t, NIC, 0x200000n, fill(8, 0x20));
  });

  it('UNMAP_DMA flags: GET_DIRTY_BITMAP and VADDR are not supported → EINVAL; MAP_DMA with VADDR → EINVAL', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
    const va = await v.ram(1, 1);
    await v.map(c, va, 0x100000n, PAGE);
    await expectErrno(v.unmap(c, 0x100000n, PAGE, UNMAP_GET_DIRTY_BITMAP, PAGE), 'EINVAL');
    await expectErrno(v.unmap(c, 0x100000n, PAGE, UNMAP_VADDR), 'EINVAL');
    await expectErrno(v.map(c, va, 0x100000n, PAGE, MAP_VADDR), 'EINVAL');
    await reads(t, NIC, 0x100000n, fill(8, 1));
  });

  it('iommufd_vfio_unmap_dma has no per-task check: another process holding the container fd unmaps the mapping (size = the whole area)', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
    const va = await v.ram(2, 0x55);
    await v.map(c, va, 0x100000n, 2n * PAGE);
    const other = new Legacy(await t.spawn(t.root, 'other'));
    const c2 = await v.sys.sendFd(c, other.sys);
    expect((await other.unmap(c2, 0x100000n, 2n * PAGE)).size).toBe(2n * PAGE);
    await faults(t, NIC, 0x101000n);
  });

  it('VFIO_IOMMU_DIRTY_PAGES → ENOTTY (iommufd_vfio_ioctl: -ENOIOCTLCMD), for every flag', async () => {
    const { v, c } = await ready(t, VFIO_TYPE1v2_IOMMU);
    await expectErrno(v.dirty(c, DIRTY_START), 'ENOTTY');
    await expectErrno(v.dirty(c, DIRTY_STOP), 'ENOTTY');
    await expectErrno(v.dirty(c, DIRTY_GET_BITMAP, 0n, PAGE, PAGE), 'ENOTTY');
  });

  it('accounting: maps through /dev/vfio/vfio use VFIO-compatible MM accounting (VmLck) plus pinned_vm; given back on unmap', async () => {
    const root = await open(t);
    const q = new Legacy(await t.spawn(t.qemu, 'qemu'));
    const g = await root.v.sys.sendFd(root.g, q.sys);
    const c = await q.sys.open('/dev/vfio/vfio');
    await q.setContainer(g, c);
    await q.setIommu(c, VFIO_TYPE1v2_IOMMU);
    await q.deviceFd(g, NIC); // a domain: pages are pinned at map time
    const va = await q.ram(8, 0x33);
    await q.map(c, va, 0x100000n, 8n * PAGE);
    let st = await q.sys.status();
    expect(st.locked).toBe(8n * PAGE);
    expect(st.pinned).toBe(8n * PAGE);
    await reads(t, NIC, 0x107000n, fill(8, 0x3a));
    expect((await q.unmap(c, 0x100000n, 8n * PAGE)).size).toBe(8n * PAGE);
    st = await q.sys.status();
    expect(st.locked).toBe(0n);
    expect(st.pinned).toBe(0n);
  });

  it('P2P through a BAR VA is refused: MAP_DMA of the GPU BAR mmap → EFAULT (pin_user_pages cannot pin PFNMAP), nothing mapped or charged', async () => {
    const { v, c, g } = await open(t, 1);
    const g3 = await v.sys.open('/dev/vfio/3');
    await v.setContainer(g, c);
    await v.setContainer(g3, c);
    await v.setIommu(c, VFIO_TYPE1v2_IOMMU);
    await v.deviceFd(g, NIC);
    const gpu = await v.deviceFd(g3, GPU);
    const bar = await v.sys.mmap(4n * PAGE, { fd: gpu, offset: BAR1 });
    await v.sys.write(bar, new TextEncoder().encode('GPU BAR1 page 0'));
    const before = await v.sys.status();
    await expectErrno(v.map(c, bar, 0x40000000n, 4n * PAGE), 'EFAULT');
    const after = await v.sys.status();
    expect(after.locked).toBe(before.locked);
    expect(after.pinned).toBe(before.pinned);
    await faults(t, NIC, 0x40000000n);
    // the IOVA stayed free: ordinary memory maps there
    const va = await v.ram(1, 0x99);
    await v.map(c, va, 0x40000000n, PAGE);
    await reads(t, NIC, 0x40000000n, fill(8, 0x99));
  });

  it('after UNSET_CONTAINER the compat IOAS stays in the iommufd context: MAP_DMA still succeeds (vfio_group_ioctl_unset_container only drops group->iommufd)', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    await v.unsetContainer(g);
    expect(await v.status(g)).toBe(GROUP_VIABLE);
    const va = await v.ram(1, 1);
    await v.map(c, va, 0x100000n, PAGE);
    expect((await v.info(c)).avail).toBe(U32_MAX);
  });

  it('SET_CONTAINER accepts an iommufd fd (iommufd_ctx_from_file) and refuses any other file → EBADFD', async () => {
    const { v, g } = await open(t);
    const m = await v.sys.memfd('not-a-container', PAGE);
    await expectErrno(v.setContainer(g, m), 'EBADFD');
    const ifd = await v.sys.open('/dev/iommu');
    await v.setContainer(g, ifd);
    expect(await v.status(g)).toBe(GROUP_VIABLE | GROUP_CONTAINER_SET);
    await v.setIommu(ifd, VFIO_TYPE1v2_IOMMU); // VFIO ioctls on /dev/iommu reach the same layer
    const va = await v.ram(1, 0x12);
    await v.map(ifd, va, 0x100000n, PAGE);
    await v.deviceFd(g, NIC);
    await reads(t, NIC, 0x100000n, fill(8, 0x12));
  });

  it('a group-opened device fd is not a cdev: VFIO_DEVICE_BIND_IOMMUFD on it → EINVAL (vfio_df_ioctl_bind_iommufd: df->group)', async () => {
    const { v, g } = await ready(t, VFIO_TYPE1v2_IOMMU);
    const d = await v.deviceFd(g, NIC);
    const ifd = await v.sys.open('/dev/iommu');
    await expectErrno(v.sys.bind(d, ifd), 'EINVAL');
  });

  it('group / cdev exclusion: a cdev bind while the group file is open → EBUSY (vfio_device_block_group); the group cannot be opened while a cdev of it is bound → EBUSY (cdev_device_open_cnt)', async () => {
    const { v, g } = await open(t, 1);
    const other = await t.spawn(t.root, 'cdev-user');
    const ifd = await other.open('/dev/iommu');
    const dev = await other.open('/dev/vfio/devices/vfio0'); // open itself is allowed
    await expectErrno(other.bind(dev, ifd), 'EBUSY');
    await v.sys.close(g);
    await other.bind(dev, ifd);
    await expectErrno(v.sys.open('/dev/vfio/1'), 'EBUSY');
    // group 4: a bound function blocks the group node of both
    const f3 = await other.open('/dev/vfio/devices/vfio3');
    await other.bind(f3, ifd);
    await expectErrno(v.sys.open('/dev/vfio/4'), 'EBUSY');
    // closing the bound cdev unblocks (vfio_df_unbind_iommufd → vfio_device_unblock_group)
    await other.close(dev);
    const g1 = await v.sys.open('/dev/vfio/1');
    expect(await v.status(g1)).toBe(GROUP_VIABLE);
  });

  it('viability: group 6 (a host-bound sibling) reports no VIABLE; with iommufd SET_CONTAINER still succeeds and reports CONTAINER_SET|VIABLE, and GET_DEVICE_FD then fails claiming DMA ownership (EPERM)', async () => {
    const { v, c, g } = await open(t, 6);
    expect(await v.status(g)).toBe(0); // iommu_group_dma_owner_claimed: the host driver holds owner_cnt
    await v.setContainer(g, c);
    // group.c: "with iommufd VFIO_GROUP_FLAGS_VIABLE could be set but GET_DEVICE_FD will fail due to viability"
    expect(await v.status(g)).toBe(GROUP_VIABLE | GROUP_CONTAINER_SET);
    // iommufd_device_bind → iommu_device_claim_dma_owner: owner_cnt != 0 and owner != ictx → -EPERM
    await expectErrno(v.deviceFd(g, '0000:06:00.0'), 'EPERM');
    // the host-bound sibling is not a VFIO device of the group at all
    await expectErrno(v.deviceFd(g, '0000:06:00.1'), 'ENODEV');
  });

  it('group 4 (two functions): both device fds come from the one group file and share the compat IOAS', async () => {
    const { v, c, g } = await ready(t, VFIO_TYPE1v2_IOMMU, 4);
    const va = await v.ram(1, 0x4f);
    await v.map(c, va, 0x100000n, PAGE);
    await v.deviceFd(g, '0000:04:00.0');
    await v.deviceFd(g, '0000:04:00.1');
    await reads(t, '0000:04:00.0', 0x100000n, fill(8, 0x4f));
    await reads(t, '0000:04:00.1', 0x100000n, fill(8, 0x4f));
  });
});
