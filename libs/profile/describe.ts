/**
 * Platform.Describe of a host profile: the DescribeResponse a freshly started host-iommu built
 * from that profile answers, minus what only a running host knows (its boot id, where firmware
 * put the BARs). host-iommu's Describe starts from it and adds those runtime parts; the vmm's
 * ComputeBaseline reads profiles through it, so a profile and a live host's Describe output are
 * one shape. Also the reader of Describe's JSON form (what `ctl describe --json` prints, or the
 * proto3 JSON mapping with lowerCamelCase names), validated field by field.
 */
import { DomainError } from '#libs/errno/index.js';
import { u64, U64_MAX } from '#libs/u64/index.js';
import { resvTypeNumber, type DeviceMigration, type HostProfile } from './profile.js';
import { decodeSmmuv3, decodeVtd, encodeHwInfo } from './hwinfo.js';

/** VFIO_DEVICE_FEATURE_MIGRATION flags (include/uapi/linux/vfio.h, struct vfio_device_feature_migration). */
export const VFIO_MIGRATION_STOP_COPY = 1 << 0;
export const VFIO_MIGRATION_P2P = 1 << 1;
export const VFIO_MIGRATION_PRE_COPY = 1 << 2;

/**
 * ReservedRegionType names of the wire contract, in IOMMU_RESV_* order: numbered from
 * RESV_WIRE_FIRST on in the proto enum (0 is RESERVED_REGION_TYPE_UNSPECIFIED, not a region type).
 */
export const RESV_WIRE_NAMES: readonly string[] = [
  'RESERVED_REGION_TYPE_DIRECT',
  'RESERVED_REGION_TYPE_DIRECT_RELAXABLE',
  'RESERVED_REGION_TYPE_RESERVED',
  'RESERVED_REGION_TYPE_MSI',
  'RESERVED_REGION_TYPE_SW_MSI',
];
/** The proto number of RESV_WIRE_NAMES[0] (RESERVED_REGION_TYPE_DIRECT = 1). */
const RESV_WIRE_FIRST = 1;

const IOMMU_TYPE_WIRE: Readonly<Record<'vtd' | 'smmuv3', string>> = { vtd: 'IOMMU_TYPE_INTEL_VTD', smmuv3: 'IOMMU_TYPE_ARM_SMMUV3' };

/** The VFIO_DEVICE_FEATURE_MIGRATION flags a device's profile `migration` makes it report (0: none). */
export function migrationFlagsOf(m: DeviceMigration | undefined): number {
  if (!m || !m.stopCopy) return 0;
  return VFIO_MIGRATION_STOP_COPY | (m.p2p ? VFIO_MIGRATION_P2P : 0) | (m.preCopy ? VFIO_MIGRATION_PRE_COPY : 0);
}

/** One BAR as Describe reports it (`addr`: where the running host placed it; 0 in a static description). */
export interface DescribedBar {
  index: number;
  size: string;
  addr: string;
  prefetchable: boolean;
  mem64: boolean;
}
export interface DescribedRegion {
  start: string;
  last: string;
  type: string;
}
export interface DescribedDevice {
  bdf: string;
  cdev: string;
  group: number;
  unit: string;
  description: string;
  bars: DescribedBar[];
  ats: boolean;
  pri: boolean;
  pasid_bits: number;
  driver: string;
  reserved_regions: DescribedRegion[];
  present: boolean;
  bar_decode: boolean;
  rid: number;
  migration_flags: number;
  migration_state_bytes: string;
  dma_logging: boolean;
}
export interface DescribedUnit {
  name: string;
  type: string;
  hw_info?: { type: number; data: Buffer; vtd?: { flags: number; cap_reg: string; ecap_reg: string }; smmuv3?: { flags: number; idr: number[]; iidr: number; aidr: number } };
  capabilities: string;
  page_sizes: string;
  input_address_width: number;
  output_address_width: number;
  pasid_bits: number;
  nesting: boolean;
  hwpt_data_types: number[];
  viommu_types: number[];
  dirty_tracking: boolean;
  page_requests: boolean;
  ats: boolean;
  properties: Record<string, string>;
}
export interface DescribedKernel {
  iommufd: boolean;
  vfio_compat_container: boolean;
  native_type1: boolean;
  dmabuf_p2p: boolean;
  iommufd_fault: boolean;
  viommu: boolean;
}
/** A DescribeResponse (the generated message's field names; u64 as decimal strings, enums by name). */
export interface HostDescribe {
  name: string;
  arch: string;
  profile: string;
  ram_bytes: string;
  boot_id: string;
  kernel_features: DescribedKernel;
  units: DescribedUnit[];
  devices: DescribedDevice[];
  groups: Array<{ id: number; unit: string; devices: string[]; viable: boolean }>;
}

