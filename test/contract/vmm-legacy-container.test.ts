/**
 * The vmm's legacy_container backend (QEMU's legacy VFIO path: groups + a type1 container) on
 * both kinds of host: `intel-vtd-legacy` (/dev/vfio/vfio is VFIO's native type1) and `intel-vtd`
 * (iommufd's compatibility layer serves it). The same VM specs run on both; the guest sees the
 * same thing. host-iommu and vmm in-process over real gRPC.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { DeviceInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/DeviceInfo.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { errorInfo, expectStatus } from './harness.js';
import { collectEvents, guestOps, hostLeftClean, Orchestrator, pattern, startTestTwin, type TestTwin, until, useTwinHooks } from './vmm-harness.js';

const MiB = 1n << 20n;
const VIOMMU_ALL = (1n << 32n) | 0x77n;
const VFIO_TYPE1v2_IOMMU = 3;
const S_OK = 0;

type Dev = Record<string, unknown> & { id: string };

function legacy(id: string, hostBdf: string, extra: Record<string, unknown> = {}): Dev {
  return { id, vfio: { host_bdf: hostBdf, legacy_container: true, ...extra } };
}

function spec(name: string, devices: Dev[], model = 'VIOMMU_MODEL_NONE') {
  // virtio-iommu: an input range both hosts' units cover (intel-vtd-legacy's VT-d has 39 bits)
  const viommu = model === 'VIOMMU_MODEL_VIRTIO_IOMMU' ? { model, virtio: { input_range: { start: '0', last: String((1n << 39n) - 1n) } } } : { model };
  return { name, memory_bytes: String(64n * MiB), machine: 'q35', viommu, iommufd_objects: [], devices };
}

for (const [profile, containerBackend] of [
  ['intel-vtd-legacy', 'native-type1'],
  ['intel-vtd', 'iommufd-compat'],
] as const) {
  describe(`legacy_container on ${profile} (${containerBackend})`, () => {
    let t: TestTwin;
    let orch: Orchestrator;
    const live = new Set<string>();
    const g = guestOps(() => t);
    // the container fd's kind: on a compat host /dev/vfio/vfio opens an iommufd (vfio_compat.c)
    const CONTAINER_KIND = containerBackend === 'native-type1' ? 'FD_KIND_VFIO_CONTAINER' : 'FD_KIND_IOMMUFD';

    useTwinHooks({
      profile,
      live,
      use: (tw, o) => {
        t = tw;
        orch = o;
      },
      afterCleanup: hostLeftClean,
    });

    async function create(s: ReturnType<typeof spec>): Promise<number> {
      const c = await call(t.v.Vmm.CreateVm, { spec: s as never });
      live.add(s.name);
      return c.vm!.host_pid;
    }
    const dev = (info: VmInfo__Output, id: string): DeviceInfo__Output => info.devices.find((d) => d.id === id)!;
    async function fdKinds(pid: number): Promise<string[]> {
      const r = await call(t.host.root.Process.GetStatus, { pid });
      return r.fds.map((f) => String(f.kind)).sort();
    }
    const surpriseChecks = (name: string, pid: number, guestBdf: string) => checkSurpriseRemoval(t, name, pid, guestBdf);

    it('NONE: the VM process opens the container itself, the passed groups join it, TYPE1v2, guest RAM identity-mapped: device DMA reads and writes guest RAM at IOVA = GPA', async () => {
      const name = `leg-none-${profile}`;
      const pid = await create(spec(name, [legacy('nic0', '0000:01:00.0'), legacy('nvme0', '0000:02:00.0')]));
      const passed = { nic0: await orch.pass('/dev/vfio/1', pid), nvme0: await orch.pass('/dev/vfio/2', pid) };
      const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: passed })).vm!;
      expect(info.state).toBe('VM_STATE_RUNNING');
      const nic = dev(info, 'nic0');
      const nvme = dev(info, 'nvme0');
      for (const [d, group, fd] of [
        [nic, 1, passed.nic0],
        [nvme, 2, passed.nvme0],
      ] as const) {
        expect(d.backend).toBe('NONE');
        expect(d.host).toMatchObject({ iommufd: -1, ioas_ids: [], hwpt_ids: [], group, group_fd: fd, iommu_type: VFIO_TYPE1v2_IOMMU, container_backend: containerBackend });
        expect(d.host!.device_fd).toBeGreaterThanOrEqual(0);
      }
      // one address space (system memory): one container for both groups
      expect(nic.host!.container_fd).toBe(nvme.host!.container_fd);
      expect(nic.host!.device_fd).not.toBe(nvme.host!.device_fd);
      expect(info.spec!.devices.map((d) => [d.id, d.vfio!.legacy_container, d.vfio!.iommufd])).toEqual([
        ['nic0', true, ''],
        ['nvme0', true, ''],
      ]);
      expect(await fdKinds(pid)).toEqual([CONTAINER_KIND, 'FD_KIND_MEMFD', 'FD_KIND_VFIO_DEVICE', 'FD_KIND_VFIO_DEVICE', 'FD_KIND_VFIO_GROUP', 'FD_KIND_VFIO_GROUP'].sort());

      const data = pattern(8192, 13);
      await g.poke(name, 0x300000n, data);
      expect((await g.readOk(name, 'nic0', 0x300000n, 8192)).equals(data)).toBe(true);
      const w = pattern(4096, 14);
      expect((await g.dmaWrite(name, 'nvme0', 0x2000000n, w)).result).toBe('written');
      expect((await g.peek(name, 0x2000000n, 4096)).equals(w)).toBe(true);
      // beyond guest RAM nothing is mapped: the host IOMMU faults
      expect((await g.dmaRead(name, 'nic0', 64n * MiB, 16)).result).toBe('host_fault');
    });

    it('self-opened groups: the group node is root 0600, so the VM process gets EACCES (PERMISSION_DENIED, pass the fd); nothing stays open and passed fds then work', async () => {
      const name = `leg-self-${profile}`;
      const pid = await create(spec(name, [legacy('nic0', '0000:01:00.0')]));
      const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.PERMISSION_DENIED, 'EACCES');
      expect(e.details).toContain('/dev/vfio/1');
      expect(e.details).toContain('Process.SendFd');
      expect(await fdKinds(pid)).toEqual([]);
      const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: { nic0: await orch.pass('/dev/vfio/1', pid) } })).vm!;
      expect(info.state).toBe('VM_STATE_RUNNING');
      expect(dev(info, 'nic0').host!.container_backend).toBe(containerBackend);
    });

    it('a passed fd that is not a VFIO group is refused (BAD_FD); the start opened nothing that stays', async () => {
      const name = `leg-badfd-${profile}`;
      const pid = await create(spec(name, [legacy('nic0', '0000:01:00.0')]));
      const fd = await orch.pass('/dev/vfio/vfio', pid);
      const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: { nic0: fd } }), grpc.status.INVALID_ARGUMENT, 'BAD_FD');
      expect(e.details).toContain(`fd ${fd} for device 'nic0' (legacy_container) is not a VFIO group`);
      // the orchestrator's fd stays the orchestrator's business (as for a wrong cdev fd)
      expect(await fdKinds(pid)).toEqual([CONTAINER_KIND]);
    });

    it('VIRTIO_IOMMU: the device has its own container; bypass = identity, an attached domain maps exactly the guest MAPs (MAP_DMA / UNMAP_DMA of guest-RAM VAs)', async () => {
      const name = `leg-viommu-${profile}`;
      const pid = await create(spec(name, [legacy('nic0', '0000:01:00.0', { backend: 'VFIO_BACKEND_EMULATED' })], 'VIOMMU_MODEL_VIRTIO_IOMMU'));
      const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: { nic0: await orch.pass('/dev/vfio/1', pid) } })).vm!;
      const nic = dev(info, 'nic0');
      expect(nic.backend).toBe('EMULATED');
      expect(nic.host).toMatchObject({ group: 1, iommu_type: VFIO_TYPE1v2_IOMMU, container_backend: containerBackend });
      const data = pattern(4096, 21);
      await g.poke(name, 0x400000n, data);
      // boot bypass: identity
      expect((await g.readOk(name, 'nic0', 0x400000n, 4096)).equals(data)).toBe(true);
      expect((await call(t.v.Guest.VirtioIommuSetFeatures, { vm: name, driver_features: String(VIOMMU_ALL) })).features_ok).toBe(true);
      const rq = (body: Record<string, unknown>) => call(t.v.Guest.VirtioIommuRequest, { vm: name, ...body });
      expect((await rq({ attach: { domain: 1, endpoint: nic.endpoint_id, flags: 0, reserved: 0 } })).status).toBe(S_OK);
      // attached to an empty domain: nothing mapped
      expect((await g.dmaRead(name, 'nic0', 0x400000n, 16)).result).toBe('host_fault');
      const IOVA = 0x8000_0000n;
      expect((await rq({ map: { domain: 1, virt_start: String(IOVA), virt_end: String(IOVA + 0x1fffn), phys_start: String(0x400000n), flags: 3 } })).status).toBe(S_OK);
      expect((await g.readOk(name, 'nic0', IOVA, 4096)).equals(data)).toBe(true);
      expect((await g.dmaRead(name, 'nic0', IOVA + 0x2000n, 16)).result).toBe('host_fault');
      expect((await rq({ unmap: { domain: 1, virt_start: String(IOVA), virt_end: String(IOVA + 0x1fffn) } })).status).toBe(S_OK);
      expect((await g.dmaRead(name, 'nic0', IOVA, 16)).result).toBe('host_fault');
      // unplug: the device fd, its group and its container all go
      await call(t.v.Vmm.UnplugDevice, { name, device_id: 'nic0' });
      expect(await fdKinds(pid)).toEqual(['FD_KIND_MEMFD']);
    });

    it('INTEL_IOMMU caching-mode: the device has its own container, filled by the shadow (translation off: guest RAM identity-mapped)', async () => {
      const name = `leg-vtd-${profile}`;
      const s = { ...spec(name, [legacy('nic0', '0000:01:00.0', { backend: 'VFIO_BACKEND_EMULATED' })]), viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 39, caching_mode: true } } };
      const pid = await create(s as never);
      const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: { nic0: await orch.pass('/dev/vfio/1', pid) } })).vm!;
      const nic = dev(info, 'nic0');
      expect(nic.backend).toBe('EMULATED');
      expect(nic.host).toMatchObject({ group: 1, iommu_type: VFIO_TYPE1v2_IOMMU, container_backend: containerBackend });
      const data = pattern(4096, 81);
      await g.poke(name, 0x800000n, data);
      expect((await g.readOk(name, 'nic0', 0x800000n, 4096)).equals(data)).toBe(true);
      expect((await g.dmaRead(name, 'nic0', 64n * MiB, 16)).result).toBe('host_fault');
    });

    it('hotplug into a running NONE VM joins its container (guest RAM already mapped); unplug releases the group so another VM can take it', async () => {
      const name = `leg-hot-${profile}`;
      const pid = await create(spec(name, [legacy('nic0', '0000:01:00.0')]));
      const first = (await call(t.v.Vmm.StartVm, { name, passed_fds: { nic0: await orch.pass('/dev/vfio/1', pid) } })).vm!;
      // 0000:03:00.0 (group 3): no reserved region inside guest RAM, which is mapped already
      const info = (await call(t.v.Vmm.HotplugDevice, { name, device: legacy('nvme0', '0000:03:00.0') as never, passed_fds: { nvme0: await orch.pass('/dev/vfio/3', pid) } })).vm!;
      expect(dev(info, 'nvme0').host!.container_fd).toBe(dev(first, 'nic0').host!.container_fd);
      const data = pattern(4096, 31);
      await g.poke(name, 0x500000n, data);
      expect((await g.readOk(name, 'nvme0', 0x500000n, 4096)).equals(data)).toBe(true);

      const after = (await call(t.v.Vmm.UnplugDevice, { name, device_id: 'nvme0' })).vm!;
      expect(after.devices.map((d) => d.id)).toEqual(['nic0']);
      expect((await fdKinds(pid)).filter((k) => k === 'FD_KIND_VFIO_GROUP')).toHaveLength(1);
      // group 3 is free again: a second VM's process can be given it
      const other = `leg-hot2-${profile}`;
      const pid2 = await create(spec(other, [legacy('nvme0', '0000:03:00.0')]));
      const info2 = (await call(t.v.Vmm.StartVm, { name: other, passed_fds: { nvme0: await orch.pass('/dev/vfio/3', pid2) } })).vm!;
      expect(dev(info2, 'nvme0').host!.group).toBe(3);
      // and the first VM's remaining device still works
      expect((await g.readOk(name, 'nic0', 0x500000n, 4096)).equals(data)).toBe(true);
    });

    it('surprise removal: the host unplugs an assigned device; the vmm removes it from the guest, reports it (VmInfo, guest event), closes its fds so the host finishes the removal', async () => {
      const name = `leg-surprise-${profile}`;
      const pid = await create(spec(name, [legacy('nic0', '0000:01:00.0'), legacy('gpu0', '0000:03:00.0')]));
      const start = (await call(t.v.Vmm.StartVm, { name, passed_fds: { nic0: await orch.pass('/dev/vfio/1', pid), gpu0: await orch.pass('/dev/vfio/3', pid) } })).vm!;
      const guestBdf = dev(start, 'nic0').guest_bdf;
      try {
        await call(t.host.platform.Platform.Unplug, { bdf: '0000:01:00.0' });
        await surpriseChecks(name, pid, guestBdf);
        // the VM's other device works on
        const data = pattern(4096, 51);
        await g.poke(name, 0x700000n, data);
        expect((await g.readOk(name, 'gpu0', 0x700000n, 4096)).equals(data)).toBe(true);
        expect((await fdKinds(pid)).filter((k) => k.startsWith('FD_KIND_VFIO_GROUP') || k === 'FD_KIND_VFIO_DEVICE')).toEqual(['FD_KIND_VFIO_DEVICE', 'FD_KIND_VFIO_GROUP']);
      } finally {
        // the vmm closed every fd of the removed device, so the slot takes a device again (else EBUSY)
        await call(t.host.platform.Platform.Plug, { bdf: '0000:01:00.0' });
      }
    });

    it('refused at CreateVm: legacy_container with an iommufd object, with NESTED, behind intel-iommu x-flts', async () => {
      const bad = async (s: unknown, text: string) => {
        const e = await expectStatus(call(t.v.Vmm.CreateVm, { spec: s as never }), grpc.status.INVALID_ARGUMENT, 'BAD_DEVICE');
        expect(e.details).toContain(text);
      };
      await bad({ ...spec('x1', [legacy('nic0', '0000:01:00.0', { iommufd: 'iommufd0' })]), iommufd_objects: [{ id: 'iommufd0' }] }, 'exclusive');
      await bad(spec('x2', [legacy('nic0', '0000:01:00.0', { backend: 'VFIO_BACKEND_NESTED' })], 'VIOMMU_MODEL_INTEL_IOMMU'), 'NESTED needs an iommufd backend');
      await bad({ ...spec('x3', [legacy('nic0', '0000:01:00.0')], 'VIOMMU_MODEL_INTEL_IOMMU'), viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { scalable_mode: true, flts: true, caching_mode: true } } }, 'Need IOMMUFD backend when x-flts=on');
    });
  });
}

describe('legacy_container: groups with two devices (intel-vtd group 4: 0000:04:00.0 and 0000:04:00.1)', () => {
  let t: TestTwin;
  let orch: Orchestrator;
  const live = new Set<string>();
  const g = guestOps(() => t);
  useTwinHooks({
    live,
    use: (tw, o) => {
      t = tw;
      orch = o;
    },
    afterCleanup: hostLeftClean,
  });

  it('surprise removal on the iommufd path (device cdev): the same reaction', async () => {
    const name = 'fd-surprise';
    const c = await call(t.v.Vmm.CreateVm, {
      spec: { name, memory_bytes: String(64n * MiB), machine: 'q35', viommu: { model: 'VIOMMU_MODEL_NONE' }, iommufd_objects: [{ id: 'iommufd0' }], devices: [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0' } }] } as never,
    });
    live.add(name);
    const pid = c.vm!.host_pid;
    const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: { iommufd0: await orch.pass('/dev/iommu', pid), nic0: await orch.pass('/dev/vfio/devices/vfio0', pid) } })).vm!;
    try {
      await call(t.host.platform.Platform.Unplug, { bdf: '0000:01:00.0' });
      await checkSurpriseRemoval(t, name, pid, info.devices[0]!.guest_bdf);
      const kinds = (await call(t.host.root.Process.GetStatus, { pid })).fds.map((f) => String(f.kind));
      expect(kinds).not.toContain('FD_KIND_VFIO_DEVICE');
      // while the slot is empty, a VM that wants the device is refused at StartVm
      const other = 'fd-surprise-2';
      await call(t.v.Vmm.CreateVm, { spec: spec(other, [legacy('nic0', '0000:01:00.0')]) as never });
      live.add(other);
      const e = await expectStatus(call(t.v.Vmm.StartVm, { name: other, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
      expect(e.details).toContain('nic0: host device: 0000:01:00.0 was removed from host');
    } finally {
      await call(t.host.platform.Platform.Plug, { bdf: '0000:01:00.0' });
    }
  });

  it('NONE: both functions through one group fd (passed once, named by both) in one container', async () => {
    const name = 'leg-g4-none';
    const c = await call(t.v.Vmm.CreateVm, { spec: spec(name, [legacy('f0', '0000:04:00.0'), legacy('f1', '0000:04:00.1')]) as never });
    live.add(name);
    const fd = await orch.pass('/dev/vfio/4', c.vm!.host_pid);
    const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: { f0: fd, f1: fd } })).vm!;
    const [f0, f1] = ['f0', 'f1'].map((id) => info.devices.find((d) => d.id === id)!.host!);
    expect([f0!.group_fd, f1!.group_fd, f0!.group, f1!.group]).toEqual([fd, fd, 4, 4]);
    expect(f0!.container_fd).toBe(f1!.container_fd);
    const data = pattern(4096, 41);
    await g.poke(name, 0x600000n, data);
    for (const id of ['f0', 'f1']) expect((await g.readOk(name, id, 0x600000n, 4096)).equals(data)).toBe(true);
  });

  it('a group that is not viable (0000:06:00.1, in group 6 with the device, is bound to a host driver) is refused at StartVm with QEMU\'s reason', async () => {
    const name = 'leg-g6';
    await call(t.v.Vmm.CreateVm, { spec: spec(name, [legacy('d', '0000:06:00.0')]) as never });
    live.add(name);
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(v).toEqual([{ device: 'd', rule: 'group', detail: 'group 6 is not viable. Please ensure all devices within the iommu_group are bound to their vfio bus driver.' }]);
  });

  it('one group on both paths (f0 legacy, f1 iommufd) is refused: the group and cdev paths exclude each other', async () => {
    const name = 'leg-g4-mixed';
    const s = { ...spec(name, [legacy('f0', '0000:04:00.0'), { id: 'f1', vfio: { host_bdf: '0000:04:00.1', iommufd: 'iommufd0' } }]), iommufd_objects: [{ id: 'iommufd0' }] };
    await call(t.v.Vmm.CreateVm, { spec: s as never });
    live.add(name);
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(v.map((x) => [x.device, x.rule])).toEqual([['f0', 'group']]);
    expect(v[0]!.detail).toContain("group 4 is also used through iommufd by 'f1'");
  });

  it('VIRTIO_IOMMU: one group in two address spaces is refused at StartVm with QEMU\'s reason, for every device', async () => {
    const name = 'leg-g4-viommu';
    await call(t.v.Vmm.CreateVm, { spec: spec(name, [legacy('f0', '0000:04:00.0'), legacy('f1', '0000:04:00.1')], 'VIOMMU_MODEL_VIRTIO_IOMMU') as never });
    live.add(name);
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(v.map((x) => [x.device, x.rule])).toEqual([
      ['f0', 'group'],
      ['f1', 'group'],
    ]);
    expect(v[0]!.detail).toContain('group 4 used in multiple address spaces');
  });
});

/**
 * After Platform.Unplug of 0000:01:00.0 (device 'nic0' of VM `name`): the vmm removed it from the
 * guest and reports it, the guest saw a device_removed event, the device is gone for the guest
 * and no VFIO device fd of it is left in the VM process.
 */
