/**
 * `iommu-twin ctl migrate` and `ctl vm check-migration` as child processes against two in-process
 * host-iommu + vmm pairs on 127.0.0.1 (intel-vtd → intel-vtd, and back): the checks print every
 * violation and exit 1 without touching anything; migrate prepares the destination as libvirt
 * prepares -incoming (CreateVm incoming there, the nodes opened as root on the destination host
 * and passed, StartVm recording them), prints one line per phase and round off a terminal, exits 0
 * once the VM runs there with its RAM and translations, and exits 1 with FAILED and the reason
 * when the destination dies, leaving the source VM running and nothing on the destination.
 * `ctl vm list / show` show an INCOMING VM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesApprox, migrateBar, migrateFraction, migrateLine, renderCheckMigration } from '../../services/cli/format.js';
import { portableSpecOf } from '../../services/cli/ctl.js';
import { expectStatus } from './harness.js';
import { call, nicAndNetVm, passNodes, pattern, startTestTwin, type CliRun, type TestTwin } from './vmm-harness.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MiB = 1n << 20n;
const NIC = '0000:01:00.0';
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
const F = { MAP_UNMAP: 1n << 2n, BYPASS_CONFIG: 1n << 6n, PROBE: 1n << 4n } as const;
const EP_NIC0 = 0x18;

let a: TestTwin;
let b: TestTwin;
let dir: string;
beforeAll(async () => {
  [a, b] = await Promise.all([startTestTwin('intel-vtd'), startTestTwin('intel-vtd')]);
  dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-cli-migrate-'));
});
afterAll(async () => {
  for (const tw of [a, b]) {
    for (const name of ['mv', 'blocked', 'doomed-vm']) {
      await call(tw.v.Vmm.StopVm, { name }).catch(() => undefined);
      await call(tw.v.Vmm.DeleteVm, { name }).catch(() => undefined);
    }
    await tw.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** `ctl` against twin `t` (root on both services) as a child process; `onStdout` sees the output as it grows. */
