/**
 * In-process host rigs shared by the domain-level benchmarks (B3, B4, B8), the host-iommu + vmm
 * rigs of the vIOMMU benchmarks (B7, B7b, B7c) and small helpers.
 */
import type { IommufdCtx } from '../services/host-iommu/src/kernel/iommufd.js';
import type { VfioDeviceFile } from '../services/host-iommu/src/kernel/vfio.js';
import type { Host } from '../services/host-iommu/src/platform/host.js';
import type { Process } from '../services/host-iommu/src/process/process.js';
import { startHostServer } from '../services/host-iommu/src/main.js';
import { inProcessIoctls, inProcessProcessMemory } from '../services/host-iommu/src/transport/handlers.js';
import { startVmmServer } from '../services/vmm/src/main.js';
import { call, callMeta, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import type * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { measure, startCli, stopChild, type Child } from './lib.js';

export interface DeviceIoas {
  p: Process;
  ifd: number;
  ctx: IommufdCtx;
  vf: VfioDeviceFile;
  ioas: number;
  hwpt: number;
}

/**
 * A root process with /dev/iommu and `cdev` open, the device bound, and a fresh IOAS with the
 * device attached (an automatic paging HWPT). `beforeAttach` runs between IOAS_ALLOC and the
 * attach (e.g. IOMMU_OPTION_HUGE_PAGES).
 */
export function deviceIoas(host: Host, name: string, opts: { cdev?: string; beforeAttach?(ctx: IommufdCtx, p: Process, ioas: number): void } = {}): DeviceIoas {
  const p = host.spawn(host.principal('root'), name, 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const dfd = host.open(p, `/dev/vfio/devices/${opts.cdev ?? 'vfio0'}`, 2);
  const vf = host.vfioDevice(p, dfd);
  vf.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  opts.beforeAttach?.(ctx, p, ioas);
  const hwpt = vf.attach(p, 0, ioas, 0);
  return { p, ifd, ctx, vf, ioas, hwpt };
}

/** xorshift32: a deterministic 32-bit generator (never 0). */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The GC function (global.gc when node runs with --expose-gc, else enabled at run time). */
export function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The limits' page tables: plain 4-level radix tables, 512 Int32 entries per table (table 0 is
 * the root), -1 = empty, leaves hold the target frame; frames below 2^32 (16 TiB).
 */
export class RadixTables {
  pool: Int32Array;
  used = 1;

  constructor(initialTables = 64) {
    this.pool = new Int32Array(512 * initialTables).fill(-1);
  }

  private child(t: number, idx: number): number {
    const p = t * 512 + idx;
    let c = this.pool[p]!;
    if (c < 0) {
      if ((this.used + 1) * 512 > this.pool.length) {
        const g = new Int32Array(this.pool.length * 2).fill(-1);
        g.set(this.pool);
        this.pool = g;
      }
      c = this.used++;
      this.pool[p] = c;
    }
    return c;
  }

  map(pfn: number, to: number): void {
    let t = this.child(0, (pfn >>> 27) & 511);
    t = this.child(t, (pfn >>> 18) & 511);
    t = this.child(t, (pfn >>> 9) & 511);
    this.pool[t * 512 + (pfn & 511)] = to;
  }
}

/**
 * What libvirt does before StartVm: a root helper process opens `paths` and passes each into
 * the VM process `pid` (SCM_RIGHTS), then exits. Returns the fds as the VM process sees them.
 */
export async function passFds(root: HostClients, pid: number, paths: readonly string[]): Promise<number[]> {
  const orch = (await call(root.Process.Spawn, { name: 'libvirtd', lease_ms: 0 })).pid;
  const out: number[] = [];
  for (const path of paths) {
    const fd = (await call(root.Process.Open, { path, flags: 2 }, callMeta(orch))).fd;
    out.push((await call(root.Process.SendFd, { fd, target_pid: pid }, callMeta(orch))).target_fd);
    await call(root.Process.Close, { fd }, callMeta(orch));
  }
  await call(root.Process.Exit, { pid: orch });
  return out;
}

// ------------------------------------------------------------------ host-iommu + vmm rigs (B7*)

/**
 * The tokens of a vIOMMU bench tagged `tag` (b7, b7b, b7c): on the host `<tag>-root` (root),
 * `<tag>-qemu` (the vmm's host token) and `<tag>-platform`; on the vmm `<tag>-vmm` (root).
 */
export function rigTokens(tag: string) {
  return {
    host: { [`${tag}-root`]: 'root', [`${tag}-qemu`]: 'qemu', [`${tag}-platform`]: 'platform' } as Record<string, string>,
    vmm: { [`${tag}-vmm`]: 'root' } as Record<string, string>,
    root: `${tag}-root`,
    qemu: `${tag}-qemu`,
    platform: `${tag}-platform`,
    vmmRoot: `${tag}-vmm`,
  };
}

/** Clients of a rig: the vmm as its root, the host as root. */
export interface VmmRigClients {
  v: VmmClients;
  root: HostClients;
}

export interface InProcessVmmRig extends VmmRigClients {
  host: Awaited<ReturnType<typeof startHostServer>>;
  vmm: Awaited<ReturnType<typeof startVmmServer>>;
  /** the host's in-process Ioctls transport (absent when the vmm's Ioctls stream is gRPC) */
  ioctls?: ReturnType<typeof inProcessIoctls>;
}

/**
 * host-iommu (`profile`) and vmm servers in this process, the vmm's Ioctls stream and its guest
 * RAM calls on the in-process transport (as `iommu-twin up`) or, with `transport` 'grpc', on
 * loopback h2c; `body` runs with the rig, then clients, transports and servers are closed.
 */
export async function withInProcessVmmRig(tag: string, profile: string, transport: 'in-process' | 'grpc', body: (rig: InProcessVmmRig) => Promise<void>): Promise<void> {
  const tok = rigTokens(tag);
  const silent = pino({ level: 'silent' });
  const host = await startHostServer({ listen: '127.0.0.1:0', profile, tokens: tok.host, logger: silent });
  const inProc = transport === 'in-process';
  const ioctls = inProc ? inProcessIoctls(host.host, { resolveToken: (t) => host.tokens.resolveToken(t), logger: silent }) : undefined;
  const memory = inProc ? inProcessProcessMemory(host.host, { resolveToken: (t) => host.tokens.resolveToken(t), logger: silent }) : undefined;
  const vmm = await startVmmServer({
    listen: '127.0.0.1:0',
    host: host.addr,
    tokens: tok.vmm,
    hostToken: tok.qemu,
    hostPlatformToken: tok.platform,
    logger: silent,
    ...(ioctls ? { hostIoctls: (token: string, md: grpc.Metadata) => ioctls.open(token, md) } : {}),
    ...(memory ? { hostMemory: memory } : {}),
  });
  if (vmm.link.ioctlTransport !== transport) throw new Error(`vmm link uses ${vmm.link.ioctlTransport}, not ${transport}`);
  if (inProc && vmm.link.memoryTransport !== 'in-process') throw new Error(`vmm link memory uses ${vmm.link.memoryTransport}`);
  const v = createVmmClients(vmm.addr, { token: tok.vmmRoot, defaultDeadlineMs: 30_000 });
  const root = createClients(host.addr, { token: tok.root, defaultDeadlineMs: 30_000 });
  try {
    await body({ host, vmm, v, root, ...(ioctls ? { ioctls } : {}) });
  } finally {
    v.close();
    root.close();
    ioctls?.close();
    memory?.close();
    await vmm.close(500);
    await host.close(500);
  }
}

/**
 * host-iommu (`profile`, or the default one) and vmm as child processes of the CLI (`node
 * --import tsx services/cli/main.ts host|vmm`) on loopback, their token files in a temporary
 * directory; `body` runs with the clients, then the children are stopped and the directory removed.
 */
export async function withCliVmmRig(tag: string, profile: string | undefined, body: (rig: VmmRigClients) => Promise<void>): Promise<void> {
  const tok = rigTokens(tag);
  const dir = mkdtempSync(join(tmpdir(), `iommu-twin-${tag}-`));
  const hostTokens = join(dir, 'host.json');
  const vmmTokens = join(dir, 'vmm.json');
  writeFileSync(hostTokens, JSON.stringify(tok.host), { mode: 0o600 });
  writeFileSync(vmmTokens, JSON.stringify(tok.vmm), { mode: 0o600 });
  let host: Child | undefined;
  let vmm: Child | undefined;
  let v: VmmClients | undefined;
  let root: HostClients | undefined;
  try {
    host = await startCli(['host', '--listen', '127.0.0.1:0', ...(profile ? ['--profile', profile] : []), '--tokens', hostTokens], 'host-iommu');
    vmm = await startCli(['vmm', '--listen', '127.0.0.1:0', '--host', host.addr, '--tokens', vmmTokens, '--host-token', tok.qemu, '--host-platform-token', tok.platform], 'vmm');
    v = createVmmClients(vmm.addr, { token: tok.vmmRoot, defaultDeadlineMs: 30_000 });
    root = createClients(host.addr, { token: tok.root, defaultDeadlineMs: 30_000 });
    await body({ v, root });
  } finally {
    v?.close();
    root?.close();
    await stopChild(vmm);
    await stopChild(host);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The vmm's no-op RPC (Vmm.Ping). */
export function vmmPing(v: VmmClients): () => Promise<unknown> {
  return () => call(v.Vmm.Ping, { payload: Buffer.alloc(0) });
}

/**
 * The floor a rig's operations are compared with: a no-op call, one in flight, after 300 calls of
 * warm-up (at most `warmMs`): up to 1000 calls in 400 ms (`quick`), else 10 000 in 2 s.
 */
export async function noopFloor(op: () => Promise<unknown>, quick: boolean, warmMs: number): ReturnType<typeof measure> {
  await measure(op, 1, 300, warmMs);
  return measure(op, 1, quick ? 1000 : 10_000, quick ? 400 : 2000);
}
