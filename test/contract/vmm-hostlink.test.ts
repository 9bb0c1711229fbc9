/**
 * The vmm's link to its host-iommu: the event follower (in order, no gap or duplicate across a
 * host-iommu restart on the same address), VM host processes lost (host restart, killed by
 * root), leases renewed by heartbeats and expiring when the vmm goes away, and host DMA faults
 * of assigned devices (EMULATED: not guest-visible, counted and logged by the vmm).
 */
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { call, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import { startHostServer, type HostServer } from '../../services/host-iommu/src/main.js';
import { startVmmServer, type VmmServer } from '../../services/vmm/src/main.js';
import type { HostEvent as LinkEvent } from '../../services/vmm/src/hostlink/hostlink.js';
import { expectStatus, Sys, TOKENS, watchEvents } from './harness.js';
import { nicAndNetVm, passNodes, startTestTwin, until, type TestTwin } from './vmm-harness.js';

const MiB = 1n << 20n;
const NIC_EP = 0x18; // 0000:00:03.0
const NET_EP = 0x20; // 0000:00:04.0
const silent = pino({ level: 'silent' });

/** CreateVm + StartVm with /dev/iommu and the device's cdev opened by root and passed in. */
async function bootVm(v: VmmClients, root: HostClients, name: string, cdev = 'vfio0', hostBdf = '0000:01:00.0') {
  const created = await call(v.Vmm.CreateVm, { spec: nicAndNetVm(name, { hostBdf }) });
  const pid = created.vm!.host_pid;
  const passed_fds = await passNodes(root, pid, { iommufd0: '/dev/iommu', nic0: `/dev/vfio/devices/${cdev}` });
  const started = await call(v.Vmm.StartVm, { name, passed_fds });
  expect(started.vm!.state).toBe('VM_STATE_RUNNING');
  return { pid, vm: started.vm! };
}

/** The guest driver: features, nic0 attached to domain 1, one 64 KiB MAP at IOVA 1 MiB → GPA 16 MiB. */
async function guestMaps(v: VmmClients, name: string): Promise<void> {
  const cfg = await call(v.Guest.VirtioIommuConfig, { vm: name });
  expect((await call(v.Guest.VirtioIommuSetFeatures, { vm: name, driver_features: cfg.device_features })).features_ok).toBe(true);
  expect((await call(v.Guest.VirtioIommuRequest, { vm: name, attach: { domain: 1, endpoint: NIC_EP, flags: 0, reserved: 0 } })).status).toBe(0);
  const map = await call(v.Guest.VirtioIommuRequest, { vm: name, map: { domain: 1, virt_start: String(MiB), virt_end: String(MiB + 0xffffn), phys_start: String(16n * MiB), flags: 3 } });
  expect(map.status).toBe(0);
}

async function getVm(v: VmmClients, name: string) {
  return (await call(v.Vmm.GetVm, { name })).vm!;
}

/** What the host's own log holds: (sequence, kind, pid), in order. */
function hostLog(srv: HostServer): string[] {
  return srv.host.events.since(0n).events.map((e) => `${e.sequence}:${e.kind}:${e.pid ?? 0}`);
}

/** Records every event the vmm's follower hands to its VM manager, in delivery order. */
function recordDeliveries(vmm: VmmServer): string[] {
  const seen: string[] = [];
  const deliver = vmm.mgr.onHostEvent.bind(vmm.mgr);
  vmm.mgr.onHostEvent = (e: LinkEvent) => {
    seen.push(`${e.sequence}:${e.kind}:${e.pid}`);
    deliver(e);
  };
  return seen;
}

/** A root process spawned and exited: one PROCESS_EXITED host event. */
async function processExited(root: HostClients, name: string): Promise<number> {
  const s = await Sys.spawn(root, name);
  await s.exit();
  return s.pid;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('host event follower across a host-iommu restart on the same address', () => {
  it('resumes in order without gap or duplicate, marks the VM lost, keeps serving, runs new VMs on the new host', async () => {
    let hostA: HostServer | undefined = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: silent });
    const addr = hostA.addr;
    cleanups.push(async () => hostA?.close(200));
    const vmm = await startVmmServer({ listen: '127.0.0.1:0', host: addr, tokens: { 'vmm-root': 'root' }, hostToken: 'tok-qemu', hostPlatformToken: 'tok-platform', logger: silent, leaseMs: 10_000, heartbeatMs: 200 });
    cleanups.push(() => vmm.close(200));
    const seen = recordDeliveries(vmm);
    const v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 20_000 });
    cleanups.push(async () => v.close());
    const rootA = createClients(addr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    cleanups.push(async () => rootA.close());

    // host A: a running VM with a guest mapping shadowed on the host, and a few host events
    const { pid: vm1Pid } = await bootVm(v, rootA, 'vm1');
    await guestMaps(v, 'vm1');
    for (const n of ['a1', 'a2', 'a3']) await processExited(rootA, n);
    const dma = await call(v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(8n * MiB), length: '4', write: false, data: Buffer.alloc(0) });
    expect(dma.result).toBe('host_fault');
    const logA = hostLog(hostA);
    const headA = hostA.host.events.headSequence;
    await until(() => vmm.linkStatus.lastSequence === headA, `the vmm to follow host A up to sequence ${headA}`);
    expect(seen).toEqual(logA);
    expect(logA.map((x) => x.split(':')[1])).toEqual(['PROCESS_EXITED', 'PROCESS_EXITED', 'PROCESS_EXITED', 'PROCESS_EXITED', 'DMA_FAULT']);
    expect(vmm.linkStatus).toMatchObject({ eventsSeen: logA.length, streamBreaks: 0, hostRestarts: 0 });
    expect(await getVm(v, 'vm1')).toMatchObject({ host_objects_lost: false, message: '' });

    // host A goes away with the VM's process; a new host-iommu comes up on the same address
    await hostA.close(200);
    hostA = undefined;
    const hostB = await startHostServer({ listen: addr, profile: 'intel-vtd', tokens: { ...TOKENS }, logger: silent });
    cleanups.push(() => hostB.close(200));
    expect(hostB.addr).toBe(addr);
    await until(async () => (await getVm(v, 'vm1')).host_objects_lost, 'vm1 marked lost after the host restart');
    const lost = await getVm(v, 'vm1');
    expect(lost.state).toBe('VM_STATE_RUNNING');
    expect(lost.message).toMatch(/^host objects lost: /);
    expect(vmm.linkStatus.streamBreaks).toBeGreaterThanOrEqual(1);

    // the vmm keeps serving: ListVms, and a new VM on the new host (which numbers pids again:
    // vm2's process gets vm1's old pid)
    expect((await call(v.Vmm.ListVms, {})).vms.map((x) => [x.spec!.name, x.host_objects_lost])).toEqual([['vm1', true]]);
    const rootB = createClients(addr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    cleanups.push(async () => rootB.close());
    const { pid: vm2Pid } = await bootVm(v, rootB, 'vm2');
    expect(vm2Pid).toBe(vm1Pid);
    await guestMaps(v, 'vm2');
    await call(v.Guest.WriteMemory, { vm: 'vm2', gpa: String(16n * MiB + 32n), data: Buffer.from('host B') });
    const read = await call(v.Guest.Dma, { vm: 'vm2', device_id: 'nic0', iova: String(MiB + 32n), length: '6', write: false, data: Buffer.alloc(0) });
    expect(Buffer.from(read.data!).toString()).toBe('host B');
    await processExited(rootB, 'b1');

    // host B's events from its first one, after host A's: nothing lost, nothing twice
    const logB = hostLog(hostB);
    const headB = hostB.host.events.headSequence;
    await until(() => vmm.linkStatus.hostRestarts === 1 && vmm.linkStatus.lastSequence === headB, `the vmm to follow host B up to sequence ${headB}`);
    expect(seen).toEqual([...logA, ...logB]);
    expect(vmm.linkStatus).toMatchObject({ eventsSeen: logA.length + logB.length, hostRestarts: 1 });
    expect(vmm.linkStatus.rechecks).toBeGreaterThanOrEqual(1);

    // deleting the lost VM leaves its old pid alone: it is vm2's process now
    await call(v.Vmm.DeleteVm, { name: 'vm1' });
    expect(hostB.host.processes.get(vm2Pid)?.startTime).toBe(vmm.mgr.vm('vm2').proc!.startTime);
    expect(await getVm(v, 'vm2')).toMatchObject({ state: 'VM_STATE_RUNNING', host_objects_lost: false });

    // StopVm: the expected PROCESS_EXITED is not a loss
    await call(v.Vmm.StopVm, { name: 'vm2' });
    const exited = hostB.host.events.headSequence;
    await until(() => vmm.linkStatus.lastSequence === exited, 'the vmm to see vm2 exit');
    expect(seen[seen.length - 1]).toBe(`${exited}:PROCESS_EXITED:${vm2Pid}`);
    expect(await getVm(v, 'vm2')).toMatchObject({ state: 'VM_STATE_STOPPED', host_objects_lost: false, message: '' });
    const ins = await call(rootB.Platform.Inspect, { host: true });
    expect(ins.pinned!.pages).toBe('0');
    expect(ins.page_tables).toEqual([]);
  });
});

