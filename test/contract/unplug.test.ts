/**
 * Surprise removal over gRPC (Platform.Unplug / Plug): what the device, its fds, its group, its
 * peers and the host log show, as the kernel shows it.
 *
 * The kernel facts modelled: pciehp removes the card; the device's DMA stops (DEVICE_GONE); its
 * BARs decode nothing (a peer's DMA to them is a PCIe Unsupported Request, a CPU read of its BAR
 * mmap returns all-ones); the cdev node goes away (open → ENOENT); vfio_unregister_group_dev
 * drops the registration at once (no new dma-buf: vfio_device_try_get_registration fails → ENODEV)
 * and then waits for the user to close the device fds, relaying the device request; fds still
 * open answer what needs no hardware (GET_INFO, REGION_INFO) and fail what does (RESET → ENODEV);
 * the device's dma-bufs are revoked at the last close (vfio_pci_core_close_device →
 * vfio_pci_dma_buf_cleanup). A removed device no longer keeps its group from being viable.
 * Plug adds a new device in the slot once the old one is released (EBUSY before).
 */
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { expectKernelErrno, MAP_FIXED_IOVA, MAP_RW, PAGE, useTestHost, watchEvents } from './harness.js';

const GPU = '0000:03:00.0'; // vfio2 on both hosts
const NIC = '0000:01:00.0'; // vfio0
const FN_HOST = '0000:06:00.1'; // intel-vtd: bound to a host driver, group 6 with vfio5
const DEVICE_GONE = 10; // DMA_FAULT_REASON_DEVICE_GONE

function pack(iovas: bigint[]): Buffer {
  const b = Buffer.alloc(iovas.length * 16);
  iovas.forEach((iova, i) => b.writeBigUInt64LE(iova, i * 16));
  return b;
}

