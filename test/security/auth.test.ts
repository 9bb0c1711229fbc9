/**
 * Issue #7, item 1 — authentication: a bearer token equal to a JavaScript built-in property name
 * (`constructor`, `__proto__`, `toString`, …) was accepted, because both servers resolved tokens
 * with `tokens[t]` on a plain object; on the vmm (and `up`) that was full access without a token.
 * Tokens were also compared in non-constant time.
 *
 * Now: libs/rpc/auth.ts TokenTable (SHA-256 digests compared with crypto.timingSafeEqual against
 * every entry), refusing bad tokens files at start. Covered here: the table itself, both services
 * over real gRPC on 127.0.0.1, `iommu-twin up`'s wiring, and start-time refusals. Plus the
 * caller-string audit: ids from a VM spec used as keys of `passed_fds`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// A pass-through spy on timingSafeEqual: the table must compare every entry, whatever matched.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, default: real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

import { timingSafeEqual } from 'node:crypto';
import { TokenTable } from '#libs/rpc/auth.js';
import { call, createClients, createVmmClients } from '#libs/rpc/client.js';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import { startHostServer } from '../../services/host-iommu/src/main.js';
import { startVmmServer } from '../../services/vmm/src/main.js';
import { startUp, type Up } from '../../services/cli/up.js';
import { Orchestrator, startTestTwin, type TestTwin } from '../contract/vmm-harness.js';
import { expectStatus, rejectionOf } from '../contract/harness.js';

const silent = pino({ level: 'silent' });

/** Every own property name of Object.prototype and Function.prototype, plus `prototype`. */
const BUILTIN_NAMES: readonly string[] = [...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype), 'prototype', '__proto__'])].sort();

async function expectUnauthenticated(p: Promise<unknown>, token: string): Promise<void> {
  const err = await rejectionOf(p, `token '${token}' was accepted`);
  expect(err.code, `token '${token}': ${err.message}`).toBe(grpc.status.UNAUTHENTICATED);
  // refused by the interceptor (the table), not later by a handler that looked the principal up
  expect(err.details, `token '${token}'`).toBe('unknown bearer token');
  expect(decodeErrorInfo(err)?.reason).toBe('UNAUTHENTICATED');
}

/** A host and a vmm call made with `token`; both must be refused. */
async function expectRefusedEverywhere(hostAddr: string, vmmAddr: string, token: string): Promise<void> {
  const h = createClients(hostAddr, { token, defaultDeadlineMs: 10_000 });
  const v = createVmmClients(vmmAddr, { token, defaultDeadlineMs: 10_000 });
  try {
    await expectUnauthenticated(call(h.Platform.Ping, { payload: Buffer.from('x') }), token);
    await expectUnauthenticated(call(h.Platform.Describe, {}), token);
    await expectUnauthenticated(call(v.Vmm.ListVms, {}), token);
    await expectUnauthenticated(call(v.Vmm.CreateVm, { spec: { name: 'intruder', memory_bytes: String(16n << 20n), viommu: { model: 'VIOMMU_MODEL_NONE' } } }), token);
  } finally {
    h.close();
    v.close();
  }
}

// ------------------------------------------------------------------ the table

