/**
 * The migration state of the virtio-iommu (QEMU hw/virtio/virtio-iommu.c): section
 * `virtio-iommu` version 2 (priority MIG_PRI_IOMMU: loaded before the endpoints' devices). Fields in
 * QEMU's order: the virtio common state the device needs (device status, guest features), then
 * `virtio-iommu-device` v2 — the `domains` tree (per domain: `id`, the `mappings` tree of interval
 * `low`/`high` → `phys_addr`/`flags`, the `endpoint_list` of ids, `bypass`) and `config.bypass`.
 * Subsections: `virtio/broken` (QEMU's, with the twin's reason text) when the device needs a
 * reset; the twin's `virtio-iommu/config` (always: offered features, page_size_mask, ranges,
 * probe_size, reserved regions and endpoint ids — QEMU does not migrate them and silently
 * diverges when the two sides differ; the twin refuses instead); the twin's `virtio-iommu/eventq`
 * when fault reports are pending (24-byte `struct virtio_iommu_fault` records).
 *
 * Load = decode, validate everything against the destination device (its configuration, endpoints,
 * granule, ranges, reserved regions, negotiated features), then `iommu_post_load`: the endpoints
 * follow the domain lists and each backend is switched to its endpoint's view (a domain's
 * mappings replayed onto the destination's new host objects). Nothing changes on a refusal.
 */
import {
  featureBit,
  VIRTIO_F_VERSION_1,
  VIRTIO_IOMMU_F,
  VIRTIO_STATUS,
  type FaultReport,
  type Mapping,
  type VirtioIommu,
  type VirtioIommuConfig,
  type VirtioIommuMigrationState,
} from './virtio-iommu.js';
import { decodeFault, encodeFault, FAULT_SIZE, MAP_F_MMIO, MAP_F_READ, MAP_F_WRITE } from './wire.js';
import { hex, U64_MAX } from '#libs/u64/index.js';
import { decodeSection, encodeSection, refuseViolations, vmstateError, type VmstateReader, type VmstateSection, type VmstateWriter } from './vmstate-wire.js';

export const VIRTIO_IOMMU_VMSTATE = { idstr: 'virtio-iommu', version: 2, minimumVersion: 2 } as const;
const ID = VIRTIO_IOMMU_VMSTATE.idstr;
const DRIVER_BITS = VIRTIO_STATUS.ACKNOWLEDGE | VIRTIO_STATUS.DRIVER | VIRTIO_STATUS.DRIVER_OK | VIRTIO_STATUS.FAILED;

/** The device configuration the twin's `virtio-iommu/config` subsection pins. */
interface ConfigImage {
  offeredFeatures: bigint;
  pageSizeMask: bigint;
  inputRange: { start: bigint; end: bigint };
  domainRange: { start: number; end: number };
  probeSize: number;
  bootBypass: boolean;
  reservedRegions: Array<{ start: bigint; end: bigint; subtype: number }>;
  endpoints: number[];
}

/** Everything the section carries, decoded but not yet checked against a device. */
export interface VirtioIommuImage {
  state: VirtioIommuMigrationState;
  config: ConfigImage | undefined;
  pendingFaults: FaultReport[];
}

function configOf(dev: VirtioIommu): ConfigImage {
  const c = dev.config;
  return {
    offeredFeatures: dev.deviceFeatures,
    pageSizeMask: c.pageSizeMask,
    inputRange: { ...c.inputRange },
    domainRange: { ...c.domainRange },
    probeSize: c.probeSize,
    bootBypass: c.bootBypass,
    reservedRegions: c.reservedRegions.map((r) => ({ start: r.start, end: r.end, subtype: r.subtype })),
    endpoints: dev.endpointIds(),
  };
}

/**
 * The device's committed state as bytes. `pendingFaults`: fault reports the guest has not taken
 * yet, carried so the destination can deliver them (a migration passes none: the vmm puts each
 * fault on the VM's event log when it happens, so nothing is pending when the guest stops). A migration saves
 * with the VM stopped, after `await dev.idle()` (requests still queued then are committed first).
 */
