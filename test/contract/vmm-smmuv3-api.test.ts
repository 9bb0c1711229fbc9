/**
 * The SMMUv3 API of the vmm over gRPC (vmm-api.md "Guest programming of intel-iommu and SMMUv3",
 * "Backends"), on the two Arm host profiles: the VM spec checked as QEMU's
 * smmu_validate_property checks it, VmInfo.viommu_mmio, Guest.MmioRead / MmioWrite (sizes,
 * NO_MMIO_REGION), IDRs and every register read the same on both hosts for one spec, the
 * plug-time checks of assigned devices naming every violation, and a virtio device's DMA
 * translated through a stream table, a CD and a stage-1 table written by hand with
 * Guest.WriteMemory (the full Linux-like driver is libs/guest/smmu-driver.ts).
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { errorInfo, expectStatus } from './harness.js';
import { collectEvents, hostLeftClean, Orchestrator, pattern, runCtl, startTestTwin, type CliRun, type TestTwin } from './vmm-harness.js';

/** The two Arm hosts: `arm` nests (stage 1 + 2, vIOMMU), `s2` has stage 2 only. */
let arm: { t: TestTwin; orch: Orchestrator };
let s2: { t: TestTwin; orch: Orchestrator };
const live: Array<[TestTwin, string]> = [];

beforeAll(async () => {
  for (const [profile, set] of [
    ['arm-smmuv3', (x: typeof arm) => (arm = x)],
    ['arm-smmuv3-s2', (x: typeof arm) => (s2 = x)],
  ] as const) {
    const t = await startTestTwin(profile);
    set({ t, orch: await Orchestrator.create(t) });
  }
});
afterEach(async () => {
  for (const [t, name] of live.splice(0)) {
    await call(t.v.Vmm.StopVm, { name }).catch(() => undefined);
    await call(t.v.Vmm.DeleteVm, { name }).catch(() => undefined);
  }
  for (const x of [arm, s2]) await hostLeftClean(x.t);
});
afterAll(async () => {
  for (const x of [arm, s2]) {
    await x?.orch.sys.exit();
    await x?.t.close();
  }
});

const MiB = 1n << 20n;
const RAM = 64n * MiB;
const RAM_BASE = 0x4000_0000n;
const BASE = 0x0905_0000n;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;

/** Register offsets (QEMU smmuv3-common.h A_*). */
const R = { IDR0: 0x0, IDR1: 0x4, IDR3: 0xc, IDR5: 0x14, IIDR: 0x18, AIDR: 0x1c, CR0: 0x20, CR0ACK: 0x24, GBPA: 0x44, IRQ_CTRL: 0x50, STRTAB_BASE: 0x80, STRTAB_BASE_CFG: 0x88, EVENTQ_BASE: 0xa0, EVENTQ_PROD: 0xa8, EVENTQ_CONS: 0xac, GERROR: 0x60, CMDQ_BASE: 0x90, CMDQ_PROD: 0x98, CMDQ_CONS: 0x9c } as const;
const CR0_CMDQEN = 8n;
const CR0_SMMUEN = 1n;
const CR0_EVENTQEN = 4n;
const IRQ_CTRL_EVENTQ_IRQEN = 4n;
const EVT_F_TRANSLATION = 0x10;

type Dev = Record<string, unknown> & { id: string };

function smmuSpec(name: string, smmuv3: Record<string, unknown>, devices: Dev[] = [], extra: Record<string, unknown> = {}) {
  return { name, memory_bytes: String(RAM), machine: 'virt', viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3 }, iommufd_objects: [{ id: 'iommufd0' }], devices, ...extra };
}
const nic = (id: string, guestBdf: string, hostBdf: string, backend = 'VFIO_BACKEND_AUTO'): Dev => ({ id, guest_bdf: guestBdf, vfio: { host_bdf: hostBdf, iommufd: 'iommufd0', backend } });
const net = (id: string, guestBdf: string, accessPlatform = true): Dev => ({ id, guest_bdf: guestBdf, virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: accessPlatform } });
const CDEV = new Map([
  ['0000:01:00.0', 'vfio0'],
  ['0000:02:00.0', 'vfio1'],
]);

