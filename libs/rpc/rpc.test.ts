import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import pino from 'pino';
import { grantedWindows } from './http2-windows.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, kerr, notModelled } from '../errno/index.js';
import { U64FormatError } from '../u64/index.js';
import {
  CALL_ID_KEY,
  ERROR_DOMAIN,
  ERROR_INFO_TYPE_URL,
  LOAD_OPTIONS,
  PID_KEY,
  PROTO_DIR,
  PROTO_FILES,
  STATUS_DETAILS_KEY,
  bidiStream,
  call,
  callMeta,
  createClients,
  createServer,
  decodeErrorInfo,
  decodeStatus,
  errorInfoOfStatus,
  hostService,
  hostServiceDefinitions,
  messageType,
  packageDefinition,
  proto,
  registration,
  serverStream,
  toServiceError,
  unary,
  type HostClients,
  type IommufdHandlers,
  type PlatformHandlers,
  type RpcServer,
} from './index.js';

const REPO_ROOT = path.resolve(PROTO_DIR, '..');
const TOKENS: Record<string, string> = { 'tok-qemu': 'qemu', 'tok-root': 'root' };

/** Handlers refusing every method of a service (UNIMPLEMENTED / NOT_MODELLED). */
function refusing(definition: grpc.ServiceDefinition): grpc.UntypedServiceImplementation {
  const h: grpc.UntypedServiceImplementation = {};
  for (const [name, m] of Object.entries(definition)) {
    const refuse = (): never => {
      throw notModelled(name, 'test server');
    };
    h[name] = m.requestStream ? bidiStream(refuse) : m.responseStream ? serverStream(refuse) : unary(refuse);
  }
  return h;
}

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

interface Seen {
  principal?: string;
  pid?: number;
  callIdInMetadata?: number;
  method?: string;
}

function testServices(seen: Seen, watch: { started?: () => void; aborted: boolean }) {
  const platformHandlers: PlatformHandlers = {
    ...(refusing(hostServiceDefinitions.Platform) as PlatformHandlers),
    Ping: unary((req, ctx) => {
      seen.principal = ctx.principal;
      seen.pid = ctx.pid();
      seen.callIdInMetadata = ctx.metadata.get(CALL_ID_KEY).length;
      seen.method = ctx.method;
      return { payload: req.payload };
    }),
    Plug: unary((req) => {
      throw kerr('EEXIST', `device ${req.bdf} is already present`, { bdf: req.bdf });
    }),
    Unplug: unary(() => {
      throw new TypeError('boom (sync)');
    }),
    Describe: unary(async () => {
      await new Promise((r) => setTimeout(r, 1));
      throw new Error('boom (async)');
    }),
    SetBarDecode: unary((_req, ctx) => {
      ctx.requirePid();
      return {};
    }),
    PingStream: serverStream(async (req, out) => {
      for (let i = 1; i <= req.count; i++) await out.send({ sequence: String(i), payload: Buffer.alloc(req.payload_size) });
    }),
    WatchEvents: serverStream(async (_req, out, ctx) => {
      await out.send({ sequence: '5', kind: 'HOST_EVENT_KIND_DMA_FAULT', bdf: '0000:01:00.0' });
      watch.started?.();
      if (!ctx.signal.aborted) {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      watch.aborted = true;
    }),
  };
  const iommufdHandlers: IommufdHandlers = {
    ...(refusing(hostServiceDefinitions.Iommufd) as IommufdHandlers),
    InvalidationChannel: bidiStream(async (requests, out) => {
      for await (const r of requests) {
        if (r.entry_len === 0) {
          const err = toServiceError(kerr('EINVAL', 'entry_len is 0', { entry_num: '0' }));
          await out.send({ sequence: r.sequence, entry_num: 0, status: err.toStatusMessage() });
        } else {
          await out.send({ sequence: r.sequence, entry_num: r.entries.length / r.entry_len, status: { code: 0 } });
        }
      }
    }),
  };
  return [
    registration(hostServiceDefinitions.Process, refusing(hostServiceDefinitions.Process)),
    hostService('Iommufd', iommufdHandlers),
    registration(hostServiceDefinitions.Vfio, refusing(hostServiceDefinitions.Vfio)),
    hostService('Platform', platformHandlers),
  ];
}

function rawPlatformClient(addr: string) {
  return new proto.iommutwin.host.v1.Platform(addr, grpc.credentials.createInsecure());
}

function expectServiceError(e: unknown): grpc.ServiceError {
  expect(e).toBeInstanceOf(Error);
  expect(typeof (e as grpc.ServiceError).code).toBe('number');
  return e as grpc.ServiceError;
}

async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    return expectServiceError(e);
  }
  throw new Error('call unexpectedly succeeded');
}