describe('TokenTable', () => {
  const ROOT = 'tok-root-0123456789abcdef';
  const QEMU = 'tok-qemu-fedcba9876543210';
  const PLATFORM = 'tok-platform-00112233';
  const table = TokenTable.fromRecord({ [ROOT]: 'root', [QEMU]: 'qemu', [PLATFORM]: 'platform' });
  const spy = vi.mocked(timingSafeEqual);
  beforeEach(() => {
    spy.mockClear();
  });

  it('resolves no JavaScript built-in property name (item 1)', () => {
    expect(BUILTIN_NAMES).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'prototype']));
    for (const name of BUILTIN_NAMES) expect(table.resolveToken(name), name).toBeUndefined();
    // only ever a principal string or undefined, whatever it is given
    for (const odd of [undefined, null, 0, {}, [], Symbol.iterator] as unknown[]) expect(table.resolveToken(odd)).toBeUndefined();
  });

  it('resolves its tokens to their principals, and nothing else', () => {
    expect(table.resolveToken(ROOT)).toBe('root');
    expect(table.resolveToken(QEMU)).toBe('qemu');
    expect(table.resolveToken(PLATFORM)).toBe('platform');
    expect(table.resolveToken(ROOT.slice(0, -1))).toBeUndefined(); // a prefix of a real token
    expect(table.resolveToken(ROOT.slice(0, 4))).toBeUndefined();
    expect(table.resolveToken(`${ROOT}0`)).toBeUndefined(); // a real token plus one character
    expect(table.resolveToken(ROOT.toUpperCase())).toBeUndefined();
    expect(table.resolveToken('')).toBeUndefined();
    expect(table.resolveToken('root')).toBeUndefined(); // a principal name is not a token
    expect([table.size, table.tokenOf('root'), table.tokenOf('constructor')]).toEqual([3, ROOT, undefined]);
  });

  it('compares the digest of every entry in constant time, whichever entry matches (no early exit)', () => {
    for (const presented of [ROOT, PLATFORM, ROOT.slice(0, -1), 'constructor', 'x'.repeat(300)]) {
      spy.mockClear();
      table.resolveToken(presented);
      expect(spy, presented).toHaveBeenCalledTimes(table.size);
      for (const [a, b] of spy.mock.calls as Array<[Buffer, Buffer]>) expect([a.length, b.length]).toEqual([32, 32]);
    }
  });

  it('a token that is itself a built-in name is an ordinary token: only it resolves', () => {
    const t = TokenTable.fromRecord(JSON.parse('{"__proto__": "root", "toString": "qemu"}') as Record<string, unknown>);
    expect([t.resolveToken('__proto__'), t.resolveToken('toString'), t.resolveToken('constructor'), t.resolveToken('valueOf')]).toEqual(['root', 'qemu', undefined, undefined]);
  });

  it('refuses a tokens file it would read wrong, at load time, naming the entry', () => {
    const known = { principals: ['root', 'qemu'], source: 't.yaml' };
    const refused = (text: string, opts: { principals?: string[]; source?: string } = known): string => {
      try {
        TokenTable.parse(text, opts);
      } catch (e) {
        return (e as Error).message;
      }
      return 'loaded';
    };
    expect(refused('tok-a: 5')).toBe("t.yaml: token 'tok-…' maps to a number, not a principal name (string)");
    expect(refused('tok-a: [root]')).toBe("t.yaml: token 'tok-…' maps to a list, not a principal name (string)");
    expect(refused('tok-a: { p: root }')).toBe("t.yaml: token 'tok-…' maps to a map, not a principal name (string)");
    expect(refused('tok-a:')).toBe("t.yaml: token 'tok-…' maps to a null, not a principal name (string)");
    expect(refused('tok-a: true')).toBe("t.yaml: token 'tok-…' maps to a boolean, not a principal name (string)");
    expect(refused('tok-a: ""')).toBe("t.yaml: token 'tok-…' maps to an empty principal name");
    expect(refused('tok-a: mallory')).toBe("t.yaml: token 'tok-…' maps to unknown principal 'mallory' (known: root, qemu)");
    expect(refused('tok-a: constructor')).toBe("t.yaml: token 'tok-…' maps to unknown principal 'constructor' (known: root, qemu)");
    expect(refused('"": root')).toBe('t.yaml: entry 1: empty token');
    expect(refused('12345: root')).toBe('t.yaml: entry 1: the token is a number, not a string (quote it)');
    expect(refused('"tok a": root')).toMatch(/^t\.yaml: entry 1: token 'tok …' has a character other than visible ASCII/);
    expect(refused('"tök-a": root')).toMatch(/^t\.yaml: entry 1: token 'tök-…' has a character other than visible ASCII/);
    expect(refused('tok-a: root\ntok-a: qemu')).toMatch(/^t\.yaml: not valid YAML\/JSON: Map keys must be unique/);
    expect(refused('{"tok-a": "root", "tok-a": "qemu"}')).toMatch(/^t\.yaml: not valid YAML\/JSON: Map keys must be unique/);
    expect(refused('- root')).toBe('t.yaml: expected a map of token → principal');
    expect(refused('')).toBe('t.yaml: empty: expected a map of token → principal');
    expect(refused('a: &x root\nb: *x')).toBe("t.yaml: token 'b' maps to a YAML alias, not a principal name (string)");
    // without a principal model (the vmm) any non-empty name is taken as given
    expect(refused('tok-a: mallory', { source: 'v.yaml' })).toBe('loaded');
    expect(refused('tok-a: root\n"tok-b": qemu')).toBe('loaded');
    expect(TokenTable.parse('{"tok-a": "root", "tok-b": "qemu"}', known).pairs()).toEqual([['tok-a', 'root'], ['tok-b', 'qemu']]);
  });
});

