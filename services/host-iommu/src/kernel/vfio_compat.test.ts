/**
 * iommufd's VFIO compatibility layer at kernel level (vfio_compat.c): every container ioctl's
 * answer with and without a compat IOAS, the group attach that creates the IOAS, the device
 * open that binds and attaches to it (shared by later opens, undone at the last close), TYPE1's
 * huge-page switch and its cut-before-unmap against TYPE1v2's ENOENT, the accounting mode of
 * the context, and a BAR's PFNMAP VA refused with EFAULT.
 */
import { describe, expect, it } from 'vitest';
import { kernelFailure } from '#libs/errno/index.js';
import { U64_MAX } from '#libs/u64/index.js';
import { Host, MFD_HUGETLB } from '../platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import type { Process } from '../process/process.js';
import { vfioPciFeatureDmaBuf } from './dmabuf.js';
import {
  IOMMU_IOAS_MAP_FIXED_IOVA,
  IOMMU_IOAS_MAP_READABLE,
  IOMMU_IOAS_MAP_WRITEABLE,
  IOMMU_OPTION_HUGE_PAGES,
  IOMMU_OPTION_OP_GET,
  IOMMU_VFIO_IOAS_CLEAR,
  IOMMU_VFIO_IOAS_GET,
  IOMMU_VFIO_IOAS_SET,
} from './iommufd.js';
import { KMEM_PAGES } from './object.js';
import { VfioDeviceFile } from './vfio.js';
import { COMPAT_DMA_AVAIL, compatOps, VfioCompatContainer } from './vfio_compat.js';
import {
  VFIO_DMA_CC_IOMMU,
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_VADDR,
  VFIO_DMA_MAP_FLAG_WRITE,
  VFIO_DMA_UNMAP_FLAG_ALL,
  VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
  VFIO_DMA_UNMAP_FLAG_VADDR,
  VFIO_EEH,
  VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
  VFIO_IOMMU_INFO_CAPS,
  VFIO_IOMMU_INFO_PGSIZES,
  VFIO_NOIOMMU_IOMMU,
  VFIO_SPAPR_TCE_IOMMU,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1_NESTING_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  VFIO_UPDATE_VADDR,
} from './vfio_container.js';

const MAP_SHARED = 1;
const MAP_ANONYMOUS = 0x20;
const RW = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
const errnoOf = (f: () => unknown) => kernelFailure(f)?.errno;
const NIC = '0000:01:00.0';
const NVME = '0000:02:00.0';
const MiB = 1n << 20n;

function setup(opts: { principal?: 'root' | 'qemu'; accountMm?: boolean } = {}) {
  const host = new Host(loadProfile('intel-vtd'));
  const p = host.spawn(host.principal(opts.principal ?? 'root'), 'qemu', 0);
  const root = host.spawn(host.principal('root'), 'opener', 0);
  // /dev/vfio/vfio on a compat host is an iommufd in MM accounting mode; /dev/iommu is the same
  // context in the default (per-user) mode
  const rfd = host.open(root, '/dev/iommu', 2);
  const fd = host.sendFd(root, rfd, p);
  const ctx = host.iommufd(p, fd);
  if (opts.accountMm ?? true) ctx.accountMm = true;
  const ops = compatOps(ctx) as VfioCompatContainer;
  const nic = host.device(NIC);
  const nvme = host.device(NVME);
  return { host, p, root, fd, ctx, ops, nic, nvme };
}

/** An anonymous shared buffer of `bytes` in `p`. */
function buffer(host: Host, p: Process, bytes: bigint): bigint {
  return host.mmap(p, { addr: 0n, length: bytes, prot: 3, flags: MAP_SHARED | MAP_ANONYMOUS, fd: -1, offset: 0n });
}

/** A 2 MiB-page hugetlb memfd of `bytes`, mapped in `p`. */
function hugeBuffer(host: Host, p: Process, bytes: bigint): bigint {
  const mfd = host.memfdCreate(p, 'huge', MFD_HUGETLB);
  host.ftruncate(p, mfd, bytes);
  return host.mmap(p, { addr: 0n, length: bytes, prot: 3, flags: MAP_SHARED, fd: mfd, offset: 0n });
}

