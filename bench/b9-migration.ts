/**
 * B9 — live migration of a running VM between two vmm/host pairs on this machine: Vmm.Migrate
 * (intel-vtd → intel-vtd) of a q35 VM with 4 GiB of guest RAM (`--quick`: 64 MiB and at most 3
 * rounds), every page filled with non-zero data first, a virtio-iommu and an assigned NIC
 * (0000:01:00.0, EMULATED on iommufd) whose DMA (Platform.DeviceDma on the source host, through a
 * write mapping of the guest's virtio-iommu) and the guest CPU (Guest.WriteMemory) dirty guest RAM
 * at 50 MB/s offered in all (half each, 64 KiB writes, paced, up to 8 in flight per writer) from the
 * start of the migration until the guest stops. Targets: throughput ≥ 0.7 × the raw stream,
 * downtime ≤ 300 ms, 0 bytes differ.
 *
 * Processes: each pair is an `iommu-twin up` child process (host-iommu + vmm, the vmm's host calls
 * on the in-process transport), as two machines would each run theirs; the vmm → vmm migration
 * stream is gRPC over loopback h2c; this process prepares, dirties, observes and verifies over
 * gRPC. B9_IN_PROCESS=1 runs both pairs in this process instead and adds the stages' rates alone
 * (host reads of guest RAM, destination writes).
 *
 * Figures: total time (the Migrate call to its COMPLETED message), downtime (the engine's: guest
 * stopped → destination answered OK; also the STOP_COPY → COMPLETED interval the client sees),
 * bytes sent / RAM size, rounds, throughput (bytes sent / total time; also round 1 alone).
 * Afterwards every byte of the destination's guest RAM is compared with what the fill and every
 * completed write left (a write refused once the guest stopped never happened).
 *
 * limit: a raw vmm → vmm stream of the same bytes in chunks of the engine's usual size (one RAM
 * record: RAM_RUN_MAX + its 13-byte head; source.ts cuts chunks at record boundaries)
 * of ReceiveMigrationRequest, from a client made as the engine makes its peer (peerClients) to a
 * server made as the vmm's (libs/rpc createServer, token auth, libs/rpc clientStream) in a third
 * child process, serving Vmm.ReceiveMigration alone: it counts the bytes and drops them; flow
 * control as the engine's sender (write, wait for drain). Run before the migration (RAM-size
 * bytes) and after it (bytes_sent), with nothing else of the bench running.
 *
 * Env: B9_TRACE=1 (stage times on stderr), B9_MAX_ROUNDS, B9_DIRTY_MBPS (0: no dirtying),
 * B9_NIC_WINDOW_MIB (the NIC's DMA window; default a quarter of RAM, at most 256 MiB),
 * B9_IN_PROCESS=1, BENCH_CHILD_NODE_ARGS (e.g. --cpu-prof --cpu-prof-dir=prof, as lib.ts),
 * B9_CHILD_STDOUT=PREFIX (each child's stdout kept in PREFIX.<pid>, e.g. for --trace-gc),
 * B9_RAM_MIB (guest RAM in MiB, 64 .. 4096: a profile between --quick and the full run).
 */
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { TokenTable } from '#libs/rpc/auth.js';
import { call, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import { clientStream } from '#libs/rpc/handlers.js';
import { registration, vmmServiceDefinitions } from '#libs/rpc/proto.js';
import { createServer } from '#libs/rpc/server.js';
import type { MigrateResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/MigrateResponse.js';
import type { ReceiveMigrationResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/ReceiveMigrationResponse.js';
import { ramLayout } from '../services/vmm/src/machine/guest-ram.js';
import { ramVaOf } from '../services/vmm/src/machine/runtime.js';
import { peerClients } from '../services/vmm/src/migration/peer.js';
import { MIGRATION_RECEIVE_WINDOW, RAM_RUN_MAX } from '../services/vmm/src/migration/stream.js';
import { repo, startNode, stopChild, type Child } from './lib.js';
import { passFds, rigTokens, withInProcessVmmRig, xorshift32, type InProcessVmmRig } from './rig.js';
import type { BenchResult } from './types.js';

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const PAGE = 4096;
/** the engine's usual stream chunk: one RAM record of RAM_RUN_MAX bytes and its head (source.ts) */
const CHUNK = RAM_RUN_MAX + 13;
/** fill / verify granule */
const SLAB = 2 * 1024 * 1024;
/** one dirtying write: 16 pages */
const WRITE = 64 * 1024;
/** B9_DIRTY_MBPS overrides the dirtying rate (MB/s) for a profile of the engine alone (0: none) */
const DIRTY_BYTES_PER_S = process.env.B9_DIRTY_MBPS !== undefined ? Number(process.env.B9_DIRTY_MBPS) * 1e6 : 50e6;
const MAX_DOWNTIME_MS = 300;
/**
 * Pre-copy rounds at most (the engine's default is 30; QEMU has no such limit): 10, `--quick` 3,
 * so a run whose dirtying outpaces the stream ends in bounded time; B9_MAX_ROUNDS overrides it.
 */
const maxRounds = (quick: boolean): number => (process.env.B9_MAX_ROUNDS !== undefined ? Number(process.env.B9_MAX_ROUNDS) : quick ? 3 : 10);
const NIC = '0000:01:00.0';
/** virtio-iommu endpoint of guest 0000:00:03.0 */
const EP_NIC0 = 0x18;
const VERSION_1 = 1n << 32n;
const F_MAP_UNMAP = 1n << 2n;
const F_BYPASS_CONFIG = 1n << 6n;
const F_PROBE = 1n << 4n;
const DMA_IOVA = 0x1_0000_0000n;
const NAME = 'b9';
/** B9_TRACE=1: each stage's time on stderr */
const trace = process.env.B9_TRACE ? (what: string) => process.stderr.write(`b9 ${new Date().toISOString()} ${what}\n`) : () => undefined;

/** One vmm/host pair as the bench drives it: clients of its vmm (root) and of its host (root, platform). */
interface Pair {
  v: VmmClients;
  root: HostClients;
  platform: HostClients;
  vmmAddr: string;
  vmmRootToken: string;
  /** the servers, when the pair runs in this process */
  rig?: InProcessVmmRig;
}

interface Range {
  gpa: bigint;
  size: bigint;
}

/** The 32-bit word version `ver` of page `pfn` is filled with (never 0: no page is a zero page). */
function word(pfn: number, ver: number): number {
  return (Math.imul(pfn + 1, 0x9e3779b1) ^ Math.imul(ver + 1, 0x85ebca77) ^ 0x5a5a5a5a) >>> 0 || 1;
}

/** Pages [pfn, pfn + n) as their versions say, into `out` (n × 4 KiB). */
function paint(out: Buffer, pfn: number, versions: ReadonlyMap<number, number>): void {
  const w = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  for (let i = 0; i < out.length / PAGE; i++) w.fill(word(pfn + i, versions.get(pfn + i) ?? 0), i * 1024, (i + 1) * 1024);
}

function vmSpec(ram: bigint) {
  return {
    name: NAME,
    memory_bytes: String(ram),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const, virtio: {} },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [{ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: NIC, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' as const } }],
  };
}

/** CreateVm (incoming or not), the orchestrator passes /dev/iommu and the NIC's cdev, StartVm. */
async function createVm(r: Pair, ram: bigint, incoming: boolean): Promise<void> {
  const created = await call(r.v.Vmm.CreateVm, { spec: vmSpec(ram), incoming });
  const [iommufd0, nic0] = await passFds(r.root, created.vm!.host_pid, ['/dev/iommu', '/dev/vfio/devices/vfio0']);
  const started = await call(r.v.Vmm.StartVm, { name: NAME, passed_fds: { iommufd0: iommufd0!, nic0: nic0! } });
  const want = incoming ? 'VM_STATE_INCOMING' : 'VM_STATE_RUNNING';
  if (started.vm!.state !== want) throw new Error(`B9: StartVm left ${started.vm!.state}, not ${want}`);
}

/** Every page of guest RAM written once (version 0), `inflight` 2 MiB Guest.WriteMemory calls at a time. */
async function fill(r: Pair, ranges: readonly Range[]): Promise<void> {
  const none = new Map<number, number>();
  const jobs: Array<{ gpa: bigint }> = [];
  for (const rg of ranges) for (let o = 0n; o < rg.size; o += BigInt(SLAB)) jobs.push({ gpa: rg.gpa + o });
  let next = 0;
  const worker = async (): Promise<void> => {
    const buf = Buffer.alloc(SLAB);
    while (next < jobs.length) {
      const j = jobs[next++]!;
      paint(buf, Number(j.gpa >> 12n), none);
      await call(r.v.Guest.WriteMemory, { vm: NAME, gpa: String(j.gpa), data: buf });
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

/** The guest maps IOVA [DMA_IOVA, +window.size) → GPA window.gpa read/write for the NIC (virtio-iommu domain 4). */
async function mapForNic(r: Pair, window: Range): Promise<void> {
  const f = await call(r.v.Guest.VirtioIommuSetFeatures, { vm: NAME, driver_features: String(VERSION_1 | F_MAP_UNMAP | F_BYPASS_CONFIG | F_PROBE) });
  if (!f.features_ok) throw new Error('B9: virtio-iommu FEATURES_OK refused');
  const rq = async (body: Record<string, unknown>) => {
    const res = await call(r.v.Guest.VirtioIommuRequest, { vm: NAME, ...body });
    if (res.status !== 0) throw new Error(`B9: virtio-iommu request ${JSON.stringify(body)}: status ${res.status}`);
  };
  await rq({ attach: { domain: 4, endpoint: EP_NIC0, flags: 0, reserved: 0 } });
  await rq({ map: { domain: 4, virt_start: String(DMA_IOVA), virt_end: String(DMA_IOVA + window.size - 1n), phys_start: String(window.gpa), flags: 3 } });
}

/** Writes each dirtying writer keeps in flight at most (each to its own 64 KiB block). */
const WRITES_IN_FLIGHT = 8;

/**
 * The dirtying: two writers (the guest CPU anywhere in RAM outside the NIC's window; the NIC by
 * DMA inside it), each paced to `rate / 2` bytes/s in 64 KiB writes with up to WRITES_IN_FLIGHT
 * in flight, never two to one block at once (so each block's last completed write is known). A
 * completed write bumps its pages' versions; a refused one (the guest stopped) never happened.
 */
function dirtier(r: Pair, ranges: readonly Range[], window: Range, versions: Map<number, number>, rate: number) {
  let stopped = rate <= 0;
  const rnd = xorshift32(0xb9);
  const done = { cpu: 0, dma: 0, refused: 0, cpuMs: 0, dmaMs: 0 };
  const blocks = (rg: Range) => Number(rg.size / BigInt(WRITE));
  const cpuBlocks = ranges.map(blocks);
  const totalCpu = cpuBlocks.reduce((a, b) => a + b, 0);
  const pickCpu = (): bigint => {
    for (;;) {
      let k = rnd() % totalCpu;
      let i = 0;
      while (k >= cpuBlocks[i]!) k -= cpuBlocks[i++]!;
      const gpa = ranges[i]!.gpa + BigInt(k) * BigInt(WRITE);
      if (gpa + BigInt(WRITE) <= window.gpa || gpa >= window.gpa + window.size) return gpa;
    }
  };
  const nicBlocks = Number(window.size / BigInt(WRITE));
  const pickDma = (): bigint => window.gpa + BigInt(rnd() % nicBlocks) * BigInt(WRITE);
  const content = (gpa: bigint): { data: Buffer; bump: () => void } => {
    const pfn = Number(gpa >> 12n);
    const next = new Map<number, number>();
    for (let i = 0; i < WRITE / PAGE; i++) next.set(pfn + i, (versions.get(pfn + i) ?? 0) + 1);
    const data = Buffer.alloc(WRITE);
    paint(data, pfn, next);
    return { data, bump: () => next.forEach((v, k) => versions.set(k, v)) };
  };
  const t0 = performance.now();
  const paced = async (n: number): Promise<void> => {
    const due = ((n * WRITE) / (rate / 2)) * 1000 - (performance.now() - t0);
    if (due > 1) await new Promise((res) => setTimeout(res, due));
  };
  const busy = new Set<bigint>();
  /** One writer: `issue` resolves true when the write completed, false when it was refused. */
  const writer = async (kind: 'cpu' | 'dma', pick: () => bigint, issue: (gpa: bigint, data: Buffer) => Promise<boolean>): Promise<void> => {
    const inflight = new Set<Promise<void>>();
    for (let n = 0; !stopped; n++) {
      await paced(n);
      while (inflight.size >= WRITES_IN_FLIGHT) await Promise.race(inflight);
      if (stopped) break;
      let gpa = pick();
      while (busy.has(gpa)) gpa = pick();
      busy.add(gpa);
      const w = content(gpa);
      const started = performance.now();
      const p = issue(gpa, w.data)
        .catch(() => false)
        .then((ok) => {
          if (ok) {
            w.bump();
            done[kind]++;
            done[`${kind}Ms`] += performance.now() - started;
          } else done.refused++;
          busy.delete(gpa);
          inflight.delete(p);
        });
      inflight.add(p);
    }
    await Promise.all(inflight);
  };
  const cpu = writer('cpu', pickCpu, async (gpa, data) => {
    await call(r.v.Guest.WriteMemory, { vm: NAME, gpa: String(gpa), data });
    return true;
  });
  const dma = writer('dma', pickDma, async (gpa, data) => {
    const off = gpa - window.gpa;
    const res = await call(r.platform.Platform.DeviceDma, { bdf: NIC, iova: String(DMA_IOVA + off), length: String(WRITE), write: true, data });
    return res.result === 'written';
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all([cpu, dma]);
      const secs = Math.max(1e-3, (performance.now() - t0) / 1000);
      return { ...done, secs };
    },
  };
}

/** Guest RAM of the destination VM against the versions: the number of differing bytes. */
async function differingBytes(r: Pair, ranges: readonly Range[], versions: ReadonlyMap<number, number>): Promise<number> {
  const want = Buffer.alloc(SLAB);
  let differ = 0;
  for (const rg of ranges) {
    for (let o = 0n; o < rg.size; o += BigInt(SLAB)) {
      const gpa = rg.gpa + o;
      const got = (await call(r.v.Guest.ReadMemory, { vm: NAME, gpa: String(gpa), length: String(SLAB) })).data;
      paint(want, Number(gpa >> 12n), versions);
      if (got.length !== SLAB) {
        differ += SLAB;
        continue;
      }
      if (want.equals(got)) continue;
      for (let i = 0; i < SLAB; i++) if (want[i] !== got[i]) differ++;
    }
  }
  return differ;
}

/** Vmm.Migrate: every message with the time it arrived (ms since the call). */
function migrate(src: Pair, dstAddr: string, dstToken: string, rounds: number): Promise<Array<{ ms: number; m: MigrateResponse__Output }>> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out: Array<{ ms: number; m: MigrateResponse__Output }> = [];
    const s = src.v.Vmm.Migrate(
      { name: NAME, destination: dstAddr, destination_token: dstToken, max_downtime_ms: MAX_DOWNTIME_MS, max_rounds: rounds, bandwidth_bytes_per_s: '0' },
      { deadline: Date.now() + 30 * 60_000 },
    );
    s.on('data', (m: MigrateResponse__Output) => out.push({ ms: performance.now() - t0, m }));
    s.on('error', reject);
    s.on('end', () => resolve(out));
  });
}

/**
 * The raw stream's receiver: a server made as the vmm's (libs/rpc createServer with token auth)
 * serving the Vmm service's ReceiveMigration method alone (same path, same messages, libs/rpc
 * clientStream as the vmm's handler), counting the chunks' bytes and dropping them; it answers
 * `OK <bytes>`.
 */
async function sinkServer(token: string): Promise<{ addr: string; close(): Promise<void> }> {
  const server = createServer({
    name: 'vmm',
    logger: pino({ level: 'silent' }),
    accessLogLevel: 'debug',
    receiveWindow: MIGRATION_RECEIVE_WINDOW,
    auth: { resolveToken: (t) => (t === token ? 'root' : undefined) },
    services: [
      registration(
        { ReceiveMigration: vmmServiceDefinitions.Vmm.ReceiveMigration },
        {
          ReceiveMigration: clientStream(async (requests: AsyncIterable<{ chunk: Buffer }>) => {
            let received = 0;
            for await (const r of requests) received += r.chunk.length;
            return { result: `OK ${received}` };
          }),
        },
      ),
    ],
  });
  const addr = await server.listen('127.0.0.1:0');
  server.setServing('SERVING');
  return { addr, close: () => server.shutdown(500) };
}

/** This file as a child process (B9_SINK_TOKEN set): the raw stream's receiver, until SIGTERM. */
if (process.env.B9_SINK_TOKEN) {
  const token = process.env.B9_SINK_TOKEN;
  void sinkServer(token).then((s) => {
    process.stdout.write(`listening on ${s.addr}\n`);
    process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));
  });
}

/**
 * The raw stream: `bytes` in CHUNK-sized ReceiveMigrationRequest messages from a client made as
 * the engine's peer (peerClients) to the sink at `addr`, written as the engine's sender writes
 * (write, wait for drain). Seconds from opening the call to the sink's answer.
 */
async function rawStream(bytes: number, addr: string, token: string): Promise<number> {
  const peer = peerClients(addr, token);
  try {
    // the bytes: 8 rotating non-zero 1 MiB chunks (their content does not matter to the transport)
    const pool = Array.from({ length: 8 }, (_, i) => {
      const b = Buffer.alloc(CHUNK);
      paint(b, i * 256, new Map());
      return b;
    });
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const c = peer.Vmm.ReceiveMigration((err: grpc.ServiceError | null, res?: ReceiveMigrationResponse__Output) =>
        err ? reject(err) : res?.result === `OK ${bytes}` ? resolve() : reject(new Error(`B9: the raw stream's receiver answered '${res?.result}' for ${bytes} bytes`)),
      );
      void (async () => {
        for (let sent = 0, i = 0; sent < bytes; i++) {
          const n = Math.min(CHUNK, bytes - sent);
          const chunk = n === CHUNK ? pool[i % pool.length]! : pool[0]!.subarray(0, n);
          sent += n;
          if (!c.write({ chunk })) await new Promise((res) => c.once('drain', res));
        }
        c.end();
      })();
    });
    return (performance.now() - t0) / 1000;
  } finally {
    peer.close();
  }
}