export function saveVirtioIommuState(dev: VirtioIommu, pendingFaults: readonly FaultReport[] = []): Uint8Array {
  const s = dev.migrationState();
  const cfg = configOf(dev);
  const status = s.driverStatus | (s.featuresOk ? VIRTIO_STATUS.FEATURES_OK : 0) | (s.broken !== undefined ? VIRTIO_STATUS.DEVICE_NEEDS_RESET : 0);
  const records = pendingFaults.map((f) => encodeFault(f));
  const subsections: VmstateSection['subsections'] = [];
  if (s.broken !== undefined) {
    const why = new TextEncoder().encode(s.broken);
    subsections.push({ name: 'virtio/broken', version: 1, fields: (w) => w.bool(true).u32(why.length).bytes(why) });
  }
  subsections.push({ name: 'virtio-iommu/config', version: 1, fields: (w) => writeConfig(w, cfg) });
  if (records.length > 0) {
    subsections.push({ name: 'virtio-iommu/eventq', version: 1, fields: (w) => {
      w.u32(records.length);
      for (const r of records) w.bytes(r);
    } });
  }
  return encodeSection({
    idstr: ID,
    version: VIRTIO_IOMMU_VMSTATE.version,
    fields: (w) => {
      // virtio common state (virtio_save): device status, guest features
      w.u8(status).u64(s.driverFeatures);
      // virtio-iommu-device: the domains tree (VMSTATE_GTREE_DIRECT_KEY_V, ascending id)
      w.u32(s.domains.length);
      for (const d of s.domains) {
        w.u32(d.id);
        w.u32(d.mappings.length);
        for (const m of d.mappings) w.u64(m.virtStart).u64(m.virtEnd).u64(m.physStart).u32(m.flags);
        w.u32(d.endpoints.length);
        for (const e of d.endpoints) w.u32(e);
        w.bool(d.bypass);
      }
      w.u8(s.bypass);
    },
    subsections,
  });
}

function writeConfig(w: VmstateWriter, c: ConfigImage): void {
  w.u64(c.offeredFeatures).u64(c.pageSizeMask).u64(c.inputRange.start).u64(c.inputRange.end);
  w.u32(c.domainRange.start).u32(c.domainRange.end).u32(c.probeSize).bool(c.bootBypass);
  w.u32(c.reservedRegions.length);
  for (const r of c.reservedRegions) w.u64(r.start).u64(r.end).u8(r.subtype);
  w.u32(c.endpoints.length);
  for (const e of c.endpoints) w.u32(e);
}

function readConfig(r: VmstateReader): ConfigImage {
  const offeredFeatures = r.u64('offered features');
  const pageSizeMask = r.u64('page_size_mask');
  const inputRange = { start: r.u64('input_range.start'), end: r.u64('input_range.end') };
  const domainRange = { start: r.u32('domain_range.start'), end: r.u32('domain_range.end') };
  const probeSize = r.u32('probe_size');
  const bootBypass = r.bool('boot bypass');
  const nr = r.count('reserved regions', 17);
  const reservedRegions: ConfigImage['reservedRegions'] = [];
  for (let i = 0; i < nr; i++) reservedRegions.push({ start: r.u64('region start'), end: r.u64('region end'), subtype: r.u8('region subtype') });
  const ne = r.count('endpoints', 4);
  const endpoints: number[] = [];
  for (let i = 0; i < ne; i++) endpoints.push(r.u32('endpoint id'));
  return { offeredFeatures, pageSizeMask, inputRange, domainRange, probeSize, bootBypass, reservedRegions, endpoints };
}