/** `b`'s bytes as a Buffer over the same memory (no copy): what a proto `bytes` field carries. */
export function bytes(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The static Platform.Describe of `prof`: everything as a host freshly started from it reports
 * it (drivers as the profile binds them, every device present and decoding its BARs, groups
 * viable unless a member is host-owned), with an empty boot id and BAR addresses 0.
 */
export function describeProfile(prof: HostProfile): HostDescribe {
  const groups = new Map<number, { id: number; unit: string; devices: string[]; viable: boolean }>();
  for (const d of prof.devices) {
    let g = groups.get(d.group);
    if (!g) groups.set(d.group, (g = { id: d.group, unit: d.iommu, devices: [], viable: true }));
    g.devices.push(d.bdf);
    // VFIO_GROUP_FLAGS_VIABLE: every member bound to vfio-pci or to no driver
    if (d.driver === 'host') g.viable = false;
  }
  return {
    name: prof.name,
    arch: prof.arch,
    profile: prof.name,
    ram_bytes: u64(prof.ramBytes),
    boot_id: '',
    kernel_features: {
      iommufd: prof.kernel.iommufd,
      vfio_compat_container: prof.kernel.vfioCompatContainer,
      native_type1: prof.kernel.nativeType1,
      dmabuf_p2p: prof.kernel.dmabufP2p,
      iommufd_fault: prof.kernel.iommufdFault,
      viommu: prof.kernel.viommu,
    },
    units: prof.iommus.map((s): DescribedUnit => {
      const anyDev = prof.devices.find((d) => d.iommu === s.name);
      const hw = anyDev ? encodeHwInfo(s, { ...anyDev, pasidBits: s.pasidBits }) : undefined;
      return {
        name: s.name,
        type: IOMMU_TYPE_WIRE[s.type],
        ...(hw ? { hw_info: { type: hw.type, data: bytes(hw.data), ...(hw.type === 1 ? { vtd: vtdView(hw.data) } : { smmuv3: smmuView(hw.data) }) } } : {}),
        capabilities: u64(hw?.capabilities ?? 0n),
        page_sizes: u64(s.pageSizes.reduce((a, b) => a | b, 0n)),
        input_address_width: s.inputBits,
        output_address_width: s.outputBits,
        pasid_bits: s.pasidBits,
        nesting: s.nesting,
        hwpt_data_types: s.nesting ? [s.type === 'vtd' ? 1 : 2] : [],
        viommu_types: s.nesting && s.type === 'smmuv3' ? [1] : [],
        dirty_tracking: s.dirtyTracking,
        page_requests: s.prs,
        ats: s.ats,
        properties: { scalable_mode: String(s.scalableMode), granules: s.granules.join(','), iotlb_entries: String(s.iotlbEntries) },
      };
    }),
    devices: prof.devices.map((d): DescribedDevice => ({
      bdf: d.bdf,
      cdev: d.cdev ?? '',
      group: d.group,
      unit: d.iommu,
      description: d.description,
      bars: d.bars.map((b) => ({ index: b.index, size: u64(b.size), addr: '0', prefetchable: b.prefetchable, mem64: b.is64 })),
      ats: d.ats,
      pri: d.pri,
      pasid_bits: d.pasidBits,
      driver: d.driver,
      reserved_regions: d.reservedRegions.map((r) => ({ start: u64(r.start), last: u64(r.last), type: RESV_WIRE_NAMES[resvTypeNumber(r.type)]! })),
      present: true,
      bar_decode: true,
      rid: d.rid,
      migration_flags: migrationFlagsOf(d.migration),
      migration_state_bytes: u64(d.migration?.stateBytes ?? 0n),
      dma_logging: d.dmaLogging ?? false,
    })),
    groups: [...groups.values()],
  };
}

/** HwInfo.vtd: the decoded view of a struct iommu_hw_info_vtd (Describe, GetHwInfo). */
export function vtdView(data: Uint8Array) {
  const v = decodeVtd(data);
  return { flags: v.flags, cap_reg: u64(v.capReg), ecap_reg: u64(v.ecapReg) };
}
/** HwInfo.smmuv3: the decoded view of a struct iommu_hw_info_arm_smmuv3 (Describe, GetHwInfo). */
export function smmuView(data: Uint8Array) {
  const v = decodeSmmuv3(data);
  return { flags: v.flags, idr: [...v.idr], iidr: v.iidr, aidr: v.aidr };
}

// ---------------------------------------------------------------------------------------------
// Describe's JSON form

/** lowerCamelCase → snake_case (the proto3 JSON mapping's names back to the proto's). */
function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Bounds of a Describe document (costs follow what the caller sends only up to these). */
const MAX_UNITS = 256;
const MAX_DEVICES = 1024;
const MAX_REGIONS = 64;
const MAX_BARS = 6;

class Reader {
  readonly problems: string[] = [];
  fail(path: string, what: string): void {
    if (this.problems.length < 20) this.problems.push(`${path}: ${what}`);
  }
  obj(v: unknown, path: string): Map<string, unknown> | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.fail(path, 'not an object');
      return undefined;
    }
    const m = new Map<string, unknown>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(snake(k), x);
    return m;
  }
  list(m: Map<string, unknown> | undefined, key: string, path: string, max: number): unknown[] {
    const v = m?.get(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.fail(`${path}.${key}`, 'not a list');
      return [];
    }
    if (v.length > max) {
      this.fail(`${path}.${key}`, `${v.length} entries (at most ${max})`);
      return [];
    }
    return v;
  }
  str(m: Map<string, unknown> | undefined, key: string, path: string, required = false): string {
    const v = m?.get(key);
    if (v === undefined || v === null) {
      if (required) this.fail(`${path}.${key}`, 'missing');
      return '';
    }
    if (typeof v !== 'string') {
      this.fail(`${path}.${key}`, 'not a string');
      return '';
    }
    if (required && v === '') this.fail(`${path}.${key}`, 'empty');
    return v.slice(0, 256);
  }
  bool(m: Map<string, unknown> | undefined, key: string, path: string): boolean {
    const v = m?.get(key);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(`${path}.${key}`, 'not a boolean');
    return v === true;
  }
  uint(m: Map<string, unknown> | undefined, key: string, path: string, max = 0xffffffff): number {
    const v = m?.get(key);
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      this.fail(`${path}.${key}`, `not an integer in [0, ${max}]`);
      return 0;
    }
    return v;
  }
  u64(m: Map<string, unknown> | undefined, key: string, path: string): string {
    const v = m?.get(key);
    if (v === undefined || v === null) return '0';
    const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v : undefined;
    if (text === undefined || !/^(0|[1-9][0-9]{0,19}|0x[0-9a-fA-F]{1,16})$/.test(text) || BigInt(text) > U64_MAX) {
      this.fail(`${path}.${key}`, 'not a u64 (a decimal string or a safe integer)');
      return '0';
    }
    return BigInt(text).toString();
  }
  /**
   * An enum given by name (with or without its type prefix) or by number: `names` are the enum's
   * accepted values from the one numbered `first` on (a value before it is refused by number as
   * by name).
   */
  enumName(m: Map<string, unknown> | undefined, key: string, path: string, names: readonly string[], prefix: string, required = false, first = 0): string {
    const v = m?.get(key);
    if (v === undefined || v === null) {
      if (required) this.fail(`${path}.${key}`, 'missing');
      return names[0]!;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= first && v - first < names.length) return names[v - first]!;
    if (typeof v === 'string') {
      const full = v.startsWith(prefix) ? v : prefix + v;
      if (names.includes(full)) return full;
    }
    this.fail(`${path}.${key}`, `'${String(v).slice(0, 40)}' is not one of ${names.join(', ')}`);
    return names[0]!;
  }
}

