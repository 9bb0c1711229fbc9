/**
 * Guest-physical memory follows QEMU's machine maps (vmm-api.md VmSpec): q35 puts RAM below 4 GiB
 * up to `lowmem` (all of it below 0xb0000000 of RAM, else 2 GiB) and the rest from 4 GiB, leaving
 * the PCI hole (DMAR unit, MSI window) between; virt puts RAM at 0x4000_0000. The memfd stays one
 * file holding the ranges back to back. Checked through the host: the bytes a guest access or a
 * device DMA moves are at the memfd offset the map gives (Process.ReadMemory of the VM process,
 * and a second mapping of the memfd at that offset), identity maps cover exactly the RAM ranges
 * (Platform.Inspect areas of the IOAS), and DMA into the hole faults on the host.
 * host-iommu and vmm in-process over real gRPC.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { VtdDriver } from '#libs/guest/vtd-driver.js';
import { expectStatus, Sys } from './harness.js';
import { hostLeftClean, type Orchestrator, pattern, type TestTwin, useTwinHooks } from './vmm-harness.js';

let t: TestTwin;
let orch: Orchestrator;
const live = new Set<string>();

useTwinHooks({
  live,
  use: (tw, o) => ([t, orch] = [tw, o]),
  afterCleanup: hostLeftClean,
});

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const MSI = 0xfee00000n;
const DMAR = 0xfed90000n;

type Dev = Record<string, unknown> & { id: string };
const nic0: Dev = { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0' } };
const net0: Dev = { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: false } };

function spec(name: string, memoryBytes: bigint, machine: 'q35' | 'virt', devices: Dev[], viommu: Record<string, unknown> = { model: 'VIOMMU_MODEL_NONE' }) {
  return { name, memory_bytes: String(memoryBytes), machine, viommu, iommufd_objects: devices.some((d) => d.vfio) ? [{ id: 'iommufd0' }] : [], devices };
}

interface Booted {
  name: string;
  pid: number;
  info: VmInfo__Output;
  ramVa: bigint;
  /** the VM's host process, to read its memory as the host sees it */
  proc: Sys;
}

