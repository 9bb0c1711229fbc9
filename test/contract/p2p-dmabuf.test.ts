/**
 * Peer-to-peer MMIO through dma-buf over gRPC (iommufd-kernel-semantics.md §3.10): vfio-pci's
 * VFIO_DEVICE_FEATURE_DMA_BUF (drivers/vfio/pci/vfio_pci_dmabuf.c) and IOMMU_IOAS_MAP_FILE of the
 * dma-buf (drivers/iommu/iommufd/pages.c, IOPT_ADDRESS_DMABUF), revocation by memory decode, reset
 * and close, and the iommufd_ioas dmabuf_simple / dmabuf_multi_page / dmabuf_revoke selftests
 * (§5.4 items 37-39).
 *
 * Adaptations: the selftest's mock exporter (IOMMU_TEST_OP_DMABUF_GET/REVOKE, kzalloc memory)
 * becomes a real BAR export of the GPU 0000:03:00.0 (vfio2, BAR0 16 MiB) on arm-smmuv3, its
 * revocation a memory-decode write (Platform.SetBarDecode), and MD_CHECK_DMABUF a DMA of the NIC
 * 0000:01:00.0 (vfio0) through the IOAS whose bytes are read back through the GPU's BAR mmap.
 */
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { expectKernelErrno, MAP_FIXED_IOVA, MAP_RW, PAGE, Sys, useTestHost, watchEvents } from './harness.js';

const NIC = '0000:01:00.0'; // vfio0
const GPU = '0000:03:00.0'; // vfio2, BAR0 16 MiB, BAR1 256 MiB
const BAR_SHIFT = 40n; // VFIO_PCI_OFFSET_SHIFT
const O_RDWR = 2;

const t = useTestHost('arm-smmuv3', { checkTeardown: true });

interface Rig {
  sys: Sys;
  fd: number;
  ioas: number;
  nicFd: number;
  nicId: number;
  gpuFd: number;
}

/** A root process: /dev/iommu, the NIC attached to a fresh IOAS, the GPU bound (its exporter). */
async function rig(): Promise<Rig> {
  const sys = await t.spawn(t.root, 'p2p');
  const fd = await sys.open('/dev/iommu');
  const ioas = await sys.ioasAlloc(fd);
  const nicFd = await sys.open('/dev/vfio/devices/vfio0');
  const nicId = await sys.bind(nicFd, fd);
  await sys.attach(nicFd, ioas);
  const gpuFd = await sys.open('/dev/vfio/devices/vfio2');
  await sys.bind(gpuFd, fd);
  return { sys, fd, ioas, nicFd, nicId, gpuFd };
}

function getDmabuf(sys: Sys, devFd: number, region: number, ranges: Array<[bigint, bigint]>, openFlags = O_RDWR): Promise<{ dmabuf_fd: number }> {
  return sys.raw('Vfio', 'DeviceGetDmabuf', { device_fd: devFd, region_index: region, ranges: ranges.map(([o, l]) => ({ offset: o.toString(), length: l.toString() })), open_flags: openFlags });
}

async function decode(bdf: string, enabled: boolean): Promise<void> {
  await call(t.platform.Platform.SetBarDecode, { bdf, enabled });
}

/** NIC DMA write of `data` at `iova`, then a DMA read back. */
async function nicWrites(iova: bigint, data: Uint8Array): Promise<void> {
  const w = await t.hw.dma(NIC, iova, data.length, { write: data });
  expect(w.result, w.fault?.detail).toBe('written');
}

async function nicFaults(iova: bigint, reason: string): Promise<void> {
  const r = await t.hw.dma(NIC, iova, 8);
  expect(r.result).toBe('fault');
  expect(r.fault!.reason).toBe(reason);
  expect(r.fault!.addr).toBe(iova.toString());
}