/** Group set on the context, device opened through it (what GROUP_GET_DEVICE_FD does). */
function openThroughGroup(s: ReturnType<typeof setup>, bdf: string) {
  const dev = s.host.device(bdf);
  const token = s.ops.openDevice(s.p, dev);
  const file = new VfioDeviceFile(`/dev/vfio/${dev.group.id}`, 2, dev);
  file.viaGroup = { ops: s.ops, token };
  const dfd = s.p.installFd(file);
  return { dev, token, file, dfd };
}

function dmaWrite(host: Host, bdf: string, iova: bigint, bytes: number[]) {
  return host.deviceDma(bdf, undefined, iova, bytes.length, true, Uint8Array.from(bytes));
}
function dmaRead(host: Host, bdf: string, iova: bigint, length: number) {
  return host.deviceDma(bdf, undefined, iova, length, false);
}

describe('without a compat IOAS (vfio_compat.c get_compat_ioas → ENODEV)', () => {
  it('answers each ioctl as iommufd_vfio_ioctl does: flag checks first, then ENODEV', () => {
    const s = setup();
    expect(s.ops.backend).toBe('iommufd-compat');
    expect(compatOps(s.ctx)).toBe(s.ops);
    expect(s.ops.getApiVersion()).toBe(0);
    // CHECK_EXTENSION needs no IOAS except DMA_CC_IOMMU
    expect(s.ops.checkExtension(VFIO_TYPE1_IOMMU)).toBe(1);
    expect(s.ops.checkExtension(VFIO_TYPE1v2_IOMMU)).toBe(1);
    expect(s.ops.checkExtension(VFIO_UNMAP_ALL)).toBe(1);
    expect(s.ops.checkExtension(VFIO_NOIOMMU_IOMMU)).toBe(0);
    expect(s.ops.checkExtension(VFIO_TYPE1_NESTING_IOMMU)).toBe(0);
    expect(s.ops.checkExtension(VFIO_UPDATE_VADDR)).toBe(0);
    expect(s.ops.checkExtension(VFIO_SPAPR_TCE_IOMMU)).toBe(0);
    expect(s.ops.checkExtension(VFIO_EEH)).toBe(0);
    expect(s.ops.checkExtension(0x7f)).toBe(0);
    expect(errnoOf(() => s.ops.checkExtension(VFIO_DMA_CC_IOMMU))).toBe('ENODEV');
    // selftest set_iommu_cmd: TYPE1v2 and TYPE1 → ENODEV; other types EINVAL before the IOAS
    expect(errnoOf(() => s.ops.setIommu(s.p, VFIO_TYPE1v2_IOMMU))).toBe('ENODEV');
    expect(errnoOf(() => s.ops.setIommu(s.p, VFIO_TYPE1_IOMMU))).toBe('ENODEV');
    expect(errnoOf(() => s.ops.setIommu(s.p, VFIO_SPAPR_TCE_IOMMU))).toBe('EINVAL');
    expect(errnoOf(() => s.ops.setIommu(s.p, VFIO_NOIOMMU_IOMMU))).toBe('EINVAL');
    // info_cmd / map_cmd / unmap_cmd
    expect(errnoOf(() => s.ops.getInfo(s.p))).toBe('ENODEV');
    expect(errnoOf(() => s.ops.mapDma(s.p, 1 << 31, 0n, 0n, 4096n))).toBe('EINVAL');
    expect(errnoOf(() => s.ops.mapDma(s.p, VFIO_DMA_MAP_FLAG_VADDR, 0n, 0n, 4096n))).toBe('EINVAL');
    expect(errnoOf(() => s.ops.mapDma(s.p, RW, 0n, 0n, 4096n))).toBe('ENODEV');
    expect(errnoOf(() => s.ops.unmapDma(s.p, 1 << 31, 0n, 4096n, 0n))).toBe('EINVAL');
    expect(errnoOf(() => s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, 0n, 4096n, 4096n))).toBe('EINVAL');
    expect(errnoOf(() => s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_VADDR, 0n, 4096n, 0n))).toBe('EINVAL');
    expect(errnoOf(() => s.ops.unmapDma(s.p, 0, 0n, 4096n, 0n))).toBe('ENODEV');
    // DIRTY_PAGES has no case in iommufd_vfio_ioctl
    expect(errnoOf(() => s.ops.dirtyPages(s.p, VFIO_IOMMU_DIRTY_PAGES_FLAG_START, 0n, 0n, 0n))).toBe('ENOTTY');
    // opening a device needs the compat IOAS to attach to: nothing stays bound
    expect(errnoOf(() => s.ops.openDevice(s.p, s.nic))).toBe('ENODEV');
    expect(s.nic.bound).toBeUndefined();
    expect(s.nic.group.owner).toBeUndefined();
    expect(s.ctx.objects.size).toBe(0);
  });
});

