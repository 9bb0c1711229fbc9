/**
 * Process.ReadMemory / Process.WriteMemory through their in-process transport
 * (inProcessProcessMemory, libs/rpc/inprocess.ts InProcessUnary) against the unary gRPC calls:
 * the same host, the same requests and metadata, and every answer must be the same — response
 * message, or status code, details and ErrorInfo (caller checks, pid and identity metadata,
 * authentication, grpc-js's 4 MiB receive limit). The in-process call waits for deferred
 * teardown as the gRPC handlers do, is logged and counted like a unary call, and fails
 * UNAVAILABLE (SHUTTING_DOWN) once closed. `iommu-twin up` wires it into the vmm's host link.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, callMeta, createClients } from '#libs/rpc/client.js';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import { InProcessUnary } from '#libs/rpc/inprocess.js';
import { BOOT_ID_KEY, PID_KEY, START_TIME_KEY } from '#libs/rpc/metadata.js';
import { createServerMetrics } from '#libs/rpc/metrics.js';
import { inProcessProcessMemory, type InProcessProcessMemory } from '../../services/host-iommu/src/transport/handlers.js';
import { startUp } from '../../services/cli/up.js';
import { Sys, startTestHost, text, type TestHost } from './harness.js';

const MiB = 1n << 20n;

type Answer = { ok: true; res: unknown } | { ok: false; code: number; details: string; info: unknown };

async function answer(p: Promise<unknown>): Promise<Answer> {
  try {
    const res = await p;
    return { ok: true, res };
  } catch (e) {
    const err = e as grpc.ServiceError;
    return { ok: false, code: err.code, details: err.details, info: decodeErrorInfo(err) ?? null };
  }
}

describe('Process.ReadMemory / WriteMemory in-process transport', () => {
  let t: TestHost;
  let p: Sys;
  let q: Sys;
  let va: bigint;
  let mem: InProcessProcessMemory;
  let identity: { boot: string; start: string };
  const lines: Array<Record<string, unknown>> = [];
  const metrics = createServerMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    t = await startTestHost('intel-vtd');
    p = await Sys.spawn(t.root, 'vmm-mem');
    q = await Sys.spawn(t.qemu, 'qemu-mem');
    const mfd = await p.memfd('ram', 8n * MiB);
    va = await p.mmap(8n * MiB, { fd: mfd });
    const st = await call(t.root.Process.GetStatus, { pid: p.pid });
    identity = { boot: st.boot_id, start: String(st.start_time) };
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
    mem = inProcessProcessMemory(t.srv.host, { resolveToken: (tok) => t.srv.tokens.resolveToken(tok), logger, metrics });
  });
  afterAll(async () => {
    mem?.close();
    await t?.close();
  });

  it('answers every request as the unary gRPC call does: results, errnos, metadata checks, auth, size limits', async () => {
    const md = (extra: Record<string, string> = {}, pid = p.pid) => callMeta(pid, extra);
    const badPid = new grpc.Metadata();
    badPid.set(PID_KEY, 'abc');
    const big = new Uint8Array(Number(5n * MiB));
    type Case = [what: string, method: 'ReadMemory' | 'WriteMemory', token: string, req: Record<string, unknown>, md: () => grpc.Metadata];
    const cases: Case[] = [
      ['write', 'WriteMemory', 'tok-root', { addr: (va + 100n).toString(), data: Buffer.from(text('in-process')) }, () => md()],
      ['read back', 'ReadMemory', 'tok-root', { addr: (va + 98n).toString(), length: '14' }, () => md()],
      ['write with identity', 'WriteMemory', 'tok-root', { addr: (va + 4096n).toString(), data: Buffer.from([1, 2, 3]) }, () => md({ [BOOT_ID_KEY]: identity.boot, [START_TIME_KEY]: identity.start })],
      ['read unmapped (EFAULT)', 'ReadMemory', 'tok-root', { addr: '4096', length: '8' }, () => md()],
      ['write unmapped (EFAULT)', 'WriteMemory', 'tok-root', { addr: '4096', data: Buffer.from([1]) }, () => md()],
      ['read across the mapping end', 'ReadMemory', 'tok-root', { addr: (va + 8n * MiB - 4n).toString(), length: '8' }, () => md()],
      ['read above 64 MiB (EINVAL)', 'ReadMemory', 'tok-root', { addr: va.toString(), length: String(64n * MiB + 1n) }, () => md()],
      ['non-numeric u64 (0 on the wire: EFAULT)', 'ReadMemory', 'tok-root', { addr: 'x', length: '8' }, () => md()],
      ['no pid', 'ReadMemory', 'tok-root', { addr: va.toString(), length: '8' }, () => callMeta()],
      ['bad pid', 'WriteMemory', 'tok-root', { addr: va.toString(), data: Buffer.from([1]) }, () => badPid],
      ['another principal’s process (EPERM)', 'ReadMemory', 'tok-qemu', { addr: va.toString(), length: '8' }, () => md()],
      ['its own process, no mapping', 'ReadMemory', 'tok-qemu', { addr: va.toString(), length: '8' }, () => md({}, q.pid)],
      ['no such pid (ESRCH)', 'ReadMemory', 'tok-root', { addr: va.toString(), length: '8' }, () => md({}, 99999)],
      ['another start time (ESRCH)', 'ReadMemory', 'tok-root', { addr: va.toString(), length: '8' }, () => md({ [START_TIME_KEY]: '1' })],
      ['another boot (ESRCH)', 'WriteMemory', 'tok-root', { addr: va.toString(), data: Buffer.from([1]) }, () => md({ [BOOT_ID_KEY]: 'not-this-boot' })],
      ['unknown token', 'ReadMemory', 'no-such-token', { addr: va.toString(), length: '8' }, () => md()],
      ['built-in name as token', 'ReadMemory', 'constructor', { addr: va.toString(), length: '8' }, () => md()],
      ['response above 4 MiB', 'ReadMemory', 'tok-root', { addr: va.toString(), length: String(5n * MiB) }, () => md()],
      ['request above 4 MiB', 'WriteMemory', 'tok-root', { addr: va.toString(), data: Buffer.from(big) }, () => md()],
    ];
    const viaGrpc: Answer[] = [];
    const inProcess: Answer[] = [];
    for (const [, method, token, req, m] of cases) {
      viaGrpc.push(await answer(callWithToken(t, token, method, req, m())));
      inProcess.push(await answer((mem[method] as { call(tok: string, r: unknown, md: grpc.Metadata): Promise<unknown> }).call(token, req, m())));
    }
    for (let i = 0; i < cases.length; i++) expect(inProcess[i], cases[i]![0]).toEqual(viaGrpc[i]);
    // what the answers are (so the comparison compared something)
    const summary = inProcess.map((a) => (a.ok ? 'OK' : ((a.info as { reason?: string } | null)?.reason ?? grpc.status[a.code])));
    expect(summary).toEqual([
      'OK',
      'OK',
      'OK',
      'EFAULT',
      'EFAULT',
      'EFAULT',
      'EINVAL',
      'EFAULT',
      'PID_REQUIRED',
      'BAD_PID',
      'EPERM',
      'EFAULT',
      'ESRCH',
      'ESRCH',
      'ESRCH',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'RESOURCE_EXHAUSTED',
      'RESOURCE_EXHAUSTED',
    ]);
    expect((inProcess[1] as { res: { data: Buffer } }).res.data).toEqual(Buffer.from([0, 0, ...text('in-process'), 0, 0]));
  }, 60_000);

  it('waits for deferred teardown before the handler runs, as the gRPC handlers do', async () => {
    const host = t.srv.host;
    const proc = host.processes.get(p.pid)!;
    const at = va + 3n * MiB;
    proc.mm.write(at, new Uint8Array(9)); // the page exists: the work below only stores bytes
    let steps = 0;
    // queued work (above the inline budget) that changes the bytes the read will see, over several slices
    host.deferred.submit(host.deferred.inlineBudget + 1, {
      step: () => {
        if (++steps < 3) return false;
        proc.mm.write(at, text('torn down'));
        return true;
      },
    });
    expect(host.idle).toBe(false);
    const r = await mem.ReadMemory.call('tok-root', { addr: at.toString(), length: '9' }, callMeta(p.pid));
    expect(steps).toBe(3);
    expect(Buffer.from(r.data)).toEqual(Buffer.from(text('torn down')));
  });

  it('logs one rpc line per call and counts it in the unary method’s gRPC metrics', async () => {
    const before = lines.length;
    await mem.WriteMemory.call('tok-root', { addr: va.toString(), data: Buffer.from([7]) }, callMeta(p.pid));
    await answer(mem.ReadMemory.call('tok-root', { addr: '4096', length: '1' }, callMeta(p.pid)));
    const rpc = lines.slice(before).filter((l) => l.msg === 'rpc');
    expect(rpc).toHaveLength(2);
    expect(rpc[0]).toMatchObject({ method: '/iommutwin.host.v1.Process/WriteMemory', principal: 'root', transport: 'in-process', code: 'OK' });
    expect(rpc[0]).not.toHaveProperty('reason');
    expect(rpc[1]).toMatchObject({ method: '/iommutwin.host.v1.Process/ReadMemory', principal: 'root', transport: 'in-process', code: 'INVALID_ARGUMENT', reason: 'EFAULT' });
    const handled = (await metrics.registry.getSingleMetric('grpc_server_handled_total')!.get()).values;
    const count = (method: string, code: string) => handled.find((v) => v.labels.grpc_method === method && v.labels.grpc_code === code && v.labels.grpc_type === 'unary' && v.labels.grpc_service === 'iommutwin.host.v1.Process')?.value ?? 0;
    // the first test's calls are counted too; exact counts of what this file made
    expect(count('WriteMemory', 'OK')).toBe(3);
    expect(count('ReadMemory', 'OK')).toBe(3);
    const started = (await metrics.registry.getSingleMetric('grpc_server_started_total')!.get()).values;
    const total = started.filter((v) => v.labels.grpc_service === 'iommutwin.host.v1.Process').reduce((a, v) => a + v.value, 0);
    const done = handled.filter((v) => v.labels.grpc_service === 'iommutwin.host.v1.Process').reduce((a, v) => a + v.value, 0);
    expect(total).toBe(done);
    expect(total).toBe(19 + 1 + 2);
  });

  it('fails calls with UNAVAILABLE (SHUTTING_DOWN) once closed', async () => {
    const m2 = inProcessProcessMemory(t.srv.host, { resolveToken: (tok) => t.srv.tokens.resolveToken(tok), logger: pino({ level: 'silent' }) });
    m2.close();
    const a = await answer(m2.ReadMemory.call('tok-root', { addr: va.toString(), length: '1' }, callMeta(p.pid)));
    expect(a).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE, info: { reason: 'SHUTTING_DOWN' } });
  });

  it('guest-RAM bytes cross by reference but share nothing with the host: a written buffer changed after the call, a read buffer changed after it, leave the process memory as written', async () => {
    const at = va + 5n * MiB + 10n;
    const src = Buffer.from(text('by reference'));
    await mem.WriteMemory.call('tok-root', { addr: at.toString(), data: src }, callMeta(p.pid));
    src.fill(0x55); // the host copied the bytes into the page
    const a = (await mem.ReadMemory.call('tok-root', { addr: at.toString(), length: String(src.length) }, callMeta(p.pid))).data;
    expect(a.toString('latin1')).toBe('by reference');
    a.fill(0x66); // the answer is the caller's own buffer
    const b = (await mem.ReadMemory.call('tok-root', { addr: at.toString(), length: String(src.length) }, callMeta(p.pid))).data;
    expect(b.toString('latin1')).toBe('by reference');
    expect(b.buffer).not.toBe(a.buffer);
    // a by-reference field must be a singular bytes field of the message
    expect(() => new InProcessUnary({ server: 'x', method: '/m', requestType: 'iommutwin.host.v1.ReadMemoryRequest', responseType: 'iommutwin.host.v1.ReadMemoryResponse', resolveToken: () => 'root', handle: () => ({}), logger: pino({ level: 'silent' }), byReference: { request: 'length' } })).toThrow(/not a singular bytes field/);
  });
});

/** A unary Process call with any bearer token (the test host's clients carry fixed ones). */
async function callWithToken(t: TestHost, token: string, method: string, req: unknown, md: grpc.Metadata): Promise<unknown> {
  const c = createClients(t.srv.addr, { token, defaultDeadlineMs: 20_000 });
  try {
    return await call((c.Process as unknown as Record<string, never>)[method]!, req as never, md);
  } finally {
    c.close();
  }
}

