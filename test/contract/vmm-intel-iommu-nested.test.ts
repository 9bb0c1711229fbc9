/**
 * The NESTED backend of an assigned device behind the vmm's intel-iommu with x-flts, driven as a
 * Linux guest drives it (libs/guest/vtd-driver.ts in scalable mode with first-stage domains):
 * the host walks the guest's first-stage tables over a NEST_PARENT stage 2 of guest RAM.
 * host-iommu (intel-vtd profile) and vmm in-process over real gRPC.
 *
 * Expected values: shared/reference/nesting-and-vtd.md §A.1/A.2 (iommu_hwpt_vtd_s1 and
 * iommu_hwpt_vtd_s1_invalidate layouts, flags) and §B.9 (QEMU's x-flts: NEST_PARENT default
 * HWPT, VTD_S1 nested HWPT from the PASID entry at PASID-cache sync, only PASID-IOTLB of PASID 0
 * forwarded: all-in-PASID {0, U64_MAX, 0}, PSI {addr, 2^AM, LEAF iff IH}); vmm-api.md "Backends
 * of assigned devices" (the guest's wait completes only after the host's ack; identical
 * registers whatever the backend; AUTO / refusals reported per device).
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { FL, QI_DONE, VtdDriver, type VtdDomain } from '#libs/guest/vtd-driver.js';
import { errorInfo, expectStatus } from './harness.js';
import { guestOps, hostLeftClean, type Orchestrator, pattern, type TestTwin, useTwinHooks } from './vmm-harness.js';

let t: TestTwin;
let orch: Orchestrator;
const live = new Set<string>();

useTwinHooks({
  live,
  use: (tw, o) => ([t, orch] = [tw, o]),
  afterCleanup: hostLeftClean,
});

const MiB = 1n << 20n;
const RAM = 64n * MiB;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
const POOL = { start: 16n * MiB, end: 32n * MiB };
const BUF = 40n * MiB;
const U64_MAX = (1n << 64n) - 1n;
const SID = { nic0: 0x18 } as const;

type Dev = Record<string, unknown> & { id: string };
const nic = (backend: string, hostBdf = '0000:01:00.0', id = 'nic0', bdf = '0000:00:03.0'): Dev => ({ id, guest_bdf: bdf, vfio: { host_bdf: hostBdf, iommufd: 'iommufd0', backend } });
const blk0: Dev = { id: 'blk0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } };
const CDEV: Record<string, string> = { '0000:01:00.0': 'vfio0', '0000:80:00.0': 'vfio6' };

function spec(name: string, devices: Dev[]) {
  return {
    name,
    memory_bytes: String(RAM),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 48, caching_mode: true, scalable_mode: true, flts: true } },
    iommufd_objects: devices.some((d) => d.vfio) ? [{ id: 'iommufd0' }] : [],
    devices,
  };
}

async function create(name: string, devices: Dev[]): Promise<{ pid: number; fds: Record<string, number> }> {
  const c = await call(t.v.Vmm.CreateVm, { spec: spec(name, devices) as never });
  live.add(name);
  const pid = c.vm!.host_pid;
  const fds: Record<string, number> = {};
  if (devices.some((d) => d.vfio)) fds.iommufd0 = await orch.pass('/dev/iommu', pid);
  for (const d of devices) if (d.vfio) fds[d.id] = await orch.pass(`/dev/vfio/devices/${CDEV[(d.vfio as { host_bdf: string }).host_bdf]!}`, pid);
  return { pid, fds };
}

interface Vm {
  name: string;
  pid: number;
  info: VmInfo__Output;
  ramVa: bigint;
  drv: VtdDriver;
}

async function boot(name: string, devices: Dev[]): Promise<Vm> {
  const { pid, fds } = await create(name, devices);
  const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  for (const d of devices) {
    if (d.virtio) expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: d.id, driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
  }
  return { name, pid, info, ramVa: BigInt(info.ram_va), drv: new VtdDriver(t.v.Guest, { vm: name, pool: POOL, faultMsi: { addr: 0xfee00000n, data: 0x41 } }) };
}

const { dmaRead, dmaWrite, readOk, poke, peek } = guestOps(() => t);

/** The NIC's host objects as VmInfo reports them: [NEST_PARENT, nested first stage?]. */
async function hostOf(vm: Vm, id = 'nic0') {
  const info = (await call(t.v.Vmm.GetVm, { name: vm.name })).vm!;
  const d = info.devices.find((x) => x.id === id)!;
  return { backend: d.backend, fd: d.host!.iommufd, ioas: d.host!.ioas_ids[0]!, hwpts: d.host!.hwpt_ids };
}
async function inspectObj(vm: Vm, fd: number, id: number) {
  return call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd, id } });
}

