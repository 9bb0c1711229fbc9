/**
 * VM configuration: the wire VmSpec normalised into domain types and validated. Everything the
 * guest can see comes from here (or its documented defaults), never from the host.
 */
import { MACHINE_MSI_WINDOW, type Machine } from '#libs/caps/index.js';
import { DomainError } from '#libs/errno/index.js';
import type { IntelIommuConfig } from '../viommu/intel-iommu/caps.js';
import { parseU64 } from '#libs/u64/index.js';
import type { VirtioIommuConfig } from '../viommu/virtio-iommu.js';
import { SMMU_MMIO, type Smmuv3Config } from '../viommu/smmuv3/types.js';

export type ViommuModel = 'NONE' | 'VIRTIO_IOMMU' | 'INTEL_IOMMU' | 'SMMUV3';
export type { Machine } from '#libs/caps/index.js';

/** Guest-visible virtio-iommu settings: exactly the device model's configuration. */
export type VirtioIommuSettings = VirtioIommuConfig;

export interface VirtioDeviceConfig {
  kind: 'virtio';
  id: string;
  guestBdf: string;
  endpointId: number;
  type: 'net' | 'blk';
  accessPlatform: boolean;
}

export interface VfioDeviceConfig {
  kind: 'vfio';
  id: string;
  guestBdf: string;
  endpointId: number;
  hostBdf: string;
  iommufd: string;
  backend: 'AUTO' | 'EMULATED' | 'NESTED';
  /** QEMU's legacy VFIO path: group + type1 container instead of an iommufd object (`iommufd` is '') */
  legacyContainer: boolean;
  /**
   * The device's BARs must be reachable by the VM's other assigned devices (peer-to-peer): its
   * guest BAR ranges are mapped into their DMA address space, or the VM is refused
   */
  p2p?: boolean;
  /** a passed fd: the device cdev (iommufd path) or the device's VFIO group (legacy_container) */
  fd?: number;
}

export type DeviceConfig = VirtioDeviceConfig | VfioDeviceConfig;

/** Guest-visible intel-iommu settings, validated as QEMU's vtd_decide_config checks them: the model's configuration. */
export type IntelIommuSettings = IntelIommuConfig;

/** The guest-physical register block of the DMAR unit on q35 (QEMU's Q35_HOST_BRIDGE_IOMMU_ADDR). */
export const VTD_MMIO = { base: 0xfed90000n, size: 0x1000n } as const;

/** Guest-visible SMMUv3 settings, validated as QEMU's smmu_validate_property checks them: the model's configuration. */
export type Smmuv3Settings = Smmuv3Config;

/** The guest-physical register block of the SMMUv3 on virt (QEMU's VIRT_SMMU, SMMU_IO_LEN). */
export { SMMU_MMIO };

/** QEMU's SMMU_SSID_MAX_BITS: the widest `ssidsize`. */
export const SMMU_SSID_MAX_BITS = 20;

/** The widest PASID the model offers (ECAP.PSS is 5 bits: PASID width - 1 ≤ 19). */
export const VTD_MAX_PASID_BITS = 20;

export interface VmConfig {
  name: string;
  memoryBytes: bigint;
  machine: Machine;
  viommu: { model: ViommuModel; virtio?: VirtioIommuSettings; intel?: IntelIommuSettings; smmuv3?: Smmuv3Settings };
  iommufdObjects: Array<{ id: string; fd?: number }>;
  devices: DeviceConfig[];
}

/** virtio-iommu feature bits offered by default (QEMU's set, never legacy F_BYPASS). */
export const DEFAULT_VIRTIO_IOMMU_FEATURES =
  (1n << 0n) | (1n << 1n) | (1n << 2n) | (1n << 4n) | (1n << 5n) | (1n << 6n);

/** The machine's MSI doorbell window: defined with the capability algebra, which offers it to guests too. */
export { MACHINE_MSI_WINDOW };

