/** In-process host rigs shared by the domain-level benchmarks (B3, B4, B8) and small helpers. */
import type { IommufdCtx } from '../services/host-iommu/src/kernel/iommufd.js';
import type { VfioDeviceFile } from '../services/host-iommu/src/kernel/vfio.js';
import type { Host } from '../services/host-iommu/src/platform/host.js';
import type { Process } from '../services/host-iommu/src/process/process.js';

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