describe('VFIO_DEVICE_FEATURE_DMA_BUF (vfio_pci_core_feature_dma_buf)', () => {
  it('argument checks in the kernel order: access, nr_ranges, region index, ranges, BAR, then a DMABUF fd', async () => {
    const { sys, gpuFd } = await rig();
    // an unbound cdev fd has no access yet (EINVAL before anything else)
    const sys2 = await t.spawn(t.root, 'p2p-unbound');
    const unbound = await sys2.open('/dev/vfio/devices/vfio1');
    await expectKernelErrno(getDmabuf(sys2, unbound, 0, [[0n, PAGE]]), 'EINVAL');
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, []), 'EINVAL'); // !nr_ranges
    await expectKernelErrno(getDmabuf(sys, gpuFd, 6, [[0n, PAGE]]), 'ENODEV'); // >= VFIO_PCI_ROM_REGION_INDEX
    await expectKernelErrno(getDmabuf(sys, gpuFd, 7, [[0n, PAGE]]), 'ENODEV');
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[0n, 0n]]), 'EINVAL'); // zero length
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[2048n, PAGE]]), 'EINVAL'); // offset not page aligned
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[0n, 100n]]), 'EINVAL'); // length not page aligned
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[0n, 1n << 63n]]), 'EINVAL'); // DMA_IOVA_USE_SWIOTLB
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[(1n << 64n) - PAGE, PAGE]]), 'EOVERFLOW'); // BAR start + offset wraps
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[16n << 20n, PAGE]]), 'EINVAL'); // past the 16 MiB BAR
    await expectKernelErrno(getDmabuf(sys, gpuFd, 0, [[(16n << 20n) - PAGE, 2n * PAGE]]), 'EINVAL');
    await expectKernelErrno(getDmabuf(sys, gpuFd, 3, [[0n, PAGE]]), 'EINVAL'); // no BAR3: no p2pdma provider
    const before = (await sys.status()).fds.length;
    const { dmabuf_fd } = await getDmabuf(sys, gpuFd, 0, [[(16n << 20n) - PAGE, PAGE]]);
    const st = await sys.status();
    expect(st.fds.length).toBe(before + 1);
    expect(st.fds.find((f) => f.fd === dmabuf_fd)?.kind).toBe('FD_KIND_DMABUF');
    const two = await getDmabuf(sys, gpuFd, 1, [[0n, PAGE], [4n * PAGE, PAGE]]);
    expect(two.dmabuf_fd).toBe(dmabuf_fd + 1);
  });

  it('Describe: the arm-smmuv3 kernel has dmabuf_p2p and every BAR decodes', async () => {
    const d = await t.hw.describe();
    expect(d.kernel_features!.dmabuf_p2p).toBe(true);
    expect(d.devices.every((x) => x.bar_decode)).toBe(true);
  });
});