function bad(reason: string, message: string, field: string): DomainError {
  return new DomainError('INVALID_ARGUMENT', reason, message, { field });
}

function enumName(v: unknown, prefix: string): string {
  const s = String(v ?? '');
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

/**
 * VM names and the ids of its devices and iommufd objects (they key passed_fds and QEMU-style
 * `id=`): 1-63 characters of [A-Za-z0-9_.-], starting with a letter or digit, so no id can be
 * `__proto__` or another name with a meaning of its own.
 */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function parseBdf(s: string, field: string): { domain: number; bus: number; dev: number; fn: number } {
  const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(s);
  if (!m) throw bad('BAD_BDF', `${field}: '${s}' is not a PCI address DDDD:BB:DD.F`, field);
  const dev = parseInt(m[3]!, 16);
  if (dev > 31) throw bad('BAD_BDF', `${field}: device number ${dev} > 31`, field);
  return { domain: parseInt(m[1]!, 16), bus: parseInt(m[2]!, 16), dev, fn: parseInt(m[4]!, 10) };
}

export function formatBdf(bus: number, dev: number, fn: number): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `0000:${h(bus, 2)}:${h(dev, 2)}.${fn}`;
}

/** virtio-iommu endpoint ID of a guest BDF: bus << 8 | devfn. */
export function endpointOf(bdf: string): number {
  const b = parseBdf(bdf, 'guest_bdf');
  return (b.bus << 8) | (b.dev << 3) | b.fn;
}

/** Parse and validate a wire VmSpec (the generated __Output shape, u64 as strings). */
export function parseVmSpec(spec: any): VmConfig {
  if (!spec) throw bad('EMPTY_SPEC', 'spec is required', 'spec');
  const name = String(spec.name ?? '');
  if (!ID_RE.test(name)) throw bad('BAD_NAME', `spec.name '${name.slice(0, 64)}': 1-63 chars of [A-Za-z0-9_.-], starting with a letter or digit`, 'spec.name');
  const memoryBytes = parseU64(spec.memory_bytes, 'spec.memory_bytes');
  if (memoryBytes === 0n || memoryBytes % (2n << 20n) !== 0n) throw bad('BAD_MEMORY', 'spec.memory_bytes must be a non-zero multiple of 2 MiB', 'spec.memory_bytes');
  if (memoryBytes > 1n << 40n) throw bad('BAD_MEMORY', 'spec.memory_bytes above 1 TiB', 'spec.memory_bytes');
  const machine = (spec.machine || 'q35') as string;
  if (machine !== 'q35' && machine !== 'virt') throw bad('BAD_MACHINE', `spec.machine '${machine}': q35 or virt`, 'spec.machine');
  const model = enumName(spec.viommu?.model, 'VIOMMU_MODEL_') || 'NONE';
  if (!['NONE', 'VIRTIO_IOMMU', 'INTEL_IOMMU', 'SMMUV3', 'UNSPECIFIED'].includes(model)) throw bad('BAD_VIOMMU', `unknown vIOMMU model ${model}`, 'spec.viommu.model');
  const viommu: VmConfig['viommu'] = { model: (model === 'UNSPECIFIED' ? 'NONE' : model) as ViommuModel };
  if (viommu.model === 'VIRTIO_IOMMU') viommu.virtio = parseVirtioIommu(spec.viommu?.virtio ?? {}, machine as Machine);
  if (viommu.model === 'INTEL_IOMMU') viommu.intel = parseIntelIommu(spec.viommu?.intel ?? {}, machine as Machine);
  if (viommu.model === 'SMMUV3') viommu.smmuv3 = parseSmmuv3(spec.viommu?.smmuv3 ?? {}, machine as Machine);

  const iommufdObjects: VmConfig['iommufdObjects'] = [];
  const seenObj = new Set<string>();
  for (const [i, o] of (spec.iommufd_objects ?? []).entries()) {
    const id = String(o.id ?? '');
    if (!ID_RE.test(id)) throw bad('BAD_OBJECT', `spec.iommufd_objects[${i}].id '${id.slice(0, 64)}': 1-63 chars of [A-Za-z0-9_.-], starting with a letter or digit`, `spec.iommufd_objects[${i}].id`);
    if (seenObj.has(id)) throw bad('DUPLICATE_ID', `spec.iommufd_objects[${i}].id '${id}' is used twice`, `spec.iommufd_objects[${i}].id`);
    seenObj.add(id);
    iommufdObjects.push({ id, ...(o.fd !== undefined && o.fd !== null ? { fd: o.fd } : {}) });
  }

  const devices: DeviceConfig[] = [];
  const used = new Set<string>();
  const ids = new Set<string>(seenObj);
  for (const [i, d] of (spec.devices ?? []).entries()) devices.push(parseDevice(d, `spec.devices[${i}]`, ids, used, iommufdObjects, viommu));
  assignBdfs(devices, used);
  return { name, memoryBytes, machine: machine as Machine, viommu, iommufdObjects, devices };
}

