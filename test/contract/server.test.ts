/**
 * Cross-cutting contract of a host-iommu server: grpc.health.v1, server reflection, the error
 * envelope (google.rpc.Status with exactly one ErrorInfo), and the `iommu-twin host` command
 * run as a child process.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, describe, expect, it } from 'vitest';
import { call, callMeta, createClients } from '#libs/rpc/client.js';
import { decodeStatus, ERROR_INFO_TYPE_URL, errorInfoOfStatus, STATUS_DETAILS_KEY } from '#libs/rpc/errors.js';
import { deviceSetup, PAGE, rejectionOf, Sys, useTestHost } from './harness.js';
import { startCli } from './obs-helpers.js';

const SERVICES = ['Process', 'Iommufd', 'Vfio', 'Platform'].map((s) => `iommutwin.host.v1.${s}`);

/** Runs `p`, expects it to fail, and returns the error with its decoded google.rpc.Status. */
async function failure(p: Promise<unknown>) {
  const err = await rejectionOf(p);
  const raw = err.metadata.get(STATUS_DETAILS_KEY);
  expect(raw.length, `${err.message}: one ${STATUS_DETAILS_KEY} trailer`).toBe(1);
  const status = decodeStatus(raw[0] as Buffer);
  expect(status, 'grpc-status-details-bin parses as google.rpc.Status').toBeDefined();
  return { err, status: status! };
}

/** Checks the envelope: status code agrees, exactly one detail, an ErrorInfo in our domain. */
async function expectEnvelope(p: Promise<unknown>, code: grpc.status, reason: string, errno?: number) {
  const { err, status } = await failure(p);
  expect(err.code, err.message).toBe(code);
  expect(status.code).toBe(code);
  expect(status.message).toBe(err.details);
  expect(status.details.length, 'exactly one detail').toBe(1);
  expect(status.details[0]!.type_url).toBe(ERROR_INFO_TYPE_URL);
  const info = errorInfoOfStatus(status)!;
  expect(info.reason).toBe(reason);
  expect(info.domain).toBe('iommutwin.dev');
  if (errno !== undefined) expect(info.metadata.errno, `${reason} errno`).toBe(String(errno));
  else expect(info.metadata.errno).toBeUndefined();
  return info;
}