// ------------------------------------------------------------------ both services over gRPC

describe('host-iommu and vmm over gRPC on 127.0.0.1', () => {
  let t: TestTwin;
  beforeAll(async () => {
    t = await startTestTwin();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('every built-in property name as a bearer token is UNAUTHENTICATED on both services (item 1)', async () => {
    for (const name of BUILTIN_NAMES) await expectRefusedEverywhere(t.host.srv.addr, t.vmm.addr, name);
  });

  it('valid tokens still work on both; a prefix of a valid token does not', async () => {
    expect((await call(t.host.root.Platform.Describe, {})).name).toBe('intel-vtd');
    expect((await call(t.v.Vmm.ListVms, {})).vms).toEqual([]);
    await expectRefusedEverywhere(t.host.srv.addr, t.vmm.addr, 'tok-roo');
    const v = createVmmClients(t.vmm.addr, { token: 'vmm-roo' });
    try {
      await expectUnauthenticated(call(v.Vmm.ListVms, {}), 'vmm-roo');
    } finally {
      v.close();
    }
  });
});

describe('iommu-twin up', () => {
  let up: Up | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'auth-up-'));
    up = await startUp({ listen: '127.0.0.1:0', vmmListen: '127.0.0.1:0', profile: 'intel-vtd', stateDir: dir, hostLogger: silent, vmmLogger: silent });
  });
  afterAll(async () => {
    await up?.close(500);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every built-in name on the host and the vmm it wires; its own root tokens work (item 1)', async () => {
    const u = up!;
    for (const name of BUILTIN_NAMES) await expectRefusedEverywhere(u.host.addr, u.vmm.addr, name);
    // the token files it wrote: 0600, and the root tokens in them work
    for (const f of [u.host.tokensFile!, u.vmmTokensFile]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    const hostTokens = TokenTable.fromFile(u.host.tokensFile!);
    const vmmTokens = TokenTable.fromFile(u.vmmTokensFile);
    expect(hostTokens.principals().sort()).toEqual(['platform', 'qemu', 'root']);
    expect(vmmTokens.principals()).toEqual(['root']);
    expect(JSON.parse(readFileSync(u.vmmTokensFile, 'utf8'))).toEqual({ [vmmTokens.tokenOf('root')!]: 'root' });
    const h = createClients(u.host.addr, { token: hostTokens.tokenOf('root')! });
    const v = createVmmClients(u.vmm.addr, { token: vmmTokens.tokenOf('root')! });
    try {
      expect((await call(h.Platform.Describe, {})).name).toBe('intel-vtd');
      expect((await call(v.Vmm.ListVms, {})).vms).toEqual([]);
    } finally {
      h.close();
      v.close();
    }
  });
});