describe('VFIO_GROUP_SET_CONTAINER on an iommufd (iommufd_vfio_compat_ioas_create)', () => {
  it('creates the compat IOAS once, holds the context per group and keeps an IOAS set by IOMMU_VFIO_IOAS', () => {
    const s = setup();
    const refs = s.ctx.refs;
    s.ops.attachGroup(s.p, s.nic.group);
    expect(s.nic.group.container).toBe(s.ops);
    const id = s.ctx.vfioIoasOp(0, IOMMU_VFIO_IOAS_GET);
    expect(s.ctx.lookup(id).type).toBe('IOAS');
    expect(s.ctx.refs).toBe(refs + 1);
    s.ops.attachGroup(s.p, s.nvme.group);
    expect(s.ctx.vfioIoasOp(0, IOMMU_VFIO_IOAS_GET)).toBe(id);
    expect(s.ctx.objects.size).toBe(1);
    expect(s.ctx.refs).toBe(refs + 2);
    expect(errnoOf(() => s.ops.attachGroup(s.p, s.nic.group))).toBe('EINVAL');
    s.ops.detachGroup(s.nvme.group);
    s.ops.detachGroup(s.nvme.group);
    expect(s.nvme.group.container).toBeUndefined();
    expect(s.ctx.refs).toBe(refs + 1);
    // the automatically created IOAS is a user object: it stays after the group leaves
    s.ops.detachGroup(s.nic.group);
    expect(s.ctx.refs).toBe(refs);
    expect(s.ctx.vfioIoasOp(0, IOMMU_VFIO_IOAS_GET)).toBe(id);

    // iommufd_vfio_compat_ioas_create allocates before it looks: a full memory cgroup is
    // ENOMEM even though a compat IOAS exists (qemu's cgroup has a finite memory.max)
    const q = setup({ principal: 'qemu' });
    q.ops.attachGroup(q.p, q.nic.group);
    const cg = q.p.principal.cgroup;
    const others = cg.memoryMaxPages - cg.memoryPages;
    cg.memoryPages += others;
    expect(errnoOf(() => q.ops.attachGroup(q.p, q.nvme.group))).toBe('ENOMEM');
    cg.memoryPages -= others;
    q.ops.attachGroup(q.p, q.nvme.group);
    expect(q.ctx.objects.size).toBe(1);

    const t = setup();
    const mine = t.ctx.ioasAlloc(t.p, 0);
    t.ctx.vfioIoasOp(mine, IOMMU_VFIO_IOAS_SET);
    t.ops.attachGroup(t.p, t.nic.group);
    expect(t.ctx.vfioIoasOp(0, IOMMU_VFIO_IOAS_GET)).toBe(mine);
    expect(t.ctx.objects.size).toBe(1);
  });

  it('IOMMU_VFIO_IOAS CLEAR takes the container ioctls back to ENODEV', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    s.ops.setIommu(s.p, VFIO_TYPE1v2_IOMMU);
    s.ctx.vfioIoasOp(0, IOMMU_VFIO_IOAS_CLEAR);
    expect(errnoOf(() => s.ops.getInfo(s.p))).toBe('ENODEV');
    expect(errnoOf(() => s.ops.mapDma(s.p, RW, 0n, 0n, 4096n))).toBe('ENODEV');
    expect(errnoOf(() => s.ops.openDevice(s.p, s.nic))).toBe('ENODEV');
  });
});

