/**
 * The native type1 container at kernel level (vfio_iommu_type1.c): RLIMIT_MEMLOCK on locked_vm
 * (and CAP_IPC_LOCK, which lifts the limit but still counts), dma_entry_limit → ENOSPC, one
 * vfio_domain per IOMMU unit with mappings replayed into a new one, the last domain taking the
 * mappings with it, VADDR invalidation and update, and DeviceDma's owner assertion on the group
 * path.
 */
import { describe, expect, it } from 'vitest';
import { kernelFailure } from '#libs/errno/index.js';
import { Host } from '../platform/host.js';
import { defaultLimits, loadProfile } from '#libs/profile/profile.js';
import type { Process } from '../process/process.js';
import { VfioDeviceFile } from './vfio.js';
import { VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_VADDR, VFIO_DMA_MAP_FLAG_WRITE, VFIO_DMA_UNMAP_FLAG_ALL, VFIO_DMA_UNMAP_FLAG_VADDR, VFIO_TYPE1_NESTING_IOMMU, VFIO_TYPE1v2_IOMMU, VFIO_UPDATE_VADDR } from './vfio_container.js';
import { VfioGroupFile } from './vfio_group.js';
import { DMA_ENTRY_LIMIT, type1Quirks, VfioType1Container } from './vfio_type1.js';

const errnoOf = (f: () => unknown) => kernelFailure(f)?.errno;
const RW = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
const MAP_SHARED = 1;
const MAP_ANONYMOUS = 0x20;
const NIC = '0000:01:00.0';
const DMAR1_DEV = '0000:80:00.0';

/** A legacy host with two extra principals: `small` (RLIMIT_MEMLOCK 4 pages) and `locker` (CAP_IPC_LOCK, RLIMIT_MEMLOCK 0). */
function legacyHost(): Host {
  const profile = loadProfile('intel-vtd-legacy');
  profile.principals.push(
    { name: 'small', uid: 1001, gids: [], capabilities: [], memlockBytes: 4n * 4096n, roles: [], limits: defaultLimits() },
    { name: 'locker', uid: 1002, gids: [], capabilities: ['CAP_IPC_LOCK'], memlockBytes: 0n, roles: [], limits: defaultLimits() },
  );
  return new Host(profile);
}

/** `p` with the container open, `groups` set on it and TYPE1v2 set. */
function setup(host: Host, p: Process, groups: number[], container?: VfioType1Container) {
  const cfd = container ? p.installFd(container) : host.open(p, '/dev/vfio/vfio', 2);
  const c = host.vfioContainer(p, cfd) as VfioType1Container;
  const gfds = groups.map((g) => {
    const gfd = host.open(p, `/dev/vfio/${g}`, 2);
    host.vfioGroup(p, gfd).setContainer(p, cfd);
    return gfd;
  });
  c.setIommu(p, VFIO_TYPE1v2_IOMMU);
  return { c, cfd, gfds };
}

function anon(host: Host, p: Process, bytes: bigint): bigint {
  return host.mmap(p, { addr: 0n, length: bytes, prot: 3, flags: MAP_SHARED | MAP_ANONYMOUS, fd: -1, offset: 0n });
}

