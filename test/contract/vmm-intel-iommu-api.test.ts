/**
 * The intel-iommu API of the vmm over gRPC (vmm-api.md "Guest programming of intel-iommu and
 * SMMUv3", "Backends"): VmInfo.viommu_mmio, Guest.MmioRead / MmioWrite (sizes, NO_MMIO_REGION),
 * VER/CAP/ECAP as QEMU's vtd_cap_init builds them from the spec, refused configurations naming
 * every violation with nothing left on the host, fault recording of a virtio device's DMA with
 * the fault event as an `interrupt` item on Guest.Events once the guest unmasks it, and the
 * caching-mode shadow of an assigned device (the host IOAS follows the guest's tables after each
 * invalidation). Tables are built by hand with Guest.WriteMemory; the full guest driver is
 * libs/guest/vtd-driver.ts.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { vtdCaps } from '../../services/vmm/src/viommu/intel-iommu/caps.js';
import { errorInfo, expectStatus } from './harness.js';
import { collectEvents, hostLeftClean, type Orchestrator, pattern, type TestTwin, useTwinHooks } from './vmm-harness.js';

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
const BASE = 0xfed90000n;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;

/** Register offsets (QEMU intel_iommu_internal.h). */
const R = { VER: 0x0, CAP: 0x8, ECAP: 0x10, GCMD: 0x18, GSTS: 0x1c, RTADDR: 0x20, FSTS: 0x34, FECTL: 0x38, FEDATA: 0x3c, FEADDR: 0x40, IVA: 0xf0, IOTLB: 0xf8, FRCD_LO: 0x220, FRCD_HI: 0x228 } as const;
const GCMD_TE = 1n << 31n;
const GCMD_SRTP = 1n << 30n;
const FECTL_IM = 1n << 31n;
const FECTL_IP = 1n << 30n;
const FSTS_PPF = 1n << 1n;
const FR_READ = 6;
const FR_WRITE = 5;
const IOTLB_IVT = 1n << 63n;
const IIRG_GLOBAL = 1n << 60n;
const IIRG_PSI = 3n << 60n;

type Dev = Record<string, unknown> & { id: string };

function intelSpec(name: string, intel: Record<string, unknown>, devices: Dev[] = [], extra: Record<string, unknown> = {}) {
  return { name, memory_bytes: String(RAM), machine: 'q35', viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel }, iommufd_objects: [{ id: 'iommufd0' }], devices, ...extra };
}
const nic = (id: string, guestBdf: string, hostBdf: string, backend = 'VFIO_BACKEND_EMULATED'): Dev => ({ id, guest_bdf: guestBdf, vfio: { host_bdf: hostBdf, iommufd: 'iommufd0', backend } });
const net = (id: string, guestBdf: string, accessPlatform = true): Dev => ({ id, guest_bdf: guestBdf, virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: accessPlatform } });
const CDEV: Record<string, string> = { '0000:01:00.0': 'vfio0', '0000:02:00.0': 'vfio1' };

