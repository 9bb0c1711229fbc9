/**
 * Migration checks between two vmms on two hosts (intel-vtd and intel-vtd-legacy, each a
 * host-iommu + vmm in-process over real gRPC): VmInfo migration blockers with QEMU's texts,
 * GetHostCapabilities.host_description, CheckMigration over the vmm → vmm link (every violation,
 * the per-device plan, nothing changed), and the device-DMA dirty tracker in GPA terms under the
 * EMULATED (virtio-iommu), NONE and legacy type1 backends.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { expectStatus } from './harness.js';
import { hostLeftClean, Orchestrator, startTestTwin, type TestTwin } from './vmm-harness.js';
import { VtdDriver } from '#libs/guest/vtd-driver.js';
import { deviceDirtyTracker } from '../../services/vmm/src/migration/dirty-dma.js';

const MiB = 1n << 20n;
const RAM = 64n * MiB;
/** virtio-iommu features: VERSION_1 and every device feature the model offers */
const VIOMMU_ALL = (1n << 32n) | 0x77n;
const MAP_RW = 3;

type Dev = { id: string; vfio: Record<string, unknown>; guest_bdf?: string };
const iommufdDev = (id: string, hostBdf: string): Dev => ({ id, vfio: { host_bdf: hostBdf, iommufd: 'iommufd0' } });
const legacyDev = (id: string, hostBdf: string): Dev => ({ id, vfio: { host_bdf: hostBdf, legacy_container: true } });

/** A q35 VM; with a virtio-iommu whose input range is `inputBits` wide (39: what both hosts' VT-d cover). */
function spec(name: string, devices: Dev[], model: 'VIOMMU_MODEL_VIRTIO_IOMMU' | 'VIOMMU_MODEL_NONE', inputBits = 39) {
  const viommu = model === 'VIOMMU_MODEL_VIRTIO_IOMMU' ? { model, virtio: { input_range: { start: '0', last: String((1n << BigInt(inputBits)) - 1n) } } } : { model };
  const iommufd = devices.some((d) => d.vfio.iommufd !== undefined);
  return { name, memory_bytes: String(RAM), machine: 'q35', viommu, iommufd_objects: iommufd ? [{ id: 'iommufd0' }] : [], devices };
}

const CDEV: Record<string, string> = { '0000:01:00.0': 'vfio0', '0000:03:00.0': 'vfio2', '0000:04:00.0': 'vfio3', '0000:80:00.0': 'vfio6' };
const GROUP: Record<string, number> = { '0000:01:00.0': 1 };