describe('VFIO_SET_IOMMU (selftest vfio_compat_mock_domain option_huge_pages)', () => {
  it('TYPE1 disables huge pages on the compat IOAS (HUGE_PAGES GET 0), TYPE1v2 leaves them (1)', () => {
    for (const [type, want] of [
      [VFIO_TYPE1_IOMMU, 0n],
      [VFIO_TYPE1v2_IOMMU, 1n],
    ] as const) {
      const s = setup();
      s.ops.attachGroup(s.p, s.nic.group);
      openThroughGroup(s, NIC);
      s.ops.setIommu(s.p, type);
      const id = s.ctx.vfioIoasOp(0, IOMMU_VFIO_IOAS_GET);
      expect(s.ctx.option(s.p, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, id, 0n)).toBe(want);
    }
  });

  it('TYPE1 after a mapping went into a domain is EINVAL (iopt_disable_large_pages)', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    openThroughGroup(s, NIC);
    s.ops.mapDma(s.p, RW, buffer(s.host, s.p, 4096n), 1n << 24n, 4096n);
    expect(errnoOf(() => s.ops.setIommu(s.p, VFIO_TYPE1_IOMMU))).toBe('EINVAL');
    s.ops.setIommu(s.p, VFIO_TYPE1v2_IOMMU);
  });
});

describe('VFIO_IOMMU_GET_INFO (iommufd_vfio_iommu_get_info)', () => {
  it('reports PGSIZES|CAPS, the domains page sizes, the reserved tree holes and dma_avail U32_MAX', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    // no domain yet: ULONG_MAX folded to PAGE_SIZE granularity, no reserved range
    const bare = s.ops.getInfo(s.p);
    expect(bare.flags).toBe(VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
    expect(bare.iovaPgsizes).toBe(0xffff_ffff_ffff_f000n);
    expect(bare.iovaRanges).toEqual([{ start: 0n, last: U64_MAX }]);
    expect(bare.dmaAvail).toBe(COMPAT_DMA_AVAIL);
    expect(bare.dmaAvail).toBe(4294967295);
    // the NIC behind dmar0 (4 KiB | 2 MiB | 1 GiB, 48-bit input) with the x86 MSI window
    openThroughGroup(s, NIC);
    const info = s.ops.getInfo(s.p);
    expect(info.iovaPgsizes).toBe(0x4020_1000n);
    expect(info.iovaRanges).toEqual([
      { start: 0n, last: 0xfedf_ffffn },
      { start: 0xfef0_0000n, last: (1n << 48n) - 1n },
    ]);
    // TYPE1 raises the alignment to PAGE_SIZE only: the page sizes stay the domain's
    s.ops.setIommu(s.p, VFIO_TYPE1_IOMMU);
    expect(s.ops.getInfo(s.p).iovaPgsizes).toBe(0x4020_1000n);
    // dmar1 has 4 KiB | 2 MiB: a second device there ANDs the bitmaps
    const dmar1 = s.host.device('0000:80:00.0');
    expect(dmar1.unit.spec.name).toBe('dmar1');
    s.ops.attachGroup(s.p, dmar1.group);
    openThroughGroup(s, dmar1.bdf);
    expect(s.ops.getInfo(s.p).iovaPgsizes).toBe(0x0020_1000n);
  });

  it('DMA_CC_IOMMU is 1 while every domain of the compat IOAS enforces cache coherency', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    expect(s.ops.checkExtension(VFIO_DMA_CC_IOMMU)).toBe(1);
    openThroughGroup(s, NIC);
    expect(s.ops.checkExtension(VFIO_DMA_CC_IOMMU)).toBe(1);
    const ioas = s.ctx.vfioIoas!;
    const h = [...ioas.hwpts][0]!;
    h.domain.enforceCacheCoherency = false;
    expect(s.ops.checkExtension(VFIO_DMA_CC_IOMMU)).toBe(0);
  });
});