describe('IOMMU_IOAS_MAP_FILE of a dma-buf (iommufd_ioas.dmabuf_simple, dmabuf_multi_page)', () => {
  it('dmabuf_simple: range checks against the buf size; the whole buf maps, unpinned and unaccounted', async () => {
    const { sys, fd, ioas, gpuFd } = await rig();
    const size = 16n * PAGE;
    const { dmabuf_fd: buf } = await getDmabuf(sys, gpuFd, 0, [[0n, size]]);
    await expectKernelErrno(sys.mapFile(fd, ioas, buf, 0n, 0n), 'EINVAL');
    await expectKernelErrno(sys.mapFile(fd, ioas, buf, size, size), 'EINVAL');
    await expectKernelErrno(sys.mapFile(fd, ioas, buf, 0n, size + 1n), 'EINVAL');
    const iova = await sys.mapFile(fd, ioas, buf, 0n, size, 0x100000n, MAP_FIXED_IOVA | MAP_RW);
    expect(iova).toBe(0x100000n);
    // no pinning, no accounting (IOPT_PAGES_ACCOUNT_NONE)
    const st = await sys.status();
    expect(st.pinned).toBe(0n);
    expect(st.locked).toBe(0n);
    // only IOPT_ADDRESS_FILE areas move with IOMMU_IOAS_CHANGE_PROCESS
    await expectKernelErrno(sys.changeProcess(fd), 'EINVAL');
    const info = await t.hw.inspect({ iommufd_object: { pid: sys.pid, fd, id: ioas } });
    expect(info.areas).toEqual([expect.objectContaining({ ioas_id: ioas, iova: '1048576', last: String(0x100000n + size - 1n), source: 'AREA_SOURCE_DMABUF', file_offset: '0', pinned_pages: '0' })]);
    // the NIC's DMA lands in the GPU's BAR0: read back through the BAR mmap
    const bar = await sys.mmap(size, { fd: gpuFd, offset: 0n });
    const data = new Uint8Array(64).map((_, i) => 0xa0 ^ i);
    await nicWrites(0x100000n + 5n * PAGE + 8n, data);
    expect(Buffer.from(await sys.read(bar + 5n * PAGE + 8n, 64)).equals(Buffer.from(data))).toBe(true);
    // and the CPU's write to the BAR is what the NIC reads
    await sys.write(bar + 15n * PAGE, new Uint8Array([1, 2, 3, 4]));
    const r = await t.hw.dma(NIC, 0x100000n + 15n * PAGE, 4);
    expect([...(r.data as Buffer)]).toEqual([1, 2, 3, 4]);
    await sys.munmap(bar, size);
    expect(await sys.unmap(fd, ioas, 0x100000n, size)).toBe(size);
  });

  it('dmabuf_multi_page: 1 page, 64 pages, a sub-range and two sub-ranges of one buf; a buf of two ranges → EOPNOTSUPP', async () => {
    const { sys, fd, ioas, gpuFd } = await rig();
    const bar = await sys.mmap(1n << 20n, { fd: gpuFd, offset: 0n });
    const one = (await getDmabuf(sys, gpuFd, 0, [[0n, PAGE]])).dmabuf_fd;
    const sixtyFour = (await getDmabuf(sys, gpuFd, 0, [[0n, 64n * PAGE]])).dmabuf_fd;
    const checks: Array<[number, bigint, bigint, bigint]> = [
      [one, 0n, PAGE, 0x1000000n],
      [sixtyFour, 0n, 64n * PAGE, 0x2000000n],
      [sixtyFour, 4n * PAGE, 8n * PAGE, 0x3000000n],
      [sixtyFour, 20n * PAGE, 2n * PAGE, 0x4000000n],
    ];
    for (const [buf, start, len, iova] of checks) {
      expect(await sys.mapFile(fd, ioas, buf, start, len, iova, MAP_FIXED_IOVA | MAP_RW)).toBe(iova);
      // MD_CHECK_DMABUF: the last page of the mapping is BAR0 at `start + len - PAGE`
      const tag = new Uint8Array([Number(iova >> 24n), Number(start >> 12n), Number(len >> 12n)]);
      await sys.write(bar + start + len - PAGE, tag);
      const r = await t.hw.dma(NIC, iova + len - PAGE, 3);
      expect([...(r.data as Buffer)]).toEqual([...tag]);
    }
    const split = (await getDmabuf(sys, gpuFd, 0, [[0n, PAGE], [2n * PAGE, PAGE]])).dmabuf_fd;
    await expectKernelErrno(sys.mapFile(fd, ioas, split, 0n, PAGE), 'EOPNOTSUPP');
    for (const [, , len, iova] of checks) await sys.unmap(fd, ioas, iova, len);
    await sys.munmap(bar, 1n << 20n);
  });

  it('a dma-buf of a range inside BAR1 maps exactly that range; IOAS_UNMAP of part of its area → ENOENT', async () => {
    const { sys, fd, ioas, gpuFd } = await rig();
    const { dmabuf_fd: buf } = await getDmabuf(sys, gpuFd, 1, [[8n * PAGE, 4n * PAGE]]);
    const iova = await sys.mapFile(fd, ioas, buf, 0n, 4n * PAGE, 0x800000n, MAP_FIXED_IOVA | MAP_RW);
    await expectKernelErrno(sys.unmap(fd, ioas, iova, PAGE), 'ENOENT');
    const bar1 = await sys.mmap(16n * PAGE, { fd: gpuFd, offset: 1n << BAR_SHIFT });
    await nicWrites(iova + 2n * PAGE, new Uint8Array([9, 8, 7]));
    expect([...(await sys.read(bar1 + 10n * PAGE, 3))]).toEqual([9, 8, 7]);
    await sys.munmap(bar1, 16n * PAGE);
    await sys.unmap(fd, ioas, iova, 4n * PAGE);
  });
});

