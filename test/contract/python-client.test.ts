/**
 * A second language stays working: clients/python/scenario.py (grpcio, stubs generated from
 * proto/ by clients/python/gen.sh) runs the README's first scenario against `iommu-twin up`
 * (startUp in-process, its token files in a temp state dir, found as the script finds them).
 *
 * Needs /usr/bin/python3 with grpc and grpc_tools (Debian: python3-grpcio python3-grpc-tools,
 * plus protobuf-compiler protobuf-compiler-grpc for Debian's old bundled protoc). Without them
 * the suite is skipped with a warning, except under CI=true, where it fails (.ci/run installs them).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUp, type Up } from '../../services/cli/up.js';

const PYTHON = '/usr/bin/python3';
const CLIENT_DIR = path.resolve(import.meta.dirname, '../../clients/python');
const ci = process.env.CI === 'true';

const stubs = mkdtempSync(path.join(tmpdir(), 'iommu-twin-py-stubs-'));
/** gen.sh: 0 = generated, 3 = the Python gRPC tools are missing here, else a real failure. */
const gen = spawnSync('bash', [path.join(CLIENT_DIR, 'gen.sh'), stubs], { encoding: 'utf8', env: { ...process.env, PYTHON }, timeout: 60_000 });
const toolsMissing = gen.status === 3;
if (toolsMissing && !ci) {
  process.stderr.write(
    `\n!!! python-client.test.ts SKIPPED: ${PYTHON} lacks the gRPC tools (${gen.stderr.trim().split('\n').pop()}).\n` +
      '!!! Install python3-grpcio python3-grpc-tools protobuf-compiler protobuf-compiler-grpc (apt) to run it; under CI=true it fails.\n\n',
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
/** scenario.py as a child (asynchronously: the twin answers from this process's event loop). */
function scenario(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, [path.join(CLIENT_DIR, 'scenario.py'), '--stubs', stubs, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe('clients/python', () => {
  afterAll(() => rmSync(stubs, { recursive: true, force: true }));

  it.skipIf(toolsMissing && !ci)('the stubs generate from proto/ (the Python gRPC tools are present under CI)', () => {
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/^stubs for \d+ protos in /m);
  });

  describe.skipIf(gen.status !== 0)('scenario.py against iommu-twin up', () => {
    let up: Up;
    let stateDir: string;
    beforeAll(async () => {
      stateDir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-py-state-'));
      const silent = pino({ level: 'silent' });
      up = await startUp({ listen: '127.0.0.1:0', vmmListen: '127.0.0.1:0', profile: 'intel-vtd', stateDir, hostLogger: silent, vmmLogger: silent });
    });
    afterAll(async () => {
      await up?.close(500);
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('runs every step with the tokens `up` wrote, decodes the ErrorInfo of the failures it provokes, exits 0', async () => {
      const r = await scenario(['--host', up.host.addr, '--vmm', up.vmm.addr, '--tokens-dir', stateDir, '--vm-name', 'py-demo']);
      expect(r.stderr, r.stdout).toBe('');
      expect(r.code, r.stdout).toBe(0);
      const out = r.stdout;
      expect(out.split('\n')[0]).toMatch(new RegExp(`^python scenario against host-iommu ${up.host.addr} and vmm ${up.vmm.addr} \\(grpcio [0-9.]+\\)$`));
      expect(out).toContain('    expected failure: CreateVm again → ALREADY_EXISTS VM_EXISTS (domain iommutwin.dev)\n');
      expect(out).toMatch(/^ {4}expected failure: Close\(fd 3\) again → INVALID_ARGUMENT EBADF \(errno 9\)$/m);
      expect(out).toContain("    config.bypass = 1; nic0 DMA at IOVA 0x2000: data b'hello from python (bypass)'\n");
      expect(out).toContain('host areas [0x100000, 0x10ffff] 16 pages pinned\n');
      expect(out).toContain('    nic0 at IOVA 0x400000: host_fault DMA_FAULT_REASON_TRANSLATION at 0x400000 (dmar0)\n');
      expect(out).toContain('    UNMAP status 0; nic0 at IOVA 0x100010: host_fault; 0 areas, 0 bytes pinned\n');
      expect(out).not.toMatch(/^ {4}FAIL /m);
      expect(out.trimEnd().split('\n').pop()).toBe('scenario: all 16 checks held in 9 steps');
    }, 60_000);

    it('exits 1 on a call that fails unexpectedly, with the status and ErrorInfo reason', async () => {
      const bad = path.join(stateDir, 'bad-vmm.tokens.json');
      writeFileSync(bad, JSON.stringify({ 'not-a-vmm-token': 'root' }), { mode: 0o600 });
      const r = await scenario(['--host', up.host.addr, '--vmm', up.vmm.addr, '--tokens-dir', stateDir, '--vmm-tokens', bad, '--vm-name', 'py-bad']);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ {4}FAIL unexpected failure: UNAUTHENTICATED [A-Z_]+: /m);
      expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^scenario: 1 of 2 checks failed: unexpected failure: UNAUTHENTICATED /);
    }, 60_000);
  });
});
