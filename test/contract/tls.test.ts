/**
 * Security options: TLS and mTLS on host-iommu, on the vmm and on the vmm → host link (throwaway
 * CA and certificates made with openssl at test time, deleted afterwards), and tokens that never
 * reach a log line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createClients, createVmmClients, type CreateClientsOptions } from '#libs/rpc/client.js';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import { channelCredentialsFromFiles } from '#libs/rpc/tls.js';
import { hostLinkTls, serverTls } from '../../services/cli/serve-options.js';
import { startHostServer, type HostServer } from '../../services/host-iommu/src/main.js';
import { startVmmServer } from '../../services/vmm/src/main.js';
import { rejectionOf, TOKENS } from './harness.js';
import { scrape, startCli } from './obs-helpers.js';

const MiB = 1n << 20n;

interface Pki {
  dir: string;
  ca: string;
  /** server certificate for 127.0.0.1/localhost, usable as a client certificate too */
  serverCert: string;
  serverKey: string;
  /** client-only certificate (CN vmm) */
  clientCert: string;
  clientKey: string;
  /** a client certificate from a CA nobody trusts */
  rogueCert: string;
  rogueKey: string;
  /** a self-signed server certificate for 127.0.0.1 */
  selfCert: string;
  selfKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A throwaway CA with server and client certificates (EC P-256, valid one day). */