describe('surprise removal on intel-vtd', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });
  const unplug = (bdf: string) => call(t.platform.Platform.Unplug, { bdf });
  const plug = (bdf: string) => call(t.platform.Platform.Plug, { bdf });

  it('the device stops: DEVICE_GONE DMA, DEVICE_UNPLUGGED, node gone, open fds answer what needs no hardware; Plug waits for the last close', async () => {
    const { sys, fd, devFd, ioas } = await t.deviceSetup('vfio2');
    const mem = await sys.memfd('ram', 4n * PAGE);
    await sys.mapFile(fd, ioas, mem, 0n, 4n * PAGE, 0x100000n, MAP_FIXED_IOVA | MAP_RW);
    const bar = await sys.mmap(PAGE, { fd: devFd, offset: 0n });
    await sys.write(bar, new Uint8Array([0x5a, 0x5b]));
    expect((await t.hw.dma(GPU, 0x100000n, 4)).result).toBe('data');
    const ev = watchEvents(t.platform);
    await unplug(GPU);
    const e = await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DEVICE_UNPLUGGED' && x.bdf === GPU);
    expect(e.message).toContain('relaying device request to user (1 open device fds)');
    // DMA stops
    const r = await t.hw.dma(GPU, 0x100000n, 4);
    expect(r.result).toBe('fault');
    expect(r.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_DEVICE_GONE', addr: String(0x100000n) });
    const b = await call(t.platform.Platform.DeviceDmaBatch, { bdf: GPU, entries: pack([0x100000n, 0x101000n]) });
    expect(b.translated).toBe(0);
    expect(b.faults).toBe(2);
    expect((b.results as Buffer).readUInt32LE(8)).toBe(DEVICE_GONE);
    expect((b.results as Buffer).readUInt32LE(24)).toBe(DEVICE_GONE);
    // the host's view
    const d = (await t.hw.describe()).devices.find((x) => x.bdf === GPU)!;
    expect(d.present).toBe(false);
    // the cdev node is gone; the open fd still answers what needs no hardware
    await expectKernelErrno(sys.open('/dev/vfio/devices/vfio2'), 'ENOENT');
    const info = await sys.raw<{ flags: number; num_regions: number }>('Vfio', 'DeviceGetInfo', { device_fd: devFd });
    expect(info.num_regions).toBe(9);
    const ri = await sys.raw<{ size: string }>('Vfio', 'DeviceGetRegionInfo', { device_fd: devFd, index: 0 });
    expect(ri.size).toBe(String(16n << 20n));
    await expectKernelErrno(sys.raw('Vfio', 'DeviceReset', { device_fd: devFd }), 'ENODEV');
    // its BAR mmap reads all-ones (master abort), writes vanish
    expect([...(await sys.read(bar, 4))]).toEqual([0xff, 0xff, 0xff, 0xff]);
    await sys.write(bar, new Uint8Array([1]));
    // platform calls on a removed device
    await expectKernelErrno(call(t.platform.Platform.SetBarDecode, { bdf: GPU, enabled: false }), 'ENODEV');
    await expectKernelErrno(unplug(GPU), 'ENODEV');
    await expectKernelErrno(call(t.platform.Platform.SetDriver, { bdf: GPU, driver: 'host' }), 'ENODEV');
    // the removal waits for the user: Plug → EBUSY until the device fd is closed
    await expectKernelErrno(plug(GPU), 'EBUSY');
    await sys.munmap(bar, PAGE); // the mapping holds the device file
    await sys.close(devFd);
    await plug(GPU);
    await expectKernelErrno(plug(GPU), 'EEXIST');
    expect((await t.hw.describe()).devices.find((x) => x.bdf === GPU)!.present).toBe(true);
    // a new open gets a fresh device: usable, its BAR contents reset
    const dev2 = await sys.open('/dev/vfio/devices/vfio2');
    await sys.bind(dev2, fd);
    await sys.attach(dev2, ioas);
    await sys.write((await sys.mmap(PAGE, { fd: mem })) + 8n, new Uint8Array([0x42]));
    const again = await t.hw.dma(GPU, 0x100008n, 1);
    expect([...(again.data as Buffer)]).toEqual([0x42]);
    const bar2 = await sys.mmap(PAGE, { fd: dev2, offset: 0n });
    expect([...(await sys.read(bar2, 2))]).toEqual([0, 0]);
    ev.cancel();
  });

  it('a removed device does not keep its group from being viable; plugged back while the group is owned, its host driver cannot bind', async () => {
    const sys = await t.spawn(t.root, 'unplug-group');
    const fd = await sys.open('/dev/iommu');
    const dev = await sys.open('/dev/vfio/devices/vfio5');
    await expectKernelErrno(sys.bind(dev, fd), 'EPERM'); // 06:00.1 is bound to a host driver
    await unplug(FN_HOST);
    try {
      await sys.bind(dev, fd);
      // a device in the slot while vfio5 owns group 6: the host driver's probe fails
      await plug(FN_HOST);
      expect((await t.hw.describe()).devices.find((x) => x.bdf === FN_HOST)!.driver).toBe('none');
    } finally {
      await sys.close(dev);
    }
    // restore: unplug and plug with the group free again, the host driver binds
    await unplug(FN_HOST);
    await plug(FN_HOST);
    expect((await t.hw.describe()).devices.find((x) => x.bdf === FN_HOST)!.driver).toBe('host');
  });
});