describe('iommu-twin up: the vmm’s guest-RAM accesses use the in-process transport', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'inproc-mem-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('selected with the ioctl transport: in-process by default, gRPC with ioctlTransport grpc', async () => {
    for (const kind of ['in-process', 'grpc'] as const) {
      const lines: Array<Record<string, unknown>> = [];
      const hostLogger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
      const up = await startUp({ listen: '127.0.0.1:0', vmmListen: '127.0.0.1:0', profile: 'intel-vtd', stateDir: dir, hostLogger, vmmLogger: pino({ level: 'silent' }), ...(kind === 'grpc' ? { ioctlTransport: 'grpc' as const } : {}) });
      try {
        const link = up.vmm.link;
        expect(link.memoryTransport).toBe(kind);
        const id = await link.spawn('guest', 0);
        const fd = await link.memfd(id.pid, 'ram', 1n * MiB);
        const gva = await link.mmapShared(id.pid, fd, 1n * MiB);
        await link.writeMemory(id.pid, gva + 8n, text('guest ram'));
        expect(await link.readMemory(id.pid, gva + 8n, 9)).toEqual(Buffer.from(text('guest ram')));
        // a host error keeps its errno through either transport
        await expect(link.readMemory(id.pid, 4096n, 4)).rejects.toMatchObject({ reason: 'EFAULT' });
        const memLines = lines.filter((l) => l.msg === 'rpc' && typeof l.method === 'string' && /Process\/(Read|Write)Memory$/.test(l.method));
        expect(memLines).toHaveLength(3);
        for (const l of memLines) expect(l.transport).toBe(kind === 'in-process' ? 'in-process' : undefined);
        await link.exit(id.pid);
      } finally {
        await up.close(500);
      }
    }
  }, 60_000);
});
