/**
 * B10 — event-loop stall (issue #7): host-iommu in its own process; a prober on its own
 * connection sends a grpc.health.v1 Check every 10 ms (open loop: a stalled server delays every
 * probe sent meanwhile) while a `qemu` tenant does the largest operations the built-in profile
 * allows it. For qemu the binding limits are RLIMIT_MEMLOCK 64 GiB (pinned pages) and
 * memory.max 256 GiB (pages faulted in, plus the iommufd objects):
 *   truncate  Ftruncate a memfd to 2^52 bytes (the largest size) and Close it;
 *   pin       IoasMap of a 64 GiB anonymous range (RLIMIT_MEMLOCK) on an IOAS with a device attached;
 *   unpin     IoasUnmap of that range;
 *   munmap    Munmap of it (its frames freed);
 *   exit      Exit of a process holding everything at once: an anonymous mapping of memory.max
 *             (less 2 MiB for the kernel objects) with every page faulted in (pinned 64 GiB at a
 *             time), the last 64 GiB of it still pinned, and a 2^52 memfd;
 *   pin_again / exit_again  the same pin at once (everything was given back), then exit.
 * Teardown is deferred (libs/memory/deferred.ts): a call may return before its frees and unpins
 * are done, and the next call waits for them. So each phase lasts until a following call (Ping)
 * is answered, `settled_ms`, and its health figures count the probes sent until then.
 * Reported per phase: op_ms (the call as the tenant sees it), settled_ms, and the health latency
 * p50 / p99 / max. Target: p99 ≤ 100 ms for truncate, unpin, munmap and exit. Beside them, the
 * bare cost of one read pass and one write pass over per-page typed arrays of the pinned range,
 * measured in the bench process in the same run (the model makes a few such passes per phase).
 * --quick: 1 GiB pinned and 4 GiB touched instead of 64 and 256 GiB (linear: ×64 for full size).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { call, callMeta, createClients, type HostClients } from '#libs/rpc/client.js';
import { pct, startCli, stopChild } from './lib.js';
import type { BenchResult } from './types.js';

const GiB = 1n << 30n;
const MiB = 1n << 20n;
const PROBE_MS = 10;
const TARGET_P99_MS = 100;

interface HealthClient extends grpc.Client {
  Check(req: { service: string }, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void): grpc.ClientUnaryCall;
}
const HealthCtor = grpc.makeClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'grpc.health.v1.Health') as unknown as new (
  addr: string,
  creds: grpc.ChannelCredentials,
  opts: grpc.ClientOptions,
) => HealthClient;

/** Open-loop health probes on a connection of their own; latency of each, by send time. */
class Prober {
  private readonly client: HealthClient;
  private timer: NodeJS.Timeout | undefined;
  readonly probes: Array<{ sent: number; ms: number }> = [];
  failures = 0;
  constructor(addr: string) {
    this.client = new HealthCtor(addr, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  }
  start(): void {
    this.timer = setInterval(() => {
      const sent = performance.now();
      this.client.Check({ service: '' }, { deadline: Date.now() + 600_000 }, (err) => {
        if (err) this.failures++;
        else this.probes.push({ sent, ms: performance.now() - sent });
      });
    }, PROBE_MS);
  }
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await new Promise((r) => setTimeout(r, 200));
    this.client.close();
  }
  /** Latencies of the probes sent in [t0, t1]. */
  window(t0: number, t1: number): number[] {
    return this.probes.filter((p) => p.sent >= t0 && p.sent <= t1).map((p) => p.ms).sort((a, b) => a - b);
  }
}

/** A qemu process with a VFIO device bound and attached to a fresh IOAS (fds passed by root). */
async function tenant(root: HostClients, qemu: HostClients): Promise<{ pid: number; md: grpc.Metadata; fd: number; ioas: number }> {
  const r = await call(root.Process.Spawn, { name: 'libvirt', lease_ms: 0 });
  const rmd = callMeta(r.pid);
  const q = await call(qemu.Process.Spawn, { name: 'qemu', lease_ms: 0 });
  const md = callMeta(q.pid);
  const ifd = (await call(root.Process.Open, { path: '/dev/iommu', flags: 2 }, rmd)).fd;
  const dfd = (await call(root.Process.Open, { path: '/dev/vfio/devices/vfio0', flags: 2 }, rmd)).fd;
  const fd = (await call(root.Process.SendFd, { fd: ifd, target_pid: q.pid }, rmd)).target_fd;
  const devFd = (await call(root.Process.SendFd, { fd: dfd, target_pid: q.pid }, rmd)).target_fd;
  await call(root.Process.Exit, { pid: r.pid });
  await call(qemu.Vfio.DeviceBindIommufd, { device_fd: devFd, iommufd: fd, flags: 0 }, md);
  const ioas = (await call(qemu.Iommufd.IoasAlloc, { fd, flags: 0 }, md)).out_ioas_id;
  await call(qemu.Vfio.DeviceAttachPt, { device_fd: devFd, flags: 0, pt_id: ioas, pasid: 0 }, md);
  return { pid: q.pid, md, fd, ioas };
}