/** Decode the bytes (framing, checksum, field syntax) without looking at any device. */
export function decodeVirtioIommuState(bytes: Uint8Array): VirtioIommuImage {
  return decodeSection<VirtioIommuImage>(bytes, {
    ...VIRTIO_IOMMU_VMSTATE,
    fields: (r) => {
      const status = r.u8('device status');
      const driverFeatures = r.u64('guest features');
      const nd = r.count('domains', 13);
      const domains: VirtioIommuMigrationState['domains'] = [];
      for (let i = 0; i < nd; i++) {
        const id = r.u32('domain id');
        const nm = r.count(`domain ${id} mappings`, 28);
        const mappings: Mapping[] = [];
        for (let j = 0; j < nm; j++) mappings.push({ virtStart: r.u64('interval low'), virtEnd: r.u64('interval high'), physStart: r.u64('phys_addr'), flags: r.u32('mapping flags') });
        const ne = r.count(`domain ${id} endpoint_list`, 4);
        const endpoints: number[] = [];
        for (let j = 0; j < ne; j++) endpoints.push(r.u32('endpoint id'));
        domains.push({ id, bypass: r.bool(`domain ${id} bypass`), endpoints, mappings });
      }
      const bypass = r.bool('config.bypass') ? 1 : 0;
      if ((status & ~(DRIVER_BITS | VIRTIO_STATUS.FEATURES_OK | VIRTIO_STATUS.DEVICE_NEEDS_RESET)) !== 0) {
        throw vmstateError('VMSTATE_INVALID', ID, `device status 0x${status.toString(16)} has bits the device does not define`);
      }
      const state: VirtioIommuMigrationState = {
        driverFeatures,
        featuresOk: (status & VIRTIO_STATUS.FEATURES_OK) !== 0,
        driverStatus: status & DRIVER_BITS,
        bypass,
        domains,
      };
      // DEVICE_NEEDS_RESET without the virtio/broken subsection is refused after the subsections
      if ((status & VIRTIO_STATUS.DEVICE_NEEDS_RESET) !== 0) state.broken = '';
      return { state, config: undefined, pendingFaults: [] };
    },
    subsections: new Map([
      [
        'virtio/broken',
        {
          version: 1,
          load: (r, into) => {
            if (!r.bool('broken')) throw vmstateError('VMSTATE_INVALID', ID, 'virtio/broken sent with broken = false');
            const n = r.count('broken reason', 1);
            const why = new TextDecoder().decode(r.bytes(n, 'broken reason'));
            if (into.state.broken === undefined) throw vmstateError('VMSTATE_INVALID', ID, 'virtio/broken sent but the device status lacks DEVICE_NEEDS_RESET');
            if (why.length === 0) throw vmstateError('VMSTATE_INVALID', ID, 'virtio/broken without a reason');
            into.state.broken = why;
          },
        },
      ],
      ['virtio-iommu/config', { version: 1, load: (r, into) => void (into.config = readConfig(r)) }],
      [
        'virtio-iommu/eventq',
        {
          version: 1,
          load: (r, into) => {
            const n = r.count('pending faults', FAULT_SIZE);
            for (let i = 0; i < n; i++) {
              const f = decodeFault(r.bytes(FAULT_SIZE, 'fault record'));
              if (f.reserved !== 0 || f.reserved1 !== 0) throw vmstateError('VMSTATE_INVALID', ID, `pending fault ${i} has non-zero reserved bytes`);
              if (f.reason > 2) throw vmstateError('VMSTATE_INVALID', ID, `pending fault ${i} has reason ${f.reason} (UNKNOWN, DOMAIN or MAPPING)`);
              into.pendingFaults.push({ reason: f.reason as 0 | 1 | 2, flags: f.flags, endpoint: f.endpoint, address: f.address });
            }
          },
        },
      ],
    ]),
  });
}

