/**
 * Both services in-process on 127.0.0.1:0: a host-iommu (intel-vtd unless told otherwise) and a
 * vmm on top of it, plus the orchestrator's side of the libvirt → QEMU fd-passing story.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { call, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import { startVmmServer, type VmmServer } from '../../services/vmm/src/main.js';
import { startTestHost, Sys, type TestHost } from './harness.js';

export interface TestTwin {
  host: TestHost;
  vmm: VmmServer;
  /** the orchestrator's client of the vmm (principal root) */
  v: VmmClients;
  close(): Promise<void>;
}

export async function startTestTwin(profile = 'intel-vtd', opts: { leaseMs?: number; heartbeatMs?: number } = {}): Promise<TestTwin> {
  const host = await startTestHost(profile);
  const vmm = await startVmmServer({
    listen: '127.0.0.1:0',
    host: host.srv.addr,
    tokens: { 'vmm-root': 'root' },
    hostToken: 'tok-qemu',
    hostPlatformToken: 'tok-platform',
    logger: pino({ level: 'silent' }),
    leaseMs: opts.leaseMs ?? 10_000,
    heartbeatMs: opts.heartbeatMs ?? 1_000,
  });
  const v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 30_000 });
  return {
    host,
    vmm,
    v,
    async close() {
      v.close();
      await vmm.close(500);
      await host.close();
    },
  };
}

/** The orchestrator (root on the host): opens nodes and passes fds into a VM's host process. */
export class Orchestrator {
  private constructor(
    readonly sys: Sys,
    readonly host: HostClients,
  ) {}

  static async create(t: TestTwin): Promise<Orchestrator> {
    return new Orchestrator(await Sys.spawn(t.host.root, 'libvirtd'), t.host.root);
  }

  /** open `path` as root, SendFd it into `pid`, close root's copy; returns the fd in `pid` */
  async pass(path: string, pid: number): Promise<number> {
    const fd = await this.sys.open(path);
    const target = await this.sys.sendFd(fd, pid);
    await this.sys.close(fd);
    return target;
  }
}

/**
 * Registers in the calling test file: beforeAll starts a twin and an orchestrator (handed to
 * `use`); afterEach stops and deletes every VM named in `live` (errors ignored), then runs
 * `afterCleanup` (e.g. a check that the host is as it was found); afterAll ends both.
 */
/** useTwinHooks' afterCleanup for tests that must leave the host as they found it: nothing pinned, no page table. */
export async function hostLeftClean(tw: TestTwin): Promise<void> {
  const h = await call(tw.host.platform.Platform.Inspect, { host: true });
  expect(h.pinned!.pages).toBe('0');
  expect(h.page_tables).toEqual([]);
}

export function useTwinHooks(opts: {
  use(t: TestTwin, orch: Orchestrator): void;
  live: Set<string>;
  afterCleanup?(t: TestTwin): Promise<void>;
  /** the host profile (startTestTwin's default: intel-vtd) */
  profile?: string;
}): void {
  let twin: TestTwin | undefined;
  let orch: Orchestrator | undefined;
  beforeAll(async () => {
    twin = await startTestTwin(opts.profile);
    orch = await Orchestrator.create(twin);
    opts.use(twin, orch);
  });
  afterEach(async () => {
    for (const name of opts.live) {
      await call(twin!.v.Vmm.StopVm, { name }).catch(() => undefined);
      await call(twin!.v.Vmm.DeleteVm, { name }).catch(() => undefined);
    }
    opts.live.clear();
    await opts.afterCleanup?.(twin!);
  });
  afterAll(async () => {
    await orch?.sys.exit();
    await twin?.close();
  });
}

/**
 * The VM most vmm tests boot: q35, a virtio-iommu, `nic0` (host `hostBdf`, EMULATED) at guest
 * 0000:00:03.0 and a virtio-net `net0` with ACCESS_PLATFORM at 0000:00:04.0.
 */
export function nicAndNetVm(name: string, opts: { memoryBytes?: bigint; hostBdf?: string } = {}) {
  return {
    name,
    memory_bytes: String(opts.memoryBytes ?? 64n << 20n),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [
      { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: opts.hostBdf ?? '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' as const } },
      { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET' as const, access_platform: true } },
    ],
  };
}

/**
 * A q35 VM behind `viommu` with one assigned device, the intel-vtd NIC 0000:01:00.0 (cdev vfio0,
 * EMULATED) as `nic0` at guest 0000:00:03.0 over `iommufd0`: its spec and the nodes StartVm
 * needs passed (createAndStart).
 */
