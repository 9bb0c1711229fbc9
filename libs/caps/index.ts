/**
 * The capability algebra of guest-visible vIOMMU configurations across hosts, as pure functions.
 *
 * Each host is reduced, per vIOMMU model, to what it alone can back for the units and reserved
 * regions that matter (the units behind the VM's assigned devices, or every unit with an
 * assignable device): its capability. A pool's baseline is the meet of its hosts' capabilities
 * (page sizes intersected, address widths and PASID widths at their minimum, a feature only
 * when every host has it, reserved regions united), turned into the richest guest-visible
 * ViommuSpec every host can back. What a host lacks is measured against the best host of the
 * pool: the host that bounds a setting lacks what another host has.
 *
 * Guest-visible values come from here and are checked against hosts elsewhere (the vmm's plug
 * checks); nothing here reads a running host. Decisions that keep the result migratable:
 *  - intel-iommu: caching mode always (assigned devices need it), x-flts (NESTED) only when
 *    every host nests with 1 GiB first-stage pages over iommufd (QEMU: x-flts is migratable,
 *    vtd_post_load replays the bindings), scalable mode / PASID / device-IOTLB only when every
 *    host's units have them natively;
 *  - SMMUv3: never accel (QEMU adds the blocker "Migration not supported with SMMUv3 accelerator
 *    mode enabled"), so QEMU's accel=off values (OAS 44, no SSID, RIL on, no ATS) and only
 *    virtio devices behind it; granules are the hosts' common ones;
 *  - virtio-iommu: QEMU's narrowing of page_size_mask by the hosts' masks, the input range cut
 *    to the smallest host aperture, the machine's MSI window plus every host reserved region as
 *    RESERVED.
 */
import { hex, u64 } from '#libs/u64/index.js';
import { getField32, getField64, SMMU_IDR0, SMMU_IDR1, SMMU_IDR3, SMMU_IDR5, VTD_ECAP } from '#libs/profile/hwinfo.js';
import type { DescribedUnit } from '#libs/profile/describe.js';
import type { ViommuSpec } from '#libs/rpc/gen/iommutwin/vmm/v1/ViommuSpec.js';

export type BaselineModel = 'VIRTIO_IOMMU' | 'INTEL_IOMMU' | 'SMMUV3';
export type Machine = 'q35' | 'virt';

/** A host IOMMU unit as Describe's IommuUnit gives it (the vmm's HostUnit and CapsUnit extend it). */
export interface DescribedUnitBasics {
  name: string;
  /** IommuType name: IOMMU_TYPE_INTEL_VTD, IOMMU_TYPE_ARM_SMMUV3, ... */
  type: string;
  /** Leaf sizes a paging domain supports: bit n = 2^n bytes. */
  pageSizes: bigint;
  inputBits: number;
  pasidBits: number;
  nesting: boolean;
}

/** One host IOMMU unit, as far as the guest-visible configurations care. */
export interface CapsUnit extends DescribedUnitBasics {
  ats: boolean;
  /** VT-d: scalable mode (ECAP.SMTS). */
  scalableMode: boolean;
  /** SMMUv3: what the ID registers say (absent when Describe carried none). */
  smmu?: { s1: boolean; oasBits: number; granules: number[]; ssidBits: number; ril: boolean; ats: boolean };
}

export interface CapsRegion {
  start: bigint;
  last: bigint;
  /** ReservedRegionType name (RESERVED_REGION_TYPE_MSI, ...). */
  type: string;
}

/** What counts of one host for a baseline: the units and reserved regions that matter. */
export interface CapsHost {
  name: string;
  arch: string;
  /** /dev/iommu exists (NESTED needs it). */
  iommufd: boolean;
  units: CapsUnit[];
  regions: CapsRegion[];
}

export interface Baseline {
  model: BaselineModel;
  machine: Machine;
  /** The richest ViommuSpec every host can back (wire form, usable as is in a VmSpec). */
  spec: ViommuSpec;
  /** Host name → what it lacks against the best host of the pool, or why it cannot back the model at all. */
  lacking: Map<string, string[]>;
  /** One line per setting: its value and what bounds it. */
  reasons: string[];
}

/** QEMU's SMMUv3 IDR5.OAS encodings. */
const OAS_BITS: readonly number[] = [32, 36, 40, 42, 44, 48, 52];
/** The machine's MSI doorbell window (QEMU: q35 0xfee00000-0xfeefffff, virt the GICv3 ITS frame). */
export const MACHINE_MSI_WINDOW: Readonly<Record<Machine, { start: bigint; end: bigint }>> = {
  q35: { start: 0xfee00000n, end: 0xfeefffffn },
  virt: { start: 0x08000000n, end: 0x080fffffn },
};
const ARCH_MACHINE: ReadonlyMap<string, Machine> = new Map([
  ['x86_64', 'q35'],
  ['aarch64', 'virt'],
]);

