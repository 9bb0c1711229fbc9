/**
 * Nesting objects over gRPC: HwptAlloc with nested data (VT-d first stage on intel-vtd, SMMUv3
 * vSTE on arm-smmuv3), ViommuAlloc, VdeviceAlloc, attach / replace / detach of nested HWPTs,
 * HwptInvalidate and the InvalidationChannel — every errno of the kernel's check order with its
 * status code (and entry_num in ErrorInfo metadata for invalidations), the reference-count
 * EBUSYs, and the channel's ordering and acks: an ack is sent only once its invalidation took
 * effect (the stale IOTLB entry planted under the nested tag is gone from Inspect when the ack
 * arrives; an entry nobody invalidated is still there).
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { callMeta } from '#libs/rpc/client.js';
import { errorInfoOfStatus } from '#libs/rpc/errors.js';
import type { InvalidationChannelResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/InvalidationChannelResponse.js';
import type { HwptNestedObj } from '../../services/host-iommu/src/kernel/hw_pagetable.js';
import { asidTag } from '../../services/host-iommu/src/kernel/topology.js';
import { entryNumOf, expectKernelErrno, Nest, useTestHost, type HostFixture, type Sys } from './harness.js';

const NEST_PARENT = 1;
const DIRTY = 2;
const FAULT_ID_VALID = 4;
const ALLOC_PASID = 8;
const DATA_VTD_S1 = 1;
const DATA_ARM_SMMUV3 = 2;
const INV_VTD_S1 = 0;
const INV_ARM_SMMUV3 = 1;
const U64_MAX = (1n << 64n) - 1n;

function vtdS1(addrWidth = 48, flags = 0): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(flags), true);
  v.setBigUint64(8, 0x10_0000n, true);
  v.setUint32(16, addrWidth, true);
  return b;
}
function vtdInv(...es: Array<{ addr: bigint; npages: bigint; flags?: number }>): Uint8Array {
  const b = new Uint8Array(24 * es.length);
  const v = new DataView(b.buffer);
  es.forEach((e, i) => {
    v.setBigUint64(24 * i, e.addr, true);
    v.setBigUint64(24 * i + 8, e.npages, true);
    v.setUint32(24 * i + 16, e.flags ?? 0, true);
  });
  return b;
}
function words(...ws: bigint[]): Uint8Array {
  const b = new Uint8Array(8 * ws.length);
  const v = new DataView(b.buffer);
  ws.forEach((w, i) => v.setBigUint64(8 * i, w, true));
  return b;
}

/** A process with /dev/iommu, `cdev` bound and attached to a fresh IOAS, and a NEST_PARENT HWPT on it. */
async function nestSetup(host: HostFixture, cdev = 'vfio0') {
  const { sys, fd, devFd, devId, ioas, hwpt } = await host.deviceSetup(cdev);
  const n = new Nest(sys);
  const parent = await n.hwptAlloc(fd, { flags: NEST_PARENT, devId, ptId: ioas });
  return { sys, n, fd, devFd, devId, ioas, auto: hwpt, parent };
}

/** The InvalidationChannel of `sys`: write requests, collect acks in arrival order. */
function channel(sys: Sys) {
  const call = sys.c.Iommufd.InvalidationChannel(callMeta(sys.pid)) as unknown as grpc.ClientDuplexStream<Record<string, unknown>, InvalidationChannelResponse__Output>;
  const acks: InvalidationChannelResponse__Output[] = [];
  const waiters: Array<() => void> = [];
  let failure: unknown;
  call.on('data', (m: InvalidationChannelResponse__Output) => {
    acks.push(m);
    for (const w of waiters.splice(0)) w();
  });
  call.on('error', (e) => {
    failure = e;
    for (const w of waiters.splice(0)) w();
  });
  const ended = new Promise<void>((resolve) => call.on('end', () => resolve()));
  return {
    acks,
    send(req: { fd: number; sequence: bigint; hwpt_id: number; data_type: number; entry_len: number; entries: Uint8Array }): void {
      call.write({ ...req, sequence: req.sequence.toString(), entries: Buffer.from(req.entries) });
    },
    /** Resolves with the n-th ack (1-based). */
    async ack(n: number): Promise<InvalidationChannelResponse__Output> {
      const deadline = Date.now() + 10_000;
      while (acks.length < n) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`only ${acks.length} acks`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 1000);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
      return acks[n - 1]!;
    },
    async close(): Promise<void> {
      call.end();
      await ended;
    },
  };
}

