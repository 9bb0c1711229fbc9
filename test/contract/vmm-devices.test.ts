/**
 * Devices of a VM and their host side: virtio devices with and without ACCESS_PLATFORM,
 * assigned devices (EMULATED behind a virtio-iommu, and model NONE), plug-time refusals,
 * hotplug / unplug while RUNNING, and the VM lifecycle. host-iommu and vmm in-process over real
 * gRPC; rules from vmm-api.md and shared/reference/vmm-viommu-semantics.md (§1.13, §2.7, §2.8).
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { DeviceInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/DeviceInfo.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { errorInfo, expectErrno, expectStatus } from './harness.js';
import { hostLeftClean, type Orchestrator, pattern, type TestTwin, useTwinHooks } from './vmm-harness.js';

let t: TestTwin;
let orch: Orchestrator;
const live = new Set<string>();

useTwinHooks({
  live,
  use: (tw, o) => ([t, orch] = [tw, o]),
  // every test leaves the host as it found it
  afterCleanup: hostLeftClean,
});

// ------------------------------------------------------------------ constants

const MiB = 1n << 20n;
const RAM = 64n * MiB;
const S = { OK: 0, UNSUPP: 2, INVAL: 4, NOENT: 6 } as const;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
const VIOMMU_ALL = VERSION_1 | 0x77n;
const MAP_RW = 3;
const ATTACH_F_BYPASS = 1;
const R_MAPPING = 2;
const RMRR = { start: 0xe0000n, last: 0xfffffn };
const MSI = { start: 0xfee00000n, end: 0xfeefffffn };

const CDEV: Record<string, string> = {
  '0000:01:00.0': 'vfio0',
  '0000:02:00.0': 'vfio1',
  '0000:03:00.0': 'vfio2',
  '0000:04:00.0': 'vfio3',
  '0000:04:00.1': 'vfio4',
};

// ------------------------------------------------------------------ spec helpers

type Dev = Record<string, unknown> & { id: string };

function vfio(id: string, guestBdf: string, hostBdf: string): Dev {
  return { id, guest_bdf: guestBdf, vfio: { host_bdf: hostBdf, iommufd: 'iommufd0' } };
}
function virtio(id: string, guestBdf: string, type: 'NET' | 'BLK', accessPlatform: boolean): Dev {
  return { id, guest_bdf: guestBdf, virtio: { type: `VIRTIO_DEVICE_TYPE_${type}`, access_platform: accessPlatform } };
}

function spec(name: string, devices: Dev[], opts: { model?: string; virtio?: Record<string, unknown> } = {}) {
  const model = opts.model ?? 'VIOMMU_MODEL_VIRTIO_IOMMU';
  return {
    name,
    memory_bytes: String(RAM),
    machine: 'q35',
    viommu: { model, ...(model === 'VIOMMU_MODEL_VIRTIO_IOMMU' ? { virtio: opts.virtio ?? {} } : {}) },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices,
  };
}

interface Vm {
  name: string;
  pid: number;
  info: VmInfo__Output;
  ramVa: bigint;
  dev(id: string): DeviceInfo__Output;
}

async function create(s: ReturnType<typeof spec>): Promise<{ name: string; pid: number }> {
  const c = await call(t.v.Vmm.CreateVm, { spec: s as never });
  live.add(s.name);
  expect(c.vm!.state).toBe('VM_STATE_DEFINED');
  return { name: s.name, pid: c.vm!.host_pid };
}

/** The orchestrator opens /dev/iommu and each assigned device's cdev and passes them into pid. */
async function passFds(pid: number, devices: Dev[]): Promise<Record<string, number>> {
  const fds: Record<string, number> = { iommufd0: await orch.pass('/dev/iommu', pid) };
  for (const d of devices) {
    const v = d.vfio as { host_bdf: string } | undefined;
    if (v && CDEV[v.host_bdf]) fds[d.id] = await orch.pass(`/dev/vfio/devices/${CDEV[v.host_bdf]}`, pid);
  }
  return fds;
}

function wrap(info: VmInfo__Output): Vm {
  return { name: info.spec!.name, pid: info.host_pid, info, ramVa: BigInt(info.ram_va), dev: (id) => info.devices.find((d) => d.id === id)! };
}

async function boot(name: string, devices: Dev[], opts: { model?: string; virtio?: Record<string, unknown> } = {}): Promise<Vm> {
  const { pid } = await create(spec(name, devices, opts));
  const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: await passFds(pid, devices) })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  return wrap(info);
}

// ------------------------------------------------------------------ guest helpers

function rq(vm: string, body: Record<string, unknown>) {
  return call(t.v.Guest.VirtioIommuRequest, { vm, ...body });
}
async function attach(vm: string, domain: number, endpoint: number, flags = 0): Promise<number | undefined> {
  return (await rq(vm, { attach: { domain, endpoint, flags, reserved: 0 } })).status;
}
async function detach(vm: string, domain: number, endpoint: number): Promise<number | undefined> {
  return (await rq(vm, { detach: { domain, endpoint } })).status;
}
async function map(vm: string, domain: number, virtStart: bigint, size: bigint, physStart: bigint, flags = MAP_RW): Promise<number | undefined> {
  return (await rq(vm, { map: { domain, virt_start: String(virtStart), virt_end: String(virtStart + size - 1n), phys_start: String(physStart), flags } })).status;
}
async function probeStatus(vm: string, endpoint: number): Promise<number | undefined> {
  return (await rq(vm, { probe: { endpoint } })).status;
}
function rawAttach(domain: number, endpoint: number): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 1;
  b.writeUInt32LE(domain, 4);
  b.writeUInt32LE(endpoint, 8);
  return b;
}
async function negotiate(vm: string): Promise<void> {
  expect((await call(t.v.Guest.VirtioIommuSetFeatures, { vm, driver_features: String(VIOMMU_ALL) })).features_ok).toBe(true);
}
async function setFeatures(vm: string, deviceId: string, f: bigint): Promise<boolean> {
  return (await call(t.v.Guest.VirtioSetFeatures, { vm, device_id: deviceId, driver_features: String(f) })).features_ok;
}
function dma(vm: string, deviceId: string, iova: bigint, length: number) {
  return call(t.v.Guest.Dma, { vm, device_id: deviceId, iova: String(iova), length: String(length), write: false, data: Buffer.alloc(0) });
}
function dmaWrite(vm: string, deviceId: string, iova: bigint, data: Buffer) {
  return call(t.v.Guest.Dma, { vm, device_id: deviceId, iova: String(iova), length: String(data.length), write: true, data });
}
async function dmaText(vm: string, deviceId: string, iova: bigint, n: number): Promise<string> {
  const r = await dma(vm, deviceId, iova, n);
  expect(r.result, `${deviceId} DMA read at 0x${iova.toString(16)}`).toBe('data');
  return Buffer.from(r.data!).toString();
}
async function poke(vm: string, gpa: bigint, data: Buffer | string): Promise<void> {
  await call(t.v.Guest.WriteMemory, { vm, gpa: String(gpa), data: typeof data === 'string' ? Buffer.from(data) : data });
}
async function peek(vm: string, gpa: bigint, n: number): Promise<Buffer> {
  return Buffer.from((await call(t.v.Guest.ReadMemory, { vm, gpa: String(gpa), length: String(n) })).data);
}

