/**
 * host-iommu bootstrap: load the profile, build the host model, serve it over gRPC (with health
 * and reflection), authenticate bearer tokens, expire process leases.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import YAML from 'yaml';
import { createServerMetrics, serveMetrics, type MetricsHttpServer, type ServerMetrics } from '../../../libs/rpc/metrics.js';
import { createServer, type RpcServer } from '../../../libs/rpc/server.js';
import { Host } from './platform/host.js';
import { loadProfile, type HostProfile } from './platform/profile.js';
import { hostServices } from './transport/handlers.js';
import { registerHostMetrics } from './transport/metrics.js';

export interface HostServerOptions {
  listen: string;
  profile: string | HostProfile;
  /** token → principal map, or a path to a YAML/JSON file holding one */
  tokens?: string | Record<string, string>;
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
  tokens: Record<string, string>;
  /** principal → token (the inverse, for clients and tests) */
  tokenOf: Record<string, string>;
  tokensFile?: string;
  /** The metrics registry (when metrics are on). */
  metrics?: ServerMetrics;
  /** The `/metrics` endpoint (when `metricsListen` was given). */
  metricsHttp?: MetricsHttpServer;
  close(deadlineMs?: number): Promise<void>;
}

export function readTokensFile(path: string): Record<string, string> {
  const text = readFileSync(path, 'utf8');
  const parsed: unknown = YAML.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: expected a map of token → principal`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new Error(`${path}: token ${k.slice(0, 4)}… maps to a non-string principal`);
    out[k] = v;
  }
  return out;
}

export function defaultLogger(name: string): Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info', base: { service: name }, redact: ['*.authorization', '*.token'] });
}

export async function startHostServer(opts: HostServerOptions): Promise<HostServer> {
  const profile = typeof opts.profile === 'string' ? loadProfile(opts.profile) : opts.profile;
  const logger = opts.logger ?? defaultLogger('host-iommu');
  const host = new Host(profile);
  let tokens: Record<string, string>;
  let generated = false;
  if (opts.tokens === undefined) {
    tokens = {};
    for (const p of profile.principals) tokens[randomBytes(18).toString('base64url')] = p.name;
    generated = true;
  } else tokens = typeof opts.tokens === 'string' ? readTokensFile(opts.tokens) : opts.tokens;
  for (const [, name] of Object.entries(tokens)) {
    if (!host.principals.has(name)) throw new Error(`tokens: unknown principal '${name}' (profile ${profile.name} has ${[...host.principals.keys()].join(', ')})`);
  }
  const metrics = opts.metrics ?? (opts.metricsListen !== undefined ? createServerMetrics() : undefined);
  if (metrics) registerHostMetrics(metrics.registry, host);
  const server = createServer({
    name: 'host-iommu',
    logger,
    auth: { resolveToken: (t) => tokens[t] },
    services: hostServices(host),
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
  const tokenOf: Record<string, string> = {};
  for (const [t, n] of Object.entries(tokens)) tokenOf[n] ??= t;
  let tokensFile: string | undefined;
  if (generated) {
    const dir = opts.stateDir ?? join(tmpdir(), 'iommu-twin');
    mkdirSync(dir, { recursive: true });
    tokensFile = join(dir, `host-iommu-${addr.replace(/[^0-9A-Za-z.]/g, '_')}.tokens.json`);
    writeFileSync(tokensFile, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tokensFile, 0o600);
  }
  const sweep = setInterval(() => {
    for (const pid of host.sweepLeases()) logger.info({ pid }, 'process lease expired: killed');
  }, opts.leaseSweepMs ?? 100);
  sweep.unref();
  return {
    host,
    server,
    addr,
    tokens,
    tokenOf,
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