describe('libs/rpc over a real server', () => {
  let server: RpcServer;
  let addr: string;
  let host: HostClients;
  const seen: Seen = {};
  const watch = { aborted: false };
  const log = capture();

  beforeAll(async () => {
    server = createServer({
      name: 'test-host',
      logger: log.logger,
      auth: { resolveToken: (t) => TOKENS[t] },
      services: testServices(seen, watch),
    });
    addr = await server.listen('127.0.0.1:0');
    host = createClients(addr, { token: 'tok-qemu', pid: 7 });
    await host.waitForReady();
  });

  afterAll(async () => {
    host?.close();
    await server?.shutdown(1000);
  });

  it('listen reports the actual port', () => {
    expect(addr).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
  });

  it('refuses a call without a token with UNAUTHENTICATED + ErrorInfo', async () => {
    const raw = rawPlatformClient(addr);
    try {
      const err = await new Promise<grpc.ServiceError>((resolve, reject) =>
        raw.Ping({}, (e) => (e ? resolve(e) : reject(new Error('no error')))),
      );
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(decodeErrorInfo(err)).toEqual({ reason: 'UNAUTHENTICATED', domain: ERROR_DOMAIN, metadata: {} });
      const md = new grpc.Metadata();
      md.set('authorization', 'Bearer not-a-token');
      const err2 = await new Promise<grpc.ServiceError>((resolve, reject) =>
        raw.Ping({}, md, (e) => (e ? resolve(e) : reject(new Error('no error')))),
      );
      expect(err2.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(err2.details).toBe('unknown bearer token');
    } finally {
      raw.close();
    }
  });

  it('gives handlers the principal and pid; the internal call id cannot be spoofed', async () => {
    const res = await call(host.Platform.Ping, { payload: Buffer.from('hi') });
    expect(Buffer.from(res.payload).toString()).toBe('hi');
    expect(seen).toEqual({ principal: 'qemu', pid: 7, callIdInMetadata: 0, method: '/iommutwin.host.v1.Platform/Ping' });

    const md = callMeta(9, { [CALL_ID_KEY]: 'forged' });
    await call(host.Platform.Ping, {}, md);
    expect(seen.principal).toBe('qemu');
    expect(seen.pid).toBe(9);
    expect(seen.callIdInMetadata).toBe(0);

    const rootClients = createClients(addr, { token: 'tok-root' });
    try {
      await call(rootClients.Platform.Ping, {});
      expect(seen.principal).toBe('root');
      expect(seen.pid).toBeUndefined();
      rootClients.pid = 11;
      await call(rootClients.Platform.ping, {});
      expect(seen.pid).toBe(11);
    } finally {
      rootClients.close();
    }
  });

  it('rejects a malformed pid with INVALID_ARGUMENT BAD_PID and a missing one with PID_REQUIRED', async () => {
    const md = new grpc.Metadata();
    md.set(PID_KEY, '12abc');
    const err = await failure(call(host.Platform.Ping, {}, md));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(decodeErrorInfo(err)?.reason).toBe('BAD_PID');

    const noPid = createClients(addr, { token: 'tok-qemu' });
    try {
      const err2 = await failure(call(noPid.Platform.SetBarDecode, { bdf: 'x', enabled: true }));
      expect(err2.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(decodeErrorInfo(err2)?.reason).toBe('PID_REQUIRED');
      const ok = await call(noPid.Platform.SetBarDecode, { bdf: 'x', enabled: true }, callMeta(3));
      expect(ok).toEqual({});
    } finally {
      noPid.close();
    }
  });

  it('round-trips a KernelError as ALREADY_EXISTS with exactly one ErrorInfo', async () => {
    const err = await failure(call(host.Platform.Plug, { bdf: '0000:01:00.0' }));
    expect(err.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(err.details).toBe('EEXIST: device 0000:01:00.0 is already present');
    expect(decodeErrorInfo(err)).toEqual({
      reason: 'EEXIST',
      domain: 'iommutwin.dev',
      metadata: { errno: '17', bdf: '0000:01:00.0' },
    });
    const raw = err.metadata.get(STATUS_DETAILS_KEY);
    expect(raw).toHaveLength(1);
    const st = decodeStatus(raw[0] as Buffer)!;
    expect(st.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(st.message).toBe(err.details);
    expect(st.details).toHaveLength(1);
    expect(st.details[0]!.type_url).toBe(ERROR_INFO_TYPE_URL);
  });

  it('maps a DomainError (not modelled) to UNIMPLEMENTED with its reason', async () => {
    const err = await failure(call(host.Iommufd.ViommuAlloc, { fd: 3, type: 1 }));
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(decodeErrorInfo(err)).toEqual({
      reason: 'NOT_MODELLED',
      domain: ERROR_DOMAIN,
      metadata: { feature: 'ViommuAlloc' },
    });
  });

  it('turns thrown non-domain errors (sync and async) into INTERNAL and keeps serving', async () => {
    const e1 = await failure(call(host.Platform.Unplug, { bdf: 'x' }));
    expect(e1.code).toBe(grpc.status.INTERNAL);
    expect(e1.details).toBe('internal error: boom (sync)');
    expect(decodeErrorInfo(e1)).toEqual({ reason: 'INTERNAL', domain: ERROR_DOMAIN, metadata: {} });
    const e2 = await failure(call(host.Platform.Describe, {}));
    expect(e2.code).toBe(grpc.status.INTERNAL);
    expect(decodeErrorInfo(e2)?.reason).toBe('INTERNAL');
    const res = await call(host.Platform.Ping, { payload: Buffer.from([1, 2, 3]) });
    expect([...res.payload]).toEqual([1, 2, 3]);
  });

  it('streams server messages in order and ends OK', async () => {
    const got: string[] = [];
    const stream = host.Platform.PingStream({ count: 3, payload_size: 5 });
    for await (const m of stream) {
      got.push(`${m.sequence}:${m.payload.length}`);
    }
    expect(got).toEqual(['1:5', '2:5', '3:5']);
  });

  it('serves a bidi stream with per-request acks carrying google.rpc.Status', async () => {
    const duplex = host.Iommufd.InvalidationChannel();
    const acks: Array<{ sequence: string; entry_num: number; code: number; reason?: string }> = [];
    const done = (async () => {
      for await (const a of duplex) {
        acks.push({
          sequence: a.sequence,
          entry_num: a.entry_num,
          code: a.status?.code ?? -1,
          reason: errorInfoOfStatus(a.status)?.reason,
        });
      }
    })();
    duplex.write({ fd: 3, sequence: '1', hwpt_id: 2, data_type: 0, entry_len: 16, entries: Buffer.alloc(48) });
    duplex.write({ fd: 3, sequence: '2', hwpt_id: 2, data_type: 0, entry_len: 0, entries: Buffer.alloc(0) });
    duplex.end();
    await done;
    expect(acks).toEqual([
      { sequence: '1', entry_num: 3, code: 0, reason: undefined },
      { sequence: '2', entry_num: 0, code: grpc.status.INVALID_ARGUMENT, reason: 'EINVAL' },
    ]);
  });

  it('serves grpc.health.v1 (no token needed): SERVING for the server and each service', async () => {
    const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
    const Health = (grpc.loadPackageDefinition(def) as any).grpc.health.v1.Health;
    const client = new Health(addr, grpc.credentials.createInsecure());
    const check = (service: string) =>
      new Promise<{ status?: string; code?: number }>((resolve) =>
        client.Check({ service }, (err: grpc.ServiceError | null, res: { status: string }) =>
          resolve(err ? { code: err.code } : { status: res.status }),
        ),
      );
    try {
      expect(await check('')).toEqual({ status: 'SERVING' });
      for (const s of ['Process', 'Iommufd', 'Vfio', 'Platform']) {
        expect(await check(`iommutwin.host.v1.${s}`)).toEqual({ status: 'SERVING' });
      }
      expect(await check('nope')).toEqual({ code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
    }
  });

  it('serves reflection listing the four services and health, and describes them', async () => {
    const require = createRequire(import.meta.url);
    const reflProto = path.resolve(
      path.dirname(require.resolve('@grpc/reflection')),
      '../proto/grpc/reflection/v1/reflection.proto',
    );
    const def = protoLoader.loadSync(reflProto, { keepCase: true, oneofs: true });
    const Refl = (grpc.loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection;
    const client = new Refl(addr, grpc.credentials.createInsecure());
    try {
      const ask = (req: object) =>
        new Promise<any>((resolve, reject) => {
          const s = client.ServerReflectionInfo();
          s.on('data', (m: unknown) => {
            resolve(m);
            s.end();
          });
          s.on('error', reject);
          s.write(req);
        });
      const list = await ask({ list_services: '' });
      const names = list.list_services_response.service.map((s: { name: string }) => s.name).sort();
      expect(names).toEqual([
        'grpc.health.v1.Health',
        'iommutwin.host.v1.Iommufd',
        'iommutwin.host.v1.Platform',
        'iommutwin.host.v1.Process',
        'iommutwin.host.v1.Vfio',
      ]);
      const file = await ask({ file_containing_symbol: 'iommutwin.host.v1.Iommufd' });
      expect(file.message_response).toBe('file_descriptor_response');
      expect(file.file_descriptor_response.file_descriptor_proto.length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  it('logs every call exactly once with its call id, never the token', async () => {
    const before = log.lines.length;
    await call(host.Platform.Ping, {});
    await failure(call(host.Platform.Plug, { bdf: 'b' }));
    const lines = log.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const rpc = lines.filter((l) => l.msg === 'rpc' && String(l.method).startsWith('/iommutwin.'));
    expect(rpc.map((l) => [l.method, l.code, l.reason, l.principal])).toEqual([
      ['/iommutwin.host.v1.Platform/Ping', 'OK', undefined, 'qemu'],
      ['/iommutwin.host.v1.Platform/Plug', 'ALREADY_EXISTS', 'EEXIST', 'qemu'],
    ]);
    expect(new Set(rpc.map((l) => l.callId)).size).toBe(2);
    expect(log.lines.join('\n')).not.toContain('tok-qemu');
    expect(log.lines.join('\n')).not.toContain('tok-root');
  });
});

describe('receiveWindow', () => {
  it('advertises the stream window in SETTINGS and grants the connection window at the session start', async () => {
    const server = createServer({ name: 'win', logger: capture().logger, auth: { resolveToken: (t) => TOKENS[t] }, services: testServices({}, { aborted: false }), receiveWindow: { stream: 3 << 20, connection: 7 << 20 } });
    const plain = createServer({ name: 'plain', logger: capture().logger, auth: { resolveToken: (t) => TOKENS[t] }, services: testServices({}, { aborted: false }) });
    try {
      expect(await grantedWindows(await server.listen('127.0.0.1:0'))).toEqual({ stream: 3 << 20, connection: 7 << 20 });
      expect(await grantedWindows(await plain.listen('127.0.0.1:0'), 200)).toEqual({ stream: 65535, connection: 65535 });
    } finally {
      await server.shutdown(500);
      await plain.shutdown(500);
    }
    expect(() => createServer({ name: 'bad', logger: capture().logger, auth: { resolveToken: () => undefined }, services: [], receiveWindow: { stream: 1024, connection: 1 << 20 } })).toThrow(/receiveWindow.stream 1024/);
  });
});

describe('graceful shutdown', () => {
  it('ends an open server stream with UNAVAILABLE (SHUTTING_DOWN, lastSequence) and completes', async () => {
    const watch: { started?: () => void; aborted: boolean } = { aborted: false };
    const log = capture();
    const srv = createServer({
      name: 'test-shutdown',
      logger: log.logger,
      auth: { resolveToken: (t) => TOKENS[t] },
      services: testServices({}, watch),
    });
    const addr = await srv.listen('127.0.0.1:0');
    const clients = createClients(addr, { token: 'tok-qemu', pid: 7 });
    try {
      const started = new Promise<void>((r) => (watch.started = r));
      const stream = clients.Platform.WatchEvents({ after_sequence: '0' });
      const first = new Promise<unknown>((resolve) => stream.once('data', resolve));
      const ended = new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
      expect(await first).toMatchObject({ sequence: '5', kind: 'HOST_EVENT_KIND_DMA_FAULT', bdf: '0000:01:00.0' });
      await started;
      expect(srv.activeStreams).toBe(1);

      const t0 = Date.now();
      await srv.shutdown(5000);
      expect(Date.now() - t0).toBeLessThan(4000); // tryShutdown finished, not the forced path

      const err = await ended;
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
      expect(decodeErrorInfo(err)).toEqual({
        reason: 'SHUTTING_DOWN',
        domain: ERROR_DOMAIN,
        metadata: { server: 'test-shutdown', lastSequence: '5' },
      });
      expect(watch.aborted).toBe(true);
      expect(srv.activeStreams).toBe(0);
      await expect(srv.listen('127.0.0.1:0')).rejects.toThrow(/shut down/);
    } finally {
      clients.close();
    }
  });
});

describe('toServiceError', () => {
  const info = (e: unknown) => {
    const err = toServiceError(e);
    return { code: grpc.status[err.code], ...decodeErrorInfo(err) };
  };

  it('maps errnos per host-api.md and keeps metadata.errno authoritative', () => {
    expect(info(kerr('EBADF', 'x'))).toEqual({ code: 'INVALID_ARGUMENT', reason: 'EBADF', domain: ERROR_DOMAIN, metadata: { errno: '9' } });
    expect(info(kerr('ENOTTY', 'x'))).toMatchObject({ code: 'UNIMPLEMENTED', metadata: { errno: '25' } });
    expect(info(kerr('ESRCH', 'x'))).toMatchObject({ code: 'NOT_FOUND', reason: 'ESRCH', metadata: { errno: '3' } });
    expect(info(kerr('EDEADLOCK', 'x'))).toMatchObject({ code: 'FAILED_PRECONDITION', metadata: { errno: '35' } });
    expect(info(kerr('EMSGSIZE', 'x'))).toMatchObject({ code: 'OUT_OF_RANGE', metadata: { errno: '90' } });
    expect(info(kerr('EIO', 'x'))).toMatchObject({ code: 'INTERNAL', reason: 'EIO', metadata: { errno: '5' } });
    expect(info(kerr('EPERM', 'x', { errno: '999', entry_num: '2' }))).toEqual({
      code: 'PERMISSION_DENIED',
      reason: 'EPERM',
      domain: ERROR_DOMAIN,
      metadata: { errno: '1', entry_num: '2' },
    });
  });

  it('maps DomainError, U64FormatError and unknown throwables', () => {
    expect(info(new DomainError('ABORTED', 'GENERATION_MISMATCH', 'm', { have: '3' }))).toEqual({
      code: 'ABORTED',
      reason: 'GENERATION_MISMATCH',
      domain: ERROR_DOMAIN,
      metadata: { have: '3' },
    });
    expect(info(new U64FormatError('iova', '-1'))).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'BAD_U64',
      domain: ERROR_DOMAIN,
      metadata: { field: 'iova', value: '-1' },
    });
    expect(info('a string')).toEqual({ code: 'INTERNAL', reason: 'INTERNAL', domain: ERROR_DOMAIN, metadata: {} });
    const rpc = toServiceError(kerr('ENOENT', 'gone'));
    expect(toServiceError(rpc)).toBe(rpc);
    expect(decodeErrorInfo({ metadata: new grpc.Metadata() })).toBeUndefined();
  });
});

describe('the contract', () => {
  it('LOAD_OPTIONS equals the codegen flags and the file lists agree', async () => {
    const gen = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'gen-proto.mjs')).href);
    const flags = new Set<string>(gen.GEN_FLAGS);
    expect(flags).toEqual(
      new Set([
        '--keepCase',
        '--longs=String',
        '--enums=String',
        '--defaults',
        '--oneofs',
        '--includeComments',
        '--grpcLib=@grpc/grpc-js',
        '--importFileExtension=.js',
      ]),
    );
    expect(LOAD_OPTIONS).toEqual({ keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    expect(gen.listProtoFiles()).toEqual([...PROTO_FILES]);
    expect(PROTO_FILES).toEqual(
      expect.arrayContaining([
        'google/rpc/error_details.proto',
        'google/rpc/status.proto',
        'iommutwin/common/v1/types.proto',
        'iommutwin/host/v1/iommufd.proto',
        'iommutwin/host/v1/platform.proto',
        'iommutwin/host/v1/process.proto',
        'iommutwin/host/v1/vfio.proto',
      ]),
    );
  });

  it('the committed libs/rpc/gen is what the generator produces; diffTrees reports drift', async () => {
    const gen = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'gen-proto.mjs')).href);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpc-gen-test-'));
    try {
      gen.generate(tmp);
      expect(gen.diffTrees(tmp, path.join(REPO_ROOT, 'libs', 'rpc', 'gen'))).toEqual([]);
      const a = path.join(tmp, 'a');
      const b = path.join(tmp, 'b');
      fs.mkdirSync(path.join(a, 'x'), { recursive: true });
      fs.mkdirSync(path.join(b, 'x'), { recursive: true });
      fs.writeFileSync(path.join(a, 'x', 'same.ts'), '1');
      fs.writeFileSync(path.join(b, 'x', 'same.ts'), '1');
      fs.writeFileSync(path.join(a, 'changed.ts'), '1');
      fs.writeFileSync(path.join(b, 'changed.ts'), '2');
      fs.writeFileSync(path.join(a, 'new.ts'), '1');
      fs.writeFileSync(path.join(b, 'old.ts'), '1');
      expect(gen.diffTrees(a, b)).toEqual(['differs: changed.ts', 'missing: new.ts', 'stale (no longer generated): old.ts']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  // host-api.md, table by table: RPC → request fields → response fields (names are contract).
  const SPEC: Record<string, Record<string, [string[], string[]]>> = {
    Process: {
      Spawn: [['name', 'lease_ms'], ['pid']],
      Exit: [['pid'], []],
      Heartbeat: [['pid'], ['lease_expires_unix_ms']],
      Open: [['path', 'flags'], ['fd']],
      Close: [['fd'], []],
      SendFd: [['fd', 'target_pid'], ['target_fd']],
      Chown: [['path', 'uid', 'gid'], []],
      Chmod: [['path', 'mode'], []],
      AllowDevice: [['pid', 'path'], []],
      MemfdCreate: [['name', 'flags'], ['fd']],
      Ftruncate: [['fd', 'length'], []],
      Mmap: [['addr', 'length', 'prot', 'flags', 'fd', 'offset'], ['addr']],
      Munmap: [['addr', 'length'], []],
      WriteMemory: [['addr', 'data'], []],
      ReadMemory: [['addr', 'length'], ['data']],
      GetStatus: [['pid'], ['vm_pinned_bytes', 'vm_locked_bytes', 'fds']],
    },
    Iommufd: {
      Destroy: [['fd', 'id'], []],
      IoasAlloc: [['fd', 'flags'], ['out_ioas_id']],
      IoasIovaRanges: [['fd', 'ioas_id'], ['allowed_iovas', 'out_iova_alignment']],
      IoasAllowIovas: [['fd', 'ioas_id', 'allowed_iovas'], []],
      IoasMap: [['fd', 'flags', 'ioas_id', 'user_va', 'length', 'iova'], ['iova']],
      IoasMapFile: [['fd', 'flags', 'ioas_id', 'file_fd', 'start', 'length', 'iova'], ['iova']],
      IoasCopy: [['fd', 'flags', 'dst_ioas_id', 'src_ioas_id', 'length', 'dst_iova', 'src_iova'], ['dst_iova']],
      IoasUnmap: [['fd', 'ioas_id', 'iova', 'length'], ['length']],
      IoasChangeProcess: [['fd'], []],
      Option: [['fd', 'option_id', 'op', 'object_id', 'val64'], ['val64']],
      VfioIoas: [['fd', 'ioas_id', 'op'], ['ioas_id']],
      GetHwInfo: [
        ['fd', 'flags', 'dev_id', 'in_data_type', 'data_len'],
        ['out_data_type', 'data', 'data_len', 'out_capabilities', 'out_max_pasid_log2', 'vtd', 'smmuv3'],
      ],
      HwptAlloc: [['fd', 'flags', 'dev_id', 'pt_id', 'data_type', 'data', 'fault_id'], ['out_hwpt_id']],
      HwptSetDirtyTracking: [['fd', 'flags', 'hwpt_id'], []],
      HwptGetDirtyBitmap: [['fd', 'hwpt_id', 'flags', 'iova', 'length', 'page_size'], ['bitmap']],
      HwptInvalidate: [['fd', 'hwpt_id', 'data_type', 'entry_len', 'entries'], ['entry_num']],
      InvalidationChannel: [['sequence', 'hwpt_id', 'data_type', 'entry_len', 'entries'], ['sequence', 'entry_num', 'status']],
      FaultQueueAlloc: [['fd', 'flags'], ['out_fault_id', 'out_fault_fd']],
      ReadFaults: [['fault_fd', 'after_cookie'], ['cookie', 'faults']],
      RespondFaults: [['fault_fd', 'responses'], ['count']],
      ViommuAlloc: [['fd', 'flags', 'type', 'dev_id', 'hwpt_id', 'data'], ['out_viommu_id', 'data']],
      VdeviceAlloc: [['fd', 'viommu_id', 'dev_id', 'virt_id'], ['out_vdevice_id']],
      VeventqAlloc: [['fd', 'flags', 'viommu_id', 'type', 'veventq_depth'], ['out_veventq_id', 'out_veventq_fd']],
      ReadVevents: [['veventq_fd', 'after_sequence'], ['flags', 'sequence', 'data']],
    },
    Vfio: {
      DeviceBindIommufd: [['device_fd', 'iommufd', 'flags'], ['out_devid']],
      DeviceAttachPt: [['device_fd', 'flags', 'pt_id', 'pasid'], ['pt_id']],
      DeviceDetachPt: [['device_fd', 'flags', 'pasid'], []],
      DeviceGetInfo: [['device_fd'], ['flags', 'num_regions', 'num_irqs']],
      DeviceGetRegionInfo: [['device_fd', 'index'], ['size', 'offset', 'flags']],
      DeviceGetDmabuf: [['device_fd', 'region_index', 'ranges'], ['dmabuf_fd']],
      DeviceReset: [['device_fd'], []],
      GroupGetStatus: [['group_fd'], ['flags']],
      GroupSetContainer: [['group_fd', 'container_fd'], []],
      GroupUnsetContainer: [['group_fd'], []],
      GroupGetDeviceFd: [['group_fd', 'name'], ['device_fd']],
      ContainerGetApiVersion: [['container_fd'], ['version']],
      ContainerCheckExtension: [['container_fd', 'extension'], ['supported']],
      ContainerSetIommu: [['container_fd', 'type'], []],
      ContainerGetInfo: [['container_fd'], ['flags', 'iova_pgsizes', 'iova_ranges', 'dma_avail']],
      ContainerMapDma: [['container_fd', 'flags', 'vaddr', 'iova', 'size'], []],
      ContainerUnmapDma: [['container_fd', 'flags', 'iova', 'size'], ['size']],
    },
    Platform: {
      Describe: [[], ['name', 'arch', 'kernel_features', 'units', 'devices']],
      DeviceDma: [['bdf', 'pasid', 'iova', 'length', 'write', 'data', 'allow_page_request'], ['data', 'fault']],
      DeviceDmaBatch: [['bdf', 'pasid', 'entries'], ['results']],
      DeviceAtsTranslate: [['bdf', 'pasid', 'iova', 'write'], ['translated_addr', 'size', 'perm', 'fault']],
      SetDriver: [['bdf', 'driver'], []],
      Unplug: [['bdf'], []],
      Plug: [['bdf'], []],
      SetBarDecode: [['bdf', 'enabled'], []],
      WatchEvents: [['after_sequence'], ['sequence', 'kind']],
      Inspect: [['iommufd_object', 'bdf', 'unit', 'host'], ['page_tables', 'iotlbs', 'areas', 'pinned']],
      Ping: [[], []],
    },
  };

  const fieldsOf = (fullName: string): string[] => {
    const t = packageDefinition[fullName] as unknown as { type?: { field: Array<{ name: string }> } };
    expect(t?.type, fullName).toBeDefined();
    return t.type!.field.map((f) => f.name);
  };

  it('has every RPC of host-api.md with <Rpc>Request/<Rpc>Response and the contract field names', () => {
    for (const [svc, rpcs] of Object.entries(SPEC)) {
      const def = hostServiceDefinitions[svc as keyof typeof hostServiceDefinitions] as grpc.ServiceDefinition;
      for (const [rpc, [req, res]] of Object.entries(rpcs)) {
        expect(def[rpc], `${svc}.${rpc}`).toBeDefined();
        expect(def[rpc]!.path).toBe(`/iommutwin.host.v1.${svc}/${rpc}`);
        expect(fieldsOf(`iommutwin.host.v1.${rpc}Request`)).toEqual(expect.arrayContaining(req));
        expect(fieldsOf(`iommutwin.host.v1.${rpc}Response`)).toEqual(expect.arrayContaining(res));
      }
    }
    expect(fieldsOf('iommutwin.common.v1.IovaRange')).toEqual(['start', 'last']);
    expect(fieldsOf('iommutwin.common.v1.DmaFault')).toEqual(
      expect.arrayContaining(['reason', 'addr', 'pasid', 'level', 'recoverable']),
    );
    expect(fieldsOf('iommutwin.host.v1.KernelFeatures')).toEqual([
      'iommufd',
      'vfio_compat_container',
      'native_type1',
      'dmabuf_p2p',
      'iommufd_fault',
      'viommu',
    ]);
    expect(fieldsOf('iommutwin.common.v1.VtdHwInfo')).toEqual(['flags', 'cap_reg', 'ecap_reg']);
    expect(fieldsOf('iommutwin.common.v1.Smmuv3HwInfo')).toEqual(['flags', 'idr', 'iidr', 'aidr']);
    expect(fieldsOf('iommutwin.host.v1.PageFault')).toEqual(['flags', 'dev_id', 'pasid', 'grpid', 'perm', 'addr', 'length']);
    expect(fieldsOf('iommutwin.host.v1.PageResponse')).toEqual(['cookie', 'code']);
    const kinds = (packageDefinition['iommutwin.host.v1.HostEventKind'] as unknown as { type: { value: Array<{ name: string }> } })
      .type.value.map((v) => v.name);
    for (const k of ['DMA_FAULT', 'DEVICE_UNPLUGGED', 'PROCESS_EXITED', 'LEASE_EXPIRED', 'DMABUF_REVOKED']) {
      expect(kinds).toContain(`HOST_EVENT_KIND_${k}`);
    }
    expect(kinds[0]).toBe('HOST_EVENT_KIND_UNSPECIFIED');
  });

  it('carries u64 as exact decimal strings, optional presence and oneofs', () => {
    const Req = messageType<Record<string, unknown>, Record<string, unknown>>('iommutwin.host.v1.DeviceDmaRequest');
    const noPasid = Req.deserialize(Req.serialize({ bdf: '0000:01:00.0', iova: '18446744073709547520' }));
    expect(noPasid.pasid).toBeUndefined();
    expect(noPasid.iova).toBe('18446744073709547520');
    expect(noPasid.length).toBe('0');
    const pasid0 = Req.deserialize(Req.serialize({ bdf: 'x', pasid: 0 }));
    expect(pasid0.pasid).toBe(0);
    expect(pasid0._pasid).toBe('pasid');

    const Res = messageType<Record<string, unknown>, Record<string, unknown>>('iommutwin.host.v1.DeviceDmaResponse');
    const fault = Res.deserialize(
      Res.serialize({ fault: { reason: 'DMA_FAULT_REASON_PERMISSION', addr: '4096', level: 1, write: true } }),
    );
    expect(fault.result).toBe('fault');
    expect(fault.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', addr: '4096', level: 1, recoverable: false });
    expect((fault.fault as Record<string, unknown>).pasid).toBeUndefined();
    const data = Res.deserialize(Res.serialize({ data: Buffer.from([0xde, 0xad]) }));
    expect(data.result).toBe('data');
    expect([...(data.data as Buffer)]).toEqual([0xde, 0xad]);
  });
});