/** How the device the bytes came from was configured otherwise than `dev` (empty: the same). */
function virtioIommuConfigViolations(dev: VirtioIommu, img: VirtioIommuImage): string[] {
  const out: string[] = [];
  const mine = configOf(dev);
  const c = img.config;
  if (c === undefined) out.push('the virtio-iommu/config subsection is missing');
  else {
    if (c.offeredFeatures !== mine.offeredFeatures) out.push(`offered features ${hex(c.offeredFeatures)} ≠ destination ${hex(mine.offeredFeatures)}`);
    if (c.pageSizeMask !== mine.pageSizeMask) out.push(`page_size_mask ${hex(c.pageSizeMask)} ≠ destination ${hex(mine.pageSizeMask)}`);
    if (c.inputRange.start !== mine.inputRange.start || c.inputRange.end !== mine.inputRange.end) {
      out.push(`input_range [${hex(c.inputRange.start)}, ${hex(c.inputRange.end)}] ≠ destination [${hex(mine.inputRange.start)}, ${hex(mine.inputRange.end)}]`);
    }
    if (c.domainRange.start !== mine.domainRange.start || c.domainRange.end !== mine.domainRange.end) {
      out.push(`domain_range [${c.domainRange.start}, ${c.domainRange.end}] ≠ destination [${mine.domainRange.start}, ${mine.domainRange.end}]`);
    }
    if (c.probeSize !== mine.probeSize) out.push(`probe_size ${c.probeSize} ≠ destination ${mine.probeSize}`);
    if (c.bootBypass !== mine.bootBypass) out.push(`boot bypass ${c.bootBypass} ≠ destination ${mine.bootBypass}`);
    const regions = (rs: ConfigImage['reservedRegions']) => rs.map((r) => `[${hex(r.start)}, ${hex(r.end)}]/${r.subtype}`).join(' ');
    if (regions(c.reservedRegions) !== regions(mine.reservedRegions)) out.push(`reserved regions ${regions(c.reservedRegions) || 'none'} ≠ destination ${regions(mine.reservedRegions) || 'none'}`);
    if (c.endpoints.join(',') !== mine.endpoints.join(',')) out.push(`endpoints [${c.endpoints.join(', ')}] ≠ destination [${mine.endpoints.join(', ')}]`);
  }
  return out;
}

