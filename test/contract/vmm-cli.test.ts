/**
 * The `iommu-twin host` and `iommu-twin vmm` commands as child processes: both print
 * `listening on <host:port>`, a VM boots over gRPC with fds passed by the orchestrator, and
 * SIGTERM shuts each down with exit code 0. Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createClients, createVmmClients } from '#libs/rpc/client.js';
import { Sys } from './harness.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1n << 20n;

interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function cli(args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repo, 'services/cli/main.ts'), ...args], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, out: () => out, err: () => err, exited };
}

/** Resolves with the address printed in `listening on <addr>`; rejects on exit or after `ms`. */
function listening(c: Child, ms = 30_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening on' within ${ms} ms; stdout: ${c.out()} stderr: ${c.err()}`)), ms);
    const check = () => {
      const m = /listening on (\S+)/.exec(c.out());
      if (m) {
        clearTimeout(timer);
        c.proc.stdout!.off('data', check);
        resolve(m[1]!);
      }
    };
    c.proc.stdout!.on('data', check);
    check();
    void c.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stderr: ${c.err()}`));
    });
  });
}

/** Sends SIGTERM and waits (bounded) for the exit. */
async function terminate(c: Child, ms = 15_000) {
  c.proc.kill('SIGTERM');
  return Promise.race([c.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${ms} ms of SIGTERM`)), ms))]);
}

let dir: string;
const children: Child[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iommu-twin-vmm-cli-'));
});
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('iommu-twin host + iommu-twin vmm', () => {
  it('both listen, a VM boots with passed fds over gRPC, SIGTERM ends both with exit 0', { timeout: 90_000 }, async () => {
    const hostTokens = join(dir, 'host-tokens.yaml');
    writeFileSync(hostTokens, 'tok-root: root\ntok-qemu: qemu\ntok-platform: platform\n', { mode: 0o600 });
    const vmmTokens = join(dir, 'vmm-tokens.json');
    writeFileSync(vmmTokens, JSON.stringify({ 'vmm-root': 'root' }), { mode: 0o600 });

    const host = cli(['host', '--listen', '127.0.0.1:0', '--tokens', hostTokens]);
    children.push(host);
    const hostAddr = await listening(host);
    expect(hostAddr).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    const vmm = cli(['vmm', '--listen', '127.0.0.1:0', '--host', hostAddr, '--tokens', vmmTokens, '--host-token', 'tok-qemu', '--host-platform-token', 'tok-platform']);
    children.push(vmm);
    const vmmAddr = await listening(vmm);
    expect(vmmAddr).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(vmmAddr).not.toBe(hostAddr);

    const v = createVmmClients(vmmAddr, { token: 'vmm-root', defaultDeadlineMs: 20_000 });
    const root = createClients(hostAddr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    try {
      const caps = await call(v.Vmm.GetHostCapabilities, {});
      expect(caps.units.map((u) => u.unit)).toEqual(['dmar0', 'dmar1']);
      const created = await call(v.Vmm.CreateVm, {
        spec: {
          name: 'cli-vm',
          memory_bytes: String(64n * MiB),
          machine: 'q35',
          viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' },
          iommufd_objects: [{ id: 'iommufd0' }],
          devices: [{ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } }],
        },
      });
      const pid = created.vm!.host_pid;
      // the VM process runs as qemu on the host
      expect((await call(root.Process.GetStatus, { pid })).principal).toBe('qemu');
      const orch = await Sys.spawn(root, 'libvirtd');
      const pass = async (path: string) => {
        const fd = await orch.open(path);
        const target = await orch.sendFd(fd, pid);
        await orch.close(fd);
        return target;
      };
      const ifd = await pass('/dev/iommu');
      const dfd = await pass('/dev/vfio/devices/vfio0');
      await orch.exit();
      const started = await call(v.Vmm.StartVm, { name: 'cli-vm', passed_fds: { iommufd0: ifd, nic0: dfd } });
      expect(started.vm!.state).toBe('VM_STATE_RUNNING');
      expect(started.vm!.devices[0]).toMatchObject({ id: 'nic0', backend: 'EMULATED', host: { iommufd: ifd, device_fd: dfd } });
      // boot bypass: the assigned device reads guest RAM at IOVA = GPA through the host IOMMU
      await call(v.Guest.WriteMemory, { vm: 'cli-vm', gpa: '4096', data: Buffer.from('over the CLI') });
      const r = await call(v.Guest.Dma, { vm: 'cli-vm', device_id: 'nic0', iova: '4096', length: '12', write: false, data: Buffer.alloc(0) });
      expect(Buffer.from(r.data!).toString()).toBe('over the CLI');
      const st = await call(root.Process.GetStatus, { pid });
      expect(st.fds.map((f) => f.kind)).toEqual(expect.arrayContaining(['FD_KIND_IOMMUFD', 'FD_KIND_VFIO_DEVICE', 'FD_KIND_MEMFD']));
    } finally {
      v.close();
      root.close();
    }

    const vmmExit = await terminate(vmm);
    expect(vmmExit).toEqual({ code: 0, signal: null });
    expect(vmm.out()).toContain('SIGTERM: shutting down');
    const hostExit = await terminate(host);
    expect(hostExit).toEqual({ code: 0, signal: null });
    expect(host.out()).toContain('SIGTERM: shutting down');
  });

  it('vmm without --host: a usage error, exit code 1', { timeout: 60_000 }, async () => {
    const c = cli(['vmm', '--listen', '127.0.0.1:0', '--tokens', join(dir, 'none.json'), '--host-token', 'a', '--host-platform-token', 'b']);
    children.push(c);
    const { code } = await Promise.race([c.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit within 30 s')), 30_000))]);
    expect(code).toBe(1);
    expect(c.err()).toContain("required option '--host <addr>' not specified");
  });
});