// ------------------------------------------------------------------ host helpers

async function hostAreas(vm: Vm, id: string): Promise<Array<[bigint, bigint, bigint]>> {
  const h = vm.dev(id).host!;
  const r = await call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd: h.iommufd, id: h.ioas_ids[0]! } });
  return r.areas.map((a) => [BigInt(a.iova), BigInt(a.last), BigInt(a.user_va)] as [bigint, bigint, bigint]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
async function processStatus(pid: number) {
  const r = await call(t.host.root.Process.GetStatus, { pid });
  return { pinned: BigInt(r.vm_pinned_bytes), fds: r.fds.map((f) => [f.fd, f.kind as string] as [number, string]) };
}
async function hostState() {
  const h = await call(t.host.platform.Platform.Inspect, { host: true });
  return { pinnedPages: h.pinned!.pages, tables: h.page_tables.map((p) => p.hwpt_id) };
}
function violationsOf(e: grpc.ServiceError): Array<{ device: string; rule: string; detail: string }> {
  const info = errorInfo(e)!;
  const v = JSON.parse(info.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
  expect(info.metadata.count).toBe(String(v.length));
  return v;
}

// ==================================================================== 3. devices

describe('virtio devices and ACCESS_PLATFORM', () => {
  it('ACCESS_PLATFORM offered and accepted → translated by the vIOMMU; offered, not accepted → FEATURES_OK refused; not offered → GPAs', async () => {
    const vm = await boot('virtio-ap', [
      virtio('net0', '0000:00:04.0', 'NET', true),
      virtio('blk0', '0000:00:05.0', 'BLK', true),
      virtio('net1', '0000:00:06.0', 'NET', false),
      virtio('blk1', '0000:00:07.0', 'BLK', false),
    ]);
    const n = vm.name;
    expect(vm.info.devices.map((d) => [d.id, d.kind, d.backend, d.endpoint_id, d.features_ok, d.driver_features])).toEqual([
      ['net0', 'virtio-net', '-', 0x20, false, '0'],
      ['blk0', 'virtio-blk', '-', 0x28, false, '0'],
      ['net1', 'virtio-net', '-', 0x30, false, '0'],
      ['blk1', 'virtio-blk', '-', 0x38, false, '0'],
    ]);
    // DMA before FEATURES_OK
    for (const id of ['net0', 'net1']) await expectStatus(dma(n, id, 0n, 4), grpc.status.FAILED_PRECONDITION, 'DRIVER_NOT_READY');

    // offered but not accepted: FEATURES_OK refused, still not ready
    expect(await setFeatures(n, 'net0', VERSION_1)).toBe(false);
    expect(await setFeatures(n, 'blk0', 0n)).toBe(false);
    await expectStatus(dma(n, 'net0', 0n, 4), grpc.status.FAILED_PRECONDITION, 'DRIVER_NOT_READY');
    // bits not offered: refused (ACCESS_PLATFORM is not offered by net1)
    expect(await setFeatures(n, 'net0', VERSION_1 | ACCESS_PLATFORM | (1n << 40n))).toBe(false);
    expect(await setFeatures(n, 'net1', VERSION_1 | ACCESS_PLATFORM)).toBe(false);
    for (const id of ['net0', 'blk0']) expect(await setFeatures(n, id, VERSION_1 | ACCESS_PLATFORM)).toBe(true);
    for (const id of ['net1', 'blk1']) expect(await setFeatures(n, id, VERSION_1)).toBe(true);
    const info = (await call(t.v.Vmm.GetVm, { name: n })).vm!;
    expect(info.devices.map((d) => [d.id, d.features_ok, d.driver_features])).toEqual([
      ['net0', true, String(VERSION_1 | ACCESS_PLATFORM)],
      ['blk0', true, String(VERSION_1 | ACCESS_PLATFORM)],
      ['net1', true, String(VERSION_1)],
      ['blk1', true, String(VERSION_1)],
    ]);

    // the guest blocks unattached endpoints and puts everyone in domain 1: IOVA 1 MiB → GPA 3 MiB
    await negotiate(n);
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    for (const ep of [0x20, 0x28, 0x30, 0x38]) expect(await attach(n, 1, ep)).toBe(S.OK);
    expect(await map(n, 1, MiB, 0x1000n, 3n * MiB)).toBe(S.OK);
    await poke(n, 3n * MiB, 'translated');
    await poke(n, MiB, 'GPA as is!');
    expect(await dmaText(n, 'net0', MiB, 10)).toBe('translated');
    expect(await dmaText(n, 'blk0', MiB, 10)).toBe('translated');
    // without ACCESS_PLATFORM the device uses GPAs although a vIOMMU is there
    expect(await dmaText(n, 'net1', MiB, 10)).toBe('GPA as is!');
    expect(await dmaText(n, 'blk1', MiB, 10)).toBe('GPA as is!');
    // writes go the same ways
    expect((await dmaWrite(n, 'blk0', MiB + 0x100n, Buffer.from('via iommu'))).result).toBe('written');
    expect((await dmaWrite(n, 'blk1', MiB + 0x100n, Buffer.from('direct'))).result).toBe('written');
    expect((await peek(n, 3n * MiB + 0x100n, 9)).toString()).toBe('via iommu');
    expect((await peek(n, MiB + 0x100n, 6)).toString()).toBe('direct');
    // outside the mapping only the translated device faults
    expect((await dma(n, 'net0', 8n * MiB, 4)).virtio_fault).toEqual({ reason: R_MAPPING, flags: 0x101, endpoint: 0x20, address: String(8n * MiB) });
    expect((await dma(n, 'net1', 8n * MiB, 4)).result).toBe('data');
    // an untranslated DMA beyond guest RAM is refused
    await expectStatus(dma(n, 'net1', RAM - 2n, 4), grpc.status.INVALID_ARGUMENT, 'GPA_OUT_OF_RANGE');
  });
});

describe('assigned devices: DMA integrity', () => {
  it('EMULATED: what the guest writes the device reads, what the device writes the guest reads — in bypass and through scattered guest mappings', async () => {
    const vm = await boot('integrity-emulated', [vfio('nic0', '0000:00:03.0', '0000:01:00.0')]);
    const n = vm.name;
    // bypass: IOVA = GPA, across page boundaries
    const down = pattern(10_000, 1);
    await poke(n, 0x123456n, down);
    expect(Buffer.from((await dma(n, 'nic0', 0x123456n, down.length)).data!).equals(down)).toBe(true);
    const up = pattern(10_000, 2);
    expect((await dmaWrite(n, 'nic0', 0x234567n, up)).result).toBe('written');
    expect((await peek(n, 0x234567n, up.length)).equals(up)).toBe(true);

    // three IOVA-contiguous pages onto three scattered GPA pages
    await negotiate(n);
    expect(await attach(n, 1, 0x18)).toBe(S.OK);
    const IOVA = 0x10000000n;
    const gpas = [0x800000n, 0x100000n, 0x3ff000n];
    for (const [i, g] of gpas.entries()) expect(await map(n, 1, IOVA + BigInt(i) * 0x1000n, 0x1000n, g)).toBe(S.OK);
    const pages = gpas.map((_, i) => pattern(4096, 10 + i));
    for (const [i, g] of gpas.entries()) await poke(n, g, pages[i]!);
    expect(Buffer.from((await dma(n, 'nic0', IOVA, 3 * 4096)).data!).equals(Buffer.concat(pages))).toBe(true);
    const w = pattern(8192, 20);
    expect((await dmaWrite(n, 'nic0', IOVA + 0x800n, w)).result).toBe('written');
    expect(Buffer.concat([await peek(n, 0x800800n, 0x800), await peek(n, 0x100000n, 0x1000), await peek(n, 0x3ff000n, 0x800)]).equals(w)).toBe(true);
    // the page next to the mapped window is not reachable
    expect((await dma(n, 'nic0', IOVA + 0x3000n, 1)).result).toBe('host_fault');
  });

  it('model NONE: guest RAM identity-mapped once into one IOAS shared by two devices, skipping vfio1’s RMRR (whatever the device order)', async () => {
    const vm = await boot(
      'integrity-none',
      [vfio('d0', '0000:00:03.0', '0000:01:00.0'), vfio('d1', '0000:00:04.0', '0000:02:00.0'), virtio('net0', '0000:00:05.0', 'NET', true)],
      { model: 'VIOMMU_MODEL_NONE' },
    );
    const n = vm.name;
    const d0 = vm.dev('d0');
    const d1 = vm.dev('d1');
    expect([d0.backend, d1.backend]).toEqual(['NONE', 'NONE']);
    expect(d1.host!.ioas_ids).toEqual(d0.host!.ioas_ids);
    expect(d1.host!.hwpt_ids).toEqual(d0.host!.hwpt_ids);
    expect(d1.host!.dev_id).not.toBe(d0.host!.dev_id);
    expect(await hostAreas(vm, 'd0')).toEqual([
      [0n, RMRR.start - 1n, vm.ramVa],
      [RMRR.last + 1n, RAM - 1n, vm.ramVa + RMRR.last + 1n],
    ]);
    expect((await processStatus(vm.pid)).pinned).toBe(RAM - (RMRR.last - RMRR.start + 1n)); // mapped once
    for (const id of ['d0', 'd1']) {
      expect((await dma(n, id, RMRR.start, 4)).result, id).toBe('host_fault');
      expect((await dma(n, id, RMRR.last - 3n, 4)).result, id).toBe('host_fault');
      const before = pattern(256, id === 'd0' ? 3 : 4);
      await poke(n, RMRR.start - 256n, before);
      expect(Buffer.from((await dma(n, id, RMRR.start - 256n, 256)).data!).equals(before)).toBe(true);
      const after = pattern(256, id === 'd0' ? 5 : 6);
      expect((await dmaWrite(n, id, RMRR.last + 1n, after)).result).toBe('written');
      expect((await peek(n, RMRR.last + 1n, 256)).equals(after)).toBe(true);
    }
    // no vIOMMU: a virtio device with ACCESS_PLATFORM uses GPAs, and there is no virtio-iommu
    expect(await setFeatures(n, 'net0', VERSION_1 | ACCESS_PLATFORM)).toBe(true);
    await poke(n, 0x5000n, 'plain');
    expect(await dmaText(n, 'net0', 0x5000n, 5)).toBe('plain');
    await expectStatus(call(t.v.Guest.VirtioIommuConfig, { vm: n }), grpc.status.FAILED_PRECONDITION, 'NO_VIRTIO_IOMMU');
  });
});

// ==================================================================== 4. plug-time checks

describe('plug-time checks: FAILED_PRECONDITION VIOMMU_HOST_INCOMPATIBLE with every violation', () => {
  const wide = { page_size_mask: String(0xffffffffffff0000n), input_range: { start: '0', last: String((1n << 57n) - 1n) } };
  const all = [
    vfio('nic0', '0000:00:03.0', '0000:01:00.0'),
    vfio('nic1', '0000:00:04.0', '0000:01:00.0'),
    vfio('nvme0', '0000:00:05.0', '0000:02:00.0'),
    vfio('hostnic', '0000:00:06.0', '0000:05:00.0'),
  ];

  it('64K granule, 2^57 input range, an uncovered RMRR, a host-driver device and a device assigned twice: all listed; the VM stays DEFINED with nothing on the host', async () => {
    const { name, pid } = await create(spec('refused-all', all, { virtio: wide }));
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const v = violationsOf(e);
    expect(v.map((x) => [x.device, x.rule])).toEqual([
      ['nic0', 'granule'],
      ['nic0', 'input range'],
      ['nic1', 'host device'],
      ['nic1', 'granule'],
      ['nic1', 'input range'],
      ['nvme0', 'granule'],
      ['nvme0', 'input range'],
      ['nvme0', 'reserved region'],
      ['hostnic', 'host device'],
      ['hostnic', 'granule'],
      ['hostnic', 'input range'],
    ]);
    expect(v[0]!.detail).toContain('0x10000');
    expect(v[0]!.detail).toContain('0x40201000'); // dmar0: 4K | 2M | 1G
    expect(v[1]!.detail).toContain('0x1ffffffffffffff');
    expect(v[1]!.detail).toContain('0xffffffffffff');
    expect(v[2]!.detail).toContain("already assigned as 'nic0'");
    expect(v[7]!.detail).toContain('[0xe0000, 0xfffff]');
    expect(v[8]!.detail).toContain('0000:05:00.0 is not bound to vfio-pci');
    // nothing happened: DEFINED, no fd, no pin, no host object
    expect((await call(t.v.Vmm.GetVm, { name })).vm!.state).toBe('VM_STATE_DEFINED');
    expect(await processStatus(pid)).toEqual({ pinned: 0n, fds: [] });
    expect(await hostState()).toEqual({ pinnedPages: '0', tables: [] });
  });

  it('a refused start with fds passed in leaves exactly those fds in the VM process and no iommufd object', async () => {
    const devs = all.slice(0, 3);
    const { name, pid } = await create(spec('refused-fds', devs, { virtio: wide }));
    const fds = await passFds(pid, devs.slice(0, 1).concat(devs.slice(2)));
    const before = await processStatus(pid);
    expect(before.fds.map((f) => f[1]).sort()).toEqual(['FD_KIND_IOMMUFD', 'FD_KIND_VFIO_DEVICE', 'FD_KIND_VFIO_DEVICE']);
    await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: fds }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    expect(await processStatus(pid)).toEqual(before);
    await expectErrno(call(t.host.platform.Platform.Inspect, { iommufd_object: { pid, fd: fds.iommufd0!, id: 1 } }), 'ENOENT');
    expect(await hostState()).toEqual({ pinnedPages: '0', tables: [] });
    expect((await call(t.v.Vmm.GetVm, { name })).vm!.state).toBe('VM_STATE_DEFINED');
  });

  const single: Array<{ what: string; devices: Dev[]; virtio: Record<string, unknown>; want: Array<[string, string]> }> = [
    { what: 'a 64K granule is not a VT-d page size', devices: [all[0]!], virtio: { page_size_mask: String(0xffffffffffff0000n) }, want: [['nic0', 'granule']] },
    { what: 'a granule of 4K with 64K hints is fine, 2^57-1 input range is beyond the 48-bit aperture', devices: [all[0]!], virtio: { page_size_mask: String(0x11000n), input_range: { start: '0', last: String((1n << 57n) - 1n) } }, want: [['nic0', 'input range']] },
    { what: 'vfio1’s RMRR is not inside the default guest reserved regions', devices: [all[2]!], virtio: {}, want: [['nvme0', 'reserved region']] },
    {
      what: 'the host MSI window must be covered too',
      devices: [all[2]!],
      virtio: { reserved_regions: [{ start: String(RMRR.start), end: String(RMRR.last), subtype: 0 }] },
      want: [['nvme0', 'reserved region']],
    },
    { what: 'a device bound to a host driver', devices: [all[3]!], virtio: {}, want: [['hostnic', 'host device']] },
    { what: 'the same host device twice', devices: all.slice(0, 2), virtio: {}, want: [['nic1', 'host device']] },
  ];
  for (const [i, c] of single.entries()) {
    it(`one violation alone: ${c.what}`, async () => {
      const { name } = await create(spec(`refused-one-${i}`, c.devices, { virtio: c.virtio }));
      const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
      expect(violationsOf(e).map((x) => [x.device, x.rule])).toEqual(c.want);
    });
  }

  it('with reserved_regions covering the RMRR (and the MSI window) vfio1 starts; its bypass identity map skips the RMRR', async () => {
    const vm = await boot('rmrr-covered', [vfio('nvme0', '0000:00:05.0', '0000:02:00.0')], {
      virtio: {
        reserved_regions: [
          { start: String(RMRR.start), end: String(RMRR.last), subtype: 0 },
          { start: String(MSI.start), end: String(MSI.end), subtype: 1 },
        ],
      },
    });
    const n = vm.name;
    expect(await hostAreas(vm, 'nvme0')).toEqual([
      [0n, RMRR.start - 1n, vm.ramVa],
      [RMRR.last + 1n, RAM - 1n, vm.ramVa + RMRR.last + 1n],
    ]);
    expect((await rq(n, { probe: { endpoint: 0x28 } })).properties).toEqual([
      { type: 1, subtype: 0, start: String(RMRR.start), end: String(RMRR.last) },
      { type: 1, subtype: 1, start: String(MSI.start), end: String(MSI.end) },
    ]);
    expect((await dma(n, 'nvme0', RMRR.start, 4)).result).toBe('host_fault');
    await poke(n, RMRR.start - 4n, 'edge');
    expect(await dmaText(n, 'nvme0', RMRR.start - 4n, 4)).toBe('edge');
    expect((await dmaWrite(n, 'nvme0', RMRR.last + 1n, Buffer.from('past'))).result).toBe('written');
    expect((await peek(n, RMRR.last + 1n, 4)).toString()).toBe('past');
  });

  it('one guest domain per host group: vfio3 and vfio4 (group 4) share one IOAS; attaching one to another domain → S_UNSUPP', async () => {
    const vm = await boot('group4', [vfio('fn0', '0000:00:03.0', '0000:04:00.0'), vfio('fn1', '0000:00:04.0', '0000:04:00.1'), vfio('nic0', '0000:00:05.0', '0000:01:00.0')]);
    const n = vm.name;
    expect(vm.dev('fn1').host!.ioas_ids).toEqual(vm.dev('fn0').host!.ioas_ids); // the host attaches the group as a unit
    expect(vm.dev('nic0').host!.ioas_ids).not.toEqual(vm.dev('fn0').host!.ioas_ids);
    await negotiate(n);
    expect(await attach(n, 1, 0x18)).toBe(S.OK);
    expect(await attach(n, 2, 0x20)).toBe(S.UNSUPP);
    expect((await rq(n, { raw: { request: rawAttach(2, 0x20), writable_len: 4 } })).status).toBe(S.UNSUPP);
    expect(await attach(n, 3, 0x20, ATTACH_F_BYPASS)).toBe(S.UNSUPP); // a bypass domain is another domain too
    expect(await attach(n, 2, 0x28)).toBe(S.OK); // not a sibling: free to go elsewhere
    expect(await attach(n, 1, 0x20)).toBe(S.OK);
    expect(await map(n, 1, 0x40000000n, 0x2000n, 2n * MiB)).toBe(S.OK);
    expect(await hostAreas(vm, 'fn0')).toEqual([[0x40000000n, 0x40001fffn, vm.ramVa + 2n * MiB]]); // mapped once for the group
    await poke(n, 2n * MiB, 'group');
    expect(await dmaText(n, 'fn0', 0x40000000n, 5)).toBe('group');
    expect(await dmaText(n, 'fn1', 0x40000000n, 5)).toBe('group');
    // the whole group moves together: fn0 cannot leave for domain 2 while fn1 is in domain 1
    expect(await attach(n, 2, 0x18)).toBe(S.UNSUPP);
    expect(await dmaText(n, 'fn0', 0x40000000n, 5)).toBe('group');
    // one leaves (detached, bypass on): the shared IOAS still follows the domain of the other
    expect(await detach(n, 1, 0x18)).toBe(S.OK);
    expect((await hostAreas(vm, 'fn0')).map((a) => a[0])).toEqual([0x40000000n]);
    // both unattached: bypass identity again
    expect(await detach(n, 1, 0x20)).toBe(S.OK);
    expect(await hostAreas(vm, 'fn0')).toEqual([[0n, RAM - 1n, vm.ramVa]]);
    expect(await attach(n, 2, 0x18)).toBe(S.OK); // now fine: no sibling in another domain
  });
});

// ==================================================================== 5. hotplug / unplug

describe('hotplug and unplug while RUNNING', () => {
  it('assigned device: a refused hotplug changes nothing; an accepted one is an endpoint that DMAs in bypass; unplug removes its host objects and its endpoint', async () => {
    const vm = await boot('hotplug', [vfio('nic0', '0000:00:03.0', '0000:01:00.0'), virtio('net0', '0000:00:04.0', 'NET', true)]);
    const n = vm.name;
    await negotiate(n);
    const host0 = await hostState();
    const proc0 = await processStatus(vm.pid);

    // refused: vfio1's RMRR is outside the default guest reserved regions
    const nvmeFd = await orch.pass('/dev/vfio/devices/vfio1', vm.pid);
    const e = await expectStatus(
      call(t.v.Vmm.HotplugDevice, { name: n, device: vfio('nvme0', '0000:00:06.0', '0000:02:00.0') as never, passed_fds: { nvme0: nvmeFd } }),
      grpc.status.FAILED_PRECONDITION,
      'VIOMMU_HOST_INCOMPATIBLE',
    );
    expect(violationsOf(e).map((x) => [x.device, x.rule])).toEqual([['nvme0', 'reserved region']]);
    const dup = await expectStatus(call(t.v.Vmm.HotplugDevice, { name: n, device: vfio('nic9', '0000:00:06.0', '0000:01:00.0') as never, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    expect(violationsOf(dup)).toEqual([{ device: 'nic9', rule: 'host device', detail: "0000:01:00.0 is already assigned as 'nic0'" }]);
    await expectStatus(call(t.v.Vmm.HotplugDevice, { name: n, device: virtio('nic0', '0000:00:06.0', 'NET', true) as never, passed_fds: {} }), grpc.status.INVALID_ARGUMENT, 'DUPLICATE_ID');
    expect((await call(t.v.Vmm.GetVm, { name: n })).vm!.devices.map((d) => d.id)).toEqual(['nic0', 'net0']);
    expect(await hostState()).toEqual(host0);
    expect(await processStatus(vm.pid)).toEqual({ pinned: proc0.pinned, fds: [...proc0.fds, [nvmeFd, 'FD_KIND_VFIO_DEVICE'] as [number, string]].sort((a, b) => a[0] - b[0]) });
    expect(await probeStatus(n, 0x30)).toBe(S.NOENT);

    // accepted: vfio2 at the BDF the refused device did not take
    const gpuFd = await orch.pass('/dev/vfio/devices/vfio2', vm.pid);
    const hot = wrap((await call(t.v.Vmm.HotplugDevice, { name: n, device: vfio('gpu0', '0000:00:06.0', '0000:03:00.0') as never, passed_fds: { gpu0: gpuFd } })).vm!);
    expect(hot.info.devices.map((d) => d.id)).toEqual(['nic0', 'net0', 'gpu0']);
    expect(hot.dev('gpu0')).toMatchObject({ endpoint_id: 0x30, backend: 'EMULATED', host_bdf: '0000:03:00.0', host: { device_fd: gpuFd } });
    expect(await probeStatus(n, 0x30)).toBe(S.OK);
    expect(await hostAreas(hot, 'gpu0')).toEqual([[0n, RAM - 1n, vm.ramVa]]);
    await poke(n, 0x9000n, 'hotplugged');
    expect(await dmaText(n, 'gpu0', 0x9000n, 10)).toBe('hotplugged');
    // it takes part in guest domains like a cold-plugged device
    expect(await attach(n, 1, 0x18)).toBe(S.OK);
    expect(await attach(n, 1, 0x30)).toBe(S.OK);
    expect(await map(n, 1, 0x20000000n, 0x1000n, 0x9000n)).toBe(S.OK);
    expect(await dmaText(n, 'gpu0', 0x20000000n, 10)).toBe('hotplugged');

    // unplug: its IOAS is destroyed, its fd closed, its endpoint unknown; nic0 keeps the domain
    const gpuIoas = hot.dev('gpu0').host!;
    const after = wrap((await call(t.v.Vmm.UnplugDevice, { name: n, device_id: 'gpu0' })).vm!);
    expect(after.info.devices.map((d) => d.id)).toEqual(['nic0', 'net0']);
    await expectErrno(call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd: gpuIoas.iommufd, id: gpuIoas.ioas_ids[0]! } }), 'ENOENT');
    expect((await call(t.host.platform.Platform.Inspect, { bdf: '0000:03:00.0' })).page_tables).toEqual([]);
    expect((await processStatus(vm.pid)).fds.map((f) => f[0])).not.toContain(gpuFd);
    expect(await probeStatus(n, 0x30)).toBe(S.NOENT);
    expect(await attach(n, 1, 0x30)).toBe(S.NOENT);
    await expectStatus(dma(n, 'gpu0', 0x9000n, 4), grpc.status.NOT_FOUND, 'DEVICE_NOT_FOUND');
    expect(await dmaText(n, 'nic0', 0x20000000n, 10)).toBe('hotplugged');
    expect((await hostAreas(after, 'nic0')).map((a) => a[0])).toEqual([0x20000000n]);
    await expectStatus(call(t.v.Vmm.UnplugDevice, { name: n, device_id: 'gpu0' }), grpc.status.NOT_FOUND, 'DEVICE_NOT_FOUND');
  });

  it('model NONE: hotplugging a device with a host reserved region inside the already identity-mapped guest RAM is a plug-time violation, and nothing changes', async () => {
    const vm = await boot('hotplug-none', [vfio('nic0', '0000:00:03.0', '0000:01:00.0')], { model: 'VIOMMU_MODEL_NONE' });
    const host0 = await hostState();
    const nvmeFd = await orch.pass('/dev/vfio/devices/vfio1', vm.pid);
    const e = await expectStatus(
      call(t.v.Vmm.HotplugDevice, { name: vm.name, device: vfio('nvme0', '0000:00:06.0', '0000:02:00.0') as never, passed_fds: { nvme0: nvmeFd } }),
      grpc.status.FAILED_PRECONDITION,
      'VIOMMU_HOST_INCOMPATIBLE',
    );
    expect(violationsOf(e)).toEqual([
      { device: 'nvme0', rule: 'reserved region', detail: 'host reserved region [0xe0000, 0xfffff] of 0000:02:00.0 lies inside guest RAM, which is already identity-mapped in the shared IOAS' },
    ]);
    expect((await call(t.v.Vmm.GetVm, { name: vm.name })).vm!.devices.map((d) => d.id)).toEqual(['nic0']);
    expect(await hostState()).toEqual(host0);
  });

  it('a hotplug that fails on the host after its fd was passed closes that fd again (the device is not left bound in the VM process)', async () => {
    const vm = await boot('hotplug-fail', [vfio('nic0', '0000:00:03.0', '0000:01:00.0')]);
    const before = await processStatus(vm.pid);
    // vfio5's group sibling 0000:06:00.1 is on a host driver: BIND_IOMMUFD says EPERM
    const fd = await orch.pass('/dev/vfio/devices/vfio5', vm.pid);
    await expectErrno(call(t.v.Vmm.HotplugDevice, { name: vm.name, device: vfio('dev5', '0000:00:06.0', '0000:06:00.0') as never, passed_fds: { dev5: fd } }), 'EPERM');
    expect(await processStatus(vm.pid)).toEqual(before);
    expect((await call(t.v.Vmm.GetVm, { name: vm.name })).vm!.devices.map((d) => d.id)).toEqual(['nic0']);
    expect(await probeStatus(vm.name, 0x30)).toBe(S.NOENT);
  });

  it('a virtio device hotplugs as a new endpoint and unplugs to an unknown one', async () => {
    const vm = await boot('hotplug-virtio', [virtio('net0', '0000:00:04.0', 'NET', true)]);
    const n = vm.name;
    const info = (await call(t.v.Vmm.HotplugDevice, { name: n, device: { id: 'blk0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } } as never, passed_fds: {} })).vm!;
    const blk = info.devices.find((d) => d.id === 'blk0')!;
    expect([blk.guest_bdf, blk.endpoint_id, blk.kind]).toEqual(['0000:00:03.0', 0x18, 'virtio-blk']); // the next free slot
    expect(await probeStatus(n, 0x18)).toBe(S.OK);
    expect(await setFeatures(n, 'blk0', VERSION_1 | ACCESS_PLATFORM)).toBe(true);
    await poke(n, 0x7000n, 'blk');
    expect(await dmaText(n, 'blk0', 0x7000n, 3)).toBe('blk'); // boot bypass
    await negotiate(n);
    expect(await attach(n, 4, 0x18)).toBe(S.OK);
    expect((await dma(n, 'blk0', 0x7000n, 3)).virtio_fault!.reason).toBe(R_MAPPING);
    await call(t.v.Vmm.UnplugDevice, { name: n, device_id: 'blk0' });
    expect(await probeStatus(n, 0x18)).toBe(S.NOENT);
    expect((await rq(n, { unmap: { domain: 4, virt_start: '0', virt_end: '4095' } })).status).toBe(S.NOENT); // its domain went with it
    await expectStatus(dma(n, 'blk0', 0x7000n, 3), grpc.status.NOT_FOUND, 'DEVICE_NOT_FOUND');
  });

  it('a host-group sibling hotplugs into the group’s IOAS; unplugging it leaves the other function’s view intact', async () => {
    const vm = await boot('hotplug-group', [vfio('fn0', '0000:00:03.0', '0000:04:00.0')]);
    const n = vm.name;
    await negotiate(n);
    expect(await attach(n, 1, 0x18)).toBe(S.OK);
    expect(await map(n, 1, 0x40000000n, 0x1000n, 2n * MiB)).toBe(S.OK);
    const fd = await orch.pass('/dev/vfio/devices/vfio4', vm.pid);
    const hot = wrap((await call(t.v.Vmm.HotplugDevice, { name: n, device: vfio('fn1', '0000:00:04.0', '0000:04:00.1') as never, passed_fds: { fn1: fd } })).vm!);
    expect(hot.dev('fn1').host!.ioas_ids).toEqual(hot.dev('fn0').host!.ioas_ids);
    // the group follows domain 1, so the new function sees the domain, not bypass
    expect(await hostAreas(hot, 'fn0')).toEqual([[0x40000000n, 0x40000fffn, vm.ramVa + 2n * MiB]]);
    expect(await attach(n, 2, 0x20)).toBe(S.UNSUPP);
    await poke(n, 2n * MiB, 'fn');
    expect(await dmaText(n, 'fn1', 0x40000000n, 2)).toBe('fn');
    await call(t.v.Vmm.UnplugDevice, { name: n, device_id: 'fn1' });
    expect(await hostAreas(hot, 'fn0')).toEqual([[0x40000000n, 0x40000fffn, vm.ramVa + 2n * MiB]]);
    expect(await dmaText(n, 'fn0', 0x40000000n, 2)).toBe('fn');
  });
});

// ==================================================================== 6. lifecycle and specs

describe('VM lifecycle', () => {
  it('StopVm: the VM process is gone with every host object and pin; DeleteVm; GetVm NOT_FOUND; the device is free again', async () => {
    const vm = await boot('lifecycle', [vfio('nic0', '0000:00:03.0', '0000:01:00.0'), virtio('net0', '0000:00:04.0', 'NET', true)]);
    const n = vm.name;
    await negotiate(n);
    expect(await attach(n, 1, 0x18)).toBe(S.OK);
    expect(await map(n, 1, MiB, MiB, 0n)).toBe(S.OK);
    expect((await processStatus(vm.pid)).pinned).toBe(MiB);
    await call(t.v.Vmm.StopVm, { name: n });
    expect((await call(t.v.Vmm.GetVm, { name: n })).vm!.state).toBe('VM_STATE_STOPPED');
    await expectErrno(call(t.host.root.Process.GetStatus, { pid: vm.pid }), 'ESRCH');
    expect(await hostState()).toEqual({ pinnedPages: '0', tables: [] });
    expect((await call(t.host.platform.Platform.Inspect, { bdf: '0000:01:00.0' })).page_tables).toEqual([]);
    await expectStatus(call(t.v.Guest.ReadMemory, { vm: n, gpa: '0', length: '4' }), grpc.status.FAILED_PRECONDITION, 'VM_NOT_RUNNING');
    await expectStatus(dma(n, 'nic0', MiB, 4), grpc.status.FAILED_PRECONDITION, 'VM_NOT_RUNNING');
    // STOPPED waits in a fresh, idle host process; StartVm without the fds the qemu principal
    // cannot open itself is refused as for a DEFINED VM, and changes nothing
    const stopped = (await call(t.v.Vmm.GetVm, { name: n })).vm!;
    expect(stopped.host_pid).not.toBe(vm.pid);
    expect(await processStatus(stopped.host_pid)).toEqual({ pinned: 0n, fds: [] });
    await expectStatus(call(t.v.Vmm.StartVm, { name: n, passed_fds: {} }), grpc.status.PERMISSION_DENIED, 'EACCES');
    expect((await call(t.v.Vmm.GetVm, { name: n })).vm).toMatchObject({ state: 'VM_STATE_STOPPED', host_pid: stopped.host_pid });
    expect(await processStatus(stopped.host_pid)).toEqual({ pinned: 0n, fds: [] });
    await call(t.v.Vmm.StopVm, { name: n }); // idempotent
    expect((await call(t.v.Vmm.GetVm, { name: n })).vm!.host_pid).toBe(stopped.host_pid);
    await call(t.v.Vmm.DeleteVm, { name: n });
    await expectErrno(call(t.host.root.Process.GetStatus, { pid: stopped.host_pid }), 'ESRCH');
    await expectStatus(call(t.v.Vmm.GetVm, { name: n }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    expect((await call(t.v.Vmm.ListVms, {})).vms.map((v) => v.spec!.name)).not.toContain(n);
    await expectStatus(call(t.v.Vmm.DeleteVm, { name: n }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    // the host device can be assigned again
    const again = await boot('lifecycle-2', [vfio('nic0', '0000:00:03.0', '0000:01:00.0')]);
    expect(await hostAreas(again, 'nic0')).toEqual([[0n, RAM - 1n, again.ramVa]]);
  });

  it('DeleteVm of a DEFINED VM ends its host process; a second CreateVm with the same name is ALREADY_EXISTS', async () => {
    const { name, pid } = await create(spec('defined-only', [virtio('net0', '0000:00:04.0', 'NET', true)]));
    await expectStatus(call(t.v.Vmm.CreateVm, { spec: spec(name, []) as never }), grpc.status.ALREADY_EXISTS, 'VM_EXISTS');
    expect((await processStatus(pid)).fds).toEqual([]);
    await call(t.v.Vmm.DeleteVm, { name });
    await expectErrno(call(t.host.root.Process.GetStatus, { pid }), 'ESRCH');
    await expectStatus(call(t.v.Vmm.GetVm, { name }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
  });

  it('a device naming both an iommufd object and the legacy container → INVALID_ARGUMENT BAD_DEVICE; the NESTED backend without a nesting vIOMMU → UNIMPLEMENTED NOT_MODELLED; nothing created', async () => {
    const both = spec('nm-legacy', [{ id: 'd', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', legacy_container: true } }]);
    await expectStatus(call(t.v.Vmm.CreateVm, { spec: both as never }), grpc.status.INVALID_ARGUMENT, 'BAD_DEVICE');
    await expectStatus(call(t.v.Vmm.GetVm, { name: both.name }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    const nested = spec('nm-nested', [{ id: 'd', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_NESTED' } }]);
    await expectStatus(call(t.v.Vmm.CreateVm, { spec: nested as never }), grpc.status.UNIMPLEMENTED, 'NOT_MODELLED');
    await expectStatus(call(t.v.Vmm.GetVm, { name: nested.name }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
  });

  const bad: Array<[string, (s: ReturnType<typeof spec>) => unknown, string, string]> = [
    ['an empty name', (s) => ({ ...s, name: '' }), 'BAD_NAME', 'spec.name'],
    ['a name with a slash', (s) => ({ ...s, name: 'a/b' }), 'BAD_NAME', 'spec.name'],
    ['memory not a multiple of 2 MiB', (s) => ({ ...s, memory_bytes: String(3n * MiB) }), 'BAD_MEMORY', 'spec.memory_bytes'],
    ['no memory', (s) => ({ ...s, memory_bytes: '0' }), 'BAD_MEMORY', 'spec.memory_bytes'],
    ['an unknown machine', (s) => ({ ...s, machine: 'pc' }), 'BAD_MACHINE', 'spec.machine'],
    ['page_size_mask 0', (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { page_size_mask: '0' } } }), 'BAD_VIOMMU', 'spec.viommu.virtio.page_size_mask'],
    ['input_range start > end', (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { input_range: { start: '8192', last: '4096' } } } }), 'BAD_VIOMMU', 'spec.viommu.virtio.input_range'],
    ['domain_range start > end', (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { domain_range_start: 9, domain_range_end: 8 } } }), 'BAD_VIOMMU', 'spec.viommu.virtio.domain_range'],
    ['probe_size not a multiple of 4', (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { probe_size: 6 } } }), 'BAD_VIOMMU', 'spec.viommu.virtio.probe_size'],
    ['a reserved region with start > end', (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { reserved_regions: [{ start: '8192', end: '4096', subtype: 0 }] } } }), 'BAD_VIOMMU', 'spec.viommu.virtio.reserved_regions[0]'],
    ['a reserved region subtype 2', (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { reserved_regions: [{ start: '0', end: '4095', subtype: 2 }] } } }), 'BAD_VIOMMU', 'spec.viommu.virtio.reserved_regions[0]'],
    [
      'overlapping reserved regions',
      (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { reserved_regions: [{ start: '0', end: '8191', subtype: 0 }, { start: '4096', end: '12287', subtype: 0 }] } } }),
      'BAD_VIOMMU',
      'spec.viommu.virtio.reserved_regions',
    ],
    [
      'two MSI regions',
      (s) => ({ ...s, viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { reserved_regions: [{ start: '0', end: '4095', subtype: 1 }, { start: '8192', end: '12287', subtype: 1 }] } } }),
      'BAD_VIOMMU',
      'spec.viommu.virtio.reserved_regions',
    ],
    ['an unknown vIOMMU model', (s) => ({ ...s, viommu: { model: 7 } }), 'BAD_VIOMMU', 'spec.viommu.model'],
    ['an empty iommufd object id', (s) => ({ ...s, iommufd_objects: [{ id: '' }] }), 'BAD_OBJECT', 'spec.iommufd_objects[0].id'],
    ['an iommufd object id twice', (s) => ({ ...s, iommufd_objects: [{ id: 'a' }, { id: 'a' }] }), 'DUPLICATE_ID', 'spec.iommufd_objects[1].id'],
    ['a malformed guest BDF', (s) => ({ ...s, devices: [virtio('d', '00:03.0', 'NET', true)] }), 'BAD_BDF', 'spec.devices[0].guest_bdf'],
    ['device number 32', (s) => ({ ...s, devices: [virtio('d', '0000:00:20.0', 'NET', true)] }), 'BAD_BDF', 'spec.devices[0].guest_bdf'],
    ['a device id twice', (s) => ({ ...s, devices: [virtio('d', '0000:00:03.0', 'NET', true), virtio('d', '0000:00:04.0', 'NET', true)] }), 'DUPLICATE_ID', 'spec.devices[1].id'],
    ['a device id equal to an iommufd object id', (s) => ({ ...s, devices: [virtio('iommufd0', '0000:00:03.0', 'NET', true)] }), 'DUPLICATE_ID', 'spec.devices[0].id'],
    ['a guest BDF twice', (s) => ({ ...s, devices: [virtio('a', '0000:00:03.0', 'NET', true), virtio('b', '0000:00:03.0', 'BLK', true)] }), 'DUPLICATE_BDF', 'spec.devices[1].guest_bdf'],
    ['a device without a kind', (s) => ({ ...s, devices: [{ id: 'd' }] }), 'BAD_DEVICE', 'spec.devices[0]'],
    ['a virtio device without a type', (s) => ({ ...s, devices: [{ id: 'd', virtio: { access_platform: true } }] }), 'BAD_DEVICE', 'spec.devices[0].virtio.type'],
    ['a vfio device naming no iommufd object', (s) => ({ ...s, devices: [{ id: 'd', vfio: { host_bdf: '0000:01:00.0', iommufd: 'nope' } }] }), 'UNKNOWN_IOMMUFD', 'spec.devices[0].vfio.iommufd'],
    ['a malformed host BDF', (s) => ({ ...s, devices: [{ id: 'd', vfio: { host_bdf: '1:0.0', iommufd: 'iommufd0' } }] }), 'BAD_BDF', 'spec.devices[0].vfio.host_bdf'],
  ];
  for (const [what, mutate, reason, field] of bad) {
    it(`CreateVm with ${what} → INVALID_ARGUMENT ${reason}, field ${field}`, async () => {
      const s = mutate(spec('bad-spec', []));
      const e = await expectStatus(call(t.v.Vmm.CreateVm, { spec: s as never }), grpc.status.INVALID_ARGUMENT, reason);
      expect(errorInfo(e)!.metadata.field).toBe(field);
      expect((await call(t.v.Vmm.ListVms, {})).vms).toEqual([]);
    });
  }
});
