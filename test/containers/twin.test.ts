/**
 * host-iommu and vmm in containers of the image, on a Docker network of the test's own (the vmm
 * reaches the host as `host-iommu:50051`); the test reaches both only through their ports
 * published on 127.0.0.1.
 *
 * 1. A VM with an assigned device end to end across the containers: root's fds passed into the
 *    VM's host process, the guest's virtio-iommu MAP shadowed on the host, DMA both ways, bytes
 *    checked on both sides.
 * 2. The host-iommu container stopped (SIGTERM) and started again: health goes NOT_SERVING, the
 *    vmm reconnects, detects the new host and follows its event log from its first event:
 *    every event of both hosts reaches the vmm once (the counts equal both logs), the VM of the
 *    old host is marked lost, a new VM runs on the new host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedNetwork } from 'testcontainers';
import { Sys } from '../contract/harness.js';
import {
  bootVm,
  brief,
  call,
  guestMaps,
  hostClients,
  hostLink,
  hostLogUntil,
  IMAGE,
  MiB,
  NIC_EP,
  startHost,
  startNetwork,
  startVmm,
  until,
  vmmClients,
  watchHealth,
  type HostEvent,
  type ServiceContainer,
} from './fixture.js';

const none = Buffer.alloc(0);

describe.skipIf(!IMAGE)('host-iommu and vmm containers on a network of their own', () => {
  let net: StartedNetwork;
  let host: ServiceContainer;
  let vmm: ServiceContainer;
  let hc: ReturnType<typeof hostClients>;
  let v: ReturnType<typeof vmmClients>;
  /** the host log (host A) as of the end of the first test */
  let logA: HostEvent[] = [];
  let vm1Pid = 0;

  beforeAll(async () => {
    net = await startNetwork();
    host = await startHost(IMAGE!, net, 'host-iommu');
    vmm = await startVmm(IMAGE!, net, 'vmm', 'host-iommu');
    hc = hostClients(host);
    v = vmmClients(vmm);
  });

  afterAll(async () => {
    v?.close();
    hc?.close();
    await vmm?.c.stop().catch(() => undefined);
    await host?.c.stop().catch(() => undefined);
    await net?.stop().catch(() => undefined);
  });

  it('a VM with an assigned device end to end: fd passing, guest MAP shadowed on the host, DMA both ways, data checked', async () => {
    expect(host.addr()).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(vmm.addr()).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await call(v.Vmm.GetHostCapabilities, {})).host).toBe('intel-vtd');

    const { pid, passed, orchestratorPid, vm } = await bootVm(v, hc.root, 'vm1');
    vm1Pid = pid;
    expect(vm.state).toBe('VM_STATE_RUNNING');
    const nic = vm.devices.find((d) => d.id === 'nic0')!;
    expect([nic.endpoint_id, nic.backend, nic.host_bdf]).toEqual([NIC_EP, 'EMULATED', '0000:01:00.0']);
    // the fds root passed are what the VM's host process (principal qemu) holds, next to its RAM memfd
    expect([nic.host!.iommufd, nic.host!.device_fd]).toEqual([passed.iommufd0, passed.nic0]);
    const st = await call(hc.root.Process.GetStatus, { pid });
    expect([st.name, st.principal]).toEqual(['qemu:vm1', 'qemu']);
    expect(st.fds.map((f) => [f.fd, f.kind, f.path])).toEqual([
      [passed.iommufd0, 'FD_KIND_IOMMUFD', '/dev/iommu'],
      [passed.nic0, 'FD_KIND_VFIO_DEVICE', '/dev/vfio/devices/vfio0'],
      [vm.ram_fd, 'FD_KIND_MEMFD', '/memfd:guest-ram:vm1'],
    ]);

    // the guest driver takes the device: attach to domain 1 (nothing mapped), then MAP
    // IOVA [1 MiB, +64 KiB) → GPA 16 MiB; the host IOAS behind the endpoint follows exactly
    const ioas = { pid, fd: nic.host!.iommufd, id: nic.host!.ioas_ids[0]! };
    expect(await guestMaps(v, 'vm1')).toEqual([0, 0, 0]);
    const ins = await call(hc.platform.Platform.Inspect, { iommufd_object: ioas });
    expect(ins.areas.map((a) => [a.iova, a.last, a.flags, a.source, a.user_va, a.pinned_pages])).toEqual([
      [String(MiB), String(MiB + 0xffffn), 6, 'AREA_SOURCE_USER_VA', String(BigInt(vm.ram_va) + 16n * MiB), '16'],
    ]);
    expect(ins.pinned).toEqual({ pages: '16', bytes: '65536' });
    expect((await call(hc.root.Process.GetStatus, { pid })).vm_pinned_bytes).toBe('65536');

    // guest writes its RAM, the device reads it through the vIOMMU (vmm) and on the host
    // (host-iommu's page tables and IOTLB, the physical device's own DMA)
    const msg = Buffer.from('across two containers');
    await call(v.Guest.WriteMemory, { vm: 'vm1', gpa: String(16n * MiB + 16n), data: msg });
    const viaVmm = await call(v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB + 16n), length: String(msg.length), write: false, data: none });
    expect(viaVmm.result).toBe('data');
    expect(Buffer.from(viaVmm.data!)).toEqual(msg);
    const onHost = await call(hc.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(MiB + 16n), length: String(msg.length), write: false, data: none, allow_page_request: false });
    expect(onHost.result).toBe('data');
    expect(Buffer.from(onHost.data!)).toEqual(msg);

    // the device writes (from the vmm's Guest.Dma and from the host): the guest reads both
    const w1 = await call(v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB + 0x100n), length: '9', write: true, data: Buffer.from('vmm write') });
    expect(w1.result).toBe('written');
    const w2 = await call(hc.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(MiB + 0x200n), length: '10', write: true, data: Buffer.from('host write'), allow_page_request: false });
    expect(w2.written).toBe('10');
    const back1 = await call(v.Guest.ReadMemory, { vm: 'vm1', gpa: String(16n * MiB + 0x100n), length: '9' });
    const back2 = await call(v.Guest.ReadMemory, { vm: 'vm1', gpa: String(16n * MiB + 0x200n), length: '10' });
    expect([Buffer.from(back1.data).toString(), Buffer.from(back2.data).toString()]).toEqual(['vmm write', 'host write']);

    // outside the guest's mapping the host faults the device, and logs it
    const fault = await call(hc.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(8n * MiB), length: '4', write: false, data: none, allow_page_request: false });
    expect(fault.result).toBe('fault');
    expect(fault.fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');

    // the vmm followed the host's log: the orchestrator's exit and the fault, nothing else
    logA = await hostLogUntil(hc.platform, (e) => e.kind === 'HOST_EVENT_KIND_DMA_FAULT');
    expect(logA.map(brief)).toEqual([`1:PROCESS_EXITED:${orchestratorPid}`, '2:DMA_FAULT:0']);
    const link = await until(async () => {
      const l = await hostLink(v);
      return l.last_sequence === '2' && l;
    }, 'the vmm to follow the host log to sequence 2');
    expect(link).toEqual({ events_seen: '2', last_sequence: '2', stream_breaks: '0', host_restarts: '0', rechecks: '0' });
  });

  it('host-iommu container restarted: the vmm reconnects and follows the new log from its start, nothing lost, nothing twice; the old VM is lost, a new one runs', async () => {
    expect(logA.length).toBe(2);
    // one more event on host A, seen by the vmm before the restart
    const a1 = await Sys.spawn(hc.root, 'a1');
    await a1.exit();
    logA = await hostLogUntil(hc.platform, (e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.name === 'a1');
    expect(logA.map(brief).slice(2)).toEqual([`3:PROCESS_EXITED:${a1.pid}`]);
    await until(async () => (await hostLink(v)).last_sequence === '3', 'the vmm at sequence 3 of host A');

    // stop (SIGTERM, graceful) and start the host container; watch its health meanwhile
    const health = watchHealth(host.addr());
    await until(() => health.statuses.length > 0 && health.statuses, 'the first health status');
    hc.close();
    await host.c.restart({ timeout: 10 });
    expect(health.statuses).toEqual(['SERVING', 'NOT_SERVING']); // drained: NOT_SERVING first, then the stream ended
    await until(() => health.ended(), 'the health stream to end');
    expect(health.ended()).toBe('UNAVAILABLE');
    health.close();

    // host B: a fresh kernel on the same network name (published on a new loopback port, maybe)
    hc = hostClients(host);
    expect(host.addr()).toMatch(/^127\.0\.0\.1:\d+$/);
    // events right away, possibly before the vmm is back: they must reach it all the same
    const early: number[] = [];
    for (const n of ['b1', 'b2', 'b3']) {
      const s = await Sys.spawn(hc.root, n);
      await s.exit();
      early.push(s.pid);
    }

    // the VM of host A lost its host objects (its process is gone with host A)
    const lost = await until(async () => {
      const vm = (await call(v.Vmm.GetVm, { name: 'vm1' })).vm!;
      return vm.host_objects_lost && vm;
    }, 'vm1 marked lost');
    expect(lost.state).toBe('VM_STATE_RUNNING');
    expect(lost.message).toMatch(/^host objects lost: /);

    // a new VM on host B through the same vmm: its calls reach the new host
    const { pid: vm2Pid, orchestratorPid, vm: vm2 } = await bootVm(v, hc.root, 'vm2');
    expect(vm2.state).toBe('VM_STATE_RUNNING');
    expect(await guestMaps(v, 'vm2')).toEqual([0, 0, 0]);
    await call(v.Guest.WriteMemory, { vm: 'vm2', gpa: String(16n * MiB + 64n), data: Buffer.from('host B') });
    const r = await call(hc.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(MiB + 64n), length: '6', write: false, data: none, allow_page_request: false });
    expect(Buffer.from(r.data!).toString()).toBe('host B');
    const end = await Sys.spawn(hc.root, 'b-end');
    await end.exit();

    const logB = await hostLogUntil(hc.platform, (e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.name === 'b-end');
    expect(logB.map(brief)).toEqual([
      `1:PROCESS_EXITED:${early[0]}`,
      `2:PROCESS_EXITED:${early[1]}`,
      `3:PROCESS_EXITED:${early[2]}`,
      `4:PROCESS_EXITED:${orchestratorPid}`,
      `5:PROCESS_EXITED:${end.pid}`,
    ]);
    // host B numbers its events from 1 again: at or below the last sequence the vmm saw on A
    const link = await until(async () => {
      const l = await hostLink(v);
      return l.host_restarts === '1' && l.last_sequence === '5' && l;
    }, 'the vmm to follow host B to sequence 5');
    // every event of both logs delivered once: 3 of host A + 5 of host B
    expect(link.events_seen).toBe(String(logA.length + logB.length));
    expect(Number(link.stream_breaks)).toBeGreaterThanOrEqual(1);
    expect(Number(link.rechecks)).toBeGreaterThanOrEqual(1);

    // vm2 is healthy; vm1 stays lost; nothing of vm1 on host B (its pid may be vm2's now)
    expect((await call(v.Vmm.GetVm, { name: 'vm2' })).vm!).toMatchObject({ state: 'VM_STATE_RUNNING', host_objects_lost: false });
    expect(vm1Pid).toBeGreaterThan(0);
    expect((await call(v.Vmm.ListVms, {})).vms.map((x) => [x.spec!.name, x.host_objects_lost])).toEqual([
      ['vm1', true],
      ['vm2', false],
    ]);
    const hostPins = await call(hc.platform.Platform.Inspect, { host: true });
    expect(hostPins.pinned).toEqual({ pages: '16', bytes: '65536' }); // vm2's mapping only
    expect(vm2Pid).toBeGreaterThan(0);
  });
});