/** Decoded iommu_hwpt_vtd_s1_invalidate entries [A.1]. */
function decodeInv(b: Uint8Array): Array<{ addr: bigint; npages: bigint; flags: number; rsvd: number }> {
  const out = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 24 <= b.byteLength; o += 24) out.push({ addr: v.getBigUint64(o, true), npages: v.getBigUint64(o + 8, true), flags: v.getUint32(o + 16, true), rsvd: v.getUint32(o + 20, true) });
  return out;
}

/** Records the vmm's host calls: forwarded invalidations (with their ack) and guest-RAM writes. */
function recordHostCalls() {
  const link = t.vmm.link;
  const log: Array<{ what: 'inv-sent' | 'inv-acked'; hwpt: number; entries: ReturnType<typeof decodeInv> } | { what: 'ram-write'; va: bigint; data: Buffer }> = [];
  const inv = link.invalidate.bind(link);
  const wm = link.writeMemory.bind(link);
  const s1 = vi.spyOn(link, 'invalidate').mockImplementation(async (pid, fd, hwpt, type, len, entries) => {
    log.push({ what: 'inv-sent', hwpt, entries: decodeInv(entries) });
    const n = await inv(pid, fd, hwpt, type, len, entries);
    log.push({ what: 'inv-acked', hwpt, entries: decodeInv(entries) });
    return n;
  });
  const s2 = vi.spyOn(link, 'writeMemory').mockImplementation(async (pid, va, data) => {
    log.push({ what: 'ram-write', va, data: Buffer.from(data) });
    return wm(pid, va, data);
  });
  return {
    log,
    restore() {
      s1.mockRestore();
      s2.mockRestore();
    },
  };
}

/** Linux bring-up in scalable mode, a first-stage domain attached to the NIC (PASID entry + PC + PIOTLB flushes under CM). */
async function readyNic(vm: Vm): Promise<VtdDomain> {
  await vm.drv.init({ scalable: true });
  const dom = await vm.drv.allocDomain();
  expect(dom.firstStage).toBe(true);
  await vm.drv.attach(dom, SID.nic0);
  return dom;
}

