/**
 * The dma-buf pages object (IOPT_ADDRESS_DMABUF) and the exporter's revocation, in process: the
 * frames an area maps are the BAR's, nothing is pinned or charged, the areas' references hold
 * the dma-buf file, and a revocation is one-way for the importer (iopt_revoke_notify) while the
 * exporter itself comes back with memory decode (vfio_pci_dma_buf_move).
 */
import { describe, expect, it } from 'vitest';
import { Host } from '../platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import { DmabufFile, DmabufPages, dmabufsOf } from './dmabuf.js';

const RW_FIXED = 1 | 2 | 4; // FIXED_IOVA | WRITEABLE | READABLE

function setup() {
  const host = new Host(loadProfile('arm-smmuv3'));
  const p = host.spawn(host.principal('root'), 'dmabuf', 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const nic = host.vfioDevice(p, host.open(p, '/dev/vfio/devices/vfio0', 2));
  nic.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  nic.attach(p, 0, ioas, 0);
  const gpuFd = host.open(p, '/dev/vfio/devices/vfio2', 2);
  const gpu = host.vfioDevice(p, gpuFd);
  gpu.bind(p, ifd, 0);
  const revoked: DmabufFile[] = [];
  const buf = gpu.getDmabuf(true, 0, [{ offset: 0x10000n, length: 0x8000n }], 2, (b) => revoked.push(b));
  const bufFd = p.installFd(buf);
  const areaAt = (iova: bigint) => ctx.getIoas(ioas).iopt.areas.find(iova)!.value;
  return { host, p, ctx, ioas, gpu, gpuFd, buf, bufFd, revoked, areaAt };
}

describe('DmabufPages', () => {
  it('maps the BAR frames from the buf offset, pins and charges nothing, and holds the dma-buf while an area uses it', () => {
    const s = setup();
    const bar0 = s.gpu.dev.bar(0).base;
    expect(s.buf.phys).toEqual([{ paddr: bar0 + 0x10000n, len: 0x8000n }]);
    s.ctx.ioasMapFile(s.p, RW_FIXED, s.ioas, s.bufFd, 0x2000n, 0x3000n, 0x40000n);
    const area = s.areaAt(0x40000n);
    const pg = area.pages as DmabufPages;
    expect(pg).toBeInstanceOf(DmabufPages);
    expect(pg.kind).toBe('dmabuf');
    expect(pg.splittable).toBe(false);
    expect(pg.npinned).toBe(0);
    expect(pg.pfnOf(0)).toBe(Number((bar0 + 0x12000n) >> 12n));
    const runs: Array<[number, number, number]> = [];
    pg.forEachRun(1, 10, (page, pfn, n) => runs.push([page, pfn, n]));
    expect(runs).toEqual([[1, Number((bar0 + 0x13000n) >> 12n), 2]]);
    expect(s.p.pinnedPages).toBe(0);
    // the fd and the area each hold the file
    expect(s.buf.refs).toBe(2);
    s.p.close(s.bufFd);
    expect(s.buf.refs).toBe(1);
    expect(s.buf.released).toBe(false);
    expect(s.buf.importers.has(pg)).toBe(true);
    s.ctx.ioasUnmap(s.ioas, 0x40000n, 0x3000n);
    expect(s.buf.released).toBe(true);
    expect(s.buf.importers.size).toBe(0);
    expect(dmabufsOf(s.gpu.dev)).toEqual([]);
  });

  it('a revocation tears the domain mappings down once and for good; the exporter comes back with decode, the importer does not', () => {
    const s = setup();
    s.ctx.ioasMapFile(s.p, RW_FIXED, s.ioas, s.bufFd, 0n, 0x8000n, 0x40000n);
    const pg = s.areaAt(0x40000n).pages as DmabufPages;
    expect(s.host.deviceDma('0000:01:00.0', undefined, 0x40000n, 4, false).fault).toBeUndefined();
    s.host.setBarDecode('0000:03:00.0', false);
    expect(s.buf.revoked).toBe(true);
    expect(pg.revoked).toBe(true);
    expect(s.revoked).toEqual([s.buf]);
    expect(pg.pfnOf(0)).toBe(-1);
    expect(s.host.deviceDma('0000:01:00.0', undefined, 0x40000n, 4, false).fault?.reason).toBe('TRANSLATION');
    s.host.setBarDecode('0000:03:00.0', true);
    expect(s.buf.revoked).toBe(false);
    expect(pg.revoked).toBe(true);
    expect(s.revoked.length).toBe(1);
    expect(s.host.deviceDma('0000:01:00.0', undefined, 0x40000n, 4, false).fault?.reason).toBe('TRANSLATION');
    // the device's last close detaches and revokes the buf for good
    s.p.close(s.gpuFd);
    expect(s.buf.exporter).toBeUndefined();
    expect(s.buf.revoked).toBe(true);
    expect(s.revoked).toEqual([s.buf, s.buf]);
    expect(() => s.ctx.ioasMapFile(s.p, RW_FIXED, s.ioas, s.bufFd, 0n, 0x1000n, 0x80000n)).toThrow(/revoked/);
  });
});