const IOMMU_TYPES: readonly string[] = ['IOMMU_TYPE_UNSPECIFIED', 'IOMMU_TYPE_INTEL_VTD', 'IOMMU_TYPE_ARM_SMMUV3', 'IOMMU_TYPE_AMD_VI'];

/**
 * A Describe output given as JSON text (snake_case as `ctl describe --json` prints it, or the
 * proto3 JSON mapping's lowerCamelCase), validated: INVALID_ARGUMENT BAD_HOST listing every
 * problem with its path (at most 20) when a field is missing or of the wrong kind, a device names
 * an unknown unit or two devices share a BDF.
 */
export function parseDescribeJson(text: string, source: string): HostDescribe {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_HOST', `${source}: not JSON: ${(e as Error).message}`, { host: source });
  }
  const r = new Reader();
  const top = r.obj(doc, '$');
  if (!top) throw new DomainError('INVALID_ARGUMENT', 'BAD_HOST', `${source}: a Describe output is a JSON object`, { host: source });
  const kf = r.obj(top.get('kernel_features'), '$.kernel_features');
  if (!kf) r.fail('$.kernel_features', 'missing');
  const units = r.list(top, 'units', '$', MAX_UNITS).map((u, i): DescribedUnit => {
    const p = `$.units[${i}]`;
    const m = r.obj(u, p);
    const hw = r.obj(m?.get('hw_info'), `${p}.hw_info`);
    const smmu = r.obj(hw?.get('smmuv3'), `${p}.hw_info.smmuv3`);
    const vtd = r.obj(hw?.get('vtd'), `${p}.hw_info.vtd`);
    const idr = r.list(smmu, 'idr', `${p}.hw_info.smmuv3`, 6).map((x, k) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) r.fail(`${p}.hw_info.smmuv3.idr[${k}]`, 'not a u32');
      return typeof x === 'number' ? x >>> 0 : 0;
    });
    const props = r.obj(m?.get('properties'), `${p}.properties`);
    const properties: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const k of ['scalable_mode', 'granules']) {
      const v = props?.get(k);
      if (typeof v === 'string') properties[k] = v.slice(0, 64);
    }
    const type = r.enumName(m, 'type', p, IOMMU_TYPES, 'IOMMU_TYPE_', true);
    return {
      name: r.str(m, 'name', p, true),
      type,
      ...(hw
        ? {
            hw_info: {
              type: r.uint(hw, 'type', `${p}.hw_info`),
              // the raw uAPI bytes are not read: the decoded views (vtd / smmuv3) say the same
              data: Buffer.alloc(0),
              ...(vtd ? { vtd: { flags: r.uint(vtd, 'flags', `${p}.hw_info.vtd`), cap_reg: r.u64(vtd, 'cap_reg', `${p}.hw_info.vtd`), ecap_reg: r.u64(vtd, 'ecap_reg', `${p}.hw_info.vtd`) } } : {}),
              ...(smmu && idr.length === 6 ? { smmuv3: { flags: r.uint(smmu, 'flags', `${p}.hw_info.smmuv3`), idr, iidr: r.uint(smmu, 'iidr', `${p}.hw_info.smmuv3`), aidr: r.uint(smmu, 'aidr', `${p}.hw_info.smmuv3`) } } : {}),
            },
          }
        : {}),
      capabilities: r.u64(m, 'capabilities', p),
      page_sizes: r.u64(m, 'page_sizes', p),
      input_address_width: r.uint(m, 'input_address_width', p, 64),
      output_address_width: r.uint(m, 'output_address_width', p, 64),
      pasid_bits: r.uint(m, 'pasid_bits', p, 20),
      nesting: r.bool(m, 'nesting', p),
      hwpt_data_types: [],
      viommu_types: [],
      dirty_tracking: r.bool(m, 'dirty_tracking', p),
      page_requests: r.bool(m, 'page_requests', p),
      ats: r.bool(m, 'ats', p),
      properties,
    };
  });
  const unitNames = new Set<string>();
  for (const [i, u] of units.entries()) {
    if (unitNames.has(u.name)) r.fail(`$.units[${i}].name`, `unit '${u.name}' is listed twice`);
    unitNames.add(u.name);
    if (u.page_sizes === '0') r.fail(`$.units[${i}].page_sizes`, 'no page size');
    if (u.input_address_width === 0) r.fail(`$.units[${i}].input_address_width`, 'missing');
  }
  const bdfs = new Set<string>();
  const devices = r.list(top, 'devices', '$', MAX_DEVICES).map((d, i): DescribedDevice => {
    const p = `$.devices[${i}]`;
    const m = r.obj(d, p);
    const bdf = r.str(m, 'bdf', p, true).toLowerCase();
    if (bdf && !/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/.test(bdf)) r.fail(`${p}.bdf`, `'${bdf}' is not a PCI address DDDD:BB:DD.F`);
    if (bdfs.has(bdf)) r.fail(`${p}.bdf`, `${bdf} is listed twice`);
    bdfs.add(bdf);
    const unit = r.str(m, 'unit', p, true);
    if (unit && !unitNames.has(unit)) r.fail(`${p}.unit`, `unknown IOMMU unit '${unit}'`);
    const driver = r.str(m, 'driver', p, true);
    if (driver && driver !== 'vfio-pci' && driver !== 'host' && driver !== 'none') r.fail(`${p}.driver`, `'${driver}': vfio-pci, host or none`);
    return {
      bdf,
      cdev: r.str(m, 'cdev', p),
      group: r.uint(m, 'group', p),
      unit,
      description: r.str(m, 'description', p),
      bars: r.list(m, 'bars', p, MAX_BARS).map((b, k) => {
        const bm = r.obj(b, `${p}.bars[${k}]`);
        return { index: r.uint(bm, 'index', `${p}.bars[${k}]`, 5), size: r.u64(bm, 'size', `${p}.bars[${k}]`), addr: r.u64(bm, 'addr', `${p}.bars[${k}]`), prefetchable: r.bool(bm, 'prefetchable', `${p}.bars[${k}]`), mem64: r.bool(bm, 'mem64', `${p}.bars[${k}]`) };
      }),
      ats: r.bool(m, 'ats', p),
      pri: r.bool(m, 'pri', p),
      pasid_bits: r.uint(m, 'pasid_bits', p, 20),
      driver,
      reserved_regions: r.list(m, 'reserved_regions', p, MAX_REGIONS).map((x, k) => {
        const q = `${p}.reserved_regions[${k}]`;
        const rm = r.obj(x, q);
        const start = r.u64(rm, 'start', q);
        const last = r.u64(rm, 'last', q);
        if (BigInt(start) > BigInt(last)) r.fail(q, 'start > last');
        return { start, last, type: r.enumName(rm, 'type', q, RESV_WIRE_NAMES, 'RESERVED_REGION_TYPE_', true, RESV_WIRE_FIRST) };
      }),
      // absent in proto3 JSON means false; a Describe without it is taken as a freshly started host
      present: m?.has('present') ? r.bool(m, 'present', p) : true,
      bar_decode: m?.has('bar_decode') ? r.bool(m, 'bar_decode', p) : true,
      rid: r.uint(m, 'rid', p, 0xffff),
      migration_flags: r.uint(m, 'migration_flags', p, 7),
      migration_state_bytes: r.u64(m, 'migration_state_bytes', p),
      dma_logging: r.bool(m, 'dma_logging', p),
    };
  });
  const groups = r.list(top, 'groups', '$', MAX_DEVICES).map((g, i) => {
    const p = `$.groups[${i}]`;
    const m = r.obj(g, p);
    const members = r.list(m, 'devices', p, MAX_DEVICES).map((x, k) => {
      if (typeof x !== 'string' || !bdfs.has(x.toLowerCase())) r.fail(`${p}.devices[${k}]`, `'${String(x).slice(0, 32)}' is no device of this host`);
      return String(x).toLowerCase();
    });
    return { id: r.uint(m, 'id', p), unit: r.str(m, 'unit', p), devices: members, viable: r.bool(m, 'viable', p) };
  });
  const arch = r.str(top, 'arch', '$', true);
  if (arch && arch !== 'x86_64' && arch !== 'aarch64') r.fail('$.arch', `'${arch}': x86_64 or aarch64`);
  const out: HostDescribe = {
    name: r.str(top, 'name', '$', true),
    arch,
    profile: r.str(top, 'profile', '$'),
    ram_bytes: r.u64(top, 'ram_bytes', '$'),
    boot_id: r.str(top, 'boot_id', '$'),
    kernel_features: {
      iommufd: r.bool(kf, 'iommufd', '$.kernel_features'),
      vfio_compat_container: r.bool(kf, 'vfio_compat_container', '$.kernel_features'),
      native_type1: r.bool(kf, 'native_type1', '$.kernel_features'),
      dmabuf_p2p: r.bool(kf, 'dmabuf_p2p', '$.kernel_features'),
      iommufd_fault: r.bool(kf, 'iommufd_fault', '$.kernel_features'),
      viommu: r.bool(kf, 'viommu', '$.kernel_features'),
    },
    units,
    devices,
    groups,
  };
  if (units.length === 0) r.fail('$.units', 'no IOMMU unit');
  if (r.problems.length > 0) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_HOST', `${source}: not a valid Describe output: ${r.problems.join('; ')}`, { host: source, problems: String(r.problems.length) });
  }
  return out;
}