describe('assigned NIC behind intel-iommu x-flts, NESTED [B.9, vmm-api Backends]', () => {
  it('a NEST_PARENT HWPT over guest RAM at plug; the PASID-cache flush binds a VTD_S1 nested HWPT; the NIC DMAs guest RAM both ways through the 2-D walk', async () => {
    const vm = await boot('vtd-nest', [nic('VFIO_BACKEND_AUTO'), blk0]);
    // [vmm-api] AUTO picks NESTED where the host nests (dmar0), reported per device
    let h = await hostOf(vm);
    expect(h.backend).toBe('NESTED');
    expect(h.hwpts).toHaveLength(1);
    const parent = h.hwpts[0]!;
    const pi = await inspectObj(vm, h.fd, parent);
    expect(pi.kind).toBe('HWPT_PAGING');
    // guest RAM identity-mapped in the parent's IOAS: GPA → ram_va + GPA (q35, 64 MiB below lowmem)
    const areas = pi.areas.map((a) => [BigInt(a.iova), BigInt(a.last), BigInt(a.user_va)]);
    expect(areas).toEqual([[0n, RAM - 1n, vm.ramVa]]);
    // DMA remapping off: the NIC's DMA uses GPAs through the parent (QEMU's system MR)
    const early = pattern(64, 1);
    await poke(vm.name, BUF + 0x10000n, early);
    expect((await readOk(vm.name, 'nic0', BUF + 0x10000n, 64)).equals(early)).toBe(true);

    const rec = recordHostCalls();
    let dom: VtdDomain;
    try {
      dom = await readyNic(vm);
    } finally {
      rec.restore();
    }
    h = await hostOf(vm);
    expect(h.hwpts).toHaveLength(2);
    expect(h.hwpts[0]).toBe(parent);
    const nestedId = h.hwpts[1]!;
    const ni = await inspectObj(vm, h.fd, nestedId);
    expect(ni.kind).toBe('HWPT_NESTED');
    // its stage 2 is the parent's table (the guest's stage 1 lives in guest RAM)
    expect(ni.page_tables.map((p) => p.hwpt_id)).toEqual([parent]);
    // [B.9 step 6] the attach's PIOTLB all-in-PASID (DID of the entry, PASID 0) was forwarded: {0, U64_MAX, 0}
    const sent = rec.log.filter((x) => x.what === 'inv-acked');
    expect(sent).toEqual([{ what: 'inv-acked', hwpt: nestedId, entries: [{ addr: 0n, npages: U64_MAX, flags: 0, rsvd: 0 }] }]);

    // first-stage map (no flush under CM for first level, as Linux), then the NIC DMAs through it
    const IOVA = 0x7fff00000000n;
    await vm.drv.map(dom!, IOVA, BUF, 0x2000n);
    const src = pattern(0x2000, 7);
    await poke(vm.name, BUF, src);
    expect((await readOk(vm.name, 'nic0', IOVA + 0xf00n, 0x200)).equals(src.subarray(0xf00, 0x1100))).toBe(true);
    const w = pattern(0x300, 8);
    expect((await dmaWrite(vm.name, 'nic0', IOVA + 0xe80n, w)).result).toBe('written'); // across the two pages
    expect((await peek(vm.name, BUF + 0xe80n, 0x300)).equals(w)).toBe(true);
    // what the NIC writes reaches the vmm's copy of guest RAM the model walks: the NIC rewrites a
    // first-stage leaf of blk0's domain, and after the PASID-IOTLB flush the model translates blk0 with it
    const dblk = await vm.drv.allocDomain();
    await vm.drv.attach(dblk, 0x20);
    await vm.drv.map(dblk, 0x100000n, BUF + 0x4000n, 0x1000n);
    const x = pattern(32, 9);
    const y = pattern(32, 10);
    await poke(vm.name, BUF + 0x4000n, x);
    await poke(vm.name, BUF + 0x5000n, y);
    expect((await readOk(vm.name, 'blk0', 0x100000n, 32)).equals(x)).toBe(true);
    const pte = (await vm.drv.ptePointer(dblk, 0x100000n))!;
    const TBL = 0x7ffe00000000n;
    await vm.drv.map(dom!, TBL, pte & ~0xfffn, 0x1000n);
    const leaf = Buffer.alloc(8);
    leaf.writeBigUInt64LE((BUF + 0x5000n) | FL.P | FL.RW | FL.US | FL.A | FL.D);
    expect((await dmaWrite(vm.name, 'nic0', TBL + (pte & 0xfffn), leaf)).result).toBe('written');
    await vm.drv.flushRange(dblk, 0x100000n, 0x100fffn);
    expect((await readOk(vm.name, 'blk0', 0x100000n, 32)).equals(y)).toBe(true);
    // outside the first stage: the host faults, the guest sees no VT-d fault (FSTS 0)
    expect((await dmaRead(vm.name, 'nic0', IOVA + 0x2000n, 4)).result).toBe('host_fault');
    expect(await vm.drv.readl(0x34)).toBe(0);
  });

  it('a changed first-stage PTE without the PASID-IOTLB flush keeps the stale translation on the host; the PSI (IH → LEAF) is forwarded and the wait status is written only after the host ack', async () => {
    const vm = await boot('vtd-nest-stale', [nic('VFIO_BACKEND_NESTED')]);
    const d = vm.drv;
    const dom = await readyNic(vm);
    const IOVA = 0x40000000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    const a = pattern(64, 11);
    const b = pattern(64, 12);
    await poke(vm.name, BUF, a);
    await poke(vm.name, BUF + 0x8000n, b);
    expect((await readOk(vm.name, 'nic0', IOVA, 64)).equals(a)).toBe(true); // host IOTLB filled
    // the guest points the leaf elsewhere and skips the flush
    await d.setLeaf(dom, IOVA, (BUF + 0x8000n) | FL.P | FL.RW | FL.US | FL.A | FL.D);
    expect((await readOk(vm.name, 'nic0', IOVA, 64)).equals(a)).toBe(true); // stale on the host
    const { nested } = { nested: (await hostOf(vm)).hwpts[1]! };

    const rec = recordHostCalls();
    let fl;
    try {
      fl = await d.flushRange(dom, IOVA, IOVA + 0xfffn, true);
    } finally {
      rec.restore();
    }
    expect(fl).toEqual({ addr: IOVA, am: 0, gran: 3n });
    expect((await readOk(vm.name, 'nic0', IOVA, 64)).equals(b)).toBe(true); // the new translation
    // [B.9 step 6] one VTD_S1 entry: {addr, npages 2^AM = 1, LEAF (IH)}
    const i = rec.log.findIndex((x) => x.what === 'inv-acked');
    expect(rec.log.filter((x) => x.what === 'inv-acked')).toEqual([{ what: 'inv-acked', hwpt: nested, entries: [{ addr: IOVA, npages: 1n, flags: 1, rsvd: 0 }] }]);
    // the inv_wait's status word (QI_DONE) reached guest RAM only after that ack
    const done = rec.log.findIndex((x) => x.what === 'ram-write' && x.data.length === 4 && x.data.readUInt32LE(0) === QI_DONE);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(done).toBeGreaterThan(i);
    expect(rec.log.slice(0, done).some((x) => x.what === 'inv-sent')).toBe(true);

    // a type-2 IOTLB PSI of the DID is not forwarded [B.9 step 6], nor a PIOTLB of another DID
    await d.setLeaf(dom, IOVA, BUF | FL.P | FL.RW | FL.US | FL.A | FL.D);
    const rec2 = recordHostCalls();
    try {
      await d.flushIotlb(dom.did, IOVA, 0, 3n);
      await d.qiSubmit([d.piotlbDesc(dom.did + 7, 0, IOVA, 0, 3n)]);
    } finally {
      rec2.restore();
    }
    expect(rec2.log.filter((x) => x.what !== 'ram-write')).toEqual([]);
    expect((await readOk(vm.name, 'nic0', IOVA, 64)).equals(b)).toBe(true); // still stale on the host
    await d.flushRange(dom, IOVA, IOVA + 0xfffn);
    expect((await readOk(vm.name, 'nic0', IOVA, 64)).equals(a)).toBe(true);
  });

  it('clearing the PASID entry + PASID-cache flush detaches the NIC (blocked: host fault) and destroys the first-stage HWPT; a pass-through entry attaches the parent (IOVA = GPA)', async () => {
    const vm = await boot('vtd-nest-unbind', [nic('VFIO_BACKEND_NESTED')]);
    const d = vm.drv;
    const dom = await readyNic(vm);
    const IOVA = 0x200000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('nested!'));
    expect((await readOk(vm.name, 'nic0', IOVA, 7)).toString()).toBe('nested!');
    const h = await hostOf(vm);
    const nestedId = h.hwpts[1]!;
    const pe = (await d.pasidEntryGpa(SID.nic0, 0, false))!;
    await d.writeQwords(pe, [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]);
    await d.qiSubmit([d.pcDesc(dom.did, 0, 1n)]);
    expect((await hostOf(vm)).hwpts).toEqual([h.hwpts[0]]);
    await expectStatus(inspectObj(vm, h.fd, nestedId), grpc.status.NOT_FOUND, 'ENOENT');
    expect((await dmaRead(vm.name, 'nic0', IOVA, 7)).result).toBe('host_fault');
    expect((await dmaRead(vm.name, 'nic0', BUF, 7)).result).toBe('host_fault');
    // PGTT = PT (4): the NEST_PARENT HWPT again, DMA with GPAs
    await d.writeQwords(pe, [(4n << 6n) | 1n, BigInt(dom.did), 0n, 0n, 0n, 0n, 0n, 0n]);
    await d.qiSubmit([d.pcDesc(dom.did, 0, 1n)]);
    expect((await readOk(vm.name, 'nic0', BUF, 7)).toString()).toBe('nested!');
    expect((await hostOf(vm)).hwpts).toEqual([h.hwpts[0]]);
  });

  it('CAP/ECAP and every register read are the same with the NESTED NIC as without an assigned device [vmm-api: identical CAP/ECAP]', async () => {
    // under x-flts EMULATED cannot back an assigned device (QEMU never shadows a first stage), so
    // the comparison is with the same VM spec carrying no assigned device
    const run = async (name: string, devices: Dev[]) => {
      const vm = await boot(name, devices);
      const d = vm.drv;
      await d.init({ scalable: true });
      const dom = await d.allocDomain();
      await d.attach(dom, 0x20);
      await d.map(dom, 0x100000n, BUF, 0x4000n);
      await d.unmap(dom, 0x100000n, 0x2000n);
      for (const off of [0x0, 0x1c, 0x34, 0x38, 0xa0, 0x9c, 0x64]) await d.readl(off);
      for (const off of [0x8, 0x10, 0x20, 0x90, 0x80, 0x88, 0x220, 0x228]) await d.readq(off);
      return d.trace.filter((x) => x.op === 'r').map((x) => `${x.off.toString(16)}:${x.size}=${x.value.toString(16)}`);
    };
    const plain = await run('vtd-nest-same-a', [blk0]);
    const withNic = await run('vtd-nest-same-b', [blk0, nic('VFIO_BACKEND_NESTED')]);
    expect(withNic).toEqual(plain);
  });

  it('a device behind dmar1 (no nesting) with NESTED or AUTO under flts is refused VIOMMU_HOST_INCOMPATIBLE naming the unit; EMULATED is refused too; nothing is left on the host', async () => {
    for (const backend of ['VFIO_BACKEND_NESTED', 'VFIO_BACKEND_AUTO', 'VFIO_BACKEND_EMULATED']) {
      const name = `vtd-nest-dmar1-${backend.slice(13).toLowerCase()}`;
      const { fds } = await create(name, [nic(backend, '0000:80:00.0', 'nic1', '0000:00:05.0'), nic('VFIO_BACKEND_NESTED')]);
      const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: fds }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
      const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
      // nic0 (dmar0, nests) is fine: only nic1, every violation listed
      expect(new Set(v.map((x) => x.device))).toEqual(new Set(['nic1']));
      if (backend === 'VFIO_BACKEND_EMULATED') expect(v.map((x) => x.rule)).toEqual(['flts']);
      else {
        // dmar1 has no nesting, and no 1 GiB pages for the CAP.FS1GP the guest sees
        expect(v.map((x) => x.rule)).toEqual(['nesting', 'fs1gp']);
        for (const x of v) expect(x.detail).toContain('dmar1');
        expect(e.message).toContain('nic1: nesting');
      }
      expect((await call(t.v.Vmm.GetVm, { name })).vm!.state).toBe('VM_STATE_DEFINED');
      const hst = await call(t.host.platform.Platform.Inspect, { host: true });
      expect(hst.page_tables).toEqual([]);
      expect(hst.pinned!.pages).toBe('0');
    }
  });

  it('hotplug: a dmar1 device is refused and changes nothing; a dmar0 device plugs NESTED, binds at the PASID-cache flush, DMAs; unplug leaves nothing of it on the host', async () => {
    const vm = await boot('vtd-nest-hp', [nic('VFIO_BACKEND_NESTED')]);
    const d = vm.drv;
    const dom = await readyNic(vm);
    const hostBefore = await call(t.host.platform.Platform.Inspect, { host: true });
    const before = (await call(t.v.Vmm.GetVm, { name: vm.name })).vm!;
    const fd1 = await orch.pass('/dev/vfio/devices/vfio6', vm.pid);
    const e = await expectStatus(
      call(t.v.Vmm.HotplugDevice, { name: vm.name, device: nic('VFIO_BACKEND_AUTO', '0000:80:00.0', 'nic1', '0000:00:05.0') as never, passed_fds: { nic1: fd1 } }),
      grpc.status.FAILED_PRECONDITION,
      'VIOMMU_HOST_INCOMPATIBLE',
    );
    expect(e.message).toContain('nic1: nesting');
    expect((await call(t.v.Vmm.GetVm, { name: vm.name })).vm!.devices).toEqual(before.devices);
    const hostAfter = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(hostAfter.page_tables).toEqual(hostBefore.page_tables);

    // the GPU (dmar0) hot-plugged with AUTO: NESTED, on its parent until the guest binds it
    const fd2 = await orch.pass('/dev/vfio/devices/vfio2', vm.pid);
    const info = (await call(t.v.Vmm.HotplugDevice, { name: vm.name, device: nic('VFIO_BACKEND_AUTO', '0000:03:00.0', 'gpu0', '0000:00:06.0') as never, passed_fds: { gpu0: fd2 } })).vm!;
    const g = info.devices.find((x) => x.id === 'gpu0')!;
    expect(g.backend).toBe('NESTED');
    expect(g.host!.hwpt_ids).toHaveLength(1);
    await d.attach(dom, 0x30); // the same first-stage domain as nic0
    await d.map(dom, 0x300000n, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('gpu via nested'));
    expect((await readOk(vm.name, 'gpu0', 0x300000n, 14)).toString()).toBe('gpu via nested');
    expect((await readOk(vm.name, 'nic0', 0x300000n, 14)).toString()).toBe('gpu via nested');
    const gh = await hostOf(vm, 'gpu0');
    expect(gh.hwpts).toHaveLength(2);
    await call(t.v.Vmm.UnplugDevice, { name: vm.name, device_id: 'gpu0' });
    for (const id of [gh.hwpts[1]!, gh.hwpts[0]!, gh.ioas]) await expectStatus(inspectObj(vm, gh.fd, id), grpc.status.NOT_FOUND, 'ENOENT');
    expect((await readOk(vm.name, 'nic0', 0x300000n, 14)).toString()).toBe('gpu via nested');
  });

  it('NESTED without flts is refused at CreateVm (INVALID_ARGUMENT BAD_DEVICE)', async () => {
    const s = spec('vtd-nest-noflts', [nic('VFIO_BACKEND_NESTED')]);
    s.viommu.intel.flts = false;
    await expectStatus(call(t.v.Vmm.CreateVm, { spec: s as never }), grpc.status.INVALID_ARGUMENT, 'BAD_DEVICE');
  });
});