export function parseVirtioIommu(v: any, machine: Machine): VirtioIommuSettings {
  const pageSizeMask = v.page_size_mask !== undefined && v.page_size_mask !== null ? parseU64(v.page_size_mask, 'page_size_mask') : 0xfffffffffffff000n;
  if (pageSizeMask === 0n) throw bad('BAD_VIOMMU', 'viommu.virtio.page_size_mask must have at least one bit set', 'spec.viommu.virtio.page_size_mask');
  const inputRange = v.input_range
    ? { start: parseU64(v.input_range.start, 'input_range.start'), end: parseU64(v.input_range.last, 'input_range.end') }
    : { start: 0n, end: (1n << 48n) - 1n };
  if (inputRange.start > inputRange.end) throw bad('BAD_VIOMMU', 'viommu.virtio.input_range start > end', 'spec.viommu.virtio.input_range');
  const domainRange = { start: v.domain_range_start ?? 0, end: v.domain_range_end ?? 0xffffffff };
  if (domainRange.start > domainRange.end) throw bad('BAD_VIOMMU', 'viommu.virtio.domain_range start > end', 'spec.viommu.virtio.domain_range');
  const probeSize = v.probe_size ?? 512;
  if (probeSize < 4 || probeSize % 4 !== 0 || probeSize > 65536) throw bad('BAD_VIOMMU', 'viommu.virtio.probe_size must be a multiple of 4 in [4, 65536]', 'spec.viommu.virtio.probe_size');
  const regions = v.reserved_regions_set || (v.reserved_regions ?? []).length > 0
    ? (v.reserved_regions ?? []).map((r: any, i: number) => {
        const start = parseU64(r.start, `reserved_regions[${i}].start`);
        const end = parseU64(r.end, `reserved_regions[${i}].end`);
        if (start > end) throw bad('BAD_VIOMMU', `reserved_regions[${i}]: start > end`, `spec.viommu.virtio.reserved_regions[${i}]`);
        if (r.subtype !== 0 && r.subtype !== 1) throw bad('BAD_VIOMMU', `reserved_regions[${i}]: subtype must be 0 (RESERVED) or 1 (MSI)`, `spec.viommu.virtio.reserved_regions[${i}]`);
        return { start, end, subtype: r.subtype as 0 | 1 };
      })
    : [{ ...MACHINE_MSI_WINDOW[machine], subtype: 1 as const }];
  const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.start <= sorted[i - 1]!.end) throw bad('BAD_VIOMMU', 'viommu.virtio.reserved_regions overlap', 'spec.viommu.virtio.reserved_regions');
  if (sorted.filter((r) => r.subtype === 1).length > 1) throw bad('BAD_VIOMMU', 'at most one MSI reserved region', 'spec.viommu.virtio.reserved_regions');
  const offered = v.offered_features && v.offered_features !== '0' ? parseU64(v.offered_features, 'offered_features') : DEFAULT_VIRTIO_IOMMU_FEATURES;
  return {
    pageSizeMask,
    inputRange,
    domainRange,
    probeSize,
    bootBypass: v.boot_bypass ?? true,
    reservedRegions: sorted,
    offeredFeatures: offered,
  };
}

