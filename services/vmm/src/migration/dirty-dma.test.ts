/** IOVA → GPA segments per backend, the auto-domain HWPT choice, and the tracker's bookkeeping over a fake host link. */
import { describe, expect, it } from 'vitest';
import { HostCallError, type HostLink } from '../hostlink/hostlink.js';
import type { VfioRuntime } from '../machine/runtime.js';
import type { EndpointView, Mapping } from '../viommu/virtio-iommu.js';
import { attachAutoDomain, deviceDirtyTracker, hwptsOver, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, iovaSegmentsOf, type TrackedVm, unitDirty } from './dirty-dma.js';

const RAM = [
  { gpa: 0n, size: 0x8000n, offset: 0n },
  { gpa: 0x100000000n, size: 0x4000n, offset: 0x8000n },
];

function rt(id: string, over: Partial<VfioRuntime> = {}): VfioRuntime {
  return {
    cfg: { kind: 'vfio', id, guestBdf: '0000:00:03.0', endpointId: 0x18, hostBdf: '0000:01:00.0', iommufd: 'fd0', backend: 'AUTO', legacyContainer: false },
    host: { bdf: '0000:01:00.0', cdev: 'vfio0', group: 1, unit: 'dmar0', driver: 'vfio-pci', reservedRegions: [] },
    iommufd: 5,
    deviceFd: 6,
    devId: 1,
    ioas: 2,
    hwpt: 3,
    backend: 'EMULATED',
    ownFd: false,
    ...over,
  };
}

function vmWith(devs: VfioRuntime[], over: Partial<TrackedVm> = {}): TrackedVm {
  return { name: 'v', hostPid: 42, ramRanges: RAM, vfio: new Map(devs.map((d) => [d.cfg.id, d])), shadow: undefined, viommu: undefined, nested: undefined, smmuAccel: undefined, ...over };
}

function viommu(view: EndpointView, mappings: Mapping[]) {
  return { hasEndpoint: () => true, viewOf: () => view, domainMappings: () => mappings };
}

describe('iovaSegmentsOf', () => {
  it('NONE and NESTED: the RAM ranges, IOVA = GPA', () => {
    const exp = [
      { iova: 0n, size: 0x8000n, gpa: 0n },
      { iova: 0x100000000n, size: 0x4000n, gpa: 0x100000000n },
    ];
    expect(iovaSegmentsOf(vmWith([rt('a', { backend: 'NONE' })]), rt('a', { backend: 'NONE' }))).toEqual(exp);
    expect(iovaSegmentsOf(vmWith([rt('a', { backend: 'NESTED' })]), rt('a', { backend: 'NESTED' }))).toEqual(exp);
  });

  it('virtio-iommu: the domain\'s host-propagated MAPs sorted by IOVA (MMIO and permissionless ones are not on the host); bypass is identity; blocked is nothing', () => {
    const d = rt('a');
    const maps: Mapping[] = [
      { virtStart: 0x9000n, virtEnd: 0x9fffn, physStart: 0x2000n, flags: 3 },
      { virtStart: 0x1000n, virtEnd: 0x2fffn, physStart: 0x4000n, flags: 1 },
      { virtStart: 0x5000n, virtEnd: 0x5fffn, physStart: 0x3000n, flags: 4 | 3 },
      { virtStart: 0x6000n, virtEnd: 0x6fffn, physStart: 0x3000n, flags: 0 },
    ];
    expect(iovaSegmentsOf(vmWith([d], { viommu: viommu({ kind: 'domain', domain: 1 }, maps) }), d)).toEqual([
      { iova: 0x1000n, size: 0x2000n, gpa: 0x4000n },
      { iova: 0x9000n, size: 0x1000n, gpa: 0x2000n },
    ]);
    expect(iovaSegmentsOf(vmWith([d], { viommu: viommu({ kind: 'bypass' }, maps) }), d)).toHaveLength(2);
    expect(iovaSegmentsOf(vmWith([d], { viommu: viommu({ kind: 'blocked' }, maps) }), d)).toEqual([]);
  });

  it('intel-iommu shadow: its leaves (identity mode: the RAM ranges)', () => {
    const d = rt('a');
    const leaves = [{ iova: 0x7000_0000n, size: 0x1000n, gpa: 0x3000n, read: true, write: true }];
    expect(iovaSegmentsOf(vmWith([d], { shadow: { mirrored: () => ({ mode: 'paging', leaves }) } }), d)).toEqual([{ iova: 0x7000_0000n, size: 0x1000n, gpa: 0x3000n }]);
    expect(iovaSegmentsOf(vmWith([d], { shadow: { mirrored: () => ({ mode: 'identity', leaves: [] }) } }), d)[0]).toEqual({ iova: 0n, size: 0x8000n, gpa: 0n });
  });
});