/** The size names of a page-size bitmap (4K|2M|1G). */
export function pageSizeNames(mask: bigint): string {
  const out: string[] = [];
  for (let b = 0n; b < 64n; b++) {
    if (((mask >> b) & 1n) === 0n) continue;
    const v = 1n << b;
    out.push(v >= 1n << 30n ? `${v >> 30n}G` : v >= 1n << 20n ? `${v >> 20n}M` : v >= 1n << 10n ? `${v >> 10n}K` : `${v}`);
  }
  return out.join('|') || 'none';
}

/** A Describe unit (wire form) as the algebra reads it; the SMMUv3 fields from its IDR images. */
export function unitCapsOf(u: Pick<DescribedUnit, 'name' | 'type' | 'page_sizes' | 'input_address_width' | 'pasid_bits' | 'nesting' | 'ats' | 'properties' | 'hw_info'>): CapsUnit {
  const type = String(u.type);
  const ecap = u.hw_info?.vtd?.ecap_reg;
  const scalableMode = u.properties?.['scalable_mode'] !== undefined ? u.properties['scalable_mode'] === 'true' : ecap !== undefined && ecap !== '' && getField64(BigInt(ecap), VTD_ECAP.SMTS) === 1;
  const out: CapsUnit = {
    name: u.name,
    type,
    pageSizes: BigInt(u.page_sizes as string),
    inputBits: u.input_address_width,
    pasidBits: u.pasid_bits,
    nesting: u.nesting,
    ats: u.ats,
    scalableMode: type === 'IOMMU_TYPE_INTEL_VTD' && scalableMode,
  };
  const idr = u.hw_info?.smmuv3?.idr;
  if (type === 'IOMMU_TYPE_ARM_SMMUV3' && idr && idr.length === 6) {
    const granules: number[] = [];
    if (getField32(idr[5]!, SMMU_IDR5.GRAN4K)) granules.push(4096);
    if (getField32(idr[5]!, SMMU_IDR5.GRAN16K)) granules.push(16384);
    if (getField32(idr[5]!, SMMU_IDR5.GRAN64K)) granules.push(65536);
    out.smmu = {
      s1: getField32(idr[0]!, SMMU_IDR0.S1P) === 1,
      oasBits: OAS_BITS[getField32(idr[5]!, SMMU_IDR5.OAS)] ?? 0,
      granules,
      ssidBits: getField32(idr[1]!, SMMU_IDR1.SSIDSIZE),
      ril: getField32(idr[3]!, SMMU_IDR3.RIL) === 1,
      ats: getField32(idr[0]!, SMMU_IDR0.ATS) === 1,
    };
  } else if (type === 'IOMMU_TYPE_ARM_SMMUV3') {
    // without ID registers: the summary fields and the `granules` property
    const granules = String(u.properties?.['granules'] ?? '')
      .split(',')
      .map((g) => Number(g))
      .filter((g) => g === 4096 || g === 16384 || g === 65536);
    out.smmu = { s1: u.nesting, oasBits: 0, granules, ssidBits: u.pasid_bits, ril: false, ats: u.ats };
  }
  return out;
}

/** The machine a model's VM runs on in a pool of `hosts` (virtio-iommu: the first host's arch). */
export function machineFor(model: BaselineModel, hosts: readonly CapsHost[]): Machine {
  if (model === 'INTEL_IOMMU') return 'q35';
  if (model === 'SMMUV3') return 'virt';
  return ARCH_MACHINE.get(hosts[0]?.arch ?? '') ?? 'q35';
}

/** A host of another architecture than the machine's cannot run the VM at all. */
function archProblem(h: CapsHost, machine: Machine): string | undefined {
  const want = machine === 'q35' ? 'x86_64' : 'aarch64';
  return h.arch === want ? undefined : `architecture ${h.arch}: a ${machine} VM runs on ${want} hosts only (no migration across architectures)`;
}

function addLack(m: Map<string, string[]>, host: string, what: string): void {
  const l = m.get(host);
  if (l) l.push(what);
  else m.set(host, [what]);
}

// ---------------------------------------------------------------------------------------------
// virtio-iommu

interface VirtioCap {
  pageSizes: bigint;
  inputBits: number;
}

