/** Command-line options shared by the serving commands (host, vmm, up): TLS and metrics. */
import type * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { channelCredentialsFromFiles, serverCredentialsFromFiles } from '#libs/rpc/tls.js';

export interface ServerTlsOptions {
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

export interface HostLinkTlsOptions {
  hostTlsCa?: string;
  hostTlsCert?: string;
  hostTlsKey?: string;
}

export interface MetricsOptions {
  metricsListen?: string;
}

/** --tls-cert/--tls-key/--tls-ca: TLS on the gRPC port(s), mTLS with a client CA. */
export function withServerTls(cmd: Command): Command {
  return cmd
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate chain (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CA bundle: require client certificates it signed (mTLS; needs --tls-cert)');
}

/** --host-tls-ca/--host-tls-cert/--host-tls-key: TLS on the vmm → host-iommu link. */
export function withHostLinkTls(cmd: Command): Command {
  return cmd
    .option('--host-tls-ca <file>', 'connect to the host-iommu over TLS, verifying it with this PEM CA bundle')
    .option('--host-tls-cert <file>', 'client certificate for the host-iommu link (mTLS; needs --host-tls-key and --host-tls-ca)')
    .option('--host-tls-key <file>', 'PEM private key of --host-tls-cert');
}

/** --metrics-listen: Prometheus /metrics on its own port. */
export function withMetrics(cmd: Command, what = 'Prometheus metrics'): Command {
  return cmd.option('--metrics-listen <addr>', `serve ${what} at http://<addr>/metrics (e.g. 127.0.0.1:9464; port 0 picks one; default: off)`);
}

/** Server credentials from --tls-*; undefined = plaintext. */
export function serverTls(o: ServerTlsOptions): grpc.ServerCredentials | undefined {
  if (o.tlsCert === undefined && o.tlsKey === undefined) {
    if (o.tlsCa !== undefined) throw new Error('--tls-ca needs --tls-cert and --tls-key');
    return undefined;
  }
  if (o.tlsCert === undefined || o.tlsKey === undefined) throw new Error('--tls-cert and --tls-key go together');
  return serverCredentialsFromFiles({ cert: o.tlsCert, key: o.tlsKey, ...(o.tlsCa !== undefined ? { ca: o.tlsCa } : {}) });
}

/** Channel credentials of the vmm → host link from --host-tls-*; undefined = plaintext. */
export function hostLinkTls(o: HostLinkTlsOptions): grpc.ChannelCredentials | undefined {
  if (o.hostTlsCa === undefined) {
    if (o.hostTlsCert !== undefined || o.hostTlsKey !== undefined) throw new Error('--host-tls-cert/--host-tls-key need --host-tls-ca');
    return undefined;
  }
  if ((o.hostTlsCert === undefined) !== (o.hostTlsKey === undefined)) throw new Error('--host-tls-cert and --host-tls-key go together');
  return channelCredentialsFromFiles({
    ca: o.hostTlsCa,
    ...(o.hostTlsCert !== undefined ? { cert: o.hostTlsCert } : {}),
    ...(o.hostTlsKey !== undefined ? { key: o.hostTlsKey } : {}),
  });
}

/**
 * `up`: the in-process vmm → host link under --tls-*: it verifies the host with --tls-ca (or,
 * without one, with the certificates of the --tls-cert file, which must then be self-signed or
 * include their root) and presents --tls-cert/--tls-key as its client certificate when the
 * host requires one (--tls-ca).
 */
export function upLinkTls(o: ServerTlsOptions): grpc.ChannelCredentials | undefined {
  if (o.tlsCert === undefined || o.tlsKey === undefined) return undefined;
  return channelCredentialsFromFiles(o.tlsCa !== undefined ? { ca: o.tlsCa, cert: o.tlsCert, key: o.tlsKey } : { ca: o.tlsCert });
}

/** The line the commands print for an enabled metrics endpoint. */
export function metricsLine(addr: string): string {
  return `metrics on http://${addr}/metrics\n`;
}

/** The line the commands print when the gRPC port serves TLS. */
export function tlsLine(o: ServerTlsOptions): string {
  return `tls: on${o.tlsCa !== undefined ? ' (client certificates required)' : ''}\n`;
}