/** A child `node --import tsx <script> args` (lib.ts's startNode: 60 s to show every pattern of `want`; stdout kept with B9_CHILD_STDOUT). */
async function startChild(script: string, args: string[], env: Record<string, string>, want: ReadonlyArray<{ re: RegExp; n: number }>, what: string): Promise<{ child: Child; found: string[][] }> {
  const { found, ...child } = await startNode(script, args, { what: `B9: ${what}`, env, want, timeoutMs: 60_000, stdoutTo: process.env.B9_CHILD_STDOUT });
  return { child, found };
}

/** The token of `principal` in a tokens file `iommu-twin up` wrote. */
function tokenOf(file: string, principal: string): string {
  const t = TokenTable.fromFile(file).tokenOf(principal);
  if (t === undefined) throw new Error(`B9: no ${principal} token in ${file}`);
  return t;
}

/** `iommu-twin up --profile intel-vtd` in a child process (host-iommu + vmm, in-process link between them), its token files in `dir`. */
async function upChild(dir: string, what: string): Promise<{ child: Child; pair: Pair }> {
  const { child, found } = await startChild(join(repo, 'services/cli/main.ts'), ['up', '--listen', '127.0.0.1:0', '--vmm-listen', '127.0.0.1:0', '--profile', 'intel-vtd', '--state-dir', dir], {}, [{ re: /listening on (\S+)/, n: 2 }, { re: /tokens \(bearer token → principal\): (\S+)/, n: 2 }], what);
  const [hostAddr, vmmAddr] = found[0]!;
  const [hostTokens, vmmTokens] = found[1]!;
  const vmmRootToken = tokenOf(vmmTokens!, 'root');
  return {
    child,
    pair: {
      v: createVmmClients(vmmAddr!, { token: vmmRootToken, defaultDeadlineMs: 60_000 }),
      root: createClients(hostAddr!, { token: tokenOf(hostTokens!, 'root'), defaultDeadlineMs: 60_000 }),
      platform: createClients(hostAddr!, { token: tokenOf(hostTokens!, 'platform'), defaultDeadlineMs: 60_000 }),
      vmmAddr: vmmAddr!,
      vmmRootToken,
    },
  };
}

