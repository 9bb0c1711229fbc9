/**
 * vmm bootstrap: connect to the host-iommu (as `qemu` for VM processes, with a platform token
 * for assigned devices' DMA), follow its event log, serve Vmm and Guest.
 */
import type { Logger } from 'pino';
import { createServer, type RpcServer } from '../../../libs/rpc/server.js';
import { defaultLogger, readTokensFile } from '../../host-iommu/src/main.js';
import { HostLink } from './hostlink/hostlink.js';
import { VmManager } from './machine/vmm.js';
import { vmmServices } from './transport/handlers.js';

export interface VmmServerOptions {
  listen: string;
  /** host-iommu address */
  host: string;
  /** the vmm's own clients: token → principal map, or a YAML/JSON file */
  tokens: string | Record<string, string>;
  /** host-iommu token of the principal VM processes run as (qemu) */
  hostToken: string;
  /** host-iommu token with the platform role */
  hostPlatformToken: string;
  logger?: Logger;
  leaseMs?: number;
  heartbeatMs?: number;
}

export interface VmmServer {
  mgr: VmManager;
  link: HostLink;
  server: RpcServer;
  addr: string;
  close(deadlineMs?: number): Promise<void>;
}

export async function startVmmServer(opts: VmmServerOptions): Promise<VmmServer> {
  const logger = opts.logger ?? defaultLogger('vmm');
  const tokens = typeof opts.tokens === 'string' ? readTokensFile(opts.tokens) : opts.tokens;
  const link = new HostLink({ address: opts.host, token: opts.hostToken, platformToken: opts.hostPlatformToken, logger });
  const mgr = new VmManager(link, logger, { leaseMs: opts.leaseMs ?? 10_000, heartbeatMs: opts.heartbeatMs ?? 2_000 });
  const follower = new AbortController();
  let reconnects = 0;
  void link.follow(
    0n,
    (e) => mgr.onHostEvent(e),
    follower.signal,
    (attempt, err) => {
      reconnects++;
      if (attempt === 1) logger.warn({ err: String(err) }, 'host-iommu event stream lost: reconnecting and resuming by sequence');
    },
  );
  // after the stream comes back, re-check every VM's host process (a host restart loses them)
  const recheck = setInterval(() => {
    if (reconnects > 0) {
      reconnects = 0;
      void mgr.recheckHost();
    }
  }, 250);
  recheck.unref();
  const server = createServer({ name: 'vmm', logger, auth: { resolveToken: (t) => tokens[t] }, services: vmmServices(mgr, async () => (await link.describe()).name) });
  const addr = await server.listen(opts.listen);
  return {
    mgr,
    link,
    server,
    addr,
    async close(deadlineMs = 2000) {
      follower.abort();
      clearInterval(recheck);
      for (const vm of mgr.vms.values()) if (vm.heartbeat) clearInterval(vm.heartbeat);
      await server.shutdown(deadlineMs);
      link.dispose();
    },
  };
}
