/**
 * The documentation agrees with the server: the enum-like strings the proto comments list
 * (InspectResponse.kind, PageTableStats.format, lease_ms 0) against what the server returns,
 * and the README's account of which errors carry an ErrorInfo against the errors the gRPC
 * plumbing produces (undecodable request, unknown health service, unknown method).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { decodeErrorInfo, STATUS_DETAILS_KEY } from '#libs/rpc/errors.js';
import { PROTO_DIR } from '#libs/rpc/proto.js';
import { rejectionOf, startTestHost, Sys, useTestHost, type TestHost } from './harness.js';

const README = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8').replace(/\s+/g, ' ');

/** The comment lines right above `field` in `message` of a proto file, joined. */
function fieldComment(file: string, message: string, field: string): string {
  const lines = readFileSync(path.join(PROTO_DIR, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => new RegExp(`^message ${message} \\{`).test(l));
  expect(start, `${file}: message ${message}`).toBeGreaterThanOrEqual(0);
  let i = start + 1;
  while (i < lines.length && !new RegExp(`^\\s+(optional |repeated )?[\\w.]+ ${field} = \\d+;`).test(lines[i]!)) {
    expect(lines[i], `${message}.${field} before the end of the message`).not.toMatch(/^\}/);
    i++;
  }
  const comment: string[] = [];
  for (let j = i - 1; j > start && /^\s*\/\//.test(lines[j]!); j--) comment.unshift(lines[j]!.replace(/^\s*\/\/\s?/, ''));
  return comment.join(' ');
}

/** The `backticked` words of a field's comment. */
function documentedValues(file: string, message: string, field: string): Set<string> {
  return new Set([...fieldComment(file, message, field).matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

/** A unary call with raw request bytes (a client with other protos, or a broken one). */
function rawUnary(addr: string, method: string, bytes: Buffer, md: Record<string, string>): Promise<grpc.ServiceError> {
  const client = new grpc.Client(addr, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) metadata.set(k, v);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      metadata,
      { deadline: Date.now() + 10_000 },
      (err) => {
        client.close();
        if (err) resolve(err);
        else reject(new Error(`${method} succeeded`));
      },
    );
  });
}

describe('documented strings match what the server returns', () => {
  const t = useTestHost();
  let arm: TestHost;
  beforeAll(async () => {
    arm = await startTestHost('arm-smmuv3');
  });
  afterAll(async () => {
    await arm?.close();
  });

  it('InspectResponse.kind: every kind each selector returns is listed, in its case', async () => {
    const kinds = documentedValues('iommutwin/host/v1/platform.proto', 'InspectResponse', 'kind');
    const { sys, fd, devId, ioas, hwpt } = await t.deviceSetup('vfio0');
    const obj = (id: number) => ({ iommufd_object: { pid: sys.pid, fd, id } });
    const unit = (await t.hw.describe()).units[0]!.name;
    const seen = new Map<string, string>([
      ['IOAS', (await t.hw.inspect(obj(ioas))).kind],
      ['HWPT_PAGING', (await t.hw.inspect(obj(hwpt))).kind],
      ['DEVICE', (await t.hw.inspect(obj(devId))).kind],
      ['DEVICE (bdf)', (await t.hw.inspect({ bdf: '0000:01:00.0' })).kind],
      ['UNIT', (await t.hw.inspect({ unit })).kind],
      ['HOST', (await t.hw.inspect({ host: true })).kind],
    ]);
    expect([...seen.values()]).toEqual(['IOAS', 'HWPT_PAGING', 'DEVICE', 'DEVICE', 'UNIT', 'HOST']);
    for (const [what, kind] of seen) expect(kinds.has(kind), `${what}: ${kind} documented in ${[...kinds].join(', ')}`).toBe(true);
  });

  it('PageTableStats.format: the formats of an intel-vtd and an arm-smmuv3 host are listed (vtd-ss, lpae-s1-4k)', async () => {
    const formats = documentedValues('iommutwin/host/v1/platform.proto', 'PageTableStats', 'format');
    await t.deviceSetup('vfio0');
    const vtd = (await t.hw.inspect({ host: true })).page_tables.map((p) => p.format);
    const armSys = await Sys.spawn(arm.root, 'selftest');
    try {
      const ifd = await armSys.open('/dev/iommu');
      const dfd = await armSys.open('/dev/vfio/devices/vfio0');
      await armSys.bind(dfd, ifd);
      await armSys.attach(dfd, await armSys.ioasAlloc(ifd));
      const lpae = (await call(arm.platform.Platform.Inspect, { host: true })).page_tables.map((p) => p.format);
      expect(new Set(vtd)).toEqual(new Set(['vtd-ss']));
      expect(new Set(lpae)).toEqual(new Set(['lpae-s1-4k']));
      for (const f of [...vtd, ...lpae]) expect(formats.has(f), `${f} documented in ${[...formats].join(', ')}`).toBe(true);
    } finally {
      await armSys.exit();
    }
  });

  it('lease_ms 0 means no lease: lease_expires_unix_ms is 0 and Heartbeat keeps it 0', async () => {
    expect(fieldComment('iommutwin/host/v1/process.proto', 'SpawnRequest', 'lease_ms')).toMatch(/0 = no lease/);
    expect(fieldComment('iommutwin/host/v1/process.proto', 'SpawnResponse', 'lease_expires_unix_ms')).toMatch(/0 when the process has no\s+lease/);
    const none = await call(t.root.Process.Spawn, { name: 'nolease', lease_ms: 0 });
    const leased = await call(t.root.Process.Spawn, { name: 'leased', lease_ms: 60_000 });
    try {
      expect(none.lease_expires_unix_ms).toBe('0');
      expect((await call(t.root.Process.Heartbeat, { pid: none.pid })).lease_expires_unix_ms).toBe('0');
      expect(BigInt(leased.lease_expires_unix_ms)).toBeGreaterThan(BigInt(Date.now()));
    } finally {
      await call(t.root.Process.Exit, { pid: none.pid });
      await call(t.root.Process.Exit, { pid: leased.pid });
    }
  });
});

describe('errors of the gRPC plumbing are as the README says', () => {
  const t = useTestHost();
  const auth = { authorization: 'Bearer tok-root' };

  it('an undecodable request: INVALID_ARGUMENT UNDECODABLE_REQUEST with the method, the handler never runs', async () => {
    // field 1 (fd, varint) with its varint cut off
    const err = await rawUnary(t.srv.addr, '/iommutwin.host.v1.Iommufd/IoasAlloc', Buffer.from([0x08, 0xff]), auth);
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    const info = decodeErrorInfo(err);
    expect(info).toEqual({ reason: 'UNDECODABLE_REQUEST', domain: 'iommutwin.dev', metadata: { method: '/iommutwin.host.v1.Iommufd/IoasAlloc' } });
    expect(README).toContain('`INVALID_ARGUMENT` `UNDECODABLE_REQUEST` (`metadata.method`)');
    // without a token the call is refused before its message is read
    const anon = await rawUnary(t.srv.addr, '/iommutwin.host.v1.Iommufd/IoasAlloc', Buffer.from([0x08, 0xff]), {});
    expect(decodeErrorInfo(anon)?.reason).toBe('UNAUTHENTICATED');
  });

  it('health Check of an unknown service: NOT_FOUND UNKNOWN_SERVICE with the service; a known one is SERVING', async () => {
    const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
    const Health = (grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => grpc.Client } } } }).grpc.health.v1.Health;
    const client = new Health(t.srv.addr, grpc.credentials.createInsecure()) as grpc.Client & {
      Check(req: { service: string }, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void): void;
    };
    const check = (service: string) =>
      new Promise<{ err?: grpc.ServiceError; status?: string }>((resolve) => client.Check({ service }, (err, res) => resolve(err ? { err } : { status: res!.status })));
    try {
      expect(await check('iommutwin.host.v1.Iommufd')).toEqual({ status: 'SERVING' });
      const { err } = await check('iommutwin.host.v1.Nope');
      expect(err!.code).toBe(grpc.status.NOT_FOUND);
      expect(decodeErrorInfo(err!)).toEqual({ reason: 'UNKNOWN_SERVICE', domain: 'iommutwin.dev', metadata: { service: 'iommutwin.host.v1.Nope' } });
      expect(README).toContain('`NOT_FOUND` `UNKNOWN_SERVICE` (`metadata.service`)');
    } finally {
      client.close();
    }
  });

  it('an unknown method: UNIMPLEMENTED without ErrorInfo, listed in the README as such', async () => {
    const err = await rawUnary(t.srv.addr, '/iommutwin.host.v1.Iommufd/NoSuchMethod', Buffer.alloc(0), auth);
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(err.metadata.get(STATUS_DETAILS_KEY)).toEqual([]);
    expect(README).toMatch(/\*\*Without ErrorInfo\*\*[^.]*: an unknown method or service path \(`UNIMPLEMENTED`\)/);
    // a real method still answers with the envelope
    const real = await rejectionOf(call(t.root.Iommufd.IoasAlloc, { fd: 99 }));
    expect(decodeErrorInfo(real)?.reason).toBe('PID_REQUIRED');
  });
});