function closePair(p: Pair): void {
  p.v.close();
  p.root.close();
  p.platform.close();
}

/** Host reads of guest RAM alone (the source's stage 1): RAM read from the VM process in 1 MiB reads, 4 in flight as the engine. */
async function hostReadRate(r: InProcessVmmRig, ranges: readonly Range[], bytes: bigint): Promise<number> {
  const vm = r.vmm.mgr.vm(NAME);
  const t0 = performance.now();
  let done = 0n;
  for (const rg of ranges) {
    for (let o = 0n; o < rg.size && done < bytes; ) {
      const batch: Array<Promise<Buffer>> = [];
      for (let k = 0; k < 4 && o < rg.size; k++, o += MiB) batch.push(r.vmm.link.readMemory(vm.hostPid, ramVaOf(vm, rg.gpa + o, MiB)!, Number(MiB)));
      for (const b of await Promise.all(batch)) done += BigInt(b.length);
    }
  }
  return Number(done) / ((performance.now() - t0) / 1000);
}

/** Destination writes alone: 1 MiB writes into the VM process's guest RAM (the bytes it already holds). */
async function hostWriteRate(r: InProcessVmmRig, ranges: readonly Range[], bytes: bigint): Promise<number> {
  const vm = r.vmm.mgr.vm(NAME);
  const buf = Buffer.alloc(Number(MiB));
  let done = 0n;
  let ms = 0;
  for (const rg of ranges) {
    for (let o = 0n; o < rg.size && done < bytes; o += MiB) {
      const va = ramVaOf(vm, rg.gpa + o, MiB)!;
      (await r.vmm.link.readMemory(vm.hostPid, va, Number(MiB))).copy(buf);
      const t = performance.now();
      await r.vmm.link.writeMemory(vm.hostPid, va, buf);
      ms += performance.now() - t;
      done += MiB;
    }
  }
  return Number(done) / (ms / 1000);
}