describe('surprise removal of a dma-buf exporter on arm-smmuv3', () => {
  const t = useTestHost('arm-smmuv3', { checkTeardown: true });

  it("a peer's DMA to the removed BAR is an Unsupported Request; no new dma-buf (ENODEV); the last close revokes the imports", async () => {
    const sys = await t.spawn(t.root, 'unplug-p2p');
    const fd = await sys.open('/dev/iommu');
    const ioas = await sys.ioasAlloc(fd);
    const nic = await sys.open('/dev/vfio/devices/vfio0');
    await sys.bind(nic, fd);
    await sys.attach(nic, ioas);
    const gpu = await sys.open('/dev/vfio/devices/vfio2');
    await sys.bind(gpu, fd);
    const { dmabuf_fd: buf } = await sys.raw<{ dmabuf_fd: number }>('Vfio', 'DeviceGetDmabuf', { device_fd: gpu, region_index: 0, ranges: [{ offset: '0', length: String(PAGE) }], open_flags: 2 });
    const A = await sys.mapFile(fd, ioas, buf, 0n, PAGE, 0x300000n, MAP_FIXED_IOVA | MAP_RW);
    const w = await t.hw.dma(NIC, A, 2, { write: new Uint8Array([3, 4]) });
    expect(w.result).toBe('written');
    const ev = watchEvents(t.platform);
    await call(t.platform.Platform.Unplug, { bdf: GPU });
    await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DEVICE_UNPLUGGED' && x.bdf === GPU);
    // the IOMMU still translates A (the dma-buf is not revoked yet) but nothing decodes the BAR
    const r = await t.hw.dma(NIC, A + 16n, 4);
    expect(r.result).toBe('fault');
    expect(r.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_UNSUPPORTED_REQUEST', addr: String(A + 16n) });
    const f = await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DMA_FAULT' && x.bdf === NIC);
    expect(f.fault!.reason).toBe('DMA_FAULT_REASON_UNSUPPORTED_REQUEST');
    await expectKernelErrno(sys.raw('Vfio', 'DeviceGetDmabuf', { device_fd: gpu, region_index: 0, ranges: [{ offset: '0', length: String(PAGE) }] }), 'ENODEV');
    // the user lets go of the device: its dma-bufs are revoked, the import's mapping goes
    await sys.close(gpu);
    const rv = await ev.until((x) => x.kind === 'HOST_EVENT_KIND_DMABUF_REVOKED' && x.pid === sys.pid);
    expect(rv.bdf).toBe(GPU);
    const after = await t.hw.dma(NIC, A, 4);
    expect(after.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION' });
    await expectKernelErrno(sys.mapFile(fd, ioas, buf, 0n, PAGE), 'ENODEV');
    ev.cancel();
    await call(t.platform.Platform.Plug, { bdf: GPU });
    await sys.unmap(fd, ioas, A, PAGE);
  });
});

describe('a BAR mapped through its mmap VA on native type1 (intel-vtd-legacy): decode and removal at the target', () => {
  const t = useTestHost('intel-vtd-legacy', { checkTeardown: true });
  const TYPE1v2 = 3;

  it('decode off: the type1 mapping stays (no dma-buf to revoke) but the peer gets an Unsupported Request; on: the same mapping works again; removal: Unsupported Request', async () => {
    const s = await t.spawn(t.root, 'type1-p2p');
    const raw = <R>(m: string, req: Record<string, unknown>) => s.raw<R>('Vfio', m, req);
    const c = await s.open('/dev/vfio/vfio');
    const g1 = await s.open('/dev/vfio/1');
    const g3 = await s.open('/dev/vfio/3');
    await raw('GroupSetContainer', { group_fd: g1, container_fd: c });
    await raw('GroupSetContainer', { group_fd: g3, container_fd: c });
    await raw('ContainerSetIommu', { container_fd: c, type: TYPE1v2 });
    await raw('GroupGetDeviceFd', { group_fd: g1, name: NIC }); // the NIC's user opens it too
    const gpu = (await raw<{ device_fd: number }>('GroupGetDeviceFd', { group_fd: g3, name: GPU })).device_fd;
    const bar = await s.mmap(16n * PAGE, { fd: gpu, offset: 0n });
    const A = 0x100000n;
    await raw('ContainerMapDma', { container_fd: c, flags: 3, vaddr: bar.toString(), iova: A.toString(), size: String(16n * PAGE) });
    const w = await t.hw.dma(NIC, A + PAGE, 2, { write: new Uint8Array([0xc1, 0xc2]) });
    expect(w.result, w.fault?.detail).toBe('written');
    expect([...(await s.read(bar + PAGE, 2))]).toEqual([0xc1, 0xc2]);
    const ev = watchEvents(t.platform);
    await call(t.platform.Platform.SetBarDecode, { bdf: GPU, enabled: false });
    try {
      const r = await t.hw.dma(NIC, A + PAGE, 2);
      expect(r.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_UNSUPPORTED_REQUEST', addr: String(A + PAGE) });
      await expectKernelErrno(s.read(bar, 1), 'EFAULT');
    } finally {
      await call(t.platform.Platform.SetBarDecode, { bdf: GPU, enabled: true });
    }
    const back = await t.hw.dma(NIC, A + PAGE, 2);
    expect([...(back.data as Buffer)]).toEqual([0xc1, 0xc2]);
    await call(t.platform.Platform.Unplug, { bdf: GPU });
    const gone = await t.hw.dma(NIC, A + PAGE, 2);
    expect(gone.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_UNSUPPORTED_REQUEST' });
    expect(ev.seen.some((x) => x.kind === 'HOST_EVENT_KIND_DMABUF_REVOKED')).toBe(false);
    ev.cancel();
    await raw('ContainerUnmapDma', { container_fd: c, flags: 0, iova: A.toString(), size: String(16n * PAGE), bitmap_pgsize: '0' });
    await s.munmap(bar, 16n * PAGE);
    await s.close(gpu);
    await call(t.platform.Platform.Plug, { bdf: GPU });
  });
});