/** CreateVm, the orchestrator passes /dev/iommu and the devices' cdevs, StartVm. */
async function define(x: typeof arm, s: ReturnType<typeof smmuSpec>): Promise<{ pid: number; fds: Record<string, number> }> {
  const c = await call(x.t.v.Vmm.CreateVm, { spec: s as never });
  live.push([x.t, s.name]);
  const pid = c.vm!.host_pid;
  const fds: Record<string, number> = { iommufd0: await x.orch.pass('/dev/iommu', pid) };
  for (const d of s.devices) {
    const v = d.vfio as { host_bdf: string } | undefined;
    const cdev = v ? CDEV.get(v.host_bdf) : undefined;
    if (cdev) fds[d.id] = await x.orch.pass(`/dev/vfio/devices/${cdev}`, pid);
  }
  return { pid, fds };
}
async function boot(x: typeof arm, s: ReturnType<typeof smmuSpec>): Promise<VmInfo__Output> {
  const { fds } = await define(x, s);
  const info = (await call(x.t.v.Vmm.StartVm, { name: s.name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  return info;
}

async function rd(t: TestTwin, vm: string, off: number, size = 4): Promise<bigint> {
  return BigInt((await call(t.v.Guest.MmioRead, { vm, addr: String(BASE + BigInt(off)), size })).value);
}
async function wr(t: TestTwin, vm: string, off: number, value: bigint, size = 4): Promise<void> {
  await call(t.v.Guest.MmioWrite, { vm, addr: String(BASE + BigInt(off)), size, value: String(value) });
}
/** little-endian u64s written at gpa */
async function pokeQ(t: TestTwin, vm: string, gpa: bigint, qs: bigint[]): Promise<void> {
  const b = Buffer.alloc(qs.length * 8);
  qs.forEach((q, i) => b.writeBigUInt64LE(q, i * 8));
  await call(t.v.Guest.WriteMemory, { vm, gpa: String(gpa), data: b });
}

// ==================================================================== the VM spec

describe('SMMUv3 VM spec (smmu_validate_property)', () => {
  it.each([
    ['ril off without accel', { ril: false }, 'ril can only be disabled if accel=on'],
    ['ats on without accel', { ats: true }, 'ats can only be enabled if accel=on'],
    ['oas 48 without accel', { oas: 48 }, 'OAS must be 44 bits when accel=off'],
    ['ssidsize without accel', { ssidsize: 4 }, 'ssidsize can only be set if accel=on'],
    ['stage 2 with accel', { accel: true, stage: 'SMMUV3_STAGE_2' }, 'Only stage1 is supported for SMMUv3 with accel=on'],
    ['oas 40 with accel', { accel: true, oas: 40 }, 'OAS can only be set to 44 or 48 bits'],
    ['ssidsize 21 with accel', { accel: true, ssidsize: 21 }, 'ssidsize must be in the range 0 to 20'],
  ])('CreateVm refuses %s: INVALID_ARGUMENT BAD_VIOMMU with QEMU\'s message; no VM', async (what, smmuv3, message) => {
    const name = `bad-${what.replace(/[^a-z0-9]+/g, '-')}`;
    const e = await expectStatus(call(arm.t.v.Vmm.CreateVm, { spec: smmuSpec(name, smmuv3) as never }), grpc.status.INVALID_ARGUMENT, 'BAD_VIOMMU');
    expect(e.details).toContain(message);
    await expectStatus(call(arm.t.v.Vmm.GetVm, { name }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
  });

  it('machine q35 is refused (the SMMUv3 is a virt device), with every other violation in the same error', async () => {
    const e = await expectStatus(call(arm.t.v.Vmm.CreateVm, { spec: smmuSpec('smmu-q35', { ril: false }, [], { machine: 'q35' }) as never }), grpc.status.INVALID_ARGUMENT, 'BAD_VIOMMU');
    const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ field: string; detail: string }>;
    expect(v.map((x) => x.field)).toEqual(['spec.machine', 'spec.viommu.smmuv3.ril']);
    expect(v[0]!.detail).toContain("arm-smmuv3 is a virt device: machine 'q35'");
  });

  it('the accepted spec comes back with its defaults filled in', async () => {
    const info = (await call(arm.t.v.Vmm.CreateVm, { spec: smmuSpec('smmu-spec', { accel: true, oas: 48, ril: false, granules: [65536, 4096] }) as never })).vm!;
    live.push([arm.t, 'smmu-spec']);
    expect(info.spec!.viommu!.smmuv3).toMatchObject({ stage: 'SMMUV3_STAGE_1', accel: true, oas: 48, ssidsize: 0, ril: false, ats: false, granules: [4096, 65536] });
    expect(info.migration_blockers).toContainEqual({ reason: 'SMMUV3_ACCEL', detail: 'Migration not supported with SMMUv3 accelerator mode enabled' });
  });
});

// ==================================================================== registers

describe('SMMUv3 registers over Guest.MmioRead / MmioWrite', () => {
  it('VmInfo reports the 128 KiB block at 0x09050000; sizes other than 4 and 8 → BAD_MMIO_SIZE; outside it → NO_MMIO_REGION', async () => {
    const info = await boot(arm, smmuSpec('smmu-mmio', {}));
    expect(info.viommu_mmio).toEqual({ base: String(BASE), size: String(0x20000) });
    for (const size of [0, 1, 2, 3, 16]) {
      await expectStatus(call(arm.t.v.Guest.MmioRead, { vm: 'smmu-mmio', addr: String(BASE), size }), grpc.status.INVALID_ARGUMENT, 'BAD_MMIO_SIZE');
    }
    for (const [addr, size] of [
      [BASE - 4n, 4],
      [BASE + 0x20000n, 4],
      [BASE + 0x1fffcn, 8],
      [0xfed90000n, 4],
    ] as const) {
      await expectStatus(call(arm.t.v.Guest.MmioRead, { vm: 'smmu-mmio', addr: String(addr), size }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
      await expectStatus(call(arm.t.v.Guest.MmioWrite, { vm: 'smmu-mmio', addr: String(addr), size, value: '0' }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
    }
    await expectStatus(call(arm.t.v.Guest.MmioWrite, { vm: 'smmu-mmio', addr: String(BASE + 0x20n), size: 4, value: String(1n << 32n) }), grpc.status.INVALID_ARGUMENT, 'BAD_MMIO_VALUE');
    // the last word of page 1 is inside the block
    await rd(arm.t, 'smmu-mmio', 0x1fffc);
  });

  it("IDRs are QEMU's for the default spec and every register reads the same on both hosts for one spec", async () => {
    const specs: Array<[string, Record<string, unknown>]> = [
      ['d', {}],
      ['n', { stage: 'SMMUV3_STAGE_NESTED', granules: [4096] }],
      ['a', { accel: true, oas: 48, ssidsize: 8, ril: false, ats: true }],
    ];
    for (const [tag, smmuv3] of specs) {
      const name = `smmu-idr-${tag}`;
      await boot(arm, smmuSpec(name, smmuv3));
      await boot(s2, smmuSpec(name, smmuv3));
      const regs = async (t: TestTwin) => {
        const out: bigint[] = [];
        for (let off = 0; off < 0x100; off += 4) out.push(await rd(t, name, off));
        for (let off = 0xfd0; off < 0x1000; off += 4) out.push(await rd(t, name, off));
        return out;
      };
      const a = await regs(arm.t);
      expect(await regs(s2.t)).toEqual(a);
      if (tag === 'd') {
        // shared/reference/smmuv3-and-migration.md §A.2 (stage 1, oas 44, ril on)
        expect(a.slice(0, 8)).toEqual([0x0d44101an, 0x02730010n, 0n, 0x1404n, 0n, 0x74n, 0n, 1n]);
      }
    }
  });
});

// ==================================================================== plug checks

describe('assigned devices behind an SMMUv3: plug checks', () => {
  async function refused(x: typeof arm, s: ReturnType<typeof smmuSpec>): Promise<Array<{ device: string; rule: string; detail: string }>> {
    const { pid, fds } = await define(x, s);
    const e = await expectStatus(call(x.t.v.Vmm.StartVm, { name: s.name, passed_fds: fds }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const info = errorInfo(e)!;
    const v = JSON.parse(info.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(info.metadata.count).toBe(String(v.length));
    for (const x2 of v) expect(e.details).toContain(x2.detail);
    // nothing made: the VM process holds only the passed fds, nothing pinned
    const vm = (await call(x.t.v.Vmm.GetVm, { name: s.name })).vm!;
    expect(vm.state).toBe('VM_STATE_DEFINED');
    const st = await call(x.t.host.root.Process.GetStatus, { pid });
    expect(st.vm_pinned_bytes).toBe('0');
    expect(st.fds.map((f) => f.fd).sort()).toEqual(Object.values(fds).sort());
    return v;
  }

  it("without accel: QEMU's MAP-notifier refusal, and EMULATED refused (no caching mode on Arm), for every device", async () => {
    const v = await refused(arm, smmuSpec('smmu-noaccel', {}, [nic('nic0', '0000:00:03.0', '0000:01:00.0'), nic('nic1', '0000:01:00.0', '0000:02:00.0', 'VFIO_BACKEND_EMULATED')]));
    expect(v.map((x) => `${x.device}/${x.rule}`)).toEqual(['nic0/accel', 'nic1/accel', 'nic1/backend']);
    expect(v[0]!.detail).toContain('device 00.03.0 requires iommu MAP notifier which is not currently supported');
    expect(v[1]!.detail).toContain('device 01.00.0 requires iommu MAP notifier which is not currently supported');
    expect(v[2]!.detail).toContain('EMULATED cannot back a device behind an SMMUv3: the architecture has no caching mode');
  });

  it('with accel on the nesting host: EMULATED alone is refused', async () => {
    const v = await refused(arm, smmuSpec('smmu-emul', { accel: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0', 'VFIO_BACKEND_EMULATED')]));
    expect(v.map((x) => `${x.device}/${x.rule}`)).toEqual(['nic0/backend']);
  });

  it("on the stage-2-only host: no nesting, and SSIDSIZE, RIL, OAS, granules and ATS wider than the host's, each with QEMU's text", async () => {
    const v = await refused(s2, smmuSpec('smmu-s2', { accel: true, oas: 48, ssidsize: 8, ats: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0')]));
    expect(v.map((x) => x.rule)).toEqual(['nesting', 'ssidsize', 'ril', 'oas', 'granule', 'ats']);
    expect(v[0]!.detail).toContain('host unit smmu0 of 0000:01:00.0 cannot nest');
    expect(v.slice(1, 5).map((x) => x.detail)).toEqual([
      'Host SMMUv3 SSIDSIZE not compatible (host=0, QEMU=8)',
      "Host SMMUv3 doesn't support Range Invalidation",
      'Host SMMUv3 supports only 44-bit IPA, but the vSMMU OAS implies 48-bit IPA',
      "Host SMMUv3 doesn't support 16K translation granule",
    ]);
    // a guest that offers only host granules, no SSIDs, no RIL, oas 44: only the nesting remains
    const w = await refused(s2, smmuSpec('smmu-s2-fit', { accel: true, ril: false, granules: [4096, 65536] }, [nic('nic0', '0000:00:03.0', '0000:01:00.0')]));
    expect(w.map((x) => x.rule)).toEqual(['nesting']);
  });

  it('GetHostCapabilities says which host can back assigned devices behind an SMMUv3', async () => {
    const a = await call(arm.t.v.Vmm.GetHostCapabilities, {});
    expect(a.units.map((u) => u.models.SMMUV3)).toEqual(['emulated for virtio devices; assigned devices NESTED with accel=on (host vIOMMU, one vDEVICE per device, guest STEs installed)']);
    const b = await call(s2.t.v.Vmm.GetHostCapabilities, {});
    expect(b.units.map((u) => u.models.SMMUV3)).toEqual(['virtio devices only: assigned devices need accel=on and a host SMMUv3 that nests (smmu0 does not)']);
  });

  it('hotplug into a running VM without accel is refused the same way and changes nothing', async () => {
    const info = await boot(arm, smmuSpec('smmu-hot', {}, [net('net0', '0000:00:04.0')]));
    const fd = await arm.orch.pass('/dev/vfio/devices/vfio0', info.host_pid);
    const e = await expectStatus(call(arm.t.v.Vmm.HotplugDevice, { name: 'smmu-hot', device: nic('nic0', '0000:00:03.0', '0000:01:00.0') as never, passed_fds: { nic0: fd } }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    expect(JSON.parse(errorInfo(e)!.metadata.violations!).map((x: { rule: string }) => x.rule)).toEqual(['accel']);
    const vm = (await call(arm.t.v.Vmm.GetVm, { name: 'smmu-hot' })).vm!;
    expect(vm.devices.map((d) => d.id)).toEqual(['net0']);
  });

  it('with accel on the nesting host an AUTO device plugs NESTED: a vIOMMU and the NEST_PARENT stage 2; unplug leaves nothing', async () => {
    const info = await boot(arm, smmuSpec('smmu-accel', { accel: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0')]));
    const d = info.devices.find((x) => x.id === 'nic0')!;
    expect(d.backend).toBe('NESTED');
    expect(d.host!.viommu_id).toBeGreaterThan(0);
    expect(d.host!.vdevice_id ?? undefined).toBeUndefined();
    await call(arm.t.v.Vmm.UnplugDevice, { name: 'smmu-accel', device_id: 'nic0' });
    const st = await call(arm.t.host.root.Process.GetStatus, { pid: info.host_pid });
    expect(st.vm_pinned_bytes).toBe('0');
  });
});

// ==================================================================== virtio DMA

/**
 * One linear stream table (256 STEs), one CD (ASID 1, T0SZ 16, 4K granule, R = 1) and a 4-level
 * 4K stage-1 table, in guest RAM:
 * STRTAB 0x4010_0000, CD 0x4010_4000, L0 0x4010_8000 → L1 0x4010_9000 → L2 0x4010_a000 → L3 0x4010_b000.
 */
const STRTAB = RAM_BASE + 0x10_0000n;
const CD = RAM_BASE + 0x10_4000n;
const L0 = RAM_BASE + 0x10_8000n;
const L3 = RAM_BASE + 0x10_b000n;
const EVTQ = RAM_BASE + 0x11_0000n;
const IOVA = 0x1234_5000n;
const PA = RAM_BASE + 0x200_0000n;

async function streamTable(t: TestTwin, vm: string, sid: number): Promise<void> {
  // STE: V, Config = S1 translate (0b101), S1Fmt linear, S1ContextPtr = CD, S1CDMax 0
  await pokeQ(t, vm, STRTAB + BigInt(sid) * 64n, [CD | (0b101n << 1n) | 1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]);
  // CD: T0SZ 16, TG0 4K, EPD1, V, IPS 44-bit (4), AA64, R, A, ASID 1; TTB0 = L0
  const cd0 = 16n | (1n << 30n) | (1n << 31n) | (4n << 32n) | (1n << 41n) | (1n << 45n) | (1n << 46n) | (1n << 48n);
  await pokeQ(t, vm, CD, [cd0, L0, 0n, 0n, 0n, 0n, 0n, 0n]);
  const table = (i: bigint) => RAM_BASE + 0x10_8000n + i * 0x1000n;
  const idx = (lvl: number) => (IOVA >> BigInt(39 - 9 * lvl)) & 0x1ffn;
  for (let lvl = 0; lvl < 3; lvl++) await pokeQ(t, vm, table(BigInt(lvl)) + idx(lvl) * 8n, [table(BigInt(lvl + 1)) | 3n]);
  // the leaf: page, AF, AP 0b00 (read/write)
  await pokeQ(t, vm, L3 + idx(3) * 8n, [PA | (1n << 10n) | 3n]);
  await wr(t, vm, R.STRTAB_BASE, STRTAB, 8);
  await wr(t, vm, R.STRTAB_BASE_CFG, 8n);
}

describe('virtio DMA through the SMMUv3', () => {
  it('bypass while SMMUEN = 0 (GBPA reset), then translated by STE → CD → stage 1 both ways; a PASID needs ssidsize', async () => {
    const name = 'smmu-dma';
    await boot(arm, smmuSpec(name, {}, [net('net0', '0000:00:04.0')]));
    const t = arm.t;
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
    const raw = pattern(64, 7);
    await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(PA), length: '64', write: true, data: raw });
    expect((await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(PA), length: '64' })).data).toEqual(raw);

    await streamTable(t, name, 0x20);
    await wr(t, name, R.CR0, CR0_SMMUEN);
    expect(await rd(t, name, R.CR0ACK)).toBe(CR0_SMMUEN);
    const data = pattern(3000, 11);
    const w = await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(IOVA + 0x100n), length: String(data.length), write: true, data });
    expect(w.result).toBe('written');
    expect(w.written).toBe(String(data.length));
    expect((await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(PA + 0x100n), length: String(data.length) })).data).toEqual(data);
    const r = await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(IOVA + 0x100n), length: '3000', write: false, data: Buffer.alloc(0) });
    expect(r.data).toEqual(data.subarray(0, 3000));
    await expectStatus(call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(IOVA), length: '8', write: false, data: Buffer.alloc(0), pasid: 1 }), grpc.status.INVALID_ARGUMENT, 'BAD_PASID');

    const insp = await call(t.v.Vmm.InspectViommu, { name, sid: 0x20 });
    expect(insp.smmuv3!.registers).toContainEqual({ name: 'cr0', value: '1' });
    expect(insp.smmuv3!.config_cache.map((e) => e.sid)).toEqual([0x20]);
    expect(insp.smmuv3!.iotlb.some((e) => BigInt(e.iova) === IOVA && BigInt(e.pa) === PA && e.asid === 1)).toBe(true);
    expect(insp.smmuv3!.stream!.sid).toBe(0x20);
    expect(insp.smmuv3!.stream!.decoded_json.length).toBeGreaterThan(2);
    await expectStatus(call(t.v.Vmm.InspectViommu, { name, sid: 0x10000 }), grpc.status.INVALID_ARGUMENT, 'BAD_SID');
    await expectStatus(call(t.v.Vmm.InspectViommu, { name, pasid: 1 }), grpc.status.INVALID_ARGUMENT, 'BAD_PASID');
  });

  it('an unmapped page: F_TRANSLATION in the DMA response and in the guest EVTQ (CD.R), the evtq interrupt on SPI 74; nothing transferred', async () => {
    const name = 'smmu-fault';
    await boot(arm, smmuSpec(name, {}, [net('net0', '0000:00:04.0')]));
    const t = arm.t;
    await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) });
    await streamTable(t, name, 0x20);
    await wr(t, name, R.EVENTQ_BASE, EVTQ | 4n, 8);
    await wr(t, name, R.IRQ_CTRL, IRQ_CTRL_EVENTQ_IRQEN);
    await wr(t, name, R.CR0, CR0_SMMUEN | CR0_EVENTQEN);
    const before = (await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(PA), length: '8192' })).data;
    const r = await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(IOVA + 0xf00n), length: '512', write: true, data: pattern(512, 3) });
    expect(r.result).toBe('smmu_fault');
    const f = r.smmu_fault!;
    expect([f.event_id, f.sid, BigInt(f.address), f.write, f.recorded]).toEqual([EVT_F_TRANSLATION, 0x20, IOVA + 0x1000n, true, true]);
    expect(f.record.length).toBe(32);
    // the record as the guest reads it from its EVTQ: the same 32 bytes, PROD advanced by one
    expect(await rd(t, name, R.EVENTQ_PROD)).toBe(1n);
    expect((await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(EVTQ), length: '32' })).data).toEqual(f.record);
    expect(f.record.readUInt8(0)).toBe(EVT_F_TRANSLATION);
    expect(f.record.readUInt32LE(4)).toBe(0x20);
    expect(f.record.readBigUInt64LE(16)).toBe(IOVA + 0x1000n);
    expect((await call(t.v.Guest.ReadMemory, { vm: name, gpa: String(PA), length: '8192' })).data).toEqual(before);
    const ev = await collectEvents(t, name, 0n);
    expect(ev.filter((e) => e.interrupt).map((e) => e.interrupt)).toEqual([{ source: 'evtq', msi_addr: '0', msi_data: 74 }]);
  });
});

describe('assigned devices behind an SMMUv3 with accel', () => {
  it('hotplug: an AUTO device plugs NESTED into a running VM; unplug leaves nothing', async () => {
    const info = await boot(arm, smmuSpec('smmu-hot-accel', { accel: true }));
    const fd = await arm.orch.pass('/dev/vfio/devices/vfio0', info.host_pid);
    const after = (await call(arm.t.v.Vmm.HotplugDevice, { name: 'smmu-hot-accel', device: nic('nic0', '0000:00:03.0', '0000:01:00.0') as never, passed_fds: { nic0: fd } })).vm!;
    const d = after.devices.find((x) => x.id === 'nic0')!;
    expect([d.backend, d.host!.viommu_id! > 0]).toEqual(['NESTED', true]);
    await call(arm.t.v.Vmm.UnplugDevice, { name: 'smmu-hot-accel', device_id: 'nic0' });
    expect((await call(arm.t.host.root.Process.GetStatus, { pid: info.host_pid })).vm_pinned_bytes).toBe('0');
  });

  it('StopVm drops the unit and its host objects; StartVm builds them afresh (registers at reset, the device NESTED again)', async () => {
    const name = 'smmu-restart';
    const s = smmuSpec(name, { accel: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0')]);
    await boot(arm, s);
    await wr(arm.t, name, R.CR0, CR0_SMMUEN);
    await call(arm.t.v.Vmm.StopVm, { name });
    await expectStatus(call(arm.t.v.Guest.MmioRead, { vm: name, addr: String(BASE + 0x24n), size: 4 }), grpc.status.FAILED_PRECONDITION, 'VM_NOT_RUNNING');
    const pid = (await call(arm.t.v.Vmm.GetVm, { name })).vm!.host_pid;
    const fds = { iommufd0: await arm.orch.pass('/dev/iommu', pid), nic0: await arm.orch.pass('/dev/vfio/devices/vfio0', pid) };
    const info = (await call(arm.t.v.Vmm.StartVm, { name, passed_fds: fds })).vm!;
    expect(info.devices[0]!.backend).toBe('NESTED');
    expect(info.devices[0]!.host!.viommu_id).toBeGreaterThan(0);
    expect(await rd(arm.t, name, R.CR0ACK)).toBe(0n);
  });

  it("what an assigned device writes into guest RAM is what the model then reads (the vmm's copy follows the device)", async () => {
    const name = 'smmu-refresh';
    await boot(arm, smmuSpec(name, { accel: true }, [nic('nic0', '0000:00:03.0', '0000:01:00.0')]));
    const t = arm.t;
    // a 2-entry command queue whose first slot only the NIC writes (SMMUEN = 0: GBPA bypass,
    // IOVA = GPA): a CMD_SYNC with CS=IRQ. The unit consumes what the NIC wrote; a stale copy
    // would hold zeros there, opcode 0, which is CERROR_ILL
    const cmdq = RAM_BASE + 0x30_0000n;
    await pokeQ(t, name, cmdq, [0n, 0n, 0n, 0n]);
    const sync = Buffer.alloc(16);
    sync.writeBigUInt64LE(0x46n | (1n << 12n), 0);
    const w = await call(t.v.Guest.Dma, { vm: name, device_id: 'nic0', iova: String(cmdq), length: '16', write: true, data: sync });
    expect(w.result).toBe('written');
    await wr(t, name, R.CMDQ_BASE, cmdq | 1n, 8);
    await wr(t, name, R.CR0, CR0_CMDQEN);
    await wr(t, name, R.CMDQ_PROD, 1n);
    expect(await rd(t, name, R.CMDQ_CONS)).toBe(1n);
    expect(await rd(t, name, R.GERROR)).toBe(0n);
    const ev = await collectEvents(t, name, 0n);
    expect(ev.filter((e) => e.interrupt?.source === 'cmdq_sync').map((e) => e.interrupt!.msi_data)).toEqual([76]);
  });

  it("a virtio device behind an SMMUv3 with accel: QEMU's realize refusal, at CreateVm and at hotplug", async () => {
    const e = await expectStatus(call(arm.t.v.Vmm.CreateVm, { spec: smmuSpec('smmu-accel-virtio', { accel: true }, [net('net0', '0000:00:04.0')]) as never }), grpc.status.INVALID_ARGUMENT, 'BAD_DEVICE');
    expect(e.details).toContain('Emulated endpoint devices are not allowed when using arm-smmuv3,accel=on');
    const name = 'smmu-accel-virtio-hot';
    await boot(arm, smmuSpec(name, { accel: true }));
    const h = await expectStatus(call(arm.t.v.Vmm.HotplugDevice, { name, device: net('net0', '0000:00:04.0') as never }), grpc.status.INVALID_ARGUMENT, 'BAD_DEVICE');
    expect(h.details).toContain('Emulated endpoint devices are not allowed when using arm-smmuv3,accel=on');
    expect((await call(arm.t.v.Vmm.GetVm, { name })).vm!.devices).toEqual([]);
    // without accel the same device is an emulated endpoint the model translates
    await call(arm.t.v.Vmm.CreateVm, { spec: smmuSpec('smmu-virtio-ok', {}, [net('net0', '0000:00:04.0')]) as never });
    live.push([arm.t, 'smmu-virtio-ok']);
  });
});

// ==================================================================== ctl

/** `ctl …` as a child process against the arm twin. */
const ctl = (...args: string[]): Promise<CliRun> => runCtl(arm.t, ...args);

describe('ctl against an SMMUv3 VM', () => {
  it('guest regs reads every register as the guest does; guest iotlb shows the model caches; a faulting guest dma exits 1 naming the event', async () => {
    const name = 'smmu-cli';
    await boot(arm, smmuSpec(name, {}, [net('net0', '0000:00:04.0')]));
    const t = arm.t;
    await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) });
    await streamTable(t, name, 0x20);
    await wr(t, name, R.CR0, CR0_SMMUEN);
    await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(IOVA), length: '16', write: false, data: Buffer.alloc(0) });

    const regs = await ctl('guest', 'regs', name);
    expect(regs.stderr).toBe('');
    expect(regs.stdout).toContain(`SMMUv3 of VM ${name} at 0x9050000`);
    expect(regs.stdout).toMatch(/^IDR0\s+0x000\s+0x0d44101a$/m);
    expect(regs.stdout).toMatch(/^CR0ACK\s+0x024\s+0x00000001$/m);
    expect(regs.stdout).toMatch(new RegExp(`^STRTAB_BASE\\s+0x080\\s+0x0*${STRTAB.toString(16)}$`, 'm'));

    const caches = await ctl('guest', 'iotlb', name);
    expect(caches.code).toBe(0);
    expect(caches.stdout).toMatch(/^configuration cache\n\s+SID\s+STE\s+CD\n\s+0x20\s/m);
    expect(caches.stdout).toMatch(new RegExp(`\\s1\\s+-?\\d+\\s+0x${IOVA.toString(16)}\\s+0x${PA.toString(16)}\\s+4K\\s+rw`));

    const fault = await ctl('guest', 'dma', name, 'net0', '--iova', String(IOVA + 0x1000n), '--length', '8');
    expect(fault.code).toBe(1);
    expect(fault.stdout).toContain('FAULT in the SMMUv3: F_TRANSLATION (0x10)');
    expect(fault.stderr).toContain('F_TRANSLATION');
  }, 60_000);
});