/** The bench's pairs: two `iommu-twin up` children (default), or B9_IN_PROCESS=1: both pairs in this process (plus the stage figures). */
async function withPairs(body: (src: Pair, dst: Pair, sink: { addr: string; token: string }) => Promise<void>): Promise<string> {
  const token = randomBytes(18).toString('base64url');
  if (process.env.B9_IN_PROCESS === '1') {
    const inPair = (tag: string, rig: InProcessVmmRig): Pair => {
      const t = rigTokens(tag);
      return { v: rig.v, root: rig.root, platform: createClients(rig.host.addr, { token: t.platform, defaultDeadlineMs: 60_000 }), vmmAddr: rig.vmm.addr, vmmRootToken: t.vmmRoot, rig };
    };
    await withInProcessVmmRig('b9s', 'intel-vtd', 'in-process', (s) =>
      withInProcessVmmRig('b9d', 'intel-vtd', 'in-process', async (d) => {
        const sink = await sinkServer(token);
        const [src, dst] = [inPair('b9s', s), inPair('b9d', d)];
        try {
          await body(src, dst, { addr: sink.addr, token });
        } finally {
          src.platform.close();
          dst.platform.close();
          await sink.close();
        }
      }),
    );
    return 'in-process: both host-iommu + vmm pairs, the sink and the clients in this node process (one thread), vmm → host in-process transport, vmm → vmm gRPC loopback h2c';
  }
  const dir = mkdtempSync(join(tmpdir(), 'iommu-twin-b9-'));
  const children: Child[] = [];
  const pairs: Pair[] = [];
  try {
    const [a, b, sink] = await Promise.all([
      upChild(dir, 'source iommu-twin up'),
      upChild(dir, 'destination iommu-twin up'),
      startChild(fileURLToPath(import.meta.url), [], { B9_SINK_TOKEN: token }, [{ re: /listening on (\S+)/, n: 1 }], 'raw-stream receiver'),
    ]);
    children.push(a.child, b.child, sink.child);
    pairs.push(a.pair, b.pair);
    await body(a.pair, b.pair, { addr: sink.found[0]![0]!, token });
  } finally {
    pairs.forEach(closePair);
    for (const c of children) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  }
  return 'child processes: the source pair and the destination pair each an `iommu-twin up` process (host-iommu + vmm, in-process link), the raw stream\'s receiver a third; this process drives and dirties over gRPC; vmm → vmm gRPC loopback h2c';
}