describe('auto domains', () => {
  it('hwptsOver: the distinct HWPTs over one IOAS of one iommufd, NESTED and legacy devices left out', () => {
    const devs = [rt('a', { hwpt: 3 }), rt('b', { hwpt: 3 }), rt('c', { hwpt: 7 }), rt('d', { hwpt: 9, ioas: 4 }), rt('e', { hwpt: 11, backend: 'NESTED' }), rt('f', { hwpt: 12, iommufd: 8 })];
    expect(hwptsOver(devs, 5, 2)).toEqual([3, 7]);
    expect(unitDirty({ units: [{ name: 'dmar0', type: 'IOMMU_TYPE_INTEL_VTD', pageSizes: 0n, inputBits: 48, pasidBits: 0, nesting: false, dirtyTracking: true }] }, 'dmar0')).toBe(true);
    expect(unitDirty({ units: [] }, 'dmar0')).toBe(false);
  });

  it('attachAutoDomain joins an existing HWPT it fits, skips one of another unit (EINVAL), else allocates one with DIRTY_TRACKING', async () => {
    const calls: string[] = [];
    const link = {
      attach: async (_pid: number, _fd: number, pt: number) => {
        calls.push(`attach ${pt}`);
        if (pt === 3) throw new HostCallError('INVALID_ARGUMENT', 'EINVAL', 'other unit', {}, 3);
        return pt;
      },
      hwptAlloc: async (_pid: number, _fd: number, _dev: number, pt: number, flags: number) => {
        calls.push(`alloc over ${pt} flags ${flags}`);
        return 20;
      },
      destroy: async () => undefined,
    } as unknown as HostLink;
    expect(await attachAutoDomain(link, 1, rt('a'), 2, true, [3, 7])).toEqual({ hwpt: 7, allocated: false });
    expect(calls).toEqual(['attach 3', 'attach 7']);
    calls.length = 0;
    expect(await attachAutoDomain(link, 1, rt('a'), 2, true, [3])).toEqual({ hwpt: 20, allocated: true });
    expect(calls).toEqual(['attach 3', `alloc over 2 flags ${IOMMU_HWPT_ALLOC_DIRTY_TRACKING}`, 'attach 20']);
    calls.length = 0;
    await attachAutoDomain(link, 1, rt('a'), 2, false, []);
    expect(calls).toEqual(['alloc over 2 flags 0', 'attach 20']);
  });
});

describe('deviceDirtyTracker over a fake link', () => {
  it('start enables each HWPT once (shared ones once), collect translates and chunks, a failed start rolls back and says QEMU\'s words', async () => {
    const log: string[] = [];
    let failOn = -1;
    const link = {
      beforeUnmap: new Map(),
      hwptSetDirtyTracking: async (_pid: number, _fd: number, hwpt: number, enable: boolean) => {
        log.push(`${enable ? 'on' : 'off'} ${hwpt}`);
        if (enable && hwpt === failOn) throw new HostCallError('NOT_FOUND', 'EOPNOTSUPP', 'HWPT was not allocated with DIRTY_TRACKING', {}, 5);
      },
      hwptGetDirtyBitmap: async (_pid: number, _fd: number, hwpt: number, iova: bigint, len: bigint) => {
        log.push(`read ${hwpt} 0x${iova.toString(16)}+0x${len.toString(16)}`);
        // page 1 of each range dirty
        return new Uint8Array([0b10]);
      },
    } as unknown as HostLink;
    const a = rt('a', { hwpt: 3, backend: 'NONE' });
    const b = rt('b', { hwpt: 3, backend: 'NONE' });
    const c = rt('c', { hwpt: 4, backend: 'NONE' });
    const t = deviceDirtyTracker(vmWith([a, b, c]), link);
    await t.start();
    expect(log).toEqual(['on 3', 'on 4']);
    log.length = 0;
    expect(await t.collect()).toEqual([1n, 0x100001n]);
    expect(log).toEqual(['read 3 0x0+0x8000', 'read 3 0x100000000+0x4000', 'read 4 0x0+0x8000', 'read 4 0x100000000+0x4000']);
    await t.stop();
    failOn = 4;
    log.length = 0;
    const t2 = deviceDirtyTracker(vmWith([a, c]), link);
    await expect(t2.start()).rejects.toMatchObject({ reason: 'EOPNOTSUPP', message: 'vfio: Could not start dirty page tracking - HWPT was not allocated with DIRTY_TRACKING' });
    expect(log).toEqual(['on 3', 'on 4', 'off 3']);
    await expect(t2.collect()).rejects.toMatchObject({ reason: 'DIRTY_TRACKING_OFF' });
  });
});