export function nicVm(name: string, viommu: Record<string, unknown>, memoryBytes: bigint): { spec: { name: string } & Record<string, unknown>; nodes: Record<string, string> } {
  return {
    spec: {
      name,
      memory_bytes: String(memoryBytes),
      machine: 'q35',
      viommu,
      iommufd_objects: [{ id: 'iommufd0' }],
      devices: [{ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } }],
    },
    nodes: { iommufd0: '/dev/iommu', nic0: '/dev/vfio/devices/vfio0' },
  };
}

/**
 * The orchestrator's side of fd passing, once: a root process opens each node, SendFds it into
 * `pid` and closes its copy, then exits. Returns the fds in `pid` by spec id (StartVm passed_fds).
 */
export async function passNodes(root: HostClients, pid: number, nodes: Record<string, string>): Promise<Record<string, number>> {
  const orch = await Sys.spawn(root, 'libvirtd');
  const fds: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [id, path] of Object.entries(nodes)) {
    const fd = await orch.open(path);
    fds[id] = await orch.sendFd(fd, pid);
    await orch.close(fd);
  }
  await orch.exit();
  return fds;
}

/** Guest.Dma: `dev` of `vm` on `tw` reads `n` bytes at `iova`: the bytes as hex, or the non-data outcome (host_fault, ...). */
export async function dmaReadHex(tw: TestTwin, vm: string, dev: string, iova: bigint, n: number): Promise<string> {
  const r = await call(tw.v.Guest.Dma, { vm, device_id: dev, iova: String(iova), length: String(n), write: false, data: Buffer.alloc(0) });
  return r.result === 'data' ? Buffer.from(r.data!).toString('hex') : r.result!;
}

/**
 * CreateVm `spec` on `tw` (for an incoming migration or not), the orchestrator passes `nodes`
 * (spec id → node path) into the VM's host process (passNodes), StartVm: the VM must be RUNNING
 * (INCOMING). Returns the VM's host pid.
 */
export async function createAndStart(tw: TestTwin, spec: { name: string }, nodes: Record<string, string>, incoming = false): Promise<number> {
  const created = await call(tw.v.Vmm.CreateVm, { spec: spec as never, incoming });
  const pid = created.vm!.host_pid;
  const passed_fds = await passNodes(tw.host.root, pid, nodes);
  const started = await call(tw.v.Vmm.StartVm, { name: spec.name, passed_fds });
  expect(started.vm!.state).toBe(incoming ? 'VM_STATE_INCOMING' : 'VM_STATE_RUNNING');
  return pid;
}

/**
 * Registers in the calling test file: beforeAll starts two twins on `profile` (a migration's
 * source and destination) and hands them to `use`; afterAll stops and deletes the VMs named
 * `vms` on both (errors ignored) and closes them.
 */
export function useTwinPair(profile: string, vms: readonly string[], use: (src: TestTwin, dst: TestTwin) => void): void {
  let pair: TestTwin[] = [];
  beforeAll(async () => {
    pair = await Promise.all([startTestTwin(profile), startTestTwin(profile)]);
    use(pair[0]!, pair[1]!);
  });
  afterAll(async () => {
    for (const tw of pair) {
      for (const name of vms) {
        await call(tw.v.Vmm.StopVm, { name }).catch(() => undefined);
        await call(tw.v.Vmm.DeleteVm, { name }).catch(() => undefined);
      }
      await tw.close();
    }
  });
}

/** Polls `cond` every 20 ms until it holds; fails after `timeoutMs` with `what`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function hostClients(t: TestTwin, token = 'tok-root'): HostClients {
  return createClients(t.host.srv.addr, { token });
}

export { call };

/**
 * A guest's memory and device-DMA calls on the twin `twin()` returns (read when called, so a
 * test file can make them before its hooks have started the twin).
 */
export function guestOps(twin: () => TestTwin) {
  const guest = () => twin().v.Guest;
  const dmaRead = (vm: string, dev: string, iova: bigint, n: number) =>
    call(guest().Dma, { vm, device_id: dev, iova: String(iova), length: String(n), write: false, data: Buffer.alloc(0) });
  const dmaWrite = (vm: string, dev: string, iova: bigint, data: Buffer) =>
    call(guest().Dma, { vm, device_id: dev, iova: String(iova), length: String(data.length), write: true, data });
  return {
    dmaRead,
    dmaWrite,
    /** A DMA read that must succeed: its bytes. */
    async readOk(vm: string, dev: string, iova: bigint, n: number): Promise<Buffer> {
      const r = await dmaRead(vm, dev, iova, n);
      expect(r.result, `${dev} DMA read at 0x${iova.toString(16)}: ${JSON.stringify(r)}`).toBe('data');
      return Buffer.from(r.data!);
    },
    /** Guest.WriteMemory. */
    async poke(vm: string, gpa: bigint, data: Buffer): Promise<void> {
      await call(guest().WriteMemory, { vm, gpa: String(gpa), data });
    },
    /** Guest.ReadMemory. */
    async peek(vm: string, gpa: bigint, n: number): Promise<Buffer> {
      return Buffer.from((await call(guest().ReadMemory, { vm, gpa: String(gpa), length: String(n) })).data);
    },
  };
}