describe('VM host processes', () => {
  let t: TestTwin | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a VM process killed on the host (Process.Exit by root) → host_objects_lost with the host event', async () => {
    // heartbeats far apart: only the PROCESS_EXITED event can tell the vmm
    t = await startTestTwin('intel-vtd', { leaseMs: 60_000, heartbeatMs: 30_000 });
    const { pid } = await bootVm(t.v, t.host.root, 'vmk');
    await guestMaps(t.v, 'vmk');
    await call(t.host.root.Process.Exit, { pid });
    await until(async () => (await getVm(t!.v, 'vmk')).host_objects_lost, 'vmk marked lost');
    const info = await getVm(t.v, 'vmk');
    expect(info.message).toBe(`host objects lost: host process ${pid}: PROCESS_EXITED`);
    expect(info.state).toBe('VM_STATE_RUNNING');
    // the guest's memory and devices went with the process: no guest or device access
    await expectStatus(call(t.v.Guest.ReadMemory, { vm: 'vmk', gpa: '0', length: '4' }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(call(t.v.Guest.Dma, { vm: 'vmk', device_id: 'nic0', iova: String(MiB), length: '4', write: false, data: Buffer.alloc(0) }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    // stopping a lost VM does not touch the (gone) pid; the host holds nothing of it; the VM
    // waits in a fresh, idle host process for the next StartVm
    await call(t.v.Vmm.StopVm, { name: 'vmk' });
    const stopped = await getVm(t.v, 'vmk');
    expect(stopped).toMatchObject({ state: 'VM_STATE_STOPPED', host_objects_lost: false, message: '' });
    expect(stopped.host_pid).not.toBe(pid);
    expect((await call(t.host.root.Process.GetStatus, { pid: stopped.host_pid })).fds).toEqual([]);
    const ins = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(ins.pinned!.pages).toBe('0');
    expect(ins.page_tables).toEqual([]);
  });

  it('leases: heartbeats keep the VM process alive; the vmm gone without StopVm → LEASE_EXPIRED, the process killed, pins released', async () => {
    const leaseMs = 800;
    t = await startTestTwin('intel-vtd', { leaseMs, heartbeatMs: 100 });
    const { pid } = await bootVm(t.v, t.host.root, 'vml');
    await guestMaps(t.v, 'vml');
    const proc = t.host.srv.host.processes.get(pid)!;
    expect(proc.leaseMs).toBe(leaseMs);
    const firstExpiry = proc.leaseExpiresAt;
    // alive past its first expiry: renewed by the vmm's heartbeats
    await until(() => proc.leaseExpiresAt > firstExpiry + leaseMs, 'the lease renewed after its first expiry');
    expect(proc.alive).toBe(true);
    const pinned = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(BigInt(pinned.pinned!.pages as string)).toBeGreaterThan(0n);

    const w = watchEvents(t.host.platform, t.host.srv.host.events.headSequence);
    await t.vmm.close(200);
    const expired = await w.until((e) => e.kind === 'HOST_EVENT_KIND_LEASE_EXPIRED' && e.pid === pid);
    const exited = await w.until((e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.pid === pid);
    w.cancel();
    expect(BigInt(exited.sequence as string)).toBe(BigInt(expired.sequence as string) + 1n);
    expect(expired.name).toBe('qemu:vml');
    expect(t.host.srv.host.processes.has(pid)).toBe(false);
    const ins = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(ins.pinned!.pages).toBe('0');
    expect(ins.page_tables).toEqual([]);
    // the twin's close closes the vmm again: make that a no-op by closing the rest here
    t.v.close();
    await t.host.close();
    t = undefined;
  });
});

/** A pull interface over Guest.Events (guest-visible events of one VM). */
function guestEvents(v: VmmClients, vm: string) {
  const stream = v.Guest.Events({ vm, after_sequence: '0' });
  const items: EventsResponse__Output[] = [];
  const failed: grpc.ServiceError[] = [];
  stream.on('data', (m: EventsResponse__Output) => items.push(m));
  stream.on('error', (e: grpc.ServiceError) => {
    if (e.code !== grpc.status.CANCELLED) failed.push(e);
  });
  return { items, failed, cancel: () => stream.cancel() };
}

describe('host DMA faults of an assigned device (EMULATED backend)', () => {
  let host: Awaited<ReturnType<typeof startHostServer>> | undefined;
  let vmm: VmmServer | undefined;
  afterEach(async () => {
    await vmm?.close(200);
    await host?.close(200);
    vmm = undefined;
    host = undefined;
  });

  it('Guest.Dma returns host_fault, the guest sees no event, the vmm counts and logs every host fault of its devices', async () => {
    host = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: silent });
    const lines: Array<Record<string, unknown>> = [];
    const logger: Logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    vmm = await startVmmServer({ listen: '127.0.0.1:0', host: host.addr, tokens: { 'vmm-root': 'root' }, hostToken: 'tok-qemu', hostPlatformToken: 'tok-platform', logger });
    const v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 20_000 });
    const root = createClients(host.addr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    const platform = createClients(host.addr, { token: 'tok-platform', defaultDeadlineMs: 20_000 });
    let ev: ReturnType<typeof guestEvents> | undefined;
    try {
      await bootVm(v, root, 'vmf');
      ev = guestEvents(v, 'vmf');
      await guestMaps(v, 'vmf'); // nic0 in domain 1: only IOVA [1 MiB, +64 KiB) is mapped
      const vm = vmm.mgr.vm('vmf');
      const caughtUp = (what: string) => until(() => vmm!.linkStatus.lastSequence === host!.host.events.headSequence, what);

      // the guest's device reads an IOVA its domain does not map: the host faults it
      const r = await call(v.Guest.Dma, { vm: 'vmf', device_id: 'nic0', iova: String(4n * MiB), length: '16', write: false, data: Buffer.alloc(0) });
      expect(r.result).toBe('host_fault');
      expect(r.host_fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', addr: String(4n * MiB), recoverable: false });
      await caughtUp('the DMA_FAULT event');
      expect([vmm.mgr.hostDmaFaults, vm.hostDmaFaults]).toEqual([1, 1]);

      // a write outside the mapping, then the physical device on its own (Platform.DeviceDma):
      // every host fault of the device counts, whoever started the DMA
      const w = await call(v.Guest.Dma, { vm: 'vmf', device_id: 'nic0', iova: String(MiB + 0x10000n), length: '2', write: true, data: Buffer.from('xy') });
      expect(w.result).toBe('host_fault');
      const hw = await call(platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(32n * MiB), length: '8', write: false, data: Buffer.alloc(0), allow_page_request: false });
      expect(hw.result).toBe('fault');
      // a fault of a host device no VM of this vmm has does not count
      const other = await call(platform.Platform.DeviceDma, { bdf: '0000:02:00.0', iova: '0', length: '8', write: false, data: Buffer.alloc(0), allow_page_request: false });
      expect(other.result).toBe('fault');
      await caughtUp('the three later DMA_FAULT events');
      expect([vmm.mgr.hostDmaFaults, vm.hostDmaFaults]).toEqual([3, 3]);

      const logged = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('host DMA fault of an assigned device'));
      expect(logged.map((l) => [l.vm, l.device, l.hostBdf, l.backend, l.reason, l.iova, l.vmFaults])).toEqual([
        ['vmf', 'nic0', '0000:01:00.0', 'EMULATED', 'DMA_FAULT_REASON_TRANSLATION', '0x400000', 1],
        ['vmf', 'nic0', '0000:01:00.0', 'EMULATED', 'DMA_FAULT_REASON_TRANSLATION', '0x110000', 2],
        ['vmf', 'nic0', '0000:01:00.0', 'EMULATED', 'DMA_FAULT_REASON_TRANSLATION', '0x2000000', 3],
      ]);
      expect(logged.every((l) => l.level === 40)).toBe(true);

      // not guest-visible: the first guest event is a later virtio fault (net0, translated)
      expect((await call(v.Guest.VirtioSetFeatures, { vm: 'vmf', device_id: 'net0', driver_features: String((1n << 32n) | (1n << 33n)) })).features_ok).toBe(true);
      await call(v.Guest.VirtioIommuRequest, { vm: 'vmf', attach: { domain: 1, endpoint: NET_EP, flags: 0, reserved: 0 } });
      const vf = await call(v.Guest.Dma, { vm: 'vmf', device_id: 'net0', iova: String(4n * MiB), length: '4', write: false, data: Buffer.alloc(0) });
      expect(vf.result).toBe('virtio_fault');
      await until(() => ev!.items.length > 0 || ev!.failed.length > 0, 'the virtio fault on Guest.Events');
      expect(ev.failed).toEqual([]);
      expect(ev.items.map((e) => [e.sequence, e.event, e.virtio_fault?.endpoint, e.virtio_fault?.address])).toEqual([['1', 'virtio_fault', NET_EP, String(4n * MiB)]]);
      expect(vm.events.headSequence).toBe(1n);
    } finally {
      ev?.cancel();
      v.close();
      root.close();
      platform.close();
    }
  });
});
