/**
 * Issue #7, item 4 (isolation of dead VMs, process identity across host restarts) and item 6
 * (restart of a stopped VM). host-iommu and vmm in-process over real gRPC.
 *
 *  1. a VM whose host process was killed by its lease: Guest.Dma on its former device refused;
 *  2. the device reassigned to VM B while the vmm has not seen VM A die: A cannot read or write
 *     B's memory (the host refuses A's DMA: its owner assertion names a process that is gone);
 *  3. host-iommu restarted and another `qemu` caller planted `qemu:<vm>` at the VM's old pid:
 *     the VM is lost, not served by the planted process;
 *  4. Platform.DeviceDma's owner assertion: only a live process of this boot holding the
 *     device's binding (bound device fd + its iommufd) gets the DMA (ESRCH / EPERM otherwise);
 *  4b. every per-process call may carry the process's identity (boot id, start time metadata);
 *     the vmm always sends it, so a pid that names another process now is ESRCH;
 *  5. a STOPPED VM (by StopVm, or lost) starts again in a fresh host process and works.
 *
 * Each failed on the code before the change: (1)/(2) the DMA went through (host_fault / B's
 * bytes), (3) the planted process was taken for the VM's (name check), (4) expect_owner did not
 * exist (the DMA went through), (5) StartVm of a STOPPED VM was BAD_STATE.
 */
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { call, callMeta, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import { BOOT_ID_KEY, START_TIME_KEY } from '#libs/rpc/metadata.js';
import { startHostServer, type HostServer } from '../../services/host-iommu/src/main.js';
import { startVmmServer } from '../../services/vmm/src/main.js';
import { expectStatus, Sys, TOKENS } from '../contract/harness.js';
import { nicAndNetVm, passNodes, startTestTwin, until, type TestTwin } from '../contract/vmm-harness.js';

const MiB = 1n << 20n;
const NIC_EP = 0x18; // 0000:00:03.0
const IOVA = MiB;
const GPA = 16n * MiB;
const silent = pino({ level: 'silent' });

/** The orchestrator's side: /dev/iommu and vfio0 opened by root, passed into `pid`, root's copies closed. */
function passFds(root: HostClients, pid: number): Promise<Record<string, number>> {
  return passNodes(root, pid, { iommufd0: '/dev/iommu', nic0: '/dev/vfio/devices/vfio0' });
}

/** CreateVm + fd passing + StartVm: the VM's host pid. */
async function bootVm(v: VmmClients, root: HostClients, name: string): Promise<number> {
  const pid = (await call(v.Vmm.CreateVm, { spec: nicAndNetVm(name) })).vm!.host_pid;
  const started = await call(v.Vmm.StartVm, { name, passed_fds: await passFds(root, pid) });
  expect(started.vm!.state).toBe('VM_STATE_RUNNING');
  return pid;
}

/** The guest driver: features, nic0 in domain 1, IOVA [1 MiB, +64 KiB) → GPA 16 MiB. */
async function guestMaps(v: VmmClients, vm: string): Promise<void> {
  const cfg = await call(v.Guest.VirtioIommuConfig, { vm });
  expect((await call(v.Guest.VirtioIommuSetFeatures, { vm, driver_features: cfg.device_features })).features_ok).toBe(true);
  expect((await call(v.Guest.VirtioIommuRequest, { vm, attach: { domain: 1, endpoint: NIC_EP, flags: 0, reserved: 0 } })).status).toBe(0);
  const map = await call(v.Guest.VirtioIommuRequest, { vm, map: { domain: 1, virt_start: String(IOVA), virt_end: String(IOVA + 0xffffn), phys_start: String(GPA), flags: 3 } });
  expect(map.status).toBe(0);
}

function dmaRead(v: VmmClients, vm: string, n: number) {
  return call(v.Guest.Dma, { vm, device_id: 'nic0', iova: String(IOVA), length: String(n), write: false, data: Buffer.alloc(0) });
}
function dmaWrite(v: VmmClients, vm: string, data: Buffer) {
  return call(v.Guest.Dma, { vm, device_id: 'nic0', iova: String(IOVA), length: String(data.length), write: true, data });
}
async function poke(v: VmmClients, vm: string, text: string): Promise<void> {
  await call(v.Guest.WriteMemory, { vm, gpa: String(GPA), data: Buffer.from(text) });
}
async function peek(v: VmmClients, vm: string, n: number): Promise<string> {
  return Buffer.from((await call(v.Guest.ReadMemory, { vm, gpa: String(GPA), length: String(n) })).data).toString();
}
async function getVm(v: VmmClients, name: string) {
  return (await call(v.Vmm.GetVm, { name })).vm!;
}

/** What the host did: DMAs attempted and the newest host event (a refused DMA changes neither). */
function hostDmaState(srv: HostServer) {
  return { dmas: srv.host.dmaStats.dmas, head: srv.host.events.headSequence };
}

let t: TestTwin | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await t?.close();
  t = undefined;
});