/**
 * intel-iommu settings with QEMU's defaults (aw-bits 48, dma-drain on, everything else off) and
 * QEMU's realize checks (vtd_decide_config; x86_iommu realize for the machine). QEMU stops at the
 * first failed check; the twin lists every violation in one INVALID_ARGUMENT BAD_VIOMMU, in
 * QEMU's check order, each with QEMU's message.
 */
export function parseIntelIommu(v: any, machine: Machine): IntelIommuSettings {
  const awRaw = Number(v.aw_bits ?? 0);
  const scalableMode = !!v.scalable_mode;
  const flts = !!v.flts;
  const pasidBits = Number(v.pasid_bits ?? 0);
  const deviceIotlb = !!v.device_iotlb;
  const dmaDrain = v.dma_drain === undefined || v.dma_drain === null ? true : !!v.dma_drain;
  const aw = awRaw === 0 ? 48 : awRaw;
  const violations: Array<{ field: string; detail: string }> = [];
  const f = (field: string, detail: string) => violations.push({ field: `spec.viommu.intel.${field}`, detail });
  if (machine !== 'q35') violations.push({ field: 'spec.machine', detail: `intel-iommu is a q35 device: machine '${machine}' has no DMAR unit (QEMU: 'intel-iommu' is not a valid device model name)` });
  if (flts && !scalableMode) f('flts', 'x-flts is only available in scalable mode');
  if (!flts && aw !== 39 && aw !== 48) f('aw_bits', `${scalableMode ? 'Scalable mode(flts=off)' : 'Legacy mode'}: supported values for aw-bits are: 39, 48 (got ${awRaw})`);
  if (flts && aw !== 48) f('aw_bits', `Scalable mode(flts=on): supported value for aw-bits is: 48 (got ${awRaw})`);
  if (scalableMode && !dmaDrain) f('dma_drain', 'Need to set dma_drain for scalable mode');
  if (pasidBits !== 0 && !scalableMode) f('pasid_bits', 'Need to set scalable mode for PASID');
  if (!Number.isInteger(pasidBits) || pasidBits < 0 || pasidBits > VTD_MAX_PASID_BITS) f('pasid_bits', `pasid_bits ${pasidBits}: 0 (no PASID) or 1-${VTD_MAX_PASID_BITS}`);
  if (pasidBits !== 0 && deviceIotlb) f('pasid_bits', 'PASID based device IOTLB is not supported');
  if (violations.length > 0) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_VIOMMU', `intel-iommu configuration refused: ${violations.map((x) => `${x.field}: ${x.detail}`).join('; ')}`, {
      field: violations[0]!.field,
      violations: JSON.stringify(violations),
      count: String(violations.length),
    });
  }
  return { awBits: aw as 39 | 48, cachingMode: !!v.caching_mode, scalableMode, flts, pasidBits, deviceIotlb, dmaDrain, snoopControl: !!v.snoop_control };
}

const SMMU_GRANULES: ReadonlyMap<number, keyof Smmuv3Config['granules']> = new Map<number, keyof Smmuv3Config['granules']>([
  [4096, 'g4k'],
  [16384, 'g16k'],
  [65536, 'g64k'],
]);

const SMMU_STAGES: ReadonlyMap<string, Smmuv3Config['stage']> = new Map<string, Smmuv3Config['stage']>([
  ['', 1],
  ['UNSPECIFIED', 1],
  ['1', 1],
  ['2', 2],
  ['NESTED', 'nested'],
]);

