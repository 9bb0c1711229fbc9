/** In-process host rigs shared by the domain-level benchmarks (B3, B4, B8) and small helpers. */
import type { IommufdCtx } from '../services/host-iommu/src/kernel/iommufd.js';
import type { VfioDeviceFile } from '../services/host-iommu/src/kernel/vfio.js';
import type { Host } from '../services/host-iommu/src/platform/host.js';
import type { Process } from '../services/host-iommu/src/process/process.js';
import { call, callMeta, type HostClients } from '#libs/rpc/client.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