async function checkSurpriseRemoval(t: TestTwin, name: string, pid: number, guestBdf: string): Promise<void> {
  await until(async () => (await call(t.v.Vmm.GetVm, { name })).vm!.removed_devices.length === 1, 'the vmm to remove nic0');
  const info = (await call(t.v.Vmm.GetVm, { name })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  const r = info.removed_devices[0]!;
  expect([r.id, r.host_bdf, r.guest_bdf]).toEqual(['nic0', '0000:01:00.0', guestBdf]);
  expect(r.reason).toContain('surprise removal');
  expect(BigInt(r.host_sequence)).toBeGreaterThan(0n);
  expect(info.devices.map((d) => d.id)).not.toContain('nic0');
  expect(info.spec!.devices.map((d) => d.id)).not.toContain('nic0');
  const events = await collectEvents(t, name, 0n);
  const removed = events.filter((e) => e.event === 'device_removed');
  expect(removed.map((e) => [e.device_removed!.device_id, e.device_removed!.guest_bdf])).toEqual([['nic0', guestBdf]]);
  expect(removed[0]!.device_removed!.reason).toBe(r.reason);
  await expectStatus(call(t.v.Guest.Dma, { vm: name, device_id: 'nic0', iova: '0', length: '4', write: false, data: Buffer.alloc(0) }), grpc.status.NOT_FOUND, 'DEVICE_NOT_FOUND');
  void pid;
}

describe('P2P between assigned devices: placement, BAR mappings, and the iommufd-replacement answer', () => {
  const twins = new Map<string, { t: TestTwin; orch: Orchestrator }>();
  const live: Array<[TestTwin, string]> = [];
  beforeAll(async () => {
    for (const p of ['intel-vtd-legacy', 'intel-vtd', 'arm-smmuv3']) {
      const t = await startTestTwin(p);
      twins.set(p, { t, orch: await Orchestrator.create(t) });
    }
  });
  afterEach(async () => {
    for (const [t, name] of live.splice(0)) {
      await call(t.v.Vmm.StopVm, { name }).catch(() => undefined);
      await call(t.v.Vmm.DeleteVm, { name }).catch(() => undefined);
    }
    for (const { t } of twins.values()) await hostLeftClean(t);
  });
  afterAll(async () => {
    for (const { t, orch } of twins.values()) {
      await orch.sys.exit();
      await t.close();
    }
  });

  const tw = (p: string) => twins.get(p)!;
  /** nic0 (0000:01:00.0) and gpu0 (0000:03:00.0, p2p: its BARs must be reachable by nic0) */
  function p2pSpec(name: string, machine: 'q35' | 'virt', path: 'legacy' | 'iommufd') {
    const v = (host_bdf: string, p2p: boolean) => (path === 'legacy' ? { host_bdf, legacy_container: true, p2p } : { host_bdf, iommufd: 'iommufd0', p2p });
    return {
      name,
      memory_bytes: String(64n * MiB),
      machine,
      viommu: { model: 'VIOMMU_MODEL_NONE' },
      iommufd_objects: path === 'iommufd' ? [{ id: 'iommufd0' }] : [],
      devices: [
        { id: 'nic0', vfio: v('0000:01:00.0', false) },
        { id: 'gpu0', vfio: v('0000:03:00.0', true) },
      ],
    };
  }
  async function boot(p: string, s: ReturnType<typeof p2pSpec>, nodes: Record<string, string>) {
    const { t, orch } = tw(p);
    const c = await call(t.v.Vmm.CreateVm, { spec: s as never });
    live.push([t, s.name]);
    const passed: Record<string, number> = {};
    for (const [id, node] of Object.entries(nodes)) passed[id] = await orch.pass(node, c.vm!.host_pid);
    return call(t.v.Vmm.StartVm, { name: s.name, passed_fds: passed });
  }
  const dmaOps = (p: string) => guestOps(() => tw(p).t);

  it('native type1 (intel-vtd-legacy): the p2p device\'s guest BARs are mapped into the container through their mmap (bar-va); nic0\'s DMA to gpu0\'s BAR GPA lands in the BAR', async () => {
    const info = (await boot('intel-vtd-legacy', p2pSpec('p2p-t1', 'q35', 'legacy'), { nic0: '/dev/vfio/1', gpu0: '/dev/vfio/3' })).vm!;
    const nic = info.devices.find((d) => d.id === 'nic0')!;
    const gpu = info.devices.find((d) => d.id === 'gpu0')!;
    // firmware's placement: spec order, BAR order, natural alignment, from 0xc0000000
    expect(nic.bars.map((b) => [b.index, BigInt(b.gpa), BigInt(b.size)])).toEqual([
      [0, 0xc0000000n, 64n << 10n],
      [2, 0xc0010000n, 16n << 10n],
    ]);
    expect(gpu.bars.map((b) => [b.index, BigInt(b.gpa), BigInt(b.size)])).toEqual([
      [0, 0xc1000000n, 16n * MiB],
      [1, 0xd0000000n, 256n * MiB],
    ]);
    // the shared container holds gpu0's BARs (nic0 has no p2p: its BARs are not mapped)
    expect(nic.host!.p2p.map((m) => [m.peer, m.bar, BigInt(m.gpa), BigInt(m.size), m.via])).toEqual([
      ['gpu0', 0, 0xc1000000n, 16n * MiB, 'bar-va'],
      ['gpu0', 1, 0xd0000000n, 256n * MiB, 'bar-va'],
    ]);
    const g = dmaOps('intel-vtd-legacy');
    const data = pattern(4096, 61);
    expect((await g.dmaWrite('p2p-t1', 'nic0', 0xc1000000n + 0x2000n, data)).result).toBe('written');
    expect((await g.readOk('p2p-t1', 'nic0', 0xc1000000n + 0x2000n, 4096)).equals(data)).toBe(true);
    // the bytes are in gpu0's BAR, not in guest RAM: gpu0 reads its own BAR at the same GPA
    expect((await g.readOk('p2p-t1', 'gpu0', 0xc1000000n + 0x2000n, 4096)).equals(data)).toBe(true);
    // nic0's own BARs are not in the container
    expect((await g.dmaRead('p2p-t1', 'gpu0', 0xc0000000n, 16)).result).toBe('host_fault');
    // unplugging gpu0 takes its BARs out of the container first
    const after = (await call(tw('intel-vtd-legacy').t.v.Vmm.UnplugDevice, { name: 'p2p-t1', device_id: 'gpu0' })).vm!;
    expect(after.devices.find((d) => d.id === 'nic0')!.host!.p2p).toEqual([]);
    expect((await g.dmaRead('p2p-t1', 'nic0', 0xc1000000n + 0x2000n, 16)).result).toBe('host_fault');
  });

  it('iommufd with dma-buf (arm-smmuv3): the BARs are exported as dma-bufs and mapped by IOAS_MAP_FILE; the DMA lands in the BAR', async () => {
    const info = (await boot('arm-smmuv3', p2pSpec('p2p-db', 'virt', 'iommufd'), { iommufd0: '/dev/iommu', nic0: '/dev/vfio/devices/vfio0', gpu0: '/dev/vfio/devices/vfio2' })).vm!;
    const gpu = info.devices.find((d) => d.id === 'gpu0')!;
    expect(gpu.bars.map((b) => [b.index, BigInt(b.gpa)])).toEqual([
      [0, 0x11000000n],
      [1, 0x20000000n],
    ]);
    const nic = info.devices.find((d) => d.id === 'nic0')!;
    expect(nic.host!.p2p.map((m) => [m.peer, m.bar, m.via])).toEqual([
      ['gpu0', 0, 'dma-buf'],
      ['gpu0', 1, 'dma-buf'],
    ]);
    const g = dmaOps('arm-smmuv3');
    const data = pattern(4096, 71);
    expect((await g.dmaWrite('p2p-db', 'nic0', 0x20000000n + 0x1000n, data)).result).toBe('written');
    expect((await g.readOk('p2p-db', 'gpu0', 0x20000000n + 0x1000n, 4096)).equals(data)).toBe(true);
  });

  it('hotplug of a p2p device maps its BARs (dma-buf) into the running VM; its surprise removal takes them out again before its fds close', async () => {
    const { t, orch } = tw('arm-smmuv3');
    const name = 'p2p-hot';
    const s = p2pSpec(name, 'virt', 'iommufd');
    const c = await call(t.v.Vmm.CreateVm, { spec: { ...s, devices: [s.devices[0]] } as never });
    live.push([t, name]);
    const pid = c.vm!.host_pid;
    await call(t.v.Vmm.StartVm, { name, passed_fds: { iommufd0: await orch.pass('/dev/iommu', pid), nic0: await orch.pass('/dev/vfio/devices/vfio0', pid) } });
    const info = (await call(t.v.Vmm.HotplugDevice, { name, device: s.devices[1] as never, passed_fds: { gpu0: await orch.pass('/dev/vfio/devices/vfio2', pid) } })).vm!;
    const gpu = info.devices.find((d) => d.id === 'gpu0')!;
    // nic0's BARs were placed first (at start): gpu0's follow them
    expect(gpu.bars.map((b) => [b.index, BigInt(b.gpa)])).toEqual([
      [0, 0x11000000n],
      [1, 0x20000000n],
    ]);
    expect(info.devices.find((d) => d.id === 'nic0')!.host!.p2p.map((m) => [m.peer, m.bar, m.via])).toEqual([
      ['gpu0', 0, 'dma-buf'],
      ['gpu0', 1, 'dma-buf'],
    ]);
    const g = dmaOps('arm-smmuv3');
    const data = pattern(4096, 91);
    expect((await g.dmaWrite(name, 'nic0', 0x11000000n, data)).result).toBe('written');
    expect((await g.readOk(name, 'gpu0', 0x11000000n, 4096)).equals(data)).toBe(true);
    const kinds = async () => (await call(t.host.root.Process.GetStatus, { pid })).fds.map((f) => String(f.kind));
    expect((await kinds()).filter((k) => k === 'FD_KIND_DMABUF')).toHaveLength(2);
    try {
      await call(t.host.platform.Platform.Unplug, { bdf: '0000:03:00.0' });
      await until(async () => (await call(t.v.Vmm.GetVm, { name })).vm!.removed_devices.length === 1, 'the vmm to remove gpu0');
      const after = (await call(t.v.Vmm.GetVm, { name })).vm!;
      expect(after.devices.find((d) => d.id === 'nic0')!.host!.p2p).toEqual([]);
      expect((await kinds()).filter((k) => k === 'FD_KIND_DMABUF' || k === 'FD_KIND_VFIO_DEVICE')).toEqual(['FD_KIND_VFIO_DEVICE']);
      expect((await g.dmaRead(name, 'nic0', 0x11000000n, 16)).result).toBe('host_fault');
    } finally {
      await call(t.host.platform.Platform.Plug, { bdf: '0000:03:00.0' });
    }
  });

  it('refused with the reason where no backend gives P2P: the compat container (EFAULT on a BAR VA) and iommufd without dma-buf (intel-vtd)', async () => {
    const { t } = tw('intel-vtd');
    for (const [name, path, text] of [
      ['p2p-compat', 'legacy', "iommufd's compatibility layer"],
      ['p2p-nodb', 'iommufd', 'no dma-buf P2P'],
    ] as const) {
      await call(t.v.Vmm.CreateVm, { spec: p2pSpec(name, 'q35', path) as never });
      live.push([t, name]);
      const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
      const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
      expect(v.map((x) => [x.device, x.rule])).toEqual([['gpu0', 'p2p']]);
      expect(v[0]!.detail).toContain("'nic0'");
      expect(v[0]!.detail).toContain(text);
    }
  });

  it('GetHostCapabilities: the host\'s VFIO paths, and for a spec whether iommufd can replace the container and where each device goes', async () => {
    const legacySpec = p2pSpec('q', 'q35', 'legacy');
    const ask = (p: string, s: unknown) => call(tw(p).t.v.Vmm.GetHostCapabilities, { spec: s as never });
    const t1 = await ask('intel-vtd-legacy', legacySpec);
    expect(t1.vfio).toEqual({ iommufd: false, container: 'native-type1', p2p_bar_va: true, p2p_dmabuf: false });
    expect(t1.iommufd_replacement!.possible).toBe(false);
    expect(t1.iommufd_replacement!.reasons[0]).toContain('has no iommufd');
    expect(t1.iommufd_replacement!.placement).toEqual({ nic0: 'legacy container (native-type1)', gpu0: 'legacy container (native-type1)' });

    const c = await ask('intel-vtd', legacySpec);
    expect(c.vfio).toEqual({ iommufd: true, container: 'iommufd-compat', p2p_bar_va: false, p2p_dmabuf: false });
    expect(c.iommufd_replacement!.possible).toBe(false);
    expect(c.iommufd_replacement!.reasons).toEqual([expect.stringContaining("'nic0' needs P2P to its peers' BARs")]);
    expect(c.iommufd_replacement!.placement.nic0).toMatch(/^refused: .*compatibility layer/);

    const a = await ask('arm-smmuv3', { ...p2pSpec('q', 'virt', 'iommufd') });
    expect(a.vfio).toEqual({ iommufd: true, container: 'iommufd-compat', p2p_bar_va: false, p2p_dmabuf: true });
    expect(a.iommufd_replacement).toEqual({ possible: true, reasons: [], placement: { nic0: 'iommufd + dma-buf P2P', gpu0: 'iommufd' } });
    // without a spec: no answer for one
    expect((await call(tw('arm-smmuv3').t.v.Vmm.GetHostCapabilities, {})).iommufd_replacement).toBeNull();
  });
});