describe('GROUP_GET_DEVICE_FD on a compat container (vfio_df_iommufd_bind + compat attach)', () => {
  it('binds the device, attaches its RID to the compat IOAS and DMA goes through it', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    s.ops.setIommu(s.p, VFIO_TYPE1v2_IOMMU);
    const { file } = openThroughGroup(s, NIC);
    const ioas = s.ctx.vfioIoas!;
    expect(s.nic.bound?.ctx).toBe(s.ctx);
    expect(s.nic.group.owner).toBe(s.ctx);
    expect(s.nic.group.rid?.hwpt.type).toBe('HWPT_PAGING');
    const h = s.nic.group.rid!.hwpt;
    expect(h.type === 'HWPT_PAGING' && h.ioas === ioas && h.auto).toBe(true);
    expect(file.getInfo().flags & (1 << 9)).toBe(0); // no VFIO_DEVICE_FLAGS_CDEV on a group fd
    const va = buffer(s.host, s.p, 2n * 4096n);
    s.ops.mapDma(s.p, RW, va, 0x10_0000n, 2n * 4096n);
    expect(dmaWrite(s.host, NIC, 0x10_1ff0n, [1, 2, 3, 4]).fault).toBeUndefined();
    expect(s.p.mm.read(va + 0x1ff0n, 4)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(dmaRead(s.host, NIC, 0x10_2000n, 4).fault?.reason).toBe('TRANSLATION');
    // the device's MSI window is reserved in the compat IOAS: mapping over it is EINVAL
    expect(errnoOf(() => s.ops.mapDma(s.p, RW, va, 0xfee0_0000n, 4096n))).toBe('EINVAL');
    // an existing mapping: EEXIST
    expect(errnoOf(() => s.ops.mapDma(s.p, RW, va, 0x10_1000n, 4096n))).toBe('EEXIST');
  });

  it('a second open shares the binding; the last close unbinds and blocks DMA', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    const a = openThroughGroup(s, NIC);
    const b = openThroughGroup(s, NIC);
    expect(b.token).toBe(a.token);
    expect(s.ops.openDevices()).toEqual([{ dev: s.nic, devId: s.nic.bound!.id, opens: 2 }]);
    const devId = s.nic.bound!.id;
    s.ops.mapDma(s.p, RW, buffer(s.host, s.p, 4096n), 0x10_0000n, 4096n);
    s.p.close(a.dfd);
    expect(s.nic.bound?.id).toBe(devId);
    expect(dmaRead(s.host, NIC, 0x10_0000n, 4).fault).toBeUndefined();
    s.p.close(b.dfd);
    expect(s.nic.bound).toBeUndefined();
    expect(s.nic.group.owner).toBeUndefined();
    expect(s.nic.group.rid).toBeUndefined();
    expect(s.ctx.objects.has(devId)).toBe(false);
    expect(dmaRead(s.host, NIC, 0x10_0000n, 4).fault?.reason).toBe('BLOCKED');
    expect(s.ops.openDevices()).toEqual([]);
  });

  it('another iommufd owning the group: refused as the cdev bind refuses it (both are iommufd_device_bind), nothing left bound', () => {
    const s = setup();
    // group 4 holds 0000:04:00.0 and 0000:04:00.1: DMA ownership is per group
    const [f0, f1] = [s.host.device('0000:04:00.0'), s.host.device('0000:04:00.1')];
    expect(f0.group).toBe(f1.group);
    const other = s.host.iommufd(s.root, s.host.open(s.root, '/dev/iommu', 2));
    const otherOps = compatOps(other);
    otherOps.attachGroup(s.root, f0.group);
    otherOps.openDevice(s.root, f0);
    s.ops.attachGroup(s.p, f1.group);
    const before = s.ctx.objects.size;
    const viaGroup = errnoOf(() => s.ops.openDevice(s.p, f1));
    expect(s.ctx.objects.size).toBe(before);
    expect(f1.bound).toBeUndefined();
    expect(f0.group.owner).toBe(other);
    // the cdev path of the same device, on the same iommufd, answers alike
    const cdev = s.host.vfioDevice(s.p, s.host.sendFd(s.root, s.host.open(s.root, `/dev/vfio/devices/${f1.spec.cdev}`, 2), s.p));
    const viaCdev = errnoOf(() => cdev.bind(s.p, s.fd, 0));
    expect(viaGroup).toBeDefined();
    expect(viaGroup).toBe(viaCdev);
    expect(s.ctx.objects.size).toBe(before);
  });
});

