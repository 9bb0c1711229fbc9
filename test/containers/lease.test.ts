/**
 * The vmm container killed (SIGKILL: no StopVm, no goodbye) while its VM runs: the VM's host
 * process stops being renewed, its lease (the vmm's default, 10 s) expires on the host-iommu,
 * the process is killed and every object and pin it held is released. The device is free again.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient, type StartedNetwork } from 'testcontainers';
import { expectStatus, Sys } from '../contract/harness.js';
import { bootVm, brief, call, guestMaps, hostClients, hostLogUntil, IMAGE, MiB, startHost, startNetwork, startVmm, vmmClients, type ServiceContainer } from './fixture.js';

/** The vmm's lease for VM host processes (startVmmServer's default; the CLI does not change it). */
const LEASE_MS = 10_000;

describe.skipIf(!IMAGE)('a VM process whose vmm container is killed', () => {
  let net: StartedNetwork;
  let host: ServiceContainer;
  let vmm: ServiceContainer;
  let hc: ReturnType<typeof hostClients>;

  beforeAll(async () => {
    net = await startNetwork();
    host = await startHost(IMAGE!, net, 'host-iommu');
    vmm = await startVmm(IMAGE!, net, 'vmm', 'host-iommu');
    hc = hostClients(host);
  });

  afterAll(async () => {
    hc?.close();
    await vmm?.c.stop().catch(() => undefined);
    await host?.c.stop().catch(() => undefined);
    await net?.stop().catch(() => undefined);
  });

  it('lease expires on the host: LEASE_EXPIRED then PROCESS_EXITED, every object and pin released, the device free again', async () => {
    const v = vmmClients(vmm);
    const { pid, orchestratorPid, vm } = await bootVm(v, hc.root, 'vml');
    expect(vm.state).toBe('VM_STATE_RUNNING');
    expect(await guestMaps(v, 'vml')).toEqual([0, 0, 0]);
    await call(v.Guest.WriteMemory, { vm: 'vml', gpa: String(16n * MiB), data: Buffer.from('alive') });
    const dma = await call(hc.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(MiB), length: '5', write: false, data: Buffer.alloc(0), allow_page_request: false });
    expect(Buffer.from(dma.data!).toString()).toBe('alive');
    v.close();

    // held on the host: the guest mapping's pins, one page table, the VM's fds
    const before = await call(hc.platform.Platform.Inspect, { host: true });
    expect(before.pinned).toEqual({ pages: '16', bytes: '65536' });
    expect(before.page_tables.length).toBe(1);
    const st = await call(hc.root.Process.GetStatus, { pid });
    expect(st.fds.map((f) => f.kind)).toEqual(['FD_KIND_IOMMUFD', 'FD_KIND_VFIO_DEVICE', 'FD_KIND_MEMFD']);
    // the lease is renewed by the vmm's heartbeats: it runs LEASE_MS from the last one
    const expiryBeforeKill = Number(st.lease_expires_unix_ms);
    expect(expiryBeforeKill).toBeGreaterThan(Date.now());
    expect(expiryBeforeKill).toBeLessThanOrEqual(Date.now() + LEASE_MS);

    const client = await getContainerRuntimeClient();
    const killedAt = Date.now();
    await client.container.getById(vmm.c.getId()).kill({ signal: 'SIGKILL' });

    const log = await hostLogUntil(hc.platform, (e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.pid === pid, LEASE_MS + 10_000);
    expect(log.map(brief)).toEqual([`1:PROCESS_EXITED:${orchestratorPid}`, `2:LEASE_EXPIRED:${pid}`, `3:PROCESS_EXITED:${pid}`]);
    const expired = log[1]!;
    expect(expired.name).toBe('qemu:vml');
    // not before the lease ran out, and within one lease of the kill (+ the 100 ms sweep, + slack for a loaded machine)
    const at = Number(expired.time_unix_ms);
    expect(at).toBeGreaterThanOrEqual(expiryBeforeKill);
    expect(at - killedAt).toBeLessThanOrEqual(LEASE_MS + 2000);

    // every object and pin released: no pins, no page table, no process
    const after = await call(hc.platform.Platform.Inspect, { host: true });
    expect(after.pinned).toEqual({ pages: '0', bytes: '0' });
    expect(after.page_tables).toEqual([]);
    await expectStatus(call(hc.root.Process.GetStatus, { pid }), grpc.status.NOT_FOUND, 'ESRCH');
    // the device's group is no longer owned by the dead iommufd: another process binds it
    const s = await Sys.spawn(hc.root, 'next-owner');
    const ifd = await s.open('/dev/iommu');
    const dfd = await s.open('/dev/vfio/devices/vfio0');
    expect(await s.bind(dfd, ifd)).toBe(1);
    await s.exit();
  });
});
