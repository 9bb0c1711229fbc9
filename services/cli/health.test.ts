/**
 * The health probe (`iommu-twin health`, and `health.js` run on its own as the image's
 * HEALTHCHECK does) against a host-iommu served in-process on 127.0.0.1:0.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../test/contract/harness.js';
import { checkHealth } from './health.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(async () => {
  await t.close();
});

describe('checkHealth: one grpc.health.v1 Check', () => {
  it('SERVING for the server and each service, NOT_FOUND for an unknown service, NOT_SERVING when set so', async () => {
    expect(await checkHealth(t.srv.addr)).toEqual({ status: 'SERVING' });
    expect(await checkHealth(t.srv.addr, 'iommutwin.host.v1.Iommufd')).toEqual({ status: 'SERVING' });
    expect(await checkHealth(t.srv.addr, 'iommutwin.vmm.v1.Vmm')).toEqual({ status: 'NOT_FOUND', error: 'Health status unknown for service iommutwin.vmm.v1.Vmm' });
    t.srv.server.setServing('NOT_SERVING');
    try {
      expect(await checkHealth(t.srv.addr)).toEqual({ status: 'NOT_SERVING' });
      expect(await checkHealth(t.srv.addr, 'iommutwin.host.v1.Platform')).toEqual({ status: 'NOT_SERVING' });
    } finally {
      t.srv.server.setServing('SERVING');
    }
  });

  it('UNAVAILABLE when nothing listens; DEADLINE_EXCEEDED within the deadline when the peer never answers', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect((await checkHealth(`127.0.0.1:${freePort}`, '', 1000)).status).toBe('UNAVAILABLE');

    // accepts TCP, never speaks HTTP/2
    const sockets: net.Socket[] = [];
    const mute = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const t0 = Date.now();
      const r = await checkHealth(`127.0.0.1:${(mute.address() as net.AddressInfo).port}`, '', 300);
      const ms = Date.now() - t0;
      expect(r.status).toBe('DEADLINE_EXCEEDED');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(2000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => mute.close(() => r()));
    }
  });
});

describe('the probe as a command: exit 0 only for SERVING', () => {
  // asynchronously: the server answering the probe is this process
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
    });

  it('health.js on its own (the HEALTHCHECK): address from IOMMUTWIN_HEALTH_ADDR, one line on stdout', async () => {
    const ok = await run(['services/cli/health.ts'], { IOMMUTWIN_HEALTH_ADDR: t.srv.addr });
    expect([ok.status, ok.stdout]).toEqual([0, `${t.srv.addr}: SERVING\n`]);
    const unknown = await run(['services/cli/health.ts', '--addr', t.srv.addr, '--service', 'nope']);
    expect([unknown.status, unknown.stdout]).toEqual([1, `${t.srv.addr} nope: NOT_FOUND (Health status unknown for service nope)\n`]);
  });

  it('`iommu-twin health` (the subcommand): same probe; a bad --timeout-ms is refused', async () => {
    const ok = await run(['services/cli/main.ts', 'health', '--addr', t.srv.addr, '--service', 'iommutwin.host.v1.Vfio']);
    expect([ok.status, ok.stdout]).toEqual([0, `${t.srv.addr} iommutwin.host.v1.Vfio: SERVING\n`]);
    const bad = await run(['services/cli/main.ts', 'health', '--addr', t.srv.addr, '--timeout-ms', '0']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--timeout-ms: expected a positive integer, got '0'");
  });
});