describe('VFIO_IOMMU_MAP_DMA / UNMAP_DMA (selftest vfio_compat_mock_domain map)', () => {
  for (const type of [VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU]) {
    it(`${type === VFIO_TYPE1_IOMMU ? 'TYPE1' : 'TYPE1v2'}: whole-buffer unmap, empty unmap, UNMAP_ALL rules, 16 pages in random order`, () => {
      const s = setup();
      s.ops.attachGroup(s.p, s.nic.group);
      openThroughGroup(s, NIC);
      s.ops.setIommu(s.p, type);
      const BUFFER_SIZE = 16n * 4096n;
      const va = buffer(s.host, s.p, BUFFER_SIZE);
      const iova = 1n << 24n;
      s.ops.mapDma(s.p, RW, va, iova, BUFFER_SIZE);
      expect(s.ops.unmapDma(s.p, 0, iova, BUFFER_SIZE, 0n)).toEqual({ size: BUFFER_SIZE });
      // unmap of empty is success
      expect(s.ops.unmapDma(s.p, 0, iova, BUFFER_SIZE, 0n)).toEqual({ size: 0n });
      // UNMAP_FLAG_ALL requires 0 iova/size
      s.ops.mapDma(s.p, RW, va, iova, BUFFER_SIZE);
      expect(errnoOf(() => s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_ALL, iova, BUFFER_SIZE, 0n))).toBe('EINVAL');
      expect(errnoOf(() => s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_ALL, 0n, BUFFER_SIZE, 0n))).toBe('EINVAL');
      expect(s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_ALL, 0n, 0n, 0n)).toEqual({ size: BUFFER_SIZE });
      expect(s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_ALL, 0n, 0n, 0n)).toEqual({ size: 0n });
      // small pages unmapped in a fixed pseudo-random order
      for (let i = 0n; i < 16n; i++) s.ops.mapDma(s.p, RW, va + i * 4096n, iova + i * 4096n, 4096n);
      const order = [7, 2, 13, 0, 9, 15, 4, 11, 1, 6, 14, 3, 10, 8, 12, 5];
      for (const i of order) expect(s.ops.unmapDma(s.p, 0, iova + BigInt(i) * 4096n, 4096n, 0n)).toEqual({ size: 4096n });
      expect(s.ctx.vfioIoas!.iopt.areas.size).toBe(0);
      expect(s.p.pinnedPages).toBe(0);
      // size 0 is EINVAL; iova + size past the end EOVERFLOW
      expect(errnoOf(() => s.ops.unmapDma(s.p, 0, iova, 0n, 0n))).toBe('EINVAL');
      expect(errnoOf(() => s.ops.unmapDma(s.p, 0, U64_MAX - 4095n, 8192n, 0n))).toBe('EOVERFLOW');
    });
  }

  it('a BAR VA (PFNMAP) is EFAULT: no P2P through the compat layer', () => {
    const s = setup();
    s.ops.attachGroup(s.p, s.nic.group);
    s.ops.attachGroup(s.p, s.nvme.group);
    s.ops.setIommu(s.p, VFIO_TYPE1v2_IOMMU);
    openThroughGroup(s, NIC);
    const nvme = openThroughGroup(s, NVME);
    const barVa = s.host.mmap(s.p, { addr: 0n, length: 4096n, prot: 3, flags: MAP_SHARED, fd: nvme.dfd, offset: 0n });
    expect(errnoOf(() => s.ops.mapDma(s.p, RW, barVa, 0x20_0000n, 4096n))).toBe('EFAULT');
    expect(s.ctx.vfioIoas!.iopt.areas.size).toBe(0);
    expect(dmaRead(s.host, NIC, 0x20_0000n, 4).fault?.reason).toBe('TRANSLATION');
  });
});

