/**
 * The dirty log inside a running vmm (host-iommu and vmm in-process over gRPC): guest CPU writes
 * (Guest.WriteMemory), an emulated device's DMA writes through the virtio-iommu and a hardware
 * vIOMMU model's own writes (an SMMUv3 event record) mark the pages they touched; reads, refused
 * writes and a stopped log mark nothing.
 */
import { describe, expect, it } from 'vitest';
import { grpcBus, SmmuDriver } from '#libs/guest/smmu-driver.js';
import { call } from '#libs/rpc/client.js';
import { type Orchestrator, pattern, startTestTwin, type TestTwin, useTwinHooks } from '../../../../test/contract/vmm-harness.js';
import { dirtyLogOf, dirtyPageGpas } from './dirty-log.js';

let t: TestTwin;
let orch: Orchestrator;
const live = new Set<string>();
useTwinHooks({ live, use: (tw, o) => ([t, orch] = [tw, o]) });

const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
const MAP_UNMAP = 1n << 2n;
const EP_NET0 = 0x20;

async function boot(name: string): Promise<void> {
  const spec = {
    name,
    memory_bytes: String(256n << 20n),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const, virtio: {} },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [{ id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } }],
  };
  const created = await call(t.v.Vmm.CreateVm, { spec: spec as never });
  live.add(name);
  const fds = { iommufd0: await orch.pass('/dev/iommu', created.vm!.host_pid) };
  expect((await call(t.v.Vmm.StartVm, { name, passed_fds: fds })).vm!.state).toBe('VM_STATE_RUNNING');
}

describe('the vmm marks the dirty log on guest CPU writes and emulated DMA writes', () => {
  it('WriteMemory and a virtio DMA write through a virtio-iommu mapping: exactly the written GPA pages; reads and refused writes mark nothing', async () => {
    const name = 'dirty-log-virtio';
    await boot(name);
    const vm = t.vmm.mgr.vm(name);
    const log = dirtyLogOf(vm);
    // off by default: a write now is not logged
    await call(t.v.Guest.WriteMemory, { vm: name, gpa: String(0x9000n), data: Buffer.from('before') });
    log.start();
    await call(t.v.Guest.WriteMemory, { vm: name, gpa: String(0x5ffen), data: Buffer.from('abcd') }); // pages 0x5000 and 0x6000
    expect((await call(t.v.Guest.VirtioIommuSetFeatures, { vm: name, driver_features: String(VERSION_1 | MAP_UNMAP) })).features_ok).toBe(true);
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
    expect((await call(t.v.Guest.VirtioIommuRequest, { vm: name, attach: { domain: 1, endpoint: EP_NET0, flags: 0, reserved: 0 } })).status).toBe(0);
    const map = { domain: 1, virt_start: String(0x10000n), virt_end: String(0x13fffn), phys_start: String(0x200000n), flags: 3 };
    expect((await call(t.v.Guest.VirtioIommuRequest, { vm: name, map })).status).toBe(0);
    const data = pattern(0x1800, 7);
    const w = await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(0x11800n), length: String(data.length), write: true, data });
    expect(w.result).toBe('written');
    // a DMA read and a refused (faulting) DMA write move nothing into RAM: not dirty
    await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(0x10000n), length: '4096', write: false, data: Buffer.alloc(0) });
    const f = await call(t.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(0x40000n), length: '16', write: true, data: Buffer.alloc(16) });
    expect(f.result).toBe('virtio_fault');
    await expect(call(t.v.Guest.WriteMemory, { vm: name, gpa: String(0xfed90000n), data: Buffer.from('x') })).rejects.toThrow(/GPA_OUT_OF_RANGE|outside guest RAM/);
    const r = log.collect();
    expect([...dirtyPageGpas(r)]).toEqual([0x5000n, 0x6000n, 0x201000n, 0x202000n]);
    expect([...dirtyPageGpas(log.collect())]).toEqual([]);
    log.stop();
    await call(t.v.Guest.WriteMemory, { vm: name, gpa: String(0x5000n), data: Buffer.from('after') });
    expect(log.active).toBe(false);
  });
});

describe('the vIOMMU model\'s own guest-RAM writes are logged too', () => {
  it('SMMUv3: a faulting virtio DMA read writes an event record into the guest EVTQ: that page, and nothing else, is dirty', async () => {
    const tw = await startTestTwin('arm-smmuv3');
    const name = 'dirty-log-smmu';
    try {
      const RAM0 = 0x4000_0000n;
      const spec = { name, memory_bytes: String(64n << 20n), machine: 'virt', viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3: {} }, iommufd_objects: [], devices: [{ id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } }] };
      await call(tw.v.Vmm.CreateVm, { spec: spec as never });
      expect((await call(tw.v.Vmm.StartVm, { name, passed_fds: {} })).vm!.state).toBe('VM_STATE_RUNNING');
      expect((await call(tw.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
      const drv = new SmmuDriver(grpcBus(tw.v.Guest, name), { pool: { start: RAM0 + (16n << 20n), end: RAM0 + (32n << 20n) } });
      await drv.init();
      const d = await drv.allocDomain();
      await drv.attach(d, 0x20);
      const log = dirtyLogOf(tw.vmm.mgr.vm(name));
      log.start();
      const r = await call(tw.v.Guest.Dma, { vm: name, device_id: 'net0', iova: String(0x8000_0000n), length: '64', write: false, data: Buffer.alloc(0) });
      expect(r.result).toBe('smmu_fault');
      const dirty = [...dirtyPageGpas(log.collect())];
      expect(dirty).toEqual([drv.evtq.base & ~0xfffn]);
      expect((await drv.drainEvents()).map((e) => e.id)).toEqual([0x10]);
    } finally {
      await call(tw.v.Vmm.StopVm, { name }).catch(() => undefined);
      await call(tw.v.Vmm.DeleteVm, { name }).catch(() => undefined);
      await tw.close();
    }
  });
});
