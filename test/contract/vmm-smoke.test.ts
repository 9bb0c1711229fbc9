import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { expectErrno } from './harness.js';
import { nicAndNetVm, Orchestrator, startTestTwin, type TestTwin } from './vmm-harness.js';

let t: TestTwin;
beforeAll(async () => {
  t = await startTestTwin();
});
afterAll(async () => {
  await t.close();
});

const MiB = 1n << 20n;

describe('vmm over host-iommu: an assigned device behind a virtio-iommu', () => {
  it('fd passing, boot bypass, guest MAP shadowed on the host, DMA both ways, stop releases everything', async () => {
    const created = await call(t.v.Vmm.CreateVm, { spec: nicAndNetVm('vm1', { memoryBytes: 256n * MiB }) });
    const pid = created.vm!.host_pid;
    expect(created.vm!.state).toBe('VM_STATE_DEFINED');
    const orch = await Orchestrator.create(t);
    const ifd = await orch.pass('/dev/iommu', pid);
    const dfd = await orch.pass('/dev/vfio/devices/vfio0', pid);
    const started = await call(t.v.Vmm.StartVm, { name: 'vm1', passed_fds: { iommufd0: ifd, nic0: dfd } });
    expect(started.vm!.state).toBe('VM_STATE_RUNNING');
    const nic = started.vm!.devices.find((d) => d.id === 'nic0')!;
    expect(nic.endpoint_id).toBe(0x18);
    expect(nic.backend).toBe('EMULATED');

    // boot bypass: the device reaches guest RAM identity-mapped
    await call(t.v.Guest.WriteMemory, { vm: 'vm1', gpa: '8192', data: Buffer.from('bypass!') });
    let r = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: '8192', length: '7', write: false, data: Buffer.alloc(0) });
    expect(r.result).toBe('data');
    expect(Buffer.from(r.data!).toString()).toBe('bypass!');

    // the guest driver takes over: features, attach to domain 1, map IOVA 1 MiB → GPA 16 MiB
    const cfg = await call(t.v.Guest.VirtioIommuConfig, { vm: 'vm1' });
    expect(cfg.bypass).toBe(1);
    const ok = await call(t.v.Guest.VirtioIommuSetFeatures, { vm: 'vm1', driver_features: cfg.device_features });
    expect(ok.features_ok).toBe(true);
    const att = await call(t.v.Guest.VirtioIommuRequest, { vm: 'vm1', attach: { domain: 1, endpoint: 0x18, flags: 0, reserved: 0 } });
    expect(att.status).toBe(0);
    r = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: '8192', length: '7', write: false, data: Buffer.alloc(0) });
    expect(r.result).toBe('host_fault'); // attached to an empty domain: nothing mapped on the host
    const map = await call(t.v.Guest.VirtioIommuRequest, { vm: 'vm1', map: { domain: 1, virt_start: String(MiB), virt_end: String(MiB + 0xffffn), phys_start: String(16n * MiB), flags: 3 } });
    expect(map.status).toBe(0);
    await call(t.v.Guest.WriteMemory, { vm: 'vm1', gpa: String(16n * MiB + 16n), data: Buffer.from('guest data') });
    r = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB + 16n), length: '10', write: false, data: Buffer.alloc(0) });
    expect(Buffer.from(r.data!).toString()).toBe('guest data');
    r = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB + 0x100n), length: '3', write: true, data: Buffer.from('dev') });
    expect(r.result).toBe('written');
    const back = await call(t.v.Guest.ReadMemory, { vm: 'vm1', gpa: String(16n * MiB + 0x100n), length: '3' });
    expect(Buffer.from(back.data).toString()).toBe('dev');

    // the virtio device translates through the vIOMMU too (after attaching its endpoint)
    expect((await call(t.v.Guest.VirtioSetFeatures, { vm: 'vm1', device_id: 'net0', driver_features: String((1n << 32n) | (1n << 33n)) })).features_ok).toBe(true);
    const vf = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'net0', iova: String(MiB + 16n), length: '10', write: false, data: Buffer.alloc(0) });
    expect(vf.result).toBe('data'); // net0 unattached, boot bypass on: IOVA = GPA
    await call(t.v.Guest.VirtioIommuRequest, { vm: 'vm1', attach: { domain: 1, endpoint: 0x20, flags: 0, reserved: 0 } });
    const vt = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'net0', iova: String(MiB + 16n), length: '10', write: false, data: Buffer.alloc(0) });
    expect(Buffer.from(vt.data!).toString()).toBe('guest data');
    const vfault = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'net0', iova: String(4n * MiB), length: '4', write: false, data: Buffer.alloc(0) });
    expect(vfault.result).toBe('virtio_fault');
    expect(vfault.virtio_fault!.reason).toBe(2);

    // unmap: the host mapping goes, the device faults
    const un = await call(t.v.Guest.VirtioIommuRequest, { vm: 'vm1', unmap: { domain: 1, virt_start: String(MiB), virt_end: String(MiB + 0xffffn) } });
    expect(un.status).toBe(0);
    r = await call(t.v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB + 16n), length: '10', write: false, data: Buffer.alloc(0) });
    expect(r.result).toBe('host_fault');

    await call(t.v.Vmm.StopVm, { name: 'vm1' });
    const ins = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(ins.pinned!.pages).toBe('0');
    expect(ins.page_tables).toEqual([]);
    await orch.sys.exit();
  });

  it('a VM whose spec names no fd opens the nodes itself and fails like QEMU as qemu: PERMISSION_DENIED', async () => {
    await call(t.v.Vmm.CreateVm, { spec: nicAndNetVm('vm2', { memoryBytes: 256n * MiB }) });
    const err = await expectErrno(call(t.v.Vmm.StartVm, { name: 'vm2', passed_fds: {} }), 'EACCES');
    expect(err.code).toBe(7);
    await call(t.v.Vmm.DeleteVm, { name: 'vm2' });
  });
});