describe('intel-vtd: nested HWPTs (IOMMU_HWPT_DATA_VTD_S1)', () => {
  const host = useTestHost('intel-vtd');

  it('HwptAlloc refuses in the kernel order with the kernel errnos, and leaves no object behind', async () => {
    const { n, fd, devId, ioas, auto, parent } = await nestSetup(host);
    const plain = await n.hwptAlloc(fd, { devId, ptId: ioas });
    const a = (x: { flags?: number; devId?: number; ptId?: number; dataType?: number; data?: Uint8Array; faultId?: number }) =>
      n.hwptAlloc(fd, { flags: x.flags ?? 0, devId: x.devId ?? devId, ptId: x.ptId ?? parent, dataType: x.dataType ?? DATA_VTD_S1, data: x.data ?? vtdS1(), faultId: x.faultId ?? 0 });
    await expectKernelErrno(a({ dataType: 0 }), 'EINVAL');
    await expectKernelErrno(a({ data: new Uint8Array(0) }), 'EINVAL');
    await expectKernelErrno(a({ devId: ioas }), 'ENOENT');
    await expectKernelErrno(a({ ptId: 4242 }), 'EINVAL');
    await expectKernelErrno(a({ ptId: devId }), 'EINVAL');
    await expectKernelErrno(a({ flags: NEST_PARENT }), 'EOPNOTSUPP');
    await expectKernelErrno(a({ ptId: plain }), 'EINVAL');
    await expectKernelErrno(a({ ptId: auto }), 'EINVAL');
    await expectKernelErrno(a({ dataType: DATA_ARM_SMMUV3 }), 'EOPNOTSUPP');
    await expectKernelErrno(a({ data: new Uint8Array(32) }), 'EINVAL');
    await expectKernelErrno(a({ flags: FAULT_ID_VALID, faultId: 0xffffffff }), 'ENOENT');
    // the next object still gets the lowest free ID: none was consumed
    const next = await a({});
    expect(next).toBe(plain + 1);
    await expectKernelErrno(a({ ptId: next }), 'EINVAL'); // nested on nested
    await expectKernelErrno(n.sys.destroy(fd, parent), 'EBUSY');
    await n.sys.destroy(fd, next);
    await n.sys.destroy(fd, parent);
  });

  it('dmar1 refuses nesting; a VT-d nest parent takes DIRTY_TRACKING; VT-d has no vIOMMU', async () => {
    const { n, fd, devId, ioas, parent } = await nestSetup(host);
    const devFd6 = await n.sys.open('/dev/vfio/devices/vfio6');
    const dev6 = await n.sys.bind(devFd6, fd);
    await expectKernelErrno(n.hwptAlloc(fd, { devId: dev6, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1() }), 'EOPNOTSUPP');
    await expectKernelErrno(n.hwptAlloc(fd, { flags: NEST_PARENT, devId: dev6, ptId: ioas }), 'EOPNOTSUPP');
    const dirty = await n.hwptAlloc(fd, { flags: NEST_PARENT | DIRTY, devId, ptId: ioas });
    await n.sys.setDirty(fd, dirty, true);
    await expectKernelErrno(n.viommuAlloc(fd, { type: 1, devId, hwptId: parent }), 'EOPNOTSUPP');
  });

  it('attach, replace and detach of a device to nested HWPTs, with the attach-time first-stage checks', async () => {
    const { sys, n, fd, devFd, devId, parent } = await nestSetup(host);
    const a = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1() });
    const b = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1() });
    const wide = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(57) });
    const sre = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(48, 1) });
    expect(await sys.attach(devFd, a)).toBe(a);
    await expectKernelErrno(sys.attach(devFd, wide), 'EINVAL');
    await expectKernelErrno(sys.attach(devFd, sre), 'EINVAL');
    await expectKernelErrno(sys.destroy(fd, a), 'EBUSY');
    expect(await sys.attach(devFd, b)).toBe(b);
    await sys.destroy(fd, a);
    await expectKernelErrno(sys.destroy(fd, b), 'EBUSY');
    await sys.detach(devFd);
    await sys.destroy(fd, b);
    // a PASID needs a PASID-compatible nested HWPT, and a PASID-compatible RID domain
    const pa = await n.hwptAlloc(fd, { flags: ALLOC_PASID, devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1() });
    await sys.attach(devFd, pa);
    expect(await sys.attach(devFd, pa, 9)).toBe(pa);
    await expectKernelErrno(sys.attach(devFd, wide, 10), 'EINVAL');
  });

  it('HwptInvalidate: errnos and entry_num (also in ErrorInfo); InvalidationChannel acks in order after the flush', async () => {
    const { sys, n, fd, devFd, devId, parent } = await nestSetup(host);
    const id = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1() });
    await sys.attach(devFd, id);
    let e = await expectKernelErrno(n.invalidate(fd, parent, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: 1n })), 'EINVAL');
    expect(entryNumOf(e)).toBe('0');
    e = await expectKernelErrno(n.invalidate(fd, 4242, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: 1n })), 'ENOENT');
    expect(entryNumOf(e)).toBe('0');
    e = await expectKernelErrno(n.invalidate(fd, id, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: 1n }, { addr: 0n, npages: 1n, flags: 4 })), 'EOPNOTSUPP');
    expect(entryNumOf(e)).toBe('1');
    e = await expectKernelErrno(n.invalidate(fd, id, INV_VTD_S1, 24, vtdInv({ addr: 0x1000n, npages: 1n }, { addr: 0x1000n, npages: U64_MAX })), 'EINVAL');
    expect(entryNumOf(e)).toBe('1');
    expect(await n.invalidate(fd, id, INV_VTD_S1, 24, new Uint8Array(0))).toBe(0);
    expect(await n.invalidate(fd, id, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: U64_MAX }))).toBe(1);

    // plant translations under the nested DID, then invalidate over the channel
    const nested = host.srv.host.device('0000:01:00.0').group.rid!.hwpt as HwptNestedObj;
    const tlb = host.srv.host.units.get('dmar0')!.tlb;
    for (const pfn of [0x10, 0x20, 0x30]) tlb.insert(nested.tag, pfn, 0x4000 + pfn, 12, 3);
    const tagged = async () => {
      const r = await host.hw.inspect({ unit: 'dmar0', include_iotlb_entries: true, max_iotlb_entries: 1000 });
      return r
        .iotlbs!.flatMap((c) => c.entries)
        .filter((x) => x.domain_tag === nested.tag)
        .map((x) => BigInt(x.iova))
        .sort((p, q) => (p < q ? -1 : 1));
    };
    expect(await tagged()).toEqual([0x10000n, 0x20000n, 0x30000n]);
    const ch = channel(sys);
    const req = (sequence: bigint, entries: Uint8Array, hwpt = id) => ({ fd, sequence, hwpt_id: hwpt, data_type: INV_VTD_S1, entry_len: 24, entries });
    ch.send(req(1n, vtdInv({ addr: 0x10000n, npages: 1n })));
    ch.send(req(2n, vtdInv({ addr: 0x20000n, npages: 1n }, { addr: 0n, npages: 1n, flags: 2 })));
    ch.send(req(2n, vtdInv({ addr: 0x30000n, npages: 1n }))); // sequence does not increase: refused, not applied
    ch.send(req(7n, vtdInv(), 4242));
    const a1 = await ch.ack(1);
    expect(a1.sequence).toBe('1');
    expect(a1.entry_num).toBe(1);
    expect(a1.status?.code).toBe(0);
    const a2 = await ch.ack(2);
    expect(a2.sequence).toBe('2');
    expect(a2.entry_num).toBe(1);
    expect(a2.status?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(errorInfoOfStatus(a2.status)?.reason).toBe('EOPNOTSUPP');
    expect(errorInfoOfStatus(a2.status)?.metadata.entry_num).toBe('1');
    const a3 = await ch.ack(3);
    expect(a3.sequence).toBe('2');
    expect(a3.entry_num).toBe(0);
    expect(errorInfoOfStatus(a3.status)?.reason).toBe('EINVAL');
    const a4 = await ch.ack(4);
    expect(a4.sequence).toBe('7');
    expect(errorInfoOfStatus(a4.status)?.reason).toBe('ENOENT');
    // acked ⇒ applied: 0x10 and 0x20 are gone; 0x30 (refused request) is still cached
    expect(await tagged()).toEqual([0x30000n]);
    ch.send(req(8n, vtdInv({ addr: 0x30000n, npages: 1n })));
    expect((await ch.ack(5)).status?.code).toBe(0);
    expect(await tagged()).toEqual([]);
    expect(ch.acks.map((x) => x.sequence)).toEqual(['1', '2', '2', '7', '8']);
    await ch.close();
  });

  it('a fault-capable HWPT holds its fault queue', async () => {
    const { n, fd, devId, ioas, parent } = await nestSetup(host);
    const fq = await n.faultQueueAlloc(fd);
    const nested = await n.hwptAlloc(fd, { flags: FAULT_ID_VALID, devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(), faultId: fq.id });
    const paging = await n.hwptAlloc(fd, { flags: FAULT_ID_VALID, devId, ptId: ioas, faultId: fq.id });
    await n.sys.close(fq.fd);
    await expectKernelErrno(n.sys.destroy(fd, fq.id), 'EBUSY');
    await n.sys.destroy(fd, nested);
    await expectKernelErrno(n.sys.destroy(fd, fq.id), 'EBUSY');
    await n.sys.destroy(fd, paging);
    await n.sys.destroy(fd, fq.id);
  });
});

