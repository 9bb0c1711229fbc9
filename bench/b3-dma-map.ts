/**
 * B3 — the kernel's dma_map_benchmark, in process (spec/benchmarks.md row B3).
 *
 * dma_map_benchmark times dma_map_single / dma_unmap_single of a kernel buffer: no pinning (the
 * memory is kernel memory), an IOVA allocation, the PTE install, and for a strict unmap the IOTLB
 * invalidation plus sync, then the IOVA free. The corresponding path of the model, on a real
 * paging domain (HWPT_PAGING, auto domain of vfio0's attachment) of intel-vtd's dmar0 and of
 * arm-smmuv3's smmu0:
 *
 *   map   = IOVA allocation (libs/ranges allocIova: the placement search of iopt_alloc_iova over
 *           the domain's reserved ranges and the live mappings) + insert into the mapping tree
 *           + HwptDomain.mapArea (page-table writes in the unit's format, libs/pgtable)
 *   unmap = HwptDomain.unmapArea (PTE clear + IOTLB range invalidation, libs/iotlb: strict) +
 *           removal from the mapping tree (the IOVA free)
 *
 * The "kernel buffer" is a run of frames pinned once up front (an IoasMap of a memfd into the
 * IOAS at a high IOVA), as dma_map_single maps memory that is already resident. Granules of 1
 * page (4 KiB) and 256 pages (1 MiB), one engine thread. Each sample is timed on its own with
 * performance.now(); avg/σ are reported as the kernel tool does, plus p50/p99.
 *
 * Lazy mode (flush queue: unmap only enqueues the invalidation) is not modelled: every unmap of
 * the model invalidates synchronously (strict), so only strict is reported.
 *
 * A separate line, the full iommufd path: IoasMap with automatic IOVA + IoasUnmap of 4 KiB on an
 * IOAS with a device attached (pinning, accounting, area and pages objects included): what a
 * user of the uAPI pays per pair, not what dma_map_benchmark measures.
 */
import { Host } from '../services/host-iommu/src/platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import type { IommufdCtx } from '../services/host-iommu/src/kernel/iommufd.js';
import type { HwptDomain } from '../services/host-iommu/src/kernel/hw_pagetable.js';
import type { Area } from '../services/host-iommu/src/kernel/ioas.js';
import type { Process } from '../services/host-iommu/src/process/process.js';
import { allocIova, NonOverlappingMap } from '#libs/ranges/index.js';
import { pct } from './lib.js';
import { deviceIoas } from './rig.js';
import type { BenchResult } from './types.js';

const MAP_RW = (1 << 1) | (1 << 2); // IOMMU_IOAS_MAP_WRITEABLE | READABLE
const FIXED = 1 << 0;
const BUF_IOVA = 1n << 40n; // where the pinned "kernel buffer" sits in the IOAS (out of the way)

interface Rig {
  host: Host;
  p: Process;
  ctx: IommufdCtx;
  ioas: number;
  domain: HwptDomain;
  va: bigint;
  buf: Area;
}

function rig(profileName: string, bufPages: number): Rig {
  const host = new Host(loadProfile(profileName));
  const { p, ctx, ioas, hwpt } = deviceIoas(host, 'b3');
  const domain = ctx.getHwptPaging(hwpt).domain;
  const bytes = BigInt(bufPages) * 4096n;
  const mfd = host.memfdCreate(p, 'kbuf', 0);
  host.ftruncate(p, mfd, bytes * 2n);
  const va = host.mmap(p, { addr: 0n, length: bytes * 2n, prot: 3, flags: 1, fd: mfd, offset: 0n });
  ctx.ioasMap(p, MAP_RW | FIXED, ioas, va, bytes, BUF_IOVA); // pinned once: the resident buffer
  const buf = ctx.getIoas(ioas).iopt.areas.find(BUF_IOVA)!.value;
  return { host, p, ctx, ioas, domain, va, buf };
}

interface Lat {
  avg: number;
  sd: number;
  p50: number;
  p99: number;
}

function stats(xs: Float64Array, n: number): Lat {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const avg = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - avg) ** 2;
  const sorted = Array.from(xs.subarray(0, n)).sort((a, b) => a - b);
  return { avg, sd: Math.sqrt(v / n), p50: pct(sorted, 0.5), p99: pct(sorted, 0.99) };
}

type PairStats = { map: Lat; unmap: Lat; pair: Lat; pairsPerS: number; n: number };

/**
 * Up to `iters` map/unmap pairs within `maxMs`: `map(n)` is timed, then `unmap` of what it
 * returned; latencies in µs.
 */
function pairLoop<T>(iters: number, maxMs: number, map: (n: number) => T, unmap: (m: T) => void): PairStats {
  const mapT = new Float64Array(iters);
  const unmapT = new Float64Array(iters);
  const pairT = new Float64Array(iters);
  const t0 = performance.now();
  let n = 0;
  while (n < iters && performance.now() - t0 < maxMs) {
    const a = performance.now();
    const m = map(n);
    const b = performance.now();
    unmap(m);
    const c = performance.now();
    mapT[n] = (b - a) * 1000;
    unmapT[n] = (c - b) * 1000;
    pairT[n] = (c - a) * 1000;
    n++;
  }
  const secs = (performance.now() - t0) / 1000;
  return { map: stats(mapT, n), unmap: stats(unmapT, n), pair: stats(pairT, n), pairsPerS: n / secs, n };
}

/**
 * The domain-level pair: IOVA alloc + PTE writes of `granule` pages (map), PTE clear + strict
 * IOTLB invalidation + IOVA free (unmap), over the resident buffer.
 */
