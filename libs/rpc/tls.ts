/**
 * TLS credentials from PEM files: server credentials (mTLS when a client CA is given) and
 * channel credentials for a client (with a client certificate for mTLS).
 *
 *   const creds = serverCredentialsFromFiles({ cert: 'server.pem', key: 'server.key', ca: 'ca.pem' });
 *   await server.listen('127.0.0.1:50051', creds);
 *   createClients(addr, { token, credentials: channelCredentialsFromFiles({ ca: 'ca.pem', cert, key }) });
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';

export interface ServerTlsFiles {
  /** PEM certificate chain the server presents. */
  cert: string;
  /** PEM private key of `cert`. */
  key: string;
  /** PEM CA bundle; when given, clients must present a certificate it signed (mTLS). */
  ca?: string;
}

export interface ClientTlsFiles {
  /** PEM CA bundle that verifies the server (default: the system roots). */
  ca?: string;
  /** PEM client certificate chain (mTLS); needs `key`. */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
}

function read(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${what} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Server credentials: TLS with `cert`/`key`; with `ca`, client certificates are required and verified. */
export function serverCredentialsFromFiles(f: ServerTlsFiles): grpc.ServerCredentials {
  const pair = { cert_chain: read('TLS certificate', f.cert), private_key: read('TLS key', f.key) };
  const ca = f.ca === undefined ? null : read('TLS client CA', f.ca);
  return grpc.ServerCredentials.createSsl(ca, [pair], ca !== null);
}

/** Channel credentials: TLS verifying the server with `ca` (or the system roots), presenting `cert`/`key` if given. */
export function channelCredentialsFromFiles(f: ClientTlsFiles): grpc.ChannelCredentials {
  if ((f.cert === undefined) !== (f.key === undefined)) throw new Error('a client TLS certificate needs its key (and the key its certificate)');
  return grpc.credentials.createSsl(
    f.ca === undefined ? null : read('TLS CA', f.ca),
    f.key === undefined ? null : read('TLS client key', f.key),
    f.cert === undefined ? null : read('TLS client certificate', f.cert),
  );
}