async function boot(s: ReturnType<typeof spec>): Promise<Booted> {
  const c = await call(t.v.Vmm.CreateVm, { spec: s as never });
  live.add(s.name);
  const pid = c.vm!.host_pid;
  const fds: Record<string, number> = {};
  if (s.devices.some((d) => d.vfio)) fds.iommufd0 = await orch.pass('/dev/iommu', pid);
  for (const d of s.devices) if (d.vfio) fds[d.id] = await orch.pass('/dev/vfio/devices/vfio0', pid);
  const info = (await call(t.v.Vmm.StartVm, { name: s.name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  return { name: s.name, pid, info, ramVa: BigInt(info.ram_va), proc: new Sys(t.host.root, pid) };
}

function ranges(info: VmInfo__Output): Array<[bigint, bigint, bigint]> {
  return info.ram_ranges.map((r) => [BigInt(r.gpa), BigInt(r.size), BigInt(r.memfd_offset)]);
}

const write = (vm: string, gpa: bigint, data: Buffer) => call(t.v.Guest.WriteMemory, { vm, gpa: String(gpa), data });
const read = async (vm: string, gpa: bigint, n: number) => Buffer.from((await call(t.v.Guest.ReadMemory, { vm, gpa: String(gpa), length: String(n) })).data);
const dma = (vm: string, dev: string, iova: bigint, length: number) => call(t.v.Guest.Dma, { vm, device_id: dev, iova: String(iova), length: String(length), write: false, data: Buffer.alloc(0) });
const dmaWrite = (vm: string, dev: string, iova: bigint, data: Buffer) => call(t.v.Guest.Dma, { vm, device_id: dev, iova: String(iova), length: String(data.length), write: true, data });

async function areas(vm: Booted, dev: string): Promise<Array<[bigint, bigint, bigint]>> {
  const h = vm.info.devices.find((d) => d.id === dev)!.host!;
  const r = await call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd: h.iommufd, id: h.ioas_ids[0]! } });
  return r.areas.map((a) => [BigInt(a.iova), BigInt(a.last), BigInt(a.user_va)] as [bigint, bigint, bigint]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('VmInfo RAM ranges follow the machine map', () => {
  it("q35: all of RAM below lowmem under 0xb0000000, else 2 GiB low and the rest from 4 GiB; virt at 0x4000_0000 (set while DEFINED)", async () => {
    const cases: Array<[string, bigint, 'q35' | 'virt', Array<[bigint, bigint, bigint]>]> = [
      ['map-small', 64n * MiB, 'q35', [[0n, 64n * MiB, 0n]]],
      ['map-below', 0xb0000000n - 2n * MiB, 'q35', [[0n, 0xafe00000n, 0n]]],
      ['map-split', 0xb0000000n, 'q35', [[0n, 2n * GiB, 0n], [4n * GiB, 0x30000000n, 2n * GiB]]],
      ['map-4g', 4n * GiB, 'q35', [[0n, 2n * GiB, 0n], [4n * GiB, 2n * GiB, 2n * GiB]]],
      ['map-virt', 64n * MiB, 'virt', [[0x40000000n, 64n * MiB, 0n]]],
    ];
    for (const [name, mem, machine, want] of cases) {
      const c = await call(t.v.Vmm.CreateVm, { spec: spec(name, mem, machine, []) as never });
      live.add(name);
      expect(ranges(c.vm!), name).toEqual(want);
      expect(ranges((await call(t.v.Vmm.GetVm, { name })).vm!), name).toEqual(want);
    }
  });
});

describe('q35 with 4 GiB: RAM [0, 2 GiB) and [4 GiB, 6 GiB), the PCI hole between', () => {
  it('Guest.Read/WriteMemory: top of low RAM and above 4 GiB land at their memfd offsets; the hole and straddles are INVALID_ARGUMENT GPA_OUT_OF_RANGE', async () => {
    const vm = await boot(spec('map-q35-mem', 4n * GiB, 'q35', [net0]));
    const n = vm.name;
    expect(ranges(vm.info)).toEqual([[0n, 2n * GiB, 0n], [4n * GiB, 2n * GiB, 2n * GiB]]);

    // top of low RAM: GPA = memfd offset
    const low = pattern(64, 1);
    await write(n, 2n * GiB - 64n, low);
    expect((await read(n, 2n * GiB - 64n, 64)).equals(low)).toBe(true);
    expect((await vm.proc.read(vm.ramVa + 2n * GiB - 64n, 64)).equals(low)).toBe(true);

    // above 4 GiB: memfd offset 2 GiB + (gpa - 4 GiB)
    const high = pattern(4096 + 128, 2);
    const hiGpa = 4n * GiB + 0x123400n - 64n; // crosses a page boundary
    await write(n, hiGpa, high);
    expect((await vm.proc.read(vm.ramVa + 2n * GiB + 0x123400n - 64n, high.length)).equals(high)).toBe(true);
    expect((await read(n, hiGpa, high.length)).equals(high)).toBe(true);
    // the memfd itself, mapped a second time at offset 2 GiB, holds them at the start of the mapping's page
    const ramFd = vm.info.ram_fd;
    const second = await vm.proc.mmap(4n * MiB, { fd: ramFd, offset: 2n * GiB });
    expect((await vm.proc.read(second + 0x123400n - 64n, high.length)).equals(high)).toBe(true);
    // the host writes the memfd at offset 2 GiB + 0x2000: the guest reads it at 4 GiB + 0x2000
    const fromHost = pattern(32, 3);
    await vm.proc.write(second + 0x2000n, fromHost);
    expect((await read(n, 4n * GiB + 0x2000n, 32)).equals(fromHost)).toBe(true);
    await vm.proc.munmap(second, 4n * MiB);
    // the very top of RAM
    await write(n, 6n * GiB - 4n, Buffer.from([1, 2, 3, 4]));
    expect([...(await vm.proc.read(vm.ramVa + 4n * GiB - 4n, 4))]).toEqual([1, 2, 3, 4]);

    // the hole (2 GiB .. 4 GiB: PCI MMIO, the DMAR unit, the MSI window), straddles, beyond RAM
    for (const [gpa, len] of [
      [2n * GiB, 4],
      [2n * GiB - 2n, 4],
      [3n * GiB, 16],
      [DMAR, 8],
      [MSI, 4],
      [4n * GiB - 4n, 8],
      [6n * GiB - 2n, 4],
      [6n * GiB, 1],
    ] as Array<[bigint, number]>) {
      await expectStatus(call(t.v.Guest.ReadMemory, { vm: n, gpa: String(gpa), length: String(len) }), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
      await expectStatus(write(n, gpa, Buffer.alloc(len, 0xee)), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
    }
    // a refused write changed nothing: the bytes below the straddle are still there
    expect((await read(n, 2n * GiB - 4n, 4)).equals(low.subarray(60))).toBe(true);
    expect([...(await read(n, 6n * GiB - 4n, 4))]).toEqual([1, 2, 3, 4]);

    // a virtio device without ACCESS_PLATFORM DMAs at GPAs: above 4 GiB fine, into the hole an error
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: n, device_id: 'net0', driver_features: String(1n << 32n) })).features_ok).toBe(true);
    const d = await dma(n, 'net0', hiGpa, high.length);
    expect(d.result).toBe('data');
    expect(Buffer.from(d.data!).equals(high)).toBe(true);
    const w = pattern(100, 4);
    expect((await dmaWrite(n, 'net0', 4n * GiB + 0x9000n, w)).result).toBe('written');
    expect((await vm.proc.read(vm.ramVa + 2n * GiB + 0x9000n, 100)).equals(w)).toBe(true);
    await expectStatus(dma(n, 'net0', 3n * GiB, 4), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
    await expectStatus(dma(n, 'net0', 2n * GiB - 2n, 4), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
  });

  it('model NONE: the identity map covers exactly the RAM ranges (IOVA = GPA → VA of that GPA); DMA above 4 GiB moves the right bytes, DMA into the hole faults on the host', async () => {
    const vm = await boot(spec('map-q35-none', 4n * GiB, 'q35', [nic0]));
    const n = vm.name;
    expect(vm.info.devices[0]!.backend).toBe('NONE');
    expect(await areas(vm, 'nic0')).toEqual([
      [0n, 2n * GiB - 1n, vm.ramVa],
      [4n * GiB, 6n * GiB - 1n, vm.ramVa + 2n * GiB],
    ]);
    expect((await vm.proc.status()).pinned).toBe(4n * GiB);

    const high = pattern(256, 5);
    await write(n, 5n * GiB + 0x40n, high);
    const r = await dma(n, 'nic0', 5n * GiB + 0x40n, 256);
    expect(r.result).toBe('data');
    expect(Buffer.from(r.data!).equals(high)).toBe(true);
    const w = pattern(256, 6);
    expect((await dmaWrite(n, 'nic0', 4n * GiB + 0x1000n, w)).result).toBe('written');
    expect((await vm.proc.read(vm.ramVa + 2n * GiB + 0x1000n, 256)).equals(w)).toBe(true);
    expect((await read(n, 4n * GiB + 0x1000n, 256)).equals(w)).toBe(true);
    // top of low RAM reachable, the hole not: the device's DMA faults on the host
    await write(n, 2n * GiB - 4n, Buffer.from([9, 8, 7, 6]));
    expect([...Buffer.from((await dma(n, 'nic0', 2n * GiB - 4n, 4)).data!)]).toEqual([9, 8, 7, 6]);
    for (const iova of [2n * GiB, 3n * GiB, MSI - 0x100000n, 4n * GiB - 4n, 6n * GiB]) {
      const f = await dma(n, 'nic0', iova, 4);
      expect(f.result, `0x${iova.toString(16)}`).toBe('host_fault');
      expect(f.host_fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', addr: String(iova) });
    }
    const wf = await dmaWrite(n, 'nic0', 3n * GiB, Buffer.from([1]));
    expect(wf.result).toBe('host_fault');
  });

  it('virtio-iommu: boot bypass identity-maps exactly the RAM ranges; a MAP of a phys range in the hole stays in the device, one above 4 GiB maps VA of that GPA', async () => {
    const vm = await boot(spec('map-q35-viommu', 4n * GiB, 'q35', [nic0], { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: {} }));
    const n = vm.name;
    expect(vm.info.devices[0]!.backend).toBe('EMULATED');
    // boot_bypass (QEMU's default): the endpoint's IOAS is the identity map of RAM
    expect(await areas(vm, 'nic0')).toEqual([
      [0n, 2n * GiB - 1n, vm.ramVa],
      [4n * GiB, 6n * GiB - 1n, vm.ramVa + 2n * GiB],
    ]);
    const ep = vm.info.devices[0]!.endpoint_id;
    const rq = (body: Record<string, unknown>) => call(t.v.Guest.VirtioIommuRequest, { vm: n, ...body });
    expect((await call(t.v.Guest.VirtioIommuSetFeatures, { vm: n, driver_features: String((1n << 32n) | 0x77n) })).features_ok).toBe(true);
    expect((await rq({ attach: { domain: 1, endpoint: ep, flags: 0, reserved: 0 } })).status).toBe(0);
    expect(await areas(vm, 'nic0')).toEqual([]);
    // phys in the hole (and one straddling the end of low RAM): accepted by the device, not on the host
    expect((await rq({ map: { domain: 1, virt_start: String(0x100000n), virt_end: String(0x100fffn), phys_start: String(3n * GiB), flags: 3 } })).status).toBe(0);
    expect((await rq({ map: { domain: 1, virt_start: String(0x200000n), virt_end: String(0x201fffn), phys_start: String(2n * GiB - 0x1000n), flags: 3 } })).status).toBe(0);
    expect(await areas(vm, 'nic0')).toEqual([]);
    // phys above 4 GiB: the host maps the VM-process VA of that GPA (memfd offset 2 GiB + ...)
    expect((await rq({ map: { domain: 1, virt_start: String(0x300000n), virt_end: String(0x300fffn), phys_start: String(4n * GiB + 0x5000n), flags: 3 } })).status).toBe(0);
    expect(await areas(vm, 'nic0')).toEqual([[0x300000n, 0x300fffn, vm.ramVa + 2n * GiB + 0x5000n]]);
    const data = pattern(64, 7);
    await write(n, 4n * GiB + 0x5000n, data);
    expect(Buffer.from((await dma(n, 'nic0', 0x300000n, 64)).data!).equals(data)).toBe(true);
    expect((await dma(n, 'nic0', 0x100000n, 4)).result).toBe('host_fault');
  });

  it('intel-iommu with translation off: the caching-mode shadow identity-maps exactly the RAM ranges', async () => {
    const vm = await boot(spec('map-q35-vtd', 4n * GiB, 'q35', [nic0], { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 48, caching_mode: true } }));
    expect(vm.info.devices[0]!.backend).toBe('EMULATED');
    expect(await areas(vm, 'nic0')).toEqual([
      [0n, 2n * GiB - 1n, vm.ramVa],
      [4n * GiB, 6n * GiB - 1n, vm.ramVa + 2n * GiB],
    ]);
    // the DMAR registers are MMIO in the hole, not RAM
    expect(BigInt(vm.info.viommu_mmio!.base)).toBe(DMAR);
    await expectStatus(call(t.v.Guest.ReadMemory, { vm: vm.name, gpa: String(DMAR), length: '4' }), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
    const data = pattern(32, 8);
    await write(vm.name, 4n * GiB + 0x7000n, data);
    expect(Buffer.from((await dma(vm.name, 'nic0', 4n * GiB + 0x7000n, 32)).data!).equals(data)).toBe(true);
  });
});

describe('q35 with 4 GiB behind an intel-iommu with translation on', () => {
  it('tables and buffers above 4 GiB: the model walks them by GPA, the shadow maps the VA of each leaf GPA; a leaf in the hole is not shadowed and a virtio DMA there is GPA_OUT_OF_RANGE', async () => {
    const blk0: Dev = { id: 'blk0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } };
    const vm = await boot(spec('map-q35-vtd-te', 4n * GiB, 'q35', [nic0, blk0], { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 48, caching_mode: true } }));
    const n = vm.name;
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: n, device_id: 'blk0', driver_features: String((1n << 32n) | (1n << 33n)) })).features_ok).toBe(true);
    const SID = { nic0: 0x18, blk0: 0x20 };
    // the driver's root/context/page tables live above 4 GiB (memfd offset 2 GiB + 16 MiB ...)
    const d = new VtdDriver(t.v.Guest, { vm: n, pool: { start: 4n * GiB + 16n * MiB, end: 4n * GiB + 32n * MiB }, faultMsi: { addr: MSI, data: 0x41 } });
    await d.init();
    const dom = await d.allocDomain();
    await d.attach(dom, SID.nic0);
    await d.attach(dom, SID.blk0);
    const IOVA = 0x80000000n;
    const BUF = 5n * GiB + 0x3000n;
    await d.map(dom, IOVA, BUF, 0x2000n);
    expect(await areas(vm, 'nic0')).toEqual([
      [IOVA, IOVA + 0xfffn, vm.ramVa + 3n * GiB + 0x3000n],
      [IOVA + 0x1000n, IOVA + 0x1fffn, vm.ramVa + 3n * GiB + 0x4000n],
    ]);
    const src = pattern(0x1800, 11);
    await write(n, BUF, src);
    for (const dev of ['nic0', 'blk0']) {
      const r = await dma(n, dev, IOVA + 0x400n, 0x1000);
      expect(r.result, dev).toBe('data');
      expect(Buffer.from(r.data!).equals(src.subarray(0x400, 0x1400)), dev).toBe(true);
    }
    const w = pattern(0x200, 12);
    expect((await dmaWrite(n, 'blk0', IOVA + 0xf00n, w)).result).toBe('written');
    expect((await vm.proc.read(vm.ramVa + 3n * GiB + 0x3f00n, 0x200)).equals(w)).toBe(true);
    const w2 = pattern(0x100, 13);
    expect((await dmaWrite(n, 'nic0', IOVA + 0x1100n, w2)).result).toBe('written');
    expect((await read(n, BUF + 0x1100n, 0x100)).equals(w2)).toBe(true);
    // a leaf at a GPA in the PCI hole: not propagated to the host; the virtio device's DMA there is an error
    const HOLE_IOVA = 0x90000000n;
    await d.map(dom, HOLE_IOVA, 3n * GiB, 0x1000n);
    expect((await areas(vm, 'nic0')).map((a) => a[0])).toEqual([IOVA, IOVA + 0x1000n]);
    expect((await dma(n, 'nic0', HOLE_IOVA, 4)).result).toBe('host_fault');
    await expectStatus(dma(n, 'blk0', HOLE_IOVA, 4), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
  });
});