describe('vfio_iommu_type1 accounting and limits', () => {
  it('vfio_pin_pages_remote: locked_vm against RLIMIT_MEMLOCK (ENOMEM, nothing left pinned or counted); CAP_IPC_LOCK lifts the limit but vfio_lock_acct still counts', () => {
    const host = legacyHost();
    const node = host.nodes.get('/dev/vfio/1')!;
    node.uid = 1001;
    const small = host.spawn(host.principal('small'), 'small', 0);
    const { c } = setup(host, small, [1]);
    const va = anon(host, small, 0x8000n);
    c.mapDma(small, RW, va, 0x100000n, 0x4000n);
    expect(small.lockedPages).toBe(4);
    expect(errnoOf(() => c.mapDma(small, RW, va + 0x4000n, 0x104000n, 0x1000n))).toBe('ENOMEM');
    expect(small.lockedPages).toBe(4);
    expect(c.dmaAvail).toBe(DMA_ENTRY_LIMIT - 1);
    expect(c.dmaAt(0x104000n)).toBeUndefined();
    expect(c.unmapDma(small, VFIO_DMA_UNMAP_FLAG_ALL, 0n, 0n, 0n).size).toBe(0x4000n);
    expect(small.lockedPages).toBe(0);
    host.exit(small);

    node.uid = 1002;
    const locker = host.spawn(host.principal('locker'), 'locker', 0);
    const l = setup(host, locker, [1]);
    const lva = anon(host, locker, 0x8000n);
    l.c.mapDma(locker, RW, lva, 0x100000n, 0x8000n);
    expect(locker.lockedPages).toBe(8);
    expect(locker.pinnedPages).toBe(0);
    host.exit(locker);
    expect(locker.lockedPages).toBe(0);
  });

  it('vfio_pin_map_dma failing part-way (RLIMIT_MEMLOCK ENOMEM, EFAULT on a later range): the pages it faulted in are unpinned and freed again, nothing stays charged', () => {
    const host = legacyHost();
    const node = host.nodes.get('/dev/vfio/1')!;
    node.uid = 1001;
    const small = host.spawn(host.principal('small'), 'small', 0);
    const { c } = setup(host, small, [1]);
    const cg = small.principal.cgroup;
    const va = anon(host, small, 0x8000n);
    const free0 = host.mem.dataFramesFree;
    const charged0 = cg.memoryPages;
    // 8 untouched pages, RLIMIT_MEMLOCK 4: four are faulted in and pinned before ENOMEM
    expect(errnoOf(() => c.mapDma(small, RW, va, 0x100000n, 0x8000n))).toBe('ENOMEM');
    expect([small.lockedPages, c.pinnedPages, c.dmaAvail]).toEqual([0, 0, DMA_ENTRY_LIMIT]);
    expect(host.mem.dataFramesFree).toBe(free0);
    expect(cg.memoryPages).toBe(charged0);
    // the mapping can then be made within the limit, and goes cleanly
    c.mapDma(small, RW, va, 0x100000n, 0x4000n);
    expect(small.lockedPages).toBe(4);
    expect(c.unmapDma(small, VFIO_DMA_UNMAP_FLAG_ALL, 0n, 0n, 0n).size).toBe(0x4000n);
    host.exit(small);

    // EFAULT on a later range: fresh anon pages then a hole (unmapped VA)
    const p = host.spawn(host.principal('root'), 'efault', 0);
    const r = setup(host, p, [3]);
    const a = anon(host, p, 0x4000n);
    p.mm.munmap(a + 0x2000n, 0x2000n);
    const free1 = host.mem.dataFramesFree;
    const charged1 = p.principal.cgroup.memoryPages;
    expect(errnoOf(() => r.c.mapDma(p, RW, a, 0x200000n, 0x4000n))).toBe('EFAULT');
    expect([p.lockedPages, r.c.pinnedPages]).toEqual([0, 0]);
    expect(host.mem.dataFramesFree).toBe(free1);
    expect(p.principal.cgroup.memoryPages).toBe(charged1);
    host.exit(p);
  });

  it('dma_entry_limit: the 65536th mapping is ENOSPC; an unmap gives one back', () => {
    const host = legacyHost();
    const p = host.spawn(host.principal('root'), 'many', 0);
    const { c } = setup(host, p, [1]);
    const va = anon(host, p, 0x1000n);
    for (let i = 0; i < DMA_ENTRY_LIMIT; i++) c.mapDma(p, RW, va, BigInt(i) << 12n, 0x1000n);
    expect(c.getInfo(p).dmaAvail).toBe(0);
    expect(errnoOf(() => c.mapDma(p, RW, va, 0x10000000n, 0x1000n))).toBe('ENOSPC');
    expect(c.unmapDma(p, 0, 0n, 0x1000n, 0n).size).toBe(0x1000n);
    c.mapDma(p, RW, va, 0x10000000n, 0x1000n);
    expect(c.getInfo(p).dmaAvail).toBe(0);
    host.exit(p);
  });
});