function ctl(t: TestTwin, args: string[], opts: { onStdout?: (all: string) => void; timeoutMs?: number } = {}): Promise<CliRun> {
  const argv = ['--import', 'tsx', 'services/cli/main.ts', 'ctl', '--host', t.host.srv.addr, '--vmm', t.vmm.addr, '--host-token', 'tok-root', '--vmm-token', 'vmm-root', '--tokens-dir', dir, ...args];
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ctl ${args.join(' ')}: no exit within ${opts.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `--to …` options naming twin `t` as the destination (its vmm, its host, root tokens of both). */
const toArgs = (t: TestTwin): string[] => ['--to', t.vmm.addr, '--to-token', 'vmm-root', '--to-host', t.host.srv.addr, '--to-host-token', 'tok-root'];

/** The phase words of `ctl migrate`'s lines, in order. */
const phasesOf = (stdout: string): string[] => stdout.split('\n').flatMap((l) => /^(SETUP|PRECOPY|STOP_COPY|DEVICE_STATE|VIOMMU_STATE|RESUME|COMPLETED|FAILED)\b/.exec(l)?.[1] ?? []);

/** A running VM on `t`: the orchestrator passes its nodes, StartVm. */
async function runVm(t: TestTwin, spec: ReturnType<typeof nicAndNetVm>, cdev = 'vfio0'): Promise<number> {
  const pid = (await call(t.v.Vmm.CreateVm, { spec: spec as never })).vm!.host_pid;
  const fds = await passNodes(t.host.root, pid, { iommufd0: '/dev/iommu', nic0: `/dev/vfio/devices/${cdev}` });
  expect((await call(t.v.Vmm.StartVm, { name: spec.name, passed_fds: fds })).vm!.state).toBe('VM_STATE_RUNNING');
  return pid;
}

/** The guest's virtio-iommu driver: features, the NIC in domain 4, IOVA 0x100000000 → GPA 8 MiB (1 MiB, read/write). */
async function mapNic(t: TestTwin, vm: string): Promise<void> {
  expect((await call(t.v.Guest.VirtioIommuSetFeatures, { vm, driver_features: String(VERSION_1 | F.MAP_UNMAP | F.BYPASS_CONFIG | F.PROBE) })).features_ok).toBe(true);
  expect((await call(t.v.Guest.VirtioSetFeatures, { vm, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
  const rq = (body: Record<string, unknown>) => call(t.v.Guest.VirtioIommuRequest, { vm, ...body });
  expect((await rq({ attach: { domain: 4, endpoint: EP_NIC0, flags: 0, reserved: 0 } })).status).toBe(0);
  expect((await rq({ map: { domain: 4, virt_start: String(0x100000000n), virt_end: String(0x100000000n + MiB - 1n), phys_start: String(8n * MiB), flags: 3 } })).status).toBe(0);
}

/** Guest RAM [0, n) of `vm` on `t` (2 MiB reads). */
async function ramOf(t: TestTwin, vm: string, n: bigint): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let o = 0n; o < n; o += 2n * MiB) parts.push(Buffer.from((await call(t.v.Guest.ReadMemory, { vm, gpa: String(o), length: String(2n * MiB) })).data));
  return Buffer.concat(parts);
}

/** `n` bytes of pattern written from GPA 0 in 2 MiB writes (every 2 MiB distinct). */
async function fill(t: TestTwin, vm: string, n: bigint, seed: number): Promise<void> {
  for (let o = 0n; o < n; o += 2n * MiB) await call(t.v.Guest.WriteMemory, { vm, gpa: String(o), data: pattern(Number(2n * MiB), seed + Number(o >> 20n)) });
}

const names = async (t: TestTwin): Promise<string[]> => (await call(t.v.Vmm.ListVms, {})).vms.map((v) => v.spec!.name);

describe('progress and check rendering', () => {
  const m = (over: Partial<Parameters<typeof migrateLine>[0]>) => ({ phase: 'SETUP', round: 0, bytes_sent: '0', dirty_pages: '0', downtime_ms: '0', remaining_bytes: '0', detail: '', ...over });

  it('one line per message: the phase, then round, bytes, dirty pages, remaining; FAILED with its reason', () => {
    expect(bytesApprox(0n)).toBe('0 B');
    expect(bytesApprox(48n * MiB)).toBe('48.0 MiB');
    expect(bytesApprox(1536n * MiB)).toBe('1.50 GiB');
    expect(bytesApprox(150n * MiB)).toBe('150 MiB');
    expect(migrateLine(m({ detail: 'to 127.0.0.1:5 (host h)' }))).toBe('SETUP         sent 0 B  to 127.0.0.1:5 (host h)');
    expect(migrateLine(m({ phase: 'PRECOPY', round: 2, bytes_sent: String(48n * MiB), dirty_pages: '311', remaining_bytes: String(311n * 4096n), detail: 'round 2: 63.9 MB/s' }))).toBe(
      'PRECOPY       round 2  sent 48.0 MiB  dirty 311 pages  remaining 1.21 MiB  round 2: 63.9 MB/s',
    );
    expect(migrateLine(m({ phase: 'COMPLETED', round: 3, bytes_sent: String(50n * MiB), downtime_ms: '12', detail: 'downtime 12 ms' }))).toBe('COMPLETED     sent 50.0 MiB  3 rounds  downtime 12 ms');
    expect(migrateLine(m({ phase: 'FAILED', bytes_sent: String(12n * MiB), detail: 'destination vmm: gone' }))).toBe('FAILED        sent 12.0 MiB: destination vmm: gone');
  });

  it('the terminal bar: phase steps, pre-copy by bytes sent of sent + remaining', () => {
    expect(migrateFraction(m({}), 64n * MiB)).toBe(0);
    expect(migrateFraction(m({ phase: 'PRECOPY', bytes_sent: String(3n * MiB), remaining_bytes: String(1n * MiB) }), 64n * MiB)).toBeCloseTo(0.05 + 0.75 * 0.75, 10);
    expect(migrateFraction(m({ phase: 'STOP_COPY' }), 64n * MiB)).toBe(0.85);
    expect(migrateFraction(m({ phase: 'FAILED' }), 64n * MiB)).toBe(0);
    expect(migrateBar(m({ phase: 'COMPLETED', round: 2, bytes_sent: String(50n * MiB) }), 64n * MiB, 10)).toBe('[##########] 100%  COMPLETED  sent 50.0 MiB');
    expect(migrateBar(m({ phase: 'PRECOPY', round: 1, bytes_sent: String(32n * MiB), remaining_bytes: String(32n * MiB) }), 64n * MiB, 10)).toBe('[####------]  42%  PRECOPY round 1  sent 32.0 MiB');
  });

  it('check-migration text: the verdict, every violation, the plan', () => {
    expect(renderCheckMigration('v', '127.0.0.1:9', { compatible: false, violations: ['A [nic0]: x', 'B: y'], plan: { nic0: 'EMULATED via iommufd, dirty tracking iommu-hwpt' } })).toBe(
      'VM v → vmm at 127.0.0.1:9: NOT compatible (2 violations)\n  A [nic0]: x\n  B: y\nplan on the destination\n  DEVICE  PLAN\n  nic0    EMULATED via iommufd, dirty tracking iommu-hwpt\n',
    );
  });

  it("the destination's spec leaves the source's fds out", () => {
    const spec = { name: 'x', iommufd_objects: [{ id: 'iommufd0', fd: 7 }], devices: [{ id: 'nic0', vfio: { host_bdf: NIC, fd: 9, iommufd: 'iommufd0' } }, { id: 'net0' }] };
    const p = portableSpecOf(spec as never) as unknown as typeof spec;
    expect(p.iommufd_objects).toEqual([{ id: 'iommufd0' }]);
    expect(p.devices).toEqual([{ id: 'nic0', vfio: { host_bdf: NIC, iommufd: 'iommufd0' } }, { id: 'net0' }]);
    expect(spec.iommufd_objects[0]!.fd).toBe(7);
  });
});

describe('ctl vm check-migration / ctl migrate', () => {
  it('a blocked VM: check-migration lists the violation and exits 1; migrate refuses before touching either side', { timeout: 90_000 }, async () => {
    const pid = await runVm(a, nicAndNetVm('blocked', { hostBdf: '0000:04:00.0' }), 'vfio3');
    const chk = await ctl(a, ['vm', 'check-migration', 'blocked', '--to', b.vmm.addr, '--to-token', 'vmm-root']);
    expect(chk.code, chk.stderr).toBe(1);
    // the source's blocker and the same on the destination's host: every violation, one a line
    expect(chk.stdout).toContain(
      `VM blocked → vmm at ${b.vmm.addr}: NOT compatible (2 violations)\n  VFIO_MIGRATION_NOT_SUPPORTED [nic0]: 0000:04:00.0: VFIO migration is not supported in kernel\n  VFIO_MIGRATION_NOT_SUPPORTED [nic0]: 0000:04:00.0: VFIO migration is not supported in kernel (on destination host intel-vtd)\n`,
    );
    expect(chk.stdout).toMatch(/plan on the destination\n {2}DEVICE +PLAN\n {2}nic0 +EMULATED via iommufd, dirty tracking iommu-hwpt\n/);
    expect(chk.stderr.trim()).toBe(`iommu-twin: FAILED_PRECONDITION MIGRATION_BLOCKED: VM blocked cannot migrate to ${b.vmm.addr}: 2 violations (listed on stdout); nothing was changed`);

    const mig = await ctl(a, ['migrate', 'blocked', ...toArgs(b)]);
    expect(mig.code).toBe(1);
    expect(mig.stdout).toContain('VFIO_MIGRATION_NOT_SUPPORTED [nic0]');
    expect(phasesOf(mig.stdout)).toEqual([]);
    expect(mig.stderr).toMatch(/^iommu-twin: FAILED_PRECONDITION MIGRATION_BLOCKED: /);
    expect(await names(b)).not.toContain('blocked');
    const info = (await call(a.v.Vmm.GetVm, { name: 'blocked' })).vm!;
    expect(info.state).toBe('VM_STATE_RUNNING');
    expect(info.host_pid).toBe(pid);
    await call(a.v.Vmm.StopVm, { name: 'blocked' });
    await call(a.v.Vmm.DeleteVm, { name: 'blocked' });
  });

  it('a migratable VM: compatible with its plan (exit 0); migrate without --to-host refuses before preparing anything', { timeout: 60_000 }, async () => {
    await runVm(a, nicAndNetVm('mv'));
    const chk = await ctl(a, ['vm', 'check-migration', 'mv', '--to', b.vmm.addr, '--to-token', 'vmm-root']);
    expect(chk.code, chk.stderr).toBe(0);
    expect(chk.stdout).toMatch(new RegExp(`^VM mv → vmm at ${b.vmm.addr.replace(/\./g, '\\.')}: compatible\nplan on the destination\n {2}DEVICE +PLAN\n {2}nic0 +EMULATED via iommufd, dirty tracking iommu-hwpt\n$`));
    const json = await ctl(a, ['vm', 'check-migration', 'mv', '--to', b.vmm.addr, '--to-token', 'vmm-root', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ compatible: true, violations: [], plan: { nic0: 'EMULATED via iommufd, dirty tracking iommu-hwpt' } });

    const mig = await ctl(a, ['migrate', 'mv', '--to', b.vmm.addr, '--to-token', 'vmm-root']);
    expect(mig.code).toBe(1);
    expect(mig.stderr).toMatch(/^iommu-twin: INVALID_ARGUMENT NO_DESTINATION_HOST: VM mv needs fds on the destination \(iommufd0, nic0\): give --to-host ADDR/);
    expect(await names(b)).not.toContain('mv');
    expect((await call(a.v.Vmm.GetVm, { name: 'mv' })).vm!.state).toBe('VM_STATE_RUNNING');
  });

  it('migrate A → B: the destination prepared by ctl, one line per phase and round, exit 0; RAM and the NIC translation equal there, nothing left on A', { timeout: 90_000 }, async () => {
    await mapNic(a, 'mv');
    await fill(a, 'mv', 16n * MiB, 5);
    const before = await ramOf(a, 'mv', 64n * MiB);
    const srcPid = (await call(a.v.Vmm.GetVm, { name: 'mv' })).vm!.host_pid;
    const r = await ctl(a, ['migrate', 'mv', ...toArgs(b), '--max-rounds', '5', '--max-downtime-ms', '300']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    // the preparation, as libvirt does it: the nodes passed into the INCOMING VM's process on B
    expect(lines[0]).toMatch(/^passed \/dev\/iommu as fd \d+ in pid \d+ for iommufd0$/);
    expect(lines[1]).toMatch(/^passed \/dev\/vfio\/devices\/vfio0 as fd \d+ in pid \d+ for nic0$/);
    expect(lines[2]).toMatch(new RegExp(`^prepared VM mv on vmm at ${b.vmm.addr.replace(/\./g, '\\.')}: INCOMING, host pid \\d+$`));
    const phases = phasesOf(r.stdout);
    expect(phases[0]).toBe('SETUP');
    expect(phases[1]).toBe('PRECOPY');
    expect(phases.slice(phases.indexOf('STOP_COPY'))).toEqual(['STOP_COPY', 'DEVICE_STATE', 'VIOMMU_STATE', 'RESUME', 'COMPLETED']);
    expect(lines.find((l) => l.startsWith('PRECOPY')), r.stdout).toMatch(/^PRECOPY {7}round 1 {2}sent [0-9.]+ MiB {2}dirty \d+ pages {2}remaining /);
    expect(lines.find((l) => l.startsWith('COMPLETED'))).toMatch(/^COMPLETED {5}sent [0-9.]+ MiB {2}\d+ rounds? {2}downtime \d+ ms/);
    expect(r.stdout).toMatch(new RegExp(`migrated VM mv to vmm at ${b.vmm.addr.replace(/\./g, '\\.')}: RUNNING there \\(host pid \\d+\\); \\d+ pre-copy rounds?, downtime \\d+ ms, [0-9.]+ MiB sent for 64.0 MiB of RAM\\n$`));

    await expectStatus(call(a.v.Vmm.GetVm, { name: 'mv' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    await expectStatus(call(a.host.root.Process.GetStatus, { pid: srcPid }), grpc.status.NOT_FOUND, 'ESRCH');
    expect((await call(a.host.platform.Platform.Inspect, { host: true })).pinned!.pages).toBe('0');
    expect((await call(b.v.Vmm.GetVm, { name: 'mv' })).vm!.state).toBe('VM_STATE_RUNNING');
    expect((await ramOf(b, 'mv', 64n * MiB)).equals(before)).toBe(true);
    const dma = await call(b.v.Guest.Dma, { vm: 'mv', device_id: 'nic0', iova: String(0x100000000n + 0x1000n), length: '64', write: false, data: Buffer.alloc(0) });
    expect(dma.result).toBe('data');
    expect(Buffer.from(dma.data!).equals(before.subarray(Number(8n * MiB + 0x1000n), Number(8n * MiB + 0x1000n + 64n)))).toBe(true);
  });

  it('ctl vm create --incoming on A: list and show say INCOMING; migrate B → A uses that prepared VM (--json: one object per message)', { timeout: 90_000 }, async () => {
    // the spec the VM was created with (a user's vm.yaml)
    const file = path.join(dir, 'mv.json');
    writeFileSync(file, JSON.stringify(nicAndNetVm('mv')));
    const created = await ctl(a, ['vm', 'create', '-f', file, '--incoming', '--start']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('INCOMING: a live-migration destination (QEMU -incoming)');
    const list = await ctl(a, ['vm', 'list']);
    expect(list.stdout).toMatch(/\nmv +INCOMING +\d+ +64 MiB +q35 +VIRTIO_IOMMU +nic0,net0 +migration destination: waits for Migrate\n/);
    const show = await ctl(a, ['vm', 'show', 'mv']);
    expect(show.stdout).toMatch(/^VM mv: INCOMING, host pid \d+, 64 MiB RAM \(q35\), vIOMMU VIRTIO_IOMMU, guest RAM memfd fd \d+ at 0x[0-9a-f]+\n {2}INCOMING: /);
    const incomingPid = (await call(a.v.Vmm.GetVm, { name: 'mv' })).vm!.host_pid;

    const before = await ramOf(b, 'mv', 64n * MiB);
    const r = await ctl(b, ['migrate', 'mv', ...toArgs(a), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const msgs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { phase: string; bytes_sent: string });
    expect(msgs[0]!.phase).toBe('SETUP');
    expect(msgs[msgs.length - 1]!.phase).toBe('COMPLETED');
    expect(BigInt(msgs[msgs.length - 1]!.bytes_sent)).toBeGreaterThan(16n * MiB);
    const now = (await call(a.v.Vmm.GetVm, { name: 'mv' })).vm!;
    expect(now.state).toBe('VM_STATE_RUNNING');
    expect(now.host_pid).toBe(incomingPid);
    expect((await ramOf(a, 'mv', 64n * MiB)).equals(before)).toBe(true);
    expect(await names(b)).not.toContain('mv');
  });

  it('the destination dies mid-way: FAILED with the reason, exit 1, the source VM runs on with its RAM', { timeout: 90_000 }, async () => {
    const doomed = await startTestTwin('intel-vtd');
    try {
      await fill(a, 'mv', 32n * MiB, 21);
      const before = await ramOf(a, 'mv', 64n * MiB);
      let killed: Promise<void> | undefined;
      // 8 MiB/s over 32 MiB of non-zero RAM: round 1 alone takes about 4 s; the destination goes during it
      const r = await ctl(a, ['migrate', 'mv', ...toArgs(doomed), '--bandwidth', '8MiB'], {
        onStdout: (all) => {
          if (!killed && /^SETUP/m.test(all)) killed = new Promise((res) => setTimeout(res, 100)).then(() => doomed.close());
        },
      });
      await killed;
      expect(r.code, r.stdout).toBe(1);
      const phases = phasesOf(r.stdout);
      expect(phases[0]).toBe('SETUP');
      expect(phases[phases.length - 1]).toBe('FAILED');
      expect(phases).not.toContain('COMPLETED');
      expect(r.stdout).toMatch(/\nFAILED +sent [0-9.]+ (B|KiB|MiB): .*destination vmm/);
      expect(r.stderr).toMatch(/^iommu-twin: ABORTED MIGRATION_FAILED: .*destination vmm.*\(the VM runs on at the source\)\n$/);
      expect((await call(a.v.Vmm.GetVm, { name: 'mv' })).vm!.state).toBe('VM_STATE_RUNNING');
      expect((await ramOf(a, 'mv', 64n * MiB)).equals(before)).toBe(true);
    } finally {
      await doomed.close().catch(() => undefined);
    }
  });

  it('a prepared destination, a migration that fails elsewhere (--migrate-uri names a vmm whose VM process may not open /dev/iommu): exit 1, the VM ctl prepared is deleted again', { timeout: 90_000 }, async () => {
    const c = await startTestTwin('intel-vtd');
    try {
      const r = await ctl(a, ['migrate', 'mv', ...toArgs(b), '--migrate-uri', c.vmm.addr]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`prepared VM mv on vmm at ${b.vmm.addr.replace(/\./g, '\\.')}: INCOMING`));
      expect(phasesOf(r.stdout).pop()).toBe('FAILED');
      expect(r.stderr).toMatch(/^iommu-twin: ABORTED MIGRATION_FAILED: .*(EACCES|PERMISSION_DENIED|cannot open)/);
      expect(await names(b)).not.toContain('mv');
      expect(await names(c)).not.toContain('mv');
      expect((await call(a.v.Vmm.GetVm, { name: 'mv' })).vm!.state).toBe('VM_STATE_RUNNING');
    } finally {
      await c.close();
    }
  });
});

describe('ctl on intel-vtd-legacy (legacy_container: the VFIO group is the node passed)', () => {
  it('ctl vm create --start passes /dev/vfio/<group>; ctl migrate to another intel-vtd-legacy host passes the group there; RAM equal, exit 0', { timeout: 120_000 }, async () => {
    const [from, to] = await Promise.all([startTestTwin('intel-vtd-legacy'), startTestTwin('intel-vtd-legacy')]);
    try {
      const spec = {
        name: 'leg',
        memory_bytes: String(64n * MiB),
        machine: 'q35',
        viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { input_range: { start: '0', last: String((1n << 39n) - 1n) } } },
        devices: [
          { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: NIC, legacy_container: true } },
          { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } },
        ],
      };
      const file = path.join(dir, 'leg.json');
      writeFileSync(file, JSON.stringify(spec));
      const created = await ctl(from, ['vm', 'create', '-f', file, '--start']);
      expect(created.code, created.stderr).toBe(0);
      expect((await call(from.v.Vmm.GetVm, { name: 'leg' })).vm!.state).toBe('VM_STATE_RUNNING');
      await fill(from, 'leg', 8n * MiB, 9);
      const before = await ramOf(from, 'leg', 64n * MiB);
      // type1 reports every page of an IOMMU-mapped vfio_dma dirty on each GET_BITMAP while a
      // group without a pinned-page scope is in the container (vfio_iommu_type1.c
      // update_user_bitmap). The NIC's endpoint is in bypass (all RAM identity-mapped), so each
      // round finds all 16384 pages dirty and only --max-rounds ends pre-copy (30 rounds by
      // default: about a minute of copying on a loaded machine).
      const r = await ctl(from, ['migrate', 'leg', ...toArgs(to), '--max-rounds', '3']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/^passed \/dev\/vfio\/1 as fd \d+ in pid \d+ for nic0$/);
      const rounds = r.stdout.split('\n').filter((l) => l.startsWith('PRECOPY'));
      expect(rounds.map((l) => /round (\d+) .* dirty (\d+) pages/.exec(l)?.slice(1))).toEqual([['1', '16384'], ['2', '16384'], ['3', '16384']]);
      expect(phasesOf(r.stdout).pop()).toBe('COMPLETED');
      const there = (await call(to.v.Vmm.GetVm, { name: 'leg' })).vm!;
      expect(there.state).toBe('VM_STATE_RUNNING');
      expect(there.devices.find((d) => d.id === 'nic0')!.host!.group).toBe(1);
      expect((await ramOf(to, 'leg', 64n * MiB)).equals(before)).toBe(true);
      expect(await names(from)).not.toContain('leg');
      await call(to.v.Vmm.StopVm, { name: 'leg' });
      await call(to.v.Vmm.DeleteVm, { name: 'leg' });
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
  });
});
