/**
 * `iommu-twin up`: a host-iommu with a built-in (or file) profile and a vmm on top of it, in one
 * process, with generated tokens written to 0600 files in the state directory.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { TokenTable } from '#libs/rpc/auth.js';
import { createServerMetrics, serveMetrics, type MetricsHttpServer } from '#libs/rpc/metrics.js';
import { defaultLogger, startHostServer, writeTokensFile, type HostServer } from '../host-iommu/src/main.js';
import { inProcessIoctls, inProcessProcessMemory } from '../host-iommu/src/transport/handlers.js';
import { startVmmServer, type VmmServer } from '../vmm/src/main.js';

export interface UpOptions {
  /** host-iommu address */
  listen: string;
  /** vmm address */
  vmmListen: string;
  profile: string;
  /** where the token files go (default: `iommu-twin` under the OS temp directory) */
  stateDir?: string;
  /** TLS of both gRPC ports */
  credentials?: grpc.ServerCredentials;
  /** TLS of the in-process vmm → host link */
  hostCredentials?: grpc.ChannelCredentials;
  /** one `/metrics` endpoint for both servers */
  metricsListen?: string;
  hostLogger?: Logger;
  vmmLogger?: Logger;
  /**
   * Transport of the vmm's Iommufd.Ioctls stream (its guest MAP/UNMAP shadowing) and of its
   * guest-RAM accesses (Process.ReadMemory / WriteMemory): `in-process` (default: host-iommu runs
   * in this process; same messages, handlers and errors, no HTTP/2) or `grpc` (the same calls
   * over the loopback connection, as a separate vmm makes them).
   */
  ioctlTransport?: 'in-process' | 'grpc';
}

export interface Up {
  host: HostServer;
  vmm: VmmServer;
  /** the vmm's tokens (one `root` token) */
  vmmTokens: TokenTable;
  vmmTokensFile: string;
  metricsHttp?: MetricsHttpServer;
  close(deadlineMs?: number): Promise<void>;
}

export async function startUp(o: UpOptions): Promise<Up> {
  const stateDir = o.stateDir ?? join(tmpdir(), 'iommu-twin');
  // one registry for both servers (their gRPC metrics differ by grpc_service), one endpoint
  const metrics = o.metricsListen !== undefined ? createServerMetrics() : undefined;
  const hostLogger = o.hostLogger ?? defaultLogger('host-iommu');
  const host = await startHostServer({ listen: o.listen, profile: o.profile, stateDir, ...(o.credentials ? { credentials: o.credentials } : {}), ...(metrics ? { metrics } : {}), logger: hostLogger });
  // the vmm's ioctl stream without HTTP/2: both run in this process
  const inProcess = (o.ioctlTransport ?? 'in-process') === 'in-process';
  const ioctls = inProcess ? inProcessIoctls(host.host, { resolveToken: (t) => host.tokens.resolveToken(t), logger: hostLogger, ...(metrics ? { metrics } : {}) }) : undefined;
  // and its guest-RAM accesses (Process.ReadMemory / WriteMemory), chosen with the ioctl transport
  const memory = inProcess ? inProcessProcessMemory(host.host, { resolveToken: (t) => host.tokens.resolveToken(t), logger: hostLogger, ...(metrics ? { metrics } : {}) }) : undefined;
  const closeHost = (): Promise<void> => {
    ioctls?.close();
    memory?.close();
    return host.close(0).catch(() => undefined);
  };
  const qemu = host.tokenOf('qemu');
  const platform = host.tokenOf('platform');
  if (qemu === undefined || platform === undefined) {
    await closeHost();
    throw new Error(`profile ${host.host.profile.name}: up needs the principals qemu and platform`);
  }
  const vmmTokens = TokenTable.fromEntries([[randomBytes(18).toString('base64url'), 'root']], { source: 'generated vmm tokens' });
  let vmm: VmmServer;
  try {
    vmm = await startVmmServer({ listen: o.vmmListen, host: host.addr, tokens: vmmTokens, hostToken: qemu, hostPlatformToken: platform, ...(o.credentials ? { credentials: o.credentials } : {}), ...(o.hostCredentials ? { hostCredentials: o.hostCredentials } : {}), ...(metrics ? { metrics } : {}), ...(o.vmmLogger ? { logger: o.vmmLogger } : {}), ...(ioctls ? { hostIoctls: (token, md) => ioctls.open(token, md) } : {}), ...(memory ? { hostMemory: memory } : {}) });
  } catch (e) {
    await closeHost();
    throw e;
  }
  let metricsHttp: MetricsHttpServer | undefined;
  let vmmTokensFile: string;
  try {
    if (metrics && o.metricsListen !== undefined) metricsHttp = await serveMetrics(metrics.registry, o.metricsListen);
    vmmTokensFile = writeTokensFile(stateDir, 'vmm', vmm.addr, vmmTokens);
  } catch (e) {
    await vmm.close(0).catch(() => undefined);
    await closeHost();
    await metricsHttp?.close();
    throw e;
  }
  return {
    host,
    vmm,
    vmmTokens,
    vmmTokensFile,
    ...(metricsHttp ? { metricsHttp } : {}),
    async close(deadlineMs = 5000) {
      ioctls?.close();
      memory?.close();
      await Promise.all([vmm.close(deadlineMs), host.close(deadlineMs)]);
      await metricsHttp?.close();
    },
  };
}