describe('TYPE1 vs TYPE1v2 partial unmap (selftest vfio_compat_mock_domain huge_map)', () => {
  for (const type of [VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU]) {
    it(`${type === VFIO_TYPE1_IOMMU ? 'TYPE1 cuts and unmaps every 1/16 slice' : 'TYPE1v2 refuses a 1/16 slice with ENOENT'}`, () => {
      const s = setup();
      s.ops.attachGroup(s.p, s.nic.group);
      openThroughGroup(s, NIC);
      s.ops.setIommu(s.p, type);
      const size = 2n * 2n * MiB; // 2 × HPAGE_SIZE
      const va = hugeBuffer(s.host, s.p, size);
      const iova = 1n << 30n;
      s.ops.mapDma(s.p, RW, va, iova, size);
      expect(dmaWrite(s.host, NIC, iova + size - 4n, [9, 8, 7, 6]).fault).toBeUndefined();
      const slice = size / 16n;
      const pinned = s.p.pinnedPages;
      expect(pinned).toBe(Number(size >> 12n));
      for (let i = 0n; i < 16n; i++) {
        const at = iova + i * slice;
        if (type === VFIO_TYPE1v2_IOMMU) {
          expect(errnoOf(() => s.ops.unmapDma(s.p, 0, at, slice, 0n))).toBe('ENOENT');
          continue;
        }
        expect(s.ops.unmapDma(s.p, 0, at, slice, 0n)).toEqual({ size: slice });
        // what is left still translates; the slice does not; its pages are unpinned
        expect(dmaRead(s.host, NIC, at, 4).fault?.reason).toBe('TRANSLATION');
        if (i < 15n) expect(dmaRead(s.host, NIC, at + slice, 4).fault).toBeUndefined();
        expect(s.p.pinnedPages).toBe(pinned - Number(((i + 1n) * slice) >> 12n));
      }
      if (type === VFIO_TYPE1v2_IOMMU) {
        expect(s.ctx.vfioIoas!.iopt.areas.size).toBe(1);
        expect(s.ops.unmapDma(s.p, 0, iova, size, 0n)).toEqual({ size });
      }
      expect(s.ctx.vfioIoas!.iopt.areas.size).toBe(0);
      expect(s.p.pinnedPages).toBe(0);
    });
  }

  it('TYPE1 cuts leave the pieces sharing one pages object, each piece mapped where it was', () => {
    const s = setup({ principal: 'qemu' });
    s.ops.attachGroup(s.p, s.nic.group);
    openThroughGroup(s, NIC);
    s.ops.setIommu(s.p, VFIO_TYPE1_IOMMU);
    const va = buffer(s.host, s.p, 8n * 4096n);
    for (let i = 0n; i < 8n; i++) s.p.mm.write(va + i * 4096n, Uint8Array.of(Number(i) + 0x40));
    const cg = s.p.principal.cgroup;
    const before = cg.memoryPages;
    s.ops.mapDma(s.p, RW, va, 0x40_0000n, 8n * 4096n);
    expect(cg.memoryPages - before).toBe(KMEM_PAGES.AREA);
    // a cut allocates two areas first: with room for less than two (the rest of the cgroup's
    // memory.max used by others) it is ENOMEM and nothing is cut
    expect(Number.isFinite(cg.memoryMaxPages)).toBe(true);
    const others = cg.memoryMaxPages - cg.memoryPages - (2 * KMEM_PAGES.AREA - 1);
    cg.memoryPages += others;
    expect(errnoOf(() => s.ops.unmapDma(s.p, 0, 0x40_3000n, 2n * 4096n, 0n))).toBe('ENOMEM');
    cg.memoryPages -= others;
    expect(s.ctx.vfioIoas!.iopt.areas.size).toBe(1);
    expect(cg.memoryPages - before).toBe(KMEM_PAGES.AREA);
    expect(s.ops.unmapDma(s.p, 0, 0x40_3000n, 2n * 4096n, 0n)).toEqual({ size: 8192n });
    // two cuts (+1 area each), one area unmapped
    expect(cg.memoryPages - before).toBe(2 * KMEM_PAGES.AREA);
    const areas = [...s.ctx.vfioIoas!.iopt.areas].map((n) => [n.start, n.last, n.value.pageIndex]);
    expect(areas).toEqual([
      [0x40_0000n, 0x40_2fffn, 0],
      [0x40_5000n, 0x40_7fffn, 5],
    ]);
    const pages = [...s.ctx.vfioIoas!.iopt.areas].map((n) => n.value.pages);
    expect(pages[0]).toBe(pages[1]);
    expect(pages[0]!.refs).toBe(2);
    for (const i of [0, 1, 2, 5, 6, 7]) expect(dmaRead(s.host, NIC, 0x40_0000n + BigInt(i) * 4096n, 1).data).toEqual(Uint8Array.of(i + 0x40));
    expect(s.p.pinnedPages).toBe(6);
    // a cut that is not page aligned under TYPE1 (alignment PAGE_SIZE) is EINVAL, nothing cut
    expect(errnoOf(() => s.ops.unmapDma(s.p, 0, 0x40_0800n, 4096n, 0n))).toBe('EINVAL');
    expect(s.ctx.vfioIoas!.iopt.areas.size).toBe(2);
    expect(s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_ALL, 0n, 0n, 0n)).toEqual({ size: 6n * 4096n });
    expect(cg.memoryPages).toBe(before);
    expect(s.p.pinnedPages).toBe(0);
  });
});

