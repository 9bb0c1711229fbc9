/**
 * host-iommu bootstrap: load the profile, build the host model, serve it over gRPC (with health
 * and reflection), authenticate bearer tokens, expire process leases.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { TokenTable } from '#libs/rpc/auth.js';
import { createServerMetrics, serveMetrics, type MetricsHttpServer, type ServerMetrics } from '#libs/rpc/metrics.js';
import { createServer, type RpcServer } from '#libs/rpc/server.js';
import { Host } from './platform/host.js';
import { loadProfile, type HostProfile } from '#libs/profile/profile.js';
import { hostServices } from './transport/handlers.js';
import { registerHostMetrics } from './transport/metrics.js';

export interface HostServerOptions {
  listen: string;
  profile: string | HostProfile;
  /**
   * token → principal: a path to a YAML/JSON file, a record or a TokenTable; every principal must
   * be one of the profile's (refused at start otherwise)
   */
  tokens?: string | Record<string, string> | TokenTable;
  /** where generated tokens are written when `tokens` is not given */
  stateDir?: string;
  logger?: Logger;
  leaseSweepMs?: number;
  /** TLS (mTLS when it verifies client certificates) for the gRPC port (default: plaintext). */
  credentials?: grpc.ServerCredentials;
  /** Serve Prometheus `/metrics` on this `host:port` (default: off). */
  metricsListen?: string;
  /** Registry to add this server's metrics to (a process serving several servers shares one). */
  metrics?: ServerMetrics;
}

export interface HostServer {
  host: Host;
  server: RpcServer;
  addr: string;
  tokens: TokenTable;
  /** a token of this principal (for clients and tests), or undefined */
  tokenOf(principal: string): string | undefined;
  tokensFile?: string;
  /** The metrics registry (when metrics are on). */
  metrics?: ServerMetrics;
  /** The `/metrics` endpoint (when `metricsListen` was given). */
  metricsHttp?: MetricsHttpServer;
  close(deadlineMs?: number): Promise<void>;
}

/** Writes generated tokens to `<dir>/<server>-<addr>.tokens.json` (mode 0600); returns its path. */
export function writeTokensFile(dir: string, server: string, addr: string, tokens: TokenTable): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${server}-${addr.replace(/[^0-9A-Za-z.]/g, '_')}.tokens.json`);
  writeFileSync(file, tokens.toFileText(), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export function defaultLogger(name: string): Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info', base: { service: name }, redact: ['*.authorization', '*.token'] });
}

/**
 * The host server's HTTP/2 receive windows: a request of grpc-js's largest size (4 MiB: a
 * WriteMemory, a DeviceDma write) fits one stream's window, and several callers' bulk requests
 * fit the connection's, instead of Node's 64 KiB (each 64 KiB DeviceDma write would otherwise
 * wait for a WINDOW_UPDATE round trip, and concurrent ones queue behind each other). grpc-js
 * assembles each message whole before the handler sees it, so this does not raise what one call
 * can make the server hold (its message-size limit does).
 */
export const HOST_RECEIVE_WINDOW = { stream: 4 << 20, connection: 16 << 20 } as const;

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  const profile = typeof opts.profile === 'string' ? loadProfile(opts.profile) : opts.profile;
  const logger = opts.logger ?? defaultLogger('host-iommu');
  const host = new Host(profile);
  // the profile's principals: a token naming any other is refused here, before serving
  const principals = [...host.principals.keys()];
  let tokens: TokenTable;
  let generated = false;
  if (opts.tokens === undefined) {
    tokens = TokenTable.fromEntries(profile.principals.map((p) => [randomBytes(18).toString('base64url'), p.name] as const), { principals, source: 'generated tokens' });
    generated = true;
  } else tokens = TokenTable.from(opts.tokens, { principals });
  if (tokens.size === 0) throw new Error('host-iommu tokens: no token at all: nobody could call the host');
  const metrics = opts.metrics ?? (opts.metricsListen !== undefined ? createServerMetrics() : undefined);
  if (metrics) registerHostMetrics(metrics.registry, host);
  const server = createServer({
    name: 'host-iommu',
    logger,
    auth: { resolveToken: (t) => tokens.resolveToken(t) },
    services: hostServices(host),
    receiveWindow: HOST_RECEIVE_WINDOW,
    ...(metrics ? { metrics } : {}),
  });
  const addr = await server.listen(opts.listen, opts.credentials);
  let metricsHttp: MetricsHttpServer | undefined;
  if (opts.metricsListen !== undefined && metrics) {
    try {
      metricsHttp = await serveMetrics(metrics.registry, opts.metricsListen);
    } catch (e) {
      await server.shutdown(0);
      throw e;
    }
    logger.info({ server: 'host-iommu', url: metricsHttp.url }, 'metrics endpoint listening');
  }
  let tokensFile: string | undefined;
  if (generated) tokensFile = writeTokensFile(opts.stateDir ?? join(tmpdir(), 'iommu-twin'), 'host-iommu', addr, tokens);
  const sweep = setInterval(() => {
    for (const pid of host.sweepLeases()) logger.info({ pid }, 'process lease expired: killed');
  }, opts.leaseSweepMs ?? 100);
  sweep.unref();
  return {
    host,
    server,
    addr,
    tokens,
    tokenOf: (principal) => tokens.tokenOf(principal),
    ...(tokensFile ? { tokensFile } : {}),
    ...(metrics ? { metrics } : {}),
    ...(metricsHttp ? { metricsHttp } : {}),
    async close(deadlineMs = 2000) {
      clearInterval(sweep);
      await server.shutdown(deadlineMs);
      await metricsHttp?.close();
    },
  };
}
