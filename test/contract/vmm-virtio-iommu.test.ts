/**
 * The virtio-iommu of a VM through the Guest API (typed requests and hand-built little-endian
 * request bytes), and the host side of every guest action: host-iommu and vmm in-process over
 * real gRPC. Rules: OASIS virtio spec "IOMMU device" (shared/reference/vmm-viommu-semantics.md
 * §1), check order and decisions of services/vmm/VIRTIO-IOMMU.md, backend rules of vmm-api.md.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { DeviceInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/DeviceInfo.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { expectStatus } from './harness.js';
import { useTwinHooks, type Orchestrator, type TestTwin } from './vmm-harness.js';

let t: TestTwin;
let orch: Orchestrator;
const live = new Set<string>();

useTwinHooks({ live, use: (tw, o) => ([t, orch] = [tw, o]) });

// ------------------------------------------------------------------ constants (spec values)

const MiB = 1n << 20n;
const RAM = 64n * MiB;
const S = { OK: 0, UNSUPP: 2, INVAL: 4, RANGE: 5, NOENT: 6 } as const;
const F = { INPUT_RANGE: 1n << 0n, DOMAIN_RANGE: 1n << 1n, MAP_UNMAP: 1n << 2n, BYPASS: 1n << 3n, PROBE: 1n << 4n, MMIO: 1n << 5n, BYPASS_CONFIG: 1n << 6n };
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
const ALL = VERSION_1 | F.INPUT_RANGE | F.DOMAIN_RANGE | F.MAP_UNMAP | F.PROBE | F.MMIO | F.BYPASS_CONFIG;
const MAP_R = 1;
const MAP_W = 2;
const MAP_RW = 3;
const MAP_MMIO = 4;
const ATTACH_F_BYPASS = 1;
const FAULT_F_READ = 1;
const FAULT_F_WRITE = 2;
const FAULT_F_ADDRESS = 0x100;
const R_DOMAIN = 1;
const R_MAPPING = 2;
/** IOMMU_IOAS_MAP_WRITEABLE | READABLE as Inspect reports area flags */
const AREA_RW = 6;
const AREA_R = 4;

const EP = { nic0: 0x18, net0: 0x20, blk0: 0x28, gpu0: 0x30 } as const;
const CDEV: Record<string, string> = { '0000:01:00.0': 'vfio0', '0000:02:00.0': 'vfio1', '0000:03:00.0': 'vfio2' };

// ------------------------------------------------------------------ VM helpers

type Dev =
  | { id: string; guest_bdf: string; vfio: { host_bdf: string; iommufd: string; backend?: 'VFIO_BACKEND_EMULATED' } }
  | { id: string; guest_bdf: string; virtio: { type: 'VIRTIO_DEVICE_TYPE_NET' | 'VIRTIO_DEVICE_TYPE_BLK'; access_platform: boolean } };

const nic0: Dev = { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } };
const net0: Dev = { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } };
const blk0: Dev = { id: 'blk0', guest_bdf: '0000:00:05.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } };
const gpu0: Dev = { id: 'gpu0', guest_bdf: '0000:00:06.0', vfio: { host_bdf: '0000:03:00.0', iommufd: 'iommufd0' } };

interface Booted {
  name: string;
  pid: number;
  info: VmInfo__Output;
  ramVa: bigint;
  dev(id: string): DeviceInfo__Output;
}

/** CreateVm + fds passed by the orchestrator + StartVm. */
async function boot(name: string, opts: { devices?: Dev[]; virtio?: Record<string, unknown>; machine?: string } = {}): Promise<Booted> {
  const devices = opts.devices ?? [net0];
  const spec = {
    name,
    memory_bytes: String(RAM),
    machine: opts.machine ?? 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const, virtio: opts.virtio ?? {} },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices,
  };
  const created = await call(t.v.Vmm.CreateVm, { spec });
  live.add(name);
  const pid = created.vm!.host_pid;
  // the vmm opens every iommufd object at start; as qemu it may not open /dev/iommu itself
  const fds: Record<string, number> = { iommufd0: await orch.pass('/dev/iommu', pid) };
  for (const d of devices) if ('vfio' in d) fds[d.id] = await orch.pass(`/dev/vfio/devices/${CDEV[d.vfio.host_bdf]}`, pid);
  const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  return { name, pid, info, ramVa: BigInt(info.ram_va), dev: (id) => info.devices.find((d) => d.id === id)! };
}

function rq(vm: string, body: Record<string, unknown>) {
  return call(t.v.Guest.VirtioIommuRequest, { vm, ...body });
}
const attach = (vm: string, domain: number, endpoint: number, flags = 0, reserved = 0) => rq(vm, { attach: { domain, endpoint, flags, reserved } });
const detach = (vm: string, domain: number, endpoint: number) => rq(vm, { detach: { domain, endpoint } });
const map = (vm: string, domain: number, virtStart: bigint, virtEnd: bigint, physStart: bigint, flags: number) =>
  rq(vm, { map: { domain, virt_start: String(virtStart), virt_end: String(virtEnd), phys_start: String(physStart), flags } });
const unmap = (vm: string, domain: number, virtStart: bigint, virtEnd: bigint) => rq(vm, { unmap: { domain, virt_start: String(virtStart), virt_end: String(virtEnd) } });
const probe = (vm: string, endpoint: number) => rq(vm, { probe: { endpoint } });
const raw = (vm: string, request: Buffer, writableLen = 4) => rq(vm, { raw: { request, writable_len: writableLen } });

async function status(p: Promise<{ status?: number }>): Promise<number | undefined> {
  return (await p).status;
}