describe('item 4: a VM whose host process died has no device access', () => {
  it('lease expired → the VM is lost, and Guest.Dma on its former device is refused (HOST_OBJECTS_LOST) with nothing done on the host', async () => {
    // heartbeats far apart: the VM process's lease runs out while the vmm lives
    t = await startTestTwin('intel-vtd', { leaseMs: 1500, heartbeatMs: 600_000 });
    const pid = await bootVm(t.v, t.host.root, 'va');
    await guestMaps(t.v, 'va');
    await poke(t.v, 'va', 'A-data');
    expect(Buffer.from((await dmaRead(t.v, 'va', 6)).data!).toString()).toBe('A-data');

    await until(async () => (await getVm(t!.v, 'va')).host_objects_lost, 'the VM marked lost after its lease expired');
    expect(t.host.srv.host.processes.has(pid)).toBe(false);
    expect((await getVm(t.v, 'va')).message).toMatch(/^host objects lost: host process \d+: (LEASE_EXPIRED|PROCESS_EXITED)$/);

    const before = hostDmaState(t.host.srv);
    await expectStatus(dmaRead(t.v, 'va', 6), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(dmaWrite(t.v, 'va', Buffer.from('evil')), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(call(t.v.Guest.ReadMemory, { vm: 'va', gpa: String(GPA), length: '6' }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(call(t.v.Guest.VirtioIommuRequest, { vm: 'va', probe: { endpoint: NIC_EP } }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    expect(hostDmaState(t.host.srv)).toEqual(before);
  });

  it('the device reassigned to VM B before the vmm saw VM A die: A can neither read nor write B’s memory (the host refuses A’s DMA: ESRCH → HOST_OBJECTS_LOST)', async () => {
    t = await startTestTwin('intel-vtd', { leaseMs: 60_000, heartbeatMs: 600_000 });
    // the vmm does not see host events (as if the follower lagged): only the host's owner check stands
    t.vmm.mgr.onHostEvent = () => undefined;
    const pidA = await bootVm(t.v, t.host.root, 'vm-a');
    await guestMaps(t.v, 'vm-a');
    await poke(t.v, 'vm-a', 'A-data!!');
    expect(Buffer.from((await dmaRead(t.v, 'vm-a', 8)).data!).toString()).toBe('A-data!!');

    // A's host process is killed: its fds close, the device is unbound; B gets the device
    await call(t.host.root.Process.Exit, { pid: pidA });
    await bootVm(t.v, t.host.root, 'vm-b');
    await guestMaps(t.v, 'vm-b'); // the same IOVA → B's GPA 16 MiB
    await poke(t.v, 'vm-b', 'B-secret');
    expect(Buffer.from((await dmaRead(t.v, 'vm-b', 8)).data!).toString()).toBe('B-secret');
    // the window of the issue: the vmm still takes A for running
    expect(await getVm(t.v, 'vm-a')).toMatchObject({ state: 'VM_STATE_RUNNING', host_objects_lost: false });

    const before = hostDmaState(t.host.srv);
    // a write first: the host refuses it (A's process is gone), the vmm learns A is lost
    await expectStatus(dmaWrite(t.v, 'vm-a', Buffer.from('A-evil!!')), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    const a = await getVm(t.v, 'vm-a');
    expect(a.host_objects_lost).toBe(true);
    expect(a.message).toMatch(/^host objects lost: the host has no process \d+ started at \d+ in boot [0-9a-f-]{36} \(device DMA refused\)$/);
    await expectStatus(dmaRead(t.v, 'vm-a', 8), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    // nothing moved, nothing logged; B's memory is B's
    expect(hostDmaState(t.host.srv)).toEqual(before);
    expect(await peek(t.v, 'vm-b', 8)).toBe('B-secret');
    expect(Buffer.from((await dmaRead(t.v, 'vm-b', 8)).data!).toString()).toBe('B-secret');
  });
});

describe('item 4: process identity across a host restart', () => {
  it('a process named qemu:<vm> planted at the VM’s old pid by another qemu caller → the VM is lost, never served by it', async () => {
    let hostA: HostServer | undefined = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: silent });
    const addr = hostA.addr;
    cleanups.push(async () => hostA?.close(200));
    const bootA = hostA.host.bootId;
    const vmm = await startVmmServer({ listen: '127.0.0.1:0', host: addr, tokens: { 'vmm-root': 'root' }, hostToken: 'tok-qemu', hostPlatformToken: 'tok-platform', logger: silent, leaseMs: 10_000, heartbeatMs: 200 });
    cleanups.push(() => vmm.close(200));
    const v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 20_000 });
    cleanups.push(async () => v.close());
    const rootA = createClients(addr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    cleanups.push(async () => rootA.close());

    const pid = await bootVm(v, rootA, 'vm1');
    await guestMaps(v, 'vm1');

    // host-iommu restarts on the same address; before the vmm is back, another holder of the
    // qemu token spawns `qemu:vm1` — a restarted host numbers pids again, so it gets vm1's pid
    await hostA.close(200);
    hostA = undefined;
    const hostB = await startHostServer({ listen: addr, profile: 'intel-vtd', tokens: { ...TOKENS }, logger: silent });
    cleanups.push(() => hostB.close(200));
    const planted = hostB.host.spawn(hostB.host.principal('qemu'), 'qemu:vm1', 0); // what Process.Spawn does for a qemu caller
    expect(planted.pid).toBe(pid);
    const plantedStatus = hostB.host.getStatus(planted);

    await until(() => vmm.linkStatus.hostRestarts === 1 && vmm.linkStatus.rechecks >= 1, 'the vmm to see the restart and re-check its VMs');
    await until(async () => (await getVm(v, 'vm1')).host_objects_lost, 'vm1 marked lost');
    const lost = await getVm(v, 'vm1');
    expect(lost.message).toMatch(/^host objects lost: /);
    // not served by the planted process: no guest memory, no device, no vIOMMU
    await expectStatus(call(v.Guest.ReadMemory, { vm: 'vm1', gpa: String(GPA), length: '4' }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(call(v.Guest.WriteMemory, { vm: 'vm1', gpa: String(GPA), data: Buffer.from('x') }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(dmaRead(v, 'vm1', 4), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await expectStatus(call(v.Guest.VirtioIommuRequest, { vm: 'vm1', map: { domain: 1, virt_start: String(2n * MiB), virt_end: String(2n * MiB + 0xfffn), phys_start: '0', flags: 3 } }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    // StopVm leaves the planted process alone and untouched; the VM gets a process of the new boot
    await call(v.Vmm.StopVm, { name: 'vm1' });
    expect(planted.alive).toBe(true);
    expect(hostB.host.getStatus(planted)).toEqual(plantedStatus);
    expect(plantedStatus.fds).toEqual([]);
    // the identities: another boot, so the old pid names another process
    expect(hostB.host.bootId).not.toBe(bootA);
    const stopped = vmm.mgr.vm('vm1');
    expect(stopped.state).toBe('STOPPED');
    expect(stopped.proc).toMatchObject({ bootId: hostB.host.bootId });
    expect(stopped.proc!.pid).not.toBe(pid);
  });
});

describe('item 4: the host checks device ownership on every DMA (Platform.DeviceDma expect_owner)', () => {
  it('boot id and start time from Spawn / GetStatus / Describe; only the live process holding the binding gets the DMA', async () => {
    t = await startTestTwin();
    const host = t.host.srv.host;
    const pid = await bootVm(t.v, t.host.root, 'vo');
    await guestMaps(t.v, 'vo');
    await poke(t.v, 'vo', 'owner-ok');

    const boot = (await call(t.host.platform.Platform.Describe, {})).boot_id;
    expect(boot).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const st = await call(t.host.root.Process.GetStatus, { pid });
    expect(st.boot_id).toBe(boot);
    expect(st.start_time).toBe(host.processes.get(pid)!.startTime.toString());
    const spawned = await call(t.host.qemu.Process.Spawn, { name: 'intruder', lease_ms: 0 });
    expect(spawned.boot_id).toBe(boot);
    expect(BigInt(spawned.start_time)).toBeGreaterThanOrEqual(BigInt(st.start_time));
    const intruder = new Sys(t.host.qemu, spawned.pid);

    const dma = (owner: { boot_id: string; pid: number; start_time: string }) =>
      call(t!.host.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(IOVA), length: '8', write: false, data: Buffer.alloc(0), allow_page_request: false, expect_owner: owner });
    const me = { boot_id: boot, pid, start_time: st.start_time };

    expect(Buffer.from((await dma(me)).data!).toString()).toBe('owner-ok');
    const before = hostDmaState(t.host.srv);
    // not this boot, not this process (start time), no such process: ESRCH
    await expectStatus(dma({ ...me, boot_id: '00000000-0000-4000-8000-000000000000' }), grpc.status.NOT_FOUND, 'ESRCH');
    await expectStatus(dma({ ...me, start_time: String(BigInt(st.start_time) + 1n) }), grpc.status.NOT_FOUND, 'ESRCH');
    await expectStatus(dma({ ...me, pid: 999_999 }), grpc.status.NOT_FOUND, 'ESRCH');
    // a live process that does not hold the binding: EPERM — nothing, an iommufd of its own, the
    // VM's bound device fd without the VM's iommufd
    const intruderId = { boot_id: boot, pid: spawned.pid, start_time: spawned.start_time };
    await expectStatus(dma(intruderId), grpc.status.PERMISSION_DENIED, 'EPERM');
    // DeviceDmaBatch takes the same assertion, checked before any record is translated
    const rec = Buffer.alloc(16);
    rec.writeBigUInt64LE(IOVA, 0);
    const batch = (owner: typeof me) => call(t!.host.platform.Platform.DeviceDmaBatch, { bdf: '0000:01:00.0', entries: rec, expect_owner: owner });
    await expectStatus(batch(intruderId), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(batch({ ...me, start_time: String(BigInt(st.start_time) + 1n) }), grpc.status.NOT_FOUND, 'ESRCH');
    expect((await batch(me)).translated).toBe(1);
    const vmSys = new Sys(t.host.root, pid);
    const fds = (await vmSys.status()).fds;
    const devFd = fds.find((f) => f.kind === 'FD_KIND_VFIO_DEVICE')!.fd;
    const iommuFd = fds.find((f) => f.kind === 'FD_KIND_IOMMUFD')!.fd;
    const opener = await Sys.spawn(t.host.root, 'opener');
    await opener.sendFd(await opener.open('/dev/iommu'), spawned.pid);
    await opener.exit();
    await expectStatus(dma(intruderId), grpc.status.PERMISSION_DENIED, 'EPERM');
    await vmSys.sendFd(devFd, spawned.pid);
    await expectStatus(dma(intruderId), grpc.status.PERMISSION_DENIED, 'EPERM');
    // no DMA done, no fault logged (the opener's exit is the only event since)
    expect(host.dmaStats.dmas).toBe(before.dmas);
    expect(host.events.since(before.head).events.map((e) => e.kind)).toEqual(['PROCESS_EXITED']);
    // with the VM's iommufd too it holds the binding, as fd sharing grants in Linux
    await vmSys.sendFd(iommuFd, spawned.pid);
    expect(Buffer.from((await dma(intruderId)).data!).toString()).toBe('owner-ok');
    await intruder.exit();
    // without an assertion DeviceDma is the hardware's, as before
    const bare = await call(t.host.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(IOVA), length: '8', write: false, data: Buffer.alloc(0), allow_page_request: false });
    expect(Buffer.from(bare.data!).toString()).toBe('owner-ok');
  });
});

describe('item 4: per-process calls carry the process identity (x-iommutwin-boot-id / x-iommutwin-start-time)', () => {
  it('a call naming another boot or another start time for the pid is ESRCH and changes nothing; the vmm sends its VM process identity on every call', async () => {
    t = await startTestTwin();
    const host = t.host.srv.host;
    const boot = host.bootId;
    const sp = await call(t.host.qemu.Process.Spawn, { name: 'p', lease_ms: 0 });
    const md = (pid: number, id: { boot?: string; start?: string }) => {
      const m = callMeta(pid);
      if (id.boot !== undefined) m.set(BOOT_ID_KEY, id.boot);
      if (id.start !== undefined) m.set(START_TIME_KEY, id.start);
      return m;
    };
    const fdsOf = () => host.processes.get(sp.pid)!.fds.size;
    const open = (id: { boot?: string; start?: string }) => call(t!.host.qemu.Process.MemfdCreate, { name: 'm', flags: 0 }, md(sp.pid, id));
    await expectStatus(open({ boot: '00000000-0000-4000-8000-000000000000' }), grpc.status.NOT_FOUND, 'ESRCH');
    await expectStatus(open({ boot, start: String(BigInt(sp.start_time) + 1n) }), grpc.status.NOT_FOUND, 'ESRCH');
    expect(fdsOf()).toBe(0);
    expect((await open({ boot, start: sp.start_time })).fd).toBe(3);
    expect((await open({})).fd).toBe(4); // without identity: as before
    // calls naming the pid in the body (no acting pid): the start time refers to that pid
    const bodyMd = new grpc.Metadata();
    bodyMd.set(START_TIME_KEY, String(BigInt(sp.start_time) + 1n));
    await expectStatus(call(t.host.qemu.Process.Exit, { pid: sp.pid }, bodyMd), grpc.status.NOT_FOUND, 'ESRCH');
    expect(host.processes.has(sp.pid)).toBe(true);
    await expectStatus(call(t.host.qemu.Process.GetStatus, { pid: sp.pid }, bodyMd), grpc.status.NOT_FOUND, 'ESRCH');
    // malformed identity metadata
    const long = new grpc.Metadata();
    long.set(BOOT_ID_KEY, 'x'.repeat(65));
    await expectStatus(call(t.host.qemu.Process.GetStatus, { pid: sp.pid }, long), grpc.status.INVALID_ARGUMENT, 'BAD_METADATA');

    const pid = (await call(t.v.Vmm.CreateVm, { spec: nicAndNetVm('vi') })).vm!.host_pid;
    await call(t.v.Vmm.StartVm, { name: 'vi', passed_fds: await passFds(t.host.root, pid) });
    // the vmm's calls for a VM carry that VM process's identity
    const link = (t.vmm.mgr as unknown as { link: { meta(pid: number): grpc.Metadata } }).link;
    const m = link.meta(pid);
    expect(m.get(BOOT_ID_KEY)).toEqual([boot]);
    expect(m.get(START_TIME_KEY)).toEqual([String(host.processes.get(pid)!.startTime)]);
  });
});

describe('item 6: a STOPPED VM starts again', () => {
  it('StopVm → STOPPED in a fresh host process; fds passed again, StartVm → RUNNING with fresh host objects: MAP and DMA work; a lost VM too', async () => {
    t = await startTestTwin('intel-vtd', { leaseMs: 60_000, heartbeatMs: 600_000 });
    const host = t.host.srv.host;
    const pid1 = await bootVm(t.v, t.host.root, 'vr');
    await guestMaps(t.v, 'vr');
    await poke(t.v, 'vr', 'first');
    expect(Buffer.from((await dmaRead(t.v, 'vr', 5)).data!).toString()).toBe('first');

    // StopVm: the process exits with every host object; the VM waits in a fresh, idle one
    await call(t.v.Vmm.StopVm, { name: 'vr' });
    const stopped = await getVm(t.v, 'vr');
    expect(stopped).toMatchObject({ state: 'VM_STATE_STOPPED', host_objects_lost: false, message: '', ram_fd: -1 });
    const pid2 = stopped.host_pid;
    expect(pid2).not.toBe(pid1);
    expect(host.processes.has(pid1)).toBe(false);
    expect(host.getStatus(host.processes.get(pid2)!).fds).toEqual([]);
    await expectStatus(dmaRead(t.v, 'vr', 5), grpc.status.FAILED_PRECONDITION, 'VM_NOT_RUNNING');

    // restart: fds passed into the new host_pid, as for a DEFINED VM
    const restarted = (await call(t.v.Vmm.StartVm, { name: 'vr', passed_fds: await passFds(t.host.root, pid2) })).vm!;
    expect(restarted).toMatchObject({ state: 'VM_STATE_RUNNING', host_pid: pid2, host_objects_lost: false });
    expect(restarted.devices.find((d) => d.id === 'nic0')!.host).toBeDefined();
    // guest RAM is fresh; the guest maps again and its device DMAs both ways
    expect(await peek(t.v, 'vr', 5)).toBe('\0\0\0\0\0');
    await guestMaps(t.v, 'vr');
    await poke(t.v, 'vr', 'second');
    expect(Buffer.from((await dmaRead(t.v, 'vr', 6)).data!).toString()).toBe('second');
    expect((await dmaWrite(t.v, 'vr', Buffer.from('device'))).result).toBe('written');
    expect(await peek(t.v, 'vr', 6)).toBe('device');
    expect((await call(t.host.root.Process.GetStatus, { pid: pid2 })).vm_pinned_bytes).toBe(String(64n * 1024n));

    // lost (killed on the host): StartVm refuses until StopVm; then it starts again
    await call(t.host.root.Process.Exit, { pid: pid2 });
    await until(async () => (await getVm(t!.v, 'vr')).host_objects_lost, 'vr marked lost');
    await expectStatus(call(t.v.Vmm.StartVm, { name: 'vr', passed_fds: {} }), grpc.status.FAILED_PRECONDITION, 'HOST_OBJECTS_LOST');
    await call(t.v.Vmm.StopVm, { name: 'vr' });
    const pid3 = (await getVm(t.v, 'vr')).host_pid;
    expect([pid1, pid2]).not.toContain(pid3);

    // the idle process of a STOPPED VM killed too: fds cannot have been passed into no process
    await call(t.host.root.Process.Exit, { pid: pid3 });
    await until(async () => (await getVm(t!.v, 'vr')).host_pid === 0, 'vr without a host process');
    expect((await getVm(t.v, 'vr')).message).toBe(`no host process: host process ${pid3}: PROCESS_EXITED`);
    await expectStatus(call(t.v.Vmm.StartVm, { name: 'vr', passed_fds: { iommufd0: 3, nic0: 4 } }), grpc.status.FAILED_PRECONDITION, 'NO_HOST_PROCESS');
    // StartVm without fds makes a process, fails (qemu cannot open the nodes) and takes it away again
    const processes = host.processes.size;
    await expectStatus(call(t.v.Vmm.StartVm, { name: 'vr', passed_fds: {} }), grpc.status.PERMISSION_DENIED, 'EACCES');
    expect(await getVm(t.v, 'vr')).toMatchObject({ state: 'VM_STATE_STOPPED', host_pid: 0 });
    expect(host.processes.size).toBe(processes);
    // StopVm gives it a fresh one; the restart works
    await call(t.v.Vmm.StopVm, { name: 'vr' });
    const pid4 = (await getVm(t.v, 'vr')).host_pid;
    expect(pid4).toBeGreaterThan(pid3);
    expect((await call(t.v.Vmm.StartVm, { name: 'vr', passed_fds: await passFds(t.host.root, pid4) })).vm!.state).toBe('VM_STATE_RUNNING');
    await guestMaps(t.v, 'vr');
    await poke(t.v, 'vr', 'third');
    expect(Buffer.from((await dmaRead(t.v, 'vr', 5)).data!).toString()).toBe('third');

    await call(t.v.Vmm.DeleteVm, { name: 'vr' });
    expect(host.processes.has(pid4)).toBe(false);
    const ins = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(ins.pinned!.pages).toBe('0');
    expect(ins.page_tables).toEqual([]);
  });
});