/** `n` bytes of a seeded xorshift pattern. */
/** A guest-RAM range the NIC's DMA may write: IOVA [iova, +size) → GPA [gpa, +size). */
export interface DmaTarget {
  iova: bigint;
  size: bigint;
  gpa: bigint;
}

/**
 * The guest CPU and a NIC writing guest RAM until stop() (the load of the migration tests): 4 KiB
 * CPU writes at pseudo-random pages of [0, ramBytes) (every eighth one zeroes its page: a page that
 * became zero after round 1 must travel too) outside `avoid` and outside the DMA targets, and 4 KiB
 * NIC DMA writes into `targets`. `cpuWrite` / `dmaWrite` make one write and say whether it happened
 * (a write refused because the guest or the device stopped never happened); every one that did goes
 * into `image` at its GPA. The NIC's pages are its alone: a CPU write and a DMA to one page in flight
 * together land on the host in an order the image cannot know.
 */
export function guestWriteLoad(o: {
  seed: number;
  ramBytes: bigint;
  image: Buffer;
  targets: readonly DmaTarget[];
  avoid?: { start: bigint; end: bigint };
  cpuWrite: (gpa: bigint, data: Buffer) => Promise<boolean>;
  dmaWrite: (iova: bigint, data: Buffer) => Promise<boolean>;
}): { stop(): Promise<{ cpu: number; dma: number }> } {
  let stopped = false;
  let cpu = 0;
  let dma = 0;
  let x = o.seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const cpuLoop = (async () => {
    while (!stopped) {
      const gpa = BigInt(next() % Number(o.ramBytes >> 12n)) << 12n;
      const data = next() % 8 === 0 ? Buffer.alloc(4096) : pattern(4096, next());
      if (o.avoid && gpa >= o.avoid.start && gpa < o.avoid.end) continue;
      if (o.targets.some((m) => gpa >= m.gpa && gpa < m.gpa + m.size)) continue;
      if (!(await o.cpuWrite(gpa, data).catch(() => false))) continue;
      data.copy(o.image, Number(gpa));
      cpu++;
    }
  })();
  const dmaLoop = (async () => {
    while (!stopped) {
      const m = o.targets[next() % o.targets.length]!;
      const off = BigInt(next() % Number(m.size >> 12n)) << 12n;
      const data = pattern(4096, next());
      if (!(await o.dmaWrite(m.iova + off, data).catch(() => false))) continue;
      data.copy(o.image, Number(m.gpa + off));
      dma++;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await Promise.all([cpuLoop, dmaLoop]);
      return { cpu, dma };
    },
  };
}

export function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Every Guest.Events item of `vm` after `after` that arrives within `ms`. */
export function collectEvents(t: TestTwin, vm: string, after: bigint, ms = 300): Promise<EventsResponse__Output[]> {
  return new Promise((resolve, reject) => {
    const out: EventsResponse__Output[] = [];
    const s = t.v.Guest.Events({ vm, after_sequence: String(after) });
    const timer = setTimeout(() => {
      s.cancel();
      resolve(out);
    }, ms);
    s.on('data', (m: EventsResponse__Output) => out.push(m));
    s.on('error', (e: grpc.ServiceError) => {
      if (e.code === grpc.status.CANCELLED) return;
      clearTimeout(timer);
      reject(e);
    });
  });
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What a CLI child process left: its exit code and its whole output. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI (`node --import tsx services/cli/main.ts <args>`) run to completion as a child process; killed after `timeoutMs`. */
export function runCli(args: string[], timeoutMs = 40_000): Promise<CliRun> {
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/main.ts', ...args], { cwd: REPO, env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`iommu-twin ${args.join(' ')}: no exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `ctl …` against the twin `t`, root on both services (runCli). */
export function runCtl(t: TestTwin, ...args: string[]): Promise<CliRun> {
  return runCli(['ctl', '--host', t.host.srv.addr, '--vmm', t.vmm.addr, '--host-token', 'tok-root', '--vmm-token', 'vmm-root', ...args]);
}