async function boot(s: ReturnType<typeof intelSpec>): Promise<VmInfo__Output> {
  const c = await call(t.v.Vmm.CreateVm, { spec: s as never });
  live.add(s.name);
  const pid = c.vm!.host_pid;
  const fds: Record<string, number> = { iommufd0: await orch.pass('/dev/iommu', pid) };
  for (const d of s.devices) {
    const v = d.vfio as { host_bdf: string } | undefined;
    if (v && CDEV[v.host_bdf]) fds[d.id] = await orch.pass(`/dev/vfio/devices/${CDEV[v.host_bdf]}`, pid);
  }
  const info = (await call(t.v.Vmm.StartVm, { name: s.name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  return info;
}

// ------------------------------------------------------------------ guest helpers

async function rd(vm: string, off: number, size = 8): Promise<bigint> {
  return BigInt((await call(t.v.Guest.MmioRead, { vm, addr: String(BASE + BigInt(off)), size })).value);
}
async function wr(vm: string, off: number, value: bigint, size = 8): Promise<void> {
  await call(t.v.Guest.MmioWrite, { vm, addr: String(BASE + BigInt(off)), size, value: String(value) });
}
/** little-endian u64s written at gpa */
async function pokeQ(vm: string, gpa: bigint, qs: bigint[]): Promise<void> {
  const b = Buffer.alloc(qs.length * 8);
  qs.forEach((q, i) => b.writeBigUInt64LE(q, i * 8));
  await call(t.v.Guest.WriteMemory, { vm, gpa: String(gpa), data: b });
}
function dma(vm: string, deviceId: string, iova: bigint, length: number, pasid?: number) {
  return call(t.v.Guest.Dma, { vm, device_id: deviceId, iova: String(iova), length: String(length), write: false, data: Buffer.alloc(0), ...(pasid !== undefined ? { pasid } : {}) });
}
function dmaWrite(vm: string, deviceId: string, iova: bigint, data: Buffer) {
  return call(t.v.Guest.Dma, { vm, device_id: deviceId, iova: String(iova), length: String(data.length), write: true, data });
}


/**
 * Legacy-mode tables for `sids` (bus 0), all sharing one 4-level second-stage table:
 * root 0x100000 → context table 0x101000 → PML4 0x102000 → PDPT 0x103000 → PD 0x104000 → PT 0x105000.
 */
const ROOT = 0x100000n;
const CTX = 0x101000n;
const PT = 0x105000n;
async function legacyTables(vm: string, sids: Array<{ sid: number; did: number }>): Promise<void> {
  await pokeQ(vm, ROOT, [CTX | 1n, 0n]);
  for (const { sid, did } of sids) await pokeQ(vm, CTX + BigInt(sid & 0xff) * 16n, [0x102000n | 1n /* P, TT 0 */, 2n /* AW 48-bit */ | (BigInt(did) << 8n)]);
  await pokeQ(vm, 0x102000n, [0x103000n | 3n]);
  await pokeQ(vm, 0x103000n, [0x104000n | 3n]);
  await pokeQ(vm, 0x104000n, [PT | 3n]);
}
async function setPte(vm: string, iova: bigint, pte: bigint): Promise<void> {
  await pokeQ(vm, PT + ((iova >> 12n) & 0x1ffn) * 8n, [pte]);
}
async function enable(vm: string): Promise<void> {
  await wr(vm, R.RTADDR, ROOT);
  await wr(vm, R.GCMD, GCMD_SRTP, 4);
  expect(await rd(vm, R.GSTS, 4)).toBe(GCMD_SRTP);
  await wr(vm, R.GCMD, GCMD_TE, 4);
  expect(await rd(vm, R.GSTS, 4) & GCMD_TE).toBe(GCMD_TE);
}
/** Register-based page-selective IOTLB invalidation (QI off). */
async function psi(vm: string, did: number, addr: bigint, am: number): Promise<void> {
  await wr(vm, R.IVA, addr | BigInt(am));
  await wr(vm, R.IOTLB, IOTLB_IVT | IIRG_PSI | (BigInt(did) << 32n));
  expect(await rd(vm, R.IOTLB) & IOTLB_IVT).toBe(0n);
}

async function hostAreas(info: VmInfo__Output, id: string): Promise<Array<[bigint, bigint, bigint]>> {
  const h = info.devices.find((d) => d.id === id)!.host!;
  const r = await call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: info.host_pid, fd: h.iommufd, id: h.ioas_ids[0]! } });
  return r.areas.map((a) => [BigInt(a.iova), BigInt(a.last), BigInt(a.user_va) - BigInt(info.ram_va)] as [bigint, bigint, bigint]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

// ==================================================================== registers

describe('intel-iommu registers over Guest.MmioRead / MmioWrite', () => {
  const specs: Array<[string, Record<string, unknown>]> = [
    ['defaults (aw-bits 48, dma-drain)', {}],
    ['aw-bits 39, caching mode, device-iotlb, no drain', { aw_bits: 39, caching_mode: true, device_iotlb: true, dma_drain: false }],
    ['scalable mode with 8 PASID bits and snoop control', { scalable_mode: true, pasid_bits: 8, snoop_control: true }],
    ['scalable mode with flts', { scalable_mode: true, flts: true, caching_mode: true }],
  ];
  it.each(specs)('VER 0x10, CAP and ECAP as vtd_cap_init builds them for %s; VmInfo reports the DMAR block', async (_what, intel) => {
    const name = `regs-${Object.keys(intel).length}-${String(intel.aw_bits ?? 48)}-${intel.flts ? 'f' : intel.scalable_mode ? 's' : 'l'}`;
    const info = await boot(intelSpec(name, intel));
    expect(info.viommu_mmio).toEqual({ base: String(BASE), size: '4096' });
    expect(info.spec!.viommu!.intel).toMatchObject({ aw_bits: Number(intel.aw_bits ?? 48), caching_mode: !!intel.caching_mode, scalable_mode: !!intel.scalable_mode, flts: !!intel.flts });
    const cfg = {
      awBits: Number(intel.aw_bits ?? 48) as 39 | 48,
      cachingMode: !!intel.caching_mode,
      scalableMode: !!intel.scalable_mode,
      flts: !!intel.flts,
      pasidBits: Number(intel.pasid_bits ?? 0),
      deviceIotlb: !!intel.device_iotlb,
      dmaDrain: intel.dma_drain === undefined ? true : !!intel.dma_drain,
      snoopControl: !!intel.snoop_control,
    };
    const { cap, ecap } = vtdCaps(cfg);
    expect(await rd(name, R.VER, 4)).toBe(0x10n);
    expect(await rd(name, R.CAP)).toBe(cap);
    expect(await rd(name, R.ECAP)).toBe(ecap);
    // the two 32-bit halves read the same 64-bit register
    expect((await rd(name, R.CAP + 4, 4)) << 32n | (await rd(name, R.CAP, 4))).toBe(cap);
  });

  it("matches QEMU's CAP/ECAP image for aw-bits=39,caching-mode=on (0x80d2008c22260286 / 0xf42)", async () => {
    await boot(intelSpec('regs-qemu', { aw_bits: 39, caching_mode: true }));
    expect(await rd('regs-qemu', R.CAP)).toBe(0x80d2008c22260286n);
    expect(await rd('regs-qemu', R.ECAP)).toBe(0xf42n);
    expect(await rd('regs-qemu', R.FECTL, 4)).toBe(FECTL_IM);
  });

  it('sizes other than 4 and 8 → INVALID_ARGUMENT BAD_MMIO_SIZE; outside the DMAR block → NO_MMIO_REGION; nothing changes', async () => {
    await boot(intelSpec('mmio-bad', {}));
    for (const size of [0, 1, 2, 3, 16]) {
      await expectStatus(call(t.v.Guest.MmioRead, { vm: 'mmio-bad', addr: String(BASE), size }), grpc.status.INVALID_ARGUMENT, 'BAD_MMIO_SIZE');
      await expectStatus(call(t.v.Guest.MmioWrite, { vm: 'mmio-bad', addr: String(BASE + 0x38n), size, value: '0' }), grpc.status.INVALID_ARGUMENT, 'BAD_MMIO_SIZE');
    }
    for (const [addr, size] of [[BASE - 4n, 4], [BASE + 0x1000n, 4], [BASE + 0xffcn, 8], [0n, 4], [0xfee00000n, 4], [BASE - 4n, 8]] as Array<[bigint, number]>) {
      await expectStatus(call(t.v.Guest.MmioRead, { vm: 'mmio-bad', addr: String(addr), size }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
      await expectStatus(call(t.v.Guest.MmioWrite, { vm: 'mmio-bad', addr: String(addr), size, value: '0' }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
    }
    // a 4-byte store of a value wider than 32 bits
    await expectStatus(call(t.v.Guest.MmioWrite, { vm: 'mmio-bad', addr: String(BASE + 0x38n), size: 4, value: String(1n << 32n) }), grpc.status.INVALID_ARGUMENT, 'BAD_MMIO_VALUE');
    expect(await rd('mmio-bad', R.FECTL, 4)).toBe(FECTL_IM);
  });

  it('a VM without an MMIO vIOMMU has no register block: NO_MMIO_REGION; a DEFINED VM: VM_NOT_RUNNING', async () => {
    const c = await call(t.v.Vmm.CreateVm, { spec: { name: 'mmio-virtio', memory_bytes: String(RAM), machine: 'q35', viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' }, iommufd_objects: [], devices: [] } as never });
    live.add('mmio-virtio');
    expect(c.vm!.viommu_mmio).toBeNull();
    await expectStatus(call(t.v.Guest.MmioRead, { vm: 'mmio-virtio', addr: String(BASE), size: 4 }), grpc.status.FAILED_PRECONDITION, 'VM_NOT_RUNNING');
    await call(t.v.Vmm.StartVm, { name: 'mmio-virtio', passed_fds: {} });
    await expectStatus(call(t.v.Guest.MmioRead, { vm: 'mmio-virtio', addr: String(BASE), size: 4 }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
  });
});

// ==================================================================== refusals

describe('refused intel-iommu configurations', () => {
  it('CreateVm: every realize violation in one INVALID_ARGUMENT BAD_VIOMMU; no VM', async () => {
    const e = await expectStatus(
      call(t.v.Vmm.CreateVm, { spec: intelSpec('bad-realize', { aw_bits: 39, flts: true, dma_drain: false, pasid_bits: 8, device_iotlb: true }, [], { machine: 'virt' }) as never }),
      grpc.status.INVALID_ARGUMENT,
      'BAD_VIOMMU',
    );
    const info = errorInfo(e)!;
    const v = JSON.parse(info.metadata.violations!) as Array<{ field: string; detail: string }>;
    expect(info.metadata.count).toBe(String(v.length));
    expect(v.map((x) => x.detail)).toEqual([
      "intel-iommu is a q35 device: machine 'virt' has no DMAR unit (QEMU: 'intel-iommu' is not a valid device model name)",
      'x-flts is only available in scalable mode',
      'Scalable mode(flts=on): supported value for aw-bits is: 48 (got 39)',
      'Need to set scalable mode for PASID',
      'PASID based device IOTLB is not supported',
    ]);
    await expectStatus(call(t.v.Vmm.GetVm, { name: 'bad-realize' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
  });

  it('StartVm: assigned devices without caching mode, with snoop control, or on a missing host device → FAILED_PRECONDITION VIOMMU_HOST_INCOMPATIBLE naming every one; nothing left in the VM process or on the host', async () => {
    const s = intelSpec('bad-assign', { snoop_control: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0'), nic('nic1', '0000:00:05.0', '0000:02:00.0', 'VFIO_BACKEND_AUTO'), nic('ghost', '0000:00:06.0', '0000:7f:00.0')]);
    const c = await call(t.v.Vmm.CreateVm, { spec: s as never });
    live.add(s.name);
    const pid = c.vm!.host_pid;
    const fds = { iommufd0: await orch.pass('/dev/iommu', pid), nic0: await orch.pass('/dev/vfio/devices/vfio0', pid), nic1: await orch.pass('/dev/vfio/devices/vfio1', pid) };
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name: s.name, passed_fds: fds }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const info = errorInfo(e)!;
    const v = JSON.parse(info.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(info.metadata.count).toBe(String(v.length));
    // nic1 (0000:02:00.0) has an RMRR [0xe0000, 0xfffff] outside the x86 interrupt window
    expect(v.map((x) => `${x.device}/${x.rule}`)).toEqual(['nic0/caching mode', 'nic0/snoop control', 'nic1/caching mode', 'nic1/snoop control', 'nic1/reserved region', 'ghost/host device']);
    expect(v[4]!.detail).toContain('[0xe0000, 0xfffff] (DIRECT) of 0000:02:00.0 is outside the x86 interrupt window');
    expect(v[0]!.detail).toBe('Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
    expect(v[1]!.detail).toBe('Snoop Control with vhost or VFIO is not supported');
    const vm = (await call(t.v.Vmm.GetVm, { name: s.name })).vm!;
    expect(vm.state).toBe('VM_STATE_DEFINED');
    expect(vm.ram_fd).toBe(-1);
    // the VM process holds only the fds the orchestrator passed (nothing bound, nothing mapped)
    const st = await call(t.host.root.Process.GetStatus, { pid });
    expect(st.vm_pinned_bytes).toBe('0');
    expect(st.fds.map((f) => f.fd).sort()).toEqual(Object.values(fds).sort());
  });
});

// ==================================================================== faults and interrupts

describe('fault recording of an emulated device and the fault event', () => {
  it('a translated virtio DMA that faults: FRCD/FSTS record it; the interrupt item appears when the guest unmasks FECTL, at once when unmasked', async () => {
    const name = 'vtd-fault';
    await boot(intelSpec(name, {}, [net('net0', '0000:00:04.0'), net('net1', '0000:00:06.0', false)]));
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net1', driver_features: String(VERSION_1) })).features_ok).toBe(true);
    const sid = 0x20; // 00:04.0
    await legacyTables(name, [{ sid, did: 9 }]);
    const data = pattern(4096, 7);
    await call(t.v.Guest.WriteMemory, { vm: name, gpa: '2097152', data });
    await setPte(name, 0x10000n, 0x200000n | 3n);
    await wr(name, R.FEDATA, 0x4021n, 4);
    await wr(name, R.FEADDR, 0xfee00000n, 4);

    // DMA remapping off: the device's addresses are GPAs
    expect(Buffer.from((await dma(name, 'net0', 0x200000n, 64)).data!)).toEqual(data.subarray(0, 64));
    await enable(name);
    const head = 0n; // the VM's event log from its start
    // translated through the guest's table
    expect(Buffer.from((await dma(name, 'net0', 0x10000n, 4096)).data!)).toEqual(data);
    // not mapped: a READ fault (QEMU: permission check on a non-present second-stage PTE)
    const f = await dma(name, 'net0', 0x40010n, 16);
    expect(f.result).toBe('vtd_fault');
    expect(f.vtd_fault).toMatchObject({ reason: FR_READ, sid, address: String(0x40010n), write: false, recordable: true });
    expect(await rd(name, R.FSTS, 4)).toBe(FSTS_PPF); // FRI 0
    expect(await rd(name, R.FRCD_LO)).toBe(0x40000n);
    expect(await rd(name, R.FRCD_HI)).toBe((1n << 63n) | (1n << 62n) | (BigInt(FR_READ) << 32n) | BigInt(sid));
    // masked: pending (IP), no interrupt
    expect(await rd(name, R.FECTL, 4)).toBe(FECTL_IM | FECTL_IP);
    expect(await collectEvents(t, name, head)).toEqual([]);
    // the device without ACCESS_PLATFORM still uses GPAs
    expect(Buffer.from((await dma(name, 'net1', 0x200000n, 32)).data!)).toEqual(data.subarray(0, 32));

    // unmasking fires the pending fault event
    await wr(name, R.FECTL, 0n, 4);
    expect(await rd(name, R.FECTL, 4)).toBe(0n);
    const ev = await collectEvents(t, name, head);
    expect(ev.map((e) => e.event)).toEqual(['interrupt']);
    expect(ev[0]!.interrupt).toEqual({ source: 'dmar-fault', msi_addr: String(0xfee00000n), msi_data: 0x4021 });

    // the guest clears the record (F is W1C), then a write fault while unmasked: the event at once
    await wr(name, R.FRCD_HI, 1n << 63n);
    expect(await rd(name, R.FSTS, 4)).toBe(0n);
    await setPte(name, 0x11000n, 0x201000n | 1n); // read-only, no invalidation needed for a new entry
    const w = await dmaWrite(name, 'net0', 0x11000n, Buffer.from('x'));
    expect(w.vtd_fault).toMatchObject({ reason: FR_WRITE, sid, address: String(0x11000n), write: true });
    expect(await rd(name, R.FRCD_HI)).toBe((1n << 63n) | (BigInt(FR_WRITE) << 32n) | BigInt(sid));
    const ev2 = await collectEvents(t, name, ev[0]!.sequence ? BigInt(ev[0]!.sequence) : 1n);
    expect(ev2.map((e) => [e.event, e.interrupt?.source, e.interrupt?.msi_data])).toEqual([['interrupt', 'dmar-fault', 0x4021]]);
    // a faulting DMA wrote nothing
    expect(Buffer.from((await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(0x201000n), length: '1' })).data)).toEqual(Buffer.alloc(1));

    // a read caches the read-only translation; a write through the cached entry then fails
    // without a fault record (QEMU's IOTLB hit with insufficient permission)
    await wr(name, R.FRCD_HI, 1n << 63n);
    expect((await dma(name, 'net0', 0x11000n, 8)).result).toBe('data');
    const denied = await dmaWrite(name, 'net0', 0x11000n, Buffer.from('y'));
    expect(denied.vtd_fault).toMatchObject({ reason: FR_WRITE, sid, write: true, recordable: false });
    expect(await rd(name, R.FSTS, 4)).toBe(0n);
    // F was cleared by the guest; the old record's fields stay, nothing new was written
    expect(await rd(name, R.FRCD_HI)).toBe((BigInt(FR_WRITE) << 32n) | BigInt(sid));
    expect(await collectEvents(t, name, BigInt(ev2[0]!.sequence))).toEqual([]);
  });

  it('a request with PASID on a unit without PASID support → INVALID_ARGUMENT BAD_PASID', async () => {
    await boot(intelSpec('vtd-pasid', {}, [net('net0', '0000:00:04.0')]));
    await call(t.v.Guest.VirtioSetFeatures, { vm: 'vtd-pasid', device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) });
    await expectStatus(dma('vtd-pasid', 'net0', 0n, 16, 1), grpc.status.INVALID_ARGUMENT, 'BAD_PASID');
  });
});

// ==================================================================== EMULATED shadow

describe('an assigned device behind intel-iommu with caching mode (EMULATED shadow)', () => {
  it('TE off → identity; SRTP+TE → the guest table mirrored; PSI adds and removes leaves; a skipped PSI leaves the host as it was', async () => {
    const name = 'vtd-shadow';
    const info = await boot(intelSpec(name, { caching_mode: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0')]));
    expect(info.devices.find((d) => d.id === 'nic0')!.backend).toBe('EMULATED');
    const sid = 0x18; // 00:03.0
    // DMA remapping off: guest RAM identity-mapped, as the NONE backend does
    expect(await hostAreas(info, 'nic0')).toEqual([[0n, RAM - 1n, 0n]]);

    await legacyTables(name, [{ sid, did: 7 }]);
    await setPte(name, 0x10000n, 0x200000n | 3n);
    await setPte(name, 0x11000n, 0x201000n | 1n);
    await enable(name);
    expect(await hostAreas(info, 'nic0')).toEqual([
      [0x10000n, 0x10fffn, 0x200000n],
      [0x11000n, 0x11fffn, 0x201000n],
    ]);
    const data = pattern(4096, 3);
    await call(t.v.Guest.WriteMemory, { vm: name, gpa: String(0x200000n), data });
    expect(Buffer.from((await dma(name, 'nic0', 0x10000n, 4096)).data!)).toEqual(data);
    expect((await dma(name, 'nic0', 0x12000n, 16)).result).toBe('host_fault');

    // a new entry without invalidation: the host does not see it (caching mode: the guest must invalidate)
    await setPte(name, 0x12000n, 0x202000n | 3n);
    expect(await hostAreas(info, 'nic0')).toHaveLength(2);
    await psi(name, 7, 0x12000n, 0);
    expect(await hostAreas(info, 'nic0')).toEqual([
      [0x10000n, 0x10fffn, 0x200000n],
      [0x11000n, 0x11fffn, 0x201000n],
      [0x12000n, 0x12fffn, 0x202000n],
    ]);
    // the device writes through its new mapping: the guest reads it
    const msg = pattern(256, 11);
    expect((await dmaWrite(name, 'nic0', 0x12000n, msg)).result).toBe('written');
    expect(Buffer.from((await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(0x202000n), length: '256' })).data)).toEqual(msg);

    // a PSI of another domain changes nothing; the right one (AM 1: 0x10000-0x11fff) removes the cleared entry
    await setPte(name, 0x10000n, 0n);
    await psi(name, 8, 0x10000n, 1);
    expect(await hostAreas(info, 'nic0')).toHaveLength(3);
    await psi(name, 7, 0x10000n, 1);
    expect(await hostAreas(info, 'nic0')).toEqual([
      [0x11000n, 0x11fffn, 0x201000n],
      [0x12000n, 0x12fffn, 0x202000n],
    ]);
    expect((await dma(name, 'nic0', 0x10000n, 16)).result).toBe('host_fault');

    // a changed translation (new GPA) after a global invalidation: unmapped, then mapped again
    await setPte(name, 0x11000n, 0x203000n | 3n);
    await wr(name, R.IOTLB, IOTLB_IVT | IIRG_GLOBAL);
    expect(await hostAreas(info, 'nic0')).toEqual([
      [0x11000n, 0x11fffn, 0x203000n],
      [0x12000n, 0x12fffn, 0x202000n],
    ]);
    // a PSI with the largest address mask walks only what exists
    await psi(name, 7, 0n, 18);
    expect(await hostAreas(info, 'nic0')).toHaveLength(2);

    // TE off again: identity
    await wr(name, R.GCMD, 0n, 4);
    expect(await hostAreas(info, 'nic0')).toEqual([[0n, RAM - 1n, 0n]]);
  });
});

describe('hotplug behind intel-iommu', () => {
  it('a hotplugged assigned device gets the guest tables replayed into its IOAS at once; unplug releases it; without caching mode the plug is refused and nothing changes', async () => {
    const name = 'vtd-hotplug';
    const info0 = await boot(intelSpec(name, { caching_mode: true }, [net('net0', '0000:00:04.0')]));
    const sid = 0x18;
    await legacyTables(name, [{ sid, did: 3 }]);
    await setPte(name, 0x30000n, 0x300000n | 3n);
    await enable(name);
    const data = pattern(512, 5);
    await call(t.v.Guest.WriteMemory, { vm: name, gpa: String(0x300000n), data });
    const fd = await orch.pass('/dev/vfio/devices/vfio0', info0.host_pid);
    const info = (await call(t.v.Vmm.HotplugDevice, { name, device: nic('nic0', '0000:00:03.0', '0000:01:00.0') as never, passed_fds: { nic0: fd } })).vm!;
    expect(info.devices.find((d) => d.id === 'nic0')).toMatchObject({ backend: 'EMULATED', endpoint_id: sid });
    expect(await hostAreas(info, 'nic0')).toEqual([[0x30000n, 0x30fffn, 0x300000n]]);
    expect(Buffer.from((await dma(name, 'nic0', 0x30000n, 512)).data!)).toEqual(data);
    await call(t.v.Vmm.UnplugDevice, { name, device_id: 'nic0' });
    const st = await call(t.host.root.Process.GetStatus, { pid: info.host_pid });
    expect(st.vm_pinned_bytes).toBe('0');
    expect(st.fds.some((f) => f.kind === 'FD_KIND_VFIO_DEVICE')).toBe(false);
  });

  it('hotplug into a VM without caching mode → FAILED_PRECONDITION VIOMMU_HOST_INCOMPATIBLE, the VM unchanged', async () => {
    const name = 'vtd-hotplug-cm';
    const info0 = await boot(intelSpec(name, {}, []));
    const fd = await orch.pass('/dev/vfio/devices/vfio0', info0.host_pid);
    const e = await expectStatus(call(t.v.Vmm.HotplugDevice, { name, device: nic('nic0', '0000:00:03.0', '0000:01:00.0') as never, passed_fds: { nic0: fd } }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    expect(e.message).toContain('Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
    const vm = (await call(t.v.Vmm.GetVm, { name })).vm!;
    expect(vm.devices).toEqual([]);
    expect((await call(t.host.root.Process.GetStatus, { pid: vm.host_pid })).vm_pinned_bytes).toBe('0');
  });
});