describe('deviceDirtyTracker: bitmap → GPA pages', () => {
  it('runs of set bits (zero bytes, 0xff bytes, tail bits past the range) give exactly the pages a bit-by-bit reading gives, unaligned mappings and RAM edges included', async () => {
    const ram = [
      { gpa: 0n, size: 0x200000n, offset: 0n },
      { gpa: 0x100000000n, size: 0x200000n, offset: 0x200000n },
    ];
    const maps: Mapping[] = [
      { virtStart: 0x10800n, virtEnd: 0x187ffn, physStart: 0x3000n, flags: 3 }, // IOVA unaligned, GPA aligned
      { virtStart: 0x40000n, virtEnd: 0x7ffffn, physStart: 0x1f0000n, flags: 3 }, // runs past the end of low RAM
      { virtStart: 0x90400n, virtEnd: 0x933ffn, physStart: 0x100000c00n, flags: 1 }, // both unaligned, different offsets
      { virtStart: 0xa0000n, virtEnd: 0xdffffn, physStart: 0x100100000n, flags: 2 },
    ];
    let seed = 12345;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    const served: Array<{ iova: bigint; len: bigint; bitmap: Uint8Array }> = [];
    const link = {
      beforeUnmap: new Map(),
      hwptSetDirtyTracking: async () => undefined,
      hwptGetDirtyBitmap: async (_pid: number, _fd: number, _hwpt: number, iova: bigint, len: bigint) => {
        const pages = Number(len / 4096n);
        const bitmap = new Uint8Array(((pages + 7) >> 3) + 1);
        for (let i = 0; i < bitmap.length; i++) {
          const r = rnd();
          bitmap[i] = r < 80 ? 0 : r < 160 ? 0xff : rnd();
        }
        served.push({ iova, len, bitmap });
        return bitmap;
      },
    } as unknown as HostLink;
    const d = rt('a');
    const t = deviceDirtyTracker(vmWith([d], { ramRanges: ram, viommu: viommu({ kind: 'domain', domain: 1 }, maps) }), link);
    await t.start();
    const segs = iovaSegmentsOf(vmWith([d], { ramRanges: ram, viommu: viommu({ kind: 'domain', domain: 1 }, maps) }), d);
    for (let round = 0; round < 20; round++) {
      served.length = 0;
      const got = await t.collect();
      // the reference: every bit on its own, as the page it names translates
      const want = new Set<bigint>();
      for (const s of served) {
        const seg = segs.find((g) => (g.iova & ~0xfffn) === s.iova)!;
        for (let i = 0; i < Number(s.len / 4096n); i++) {
          if (!(s.bitmap[i >> 3]! & (1 << (i & 7)))) continue;
          const iova = s.iova + BigInt(i) * 4096n;
          const gpa = (seg.gpa + (iova < seg.iova ? 0n : iova - seg.iova)) & ~0xfffn;
          if (ram.some((r) => gpa >= r.gpa && gpa < r.gpa + r.size)) want.add(gpa >> 12n);
        }
      }
      expect(served).toHaveLength(4);
      expect(want.size).toBeGreaterThan(0);
      expect(got).toEqual([...want].sort((a, b) => (a < b ? -1 : 1)));
    }
    await t.stop();
  });
});