describe('arm-smmuv3: vIOMMU, vDEVICE and vSTE nested HWPTs', () => {
  const host = useTestHost('arm-smmuv3');
  const V = 1n;
  const S1 = words(V | (5n << 1n), 0n);

  it('ViommuAlloc order and data; an SMMUv3 nest parent refuses DIRTY_TRACKING', async () => {
    const { n, fd, devId, ioas, parent } = await nestSetup(host);
    const plain = await n.hwptAlloc(fd, { devId, ptId: ioas });
    await expectKernelErrno(n.hwptAlloc(fd, { flags: NEST_PARENT | DIRTY, devId, ptId: ioas }), 'EOPNOTSUPP');
    await expectKernelErrno(n.viommuAlloc(fd, { flags: 1, type: 1, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectKernelErrno(n.viommuAlloc(fd, { type: 0, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectKernelErrno(n.viommuAlloc(fd, { type: 1, devId: 4242, hwptId: parent }), 'ENOENT');
    await expectKernelErrno(n.viommuAlloc(fd, { type: 0xdead, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectKernelErrno(n.viommuAlloc(fd, { type: 1, devId, hwptId: 0 }), 'ENOENT');
    await expectKernelErrno(n.viommuAlloc(fd, { type: 1, devId, hwptId: plain }), 'EINVAL');
    const r = await n.sys.raw<{ out_viommu_id: number; data: Buffer }>('Iommufd', 'ViommuAlloc', { fd, flags: 0, type: 1, dev_id: devId, hwpt_id: parent, data: Buffer.alloc(0) });
    expect(r.out_viommu_id).toBe(plain + 1);
    expect(r.data.length).toBe(0);
    await expectKernelErrno(n.sys.destroy(fd, parent), 'EBUSY');
    await n.sys.destroy(fd, r.out_viommu_id);
    await n.sys.destroy(fd, parent);
  });

  it('vSTE checks (EIO), vDEVICE EEXISTs, attach needing a vDEVICE, tombstones, refcount EBUSYs', async () => {
    const { sys, n, fd, devFd, devId, parent } = await nestSetup(host);
    const viommu = await n.viommuAlloc(fd, { type: 1, devId, hwptId: parent });
    const a = (data: Uint8Array, flags = 0, dataType = DATA_ARM_SMMUV3) => n.hwptAlloc(fd, { flags, devId, ptId: viommu, dataType, data });
    await expectKernelErrno(n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_ARM_SMMUV3, data: S1 }), 'EOPNOTSUPP');
    await expectKernelErrno(a(S1, ALLOC_PASID), 'EOPNOTSUPP');
    await expectKernelErrno(a(S1, 0, DATA_VTD_S1), 'EINVAL');
    await expectKernelErrno(a(words(V | (5n << 1n) | (1n << 53n), 0n)), 'EIO');
    await expectKernelErrno(a(words(V | (6n << 1n), 0n)), 'EIO');
    await expectKernelErrno(a(words(V | (5n << 1n), 2n << 28n)), 'EIO');
    const s1 = await a(S1);
    await expectKernelErrno(sys.destroy(fd, viommu), 'EBUSY');
    await expectKernelErrno(sys.attach(devFd, s1), 'ENOENT');
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, 0x100n);
    await expectKernelErrno(n.vdeviceAlloc(fd, viommu, devId, 0x101n), 'EEXIST');
    const dev2Fd = await sys.open('/dev/vfio/devices/vfio1');
    const dev2 = await sys.bind(dev2Fd, fd);
    await expectKernelErrno(n.vdeviceAlloc(fd, viommu, dev2, 0x100n), 'EEXIST');
    await expectKernelErrno(n.vdeviceAlloc(fd, 4242, dev2, 0x200n), 'ENOENT');
    await expectKernelErrno(n.vdeviceAlloc(fd, viommu, 4242, 0x200n), 'ENOENT');
    expect(await sys.attach(devFd, s1)).toBe(s1);
    await expectKernelErrno(sys.destroy(fd, s1), 'EBUSY');
    // vDEVICE of an unbound device: tombstoned
    const vdev2 = await n.vdeviceAlloc(fd, viommu, dev2, 0x200n);
    await sys.close(dev2Fd);
    await expectKernelErrno(sys.destroy(fd, vdev2), 'ENOENT');
    await sys.detach(devFd);
    await sys.destroy(fd, s1);
    await sys.destroy(fd, vdev);
    await sys.destroy(fd, viommu);
  });

  it('vIOMMU invalidation: VMID rewrite, vSID → pSID, EIO with entry_num, over the InvalidationChannel too', async () => {
    const { sys, n, fd, devFd, devId, parent } = await nestSetup(host);
    const viommu = await n.viommuAlloc(fd, { type: 1, devId, hwptId: parent });
    await n.vdeviceAlloc(fd, viommu, devId, 0x100n);
    const s1 = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: S1 });
    await sys.attach(devFd, s1);
    const nested = host.srv.host.device('0000:01:00.0').group.rid!.hwpt as HwptNestedObj;
    const vmid = nested.viommu!.vmid;
    const tlb = host.srv.host.units.get('smmu0')!.tlb;
    tlb.insert(asidTag(vmid, 3), 0x10, 0x1, 12, 3);
    tlb.insert(asidTag(vmid, 4), 0x10, 0x2, 12, 3);
    // Inspect's domain_tag is a uint32: an SMMUv3 stage-1 tag shows as VMID << 16 | ASID
    const shown = (asid: number) => asidTag(vmid, asid) % 2 ** 32;
    const vmidTags = async () => {
      const r = await host.hw.inspect({ unit: 'smmu0', include_iotlb_entries: true, max_iotlb_entries: 1000 });
      return r
        .iotlbs!.flatMap((c) => c.entries)
        .map((x) => x.domain_tag)
        .filter((t) => t >= shown(0) && t <= shown(0xffff))
        .sort();
    };
    expect(await vmidTags()).toEqual([shown(3), shown(4)]);
    // NH_ASID 3 with a bogus VMID still acts on this vIOMMU's VMID
    expect(await n.invalidate(fd, viommu, INV_ARM_SMMUV3, 16, words(0x11n | (0x7777n << 32n) | (3n << 48n), 0n))).toBe(1);
    expect(await vmidTags()).toEqual([shown(4)]);
    let e = await expectKernelErrno(n.invalidate(fd, viommu, INV_ARM_SMMUV3, 16, words(0x11n | (4n << 48n), 0n, 0x40n | (0x99n << 32n), 0n)), 'EIO');
    expect(entryNumOf(e)).toBe('1');
    expect(await vmidTags()).toEqual([shown(4)]); // the converted NH_ASID 4 of that batch was never issued
    e = await expectKernelErrno(n.invalidate(fd, viommu, INV_ARM_SMMUV3, 16, new Uint8Array(0)), 'EINVAL');
    expect(entryNumOf(e)).toBe('0');
    e = await expectKernelErrno(n.invalidate(fd, s1, INV_ARM_SMMUV3, 16, words(0x30n, 0n)), 'EOPNOTSUPP');
    expect(entryNumOf(e)).toBe('0');
    const ch = channel(sys);
    ch.send({ fd, sequence: 10n, hwpt_id: viommu, data_type: INV_ARM_SMMUV3, entry_len: 16, entries: words(0x30n, 0n) }); // NSNH_ALL → NH_ALL(VMID)
    const ack = await ch.ack(1);
    expect(ack).toMatchObject({ sequence: '10', entry_num: 1 });
    expect(ack.status?.code).toBe(0);
    expect(await vmidTags()).toEqual([]);
    ch.send({ fd, sequence: 11n, hwpt_id: viommu, data_type: INV_ARM_SMMUV3, entry_len: 16, entries: words(0x03n | (0x100n << 32n), 0n) }); // CFGI_STE
    const bad = await ch.ack(2);
    expect(bad.status?.code).toBe(grpc.status.INTERNAL);
    expect(errorInfoOfStatus(bad.status)?.reason).toBe('EIO');
    await ch.close();
  });
});