function makePki(): Pki {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('these tests need the openssl command (Debian: apt-get install -y openssl)');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) => openssl(dir, ['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  let serial = 1;
  const leaf = (name: string, cn: string, issuer: string, ext: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', String(serial++), '-days', '1', '-out', `${name}.pem`, '-extfile', `${name}.ext`]);
  };
  ca('ca');
  ca('rogue-ca');
  leaf('server', 'host-iommu.test', 'ca', 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  leaf('client', 'vmm', 'ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  leaf('rogue', 'vmm', 'rogue-ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.pem', '-days', '1', '-subj', '/CN=twin.test', '-addext', 'subjectAltName=IP:127.0.0.1']);
  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.pem'),
    rogueKey: p('rogue.key'),
    selfCert: p('self.pem'),
    selfKey: p('self.key'),
  };
}

function capture(): { logger: pino.Logger; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => void out.push(s) });
  return { logger, text: () => out.join(''), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const vmSpec = (name: string) => ({
  name,
  memory_bytes: String(64n * MiB),
  machine: 'q35',
  viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const },
  iommufd_objects: [],
  devices: [],
});

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => {
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

describe('host-iommu over TLS', () => {
  const started: HostServer[] = [];
  afterAll(async () => {
    for (const s of started) await s.close(500);
  });
  const start = async (tls: { tlsCa?: string }) => {
    const credentials = serverTls({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, ...tls });
    const s = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: pino({ level: 'silent' }), ...(credentials ? { credentials } : {}) });
    started.push(s);
    return s;
  };
  /** Describe as platform over `opts`; the error when it fails. */
  const describeWith = async (addr: string, opts: Partial<CreateClientsOptions>) => {
    const c = createClients(addr, { token: 'tok-platform', defaultDeadlineMs: 10_000, ...opts });
    try {
      return await call(c.Platform.Describe, {}).then(
        (d) => d.name,
        (e: grpc.ServiceError) => e,
      );
    } finally {
      c.close();
    }
  };

  it('TLS: a plaintext client is refused, a client trusting the CA is served', async () => {
    const s = await start({});
    const plain = await describeWith(s.addr, {});
    expect((plain as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    expect(await describeWith(s.addr, { credentials: channelCredentialsFromFiles({ ca: pki.ca }) })).toBe('intel-vtd');
    // a client that does not trust the CA refuses the server
    const untrusting = await describeWith(s.addr, { credentials: channelCredentialsFromFiles({ ca: path.join(pki.dir, 'rogue-ca.pem') }) });
    expect((untrusting as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('mTLS (--tls-ca): no client certificate or one from another CA is refused; a certificate the CA signed is served', async () => {
    const s = await start({ tlsCa: pki.ca });
    const noCert = await describeWith(s.addr, { credentials: channelCredentialsFromFiles({ ca: pki.ca }) });
    expect((noCert as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    const rogue = await describeWith(s.addr, { credentials: channelCredentialsFromFiles({ ca: pki.ca, cert: pki.rogueCert, key: pki.rogueKey }) });
    expect((rogue as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    expect(await describeWith(s.addr, { credentials: channelCredentialsFromFiles({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }) })).toBe('intel-vtd');
    // the bearer token is still required inside the mTLS channel
    const noToken = await describeWith(s.addr, { token: 'not-a-token', credentials: channelCredentialsFromFiles({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }) });
    expect((noToken as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('vmm → host over mTLS (--host-tls-*), the vmm itself on mTLS: CreateVm spawns the VM process on the host', async () => {
    const host = await start({ tlsCa: pki.ca });
    const vmmCreds = serverTls({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, tlsCa: pki.ca })!;
    const mk = (hostCredentials: grpc.ChannelCredentials) =>
      startVmmServer({ listen: '127.0.0.1:0', host: host.addr, tokens: { 'vmm-root': 'root' }, hostToken: 'tok-qemu', hostPlatformToken: 'tok-platform', logger: pino({ level: 'silent' }), credentials: vmmCreds, hostCredentials });
    const vmm = await mk(hostLinkTls({ hostTlsCa: pki.ca, hostTlsCert: pki.clientCert, hostTlsKey: pki.clientKey })!);
    const v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 30_000, credentials: channelCredentialsFromFiles({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }) });
    try {
      const created = await call(v.Vmm.CreateVm, { spec: vmSpec('tls-vm') });
      expect(created.vm!.state).toBe('VM_STATE_DEFINED');
      const pid = created.vm!.host_pid;
      const hostRoot = createClients(host.addr, { token: 'tok-root', credentials: channelCredentialsFromFiles({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }) });
      const st = await call(hostRoot.Process.GetStatus, { pid }).finally(() => hostRoot.close());
      expect(st.principal).toBe('qemu');
      await call(v.Vmm.DeleteVm, { name: 'tls-vm' });
      // the vmm refuses a client without a certificate
      const bare = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 10_000, credentials: channelCredentialsFromFiles({ ca: pki.ca }) });
      const e = await rejectionOf(call(bare.Vmm.ListVms, {}));
      bare.close();
      expect(e.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      v.close();
      await vmm.close(500);
    }
    // a link without a client certificate cannot reach the host: the vmm says so
    const noCert = await mk(hostLinkTls({ hostTlsCa: pki.ca })!);
    const v2 = createVmmClients(noCert.addr, { token: 'vmm-root', defaultDeadlineMs: 30_000, credentials: channelCredentialsFromFiles({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }) });
    try {
      const e = await rejectionOf(call(v2.Vmm.CreateVm, { spec: vmSpec('no-link') }));
      expect(e.code).toBe(grpc.status.UNAVAILABLE);
      expect(decodeErrorInfo(e)?.reason).toBe('HOST_UNAVAILABLE');
    } finally {
      v2.close();
      await noCert.close(500);
    }
  });

  it('flag combinations are checked', () => {
    expect(serverTls({})).toBeUndefined();
    expect(() => serverTls({ tlsCert: pki.serverCert })).toThrow('--tls-cert and --tls-key go together');
    expect(() => serverTls({ tlsCa: pki.ca })).toThrow('--tls-ca needs --tls-cert and --tls-key');
    expect(() => serverTls({ tlsCert: path.join(pki.dir, 'missing.pem'), tlsKey: pki.serverKey })).toThrow(/TLS certificate .*missing\.pem/);
    expect(hostLinkTls({})).toBeUndefined();
    expect(() => hostLinkTls({ hostTlsCert: pki.clientCert, hostTlsKey: pki.clientKey })).toThrow('--host-tls-cert/--host-tls-key need --host-tls-ca');
    expect(() => hostLinkTls({ hostTlsCa: pki.ca, hostTlsCert: pki.clientCert })).toThrow('--host-tls-cert and --host-tls-key go together');
  });
});

describe('tokens never reach the logs', () => {
  it('in-process host and vmm at trace level: authenticated, refused and failing calls, the host link', async () => {
    const hostLog = capture();
    const vmmLog = capture();
    const secrets = { 'host-root-secret-1a2b': 'root', 'host-qemu-secret-3c4d': 'qemu', 'host-platform-secret-5e6f': 'platform' };
    const host = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: secrets, logger: hostLog.logger });
    const vmm = await startVmmServer({ listen: '127.0.0.1:0', host: host.addr, tokens: { 'vmm-root-secret-7a8b': 'root' }, hostToken: 'host-qemu-secret-3c4d', hostPlatformToken: 'host-platform-secret-5e6f', logger: vmmLog.logger });
    const root = createClients(host.addr, { token: 'host-root-secret-1a2b' });
    const wrong = createClients(host.addr, { token: 'wrong-secret-9c0d' });
    const v = createVmmClients(vmm.addr, { token: 'vmm-root-secret-7a8b', defaultDeadlineMs: 30_000 });
    const vWrong = createVmmClients(vmm.addr, { token: 'wrong-vmm-secret-e1f2' });
    try {
      await call(root.Platform.Describe, {});
      expect((await rejectionOf(call(wrong.Platform.Describe, {}))).code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await rejectionOf(call(root.Process.Open, { path: '/dev/iommu', flags: 2 }))).code).toBe(grpc.status.INVALID_ARGUMENT);
      await call(v.Vmm.CreateVm, { spec: vmSpec('logged') });
      expect((await rejectionOf(call(v.Vmm.CreateVm, { spec: vmSpec('logged') }))).code).toBe(grpc.status.ALREADY_EXISTS);
      expect((await rejectionOf(call(vWrong.Vmm.ListVms, {}))).code).toBe(grpc.status.UNAUTHENTICATED);
      await call(v.Vmm.DeleteVm, { name: 'logged' });
    } finally {
      root.close();
      wrong.close();
      v.close();
      vWrong.close();
      await vmm.close(500);
      await host.close(500);
    }
    // the logs are there (one rpc line per call, with principals) ...
    const hostRpc = hostLog.lines().filter((l) => l.msg === 'rpc');
    const vmmRpc = vmmLog.lines().filter((l) => l.msg === 'rpc');
    // (the test's own calls; the vmm's host link calls as qemu and platform, whenever it does)
    const own = hostRpc.filter((l) => l.principal !== 'qemu' && l.principal !== 'platform');
    expect(own.map((l) => [l.method, l.code, l.principal]).slice(0, 3)).toEqual([
      ['/iommutwin.host.v1.Platform/Describe', 'OK', 'root'],
      ['/iommutwin.host.v1.Platform/Describe', 'UNAUTHENTICATED', undefined],
      ['/iommutwin.host.v1.Process/Open', 'INVALID_ARGUMENT', 'root'],
    ]);
    expect(hostRpc.some((l) => l.method === '/iommutwin.host.v1.Process/Spawn' && l.principal === 'qemu')).toBe(true);
    expect(vmmRpc.map((l) => [l.method, l.code])).toEqual([
      ['/iommutwin.vmm.v1.Vmm/CreateVm', 'OK'],
      ['/iommutwin.vmm.v1.Vmm/CreateVm', 'ALREADY_EXISTS'],
      ['/iommutwin.vmm.v1.Vmm/ListVms', 'UNAUTHENTICATED'],
      ['/iommutwin.vmm.v1.Vmm/DeleteVm', 'OK'],
    ]);
    // ... and no token, nor any part of one, is in them
    const all = hostLog.text() + vmmLog.text();
    for (const t of [...Object.keys(secrets), 'vmm-root-secret-7a8b', 'wrong-secret-9c0d', 'wrong-vmm-secret-e1f2']) {
      expect(all).not.toContain(t);
      expect(all).not.toContain(t.slice(-6));
    }
    expect(all).not.toMatch(/Bearer \S/); // no authorization header value
    expect(all).not.toContain('authorization');
  });
});

describe('`iommu-twin up` with --tls-cert/--tls-key/--tls-ca and --metrics-listen', () => {
  it('serves both on mTLS (the in-process vmm → host link too), one metrics endpoint, no token in its output, exit 0 on SIGTERM', async () => {
    const state = mkdtempSync(path.join(tmpdir(), 'iommu-twin-up-tls-'));
    const cli = startCli(['up', '--listen', '127.0.0.1:0', '--vmm-listen', '127.0.0.1:0', '--state-dir', state, '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-ca', pki.ca, '--metrics-listen', '127.0.0.1:0'], { LOG_LEVEL: 'debug' });
    try {
      const out = await cli.until((s) => /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics\n/.test(s));
      expect(out).toContain('  tls: on (client certificates required)\n');
      const hostAddr = /host-iommu .* listening on (127\.0\.0\.1:\d+)\n/.exec(out)![1]!;
      const vmmAddr = /vmm .* listening on (127\.0\.0\.1:\d+)\n/.exec(out)![1]!;
      const url = /metrics on (http:\/\/\S+)\n/.exec(out)![1]!;
      const files = [...out.matchAll(/tokens \(bearer token → principal\): (\S+)\n/g)].map((m) => m[1]!);
      expect(files).toHaveLength(2);
      const hostTokens = JSON.parse(readFileSync(files[0]!, 'utf8')) as Record<string, string>;
      const vmmTokens = JSON.parse(readFileSync(files[1]!, 'utf8')) as Record<string, string>;
      const tokenOf = (m: Record<string, string>, p: string) => Object.entries(m).find(([, n]) => n === p)![0];
      const mtls = channelCredentialsFromFiles({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });

      const v = createVmmClients(vmmAddr, { token: tokenOf(vmmTokens, 'root'), defaultDeadlineMs: 30_000, credentials: mtls });
      const plainHost = createClients(hostAddr, { token: tokenOf(hostTokens, 'platform'), defaultDeadlineMs: 10_000 });
      const wrong = createClients(hostAddr, { token: 'up-wrong-secret-a1b2', defaultDeadlineMs: 10_000, credentials: mtls });
      try {
        const created = await call(v.Vmm.CreateVm, { spec: vmSpec('up-vm') });
        expect(created.vm!.state).toBe('VM_STATE_DEFINED');
        expect((await rejectionOf(call(plainHost.Platform.Describe, {}))).code).toBe(grpc.status.UNAVAILABLE);
        expect((await rejectionOf(call(wrong.Platform.Describe, {}))).code).toBe(grpc.status.UNAUTHENTICATED);
        const s = await scrape(url);
        expect(s.get('vmm_vms', { state: 'DEFINED' })).toBe(1);
        expect(s.get('host_processes')).toBe(1);
        expect(s.get('grpc_server_handled_total', { grpc_type: 'unary', grpc_service: 'iommutwin.vmm.v1.Vmm', grpc_method: 'CreateVm', grpc_code: 'OK' })).toBe(1);
        expect(s.get('grpc_server_handled_total', { grpc_type: 'unary', grpc_service: 'iommutwin.host.v1.Platform', grpc_method: 'Describe', grpc_code: 'Unauthenticated' })).toBe(1);
      } finally {
        v.close();
        plainHost.close();
        wrong.close();
      }
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      // the JSON logs went to stdout: the calls are there, the tokens are not
      const logged = cli.stdout() + cli.stderr();
      expect(logged).toContain('"method":"/iommutwin.vmm.v1.Vmm/CreateVm"');
      expect(logged).toContain('"method":"/iommutwin.host.v1.Process/Spawn"');
      for (const t of [...Object.keys(hostTokens), ...Object.keys(vmmTokens), 'up-wrong-secret-a1b2']) expect(logged).not.toContain(t);
    } finally {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('TLS without --tls-ca and a self-signed certificate: no client certificate needed, the internal link trusts the served certificate', async () => {
    const state = mkdtempSync(path.join(tmpdir(), 'iommu-twin-up-tls-'));
    const cli = startCli(['up', '--listen', '127.0.0.1:0', '--vmm-listen', '127.0.0.1:0', '--state-dir', state, '--tls-cert', pki.selfCert, '--tls-key', pki.selfKey]);
    try {
      const out = await cli.until((s) => /tls: on\n/.test(s));
      expect(out).not.toContain('client certificates required');
      expect(out).not.toContain('metrics on');
      const vmmAddr = /vmm .* listening on (127\.0\.0\.1:\d+)\n/.exec(out)![1]!;
      const files = [...out.matchAll(/tokens \(bearer token → principal\): (\S+)\n/g)].map((m) => m[1]!);
      const token = Object.keys(JSON.parse(readFileSync(files[1]!, 'utf8')) as Record<string, string>)[0]!;
      const v = createVmmClients(vmmAddr, { token, defaultDeadlineMs: 30_000, credentials: channelCredentialsFromFiles({ ca: pki.selfCert }) });
      try {
        expect((await call(v.Vmm.CreateVm, { spec: vmSpec('self-vm') })).vm!.state).toBe('VM_STATE_DEFINED');
      } finally {
        v.close();
      }
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
      rmSync(state, { recursive: true, force: true });
    }
  });
});