/**
 * SMMUv3 settings with QEMU's defaults (stage 1, oas 44, ssidsize 0, ril on, ats off; the twin
 * adds `granules`, default all three) and QEMU's realize checks (smmu_validate_property; the
 * unit is a virt device). QEMU stops at the first failed check; the twin lists every violation
 * in one INVALID_ARGUMENT BAD_VIOMMU, in QEMU's check order, each with QEMU's message.
 */
export function parseSmmuv3(v: any, machine: Machine): Smmuv3Settings {
  const accel = !!v.accel;
  const oasRaw = Number(v.oas ?? 0);
  const oas = oasRaw === 0 ? 44 : oasRaw;
  const ssidsize = Number(v.ssidsize ?? 0);
  const ril = v.ril === undefined || v.ril === null ? true : !!v.ril;
  const ats = !!v.ats;
  const stageName = enumName(v.stage ?? '', 'SMMUV3_STAGE_');
  const stage = SMMU_STAGES.get(stageName);
  const violations: Array<{ field: string; detail: string }> = [];
  const f = (field: string, detail: string) => violations.push({ field: `spec.viommu.smmuv3.${field}`, detail });
  if (machine !== 'virt') violations.push({ field: 'spec.machine', detail: `arm-smmuv3 is a virt device: machine '${machine}' has no SMMUv3 (QEMU: the virt machine creates it, at 0x${SMMU_MMIO.base.toString(16)})` });
  if (stage === undefined) f('stage', `stage '${String(v.stage).slice(0, 32)}': SMMUV3_STAGE_1, SMMUV3_STAGE_2 or SMMUV3_STAGE_NESTED`);
  if (!accel) {
    // smmu_validate_property, accel=off
    if (!ril) f('ril', 'ril can only be disabled if accel=on');
    if (ats) f('ats', 'ats can only be enabled if accel=on');
    if (oas !== 44) f('oas', `OAS must be 44 bits when accel=off (got ${oasRaw})`);
    if (ssidsize !== 0) f('ssidsize', `ssidsize can only be set if accel=on (got ${ssidsize})`);
  } else {
    // smmu_validate_property, accel=on
    if (stage !== undefined && stage !== 1) f('stage', 'Only stage1 is supported for SMMUv3 with accel=on');
    if (oas !== 44 && oas !== 48) f('oas', `OAS can only be set to 44 or 48 bits (got ${oasRaw})`);
    if (!Number.isInteger(ssidsize) || ssidsize < 0 || ssidsize > SMMU_SSID_MAX_BITS) f('ssidsize', `ssidsize must be in the range 0 to ${SMMU_SSID_MAX_BITS} (got ${ssidsize})`);
  }
  // granules: the twin's own setting (QEMU always offers all three)
  const granules = { g4k: false, g16k: false, g64k: false };
  const listed: unknown[] = Array.isArray(v.granules) ? v.granules : [];
  for (const [i, g] of listed.entries()) {
    const key = SMMU_GRANULES.get(Number(g));
    if (key === undefined) f(`granules[${i}]`, `granule ${String(g).slice(0, 24)}: 4096, 16384 or 65536 bytes`);
    else if (granules[key]) f(`granules[${i}]`, `granule ${String(g)} is listed twice`);
    else granules[key] = true;
  }
  if (listed.length === 0) Object.assign(granules, { g4k: true, g16k: true, g64k: true });
  if (violations.length > 0) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_VIOMMU', `arm-smmuv3 configuration refused: ${violations.map((x) => `${x.field}: ${x.detail}`).join('; ')}`, {
      field: violations[0]!.field,
      violations: JSON.stringify(violations),
      count: String(violations.length),
    });
  }
  return { stage: stage!, accel, oas: oas as 44 | 48, ssidsize, ril, ats, granules };
}