describe('revocation (iommufd_ioas.dmabuf_revoke; vfio_pci_dma_buf_move / _cleanup)', () => {
  it('memory decode off: DMABUF_REVOKED, mappings torn down with the IOVA kept, MAP_FILE → ENODEV, BAR mmap → EFAULT; on: a new map works, the old area stays revoked until remapped', async () => {
    const { sys, fd, ioas, nicFd, nicId, gpuFd } = await rig();
    const ev = watchEvents(t.platform);
    const { dmabuf_fd: buf } = await getDmabuf(sys, gpuFd, 0, [[0n, 4n * PAGE]]);
    const A = 0x200000n;
    await sys.mapFile(fd, ioas, buf, 0n, 4n * PAGE, A, MAP_FIXED_IOVA | MAP_RW);
    const bar = await sys.mmap(4n * PAGE, { fd: gpuFd, offset: 0n });
    await nicWrites(A, new Uint8Array([0x11]));
    expect([...(await sys.read(bar, 1))]).toEqual([0x11]);
    try {
      await decode(GPU, false);
      const e = await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DMABUF_REVOKED' && x.pid === sys.pid);
      expect(e.bdf).toBe(GPU);
      expect(e.message).toContain(`fd ${buf} of pid ${sys.pid}`);
      expect((await t.hw.describe()).devices.find((x) => x.bdf === GPU)!.bar_decode).toBe(false);
      // the mapping is gone from the domain: the NIC's DMA faults like an unmapped IOVA
      await nicFaults(A, 'DMA_FAULT_REASON_TRANSLATION');
      // the area keeps its IOVA
      await expectKernelErrno(sys.mapFile(fd, ioas, buf, 0n, PAGE, A, MAP_FIXED_IOVA | MAP_RW), 'ENODEV');
      const memfd = await sys.memfd('ram', 4n * PAGE);
      await expectKernelErrno(sys.mapFile(fd, ioas, memfd, 0n, PAGE, A, MAP_FIXED_IOVA | MAP_RW), 'EEXIST');
      // a new MAP_FILE of the revoked buf → ENODEV; a new export is revoked from the start
      await expectKernelErrno(sys.mapFile(fd, ioas, buf, 0n, PAGE), 'ENODEV');
      const late = (await getDmabuf(sys, gpuFd, 0, [[0n, PAGE]])).dmabuf_fd;
      await expectKernelErrno(sys.mapFile(fd, ioas, late, 0n, PAGE), 'ENODEV');
      // the CPU's mmap of the BAR is zapped: SIGBUS
      await expectKernelErrno(sys.read(bar, 1), 'EFAULT');
      // HWPT_ALLOC on the IOAS still works: the fill skips the revoked pages
      expect((await t.hw.inspect({ iommufd_object: { pid: sys.pid, fd, id: ioas } })).areas.length).toBe(1);
      const hwpt = await sys.hwptAlloc(fd, nicId, ioas);
      await sys.attach(nicFd, hwpt);
      await nicFaults(A, 'DMA_FAULT_REASON_TRANSLATION');
      await sys.attach(nicFd, ioas);
      await sys.destroy(fd, hwpt);
    } finally {
      await decode(GPU, true);
    }
    // decode back on: the buf is usable again, the old area is not restored
    expect([...(await sys.read(bar, 1))]).toEqual([0x11]);
    await nicFaults(A, 'DMA_FAULT_REASON_TRANSLATION');
    const B = await sys.mapFile(fd, ioas, buf, 0n, PAGE, 0x400000n, MAP_FIXED_IOVA | MAP_RW);
    const r = await t.hw.dma(NIC, B, 1);
    expect([...(r.data as Buffer)]).toEqual([0x11]);
    // unmap the original and map again at its IOVA
    expect(await sys.unmap(fd, ioas, A, 4n * PAGE)).toBe(4n * PAGE);
    expect(await sys.mapFile(fd, ioas, buf, 0n, 4n * PAGE, A, MAP_FIXED_IOVA | MAP_RW)).toBe(A);
    await nicWrites(A + PAGE, new Uint8Array([0x22]));
    expect([...(await sys.read(bar + PAGE, 1))]).toEqual([0x22]);
    ev.cancel();
    await sys.munmap(bar, 4n * PAGE);
    await sys.unmap(fd, ioas, A, 4n * PAGE);
    await sys.unmap(fd, ioas, B, PAGE);
  });

  it('VFIO_DEVICE_RESET of the exporter revokes the imports for good; the buf itself is usable again after the reset', async () => {
    const { sys, fd, ioas, gpuFd } = await rig();
    const ev = watchEvents(t.platform);
    const { dmabuf_fd: buf } = await getDmabuf(sys, gpuFd, 0, [[0n, PAGE]]);
    const A = await sys.mapFile(fd, ioas, buf, 0n, PAGE, 0x600000n, MAP_FIXED_IOVA | MAP_RW);
    await nicWrites(A, new Uint8Array([5]));
    await sys.raw('Vfio', 'DeviceReset', { device_fd: gpuFd });
    await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DMABUF_REVOKED' && x.pid === sys.pid);
    ev.cancel();
    await nicFaults(A, 'DMA_FAULT_REASON_TRANSLATION');
    const B = await sys.mapFile(fd, ioas, buf, 0n, PAGE, 0x700000n, MAP_FIXED_IOVA | MAP_RW);
    await nicWrites(B, new Uint8Array([6]));
    const r = await t.hw.dma(NIC, B, 1);
    expect([...(r.data as Buffer)]).toEqual([6]);
    await sys.unmap(fd, ioas, A, PAGE);
    await sys.unmap(fd, ioas, B, PAGE);
  });

  it('closing the exporter revokes its bufs for good (vfio_pci_dma_buf_cleanup): the import faults, MAP_FILE → ENODEV; the area still holds the buf', async () => {
    const { sys, fd, ioas, gpuFd } = await rig();
    const ev = watchEvents(t.platform);
    const { dmabuf_fd: buf } = await getDmabuf(sys, gpuFd, 0, [[0n, PAGE]]);
    const A = await sys.mapFile(fd, ioas, buf, 0n, PAGE, 0x900000n, MAP_FIXED_IOVA | MAP_RW);
    await sys.close(buf); // the area holds the dma-buf
    await nicWrites(A, new Uint8Array([7]));
    await sys.close(gpuFd);
    const e = await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DMABUF_REVOKED' && x.bdf === GPU && x.message.includes('no fd holds it'));
    expect(e.pid).toBe(0);
    ev.cancel();
    await nicFaults(A, 'DMA_FAULT_REASON_TRANSLATION');
    // a new open of the device exports anew
    const gpu2 = await sys.open('/dev/vfio/devices/vfio2');
    await sys.bind(gpu2, fd);
    const fresh = (await getDmabuf(sys, gpu2, 0, [[0n, PAGE]])).dmabuf_fd;
    const B = await sys.mapFile(fd, ioas, fresh, 0n, PAGE, 0xa00000n, MAP_FIXED_IOVA | MAP_RW);
    const r = await t.hw.dma(NIC, B, 1);
    expect(r.result).toBe('data');
    await sys.unmap(fd, ioas, A, PAGE);
    await sys.unmap(fd, ioas, B, PAGE);
  });
});

describe('hosts without VFIO dma-buf export', () => {
  const vtd = useTestHost('intel-vtd');
  it('intel-vtd: DeviceGetDmabuf → ENOTTY after the access check; Describe says dmabuf_p2p false', async () => {
    const sys = await vtd.spawn(vtd.root, 'p2p-vtd');
    const fd = await sys.open('/dev/iommu');
    const dev = await sys.open('/dev/vfio/devices/vfio2');
    await expectKernelErrno(getDmabuf(sys, dev, 0, [[0n, PAGE]]), 'EINVAL'); // not bound: no access
    await sys.bind(dev, fd);
    await expectKernelErrno(getDmabuf(sys, dev, 0, [[0n, PAGE]]), 'ENOTTY');
    expect((await vtd.hw.describe()).kernel_features!.dmabuf_p2p).toBe(false);
  });
});