describe('virt: RAM at 0x4000_0000', () => {
  it('GPA 0 is not RAM; 0x4000_0000 is memfd offset 0; the identity map of NONE is [0x4000_0000, +RAM)', async () => {
    const RAM = 64n * MiB;
    const vm = await boot(spec('map-virt', RAM, 'virt', [nic0, net0]));
    const n = vm.name;
    expect(ranges(vm.info)).toEqual([[0x40000000n, RAM, 0n]]);
    for (const [gpa, len] of [
      [0n, 4],
      [0x08000000n, 4],
      [0x40000000n - 2n, 4],
      [0x40000000n + RAM - 2n, 4],
      [0x40000000n + RAM, 4],
    ] as Array<[bigint, number]>) {
      await expectStatus(call(t.v.Guest.ReadMemory, { vm: n, gpa: String(gpa), length: String(len) }), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
      await expectStatus(write(n, gpa, Buffer.alloc(len)), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
    }
    const a = pattern(48, 9);
    await write(n, 0x40000000n, a);
    expect((await vm.proc.read(vm.ramVa, 48)).equals(a)).toBe(true);
    const b = pattern(48, 10);
    await write(n, 0x40000000n + RAM - 48n, b);
    expect((await vm.proc.read(vm.ramVa + RAM - 48n, 48)).equals(b)).toBe(true);

    expect(await areas(vm, 'nic0')).toEqual([[0x40000000n, 0x40000000n + RAM - 1n, vm.ramVa]]);
    expect(Buffer.from((await dma(n, 'nic0', 0x40000000n, 48)).data!).equals(a)).toBe(true);
    expect((await dma(n, 'nic0', 0n, 4)).result).toBe('host_fault');
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: n, device_id: 'net0', driver_features: String(1n << 32n) })).features_ok).toBe(true);
    expect(Buffer.from((await dma(n, 'net0', 0x40000000n, 48)).data!).equals(a)).toBe(true);
    await expectStatus(dma(n, 'net0', 0x1000n, 4), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
  });
});