function domainLoop(r: Rig, granule: number, iters: number, maxMs: number): PairStats {
  const iopt = r.ctx.getIoas(r.ioas).iopt;
  const live = new NonOverlappingMap<Area>(); // the DMA API's IOVA space of this domain
  const occupied = [live, iopt.reserved, iopt.areas];
  const length = BigInt(granule) * 4096n;
  const bufPages = r.buf.pages.npages;
  const res = pairLoop(
    iters,
    maxMs,
    (n) => {
      const iova = allocIova({ length, alignment: length, pageOffset: 0n, occupied });
      if (iova === undefined) throw new Error('B3: IOVA space exhausted');
      const area: Area = {
        iova,
        last: iova + length - 1n,
        pages: r.buf.pages,
        pageIndex: (n * granule) % (bufPages - granule + 1),
        pageOffset: 0,
        prot: 3,
        pinned: true,
      };
      const node = live.insert(iova, area.last, area);
      r.domain.mapArea(area, 12);
      return { area, node };
    },
    ({ area, node }) => {
      r.domain.unmapArea(area);
      live.remove(node);
    },
  );
  if (live.size !== 0) throw new Error('B3: mappings left behind');
  return res;
}

/** IoasMap (automatic IOVA) + IoasUnmap of 4 KiB, pinning included; latencies in µs. */
function iommufdLoop(r: Rig, iters: number, maxMs: number): PairStats {
  const pagesBefore = r.p.pinnedPages;
  const res = pairLoop(
    iters,
    maxMs,
    (n) => r.ctx.ioasMap(r.p, MAP_RW, r.ioas, r.va + BigInt(n % 256) * 4096n, 4096n, 0n),
    (iova) => void r.ctx.ioasUnmap(r.ioas, iova, 4096n),
  );
  if (r.p.pinnedPages !== pagesBefore) throw new Error('B3: pins leaked by the iommufd loop');
  return res;
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const iters = opts.quick ? 20_000 : 300_000;
  const maxMs = opts.quick ? 1_500 : 10_000;
  const metrics: Record<string, number> = {};
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const notes: string[] = [];
  const put = (key: string, l: Lat) => {
    metrics[`${key}_avg_us`] = l.avg;
    metrics[`${key}_sd_us`] = l.sd;
    metrics[`${key}_p50_us`] = l.p50;
    metrics[`${key}_p99_us`] = l.p99;
  };
  for (const [profile, unit] of [['intel-vtd', 'dmar0'], ['arm-smmuv3', 'smmu0']] as const) {
    const r = rig(profile, 512);
    if (r.domain.unit.spec.name !== unit) throw new Error(`B3: vfio0 of ${profile} is not on ${unit}`);
    for (const granule of [1, 256]) {
      const its = granule === 1 ? iters : Math.ceil(iters / 20);
      domainLoop(r, granule, Math.min(its, 5_000), 500); // warm-up
      const m = domainLoop(r, granule, its, maxMs);
      const key = `${unit}_strict_g${granule}`;
      put(`${key}_map`, m.map);
      put(`${key}_unmap`, m.unmap);
      metrics[`${key}_pair_p50_us`] = m.pair.p50;
      metrics[`${key}_pair_p99_us`] = m.pair.p99;
      metrics[`${key}_pairs_per_s`] = m.pairsPerS;
      metrics[`${key}_samples`] = m.n;
      if (granule === 1) {
        ratio[`${unit}_strict_4k_pair_p50_vs_target_2us`] = m.pair.p50 / 2;
        ratio[`${unit}_strict_4k_pair_p99_vs_p50`] = m.pair.p99 / m.pair.p50;
      } else {
        ratio[`${unit}_strict_1m_unmap_avg_vs_target_30us`] = m.unmap.avg / 30;
      }
    }
    const fi = opts.quick ? 5_000 : 100_000;
    iommufdLoop(r, Math.min(fi, 2_000), 500); // warm-up
    const f = iommufdLoop(r, fi, maxMs);
    const key = `${unit}_iommufd_ioasmap_auto_4k`;
    put(`${key}_map`, f.map);
    put(`${key}_unmap`, f.unmap);
    metrics[`${key}_pair_p50_us`] = f.pair.p50;
    metrics[`${key}_pair_p99_us`] = f.pair.p99;
    metrics[`${key}_pairs_per_s`] = f.pairsPerS;
    r.host.exit(r.p);
    await r.host.quiesce();
  }
  limit['anchor_smmuv3_strict_4k_map_us'] = 0.1;
  limit['anchor_smmuv3_strict_4k_unmap_us_lo'] = 0.6;
  limit['anchor_smmuv3_strict_4k_unmap_us_hi'] = 1.8;
  limit['target_strict_4k_pair_p50_us'] = 2;
  notes.push('domain level: allocIova + area-tree insert + HwptDomain.mapArea / unmapArea (PTE clear + strict IOTLB range invalidation) + tree remove, on the auto domain of vfio0 (a resident pinned buffer, as dma_map_single of kernel memory)');
  notes.push('lazy (flush-queue) unmap is not modelled: every model unmap invalidates synchronously, so only strict is reported');
  notes.push('iommufd line: IoasMap with automatic IOVA + IoasUnmap of 4 KiB on an IOAS with a device attached (pin, account, area, page table, invalidation): the uAPI cost per pair, not the dma_map_benchmark path');
  notes.push('one engine thread (no 2-worker variant: the model is single-threaded)');
  if (opts.quick) notes.push(`quick mode: ${iters} 4 KiB pairs per unit, ${maxMs} ms cap per loop`);
  return { name: 'b3-dma-map', metrics, limit, ratio, notes };
}