describe('accounting of compat mappings (iopt_map_user_pages: the context mode)', () => {
  it('/dev/vfio/vfio (MM mode) charges the mm (VmLck); a plain /dev/iommu charges the user', () => {
    for (const accountMm of [true, false]) {
      const s = setup({ principal: 'qemu', accountMm });
      s.ops.attachGroup(s.p, s.nic.group);
      openThroughGroup(s, NIC);
      s.ops.setIommu(s.p, VFIO_TYPE1v2_IOMMU);
      const acct = s.p.principal.account!;
      const userBefore = acct.lockedPages;
      s.ops.mapDma(s.p, RW, buffer(s.host, s.p, 4n * 4096n), 0x10_0000n, 4n * 4096n);
      expect(s.p.pinnedPages).toBe(4);
      expect(s.p.lockedPages).toBe(accountMm ? 4 : 0);
      expect(acct.lockedPages - userBefore).toBe(accountMm ? 0 : 4);
      s.ops.unmapDma(s.p, VFIO_DMA_UNMAP_FLAG_ALL, 0n, 0n, 0n);
      expect(s.p.lockedPages).toBe(0);
      expect(acct.lockedPages).toBe(userBefore);
    }
  });
});

describe('TYPE1 cuts and dma-buf areas (iopt_area_split)', () => {
  it('an unmap that would cut a dma-buf area is EOPNOTSUPP; the whole area unmaps', () => {
    const host = new Host(loadProfile('arm-smmuv3'));
    const p = host.spawn(host.principal('root'), 'qemu', 0);
    const ctx = host.iommufd(p, host.open(p, '/dev/iommu', 2));
    const ops = compatOps(ctx);
    const nic = host.device(NIC);
    const nvme = host.device(NVME);
    ops.attachGroup(p, nic.group);
    ops.attachGroup(p, nvme.group);
    ops.openDevice(p, nic);
    ops.openDevice(p, nvme);
    ops.setIommu(p, VFIO_TYPE1_IOMMU);
    const buf = vfioPciFeatureDmaBuf(nvme, 0, [{ offset: 0n, length: 2n * 4096n }], 2, () => {});
    const bfd = p.installFd(buf);
    const ioas = ctx.vfioIoas!;
    ctx.ioasMapFile(p, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE, ioas.id, bfd, 0n, 2n * 4096n, 0x80_0000n);
    // the NIC reaches the NVMe BAR through the dma-buf mapping
    expect(host.deviceDma(NIC, undefined, 0x80_1000n, 2, true, Uint8Array.of(0xc0, 0xde)).fault).toBeUndefined();
    expect(nvme.barRead(0, 0x1000n, 2)).toEqual(Uint8Array.of(0xc0, 0xde));
    expect(errnoOf(() => ops.unmapDma(p, 0, 0x80_1000n, 4096n, 0n))).toBe('EOPNOTSUPP');
    expect(ioas.iopt.areas.size).toBe(1);
    expect(ops.unmapDma(p, 0, 0x80_0000n, 2n * 4096n, 0n)).toEqual({ size: 8192n });
  });
});