/** B9_RAM_MIB: whole MiB from 64 to 4096. */
function ramOfEnv(v: string): bigint {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 64 || n > 4096) throw new Error(`B9_RAM_MIB=${v}: whole MiB from 64 to 4096`);
  return BigInt(n) * MiB;
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult> {
  const ram = process.env.B9_RAM_MIB !== undefined ? ramOfEnv(process.env.B9_RAM_MIB) : quick ? 64n * MiB : 4n * GiB;
  const notes: string[] = [];
  let result: BenchResult | undefined;
  const how = await withPairs(async (src, dst, sink) => {
    await createVm(src, ram, false);
    // QEMU's q35 memory map of this RAM size (the vmm's own layout function)
    const ranges: Range[] = ramLayout('q35', ram).map((x) => ({ gpa: x.gpa, size: x.size }));
    if (ranges.reduce((n, x) => n + x.size, 0n) !== ram) throw new Error(`B9: the q35 layout does not hold ${ram} bytes`);
    trace('source VM running');
    // the NIC's window: a quarter of RAM (at most 256 MiB; B9_NIC_WINDOW_MIB overrides) from a quarter of RAM up, inside the first range
    const windowSize = process.env.B9_NIC_WINDOW_MIB !== undefined ? BigInt(Number(process.env.B9_NIC_WINDOW_MIB)) * MiB : ram / 4n < 256n * MiB ? ram / 4n : 256n * MiB;
    if (windowSize < 2n * MiB || windowSize > ram / 2n) throw new Error(`B9: a NIC window of ${windowSize >> 20n} MiB (2 MiB .. half of RAM)`);
    const window: Range = { gpa: ram / 4n, size: windowSize };
    if (window.gpa + window.size > ranges[0]!.gpa + ranges[0]!.size) throw new Error('B9: the NIC window is outside the first RAM range');
    let t = performance.now();
    await fill(src, ranges);
    const fillSecs = (performance.now() - t) / 1000;
    trace('filled');
    await mapForNic(src, window);
    await createVm(dst, ram, true);
    trace('destination prepared');

    // the limit once before the migration (RAM-size bytes) and once after it (bytes_sent): the machine is shared, so both
    const rawBeforeSecs = await rawStream(Number(ram), sink.addr, sink.token);
    trace('raw stream (before) done');
    const versions = new Map<number, number>();
    const load = dirtier(src, ranges, window, versions, DIRTY_BYTES_PER_S);
    let msgs: Awaited<ReturnType<typeof migrate>>;
    let dirty: Awaited<ReturnType<typeof load.stop>>;
    try {
      msgs = await migrate(src, dst.vmmAddr, dst.vmmRootToken, maxRounds(quick));
    } finally {
      dirty = await load.stop();
    }
    trace(`migrated: ${msgs.map((x) => `${x.m.phase}@${x.ms.toFixed(0)}`).join(' ')}`);
    const last = msgs[msgs.length - 1]?.m;
    if (last?.phase !== 'COMPLETED') throw new Error(`B9: migration ended ${last?.phase ?? 'without a message'}: ${last?.detail ?? ''}`);
    const totalMs = msgs[msgs.length - 1]!.ms;
    const bytesSent = BigInt(last.bytes_sent);
    const precopy = msgs.filter((x) => x.m.phase === 'PRECOPY');
    const rounds = precopy.length === 0 ? 0 : Math.max(...precopy.map((x) => x.m.round));
    const setupMs = msgs.find((x) => x.m.phase === 'SETUP')!.ms;
    const r1 = precopy.find((x) => x.m.round === 1)!;
    const r1Rate = Number(r1.m.bytes_sent) / ((r1.ms - setupMs) / 1000);
    const stopMs = msgs.find((x) => x.m.phase === 'STOP_COPY')!.ms;
    const dstInfo = await call(dst.v.Vmm.GetVm, { name: NAME });
    if (dstInfo.vm!.state !== 'VM_STATE_RUNNING') throw new Error(`B9: the destination VM is ${dstInfo.vm!.state}`);
    t = performance.now();
    const differ = await differingBytes(dst, ranges, versions);
    const verifySecs = (performance.now() - t) / 1000;
    trace('verified');

    // the limit, with nothing else running: the same bytes, the same chunks, the same transport
    const rawSecs = await rawStream(Number(bytesSent), sink.addr, sink.token);
    const rawAfter = Number(bytesSent) / rawSecs;
    const rawBefore = Number(ram) / rawBeforeSecs;
    // the limit: both runs' bytes over both runs' time
    const rawRate = (Number(bytesSent) + Number(ram)) / (rawSecs + rawBeforeSecs);
    trace('raw stream done');
    const rate = Number(bytesSent) / (totalMs / 1000);
    const stages: Record<string, number> = {};
    if (dst.rig) {
      stages.host_read_bytes_per_s = await hostReadRate(dst.rig, ranges, ram < GiB ? ram : GiB);
      stages.dst_write_bytes_per_s = await hostWriteRate(dst.rig, ranges, ram < 256n * MiB ? ram : 256n * MiB);
      notes.push(`stages alone (in-process): host reads of guest RAM ${(stages.host_read_bytes_per_s / 1e6).toFixed(0)} MB/s (1 MiB, 4 in flight), destination writes ${(stages.dst_write_bytes_per_s / 1e6).toFixed(0)} MB/s (1 MiB), raw stream ${(rawRate / 1e6).toFixed(0)} MB/s`);
    }
    const mib = (b: string) => (Number(b) / 2 ** 20).toFixed(1);
    for (const x of msgs) if (x.m.phase !== 'PRECOPY' || x.m.round <= 3 || x.m.round === rounds) notes.push(`t=${x.ms.toFixed(0)} ms ${x.m.phase}${x.m.phase === 'PRECOPY' ? ` round ${x.m.round}` : ''} sent ${mib(x.m.bytes_sent)} MiB, dirty ${x.m.dirty_pages} pages${x.m.detail ? `: ${x.m.detail}` : ''}`);
    const dirtyRate = ((dirty.cpu + dirty.dma) * WRITE) / dirty.secs;
    notes.push(
      `max_downtime_ms ${MAX_DOWNTIME_MS}, max_rounds ${maxRounds(quick)}, no bandwidth cap; q35, ${ram >> 20n} MiB guest RAM filled non-zero in ${fillSecs.toFixed(1)} s; virtio-iommu; NIC ${NIC} EMULATED on iommufd, IOVA 0x${DMA_IOVA.toString(16)} → GPA 0x${window.gpa.toString(16)} (+${window.size >> 20n} MiB) writable`,
      `dirtying offered ${DIRTY_BYTES_PER_S / 1e6} MB/s (half Guest.WriteMemory, half the NIC's Platform.DeviceDma, 64 KiB writes, paced, up to ${WRITES_IN_FLIGHT} in flight each), achieved ${(dirtyRate / 1e6).toFixed(1)} MB/s over ${dirty.secs.toFixed(1)} s: ${dirty.cpu} CPU + ${dirty.dma} DMA writes (mean latency ${(dirty.cpuMs / Math.max(1, dirty.cpu)).toFixed(1)} / ${(dirty.dmaMs / Math.max(1, dirty.dma)).toFixed(1)} ms), ${dirty.refused} refused once the guest stopped`,
      `limit: RAM-size bytes before the migration and ${bytesSent} bytes (its bytes_sent) after it, in ${CHUNK}-byte ReceiveMigrationRequest chunks, peerClients → a libs/rpc createServer server of Vmm.ReceiveMigration alone that counts and drops them, write/drain flow control as the engine's sender, the vmm's HTTP/2 receive windows; raw_stream_bytes_per_s is both runs' bytes over both runs' time`,
      `verify: every byte of the destination's guest RAM read back (${verifySecs.toFixed(1)} s); observed STOP_COPY → COMPLETED ${(totalMs - stopMs).toFixed(0)} ms`,
    );
    result = {
      name: 'b9-migration',
      metrics: {
        ram_bytes: Number(ram),
        total_s: totalMs / 1000,
        downtime_ms: Number(last.downtime_ms),
        stop_copy_to_completed_ms: totalMs - stopMs,
        bytes_sent: Number(bytesSent),
        bytes_sent_per_ram: Number(bytesSent) / Number(ram),
        rounds,
        throughput_bytes_per_s: rate,
        round1_bytes_per_s: r1Rate,
        dirty_bytes_per_s: dirtyRate,
        bytes_differ: differ,
        ...stages,
      },
      limit: { raw_stream_bytes_per_s: rawRate, raw_stream_before_bytes_per_s: rawBefore, raw_stream_after_bytes_per_s: rawAfter },
      ratio: {
        throughput_vs_raw: rate / rawRate,
        round1_vs_raw: r1Rate / rawRate,
        downtime_vs_target: Number(last.downtime_ms) / MAX_DOWNTIME_MS,
      },
      notes,
    };
    await call(dst.v.Vmm.StopVm, { name: NAME }).catch(() => undefined);
    await call(dst.v.Vmm.DeleteVm, { name: NAME }).catch(() => undefined);
  });
  if (!result) throw new Error('B9: no result');
  result.notes!.unshift(how);
  return result;
}
