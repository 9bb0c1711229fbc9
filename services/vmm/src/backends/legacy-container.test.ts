/**
 * The legacy VFIO path's call sequence (QEMU's vfio_legacy_attach_device / vfio_container_connect
 * / vfio_group_put) against a recording host link: which fds are opened, in which order the
 * group and container ioctls go, when a container is shared and when it is released.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { HostDevice, HostLink } from '../hostlink/hostlink.js';
import { HostCallError } from '../hostlink/hostlink.js';
import { containerSpace, LegacyVfio, SYSTEM_AS, VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU } from './legacy-container.js';

const PID = 42;

/** A host link that records every call and answers as a host with groups 1..3 (group 3 not viable). */
function recorder(opts: { types?: number[]; viable?: (g: number) => boolean } = {}) {
  const calls: string[] = [];
  let next = 10;
  const types = new Set(opts.types ?? [VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU]);
  const link = {
    groupGetStatus: async (_pid: number, fd: number) => {
      calls.push(`GroupGetStatus ${fd}`);
      const g = groupOf.get(fd)!;
      return (opts.viable ?? ((x: number) => x !== 3))(g) ? 1 : 0;
    },
    groupSetContainer: async (_pid: number, g: number, c: number) => void calls.push(`GroupSetContainer ${g} ${c}`),
    groupUnsetContainer: async (_pid: number, g: number) => void calls.push(`GroupUnsetContainer ${g}`),
    groupGetDeviceFd: async (_pid: number, g: number, name: string) => {
      calls.push(`GroupGetDeviceFd ${g} ${name}`);
      if (name === '0000:09:00.0') throw new HostCallError('INVALID_ARGUMENT', 'EINVAL', 'no IOMMU set', {}, 3);
      return next++;
    },
    containerGetApiVersion: async (_pid: number, c: number) => (calls.push(`GetApiVersion ${c}`), 0),
    containerCheckExtension: async (_pid: number, c: number, ext: number) => (calls.push(`CheckExtension ${c} ${ext}`), types.has(ext)),
    containerSetIommu: async (_pid: number, c: number, t: number) => void calls.push(`SetIommu ${c} ${t}`),
    containerGetInfo: async (_pid: number, c: number) => {
      calls.push(`GetInfo ${c}`);
      return { flags: 3, pgsizes: 0x201000n, iovaRanges: [{ start: 0n, last: 0xfedfffffn }, { start: 0xfef00000n, last: (1n << 39n) - 1n }], dmaAvail: 65535 };
    },
    containerMapDma: async (_pid: number, c: number, va: bigint, iova: bigint, size: bigint, r: boolean, w: boolean) => void calls.push(`MapDma ${c} va=0x${va.toString(16)} iova=0x${iova.toString(16)} size=0x${size.toString(16)} ${r ? 'R' : ''}${w ? 'W' : ''}`),
    containerUnmapDma: async (_pid: number, c: number, iova: bigint, size: bigint) => (calls.push(`UnmapDma ${c} iova=0x${iova.toString(16)} size=0x${size.toString(16)}`), size),
    closeFd: async (_pid: number, fd: number) => void calls.push(`Close ${fd}`),
  };
  const groupOf = new Map<number, number>();
  const open = async (path: string) => {
    const fd = next++;
    calls.push(`Open ${path} -> ${fd}`);
    const m = /^\/dev\/vfio\/(\d+)$/.exec(path);
    if (m) groupOf.set(fd, Number(m[1]));
    return fd;
  };
  return { calls, link: link as unknown as HostLink, open, groupOf };
}

function dev(bdf: string, group: number): HostDevice {
  return { bdf, cdev: '', group, unit: 'dmar0', driver: 'vfio-pci', reservedRegions: [] };
}

const log = pino({ level: 'silent' });