function virtioCapOf(h: CapsHost): VirtioCap {
  let pageSizes = ~0n & ((1n << 64n) - 1n);
  let inputBits = 64;
  for (const u of h.units) {
    pageSizes &= u.pageSizes;
    inputBits = Math.min(inputBits, u.inputBits);
  }
  return { pageSizes, inputBits };
}

/**
 * Guest reserved regions: the machine's MSI window (T_MSI), then every host region (but
 * DIRECT_RELAXABLE, which the host lets a domain map over) outside it as RESERVED, overlapping or
 * adjacent ones merged, pieces overlapping the MSI window cut around it.
 */
export function guestReservedRegions(machine: Machine, regions: readonly CapsRegion[]): Array<{ start: bigint; end: bigint; subtype: 0 | 1 }> {
  const msi = MACHINE_MSI_WINDOW[machine];
  const extra = regions
    .filter((r) => r.type !== 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE' && !(r.start >= msi.start && r.last <= msi.end))
    .map((r) => ({ start: r.start, end: r.last }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Array<{ start: bigint; end: bigint }> = [];
  for (const r of extra) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1n) last.end = r.end > last.end ? r.end : last.end;
    else merged.push({ ...r });
  }
  const out: Array<{ start: bigint; end: bigint; subtype: 0 | 1 }> = [{ start: msi.start, end: msi.end, subtype: 1 }];
  for (const r of merged) {
    if (r.end < msi.start || r.start > msi.end) out.push({ ...r, subtype: 0 });
    else {
      if (r.start < msi.start) out.push({ start: r.start, end: msi.start - 1n, subtype: 0 });
      if (r.end > msi.end) out.push({ start: msi.end + 1n, end: r.end, subtype: 0 });
    }
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : 1));
}