export function parseDevice(d: any, path: string, ids: Set<string>, usedBdfs: Set<string>, objs: VmConfig['iommufdObjects'], viommu?: VmConfig['viommu']): DeviceConfig {
  const id = String(d?.id ?? '');
  if (!ID_RE.test(id)) throw bad('BAD_DEVICE', `${path}.id '${id.slice(0, 64)}': 1-63 chars of [A-Za-z0-9_.-], starting with a letter or digit`, `${path}.id`);
  if (ids.has(id)) throw bad('DUPLICATE_ID', `${path}.id '${id}' is used twice`, `${path}.id`);
  ids.add(id);
  let guestBdf = String(d.guest_bdf ?? '');
  if (guestBdf) {
    const b = parseBdf(guestBdf, `${path}.guest_bdf`);
    guestBdf = formatBdf(b.bus, b.dev, b.fn);
    if (usedBdfs.has(guestBdf)) throw bad('DUPLICATE_BDF', `${path}.guest_bdf ${guestBdf} is used twice`, `${path}.guest_bdf`);
    usedBdfs.add(guestBdf);
  }
  if (d.kind === 'virtio' || d.virtio) {
    const type = enumName(d.virtio?.type, 'VIRTIO_DEVICE_TYPE_');
    if (type !== 'NET' && type !== 'BLK') throw bad('BAD_DEVICE', `${path}.virtio.type must be NET or BLK`, `${path}.virtio.type`);
    // QEMU smmuv3_accel_supports_as: with accel=on only vfio-pci devices with an iommufd backend
    // (and bridges / root ports) may sit behind the SMMU; an emulated endpoint fails to realize
    if (viommu?.model === 'SMMUV3' && viommu.smmuv3?.accel) {
      throw bad('BAD_DEVICE', `${path}: Emulated endpoint devices are not allowed when using arm-smmuv3,accel=on`, path);
    }
    return { kind: 'virtio', id, guestBdf, endpointId: guestBdf ? endpointOf(guestBdf) : -1, type: type === 'NET' ? 'net' : 'blk', accessPlatform: !!d.virtio.access_platform };
  }
  if (d.kind === 'vfio' || d.vfio) {
    const v = d.vfio;
    const hostBdf = String(v.host_bdf ?? '');
    const hb = parseBdf(hostBdf, `${path}.vfio.host_bdf`);
    const backend = enumName(v.backend, 'VFIO_BACKEND_') || 'AUTO';
    if (!['AUTO', 'EMULATED', 'NESTED', 'UNSPECIFIED'].includes(backend)) throw bad('BAD_DEVICE', `${path}.vfio.backend ${backend}`, `${path}.vfio.backend`);
    const legacy = !!v.legacy_container;
    if (legacy) {
      // QEMU: vfio-pci takes the legacy container path exactly when it has no iommufd= link;
      // NESTED (x-flts, SMMUv3 accel) needs an iommufd backend
      if (String(v.iommufd ?? '') !== '') throw bad('BAD_DEVICE', `${path}.vfio: legacy_container and iommufd '${String(v.iommufd).slice(0, 64)}' are exclusive (a vfio-pci device uses the legacy container exactly when it has no iommufd object)`, `${path}.vfio.legacy_container`);
      if (backend === 'NESTED') throw bad('BAD_DEVICE', `${path}.vfio.backend NESTED needs an iommufd backend: the legacy container has no nested translation`, `${path}.vfio.backend`);
      if (viommu?.model === 'INTEL_IOMMU' && viommu.intel?.flts) throw bad('BAD_DEVICE', `${path}: Need IOMMUFD backend when x-flts=on`, `${path}.vfio.legacy_container`);
      if (viommu?.model === 'SMMUV3' && viommu.smmuv3?.accel) throw bad('BAD_DEVICE', `${path}: arm-smmuv3 accel=on takes vfio-pci devices with an iommufd backend only (QEMU smmuv3_accel_supports_as); the legacy container cannot back them`, `${path}.vfio.legacy_container`);
    }
    // NESTED: intel-iommu with x-flts (the guest's first-stage tables bound on the host,
    // backends/vtd-nested.ts) and SMMUv3 with accel (the guest's STEs installed on the host's
    // vIOMMU, backends/smmu-accel.ts); virtio-iommu and NONE have no guest page-table format a
    // host could walk
    if (backend === 'NESTED' && viommu?.model !== 'INTEL_IOMMU' && viommu?.model !== 'SMMUV3') {
      throw new DomainError('UNIMPLEMENTED', 'NOT_MODELLED', `${path}: the NESTED backend is built for intel-iommu with flts and SMMUv3 with accel only (vIOMMU model ${viommu?.model ?? 'NONE'}); use EMULATED`, { feature: 'NESTED' });
    }
    if (backend === 'NESTED' && viommu?.model === 'SMMUV3' && !viommu.smmuv3?.accel) {
      throw bad('BAD_DEVICE', `${path}.vfio.backend NESTED needs SMMUv3 accel=on: the host nests the guest's STEs only through an iommufd vIOMMU (IOMMU_VIOMMU_TYPE_ARM_SMMUV3), which accel creates`, `${path}.vfio.backend`);
    }
    if (backend === 'NESTED' && viommu?.model === 'INTEL_IOMMU' && !viommu.intel?.flts) {
      throw bad('BAD_DEVICE', `${path}.vfio.backend NESTED needs intel-iommu flts (x-flts=on, scalable mode): host VT-d nesting takes the guest's first-stage tables only (IOMMU_HWPT_DATA_VTD_S1), and without flts the guest's tables are second-stage`, `${path}.vfio.backend`);
    }
    if (v.p2p && viommu && viommu.model !== 'NONE') {
      // behind a vIOMMU a peer's BAR is reached through a guest MAP of its GPA (QEMU propagates
      // ram_device translations); the twin maps BARs for system memory only
      throw new DomainError('UNIMPLEMENTED', 'NOT_MODELLED', `${path}.vfio.p2p: P2P behind a vIOMMU (${viommu.model}) is not modelled; the twin maps peer BARs into the DMA space of system memory (vIOMMU NONE)`, { feature: 'p2p' });
    }
    const iommufd = legacy ? '' : String(v.iommufd ?? '');
    if (!legacy && !objs.some((o) => o.id === iommufd)) throw bad('UNKNOWN_IOMMUFD', `${path}.vfio.iommufd '${iommufd}' names no iommufd object`, `${path}.vfio.iommufd`);
    return {
      kind: 'vfio',
      id,
      guestBdf,
      endpointId: guestBdf ? endpointOf(guestBdf) : -1,
      hostBdf: `${hb.domain.toString(16).padStart(4, '0')}${formatBdf(hb.bus, hb.dev, hb.fn).slice(4)}`,
      iommufd,
      backend: backend === 'UNSPECIFIED' ? 'AUTO' : (backend as 'AUTO' | 'EMULATED' | 'NESTED'),
      legacyContainer: legacy,
      p2p: !!v.p2p,
      ...(v.fd !== undefined && v.fd !== null ? { fd: v.fd } : {}),
    };
  }
  throw bad('BAD_DEVICE', `${path} must be a virtio or a vfio device`, path);
}

/** Devices without a guest BDF take the next free slot on bus 0 from 00:03.0 (00:02.0 is the vIOMMU). */
export function assignBdfs(devices: DeviceConfig[], used: Set<string>): void {
  let slot = 3;
  for (const d of devices) {
    if (d.guestBdf) continue;
    while (used.has(formatBdf(0, slot, 0))) slot++;
    if (slot > 31) throw bad('NO_SLOT', 'no free PCI slot on bus 0', 'spec.devices');
    d.guestBdf = formatBdf(0, slot, 0);
    used.add(d.guestBdf);
    d.endpointId = endpointOf(d.guestBdf);
  }
}