describe('tokens files refused at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'auth-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  const vmmOpts = { listen: '127.0.0.1:0', host: '127.0.0.1:1', hostToken: 'x', hostPlatformToken: 'y', logger: silent };

  it('host-iommu: a non-string principal, an unknown principal, an empty token, no token', async () => {
    const start = (tokens: string) => startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens, logger: silent });
    const f1 = file('h1.json', '{"tok-root": "root", "tok-n": 7}');
    await expect(start(f1)).rejects.toThrow(`${f1}: token 'tok-…' maps to a number, not a principal name (string)`);
    const f2 = file('h2.yaml', 'tok-root: root\ntok-m: mallory\n');
    await expect(start(f2)).rejects.toThrow(`${f2}: token 'tok-…' maps to unknown principal 'mallory' (known: root, qemu, platform)`);
    const f3 = file('h3.yaml', 'tok-root: root\n"": qemu\n');
    await expect(start(f3)).rejects.toThrow(`${f3}: entry 2: empty token`);
    await expect(start(file('h4.json', '{}'))).rejects.toThrow('host-iommu tokens: no token at all');
    await expect(startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { 'tok-x': 'constructor' }, logger: silent })).rejects.toThrow("tokens: token 'tok-…' maps to unknown principal 'constructor'");
  });

  it('vmm: a non-string principal, an empty principal, a list, no token', async () => {
    const f1 = file('v1.yaml', 'vmm-root: root\nvmm-x: 1\n');
    await expect(startVmmServer({ ...vmmOpts, tokens: f1 })).rejects.toThrow(`${f1}: token 'vmm-…' maps to a number, not a principal name (string)`);
    const f2 = file('v2.yaml', 'vmm-root: ""\n');
    await expect(startVmmServer({ ...vmmOpts, tokens: f2 })).rejects.toThrow(`${f2}: token 'vmm-…' maps to an empty principal name`);
    const f3 = file('v3.yaml', '- vmm-root\n');
    await expect(startVmmServer({ ...vmmOpts, tokens: f3 })).rejects.toThrow(`${f3}: expected a map of token → principal`);
    await expect(startVmmServer({ ...vmmOpts, tokens: file('v4.yaml', '{}\n') })).rejects.toThrow('vmm tokens: no token at all');
    await expect(startVmmServer({ ...vmmOpts, tokens: { 'vmm-root': 5 } as unknown as Record<string, string> })).rejects.toThrow("tokens: token 'vmm-…' maps to a number");
  });
});

// ------------------------------------------------------------------ audit: caller strings as keys

describe('caller strings used as keys (audit)', () => {
  let t: TestTwin;
  let orch: Orchestrator;
  beforeAll(async () => {
    t = await startTestTwin();
    orch = await Orchestrator.create(t);
  });
  afterAll(async () => {
    await orch?.sys.exit();
    await t?.close();
  });

  it('an iommufd object named `constructor` with no passed fd is opened by the VM (EACCES), not looked up on Object.prototype', async () => {
    const spec = { name: 'proto-ids', memory_bytes: String(64n << 20n), viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const }, iommufd_objects: [{ id: 'constructor' }], devices: [] };
    const created = await call(t.v.Vmm.CreateVm, { spec });
    try {
      // before: passed_fds['constructor'] was Object's constructor → INVALID_ARGUMENT BAD_FD
      await expectStatus(call(t.v.Vmm.StartVm, { name: 'proto-ids', passed_fds: {} }), grpc.status.PERMISSION_DENIED, 'EACCES');
      const fd = await orch.pass('/dev/iommu', created.vm!.host_pid);
      const info = (await call(t.v.Vmm.StartVm, { name: 'proto-ids', passed_fds: { constructor: fd } })).vm!;
      expect(info.state).toBe('VM_STATE_RUNNING');
    } finally {
      await call(t.v.Vmm.DeleteVm, { name: 'proto-ids' }).catch(() => undefined);
    }
  });
});