function virtioBaseline(hosts: readonly CapsHost[], machine: Machine, lacking: Map<string, string[]>, reasons: string[]): ViommuSpec {
  const caps = hosts.map(virtioCapOf);
  const meet = caps.reduce((a, c) => ({ pageSizes: a.pageSizes & c.pageSizes, inputBits: Math.min(a.inputBits, c.inputBits) }));
  const best = caps.reduce((a, c) => ({ pageSizes: a.pageSizes | c.pageSizes, inputBits: Math.max(a.inputBits, c.inputBits) }));
  hosts.forEach((h, i) => {
    const c = caps[i]!;
    const missing = best.pageSizes & ~c.pageSizes;
    if (missing !== 0n) addLack(lacking, h.name, `page sizes ${pageSizeNames(missing)} (has ${pageSizeNames(c.pageSizes)})`);
    if (c.inputBits < best.inputBits) addLack(lacking, h.name, `a ${best.inputBits}-bit IOVA space (smallest aperture ${c.inputBits}-bit)`);
  });
  const bound = (pick: (c: VirtioCap) => boolean) => hosts.filter((_, i) => pick(caps[i]!)).map((h) => h.name).join(', ');
  let pageSizeMask = meet.pageSizes;
  if (pageSizeMask === 0n) {
    for (const h of hosts) addLack(lacking, h.name, 'a page size common to every host of the pool (the hosts share none)');
    pageSizeMask = 0x1000n;
    reasons.push('page_size_mask 4K: the hosts share no page size (no host can then back an assigned device)');
  } else {
    const bounding = bound((c) => c.pageSizes === meet.pageSizes);
    reasons.push(`page_size_mask ${hex(pageSizeMask)} (${pageSizeNames(pageSizeMask)}): the page sizes every host's units support${bounding ? ` (bounded by ${bounding})` : ''}`);
  }
  const inputEnd = meet.inputBits >= 64 ? (1n << 64n) - 1n : (1n << BigInt(meet.inputBits)) - 1n;
  reasons.push(`input_range [0, ${hex(inputEnd)}]: the smallest host aperture, ${meet.inputBits}-bit (${bound((c) => c.inputBits === meet.inputBits)})`);
  const regions = guestReservedRegions(
    machine,
    hosts.flatMap((h) => h.regions),
  );
  reasons.push(`reserved_regions: the ${machine} MSI window${regions.length > 1 ? ` and ${regions.length - 1} RESERVED range(s) covering the hosts' reserved regions` : ', which covers every host reserved region'}`);
  return {
    model: 'VIOMMU_MODEL_VIRTIO_IOMMU',
    virtio: {
      page_size_mask: u64(pageSizeMask),
      input_range: { start: '0', last: u64(inputEnd) },
      reserved_regions: regions.map((r) => ({ start: u64(r.start), end: u64(r.end), subtype: r.subtype })),
      reserved_regions_set: true,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// intel-iommu

interface IntelCap {
  /** 48, 39 or 0 (cannot back intel-iommu's smallest width) */
  awBits: number;
  scalable: boolean;
  pasidBits: number;
  /** x-flts: every unit a nesting VT-d with 1 GiB pages, over iommufd */
  flts: boolean;
  ats: boolean;
}

function intelCapOf(h: CapsHost): IntelCap & { problems: string[] } {
  const problems: string[] = [];
  let inputBits = 64;
  let scalable = true;
  let pasidBits = 20;
  let flts = h.iommufd;
  let ats = true;
  for (const u of h.units) {
    if (u.type !== 'IOMMU_TYPE_INTEL_VTD') {
      problems.push(`unit ${u.name} is ${u.type.replace('IOMMU_TYPE_', '')}, not VT-d: intel-iommu's assigned devices need a VT-d host`);
      continue;
    }
    inputBits = Math.min(inputBits, u.inputBits);
    scalable &&= u.scalableMode;
    pasidBits = Math.min(pasidBits, u.pasidBits);
    flts &&= u.nesting && (u.pageSizes & (1n << 30n)) !== 0n;
    ats &&= u.ats;
    if ((u.pageSizes & 0x1000n) === 0n) problems.push(`unit ${u.name} has no 4 KiB page, the VT-d page`);
  }
  const awBits = inputBits >= 48 ? 48 : inputBits >= 39 ? 39 : 0;
  if (awBits === 0) problems.push(`a ${inputBits}-bit IOVA space: intel-iommu's smallest aw-bits is 39`);
  if (!scalable) pasidBits = 0;
  return { awBits, scalable, pasidBits, flts: flts && scalable && awBits === 48, ats, problems };
}

function intelBaseline(hosts: readonly CapsHost[], lacking: Map<string, string[]>, reasons: string[]): ViommuSpec {
  const caps = hosts.map(intelCapOf);
  const all = (f: (c: IntelCap) => boolean) => caps.every(f);
  const any = (f: (c: IntelCap) => boolean) => caps.some(f);
  const names = (f: (c: IntelCap) => boolean) => hosts.filter((_, i) => f(caps[i]!)).map((h) => h.name).join(', ');
  hosts.forEach((h, i) => {
    for (const p of caps[i]!.problems) addLack(lacking, h.name, p);
  });
  const usable = caps.filter((c) => c.awBits > 0);
  const minAw = usable.length > 0 ? Math.min(...usable.map((c) => c.awBits)) : 39;
  const maxAw = Math.max(...caps.map((c) => c.awBits));
  const scalable = all((c) => c.scalable);
  const flts = all((c) => c.flts);
  const pasidBits = scalable ? Math.min(...caps.map((c) => c.pasidBits)) : 0;
  // QEMU: "PASID based device IOTLB is not supported" — device-iotlb only without PASID
  const deviceIotlb = all((c) => c.ats) && pasidBits === 0;
  const maxPasidBits = Math.max(...caps.map((x) => x.pasidBits));
  hosts.forEach((h, i) => {
    const c = caps[i]!;
    if (c.awBits > 0 && c.awBits < maxAw) addLack(lacking, h.name, `aw-bits ${maxAw} (its VT-d is ${c.awBits}-bit)`);
    if (!c.scalable && any((x) => x.scalable)) addLack(lacking, h.name, 'scalable mode (a unit is legacy-mode only)');
    if (c.pasidBits < maxPasidBits && c.scalable) addLack(lacking, h.name, `${maxPasidBits}-bit PASIDs (has ${c.pasidBits})`);
    else if (!c.scalable && any((x) => x.pasidBits > 0)) addLack(lacking, h.name, 'PASID');
    if (!c.flts && any((x) => x.flts)) addLack(lacking, h.name, 'first-stage nesting for x-flts (NESTED: a nesting VT-d with 1 GiB pages, over iommufd)');
    if (!c.ats && any((x) => x.ats)) addLack(lacking, h.name, 'ATS (device-iotlb)');
  });
  reasons.push(`aw_bits ${minAw}: the narrowest host VT-d${minAw < maxAw ? ` (${names((c) => c.awBits === minAw)})` : ''}`);
  reasons.push('caching_mode on: assigned devices behind intel-iommu need it (QEMU: "Device assignment is not allowed without enabling caching-mode=on")');
  reasons.push(scalable ? "scalable_mode on: every host unit is scalable-mode" : `scalable_mode off: a legacy-mode unit on ${names((c) => !c.scalable)}`);
  reasons.push(flts ? 'flts on (NESTED): every host nests VT-d first-stage tables (QEMU migrates x-flts: vtd_post_load replays the bindings)' : `flts off (EMULATED, shadowed by the vmm): ${names((c) => !c.flts)} cannot nest`);
  reasons.push(pasidBits > 0 ? `pasid_bits ${pasidBits}: the narrowest host PASID width` : 'pasid_bits 0: no PASID on some host (or no scalable mode)');
  reasons.push(deviceIotlb ? 'device_iotlb on: every host unit has ATS' : 'device_iotlb off: a host unit lacks ATS, or PASIDs are offered (QEMU refuses PASID-based device IOTLB)');
  return {
    model: 'VIOMMU_MODEL_INTEL_IOMMU',
    intel: { aw_bits: minAw, caching_mode: true, scalable_mode: scalable, flts, pasid_bits: pasidBits, device_iotlb: deviceIotlb, dma_drain: true, snoop_control: false },
  };
}

// ---------------------------------------------------------------------------------------------
// SMMUv3

function smmuBaseline(hosts: readonly CapsHost[], lacking: Map<string, string[]>, reasons: string[]): ViommuSpec {
  const granulesOf = (h: CapsHost): Set<number> => {
    let s = new Set([4096, 16384, 65536]);
    for (const u of h.units) {
      if (u.type !== 'IOMMU_TYPE_ARM_SMMUV3' || !u.smmu) continue;
      s = new Set([...s].filter((g) => u.smmu!.granules.includes(g)));
    }
    return s;
  };
  const per = hosts.map(granulesOf);
  const union = new Set(per.flatMap((s) => [...s]));
  let common = [...union].filter((g) => per.every((s) => s.has(g))).sort((a, b) => a - b);
  const nests = hosts.map((h) => h.iommufd && h.units.length > 0 && h.units.every((u) => u.type === 'IOMMU_TYPE_ARM_SMMUV3' && u.nesting && (u.smmu?.s1 ?? false)));
  hosts.forEach((h, i) => {
    for (const u of h.units) if (u.type !== 'IOMMU_TYPE_ARM_SMMUV3') addLack(lacking, h.name, `unit ${u.name} is ${u.type.replace('IOMMU_TYPE_', '')}, not an SMMUv3`);
    const missing = [...union].filter((g) => !per[i]!.has(g)).sort((a, b) => a - b);
    if (missing.length > 0) addLack(lacking, h.name, `translation granules ${missing.map((g) => `${g >> 10}K`).join('|')}`);
    if (!nests[i] && nests.some(Boolean)) addLack(lacking, h.name, 'stage-1 nesting through an iommufd vIOMMU (accel=on), which would assign devices behind the SMMUv3 (accel blocks migration anyway)');
  });
  if (common.length === 0) {
    for (const h of hosts) addLack(lacking, h.name, 'a translation granule common to every host of the pool');
    common = [4096];
  }
  reasons.push('accel off: QEMU blocks migration with accel=on ("Migration not supported with SMMUv3 accelerator mode enabled"), so only virtio devices sit behind the SMMUv3 (assigned devices need accel)');
  reasons.push('oas 44, ssidsize 0, ril on, ats off: QEMU\'s only values with accel=off');
  reasons.push(`granules ${common.map((g) => `${g >> 10}K`).join('|')}: the translation granules every host's SMMUv3 offers`);
  return {
    model: 'VIOMMU_MODEL_SMMUV3',
    smmuv3: { accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: common, stage: 'SMMUV3_STAGE_1' },
  };
}

/**
 * The baseline of `model` over `hosts` (at least one): the richest guest-visible ViommuSpec every
 * host can back, what each host lacks, and the reason for each setting.
 */
export function baselineOf(model: BaselineModel, hosts: readonly CapsHost[]): Baseline {
  if (hosts.length === 0) throw new RangeError('a baseline needs at least one host');
  const machine = machineFor(model, hosts);
  const lacking = new Map<string, string[]>();
  const reasons: string[] = [];
  // hosts of another architecture take no part in the meet (they cannot run the VM at all)
  const same: CapsHost[] = [];
  for (const h of hosts) {
    const p = archProblem(h, machine);
    if (p) addLack(lacking, h.name, p);
    else same.push(h);
    if (h.units.length === 0) addLack(lacking, h.name, 'an IOMMU unit with an assignable (vfio-pci) device');
  }
  const pool = same.length > 0 ? same : hosts;
  const spec = model === 'VIRTIO_IOMMU' ? virtioBaseline(pool, machine, lacking, reasons) : model === 'INTEL_IOMMU' ? intelBaseline(pool, lacking, reasons) : smmuBaseline(pool, lacking, reasons);
  return { model, machine, spec, lacking, reasons };
}