describe('migration checks: intel-vtd (A) → intel-vtd-legacy (B)', () => {
  let a: TestTwin;
  let b: TestTwin;
  let orchA: Orchestrator;
  let orchB: Orchestrator;
  const live = new Map<string, TestTwin>();

  beforeAll(async () => {
    a = await startTestTwin('intel-vtd');
    b = await startTestTwin('intel-vtd-legacy');
    orchA = await Orchestrator.create(a);
    orchB = await Orchestrator.create(b);
  });
  afterEach(async () => {
    for (const [name, t] of live) {
      await call(t.v.Vmm.StopVm, { name }).catch(() => undefined);
      await call(t.v.Vmm.DeleteVm, { name }).catch(() => undefined);
    }
    live.clear();
    await hostLeftClean(a);
    await hostLeftClean(b);
  });
  afterAll(async () => {
    await orchA?.sys.exit();
    await orchB?.sys.exit();
    await a?.close();
    await b?.close();
  });

  /** CreateVm + the orchestrator's fds (iommufd, device cdevs or groups) + StartVm. */
  async function boot(t: TestTwin, orch: Orchestrator, s: ReturnType<typeof spec>) {
    const pid = (await call(t.v.Vmm.CreateVm, { spec: s as never })).vm!.host_pid;
    live.set(s.name, t);
    const fds: Record<string, number> = {};
    if (s.iommufd_objects.length > 0) fds.iommufd0 = await orch.pass('/dev/iommu', pid);
    for (const d of s.devices) {
      const bdf = d.vfio.host_bdf as string;
      fds[d.id] = await orch.pass(d.vfio.legacy_container ? `/dev/vfio/${GROUP[bdf]}` : `/dev/vfio/devices/${CDEV[bdf]}`, pid);
    }
    const info = (await call(t.v.Vmm.StartVm, { name: s.name, passed_fds: fds })).vm!;
    expect(info.state).toBe('VM_STATE_RUNNING');
    return info;
  }

  const check = (name: string, token = 'vmm-root', destination = b.vmm.addr) => call(a.v.Vmm.CheckMigration, { name, destination, destination_token: token });

  it('GetHostCapabilities.host_description is the host\'s Platform.Describe (migration flags included)', async () => {
    const caps = await call(b.v.Vmm.GetHostCapabilities, {});
    const desc = await call(b.host.platform.Platform.Describe, {});
    expect(caps.host_description).toEqual(desc);
    expect(caps.host_description!.devices.map((d) => [d.bdf, d.migration_flags])).toEqual([
      ['0000:01:00.0', 3],
      ['0000:02:00.0', 0],
      ['0000:03:00.0', 0],
    ]);
  });

  it('VmInfo.migration_blockers: QEMU\'s texts per device; none for a NIC on a dirty-tracking unit or a type1 container', async () => {
    // 04:00.0: no migration; 80:00.0: STOP_COPY-less too, behind dmar1 (no dirty tracking)
    const two = await boot(a, orchA, spec('blk-a', [iommufdDev('nic0', '0000:01:00.0'), iommufdDev('mf0', '0000:04:00.0')], 'VIOMMU_MODEL_VIRTIO_IOMMU'));
    expect(two.migration_blockers).toEqual([{ reason: 'VFIO_MIGRATION_NOT_SUPPORTED', detail: '0000:04:00.0: VFIO migration is not supported in kernel' }]);
    expect((await call(a.v.Vmm.GetVm, { name: 'blk-a' })).vm!.migration_blockers).toEqual(two.migration_blockers);
    const one = await boot(a, orchA, spec('ok-a', [iommufdDev('nic0', '0000:03:00.0')], 'VIOMMU_MODEL_NONE'));
    // 03:00.0 on intel-vtd: STOP_COPY|P2P, on dmar0 (dirty tracking)
    expect(one.migration_blockers).toEqual([]);
    const leg = await boot(b, orchB, spec('ok-b', [legacyDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_NONE'));
    expect(leg.migration_blockers).toEqual([]);
  });

  it('CheckMigration: a NIC VM moves to the legacy host through its type1 container; nothing changes on either side', async () => {
    await boot(a, orchA, spec('mv', [iommufdDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_VIRTIO_IOMMU'));
    const before = { a: await call(a.v.Vmm.GetVm, { name: 'mv' }), b: await call(b.v.Vmm.ListVms, {}) };
    const r = await check('mv');
    expect(r).toEqual({ compatible: true, violations: [], plan: { nic0: 'EMULATED via legacy container (native-type1), dirty tracking type1' } });
    expect(await call(a.v.Vmm.GetVm, { name: 'mv' })).toEqual(before.a);
    expect(await call(b.v.Vmm.ListVms, {})).toEqual(before.b);
  });

  it('CheckMigration lists every violation: a device without migration, the input range beyond the 39-bit unit, the name taken there', async () => {
    await boot(a, orchA, spec('bad', [iommufdDev('nic0', '0000:01:00.0'), iommufdDev('mf0', '0000:04:00.0')], 'VIOMMU_MODEL_VIRTIO_IOMMU', 48));
    await call(b.v.Vmm.CreateVm, { spec: spec('bad', [], 'VIOMMU_MODEL_NONE') as never });
    live.set('bad', a);
    const r = await check('bad');
    await call(b.v.Vmm.DeleteVm, { name: 'bad' });
    expect(r.compatible).toBe(false);
    expect(r.violations).toEqual([
      'VFIO_MIGRATION_NOT_SUPPORTED [mf0]: 0000:04:00.0: VFIO migration is not supported in kernel',
      "VM_NAME_IN_USE: the destination vmm already has a VM named 'bad' (DEFINED), not one prepared for this migration (INCOMING)",
      'VIOMMU_HOST_INCOMPATIBLE [nic0]: destination host intel-vtd-legacy: input range: guest input range [0x0, 0xffffffffffff] does not fit host aperture [0, 0x7fffffffff] of dmar0',
      'VIOMMU_HOST_INCOMPATIBLE [mf0]: destination host intel-vtd-legacy: host device: no PCI device 0000:04:00.0 on host intel-vtd-legacy',
    ]);
  });

  it('a NIC behind a unit without dirty tracking is blocked (QEMU\'s auto mode)', async () => {
    const info = await boot(a, orchA, spec('old-unit', [iommufdDev('nic1', '0000:80:00.0')], 'VIOMMU_MODEL_NONE'));
    // 80:00.0 has no migration at all on intel-vtd: the init blocker comes first and alone
    expect(info.migration_blockers).toEqual([{ reason: 'VFIO_MIGRATION_NOT_SUPPORTED', detail: '0000:80:00.0: VFIO migration is not supported in kernel' }]);
  });

  it('CheckMigration refuses a wrong destination token and an unreachable destination', async () => {
    await boot(a, orchA, spec('tok', [iommufdDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_NONE'));
    await expectStatus(check('tok', 'not-a-token'), grpc.status.UNAUTHENTICATED, 'PEER_REFUSED');
    await expectStatus(check('tok', 'vmm-root', '127.0.0.1:1'), grpc.status.UNAVAILABLE, 'PEER_UNREACHABLE');
    await expectStatus(check('tok', 'vmm-root', 'no port'), grpc.status.INVALID_ARGUMENT, 'BAD_DESTINATION');
  });

  it('the dirty-tracking HWPTs the vmm allocates go with their last device (unplug of EMULATED and NONE devices)', async () => {
    for (const [name, model] of [
      ['hw-virtio', 'VIOMMU_MODEL_VIRTIO_IOMMU'],
      ['hw-none', 'VIOMMU_MODEL_NONE'],
    ] as const) {
      const info = await boot(a, orchA, spec(name, [iommufdDev('nic0', '0000:01:00.0'), iommufdDev('gpu0', '0000:03:00.0')], model));
      const hw = info.devices.map((d) => d.host!.hwpt_ids);
      // NONE: both devices share the IOAS and, behind one unit, one HWPT
      if (model === 'VIOMMU_MODEL_NONE') expect(hw[0]).toEqual(hw[1]);
      else expect(hw[0]).not.toEqual(hw[1]);
      const hwptOf = (h: typeof info) => call(a.host.platform.Platform.Inspect, { iommufd_object: { pid: h.host_pid, fd: h.devices[0]!.host!.iommufd, id: hw[0]![0]! } });
      expect((await hwptOf(info)).kind).toBe('HWPT_PAGING');
      await call(a.v.Vmm.UnplugDevice, { name, device_id: 'nic0' });
      if (model === 'VIOMMU_MODEL_NONE') expect((await hwptOf(info)).kind).toBe('HWPT_PAGING');
      await call(a.v.Vmm.UnplugDevice, { name, device_id: 'gpu0' });
      await expectStatus(hwptOf(info), grpc.status.NOT_FOUND, 'ENOENT');
      const h = await call(a.host.platform.Platform.Inspect, { host: true });
      expect(h.page_tables).toEqual([]);
    }
  });

  describe('device-DMA dirty tracking in GPA terms', () => {
    const dmaWrite = (t: TestTwin, vm: string, dev: string, iova: bigint, n: number) =>
      call(t.v.Guest.Dma, { vm, device_id: dev, iova: String(iova), length: String(n), write: true, data: Buffer.alloc(n, 0x5a) });

    it('EMULATED behind a virtio-iommu: a DMA at IOVA 0x101000 mapped to GPA 0x201000 is page 0x201; read-and-clear; stop', async () => {
      const info = await boot(a, orchA, spec('dt-virtio', [iommufdDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_VIRTIO_IOMMU'));
      const ep = info.devices.find((d) => d.id === 'nic0')!.endpoint_id;
      expect((await call(a.v.Guest.VirtioIommuSetFeatures, { vm: 'dt-virtio', driver_features: String(VIOMMU_ALL) })).features_ok).toBe(true);
      const rq = (body: Record<string, unknown>) => call(a.v.Guest.VirtioIommuRequest, { vm: 'dt-virtio', ...body });
      expect((await rq({ attach: { domain: 1, endpoint: ep, flags: 0, reserved: 0 } })).status).toBe(0);
      expect((await rq({ map: { domain: 1, virt_start: String(0x100000n), virt_end: String(0x100000n + 4n * 4096n - 1n), phys_start: String(0x200000n), flags: MAP_RW } })).status).toBe(0);
      const vm = a.vmm.mgr.vm('dt-virtio');
      const tracker = deviceDirtyTracker(vm, a.vmm.link);
      await tracker.start();
      expect(await tracker.collect()).toEqual([]);
      expect((await dmaWrite(a, 'dt-virtio', 'nic0', 0x101000n, 16)).result).toBe('written');
      // a write spanning two pages
      expect((await dmaWrite(a, 'dt-virtio', 'nic0', 0x102ff8n, 16)).result).toBe('written');
      expect(await tracker.collect()).toEqual([0x201n, 0x202n, 0x203n]);
      expect(await tracker.collect()).toEqual([]);
      await tracker.stop();
      // tracking off: the HWPT no longer logs (a GET_DIRTY_BITMAP on VT-d is refused while off)
      const rt = vm.vfio.get('nic0')!;
      await expectStatus(call(a.host.root.Iommufd.HwptGetDirtyBitmap, { fd: rt.iommufd, hwpt_id: rt.hwpt, flags: 0, iova: '0', length: '4096', page_size: '4096' }, pidMeta(vm.hostPid)), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    });

    it('a page the device wrote and the guest then unmapped stays dirty (bitmap read before the unmap, as QEMU)', async () => {
      const info = await boot(a, orchA, spec('dt-unmap', [iommufdDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_VIRTIO_IOMMU'));
      const ep = info.devices.find((d) => d.id === 'nic0')!.endpoint_id;
      expect((await call(a.v.Guest.VirtioIommuSetFeatures, { vm: 'dt-unmap', driver_features: String(VIOMMU_ALL) })).features_ok).toBe(true);
      const rq = (body: Record<string, unknown>) => call(a.v.Guest.VirtioIommuRequest, { vm: 'dt-unmap', ...body });
      expect((await rq({ attach: { domain: 1, endpoint: ep, flags: 0, reserved: 0 } })).status).toBe(0);
      expect((await rq({ map: { domain: 1, virt_start: String(0x100000n), virt_end: String(0x101fffn), phys_start: String(0x500000n), flags: MAP_RW } })).status).toBe(0);
      expect((await rq({ map: { domain: 1, virt_start: String(0x200000n), virt_end: String(0x200fffn), phys_start: String(0x600000n), flags: MAP_RW } })).status).toBe(0);
      const tracker = deviceDirtyTracker(a.vmm.mgr.vm('dt-unmap'), a.vmm.link);
      await tracker.start();
      expect((await dmaWrite(a, 'dt-unmap', 'nic0', 0x101000n, 8)).result).toBe('written');
      expect((await dmaWrite(a, 'dt-unmap', 'nic0', 0x200000n, 8)).result).toBe('written');
      expect((await rq({ unmap: { domain: 1, virt_start: String(0x100000n), virt_end: String(0x101fffn) } })).status).toBe(0);
      expect(await tracker.collect()).toEqual([0x501n, 0x600n]);
      expect(await tracker.collect()).toEqual([]);
      await tracker.stop();
      expect(a.vmm.link.beforeUnmap.has(a.vmm.mgr.vm('dt-unmap').hostPid)).toBe(false);
    });

    it('NONE on iommufd: IOVA = GPA, at the granularity of the host leaves (2 MiB)', async () => {
      await boot(a, orchA, spec('dt-none', [iommufdDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_NONE'));
      const tracker = deviceDirtyTracker(a.vmm.mgr.vm('dt-none'), a.vmm.link);
      await tracker.start();
      expect((await dmaWrite(a, 'dt-none', 'nic0', 0x300000n, 4096)).result).toBe('written');
      expect((await dmaWrite(a, 'dt-none', 'nic0', 0x3ff0000n, 8)).result).toBe('written');
      // guest RAM is identity-mapped with 2 MiB leaves: the hardware dirties the whole leaf
      const block = (first: bigint) => Array.from({ length: 512 }, (_, i) => first + BigInt(i));
      expect(await tracker.collect()).toEqual([...block(0x200n), ...block(0x3e00n)]);
      expect(await tracker.collect()).toEqual([]);
      await tracker.stop();
    });

    /** An intel-iommu VM (caching mode; `flts`: scalable x-flts, NESTED) with the NIC at guest 00:03.0 (SID 0x18), driven by the guest's VT-d driver. */
    async function intelVm(name: string, flts: boolean) {
      const intel = flts ? { aw_bits: 48, caching_mode: true, scalable_mode: true, flts: true } : { aw_bits: 48, caching_mode: true };
      const s = { ...spec(name, [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0' }, guest_bdf: '0000:00:03.0' } as Dev], 'VIOMMU_MODEL_NONE'), viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel } };
      await boot(a, orchA, s as never);
      const drv = new VtdDriver(a.v.Guest, { vm: name, pool: { start: 16n * MiB, end: 32n * MiB }, faultMsi: { addr: 0xfee00000n, data: 0x41 } });
      await drv.init({ scalable: flts });
      const dom = await drv.allocDomain();
      await drv.attach(dom, 0x18);
      return { drv, dom };
    }

    it('EMULATED behind intel-iommu (caching-mode shadow): IOVA pages become the GPAs of the guest\'s second-stage leaves', async () => {
      const { drv, dom } = await intelVm('dt-vtd', false);
      await drv.map(dom, 0x7000_0000n, 40n * MiB, 0x3000n);
      const tracker = deviceDirtyTracker(a.vmm.mgr.vm('dt-vtd'), a.vmm.link);
      await tracker.start();
      expect((await dmaWrite(a, 'dt-vtd', 'nic0', 0x7000_2010n, 8)).result).toBe('written');
      expect(await tracker.collect()).toEqual([(40n * MiB) / 4096n + 2n]);
      await tracker.stop();
    });

    it('NESTED (intel-iommu x-flts): the nest parent logs the GPA the first stage led to (its 2 MiB leaf)', async () => {
      const { drv, dom } = await intelVm('dt-nest', true);
      expect(dom.firstStage).toBe(true);
      await drv.map(dom, 0x7fff_0000_0000n, 40n * MiB, 0x2000n);
      const vm = a.vmm.mgr.vm('dt-nest');
      expect(vm.vfio.get('nic0')!.backend).toBe('NESTED');
      const tracker = deviceDirtyTracker(vm, a.vmm.link);
      await tracker.start();
      expect((await dmaWrite(a, 'dt-nest', 'nic0', 0x7fff_0000_1000n, 8)).result).toBe('written');
      const first = (40n * MiB) / 4096n;
      expect(await tracker.collect()).toEqual(Array.from({ length: 512 }, (_, i) => first + BigInt(i)));
      await tracker.stop();
    });

    it('legacy type1 container (NONE): every mapped page is reported dirty, every round', async () => {
      await boot(b, orchB, spec('dt-type1', [legacyDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_NONE'));
      const tracker = deviceDirtyTracker(b.vmm.mgr.vm('dt-type1'), b.vmm.link);
      await tracker.start();
      const all = Array.from({ length: Number(RAM / 4096n) }, (_, i) => BigInt(i));
      expect(await tracker.collect()).toEqual(all);
      expect(await tracker.collect()).toEqual(all);
      await tracker.stop();
    });

    it('legacy type1 container behind a virtio-iommu (EMULATED): the container\'s mappings, in GPA terms', async () => {
      const info = await boot(b, orchB, spec('dt-type1-v', [legacyDev('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_VIRTIO_IOMMU'));
      const ep = info.devices.find((d) => d.id === 'nic0')!.endpoint_id;
      expect((await call(b.v.Guest.VirtioIommuSetFeatures, { vm: 'dt-type1-v', driver_features: String(VIOMMU_ALL) })).features_ok).toBe(true);
      const rq = (body: Record<string, unknown>) => call(b.v.Guest.VirtioIommuRequest, { vm: 'dt-type1-v', ...body });
      expect((await rq({ attach: { domain: 1, endpoint: ep, flags: 0, reserved: 0 } })).status).toBe(0);
      expect((await rq({ map: { domain: 1, virt_start: String(0x100000n), virt_end: String(0x101fffn), phys_start: String(0x500000n), flags: MAP_RW } })).status).toBe(0);
      const tracker = deviceDirtyTracker(b.vmm.mgr.vm('dt-type1-v'), b.vmm.link);
      await tracker.start();
      expect(await tracker.collect()).toEqual([0x500n, 0x501n]);
      // unmapped while tracked: type1's unmap reports it dirty once more, then it is gone
      expect((await rq({ unmap: { domain: 1, virt_start: String(0x100000n), virt_end: String(0x101fffn) } })).status).toBe(0);
      expect(await tracker.collect()).toEqual([0x500n, 0x501n]);
      expect(await tracker.collect()).toEqual([]);
      await tracker.stop();
    });
  });
});

function pidMeta(pid: number): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('x-iommutwin-pid', String(pid));
  return md;
}
