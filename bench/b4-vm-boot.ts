/**
 * B4 — large-range IOAS_MAP ("VM boot"): 16 GiB as 4 KiB IOPTEs, 16 GiB as 2 MiB, 1 TiB as
 * 1 GiB, then unmap all, through the kernel model in-process (pin + account + real page-table
 * writes). Anchors (VFIO type1, real kernel): 0.25 s (4 KiB), 0.03 s (2 MiB), 0.01 s (1 GiB).
 */
import { Host } from '../services/host-iommu/src/platform/host.js';
import { loadProfile } from '../services/host-iommu/src/platform/profile.js';
import type { BenchResult } from './types.js';

const GiB = 1n << 30n;
const MFD_HUGETLB = 0x4;
const MFD_HUGE_2MB = 21 << 26;
const MFD_HUGE_1GB = 30 << 26;

interface Case {
  label: string;
  bytes: bigint;
  memfdFlags: number;
  hugePages: boolean;
  /** bytes of the real format's tables for this mapping (all levels) */
  realTableBytes: (bytes: bigint) => bigint;
}

/** VT-d SS 4-level: tables from the leaf level up to the root, 512 entries per 4 KiB table. */
function realBytes(bytes: bigint, leafShift: bigint): bigint {
  const levels = leafShift === 12n ? 4 : leafShift === 21n ? 3 : 2;
  let entries = bytes >> leafShift;
  let total = 0n;
  for (let l = 0; l < levels; l++) {
    const tables = (entries + 511n) / 512n;
    total += tables * 4096n;
    entries = tables;
  }
  return total;
}

function runCase(c: Case): { mapS: number; unmapS: number; tableBytes: number; leaves: Record<string, number>; pinned: number } {
  const profile = { ...loadProfile('intel-vtd'), ramBytes: 4n << 40n };
  const host = new Host(profile);
  const root = host.principal('root');
  const p = host.spawn(root, 'b4', 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const dfd = host.open(p, '/dev/vfio/devices/vfio0', 2);
  const vf = host.vfioDevice(p, dfd);
  vf.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  if (!c.hugePages) ctx.option(p, 1, 0, ioas, 0n);
  const hwpt = vf.attach(p, 0, ioas, 0);
  const mfd = host.memfdCreate(p, 'guest-ram', c.memfdFlags);
  host.ftruncate(p, mfd, c.bytes);
  const va = host.mmap(p, { addr: 0n, length: c.bytes, prot: 3, flags: 1, fd: mfd, offset: 0n });
  const iova = c.bytes >= (1n << 40n) ? 1n << 40n : 1n << 32n;
  const t0 = performance.now();
  ctx.ioasMap(p, 7, ioas, va, c.bytes, iova);
  const t1 = performance.now();
  const ins = host.inspect({ kind: 'object', process: p, fd: ifd, id: hwpt });
  const pt = ins.pageTables[0]!;
  const leaves: Record<string, number> = {};
  for (const l of pt.leaves) if (l.count > 0) leaves[String(l.pageSize)] = l.count;
  const pinned = p.pinnedPages;
  const t2 = performance.now();
  ctx.ioasUnmap(ioas, 0n, (1n << 64n) - 1n);
  const t3 = performance.now();
  if (p.pinnedPages !== 0) throw new Error('pages left pinned after unmap');
  host.exit(p);
  return { mapS: (t1 - t0) / 1000, unmapS: (t3 - t2) / 1000, tableBytes: Number(pt.tableBytes), leaves, pinned };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const scale = opts.quick ? 16n : 1n; // quick: 1 GiB / 1 GiB / 64 GiB
  const cases: Case[] = [
    { label: '4k', bytes: (16n * GiB) / scale, memfdFlags: 0, hugePages: false, realTableBytes: (b) => realBytes(b, 12n) },
    { label: '2m', bytes: (16n * GiB) / scale, memfdFlags: MFD_HUGETLB | MFD_HUGE_2MB, hugePages: true, realTableBytes: (b) => realBytes(b, 21n) },
    { label: '1g', bytes: (1024n * GiB) / scale, memfdFlags: MFD_HUGETLB | MFD_HUGE_1GB, hugePages: true, realTableBytes: (b) => realBytes(b, 30n) },
  ];
  const metrics: Record<string, number> = {};
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const notes: string[] = [];
  const anchors: Record<string, number> = { '4k': 0.25, '2m': 0.03, '1g': 0.01 };
  const targets: Record<string, number> = { '4k': 0.5, '2m': 0.01, '1g': 0.005 };
  for (const c of cases) {
    runCase({ ...c, bytes: c.bytes / 64n }); // warm-up at 1/64 size
    const r = runCase(c);
    const gib = Number(c.bytes) / 2 ** 30;
    const size = `${gib}GiB@${c.label}`;
    metrics[`${size}_map_s`] = r.mapS;
    metrics[`${size}_unmap_s`] = r.unmapS;
    metrics[`${size}_table_bytes_per_gib`] = r.tableBytes / gib;
    metrics[`${size}_pinned_pages`] = r.pinned;
    const real = Number(c.realTableBytes(c.bytes));
    limit[`${size}_real_format_table_bytes_per_gib`] = real / gib;
    ratio[`${size}_table_bytes_vs_real_format`] = r.tableBytes / real;
    limit[`anchor_vfio_16GiB@${c.label}_map_s`] = anchors[c.label]!;
    ratio[`${size}_map_vs_target_${targets[c.label]}s`] = r.mapS / (targets[c.label]! / Number(scale));
    notes.push(`${size}: leaves ${JSON.stringify(r.leaves)}`);
  }
  notes.push('4 KiB case forces PAGE_SIZE IOPTEs with IOMMU_OPTION_HUGE_PAGES=0 (as the kernel selftests do); 2 MiB / 1 GiB cases use MFD_HUGETLB memfds');
  if (opts.quick) notes.push('quick mode: sizes divided by 16; target ratios scaled accordingly');
  return { name: 'b4-vm-boot', metrics, limit, ratio, notes };
}