describe('vfio_iommu_type1 domains', () => {
  it('vfio_iommu_type1_attach_group: a group behind another unit gets its own domain with every mapping replayed; the IOVA list narrows to both apertures; the last domain takes the mappings with it', () => {
    const host = new Host(loadProfile('intel-vtd'));
    const p = host.spawn(host.principal('root'), 'two-units', 0);
    const { c, cfd, gfds } = setup(host, p, [1], new VfioType1Container('/dev/vfio/vfio', 2, host.mem));
    const va = anon(host, p, 0x2000n);
    p.mm.write(va, new TextEncoder().encode('replayed'));
    c.mapDma(p, RW, va, 0x200000n, 0x2000n);
    expect(c.domains.length).toBe(1);
    const g7 = host.open(p, '/dev/vfio/7', 2);
    host.vfioGroup(p, g7).setContainer(p, cfd);
    expect(c.domains.length).toBe(2);
    expect(c.domains[0]!.hw.unit).not.toBe(c.domains[1]!.hw.unit);
    const r = host.deviceDma(DMAR1_DEV, undefined, 0x200000n, 8, false);
    expect(Buffer.from(r.data!).toString()).toBe('replayed');
    expect(Buffer.from(host.deviceDma(NIC, undefined, 0x200000n, 8, false).data!).toString()).toBe('replayed');
    // the batched translation path reads the same domain: {iova, flags 0 (read), 0} → {pa, 0, leaf shift}
    const rec = new Uint8Array(32);
    new DataView(rec.buffer).setUint32(0, 0x201000, true);
    new DataView(rec.buffer).setUint32(16, 0x400000, true);
    const tb = host.translateBatch(NIC, undefined, rec);
    expect([tb.translated, tb.faults]).toEqual([1, 1]);
    const out = new DataView(tb.results.buffer, tb.results.byteOffset);
    expect(out.getUint32(8, true)).toBe(0);
    expect(out.getUint32(16 + 8, true)).toBe(2); // DMA_FAULT_REASON_TRANSLATION
    const pa = BigInt(out.getUint32(0, true)) + (BigInt(out.getUint32(4, true)) << 32n);
    expect(host.mem.read(pa, 8)).toEqual(host.deviceDma(NIC, undefined, 0x201000n, 8, false).data);
    // group 7 goes: its domain goes, the mappings stay for group 1
    host.vfioGroup(p, g7).unsetContainer();
    expect(c.domains.length).toBe(1);
    expect(host.deviceDma(DMAR1_DEV, undefined, 0x200000n, 8, false).fault!.reason).toBe('BLOCKED');
    expect(Buffer.from(host.deviceDma(NIC, undefined, 0x200000n, 8, false).data!).toString()).toBe('replayed');
    expect(p.lockedPages).toBe(2);
    host.vfioGroup(p, gfds[0]!).unsetContainer();
    expect(c.iommuSet).toBe(false);
    expect(p.lockedPages).toBe(0);
    expect(c.dmaAvail).toBe(DMA_ENTRY_LIMIT);
    host.exit(p);
  });

  it('VFIO_DMA_UNMAP_FLAG_VADDR / VFIO_DMA_MAP_FLAG_VADDR: DMA keeps going while the vaddr is invalid, attach is EBUSY, a second invalidation of the same mapping is EINVAL, the new vaddr must name the mapping exactly', () => {
    const host = new Host(loadProfile('intel-vtd'));
    const p = host.spawn(host.principal('root'), 'cpr', 0);
    const { c, cfd } = setup(host, p, [1], new VfioType1Container('/dev/vfio/vfio', 2, host.mem));
    const va = anon(host, p, 0x2000n);
    p.mm.write(va, new TextEncoder().encode('survives'));
    c.mapDma(p, RW, va, 0x100000n, 0x2000n);
    expect(c.unmapDma(p, VFIO_DMA_UNMAP_FLAG_VADDR, 0x100000n, 0x2000n, 0n).size).toBe(0x2000n);
    expect(c.vaddrInvalidCount).toBe(1);
    expect(Buffer.from(host.deviceDma(NIC, undefined, 0x100000n, 8, false).data!).toString()).toBe('survives');
    expect(errnoOf(() => c.unmapDma(p, VFIO_DMA_UNMAP_FLAG_VADDR, 0x100000n, 0x2000n, 0n))).toBe('EINVAL');
    const g7 = host.open(p, '/dev/vfio/7', 2);
    expect(errnoOf(() => host.vfioGroup(p, g7).setContainer(p, cfd))).toBe('EBUSY');
    expect(errnoOf(() => c.mapDma(p, VFIO_DMA_MAP_FLAG_VADDR | VFIO_DMA_MAP_FLAG_READ, va, 0x100000n, 0x2000n))).toBe('EINVAL');
    expect(errnoOf(() => c.mapDma(p, VFIO_DMA_MAP_FLAG_VADDR, va, 0x100000n, 0x1000n))).toBe('EINVAL');
    expect(errnoOf(() => c.mapDma(p, VFIO_DMA_MAP_FLAG_VADDR, va, 0x300000n, 0x1000n))).toBe('ENOENT');
    // vfio_change_dma_owner: a new vaddr from another process moves the locked_vm charge to it
    const q = host.spawn(host.principal('root'), 'cpr-new', 0);
    const qfd = host.sendFd(p, cfd, q);
    host.vfioContainer(q, qfd).mapDma(q, VFIO_DMA_MAP_FLAG_VADDR, va, 0x100000n, 0x2000n);
    expect([p.lockedPages, q.lockedPages]).toEqual([0, 2]);
    expect(c.vaddrInvalidCount).toBe(0);
    expect(c.unmapDma(q, VFIO_DMA_UNMAP_FLAG_VADDR, 0x100000n, 0x2000n, 0n).size).toBe(0x2000n);
    c.mapDma(p, VFIO_DMA_MAP_FLAG_VADDR, va, 0x100000n, 0x2000n);
    expect([p.lockedPages, q.lockedPages]).toEqual([2, 0]);
    host.exit(q);
    host.vfioGroup(p, g7).setContainer(p, cfd);
    expect(c.domains.length).toBe(2);
    host.exit(p);
    expect(p.lockedPages).toBe(0);
  });

  it('vfio_pin_map_dma of a BAR whose memory decode is off (or whose device is gone): follow_fault_pfn fails, EFAULT; with decode on the BAR maps without pinning', () => {
    const host = legacyHost();
    const p = host.spawn(host.principal('root'), 'p2p', 0);
    const { c, gfds } = setup(host, p, [1, 3]);
    const gpuFd = host.vfioGroup(p, gfds[1]!).getDeviceFd(p, '0000:03:00.0');
    const bar = host.mmap(p, { addr: 0n, length: 0x2000n, prot: 3, flags: MAP_SHARED, fd: gpuFd, offset: 0x1000n });
    const gpu = host.device('0000:03:00.0');
    gpu.memoryEnabled = false;
    expect(errnoOf(() => c.mapDma(p, RW, bar, 0x100000n, 0x2000n))).toBe('EFAULT');
    expect(c.dmaAvail).toBe(DMA_ENTRY_LIMIT);
    gpu.memoryEnabled = true;
    c.mapDma(p, RW, bar, 0x100000n, 0x2000n);
    expect(p.lockedPages).toBe(0);
    expect(c.pinnedPages).toBe(0);
    // the mapping's offset 0x1000 into BAR0 is what IOVA 0x100000 reaches
    host.deviceDma(NIC, undefined, 0x100008n, 4, true, new Uint8Array([1, 2, 3, 4]));
    expect([...gpu.barRead(0, 0x1008n, 4)]).toEqual([1, 2, 3, 4]);
    host.exit(p);
  });

  it('vfio_group_fops_release runs after the last device fd: closing the group fd keeps the group open (EBUSY) and the container set until the device fd goes', () => {
    const host = legacyHost();
    const p = host.spawn(host.principal('root'), 'hold', 0);
    const { c, gfds } = setup(host, p, [1]);
    const va = anon(host, p, 0x1000n);
    c.mapDma(p, RW, va, 0x1000n, 0x1000n);
    const dfd = host.vfioGroup(p, gfds[0]!).getDeviceFd(p, NIC);
    p.close(gfds[0]!);
    expect(errnoOf(() => host.open(p, '/dev/vfio/1', 2))).toBe('EBUSY');
    expect(c.iommuSet).toBe(true);
    expect(host.deviceDma(NIC, undefined, 0x1000n, 4, false).data).toBeDefined();
    p.close(dfd);
    expect(c.iommuSet).toBe(false);
    expect(p.lockedPages).toBe(0);
    expect(host.deviceDma(NIC, undefined, 0x1000n, 4, false).fault!.reason).toBe('BLOCKED');
    const again = host.open(p, '/dev/vfio/1', 2);
    expect(host.vfioGroup(p, again).getStatus()).toBe(1);
    host.exit(p);
  });

  it('vfio_dma_do_unmap before 6.0 (dma->task->mm != current->mm): another process holding the container fd unmaps nothing (size 0); from 6.0 on it unmaps', () => {
    for (const [version, want] of [['5.15', 0n], ['6.12', 0x1000n]] as const) {
      const host = legacyHost();
      const p = host.spawn(host.principal('root'), 'mapper', 0);
      const { c, cfd } = setup(host, p, [1], new VfioType1Container('/dev/vfio/vfio', 2, host.mem, type1Quirks(version)));
      const va = anon(host, p, 0x1000n);
      c.mapDma(p, RW, va, 0x1000n, 0x1000n);
      const q = host.spawn(host.principal('root'), 'other', 0);
      const qfd = host.sendFd(p, cfd, q);
      expect(host.vfioContainer(q, qfd).unmapDma(q, 0, 0x1000n, 0x1000n, 0n).size).toBe(want);
      expect(p.lockedPages).toBe(want === 0n ? 1 : 0);
      host.exit(q);
      host.exit(p);
    }
    expect(type1Quirks('5.15')).toEqual({ unmapChecksTaskMm: true, vaddrBefore63: true, nestingType: true });
    expect(type1Quirks('6.0')).toEqual({ unmapChecksTaskMm: false, vaddrBefore63: true, nestingType: true });
    expect(type1Quirks('6.3')).toEqual({ unmapChecksTaskMm: false, vaddrBefore63: false, nestingType: true });
    expect(type1Quirks('6.13')).toEqual({ unmapChecksTaskMm: false, vaddrBefore63: false, nestingType: false });
    expect(type1Quirks('')).toEqual({ unmapChecksTaskMm: false, vaddrBefore63: false, nestingType: false });
    // VFIO_UPDATE_VADDR on a container without an IOMMU: 5.15 offers it, 6.3+ does not
    const host = legacyHost();
    expect(new VfioType1Container('/dev/vfio/vfio', 2, host.mem, type1Quirks('5.15')).checkExtension(VFIO_UPDATE_VADDR)).toBe(1);
    expect(new VfioType1Container('/dev/vfio/vfio', 2, host.mem, type1Quirks('6.12')).checkExtension(VFIO_UPDATE_VADDR)).toBe(0);
  });

  it('VFIO_TYPE1_NESTING_IOMMU before 6.13: a v2 container on a unit with nested translation; from 6.13 no driver offers it (ENODEV)', () => {
    for (const [version, want] of [['6.12', undefined], ['6.13', 'ENODEV']] as const) {
      const host = new Host(loadProfile('intel-vtd'));
      const p = host.spawn(host.principal('root'), 'nest', 0);
      const cfd = p.installFd(new VfioType1Container('/dev/vfio/vfio', 2, host.mem, type1Quirks(version)));
      const gfd = host.open(p, '/dev/vfio/1', 2);
      host.vfioGroup(p, gfd).setContainer(p, cfd);
      const c = host.vfioContainer(p, cfd) as VfioType1Container;
      expect(errnoOf(() => c.setIommu(p, VFIO_TYPE1_NESTING_IOMMU))).toBe(want);
      expect([c.iommuSet, c.v2]).toEqual(want ? [false, false] : [true, true]);
      host.exit(p);
    }
  });

  it('checkDeviceOwner on the group path: the process holding the group-opened device fd and the container passes; another is EPERM', () => {
    const host = legacyHost();
    const p = host.spawn(host.principal('root'), 'vmm', 0);
    const { c, gfds } = setup(host, p, [1]);
    const va = anon(host, p, 0x1000n);
    c.mapDma(p, RW, va, 0x1000n, 0x1000n);
    const dfd = host.vfioGroup(p, gfds[0]!).getDeviceFd(p, NIC);
    expect(p.file(dfd)).toBeInstanceOf(VfioDeviceFile);
    expect(p.file(gfds[0]!)).toBeInstanceOf(VfioGroupFile);
    const owner = { bootId: host.bootId, pid: p.pid, startTime: p.startTime };
    expect(host.deviceDma(NIC, undefined, 0x1000n, 8, false, undefined, owner).data).toBeDefined();
    const q = host.spawn(host.principal('root'), 'other', 0);
    expect(errnoOf(() => host.deviceDma(NIC, undefined, 0x1000n, 8, false, undefined, { bootId: host.bootId, pid: q.pid, startTime: q.startTime }))).toBe('EPERM');
    host.exit(p);
    host.exit(q);
  });
});