/** Cost of one read pass and one write pass over `pages` per-page Float64 entries in 512-entry chunks. */
function barePassMs(pages: number): { read: number; write: number } {
  const chunks: Float64Array[] = [];
  for (let c = 0; c < pages / 512; c++) chunks.push(new Float64Array(512));
  const t0 = performance.now();
  for (let c = 0; c < chunks.length; c++) {
    const a = chunks[c]!;
    const base = c * 512 + 1;
    for (let s = 0; s < 512; s++) a[s] = base + s;
  }
  const t1 = performance.now();
  let n = 0;
  for (let c = 0; c < chunks.length; c++) {
    const a = chunks[c]!;
    const base = c * 512 + 1;
    for (let s = 0; s < 512; s++) if (a[s] === base + s) n++;
  }
  const t2 = performance.now();
  if (n !== pages) throw new Error('bare pass miscounted');
  return { write: t1 - t0, read: t2 - t1 };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iommu-twin-b10-'));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify({ 'b10-root': 'root', 'b10-qemu': 'qemu' }), { mode: 0o600 });
  let server: Awaited<ReturnType<typeof startCli>> | undefined;
  let root: HostClients | undefined;
  let qemu: HostClients | undefined;
  let prober: Prober | undefined;
  const metrics: Record<string, number> = {};
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const notes: string[] = [];
  // RLIMIT_MEMLOCK of the built-in qemu principal: the largest pin
  const pinSize = opts.quick ? GiB : 64n * GiB;
  // memory.max of qemu, less room for the kernel objects charged with it: the most it can touch
  const touchSize = opts.quick ? 4n * GiB : 256n * GiB - 2n * MiB;
  const maxFile = 1n << 52n;
  const iova = 1n << 40n;
  const all: number[] = [];
  try {
    server = await startCli(['host', '--listen', '127.0.0.1:0', '--tokens', tokensFile], 'host-iommu');
    const r = createClients(server.addr, { token: 'b10-root', defaultDeadlineMs: 600_000 });
    const q = createClients(server.addr, { token: 'b10-qemu', defaultDeadlineMs: 600_000 });
    root = r;
    qemu = q;
    const pr = new Prober(server.addr);
    prober = pr;
    /** A call on the model: answered once every deferred teardown before it is done. */
    const settled = () => call(r.Platform.Ping, { payload: Buffer.alloc(0) });
    const phase = async (name: string, op: () => Promise<unknown>, target = true) => {
      await settled();
      await new Promise((res) => setTimeout(res, 100)); // probes settle between phases
      const t0 = performance.now();
      await op();
      const t1 = performance.now();
      await settled();
      const t2 = performance.now();
      await new Promise((res) => setTimeout(res, 3 * PROBE_MS));
      const lat = pr.window(t0, t2 + PROBE_MS);
      if (target) all.push(...lat);
      metrics[`${name}_op_ms`] = t1 - t0;
      metrics[`${name}_settled_ms`] = t2 - t0;
      metrics[`${name}_health_p50_ms`] = pct(lat, 0.5);
      metrics[`${name}_health_p99_ms`] = pct(lat, 0.99);
      metrics[`${name}_health_max_ms`] = lat[lat.length - 1] ?? 0;
      metrics[`${name}_probes`] = lat.length;
    };
    const anon = async (md: grpc.Metadata, length: bigint) =>
      BigInt((await call(q.Process.Mmap, { addr: '0', length: length.toString(), prot: 3, flags: 0x22, fd: -1, offset: '0' }, md)).addr as string);
    const map = (t: { md: grpc.Metadata; fd: number; ioas: number }, va: bigint, length: bigint) =>
      call(q.Iommufd.IoasMap, { fd: t.fd, flags: 7, ioas_id: t.ioas, user_va: va.toString(), length: length.toString(), iova: iova.toString() }, t.md);
    const unmap = (t: { md: grpc.Metadata; fd: number; ioas: number }, length: bigint) =>
      call(q.Iommufd.IoasUnmap, { fd: t.fd, ioas_id: t.ioas, iova: iova.toString(), length: length.toString() }, t.md);

    await r.waitForReady(10_000);
    pr.start();
    // the limits beside them: health latency of an idle server, bare per-page passes
    await new Promise((res) => setTimeout(res, 1000));
    const idle = pr.window(0, performance.now());
    limit.idle_health_p50_ms = pct(idle, 0.5);
    limit.idle_health_p99_ms = pct(idle, 0.99);
    limit.target_health_p99_ms = TARGET_P99_MS;
    const bare = barePassMs(Number(pinSize >> 12n));
    limit.bare_write_pass_pinned_range_ms = bare.write;
    limit.bare_read_pass_pinned_range_ms = bare.read;

    const a = await tenant(r, q);
    await phase('truncate', async () => {
      const fd = (await call(q.Process.MemfdCreate, { name: 'sparse', flags: 0 }, a.md)).fd;
      await call(q.Process.Ftruncate, { fd, length: maxFile.toString() }, a.md);
      await call(q.Process.Close, { fd }, a.md);
    });
    const va = await anon(a.md, pinSize);
    await phase('pin', () => map(a, va, pinSize), false);
    await phase('unpin', () => unmap(a, pinSize));
    await phase('munmap', () => call(q.Process.Munmap, { addr: va.toString(), length: pinSize.toString() }, a.md));
    await call(q.Process.Exit, { pid: a.pid });

    // exit with everything held: memory.max touched (pinned a window at a time), the last window
    // still pinned, and a 2^52 memfd
    const b = await tenant(r, q);
    const mfd = (await call(q.Process.MemfdCreate, { name: 'sparse', flags: 0 }, b.md)).fd;
    await call(q.Process.Ftruncate, { fd: mfd, length: maxFile.toString() }, b.md);
    const vb = await anon(b.md, touchSize);
    const tf = performance.now();
    for (let off = 0n; off < touchSize; off += pinSize) {
      const len = touchSize - off < pinSize ? touchSize - off : pinSize;
      if (off > 0n) await unmap(b, pinSize);
      await map(b, vb + off, len);
    }
    metrics.fault_in_touched_ms = performance.now() - tf;
    await phase('exit', () => call(q.Process.Exit, { pid: b.pid }));
    // everything given back: the same pin works again at once
    const c = await tenant(r, q);
    const vc = await anon(c.md, pinSize);
    await phase('pin_again', () => map(c, vc, pinSize), false);
    await phase('exit_again', () => call(q.Process.Exit, { pid: c.pid }));

    all.sort((x, y) => x - y);
    metrics.target_ops_health_p50_ms = pct(all, 0.5);
    metrics.target_ops_health_p99_ms = pct(all, 0.99);
    metrics.target_ops_health_max_ms = all[all.length - 1] ?? 0;
    metrics.probe_failures = pr.failures;
    metrics.pinned_bytes = Number(pinSize);
    metrics.touched_bytes = Number(touchSize);
    ratio.health_p99_vs_target = metrics.target_ops_health_p99_ms / TARGET_P99_MS;
    ratio.health_p99_vs_idle = metrics.target_ops_health_p99_ms / Math.max(limit.idle_health_p99_ms, 0.001);
    ratio.pin_op_vs_bare_write_pass = metrics.pin_op_ms! / Math.max(bare.write, 0.001);
    ratio.unpin_settled_vs_bare_read_pass = metrics.unpin_settled_ms! / Math.max(bare.read, 0.001);
    notes.push(
      `tenant: built-in qemu (RLIMIT_MEMLOCK 64 GiB, memory.max 256 GiB); pinned ${Number(pinSize) / 2 ** 30} GiB of anonymous memory, exit holding ${(Number(touchSize) / 2 ** 30).toFixed(3)} GiB touched, memfd 2^52 bytes`,
    );
    notes.push(`probes: grpc.health.v1 Check every ${PROBE_MS} ms on a connection of their own, open loop; a phase counts the probes sent from its call until a following Ping is answered (deferred teardown done)`);
    notes.push('target_ops_*: the probes of truncate, unpin, munmap, exit and exit_again (pin is reported, not in the target)');
    if (opts.quick) notes.push('quick mode: 1 GiB pinned and 4 GiB touched instead of 64 and 256 GiB; costs are linear in pages, multiply op/settled times by 64 for the full size');
  } finally {
    await prober?.stop();
    root?.close();
    qemu?.close();
    await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'b10-stall', metrics, limit, ratio, notes };
}
