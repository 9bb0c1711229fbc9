import { describe, expect, it } from 'vitest';
import { deviceSetup, expectErrno, PAGE, Sys, useTestHost } from './harness.js';

const t = useTestHost();

describe('host-iommu over gRPC: the assigned-device story', () => {
  it('a qemu process cannot open /dev/iommu or a VFIO cdev, but works with fds root sent it', async () => {
    const qemu = await Sys.spawn(t.qemu, 'qemu');
    await expectErrno(qemu.open('/dev/iommu'), 'EACCES');
    await expectErrno(qemu.open('/dev/vfio/devices/vfio0'), 'EACCES');
    const libvirt = await Sys.spawn(t.root, 'libvirtd');
    const ifd = await libvirt.open('/dev/iommu');
    const dfd = await libvirt.open('/dev/vfio/devices/vfio0');
    const qifd = await libvirt.sendFd(ifd, qemu);
    const qdfd = await libvirt.sendFd(dfd, qemu);
    await libvirt.close(ifd);
    await libvirt.close(dfd);
    const devId = await qemu.bind(qdfd, qifd);
    const ioas = await qemu.ioasAlloc(qifd);
    const hwpt = await qemu.attach(qdfd, ioas);
    expect(devId).toBe(1);
    expect(ioas).toBe(2);
    expect(hwpt).toBe(3);
    // guest RAM: a memfd mapped into qemu; the device DMAs into it through IOVAs
    const ram = await qemu.memfd('guest-ram', 64n << 20n);
    const va = await qemu.mmap(64n << 20n, { fd: ram });
    await qemu.map(qifd, ioas, va, 1n << 20n, 0x100000n);
    expect((await qemu.status()).pinned).toBe(1n << 20n);
    expect((await qemu.status()).locked).toBe(0n); // default per-user accounting
    const hw = t.hw;
    await qemu.write(va + 0x2010n, new TextEncoder().encode('guest wrote this'));
    const r = await hw.dma('0000:01:00.0', 0x102010n, 16);
    expect(r.result).toBe('data');
    expect(Buffer.from(r.data!).toString()).toBe('guest wrote this');
    const w = await hw.dma('0000:01:00.0', 0x103000n, 4, { write: new Uint8Array([1, 2, 3, 4]) });
    expect(w.result).toBe('written');
    expect([...(await qemu.read(va + 0x3000n, 4))]).toEqual([1, 2, 3, 4]);
    // unmap: DMA faults
    expect(await qemu.unmap(qifd, ioas, 0x100000n, 1n << 20n)).toBe(1n << 20n);
    expect((await qemu.status()).pinned).toBe(0n);
    const f = await hw.dma('0000:01:00.0', 0x102010n, 16);
    expect(f.result).toBe('fault');
    expect(f.fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    // exit releases everything
    await qemu.map(qifd, ioas, va, 2n * PAGE, 0x200000n);
    expect((await qemu.status()).pinned).toBe(2n * PAGE);
    await qemu.exit();
    const ins = await hw.inspect({ host: true });
    expect(ins.pinned!.pages).toBe('0');
    expect(ins.page_tables).toEqual([]);
  });

  it('binding a device whose group has a host-owned member fails with EPERM', async () => {
    const s = await Sys.spawn(t.root);
    const ifd = await s.open('/dev/iommu');
    const dfd = await s.open('/dev/vfio/devices/vfio5');
    await expectErrno(s.bind(dfd, ifd), 'EPERM');
    await s.exit();
  });

  it('DMA after detach is blocked', async () => {
    const { sys, fd, devFd, ioas } = await deviceSetup(t.root, 'vfio1');
    const va = await sys.mmap(PAGE);
    await sys.map(fd, ioas, va, PAGE, 0x10000n);
    const hw = t.hw;
    expect((await hw.dma('0000:02:00.0', 0x10000n, 8)).result).toBe('data');
    await sys.detach(devFd);
    const f = await hw.dma('0000:02:00.0', 0x10000n, 8);
    expect(f.fault!.reason).toBe('DMA_FAULT_REASON_BLOCKED');
    await sys.exit();
  });
});
