/**
 * vmm bootstrap: connect to the host-iommu (as `qemu` for VM processes, with a platform token
 * for assigned devices' DMA), follow its event log, serve Vmm and Guest.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { TokenTable } from '#libs/rpc/auth.js';
import { createServerMetrics, serveMetrics, type MetricsHttpServer, type ServerMetrics } from '#libs/rpc/metrics.js';
import { createServer, type RpcServer } from '#libs/rpc/server.js';
import { defaultLogger } from '../../host-iommu/src/main.js';
import { HostLink, type HostLinkOptions, type HostLinkStatus } from './hostlink/hostlink.js';

export type { HostLinkStatus } from './hostlink/hostlink.js';
import { VmManager } from './machine/vmm.js';
import { MIGRATION_RECEIVE_WINDOW } from './migration/stream.js';
import { vmmServices } from './transport/handlers.js';
import { registerVmmMetrics } from './transport/metrics.js';

export interface VmmServerOptions {
  listen: string;
  /** host-iommu address */
  host: string;
  /**
   * the vmm's own clients: token → principal, as a YAML/JSON file, a record or a TokenTable
   * (checked at start: string tokens and principal names; every principal has full access)
   */
  tokens: string | Record<string, string> | TokenTable;
  /** host-iommu token of the principal VM processes run as (qemu) */
  hostToken: string;
  /** host-iommu token with the platform role */
  hostPlatformToken: string;
  logger?: Logger;
  leaseMs?: number;
  heartbeatMs?: number;
  /** TLS (mTLS when it verifies client certificates) for the vmm's gRPC port (default: plaintext). */
  credentials?: grpc.ServerCredentials;
  /** Channel credentials of the link to the host-iommu (TLS / mTLS; default: plaintext). */
  hostCredentials?: grpc.ChannelCredentials;
  /** Serve Prometheus `/metrics` on this `host:port` (default: off). */
  metricsListen?: string;
  /** Registry to add this server's metrics to (a process serving several servers shares one). */
  metrics?: ServerMetrics;
  /**
   * The in-process transport of the host's Iommufd.Ioctls stream, when host-iommu runs in this
   * process (`inProcessIoctls(host, …).open` of services/host-iommu/src/transport/handlers.ts):
   * the shadow maps/unmaps then skip HTTP/2. Default: the gRPC stream.
   */
  hostIoctls?: HostLinkOptions['ioctls'];
  /**
   * The in-process transport of the host's Process.ReadMemory / WriteMemory, when host-iommu runs
   * in this process (`inProcessProcessMemory(host, …)`): guest-RAM accesses skip HTTP/2.
   */
  hostMemory?: HostLinkOptions['memory'];
}

export interface VmmServer {
  mgr: VmManager;
  link: HostLink;
  linkStatus: Readonly<HostLinkStatus>;
  server: RpcServer;
  addr: string;
  /** The metrics registry (when metrics are on). */
  metrics?: ServerMetrics;
  /** The `/metrics` endpoint (when `metricsListen` was given). */
  metricsHttp?: MetricsHttpServer;
  close(deadlineMs?: number): Promise<void>;
}

export async function startVmmServer(opts: VmmServerOptions): Promise<VmmServer> {
  const logger = opts.logger ?? defaultLogger('vmm');
  const tokens = TokenTable.from(opts.tokens);
  if (tokens.size === 0) throw new Error('vmm tokens: no token at all: nobody could call the vmm');
  const link = new HostLink({
    address: opts.host,
    token: opts.hostToken,
    platformToken: opts.hostPlatformToken,
    logger,
    ...(opts.hostCredentials ? { credentials: opts.hostCredentials } : {}),
    ...(opts.hostIoctls ? { ioctls: opts.hostIoctls } : {}),
    ...(opts.hostMemory ? { memory: opts.hostMemory } : {}),
  });
  const mgr = new VmManager(link, logger, { leaseMs: opts.leaseMs ?? 10_000, heartbeatMs: opts.heartbeatMs ?? 2_000 });
  const follower = new AbortController();
  const status: HostLinkStatus = { eventsSeen: 0, lastSequence: 0n, streamBreaks: 0, hostRestarts: 0, rechecks: 0 };
  // after a stream break, once the host answers again: re-read it and re-check every VM's host process
  let recheckPending = false;
  let rechecking = false;
  void link.follow(
    0n,
    (e) => {
      status.eventsSeen++;
      status.lastSequence = e.sequence;
      if (e.kind === 'EVENTS_LOST') logger.warn({ sequence: e.sequence.toString() }, `host events lost: ${e.message}`);
      mgr.onHostEvent(e);
    },
    follower.signal,
    {
      onStreamLost: (attempt, err) => {
        status.streamBreaks++;
        recheckPending = true;
        if (attempt === 1) logger.warn({ err: String(err), lastSequence: status.lastSequence.toString() }, 'host-iommu event stream lost: reconnecting and resuming by sequence');
      },
      onHostRestart: (lastSeen) => {
        status.hostRestarts++;
        status.lastSequence = 0n;
        recheckPending = true;
        logger.warn({ lastSeen: lastSeen.toString() }, 'host-iommu restarted (it has another boot id): following its event log from its first event');
      },
    },
  );
  const recheck = setInterval(() => {
    if (!recheckPending || rechecking) return;
    rechecking = true;
    link
      .describe(true)
      .then(async () => {
        recheckPending = false;
        status.rechecks++;
        await mgr.recheckHost();
        logger.info({ ...status, lastSequence: status.lastSequence.toString() }, 'host link back: VM host processes re-checked');
      })
      .catch(() => undefined) // host still unreachable: try again on the next tick
      .finally(() => {
        rechecking = false;
      });
  }, 250);
  recheck.unref();
  const metrics = opts.metrics ?? (opts.metricsListen !== undefined ? createServerMetrics() : undefined);
  if (metrics) registerVmmMetrics(metrics.registry, mgr, status);
  const server = createServer({ name: 'vmm', logger, auth: { resolveToken: (t) => tokens.resolveToken(t) }, services: vmmServices(mgr, async () => (await link.describe()).name, () => status), receiveWindow: MIGRATION_RECEIVE_WINDOW, ...(metrics ? { metrics } : {}) });
  let addr: string;
  let metricsHttp: MetricsHttpServer | undefined;
  try {
    addr = await server.listen(opts.listen, opts.credentials);
    if (opts.metricsListen !== undefined && metrics) {
      metricsHttp = await serveMetrics(metrics.registry, opts.metricsListen);
      logger.info({ server: 'vmm', url: metricsHttp.url }, 'metrics endpoint listening');
    }
  } catch (e) {
    follower.abort();
    clearInterval(recheck);
    await server.shutdown(0);
    link.dispose();
    throw e;
  }
  return {
    mgr,
    link,
    linkStatus: status,
    server,
    addr,
    ...(metrics ? { metrics } : {}),
    ...(metricsHttp ? { metricsHttp } : {}),
    async close(deadlineMs = 2000) {
      follower.abort();
      clearInterval(recheck);
      for (const vm of mgr.vms.values()) if (vm.heartbeat) clearInterval(vm.heartbeat);
      await server.shutdown(deadlineMs);
      link.dispose();
      await metricsHttp?.close();
    },
  };
}