// ======================================================================================
describe('health, reflection and the error envelope', () => {
  const t = useTestHost();

  it('grpc.health.v1 Check: SERVING for the server and each service, NOT_FOUND for others (no token needed)', async () => {
    const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
    const Health = (grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => grpc.Client } } } }).grpc.health.v1.Health;
    const client = new Health(t.srv.addr, grpc.credentials.createInsecure()) as grpc.Client & {
      Check(req: { service: string }, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void): void;
    };
    const check = (service: string) =>
      new Promise<{ status?: string; code?: number }>((resolve) => client.Check({ service }, (err, res) => resolve(err ? { code: err.code } : { status: res!.status })));
    try {
      expect(await check('')).toEqual({ status: 'SERVING' });
      for (const s of SERVICES) expect(await check(s), s).toEqual({ status: 'SERVING' });
      expect(await check('iommutwin.host.v1.Nope')).toEqual({ code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
    }
  });

  it('reflection lists the four host services and health, and serves their descriptors', async () => {
    const require = createRequire(import.meta.url);
    const reflProto = path.resolve(path.dirname(require.resolve('@grpc/reflection')), '../proto/grpc/reflection/v1/reflection.proto');
    const def = protoLoader.loadSync(reflProto, { keepCase: true, oneofs: true });
    const Refl = (grpc.loadPackageDefinition(def) as unknown as { grpc: { reflection: { v1: { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => grpc.Client } } } }).grpc.reflection.v1.ServerReflection;
    const client = new Refl(t.srv.addr, grpc.credentials.createInsecure()) as grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<object, Record<string, unknown>> };
    const ask = (req: object) =>
      new Promise<Record<string, any>>((resolve, reject) => {
        const s = client.ServerReflectionInfo();
        s.on('data', (m) => {
          resolve(m);
          s.end();
        });
        s.on('error', reject);
        s.write(req);
      });
    try {
      const list = await ask({ list_services: '' });
      const names = (list.list_services_response.service as Array<{ name: string }>).map((s) => s.name).sort();
      expect(names).toEqual(['grpc.health.v1.Health', ...SERVICES].sort());
      for (const s of [...SERVICES, 'iommutwin.common.v1.DmaFault']) {
        const file = await ask({ file_containing_symbol: s });
        expect(file.message_response, s).toBe('file_descriptor_response');
        expect(file.file_descriptor_response.file_descriptor_proto.length, s).toBeGreaterThan(0);
      }
      const missing = await ask({ file_containing_symbol: 'iommutwin.host.v1.Nope' });
      expect(missing.message_response).toBe('error_response');
    } finally {
      client.close();
    }
  });

  it('kernel-model errors: one ErrorInfo{reason = errno name, domain, metadata.errno}, status per the spec table', async () => {
    const { sys, fd, ioas } = await deviceSetup(t.root, 'vfio0');
    const va = await sys.mmap(4n * PAGE);
    await sys.map(fd, ioas, va, PAGE, 0x100000n);
    const m = await sys.memfd('huge', 0n, 4);
    const q = await Sys.spawn(t.qemu, 'qemu');
    const S = grpc.status;
    const cases: Array<[string, () => Promise<unknown>, grpc.status, string, number]> = [
      ['EPERM', () => call(t.qemu.Platform.Describe, {}), S.PERMISSION_DENIED, 'EPERM', 1],
      ['ENOENT', () => sys.open('/dev/nope'), S.NOT_FOUND, 'ENOENT', 2],
      ['ESRCH', () => call(t.root.Process.GetStatus, { pid: 999_999 }), S.NOT_FOUND, 'ESRCH', 3],
      ['EBADF', () => sys.close(99), S.INVALID_ARGUMENT, 'EBADF', 9],
      ['EACCES', () => q.open('/dev/iommu'), S.PERMISSION_DENIED, 'EACCES', 13],
      ['EFAULT', () => sys.read(0x1000n, 4), S.INVALID_ARGUMENT, 'EFAULT', 14],
      ['EBUSY', () => call(t.platform.Platform.SetDriver, { bdf: '0000:01:00.0', driver: 'host' }), S.FAILED_PRECONDITION, 'EBUSY', 16],
      ['EEXIST', () => sys.map(fd, ioas, va, PAGE, 0x100000n), S.ALREADY_EXISTS, 'EEXIST', 17],
      ['ENODEV', () => call(t.platform.Platform.SetDriver, { bdf: '0000:99:00.0', driver: 'host' }), S.NOT_FOUND, 'ENODEV', 19],
      ['EINVAL', () => sys.ftruncate(m, PAGE), S.INVALID_ARGUMENT, 'EINVAL', 22],
      ['ENOTTY', () => sys.ioasAlloc(m), S.UNIMPLEMENTED, 'ENOTTY', 25],
      ['EOVERFLOW', () => sys.map(fd, ioas, va, 2n * PAGE, (1n << 64n) - PAGE), S.OUT_OF_RANGE, 'EOVERFLOW', 75],
      ['EOPNOTSUPP', () => sys.ioasAlloc(fd, 1), S.UNIMPLEMENTED, 'EOPNOTSUPP', 95],
    ];
    for (const [what, p, code, reason, errno] of cases) {
      const info = await expectEnvelope(p(), code, reason, errno);
      expect(Object.keys(info.metadata).includes('errno'), what).toBe(true);
    }
    // the failed calls changed nothing: still exactly one page pinned
    expect((await sys.status()).pinned).toBe(PAGE);
    await q.exit();
    await sys.exit();
  });

  it('non-kernel errors carry the same envelope (reason in UPPER_SNAKE, no errno)', async () => {
    const bad = createClients(t.srv.addr, { token: 'wrong', defaultDeadlineMs: 10_000 });
    try {
      await expectEnvelope(call(bad.Platform.Describe, {}), grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED');
    } finally {
      bad.close();
    }
    await expectEnvelope(call(t.root.Process.Open, { path: '/dev/iommu', flags: 2 }), grpc.status.INVALID_ARGUMENT, 'PID_REQUIRED');
    await expectEnvelope(call(t.root.Process.Open, { path: '/dev/iommu', flags: 2 }, callMeta(undefined, { 'x-iommutwin-pid': 'abc' })), grpc.status.INVALID_ARGUMENT, 'BAD_PID');
  });

  it('a stream that fails ends with the same envelope', async () => {
    const stream = t.qemu.Platform.WatchEvents({ after_sequence: '0' });
    const err = await new Promise<grpc.ServiceError>((resolve) => {
      stream.on('error', (e: grpc.ServiceError) => resolve(e));
      stream.on('data', () => undefined);
    });
    await expectEnvelope(Promise.reject(err), grpc.status.PERMISSION_DENIED, 'EPERM', 1);
  });
});