/** Every field of the image `dev` could not hold (empty: it fits); the configuration is the same. */
function virtioIommuStateViolations(dev: VirtioIommu, img: VirtioIommuImage): string[] {
  const out: string[] = [];
  const s = img.state;
  if (s.broken === '') out.push('device status has DEVICE_NEEDS_RESET but virtio/broken is missing');
  const cfg: Readonly<VirtioIommuConfig> = dev.config;
  const offered = dev.deviceFeatures;
  const f = s.driverFeatures;
  const neg = (bit: number) => (f & featureBit(bit)) !== 0n;
  if (!s.featuresOk && f !== 0n) out.push(`guest features ${hex(f)} without FEATURES_OK (the device keeps none before FEATURES_OK)`);
  if ((f & ~offered) !== 0n) out.push(`guest features ${hex(f)} include bits the device does not offer (${hex(f & ~offered)})`);
  if (s.featuresOk && (f & featureBit(VIRTIO_F_VERSION_1)) === 0n) out.push('FEATURES_OK without VIRTIO_F_VERSION_1');
  if (s.bypass === 1 && !dev.offers(VIRTIO_IOMMU_F.BYPASS_CONFIG)) out.push('config.bypass = 1 on a device without VIRTIO_IOMMU_F_BYPASS_CONFIG');
  const endpoints = new Set(dev.endpointIds());
  const placed = new Map<number, number>();
  const granule = dev.granule;
  let prevId = -1;
  for (const d of s.domains) {
    const at = `domain ${d.id}`;
    if (d.id <= prevId) out.push(`${at}: domains out of ascending order`);
    prevId = d.id;
    if (dev.offers(VIRTIO_IOMMU_F.DOMAIN_RANGE) && (d.id < cfg.domainRange.start || d.id > cfg.domainRange.end)) out.push(`${at}: outside domain_range [${cfg.domainRange.start}, ${cfg.domainRange.end}]`);
    if (d.endpoints.length === 0) out.push(`${at}: no endpoint (the device drops a domain with its last endpoint)`);
    for (const e of d.endpoints) {
      if (!endpoints.has(e)) out.push(`${at}: endpoint ${e} does not exist on the destination`);
      else if (placed.has(e)) out.push(`${at}: endpoint ${e} is already in domain ${placed.get(e)}`);
      else placed.set(e, d.id);
    }
    if (d.bypass && !neg(VIRTIO_IOMMU_F.BYPASS_CONFIG)) out.push(`${at}: a bypass domain needs VIRTIO_IOMMU_F_BYPASS_CONFIG negotiated`);
    if (d.bypass && d.mappings.length > 0) out.push(`${at}: a bypass domain holds no mappings`);
    if (d.mappings.length > 0 && !neg(VIRTIO_IOMMU_F.MAP_UNMAP)) out.push(`${at}: mappings without VIRTIO_IOMMU_F_MAP_UNMAP negotiated`);
    const known = MAP_F_READ | MAP_F_WRITE | (neg(VIRTIO_IOMMU_F.MMIO) ? MAP_F_MMIO : 0);
    let prevEnd = -1n;
    for (const m of d.mappings) {
      const where = `${at} mapping [${hex(m.virtStart)}, ${hex(m.virtEnd)}]`;
      if (m.virtEnd <= m.virtStart) out.push(`${where}: empty or reversed`);
      if (m.virtStart <= prevEnd) out.push(`${where}: overlaps or precedes the previous mapping`);
      prevEnd = m.virtEnd;
      if (m.virtStart % granule !== 0n || m.physStart % granule !== 0n || (m.virtEnd + 1n) % granule !== 0n) out.push(`${where}: not aligned to the granule ${hex(granule)}`);
      if ((m.flags & ~known) !== 0) out.push(`${where}: flags ${hex(m.flags)} beyond the negotiated ${hex(known)}`);
      if (m.physStart + (m.virtEnd - m.virtStart) > U64_MAX) out.push(`${where}: physical end beyond 2^64`);
      if (dev.offers(VIRTIO_IOMMU_F.INPUT_RANGE) && (m.virtStart < cfg.inputRange.start || m.virtEnd > cfg.inputRange.end)) out.push(`${where}: outside input_range`);
      for (const r of cfg.reservedRegions) if (r.start <= m.virtEnd && r.end >= m.virtStart) out.push(`${where}: overlaps reserved region [${hex(r.start)}, ${hex(r.end)}]`);
    }
  }
  for (const [i, p] of img.pendingFaults.entries()) if (!endpoints.has(p.endpoint)) out.push(`pending fault ${i}: endpoint ${p.endpoint} does not exist on the destination`);
  return out;
}

/**
 * Load `bytes` into `dev`, a device built from the same VmSpec and not driven yet. Refusals
 * (nothing changed): DomainError INVALID_ARGUMENT VMSTATE_CORRUPT / VMSTATE_WRONG_DEVICE /
 * VMSTATE_VERSION / VMSTATE_INVALID (syntax), VMSTATE_CONFIG_MISMATCH (a device configured
 * otherwise), VMSTATE_INVALID (every field that does not fit, listed); FAILED_PRECONDITION
 * VIOMMU_NOT_FRESH; INTERNAL VIOMMU_BACKEND_FAILED when a backend refused a view (reverted).
 * Returns the pending fault reports for the destination to deliver.
 */
export async function loadVirtioIommuState(dev: VirtioIommu, bytes: Uint8Array): Promise<{ pendingFaults: FaultReport[] }> {
  const img = decodeVirtioIommuState(bytes);
  refuseViolations(ID, () => virtioIommuConfigViolations(dev, img), () => virtioIommuStateViolations(dev, img));
  await dev.loadMigrationState(img.state);
  return { pendingFaults: img.pendingFaults };
}