describe('LegacyVfio: QEMU legacy attach sequence', () => {
  it('first device: group open + status, container open, API version, TYPE1v2 picked, SET_CONTAINER before SET_IOMMU, GET_INFO, device fd', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    const opened: number[] = [];
    const p = await l.attach('nic0', dev('0000:01:00.0', 1), SYSTEM_AS, undefined, opened);
    expect(r.calls).toEqual([
      'Open /dev/vfio/1 -> 10',
      'GroupGetStatus 10',
      'Open /dev/vfio/vfio -> 11',
      'GetApiVersion 11',
      `CheckExtension 11 ${VFIO_TYPE1v2_IOMMU}`,
      'GroupSetContainer 10 11',
      `SetIommu 11 ${VFIO_TYPE1v2_IOMMU}`,
      'GetInfo 11',
      'GroupGetDeviceFd 10 0000:01:00.0',
    ]);
    expect(opened).toEqual([10, 11, 12]);
    expect(p).toMatchObject({ deviceFd: 12, newContainer: true });
    expect(p.container).toMatchObject({ fd: 11, iommuType: VFIO_TYPE1v2_IOMMU, pgsizes: 0x201000n, dmaAvail: 65535 });
  });

  it('a container without TYPE1v2 gets TYPE1; without either: No available IOMMU models', async () => {
    const r = recorder({ types: [VFIO_TYPE1_IOMMU] });
    const p = await new LegacyVfio(r.link, PID, log, r.open).attach('nic0', dev('0000:01:00.0', 1), SYSTEM_AS, undefined, []);
    expect(p.container.iommuType).toBe(VFIO_TYPE1_IOMMU);
    expect(r.calls).toContain(`SetIommu 11 ${VFIO_TYPE1_IOMMU}`);
    const none = recorder({ types: [] });
    await expect(new LegacyVfio(none.link, PID, log, none.open).attach('nic0', dev('0000:01:00.0', 1), SYSTEM_AS, undefined, [])).rejects.toMatchObject({ reason: 'NO_IOMMU_MODEL', message: expect.stringContaining('failed to setup container for group 1: No available IOMMU models') });
    expect(none.calls.some((c) => c.startsWith('GroupSetContainer'))).toBe(false);
  });

  it('a group that is not viable is refused before any container is opened', async () => {
    const r = recorder();
    const opened: number[] = [];
    await expect(new LegacyVfio(r.link, PID, log, r.open).attach('gpu0', dev('0000:03:00.0', 3), SYSTEM_AS, undefined, opened)).rejects.toMatchObject({
      reason: 'GROUP_NOT_VIABLE',
      message: expect.stringContaining('group 3 is not viable'),
    });
    expect(r.calls).toEqual(['Open /dev/vfio/3 -> 10', 'GroupGetStatus 10']);
    expect(opened).toEqual([10]);
  });

  it('system memory: a second group joins the same container (SET_CONTAINER only); a passed group fd is used as is', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    await l.attach('nic0', dev('0000:01:00.0', 1), SYSTEM_AS, undefined, []);
    r.groupOf.set(77, 2);
    r.calls.length = 0;
    const opened: number[] = [];
    const p = await l.attach('nvme0', dev('0000:02:00.0', 2), SYSTEM_AS, 77, opened);
    expect(r.calls).toEqual(['GroupGetStatus 77', 'GroupSetContainer 77 11', 'GroupGetDeviceFd 77 0000:02:00.0']);
    expect(opened).toEqual([77, 13]);
    expect(p).toMatchObject({ newContainer: false, container: { fd: 11 } });
    expect([...l.containers.get(SYSTEM_AS)!.groups]).toEqual([1, 2]);
  });

  it('behind a vIOMMU each device has its own container; a group in two address spaces is refused', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    const a = await l.attach('nic0', dev('0000:01:00.0', 1), 'nic0', undefined, []);
    const b = await l.attach('nvme0', dev('0000:02:00.0', 2), 'nvme0', undefined, []);
    expect(a.container.fd).not.toBe(b.container.fd);
    expect(r.calls.filter((c) => c.startsWith('Open /dev/vfio/vfio'))).toHaveLength(2);
    await expect(l.attach('nic1', dev('0000:01:00.1', 1), 'nic1', undefined, [])).rejects.toMatchObject({ reason: 'VIOMMU_HOST_INCOMPATIBLE', message: expect.stringContaining('group 1 used in multiple address spaces') });
  });

  it('detach: device fd, then the emptied group (UNSET_CONTAINER, close), then the emptied container', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    const a = await l.attach('nic0', dev('0000:01:00.0', 1), SYSTEM_AS, undefined, []);
    const b = await l.attach('nvme0', dev('0000:02:00.0', 2), SYSTEM_AS, undefined, []);
    r.calls.length = 0;
    await l.detach('nic0', 1, a.deviceFd);
    expect(r.calls).toEqual([`Close ${a.deviceFd}`, 'GroupUnsetContainer 10', 'Close 10']);
    r.calls.length = 0;
    await l.detach('nvme0', 2, b.deviceFd);
    expect(r.calls).toEqual([`Close ${b.deviceFd}`, `GroupUnsetContainer ${b.group.fd}`, `Close ${b.group.fd}`, 'Close 11']);
    expect(l.containers.size).toBe(0);
    expect(l.groups.size).toBe(0);
  });

  it('GET_DEVICE_FD refused: the group (and container) just opened are forgotten; their fds stay in `opened` for the caller to close once', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    const opened: number[] = [];
    await expect(l.attach('x', dev('0000:09:00.0', 2), SYSTEM_AS, undefined, opened)).rejects.toMatchObject({ reason: 'EINVAL' });
    expect(r.calls.at(-1)).toBe('GroupGetDeviceFd 10 0000:09:00.0');
    expect(r.calls.some((c) => c.startsWith('Close') || c.startsWith('GroupUnsetContainer'))).toBe(false);
    expect(opened).toEqual([10, 11]);
    expect(l.groups.size + l.containers.size).toBe(0);
  });

  it('GET_DEVICE_FD refused for a new group on a shared container: only that group is forgotten', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    await l.attach('nic0', dev('0000:01:00.0', 1), SYSTEM_AS, undefined, []);
    r.calls.length = 0;
    const opened: number[] = [];
    await expect(l.attach('x', dev('0000:09:00.0', 2), SYSTEM_AS, undefined, opened)).rejects.toMatchObject({ reason: 'EINVAL' });
    expect(r.calls).toEqual(['Open /dev/vfio/2 -> 13', 'GroupGetStatus 13', 'GroupSetContainer 13 11', 'GroupGetDeviceFd 13 0000:09:00.0']);
    expect(opened).toEqual([13]);
    expect([...l.groups.keys()]).toEqual([1]);
    expect([...l.containers.get(SYSTEM_AS)!.groups]).toEqual([1]);
  });

  it('abandon: a failed plug no longer counts for its group; an emptied group and container are forgotten', async () => {
    const r = recorder();
    const l = new LegacyVfio(r.link, PID, log, r.open);
    await l.attach('nic0', dev('0000:01:00.0', 1), 'nic0', undefined, []);
    await l.attach('nvme0', dev('0000:02:00.0', 2), 'nvme0', undefined, []);
    r.calls.length = 0;
    l.abandon('nic0');
    expect(r.calls).toEqual([]);
    expect([...l.groups.keys()]).toEqual([2]);
    expect([...l.containers.keys()]).toEqual(['nvme0']);
  });

  it('containerSpace: unmap-all is two halves of the 64-bit space (QEMU vfio_legacy_dma_unmap)', async () => {
    const r = recorder();
    const sp = containerSpace(r.link, PID, 5);
    await sp.mapFixed(0x7f0000000000n, 0x200000n, 0x100000n, true, false);
    await sp.unmapAll();
    expect(r.calls).toEqual(['MapDma 5 va=0x7f0000000000 iova=0x100000 size=0x200000 R', 'UnmapDma 5 iova=0x0 size=0x8000000000000000', 'UnmapDma 5 iova=0x8000000000000000 size=0x8000000000000000']);
    expect(sp.key).toBe('container:5');
  });
});