// ======================================================================================
describe('the `iommu-twin host` command', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Starts `iommu-twin host <args>` (shared helper), tracked for cleanup. */
  function startHost(args: string[]) {
    const cli = startCli(['host', ...args]);
    children.push(cli.child);
    return cli;
  }

  it('--tokens FILE: prints `listening on 127.0.0.1:<port>`, serves authenticated calls, exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-cli-'));
    dirs.push(dir);
    const tokens = path.join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ 'cli-root-token': 'root', 'cli-qemu-token': 'qemu' }));
    const cli = startHost(['--listen', '127.0.0.1:0', '--tokens', tokens]);
    const out = await cli.until((s) => /listening on 127\.0\.0\.1:\d+\n/.test(s));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)\n/.exec(out)![1]);
    expect(port).toBeGreaterThan(0);
    expect(out).not.toContain('tokens written');
    const root = createClients(`127.0.0.1:${port}`, { token: 'cli-root-token', defaultDeadlineMs: 10_000 });
    const qemu = createClients(`127.0.0.1:${port}`, { token: 'cli-qemu-token', defaultDeadlineMs: 10_000 });
    try {
      const d = await call(root.Platform.Describe, {});
      expect(d.name).toBe('intel-vtd');
      expect(d.devices.length).toBe(9);
      const sp = await call(qemu.Process.Spawn, { name: 'q', lease_ms: 0 });
      expect((await call(qemu.Process.GetStatus, { pid: sp.pid })).principal).toBe('qemu');
    } finally {
      root.close();
      qemu.close();
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('without --tokens: writes a 0600 token file for every principal and prints its path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-state-'));
    dirs.push(dir);
    const cli = startHost(['--listen', '127.0.0.1:0', '--profile', 'arm-smmuv3', '--state-dir', dir]);
    const out = await cli.until((s) => /tokens written to (.+)\n/.test(s));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)\n/.exec(out)![1]);
    const file = /tokens written to (.+)\n/.exec(out)![1]!;
    expect(path.dirname(file)).toBe(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const tokens = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.values(tokens).sort()).toEqual(['platform', 'qemu', 'root']);
    for (const tok of Object.keys(tokens)) expect(tok.length).toBeGreaterThanOrEqual(16);
    const tokenOf = (name: string) => Object.entries(tokens).find(([, n]) => n === name)![0];
    const platform = createClients(`127.0.0.1:${port}`, { token: tokenOf('platform'), defaultDeadlineMs: 10_000 });
    const qemu = createClients(`127.0.0.1:${port}`, { token: tokenOf('qemu'), defaultDeadlineMs: 10_000 });
    try {
      const d = await call(platform.Platform.Describe, {});
      expect(d.name).toBe('arm-smmuv3');
      expect(d.arch).toBe('aarch64');
      await expectEnvelope(call(qemu.Platform.Describe, {}), grpc.status.PERMISSION_DENIED, 'EPERM', 1);
    } finally {
      platform.close();
      qemu.close();
    }
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses a tokens file naming an unknown principal (exit 1, message on stderr)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-cli-'));
    dirs.push(dir);
    const tokens = path.join(dir, 'tokens.yaml');
    writeFileSync(tokens, 'some-token: mallory\n');
    const cli = startHost(['--listen', '127.0.0.1:0', '--tokens', tokens]);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.stderr()).toContain("unknown principal 'mallory'");
  });
});