/** Feature negotiation of the virtio-iommu (default: everything offered). */
async function negotiate(vm: string, features = ALL): Promise<void> {
  expect((await call(t.v.Guest.VirtioIommuSetFeatures, { vm, driver_features: String(features) })).features_ok).toBe(true);
}
/** FEATURES_OK of a virtio device with ACCESS_PLATFORM accepted. */
async function driverUp(vm: string, deviceId: string): Promise<void> {
  expect((await call(t.v.Guest.VirtioSetFeatures, { vm, device_id: deviceId, driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
}

function dma(vm: string, deviceId: string, iova: bigint, length: number) {
  return call(t.v.Guest.Dma, { vm, device_id: deviceId, iova: String(iova), length: String(length), write: false, data: Buffer.alloc(0) });
}
function dmaWrite(vm: string, deviceId: string, iova: bigint, data: Buffer) {
  return call(t.v.Guest.Dma, { vm, device_id: deviceId, iova: String(iova), length: String(data.length), write: true, data });
}
async function poke(vm: string, gpa: bigint, s: string): Promise<void> {
  await call(t.v.Guest.WriteMemory, { vm, gpa: String(gpa), data: Buffer.from(s) });
}
async function peek(vm: string, gpa: bigint, n: number): Promise<string> {
  return Buffer.from((await call(t.v.Guest.ReadMemory, { vm, gpa: String(gpa), length: String(n) })).data).toString();
}

/** The exact bytes of a virtio-iommu fault record, built field by field. */
function faultBytes(reason: number, flags: number, endpoint: number, address: bigint): string {
  const b = Buffer.alloc(24);
  b[0] = reason;
  b.writeUInt32LE(flags, 4);
  b.writeUInt32LE(endpoint, 8);
  b.writeBigUInt64LE(address, 16);
  return b.toString('hex');
}

/** Reads the Guest.Events stream from `after` until `n` events arrived, then cancels it. */
function takeEvents(vm: string, after: bigint, n: number, timeoutMs = 5_000): Promise<EventsResponse__Output[]> {
  return new Promise((resolve, reject) => {
    const out: EventsResponse__Output[] = [];
    const s = t.v.Guest.Events({ vm, after_sequence: String(after) });
    const timer = setTimeout(() => {
      s.cancel();
      reject(new Error(`only ${out.length} of ${n} events within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('data', (m: EventsResponse__Output) => {
      out.push(m);
      if (out.length === n) {
        clearTimeout(timer);
        s.cancel();
        resolve(out);
      }
    });
    s.on('error', (e: grpc.ServiceError) => {
      if (e.code === grpc.status.CANCELLED) return;
      clearTimeout(timer);
      reject(e);
    });
  });
}

// ------------------------------------------------------------------ hand-built request bytes

function rawAttach(domain: number, endpoint: number, flags = 0, reserved = 0): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 1;
  b.writeUInt32LE(domain, 4);
  b.writeUInt32LE(endpoint, 8);
  b.writeUInt32LE(flags, 12);
  b.writeUInt32LE(reserved, 16);
  return b;
}
function rawDetach(domain: number, endpoint: number, reserved = 0): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 2;
  b.writeUInt32LE(domain, 4);
  b.writeUInt32LE(endpoint, 8);
  b.writeUInt32LE(reserved, 12);
  return b;
}
function rawMap(domain: number, virtStart: bigint, virtEnd: bigint, physStart: bigint, flags: number): Buffer {
  const b = Buffer.alloc(36);
  b[0] = 3;
  b.writeUInt32LE(domain, 4);
  b.writeBigUInt64LE(virtStart, 8);
  b.writeBigUInt64LE(virtEnd, 16);
  b.writeBigUInt64LE(physStart, 24);
  b.writeUInt32LE(flags, 32);
  return b;
}
function rawUnmap(domain: number, virtStart: bigint, virtEnd: bigint, reserved = 0): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 4;
  b.writeUInt32LE(domain, 4);
  b.writeBigUInt64LE(virtStart, 8);
  b.writeBigUInt64LE(virtEnd, 16);
  b.writeUInt32LE(reserved, 24);
  return b;
}
function rawProbe(endpoint: number): Buffer {
  const b = Buffer.alloc(72);
  b[0] = 5;
  b.writeUInt32LE(endpoint, 4);
  return b;
}
/** A RESV_MEM probe property as the spec lays it out (head type 1, length 20). */
function resvMemBytes(subtype: number, start: bigint, end: bigint): string {
  const b = Buffer.alloc(24);
  b.writeUInt16LE(1, 0);
  b.writeUInt16LE(20, 2);
  b[4] = subtype;
  b.writeBigUInt64LE(start, 8);
  b.writeBigUInt64LE(end, 16);
  return b.toString('hex');
}

/** A rejected request leaves the device unchanged, so the typed and the raw form must agree. */
async function bothForms(vm: string, typed: Record<string, unknown>, bytes: Buffer, expected: number): Promise<void> {
  const a = await rq(vm, typed);
  expect(a.status, JSON.stringify(typed)).toBe(expected);
  expect(a.used_len).toBe(4);
  const b = await raw(vm, bytes);
  expect(b.status, `raw ${bytes.toString('hex')}`).toBe(expected);
  expect(b.used_len).toBe(4);
  expect(Buffer.from(b.raw).toString('hex')).toBe(Buffer.from([expected, 0, 0, 0]).toString('hex'));
}

// ------------------------------------------------------------------ host-side helpers

interface HostArea {
  iova: bigint;
  last: bigint;
  userVa: bigint;
  flags: number;
  source: string;
}
/** The areas of a device's host IOAS, as the host sees them (Platform.Inspect). */
async function hostAreas(vm: Booted, id: string): Promise<HostArea[]> {
  const h = vm.dev(id).host!;
  const r = await call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd: h.iommufd, id: h.ioas_ids[0]! } });
  return r.areas
    .map((a) => ({ iova: BigInt(a.iova), last: BigInt(a.last), userVa: BigInt(a.user_va), flags: a.flags, source: a.source as string }))
    .sort((a, b) => (a.iova < b.iova ? -1 : 1));
}
/** The physical device's own DMA on the host (Platform.DeviceDma), not relayed by the vmm. */
function hostDma(bdf: string, iova: bigint, length: number) {
  return call(t.host.platform.Platform.DeviceDma, { bdf, iova: String(iova), length: String(length), write: false, data: Buffer.alloc(0), allow_page_request: false });
}
async function pinnedBytes(pid: number): Promise<bigint> {
  return BigInt((await call(t.host.root.Process.GetStatus, { pid })).vm_pinned_bytes);
}

// ==================================================================== 1. the device, guest side

describe('virtio-iommu config space and features', () => {
  it('the config space is the exact 40-byte struct with the documented defaults', async () => {
    const vm = await boot('cfg-default');
    const cfg = await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name });
    expect(Buffer.from(cfg.raw).toString('hex')).toBe(
      [
        '00f0ffffffffffff', // page_size_mask 0xfffffffffffff000
        '0000000000000000', // input_range.start
        'ffffffffffff0000', // input_range.end 2^48 - 1
        '00000000', // domain_range.start
        'ffffffff', // domain_range.end
        '00020000', // probe_size 512
        '01', // bypass (boot bypass)
        '000000', // reserved
      ].join(''),
    );
    expect(cfg.page_size_mask).toBe('18446744073709547520');
    expect(cfg.input_range).toEqual({ start: '0', last: String((1n << 48n) - 1n) });
    expect([cfg.domain_range_start, cfg.domain_range_end, cfg.probe_size, cfg.bypass]).toEqual([0, 0xffffffff, 512, 1]);
    // VERSION_1 + INPUT_RANGE, DOMAIN_RANGE, MAP_UNMAP, PROBE, MMIO, BYPASS_CONFIG; never legacy F_BYPASS
    expect(cfg.device_features).toBe(String(ALL));
    expect(cfg.driver_features).toBe('0');
    expect(cfg.features_ok).toBe(false);
  });

  it('configured values appear in the raw config; fields of features not offered read as the implied values', async () => {
    const vm = await boot('cfg-custom', {
      virtio: { page_size_mask: String(0x201000n), input_range: { start: '4096', last: String(0xffffffffffn) }, domain_range_start: 1, domain_range_end: 100, probe_size: 64, boot_bypass: false },
    });
    const cfg = await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name });
    expect(Buffer.from(cfg.raw).toString('hex')).toBe('0010200000000000' + '0010000000000000' + 'ffffffffff000000' + '01000000' + '64000000' + '40000000' + '00' + '000000');

    // offered: MAP_UNMAP and MMIO only → input_range [0, 2^64-1], domain_range [0, 2^32-1],
    // probe_size 0, bypass 0 although boot_bypass is on (no BYPASS_CONFIG)
    const bare = await boot('cfg-bare', { virtio: { offered_features: String(F.MAP_UNMAP | F.MMIO), input_range: { start: '4096', last: '8191' }, domain_range_end: 5, boot_bypass: true } });
    const c2 = await call(t.v.Guest.VirtioIommuConfig, { vm: bare.name });
    expect(Buffer.from(c2.raw).toString('hex')).toBe('00f0ffffffffffff' + '0000000000000000' + 'ffffffffffffffff' + '00000000' + 'ffffffff' + '00000000' + '00' + '000000');
    expect(c2.device_features).toBe(String(VERSION_1 | F.MAP_UNMAP | F.MMIO));
  });

  it('FEATURES_OK is refused for unoffered bits and without VERSION_1, then kept for good; renegotiation is refused', async () => {
    const vm = await boot('feat');
    const set = async (f: bigint) => (await call(t.v.Guest.VirtioIommuSetFeatures, { vm: vm.name, driver_features: String(f) })).features_ok;
    expect(await set(ALL | F.BYPASS)).toBe(false); // legacy F_BYPASS is not offered
    expect(await set(ALL | (1n << 7n))).toBe(false); // unknown device bit
    expect(await set(ALL | (1n << 34n))).toBe(false); // transport bit not offered
    expect(await set(ALL & ~VERSION_1)).toBe(false); // modern-only device
    let cfg = await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name });
    expect([cfg.features_ok, cfg.driver_features]).toEqual([false, '0']);
    expect(await set(VERSION_1 | F.MAP_UNMAP)).toBe(true); // a subset is fine
    expect(await set(ALL)).toBe(false); // features cannot change before a reset
    cfg = await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name });
    expect([cfg.features_ok, cfg.driver_features]).toEqual([true, String(VERSION_1 | F.MAP_UNMAP)]);
  });

  it('without BYPASS_CONFIG negotiated, ATTACH_F_BYPASS is an unknown flag; without F_MMIO, MAP_F_MMIO is', async () => {
    const vm = await boot('feat-flags');
    await negotiate(vm.name, VERSION_1 | F.MAP_UNMAP | F.PROBE);
    await bothForms(vm.name, { attach: { domain: 1, endpoint: EP.net0, flags: ATTACH_F_BYPASS, reserved: 0 } }, rawAttach(1, EP.net0, ATTACH_F_BYPASS), S.INVAL);
    expect(await status(attach(vm.name, 1, EP.net0))).toBe(S.OK);
    await bothForms(vm.name, { map: { domain: 1, virt_start: '0', virt_end: '4095', phys_start: '0', flags: MAP_RW | MAP_MMIO } }, rawMap(1, 0n, 4095n, 0n, MAP_RW | MAP_MMIO), S.INVAL);
    expect(await status(map(vm.name, 1, 0n, 4095n, 0n, MAP_RW))).toBe(S.OK);
  });

  it('writing bypass without BYPASS_CONFIG negotiated breaks the device: FAILED_PRECONDITION VIRTIO_DEVICE_NEEDS_RESET from then on', async () => {
    const vm = await boot('bypass-unneg');
    await negotiate(vm.name, VERSION_1 | F.MAP_UNMAP);
    await expectStatus(call(t.v.Guest.VirtioIommuWriteBypass, { vm: vm.name, bypass: 1 }), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
    await expectStatus(attach(vm.name, 1, EP.net0), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
    await expectStatus(raw(vm.name, rawProbe(EP.net0), 516), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
    expect((await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name })).bypass).toBe(1); // the byte did not change
  });

  it('writing bypass before any feature negotiation breaks the device too', async () => {
    const vm = await boot('bypass-early');
    await expectStatus(call(t.v.Guest.VirtioIommuWriteBypass, { vm: vm.name, bypass: 0 }), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
    await expectStatus(call(t.v.Guest.VirtioIommuWriteBypass, { vm: vm.name, bypass: 1 }), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
  });

  it('with BYPASS_CONFIG negotiated bypass takes 0 and 1; any other value breaks the device and leaves the byte', async () => {
    const vm = await boot('bypass-values');
    await negotiate(vm.name);
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: vm.name, bypass: 0 });
    expect((await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name })).raw[36]).toBe(0);
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: vm.name, bypass: 1 });
    expect((await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name })).raw[36]).toBe(1);
    await expectStatus(call(t.v.Guest.VirtioIommuWriteBypass, { vm: vm.name, bypass: 2 }), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
    expect((await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name })).raw[36]).toBe(1);
    await expectStatus(attach(vm.name, 1, EP.net0), grpc.status.FAILED_PRECONDITION, 'VIRTIO_DEVICE_NEEDS_RESET');
  });
});

describe('virtio-iommu requests: statuses in the documented check order', () => {
  it('ATTACH: reserved ≠ 0 → INVAL, unknown flag → INVAL, unknown endpoint → NOENT, domain outside domain_range → RANGE, in that order', async () => {
    const vm = await boot('attach-order', { devices: [net0, blk0], virtio: { domain_range_start: 1, domain_range_end: 1000 } });
    await negotiate(vm.name);
    const n = vm.name;
    // every later violation present, the first one decides
    await bothForms(n, { attach: { domain: 5000, endpoint: 0x999, flags: 2, reserved: 1 } }, rawAttach(5000, 0x999, 2, 1), S.INVAL);
    await bothForms(n, { attach: { domain: 5000, endpoint: EP.net0, flags: 0, reserved: 0x01000000 } }, rawAttach(5000, EP.net0, 0, 0x01000000), S.INVAL);
    await bothForms(n, { attach: { domain: 5000, endpoint: 0x999, flags: 2, reserved: 0 } }, rawAttach(5000, 0x999, 2), S.INVAL);
    await bothForms(n, { attach: { domain: 5000, endpoint: 0x999, flags: 0, reserved: 0 } }, rawAttach(5000, 0x999), S.NOENT);
    await bothForms(n, { attach: { domain: 5000, endpoint: EP.net0, flags: 0, reserved: 0 } }, rawAttach(5000, EP.net0), S.RANGE);
    await bothForms(n, { attach: { domain: 0, endpoint: EP.net0, flags: 0, reserved: 0 } }, rawAttach(0, EP.net0), S.RANGE);
    expect(await status(raw(n, rawAttach(1000, EP.net0)))).toBe(S.OK); // the last domain of the range
    expect(await status(attach(n, 1, EP.blk0))).toBe(S.OK);
  });

  it('ATTACH: a bypass-flag mismatch with an existing domain → INVAL and the endpoint keeps its domain and mappings', async () => {
    const vm = await boot('attach-mismatch', { devices: [net0, blk0] });
    const n = vm.name;
    await negotiate(n);
    await driverUp(n, 'net0');
    await driverUp(n, 'blk0');
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xfffn, 3n * MiB, MAP_RW))).toBe(S.OK);
    expect(await status(attach(n, 2, EP.blk0, ATTACH_F_BYPASS))).toBe(S.OK); // a bypass domain
    await poke(n, 3n * MiB, 'mapped');
    await poke(n, 2n * MiB, 'identity');

    await bothForms(n, { attach: { domain: 2, endpoint: EP.net0, flags: 0, reserved: 0 } }, rawAttach(2, EP.net0), S.INVAL);
    await bothForms(n, { attach: { domain: 1, endpoint: EP.blk0, flags: ATTACH_F_BYPASS, reserved: 0 } }, rawAttach(1, EP.blk0, ATTACH_F_BYPASS), S.INVAL);
    // nothing moved: net0 still translates through domain 1, blk0 still bypasses in domain 2
    expect(Buffer.from((await dma(n, 'net0', MiB, 6)).data!).toString()).toBe('mapped');
    expect(Buffer.from((await dma(n, 'blk0', 2n * MiB, 8)).data!).toString()).toBe('identity');
    // MAP and UNMAP on a bypass domain
    await bothForms(n, { map: { domain: 2, virt_start: String(4n * MiB), virt_end: String(4n * MiB + 0xfffn), phys_start: '0', flags: MAP_RW } }, rawMap(2, 4n * MiB, 4n * MiB + 0xfffn, 0n, MAP_RW), S.INVAL);
    await bothForms(n, { unmap: { domain: 2, virt_start: '0', virt_end: String(RAM) } }, rawUnmap(2, 0n, RAM), S.INVAL);
  });

  it('ATTACH to the endpoint’s own domain is a no-op S_OK that keeps the mappings', async () => {
    const vm = await boot('reattach-same');
    const n = vm.name;
    await negotiate(n);
    await driverUp(n, 'net0');
    expect(await status(attach(n, 7, EP.net0))).toBe(S.OK);
    expect(await status(map(n, 7, MiB, MiB + 0xfffn, 5n * MiB, MAP_R))).toBe(S.OK);
    await poke(n, 5n * MiB, 'kept');
    expect(await status(attach(n, 7, EP.net0))).toBe(S.OK);
    expect((await raw(n, rawAttach(7, EP.net0))).status).toBe(S.OK);
    expect(Buffer.from((await dma(n, 'net0', MiB, 4)).data!).toString()).toBe('kept');
    expect(await status(map(n, 7, MiB, MiB + 0xfffn, 5n * MiB, MAP_R))).toBe(S.INVAL); // still there: overlap
  });

  it('DETACH: unknown endpoint → NOENT; missing domain, not attached or attached elsewhere → INVAL; reserved is ignored', async () => {
    const vm = await boot('detach-order', { devices: [net0, blk0] });
    const n = vm.name;
    await negotiate(n);
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(attach(n, 2, EP.blk0))).toBe(S.OK);
    await bothForms(n, { detach: { domain: 1, endpoint: 0x999 } }, rawDetach(1, 0x999), S.NOENT);
    await bothForms(n, { detach: { domain: 99, endpoint: 0x999 } }, rawDetach(99, 0x999), S.NOENT); // endpoint first
    await bothForms(n, { detach: { domain: 99, endpoint: EP.net0 } }, rawDetach(99, EP.net0), S.INVAL);
    await bothForms(n, { detach: { domain: 2, endpoint: EP.net0 } }, rawDetach(2, EP.net0), S.INVAL);
    expect((await raw(n, rawDetach(1, EP.net0, 0xdeadbeef))).status).toBe(S.OK);
    await bothForms(n, { detach: { domain: 1, endpoint: EP.net0 } }, rawDetach(1, EP.net0), S.INVAL); // domain 1 is gone
    expect(await status(detach(n, 2, EP.blk0))).toBe(S.OK);
  });

  it('MAP: unknown flag, misalignment, end ≤ start, overlap, unknown domain, RESV_MEM, input_range, phys overflow — in that order', async () => {
    const vm = await boot('map-order');
    const n = vm.name;
    await negotiate(n);
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xffffn, 2n * MiB, MAP_RW))).toBe(S.OK);
    const top = 1n << 48n;
    const cases: Array<[string, number, bigint, bigint, bigint, number, number]> = [
      ['unknown flag wins over misalignment and unknown domain', 99, 0x800n, 0xfffn, 0n, 8, S.INVAL],
      ['misaligned virt_start wins over unknown domain', 99, 0x800n, 0x1fffn, 0n, MAP_RW, S.RANGE],
      ['misaligned phys_start', 1, 8n * MiB, 8n * MiB + 0xfffn, 0x10n, MAP_RW, S.RANGE],
      ['misaligned virt_end + 1', 1, 8n * MiB, 8n * MiB + 0xffen, 0n, MAP_RW, S.RANGE],
      ['virt_end < virt_start wins over unknown domain', 99, 0x3000n, 0x1fffn, 0n, MAP_RW, S.INVAL],
      ['overlap of one page with an existing mapping', 1, MiB + 0xf000n, MiB + 0x1ffffn, 0n, MAP_RW, S.INVAL],
      ['unknown domain wins over RESV_MEM and input_range', 99, 0xfee00000n, top + 0xfffn, 0n, MAP_RW, S.NOENT],
      ['over the MSI RESV_MEM region', 1, 0xfee00000n, 0xfee00fffn, 0n, MAP_RW, S.INVAL],
      ['straddling the start of the MSI region', 1, 0xfed00000n, 0xfee00fffn, 0n, MAP_RW, S.INVAL],
      ['RESV_MEM wins over input_range', 1, 0xfeeff000n, top + 0xfffn, 0n, MAP_RW, S.INVAL],
      ['outside input_range', 1, top, top + 0xfffn, 0n, MAP_RW, S.RANGE],
      ['straddling the end of input_range', 1, top - 0x1000n, top + 0xfffn, 0n, MAP_RW, S.RANGE],
      ['phys_start + size beyond 2^64', 1, 16n * MiB, 16n * MiB + 0x1fffn, 0xfffffffffffff000n, MAP_RW, S.RANGE],
    ];
    for (const [what, domain, vs, ve, ps, flags, want] of cases) {
      const typed = await map(n, domain, vs, ve, ps, flags);
      expect(typed.status, what).toBe(want);
      expect((await raw(n, rawMap(domain, vs, ve, ps, flags))).status, `raw: ${what}`).toBe(want);
    }
    // the neighbours of the refused ranges are fine
    expect((await raw(n, rawMap(1, 0xfed00000n, 0xfedfffffn, 0n, MAP_R))).status).toBe(S.OK);
    expect(await status(map(n, 1, top - 0x1000n, top - 1n, 0n, MAP_W))).toBe(S.OK);
    expect(await status(map(n, 1, MiB + 0x10000n, MiB + 0x10fffn, 0n, MAP_RW | MAP_MMIO))).toBe(S.OK);
  });

  it('MAP and UNMAP before MAP_UNMAP is negotiated → S_UNSUPP', async () => {
    const vm = await boot('map-unneg');
    const n = vm.name;
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK); // ATTACH needs no feature
    await bothForms(n, { map: { domain: 1, virt_start: '0', virt_end: '4095', phys_start: '0', flags: MAP_RW } }, rawMap(1, 0n, 4095n, 0n, MAP_RW), S.UNSUPP);
    await bothForms(n, { unmap: { domain: 1, virt_start: '0', virt_end: '4095' } }, rawUnmap(1, 0n, 4095n), S.UNSUPP);
    await negotiate(n, VERSION_1 | F.PROBE);
    await bothForms(n, { map: { domain: 1, virt_start: '0', virt_end: '4095', phys_start: '0', flags: MAP_RW } }, rawMap(1, 0n, 4095n, 0n, MAP_RW), S.UNSUPP);
  });

  it('UNMAP: unknown domain → NOENT, bypass domain → INVAL, end < start → INVAL, split → RANGE; reserved is ignored', async () => {
    const vm = await boot('unmap-order', { devices: [net0, blk0] });
    const n = vm.name;
    await negotiate(n);
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(attach(n, 2, EP.blk0, ATTACH_F_BYPASS))).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xffffn, 0n, MAP_RW))).toBe(S.OK);
    await bothForms(n, { unmap: { domain: 9, virt_start: '8192', virt_end: '4096' } }, rawUnmap(9, 8192n, 4096n), S.NOENT);
    await bothForms(n, { unmap: { domain: 2, virt_start: '8192', virt_end: '4096' } }, rawUnmap(2, 8192n, 4096n), S.INVAL);
    await bothForms(n, { unmap: { domain: 1, virt_start: '8192', virt_end: '4096' } }, rawUnmap(1, 8192n, 4096n), S.INVAL);
    await bothForms(n, { unmap: { domain: 1, virt_start: String(MiB), virt_end: String(MiB) } }, rawUnmap(1, MiB, MiB), S.RANGE); // a one-byte range splits it
    expect(await status(unmap(n, 1, 4096n, 4096n))).toBe(S.OK); // virt_end == virt_start, nothing there
    expect((await raw(n, rawUnmap(1, MiB, MiB + 0xffffn, 0xffffffff))).status).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xffffn, 0n, MAP_RW))).toBe(S.OK); // it was removed
  });

  describe('UNMAP: the seven spec vectors (byte granule) and split atomicity', () => {
    // page_size_mask 1: byte granularity, so the spec's own numbers are legal requests
    const vectors: Array<{ name: string; maps: Array<[bigint, bigint]>; unmap: [bigint, bigint]; status: number; left: Array<[bigint, bigint]> }> = [
      { name: '(1) unmap(0,4) on an empty domain → OK', maps: [], unmap: [0n, 4n], status: S.OK, left: [] },
      { name: '(2) a=map(0,9); unmap(0,9) → OK, a removed', maps: [[0n, 9n]], unmap: [0n, 9n], status: S.OK, left: [] },
      { name: '(3) a=map(0,4); b=map(5,9); unmap(0,9) → OK, a and b removed', maps: [[0n, 4n], [5n, 9n]], unmap: [0n, 9n], status: S.OK, left: [] },
      { name: '(4) a=map(0,9); unmap(0,4) → RANGE, nothing removed', maps: [[0n, 9n]], unmap: [0n, 4n], status: S.RANGE, left: [[0n, 9n]] },
      { name: '(5) a=map(0,4); b=map(5,9); unmap(0,4) → OK, only a removed', maps: [[0n, 4n], [5n, 9n]], unmap: [0n, 4n], status: S.OK, left: [[5n, 9n]] },
      { name: '(6) a=map(0,4); unmap(0,9) → OK, a removed', maps: [[0n, 4n]], unmap: [0n, 9n], status: S.OK, left: [] },
      { name: '(7) a=map(0,4); b=map(10,14); unmap(0,14) → OK, a and b removed', maps: [[0n, 4n], [10n, 14n]], unmap: [0n, 14n], status: S.OK, left: [] },
      { name: 'atomic: a=map(0,4); b=map(5,9); c=map(10,14); unmap(0,12) → RANGE, nothing removed', maps: [[0n, 4n], [5n, 9n], [10n, 14n]], unmap: [0n, 12n], status: S.RANGE, left: [[0n, 4n], [5n, 9n], [10n, 14n]] },
      { name: 'atomic: a=map(0,4); b=map(5,9); unmap(3,9) → RANGE, b not removed either', maps: [[0n, 4n], [5n, 9n]], unmap: [3n, 9n], status: S.RANGE, left: [[0n, 4n], [5n, 9n]] },
    ];
    let vm: Booted;
    const PHYS = 0x10000n;
    beforeAll(async () => {
      vm = await boot('unmap-vectors', { virtio: { page_size_mask: '1' } });
      live.delete(vm.name); // lives for the whole describe block
      await negotiate(vm.name);
      await driverUp(vm.name, 'net0');
      const bytes = Buffer.alloc(16);
      for (let i = 0; i < 16; i++) bytes[i] = 0xa0 + i;
      await call(t.v.Guest.WriteMemory, { vm: vm.name, gpa: String(PHYS), data: bytes });
    });
    afterAll(async () => {
      await call(t.v.Vmm.DeleteVm, { name: vm.name });
    });
    let domain = 100;
    for (const v of vectors) {
      it(v.name, async () => {
        const n = vm.name;
        domain++;
        // a fresh domain: moving the only endpoint destroys the previous one with its mappings
        expect(await status(attach(n, domain, EP.net0))).toBe(S.OK);
        for (const [s, e] of v.maps) expect(await status(map(n, domain, s, e, PHYS + s, MAP_R))).toBe(S.OK);
        const r = await raw(n, rawUnmap(domain, v.unmap[0], v.unmap[1]));
        expect(r.status).toBe(v.status);
        // what is left: every byte of a kept mapping translates, every byte of a removed one faults
        for (const [s, e] of v.maps) {
          const kept = v.left.some(([ls, le]) => ls === s && le === e);
          for (const a of [s, e]) {
            const d = await dma(n, 'net0', a, 1);
            if (kept) {
              expect(d.result, `byte ${a} of [${s}, ${e}]`).toBe('data');
              expect(d.data![0]).toBe(0xa0 + Number(a));
            } else {
              expect(d.result, `byte ${a} of [${s}, ${e}]`).toBe('virtio_fault');
              expect(d.virtio_fault!.reason).toBe(R_MAPPING);
            }
          }
        }
      });
    }
  });
});

describe('virtio-iommu domains, bypass and PROBE', () => {
  it('a domain ceases to exist with its mappings when its last endpoint moves away; the same id then starts empty', async () => {
    const vm = await boot('domain-life', { devices: [net0, blk0] });
    const n = vm.name;
    await negotiate(n);
    await driverUp(n, 'net0');
    await driverUp(n, 'blk0');
    await poke(n, 3n * MiB, 'domain one');
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(attach(n, 1, EP.blk0))).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xfffn, 3n * MiB, MAP_RW))).toBe(S.OK);
    // net0 leaves: domain 1 lives on with blk0 and keeps its mapping
    expect(await status(attach(n, 2, EP.net0))).toBe(S.OK);
    expect(Buffer.from((await dma(n, 'blk0', MiB, 10)).data!).toString()).toBe('domain one');
    expect((await dma(n, 'net0', MiB, 10)).virtio_fault).toEqual({ reason: R_MAPPING, flags: FAULT_F_READ | FAULT_F_ADDRESS, endpoint: EP.net0, address: String(MiB) });
    // the last endpoint leaves: domain 1 and its mapping are gone
    expect(await status(attach(n, 2, EP.blk0))).toBe(S.OK);
    expect(await status(map(n, 1, 4n * MiB, 4n * MiB + 0xfffn, 0n, MAP_RW))).toBe(S.NOENT);
    expect(await status(unmap(n, 1, 0n, RAM))).toBe(S.NOENT);
    // implicit DETACH: blk0 is no longer in domain 1
    expect(await status(detach(n, 1, EP.blk0))).toBe(S.INVAL);
    // the same id again: a new, empty domain
    expect(await status(attach(n, 1, EP.blk0))).toBe(S.OK);
    expect((await dma(n, 'blk0', MiB, 10)).virtio_fault!.reason).toBe(R_MAPPING);
    expect(await status(map(n, 1, MiB, MiB + 0xfffn, 3n * MiB, MAP_RW))).toBe(S.OK); // no overlap left over
    // DETACH of the last endpoint destroys it too
    expect(await status(detach(n, 1, EP.blk0))).toBe(S.OK);
    expect(await status(unmap(n, 1, 0n, RAM))).toBe(S.NOENT);
  });

  it('bypass: boot bypass is identity, ATTACH translates, DETACH goes back to bypass; bypass=0 blocks unattached endpoints (R_DOMAIN)', async () => {
    const vm = await boot('bypass-moves');
    const n = vm.name;
    await driverUp(n, 'net0');
    await poke(n, 0x5000n, 'gpa 0x5000');
    // boot bypass, before the driver even negotiated: IOVA = GPA
    expect(Buffer.from((await dma(n, 'net0', 0x5000n, 10)).data!).toString()).toBe('gpa 0x5000');
    await negotiate(n);
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect((await dma(n, 'net0', 0x5000n, 10)).virtio_fault!.reason).toBe(R_MAPPING);
    expect(await status(detach(n, 1, EP.net0))).toBe(S.OK);
    expect(Buffer.from((await dma(n, 'net0', 0x5000n, 10)).data!).toString()).toBe('gpa 0x5000');
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    expect((await dma(n, 'net0', 0x5000n, 10)).virtio_fault).toEqual({ reason: R_DOMAIN, flags: FAULT_F_READ | FAULT_F_ADDRESS, endpoint: EP.net0, address: '20480' });
    // attached endpoints do not care about the bypass byte
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(map(n, 1, 0x5000n, 0x5fffn, 0x5000n, MAP_R))).toBe(S.OK);
    expect(Buffer.from((await dma(n, 'net0', 0x5000n, 10)).data!).toString()).toBe('gpa 0x5000');
    expect(await status(detach(n, 1, EP.net0))).toBe(S.OK);
    expect((await dma(n, 'net0', 0x5000n, 10)).virtio_fault!.reason).toBe(R_DOMAIN);
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 1 });
    expect(Buffer.from((await dma(n, 'net0', 0x5000n, 10)).data!).toString()).toBe('gpa 0x5000');
  });

  it('boot_bypass false: the byte reads 0 and unattached endpoints are blocked from the start', async () => {
    const vm = await boot('no-boot-bypass', { virtio: { boot_bypass: false } });
    await driverUp(vm.name, 'net0');
    expect((await call(t.v.Guest.VirtioIommuConfig, { vm: vm.name })).bypass).toBe(0);
    expect((await dma(vm.name, 'net0', 0x1000n, 4)).virtio_fault!.reason).toBe(R_DOMAIN);
  });

  it('PROBE reports the q35 MSI window as RESV_MEM subtype MSI, exact bytes, zero-filled up to the tail', async () => {
    const vm = await boot('probe-q35');
    const n = vm.name;
    const p = await probe(n, EP.net0);
    expect(p.status).toBe(S.OK);
    expect(p.used_len).toBe(516);
    expect(p.properties).toEqual([{ type: 1, subtype: 1, start: String(0xfee00000n), end: String(0xfeefffffn) }]);
    const r = await raw(n, rawProbe(EP.net0), 516); // an unattached endpoint can be probed
    expect(r.status).toBe(S.OK);
    expect(r.used_len).toBe(516);
    const expected = Buffer.alloc(516);
    Buffer.from(resvMemBytes(1, 0xfee00000n, 0xfeefffffn), 'hex').copy(expected, 0);
    expect(Buffer.from(r.raw).toString('hex')).toBe(expected.toString('hex'));
    const nf = await probe(n, 0x999);
    expect([nf.status, nf.used_len, nf.properties]).toEqual([S.NOENT, 516, []]);
    // the endpoint check comes before the buffer-size check
    expect(await raw(n, rawProbe(0x999), 4)).toMatchObject({ status: S.NOENT, used_len: 4 });
    // properties[] smaller than probe_size → S_INVAL, no property written
    const small = await raw(n, rawProbe(EP.net0), 100);
    expect([small.status, small.used_len]).toEqual([S.INVAL, 100]);
    expect(Buffer.from(small.raw).toString('hex')).toBe('00'.repeat(96) + '04000000');
  });

  it('PROBE on machine virt reports 0x08000000-0x080fffff; configured regions come ordered by start', async () => {
    const virt = await boot('probe-virt', { machine: 'virt' });
    expect((await probe(virt.name, EP.net0)).properties).toEqual([{ type: 1, subtype: 1, start: String(0x08000000n), end: String(0x080fffffn) }]);
    const custom = await boot('probe-custom', {
      virtio: {
        reserved_regions: [
          { start: String(0xfee00000n), end: String(0xfeefffffn), subtype: 1 },
          { start: String(0xe0000n), end: String(0xfffffn), subtype: 0 },
        ],
      },
    });
    const r = await raw(custom.name, rawProbe(EP.net0), 516);
    expect(r.status).toBe(S.OK);
    expect(Buffer.from(r.raw).subarray(0, 48).toString('hex')).toBe(resvMemBytes(0, 0xe0000n, 0xfffffn) + resvMemBytes(1, 0xfee00000n, 0xfeefffffn));
    expect(Buffer.from(r.raw).subarray(48).every((b) => b === 0)).toBe(true);
    // a T_RESERVED region refuses MAPs and faults R_MAPPING for a translated endpoint
    await negotiate(custom.name);
    await driverUp(custom.name, 'net0');
    expect(await status(attach(custom.name, 1, EP.net0))).toBe(S.OK);
    expect(await status(map(custom.name, 1, 0xe0000n, 0xe0fffn, 0xe0000n, MAP_RW))).toBe(S.INVAL);
    expect((await dma(custom.name, 'net0', 0xe0000n, 4)).virtio_fault!.reason).toBe(R_MAPPING);
  });

  it('PROBE without F_PROBE offered: used length 0, nothing written', async () => {
    const vm = await boot('probe-unoffered', { virtio: { offered_features: String(F.MAP_UNMAP | F.BYPASS_CONFIG) } });
    const r = await probe(vm.name, EP.net0);
    expect(r.used_len).toBe(0);
    expect(r.status).toBeUndefined();
    const rr = await raw(vm.name, rawProbe(EP.net0), 516);
    expect([rr.used_len, rr.status]).toEqual([0, undefined]);
    expect(Buffer.from(rr.raw).every((b) => b === 0)).toBe(true);
  });

  it('raw framing: unknown type or no room for head/tail → used length 0 and no status; short payload → INVAL; tail = last 4 writable bytes', async () => {
    const vm = await boot('raw-framing');
    const n = vm.name;
    await negotiate(n);
    for (const type of [0, 6, 7, 8, 0x80, 0xff]) {
      const b = rawAttach(1, EP.net0);
      b[0] = type;
      const r = await raw(n, b, 4);
      expect([r.used_len, r.status, Buffer.from(r.raw).toString('hex')], `type ${type}`).toEqual([0, undefined, '00000000']);
    }
    for (const [what, bytes, writable] of [
      ['3-byte request', Buffer.from([1, 0, 0]), 4],
      ['3-byte writable part', rawAttach(1, EP.net0), 3],
      ['no writable part', rawAttach(1, EP.net0), 0],
    ] as const) {
      const r = await raw(n, bytes, writable);
      expect([r.used_len, r.status, Buffer.from(r.raw).every((b) => b === 0)], what).toEqual([0, undefined, true]);
    }
    // none of those attached anything
    expect(await status(detach(n, 1, EP.net0))).toBe(S.INVAL);
    // known type, payload too short: the tail is found, S_INVAL
    expect(await raw(n, rawAttach(1, EP.net0).subarray(0, 12), 4)).toMatchObject({ used_len: 4, status: S.INVAL });
    expect(await raw(n, rawMap(1, 0n, 0xfffn, 0n, MAP_RW).subarray(0, 35), 4)).toMatchObject({ used_len: 4, status: S.INVAL });
    // head.reserved ignored, trailing bytes ignored, the tail is the last 4 bytes of the writable part
    const withHeadReserved = rawAttach(1, EP.net0);
    withHeadReserved.set([0xff, 0xee, 0xdd], 1);
    const r = await raw(n, Buffer.concat([withHeadReserved, Buffer.alloc(16, 0x55)]), 12);
    expect([r.status, r.used_len, Buffer.from(r.raw).toString('hex')]).toEqual([S.OK, 12, '00'.repeat(12)]);
    const r2 = await raw(n, rawDetach(2, EP.net0), 8);
    expect([r2.status, r2.used_len, Buffer.from(r2.raw).toString('hex')]).toEqual([S.INVAL, 8, '0000000004000000']);
    expect(await status(detach(n, 1, EP.net0))).toBe(S.OK); // the padded ATTACH did attach
  });

  it('faults of a virtio device with ACCESS_PLATFORM go to Guest.Events: R_DOMAIN, R_MAPPING, READ/WRITE + ADDRESS, exact 24 bytes', async () => {
    const vm = await boot('faults');
    const n = vm.name;
    await negotiate(n);
    await driverUp(n, 'net0');
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    const f1 = await dma(n, 'net0', 0x100n, 4);
    const f2 = await dmaWrite(n, 'net0', 0x6000n, Buffer.from('w'));
    expect(await status(attach(n, 1, EP.net0))).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xfffn, 2n * MiB, MAP_R))).toBe(S.OK);
    await poke(n, 2n * MiB + 0x10n, 'read-only');
    expect(Buffer.from((await dma(n, 'net0', MiB + 0x10n, 9)).data!).toString()).toBe('read-only');
    const f3 = await dmaWrite(n, 'net0', MiB + 0x10n, Buffer.from('no'));
    const f4 = await dma(n, 'net0', 2n * MiB, 1);
    expect(await peek(n, 2n * MiB + 0x10n, 9)).toBe('read-only'); // the refused write changed nothing
    const want = [
      { reason: R_DOMAIN, flags: FAULT_F_READ | FAULT_F_ADDRESS, endpoint: EP.net0, address: 0x100n },
      { reason: R_DOMAIN, flags: FAULT_F_WRITE | FAULT_F_ADDRESS, endpoint: EP.net0, address: 0x6000n },
      { reason: R_MAPPING, flags: FAULT_F_WRITE | FAULT_F_ADDRESS, endpoint: EP.net0, address: MiB + 0x10n },
      { reason: R_MAPPING, flags: FAULT_F_READ | FAULT_F_ADDRESS, endpoint: EP.net0, address: 2n * MiB },
    ];
    for (const [i, f] of [f1, f2, f3, f4].entries()) {
      expect(f.result).toBe('virtio_fault');
      expect(f.virtio_fault).toEqual({ ...want[i]!, address: String(want[i]!.address) });
    }
    const ev = await takeEvents(n, 0n, 4);
    expect(ev.map((e) => e.sequence)).toEqual(['1', '2', '3', '4']);
    for (const [i, e] of ev.entries()) {
      const w = want[i]!;
      expect(e.virtio_fault).toEqual({ ...w, address: String(w.address) });
      expect(Buffer.from(e.raw).toString('hex')).toBe(faultBytes(w.reason, w.flags, w.endpoint, w.address));
    }
    expect(Buffer.from(ev[0]!.raw).toString('hex')).toBe('01000000' + '01010000' + '20000000' + '00000000' + '0001000000000000');
  });

  it('Guest.Events resumes after after_sequence: the rest of the backlog, then live events, no duplicates, no gaps', async () => {
    const vm = await boot('events-resume');
    const n = vm.name;
    await negotiate(n);
    await driverUp(n, 'net0');
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    for (const a of [0x1000n, 0x2000n, 0x3000n]) expect((await dma(n, 'net0', a, 1)).result).toBe('virtio_fault');
    const first = await takeEvents(n, 0n, 3);
    expect(first.map((e) => [e.sequence, e.virtio_fault!.address])).toEqual([
      ['1', '4096'],
      ['2', '8192'],
      ['3', '12288'],
    ]);
    // resume after 1: 2 and 3 from the backlog, then 4 and 5 arrive live
    const resumed = takeEvents(n, 1n, 4);
    await new Promise((r) => setTimeout(r, 50));
    for (const a of [0x4000n, 0x5000n]) expect((await dma(n, 'net0', a, 1)).result).toBe('virtio_fault');
    expect((await resumed).map((e) => [e.sequence, e.virtio_fault!.address])).toEqual([
      ['2', '8192'],
      ['3', '12288'],
      ['4', '16384'],
      ['5', '20480'],
    ]);
    // after the head: only what comes next
    const tail = takeEvents(n, 5n, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await dma(n, 'net0', 0x6000n, 1)).result).toBe('virtio_fault');
    expect((await tail).map((e) => e.sequence)).toEqual(['6']);
  });
});

// ==================================================================== 2. the host side

describe('the host side of guest actions (EMULATED backend)', () => {
  it('boot bypass = guest RAM identity-mapped in the endpoint IOAS; ATTACH to an empty domain leaves nothing mapped, DMA faults on the host and no guest event', async () => {
    const vm = await boot('host-bypass', { devices: [nic0, net0] });
    const n = vm.name;
    expect(vm.dev('nic0')).toMatchObject({ endpoint_id: EP.nic0, backend: 'EMULATED', kind: 'vfio', host_bdf: '0000:01:00.0' });
    expect(await hostAreas(vm, 'nic0')).toEqual([{ iova: 0n, last: RAM - 1n, userVa: vm.ramVa, flags: AREA_RW, source: 'AREA_SOURCE_USER_VA' }]);
    expect(await pinnedBytes(vm.pid)).toBe(RAM);
    await poke(n, 0x1234n, 'identity');
    expect(Buffer.from((await dma(n, 'nic0', 0x1234n, 8)).data!).toString()).toBe('identity');

    await negotiate(n);
    await driverUp(n, 'net0');
    expect(await status(attach(n, 1, EP.nic0))).toBe(S.OK);
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    expect(await pinnedBytes(vm.pid)).toBe(0n);
    const hf = await dma(n, 'nic0', 0x1234n, 8);
    expect(hf.result).toBe('host_fault');
    expect(hf.host_fault).toMatchObject({ addr: String(0x1234n), write: false, unit: 'dmar0' });
    // the host fault is not a guest event: the next event is the virtio device's own fault
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    expect((await dma(n, 'net0', 0x2000n, 1)).result).toBe('virtio_fault');
    const [ev] = await takeEvents(n, 0n, 1);
    expect(ev!.sequence).toBe('1');
    expect(ev!.virtio_fault).toMatchObject({ endpoint: EP.net0, address: '8192' });
  });

  it('a guest MAP becomes exactly one FIXED_IOVA area at the guest IOVA backed by ram_va + phys; UNMAP removes it', async () => {
    const vm = await boot('host-map', { devices: [nic0] });
    const n = vm.name;
    await negotiate(n);
    expect(await status(attach(n, 1, EP.nic0))).toBe(S.OK);
    expect(await status(map(n, 1, 0x100000000n, 0x10000ffffn, 4n * MiB, MAP_RW))).toBe(S.OK);
    expect(await hostAreas(vm, 'nic0')).toEqual([{ iova: 0x100000000n, last: 0x10000ffffn, userVa: vm.ramVa + 4n * MiB, flags: AREA_RW, source: 'AREA_SOURCE_USER_VA' }]);
    expect(await pinnedBytes(vm.pid)).toBe(0x10000n);
    expect(await status(map(n, 1, 0x200000n, 0x200fffn, 5n * MiB, MAP_R))).toBe(S.OK);
    expect(await hostAreas(vm, 'nic0')).toEqual([
      { iova: 0x200000n, last: 0x200fffn, userVa: vm.ramVa + 5n * MiB, flags: AREA_R, source: 'AREA_SOURCE_USER_VA' },
      { iova: 0x100000000n, last: 0x10000ffffn, userVa: vm.ramVa + 4n * MiB, flags: AREA_RW, source: 'AREA_SOURCE_USER_VA' },
    ]);
    expect(await pinnedBytes(vm.pid)).toBe(0x11000n);

    // the device reaches exactly what the guest mapped, with the guest's permissions
    await poke(n, 4n * MiB + 0x20n, 'through the host');
    expect(Buffer.from((await dma(n, 'nic0', 0x100000020n, 16)).data!).toString()).toBe('through the host');
    expect((await dmaWrite(n, 'nic0', 0x10000fff0n, Buffer.from('tail'))).result).toBe('written');
    expect(await peek(n, 4n * MiB + 0xfff0n, 4)).toBe('tail');
    expect((await dma(n, 'nic0', 0x200000n, 4)).result).toBe('data');
    // the same, asked of the host directly: 0000:01:00.0 reads guest RAM at the guest IOVA
    const direct = await hostDma('0000:01:00.0', 0x100000020n, 16);
    expect([direct.result, Buffer.from(direct.data ?? []).toString()]).toEqual(['data', 'through the host']);
    const ro = await dmaWrite(n, 'nic0', 0x200000n, Buffer.from('x'));
    expect(ro.result).toBe('host_fault');
    expect(ro.host_fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', write: true, addr: String(0x200000n) });

    expect(await status(unmap(n, 1, 0x100000000n, 0x10000ffffn))).toBe(S.OK);
    expect(await hostAreas(vm, 'nic0')).toEqual([{ iova: 0x200000n, last: 0x200fffn, userVa: vm.ramVa + 5n * MiB, flags: AREA_R, source: 'AREA_SOURCE_USER_VA' }]);
    expect(await pinnedBytes(vm.pid)).toBe(0x1000n);
    expect((await dma(n, 'nic0', 0x100000020n, 4)).result).toBe('host_fault');
    expect((await hostDma('0000:01:00.0', 0x100000020n, 4)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', addr: String(0x100000020n) });
    // a refused (split) UNMAP leaves the host untouched
    expect(await status(unmap(n, 1, 0x200000n, 0x2007ffn))).toBe(S.RANGE);
    expect((await hostAreas(vm, 'nic0')).length).toBe(1);
  });

  it('MMIO-flagged and permissionless guest mappings are not propagated to the host', async () => {
    const vm = await boot('host-mmio', { devices: [nic0] });
    const n = vm.name;
    await negotiate(n);
    expect(await status(attach(n, 1, EP.nic0))).toBe(S.OK);
    expect(await status(map(n, 1, 0x300000n, 0x300fffn, 0x300000n, MAP_RW | MAP_MMIO))).toBe(S.OK);
    expect(await status(map(n, 1, 0x400000n, 0x400fffn, 0x400000n, 0))).toBe(S.OK);
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    expect((await dma(n, 'nic0', 0x300000n, 4)).result).toBe('host_fault');
    // and their UNMAP has nothing to remove on the host
    expect(await status(unmap(n, 1, 0x300000n, 0x400fffn))).toBe(S.OK);
    expect(await status(map(n, 1, 0x300000n, 0x300fffn, 0x300000n, MAP_RW))).toBe(S.OK);
    expect((await hostAreas(vm, 'nic0')).map((a) => [a.iova, a.last])).toEqual([[0x300000n, 0x300fffn]]);
  });

  it('DETACH with bypass on restores the identity map; bypass=0 leaves a detached endpoint with nothing mapped', async () => {
    const vm = await boot('host-detach', { devices: [nic0] });
    const n = vm.name;
    await negotiate(n);
    expect(await status(attach(n, 1, EP.nic0))).toBe(S.OK);
    expect(await status(map(n, 1, MiB, MiB + 0xfffn, MiB, MAP_RW))).toBe(S.OK);
    expect(await status(detach(n, 1, EP.nic0))).toBe(S.OK);
    expect(await hostAreas(vm, 'nic0')).toEqual([{ iova: 0n, last: RAM - 1n, userVa: vm.ramVa, flags: AREA_RW, source: 'AREA_SOURCE_USER_VA' }]);
    expect(await pinnedBytes(vm.pid)).toBe(RAM);
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    expect(await pinnedBytes(vm.pid)).toBe(0n);
    expect((await dma(n, 'nic0', MiB, 4)).result).toBe('host_fault');
    expect((await hostDma('0000:01:00.0', MiB, 4)).result).toBe('fault');
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 1 });
    expect((await hostAreas(vm, 'nic0')).map((a) => [a.iova, a.last])).toEqual([[0n, RAM - 1n]]);
    // a bypass domain is identity too
    await call(t.v.Guest.VirtioIommuWriteBypass, { vm: n, bypass: 0 });
    expect(await status(attach(n, 9, EP.nic0, ATTACH_F_BYPASS))).toBe(S.OK);
    expect((await hostAreas(vm, 'nic0')).map((a) => [a.iova, a.last])).toEqual([[0n, RAM - 1n]]);
  });

  it('a MAP on a domain with two assigned endpoints lands in each endpoint IOAS; UNMAP and domain teardown clear both', async () => {
    const vm = await boot('host-two', { devices: [nic0, gpu0] });
    const n = vm.name;
    expect(vm.dev('nic0').host!.ioas_ids[0]).not.toBe(vm.dev('gpu0').host!.ioas_ids[0]); // one IOAS per endpoint
    await negotiate(n);
    expect(await status(attach(n, 1, EP.nic0))).toBe(S.OK);
    expect(await status(map(n, 1, 0x800000n, 0x80ffffn, 6n * MiB, MAP_RW))).toBe(S.OK);
    expect(await hostAreas(vm, 'gpu0')).toEqual([{ iova: 0n, last: RAM - 1n, userVa: vm.ramVa, flags: AREA_RW, source: 'AREA_SOURCE_USER_VA' }]);
    // joining the domain replays its mappings into the new endpoint's IOAS
    expect(await status(attach(n, 1, EP.gpu0))).toBe(S.OK);
    const one = [{ iova: 0x800000n, last: 0x80ffffn, userVa: vm.ramVa + 6n * MiB, flags: AREA_RW, source: 'AREA_SOURCE_USER_VA' }];
    expect(await hostAreas(vm, 'nic0')).toEqual(one);
    expect(await hostAreas(vm, 'gpu0')).toEqual(one);
    expect(await status(map(n, 1, 0x900000n, 0x900fffn, 7n * MiB, MAP_W))).toBe(S.OK);
    for (const id of ['nic0', 'gpu0']) expect((await hostAreas(vm, id)).map((a) => [a.iova, a.flags])).toEqual([[0x800000n, AREA_RW], [0x900000n, 2]]);
    await poke(n, 6n * MiB, 'shared');
    expect(Buffer.from((await dma(n, 'gpu0', 0x800000n, 6)).data!).toString()).toBe('shared');
    expect(await status(unmap(n, 1, 0x800000n, 0x80ffffn))).toBe(S.OK);
    for (const id of ['nic0', 'gpu0']) expect((await hostAreas(vm, id)).map((a) => a.iova)).toEqual([0x900000n]);
    // both leave: the domain and its mapping are gone; both IOASes are identity again
    expect(await status(detach(n, 1, EP.nic0))).toBe(S.OK);
    expect((await hostAreas(vm, 'gpu0')).map((a) => a.iova)).toEqual([0x900000n]);
    expect(await status(detach(n, 1, EP.gpu0))).toBe(S.OK);
    for (const id of ['nic0', 'gpu0']) expect((await hostAreas(vm, id)).map((a) => [a.iova, a.last])).toEqual([[0n, RAM - 1n]]);
    // each IOAS pins and charges the RAM pages on its own (as Linux charges every iopt_pages)
    expect(await pinnedBytes(vm.pid)).toBe(2n * RAM);
  });
});
