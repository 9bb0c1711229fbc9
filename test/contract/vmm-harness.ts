/**
 * Both services in-process on 127.0.0.1:0: a host-iommu (intel-vtd unless told otherwise) and a
 * vmm on top of it, plus the orchestrator's side of the libvirt → QEMU fd-passing story.
 */
import { pino } from 'pino';
import { call, createClients, createVmmClients, type HostClients, type VmmClients } from '../../libs/rpc/client.js';
import { startVmmServer, type VmmServer } from '../../services/vmm/src/main.js';
import { startTestHost, Sys, type TestHost } from './harness.js';

export interface TestTwin {
  host: TestHost;
  vmm: VmmServer;
  /** the orchestrator's client of the vmm (principal root) */
  v: VmmClients;
  close(): Promise<void>;
}

export async function startTestTwin(profile = 'intel-vtd', opts: { leaseMs?: number; heartbeatMs?: number } = {}): Promise<TestTwin> {
  const host = await startTestHost(profile);
  const vmm = await startVmmServer({
    listen: '127.0.0.1:0',
    host: host.srv.addr,
    tokens: { 'vmm-root': 'root' },
    hostToken: 'tok-qemu',
    hostPlatformToken: 'tok-platform',
    logger: pino({ level: 'silent' }),
    leaseMs: opts.leaseMs ?? 10_000,
    heartbeatMs: opts.heartbeatMs ?? 1_000,
  });
  const v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 30_000 });
  return {
    host,
    vmm,
    v,
    async close() {
      v.close();
      await vmm.close(500);
      await host.close();
    },
  };
}

/** The orchestrator (root on the host): opens nodes and passes fds into a VM's host process. */
export class Orchestrator {
  private constructor(
    readonly sys: Sys,
    readonly host: HostClients,
  ) {}

  static async create(t: TestTwin): Promise<Orchestrator> {
    return new Orchestrator(await Sys.spawn(t.host.root, 'libvirtd'), t.host.root);
  }

  /** open `path` as root, SendFd it into `pid`, close root's copy; returns the fd in `pid` */
  async pass(path: string, pid: number): Promise<number> {
    const fd = await this.sys.open(path);
    const target = await this.sys.sendFd(fd, pid);
    await this.sys.close(fd);
    return target;
  }
}

export function hostClients(t: TestTwin, token = 'tok-root'): HostClients {
  return createClients(t.host.srv.addr, { token });
}

export { call };
