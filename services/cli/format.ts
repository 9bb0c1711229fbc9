/**
 * Output of the `iommu-twin ctl` and `demo` commands: aligned text tables for people, JSON for
 * scripts (u64 as decimal strings, bytes as lowercase hex), and the one-line error form
 * `iommu-twin: <STATUS> <reason>: <message>`.
 */
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import type { DescribeResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/DescribeResponse.js';
import type { ComputeBaselineResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/ComputeBaselineResponse.js';
import type { InspectResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/InspectResponse.js';
import type { WatchEventsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WatchEventsResponse.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { EVT } from '../vmm/src/viommu/smmuv3/types.js';

// ------------------------------------------------------------------ errors

/**
 * A failure the CLI reports itself: `status` is a gRPC status name for argument/connection
 * problems, or `DEVICE` (a virtio-iommu request status) / `DMA_FAULT` (a faulted DMA).
 */
export class CliError extends Error {
  constructor(
    readonly status: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A gRPC error with the service it came from (`host-iommu at 127.0.0.1:50051`). */
export interface TaggedServiceError extends grpc.ServiceError {
  target?: string;
}

function isServiceError(e: unknown): e is TaggedServiceError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'number' && 'metadata' in e;
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

/** `<STATUS> <reason>: <message>` of anything thrown (without the `iommu-twin: ` prefix). */
export function errorSummary(e: unknown): { status: string; reason: string; message: string } {
  if (e instanceof CliError) return { status: e.status, reason: e.reason, message: oneLine(e.message) };
  if (isServiceError(e)) {
    const status = grpc.status[e.code] ?? `CODE_${e.code}`;
    const info = decodeErrorInfo(e);
    let reason = info?.reason;
    let message = e.details || e.message;
    if (!reason) {
      if (e.code === grpc.status.UNAVAILABLE) reason = 'UNREACHABLE';
      else if (e.code === grpc.status.DEADLINE_EXCEEDED) reason = 'TIMEOUT';
      else reason = status;
      if (e.target) message = `${e.target}: ${message}`;
    }
    // kernel-model messages often start with the errno name: do not say it twice
    if (message.startsWith(`${reason}: `)) message = message.slice(reason.length + 2);
    return { status, reason, message: oneLine(message) };
  }
  if (e instanceof Error) return { status: 'UNKNOWN', reason: e.name || 'Error', message: oneLine(e.message) };
  return { status: 'UNKNOWN', reason: 'ERROR', message: oneLine(String(e)) };
}

/** The one line printed on failure: `iommu-twin: <STATUS> <reason>: <message>`. */
export function errorLine(e: unknown): string {
  const s = errorSummary(e);
  return `iommu-twin: ${s.status} ${s.reason}: ${s.message}`;
}

// ------------------------------------------------------------------ JSON

/** A JSON-ready copy: bytes → lowercase hex, bigint → decimal string, undefined dropped. */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === 'bigint') return v.toString(10);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = jsonValue(x);
    return out;
  }
  return v;
}

/** Pretty JSON text (with a trailing newline). */
export function jsonText(v: unknown): string {
  return JSON.stringify(jsonValue(v), null, 2) + '\n';
}

/** One-line JSON (for streams: one event per line). */
export function jsonLine(v: unknown): string {
  return JSON.stringify(jsonValue(v)) + '\n';
}

// ------------------------------------------------------------------ tables and numbers

export type Cell = string | number | bigint | boolean | null | undefined;

const NUMERIC = /^-?[0-9]+$/;

/**
 * An aligned text table: a header row, then the rows; columns separated by two spaces,
 * all-decimal columns right-aligned. No rows → the header and `(none)`.
 */
export function table(columns: readonly string[], rows: readonly (readonly Cell[])[], indent = ''): string {
  const text = rows.map((r) => columns.map((_, i) => cellText(r[i])));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const right = columns.map((_, i) => text.length > 0 && text.every((r) => r[i] === '' || NUMERIC.test(r[i]!)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 && !right[i] ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .replace(/\s+$/, '');
  const out = [line(columns)];
  for (const r of text) out.push(line(r));
  if (text.length === 0) out.push(`${indent}(none)`);
  return out.join('\n') + '\n';
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'boolean') return c ? 'yes' : 'no';
  return String(c);
}

/** `0x…` of a u64 (wire string, bigint or number). */
export function hex(v: string | bigint | number): string {
  return '0x' + BigInt(v).toString(16);
}

const UNITS: Array<[bigint, string]> = [
  [1n << 40n, 'TiB'],
  [1n << 30n, 'GiB'],
  [1n << 20n, 'MiB'],
  [1n << 10n, 'KiB'],
];

/** A byte count in the largest binary unit dividing it exactly (`256 MiB`, `12 KiB`, `5 B`). */
export function bytesText(v: string | bigint | number): string {
  const n = BigInt(v);
  for (const [u, name] of UNITS) if (n >= u && n % u === 0n) return `${n / u} ${name}`;
  return `${n} B`;
}

/** A page size as `4K`, `2M`, `1G`. */
export function pageSizeText(v: string | bigint | number): string {
  const n = BigInt(v);
  for (const [u, name] of UNITS) if (n >= u && n % u === 0n) return `${n / u}${name[0]}`;
  return `${n}`;
}

/** Supported page sizes of a bitmap (bit n = 2^n bytes): `4K,2M,1G`. */
export function pageSizesText(bitmap: string | bigint): string {
  const b = BigInt(bitmap);
  const out: string[] = [];
  for (let i = 0n; i < 64n; i++) if ((b >> i) & 1n) out.push(pageSizeText(1n << i));
  return out.join(',') || '-';
}

/** Bytes as hex plus a printable rendering: `67756573 "gues"`. */
export function bytesPreview(data: Uint8Array, max = 64): string {
  const cut = data.subarray(0, max);
  const h = Buffer.from(cut).toString('hex');
  const txt = [...cut].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${h}${data.length > max ? '…' : ''}  "${txt}${data.length > max ? '…' : ''}"`;
}

const shortEnum = (s: string, prefix: string): string => (s.startsWith(prefix) ? s.slice(prefix.length) : s);

// ------------------------------------------------------------------ renderers

/** `ctl describe`: host line, units, devices, groups. */
export function renderDescribe(d: DescribeResponse__Output): string {
  const k = d.kernel_features;
  const features = k ? Object.entries(k).filter(([, v]) => v === true).map(([n]) => n) : [];
  let out = `host ${d.name} (${d.arch}, profile ${d.profile}), RAM ${bytesText(d.ram_bytes)}; kernel: ${features.join(', ') || '-'}\n\n`;
  out += 'IOMMU units\n';
  out += table(
    ['UNIT', 'TYPE', 'PAGE_SIZES', 'IAW', 'OAW', 'PASID_BITS', 'NESTING', 'DIRTY', 'ATS', 'PRI'],
    d.units.map((u) => [u.name, shortEnum(u.type, 'IOMMU_TYPE_'), pageSizesText(u.page_sizes), u.input_address_width, u.output_address_width, u.pasid_bits, u.nesting, u.dirty_tracking, u.ats, u.page_requests]),
    '  ',
  );
  out += '\nPCI devices\n';
  out += table(
    ['BDF', 'CDEV', 'GROUP', 'UNIT', 'DRIVER', 'RID', 'RESERVED', 'DESCRIPTION'],
    d.devices.map((x) => [
      x.bdf,
      x.cdev || '-',
      x.group,
      x.unit,
      x.driver,
      hex(x.rid),
      x.reserved_regions.map((r) => `${shortEnum(r.type, 'RESERVED_REGION_TYPE_')}[${hex(r.start)}-${hex(r.last)}]`).join(' ') || '-',
      x.description,
    ]),
    '  ',
  );
  out += '\nIOMMU groups\n';
  out += table(
    ['GROUP', 'UNIT', 'VIABLE', 'DEVICES'],
    d.groups.map((g) => [g.id, g.unit, g.viable, g.devices.join(' ')]),
    '  ',
  );
  return out;
}

/** `ctl inspect`: pinned total, page tables, IOTLBs, areas. */
export function renderInspect(r: InspectResponse__Output, indent = ''): string {
  const pinned = r.pinned ?? { pages: '0', bytes: '0' };
  let out = `${indent}kind ${r.kind}; pinned ${pinned.pages} pages (${bytesText(pinned.bytes)})\n`;
  out += `${indent}page tables\n`;
  out += table(
    ['HWPT', 'UNIT', 'FORMAT', 'LEVELS', 'TABLE_PAGES', 'TABLE_BYTES', 'LEAVES'],
    r.page_tables.map((t) => [t.hwpt_id, t.unit, t.format, t.levels, t.table_pages, t.table_bytes, t.leaves.filter((l) => l.count !== '0').map((l) => `${pageSizeText(l.page_size)}x${l.count}`).join(' ') || '-']),
    indent + '  ',
  );
  out += `${indent}IOTLBs\n`;
  out += table(
    ['CACHE', 'HITS', 'MISSES', 'WALKS', 'MEM_REFS', 'VALID', 'CAPACITY', 'INVALIDATIONS'],
    r.iotlbs.map((s) => [s.cache, s.hits, s.misses, s.walks, s.memory_references, s.valid_entries, s.capacity, s.invalidations]),
    indent + '  ',
  );
  const entries = r.iotlbs.flatMap((s) => s.entries.map((e) => [s.cache, e.domain_tag, e.pasid ?? '-', hex(e.iova), hex(e.addr), pageSizeText(e.size), permText(e.perm)] as Cell[]));
  if (entries.length > 0) {
    out += `${indent}IOTLB entries\n`;
    out += table(['CACHE', 'TAG', 'PASID', 'IOVA', 'ADDR', 'SIZE', 'PERM'], entries, indent + '  ');
  }
  out += `${indent}IOAS areas\n`;
  out += table(
    ['IOAS', 'IOVA', 'LAST', 'FLAGS', 'SOURCE', 'PINNED_PAGES'],
    r.areas.map((a) => [a.ioas_id, hex(a.iova), hex(a.last), areaFlags(a.flags), shortEnum(a.source, 'AREA_SOURCE_'), a.pinned_pages]),
    indent + '  ',
  );
  return out;
}

function areaFlags(f: number): string {
  const s = `${f & 4 ? 'R' : '-'}${f & 2 ? 'W' : '-'}`;
  return s;
}

function permText(p: number): string {
  return `${p & 1 ? 'R' : '-'}${p & 2 ? 'W' : '-'}${p & 4 ? 'X' : '-'}${p & 8 ? 'P' : '-'}`;
}

/** `ctl vm list`. */
export function renderVmList(vms: readonly VmInfo__Output[]): string {
  return table(
    ['NAME', 'STATE', 'HOST_PID', 'MEMORY', 'MACHINE', 'VIOMMU', 'DEVICES', 'NOTE'],
    vms.map((v) => [
      v.spec?.name ?? '',
      shortEnum(v.state, 'VM_STATE_'),
      v.host_pid,
      bytesText(v.spec?.memory_bytes ?? '0'),
      v.spec?.machine ?? '',
      shortEnum(v.spec?.viommu?.model ?? '', 'VIOMMU_MODEL_'),
      v.devices.map((d) => d.id).join(',') || '-',
      v.host_objects_lost ? v.message : v.state === 'VM_STATE_INCOMING' ? 'migration destination: waits for Migrate' : '',
    ]),
  );
}

/** `ctl vm get|create|start`: one VM with its devices and host objects. */
export function renderVm(v: VmInfo__Output): string {
  const s = v.spec;
  let out = `VM ${s?.name ?? '?'}: ${shortEnum(v.state, 'VM_STATE_')}, host pid ${v.host_pid}, ${bytesText(s?.memory_bytes ?? '0')} RAM (${s?.machine ?? '?'})`;
  out += `, vIOMMU ${shortEnum(s?.viommu?.model ?? '', 'VIOMMU_MODEL_')}`;
  if (v.ram_fd >= 0 && (v.state === 'VM_STATE_RUNNING' || v.state === 'VM_STATE_INCOMING')) out += `, guest RAM memfd fd ${v.ram_fd} at ${hex(v.ram_va)}`;
  out += '\n';
  if (v.state === 'VM_STATE_INCOMING') out += '  INCOMING: a live-migration destination (QEMU -incoming): host process and guest RAM, no guest running; devices and host objects are built when the migration arrives\n';
  if (v.host_objects_lost || v.message) out += `  ${v.message}\n`;
  if (s && s.iommufd_objects.length > 0) out += `  iommufd objects: ${s.iommufd_objects.map((o) => (o.fd !== undefined && o.fd !== null ? `${o.id} (fd ${o.fd})` : o.id)).join(', ')}\n`;
  out += table(
    ['DEVICE', 'GUEST_BDF', 'ENDPOINT', 'KIND', 'BACKEND', 'HOST_BDF', 'IOMMUFD', 'DEVICE_FD', 'DEV_ID', 'IOAS', 'HWPT', 'FEATURES_OK'],
    v.devices.map((d) => [
      d.id,
      d.guest_bdf,
      hex(d.endpoint_id),
      d.kind,
      d.backend,
      d.host_bdf || '-',
      d.host ? d.host.iommufd : '-',
      d.host ? d.host.device_fd : '-',
      d.host ? d.host.dev_id : '-',
      d.host ? d.host.ioas_ids.join(',') : '-',
      d.host ? d.host.hwpt_ids.join(',') : '-',
      d.kind === 'vfio' ? '-' : d.features_ok,
    ]),
    '  ',
  );
  if (v.migration_blockers.length > 0) out += `  migration blockers: ${v.migration_blockers.map((b) => `${b.reason} (${b.detail})`).join('; ')}\n`;
  return out;
}

/** One host event as a text line. */
export function renderHostEvent(e: WatchEventsResponse__Output): string {
  const when = new Date(Number(e.time_unix_ms)).toISOString();
  const kind = shortEnum(e.kind, 'HOST_EVENT_KIND_');
  const who = e.bdf || (e.pid ? `pid ${e.pid}${e.name ? ` (${e.name})` : ''}` : '-');
  return `#${e.sequence}  ${when}  ${kind}  ${who}  ${e.message}\n`;
}

const VIRTIO_FAULT_REASONS = ['UNKNOWN', 'DOMAIN', 'MAPPING'];

/** `READ|WRITE|ADDRESS` of virtio_iommu_fault flags. */
export function virtioFaultFlags(f: number): string {
  const out: string[] = [];
  if (f & 1) out.push('READ');
  if (f & 2) out.push('WRITE');
  if (f & 0x100) out.push('ADDRESS');
  return out.join('|') || '0';
}

/** Name of a virtio_iommu_fault reason. */
export function virtioFaultReason(r: number): string {
  return `VIRTIO_IOMMU_FAULT_R_${VIRTIO_FAULT_REASONS[r] ?? String(r)}`;
}

/** One guest (virtio-iommu eventq) event as a text line. */
export function renderGuestEvent(e: EventsResponse__Output): string {
  const r = e.device_removed;
  if (r) return `#${e.sequence}  DEVICE_REMOVED  ${r.device_id}  guest ${r.guest_bdf}  ${r.reason}\n`;
  const f = e.virtio_fault;
  if (!f) return `#${e.sequence}  (unknown event)\n`;
  return `#${e.sequence}  VIRTIO_FAULT  ${virtioFaultReason(f.reason)}  endpoint ${hex(f.endpoint)}  flags ${virtioFaultFlags(f.flags)}  address ${hex(f.address)}\n`;
}

// ------------------------------------------------------------------ intel-iommu (VT-d) decoding

/** `bb:dd.f` of a requester id (bus << 8 | devfn). */
export function sidText(sid: number): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(sid >> 8, 2)}:${h((sid >> 3) & 0x1f, 2)}.${sid & 7}`;
}

const bit = (v: bigint, n: number): number => Number((v >> BigInt(n)) & 1n);
const bits = (v: bigint, hi: number, lo: number): bigint => (v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
const page = (v: bigint): bigint => v & ~0xfffn & 0xffffffffffffffffn;
/** Names of the set flags of `v` among `[name, bit]`, joined by `|` (`-` for none). */
const flagNames = (v: bigint, flags: ReadonlyArray<readonly [string, number]>): string => flags.filter(([, b]) => bit(v, b)).map(([n]) => n).join('|') || '-';

const GCMD_FLAGS = [['TE', 31], ['SRTP', 30], ['SFL', 29], ['EAFL', 28], ['WBF', 27], ['QIE', 26], ['IRE', 25], ['SIRTP', 24], ['CFI', 23]] as const;
const GSTS_FLAGS = [['TES', 31], ['RTPS', 30], ['FLS', 29], ['AFLS', 28], ['WBFS', 27], ['QIES', 26], ['IRES', 25], ['IRTPS', 24], ['CFIS', 23]] as const;
const CAP_FLAGS = [['AFL', 3], ['RWBF', 4], ['PLMR', 5], ['PHMR', 6], ['CM', 7], ['ZLR', 22], ['PSI', 39], ['DWD', 54], ['DRD', 55], ['FS1GP', 56], ['PI', 59], ['FS5LP', 60], ['ESIRTPS', 62], ['ESRTPS', 63]] as const;
const ECAP_FLAGS = [
  ['C', 0], ['QI', 1], ['DT', 2], ['IR', 3], ['EIM', 4], ['PT', 6], ['SC', 7], ['NEST', 26], ['PRS', 29], ['ERS', 30], ['SRS', 31],
  ['NWFS', 33], ['EAFS', 34], ['PASID', 40], ['DIT', 41], ['PDS', 42], ['SMTS', 43], ['VCS', 44], ['SLADS', 45], ['SSTS', 46], ['FSTS', 47],
] as const;
const FSTS_FLAGS = [['PFO', 0], ['PPF', 1], ['IQE', 4], ['ICE', 5], ['ITE', 6]] as const;
const IRQ_CTL_FLAGS = [['IM', 31], ['IP', 30]] as const;

/** VT-d fault reasons by value (QEMU's VTDFaultReason names). */
export function vtdFaultReasonText(fr: number, reasons: Readonly<Record<string, number>>): string {
  const name = Object.entries(reasons).find(([, v]) => v === fr)?.[0];
  return `${hex(fr)}${name ? ` ${name}` : ''}`;
}

/**
 * The decoded fields of one DMAR register (`ctl guest regs`); raw-only registers give ''.
 * `iqaDw`: IQA.DW (256-bit descriptors), which sets how IQH/IQT count descriptors.
 */
export function vtdRegisterText(name: string, v: bigint, reasons: Readonly<Record<string, number>>, iqaDw = false): string {
  switch (name) {
    case 'VER':
      return `${bits(v, 7, 4)}.${bits(v, 3, 0)}`;
    case 'CAP': {
      const sagaw = [[1, '39-bit'], [2, '48-bit'], [3, '57-bit']].filter(([b]) => bit(v, 8 + (b as number))).map(([, s]) => s);
      const sllps = [[0, '2M'], [1, '1G']].filter(([b]) => bit(v, 34 + (b as number))).map(([, s]) => s);
      return (
        `ND=${bits(v, 2, 0)} (${1n << (4n + 2n * bits(v, 2, 0))} domains) SAGAW=${sagaw.join(',') || '-'} MGAW=${bits(v, 21, 16) + 1n} ` +
        `FRO=${hex(bits(v, 33, 24) * 16n)} SSLPS=${sllps.join(',') || '-'} NFR=${bits(v, 47, 40) + 1n} MAMV=${bits(v, 53, 48)} ${flagNames(v, CAP_FLAGS)}`
      );
    }
    case 'ECAP':
      return `IRO=${hex(bits(v, 17, 8) * 16n)} MHMV=${bits(v, 23, 20)} PSS=${bits(v, 39, 35)}${bit(v, 40) ? ` (${bits(v, 39, 35) + 1n}-bit PASIDs)` : ''} ${flagNames(v, ECAP_FLAGS)}`;
    case 'GCMD':
      return flagNames(v, GCMD_FLAGS);
    case 'GSTS':
      return flagNames(v, GSTS_FLAGS);
    case 'RTADDR': {
      const ttm = Number(bits(v, 11, 10));
      return `RTA=${hex(page(v))} TTM=${ttm} (${['legacy', 'scalable', 'reserved', 'abort-DMA'][ttm]})`;
    }
    case 'CCMD':
      return `${bit(v, 63) ? 'ICC ' : ''}CIRG=${['-', 'global', 'domain', 'device'][Number(bits(v, 62, 61))]} CAIG=${['-', 'global', 'domain', 'device'][Number(bits(v, 60, 59))]} FM=${bits(v, 33, 32)} SID=${hex(bits(v, 31, 16))} DID=${bits(v, 15, 0)}`;
    case 'FSTS':
      return `${flagNames(v, FSTS_FLAGS)} FRI=${bits(v, 15, 8)}`;
    case 'FECTL':
    case 'IECTL':
      return flagNames(v, IRQ_CTL_FLAGS);
    case 'IQH':
    case 'IQT':
      // the 128-bit index in bits 18:4; with 256-bit descriptors the index is bits 18:5
      return `${name === 'IQH' ? 'QH' : 'QT'}=${iqaDw ? bits(v, 18, 5) : bits(v, 18, 4)} (offset ${hex(v & 0x7fff0n)}, ${iqaDw ? 256 : 128}-bit descriptors)`;
    case 'IQA': {
      const dw = bit(v, 11);
      const qs = bits(v, 2, 0);
      return `IQA=${hex(page(v))} DW=${dw} (${dw ? 256 : 128}-bit) QS=${qs} (${(1n << qs) * (dw ? 128n : 256n)} descriptors)`;
    }
    case 'ICS':
      return bit(v, 0) ? 'IWC' : '-';
    case 'IRTA':
      return `IRTA=${hex(page(v))} EIME=${bit(v, 11)} S=${bits(v, 3, 0)} (${1n << (bits(v, 3, 0) + 1n)} entries)`;
    case 'IVA':
      return `ADDR=${hex(page(v))} IH=${bit(v, 6)} AM=${bits(v, 5, 0)}`;
    case 'IOTLB':
      return `${bit(v, 63) ? 'IVT ' : ''}IIRG=${['-', 'global', 'domain', 'page'][Number(bits(v, 61, 60))]} IAIG=${['-', 'global', 'domain', 'page'][Number(bits(v, 58, 57))]} DR=${bit(v, 49)} DW=${bit(v, 48)} DID=${bits(v, 47, 32)}`;
    case 'FRCD0_LO':
      return `FI=${hex(page(v))}`;
    case 'FRCD0_HI':
      if (!bit(v, 63)) return 'F=0';
      return `F=1 ${bit(v, 62) ? 'read' : 'write'} FR=${vtdFaultReasonText(Number(bits(v, 39, 32)), reasons)} SID=${hex(bits(v, 15, 0))} (${sidText(Number(bits(v, 15, 0)))})${bit(v, 31) ? ` PASID=${bits(v, 59, 40)}` : ''}`;
    default:
      return '';
  }
}

/** `ctl guest regs`: every DMAR register by name, offset, raw value and decoded fields. */
export function renderVtdRegisters(regs: ReadonlyArray<{ name: string; offset: number; width: number; value: bigint }>, reasons: Readonly<Record<string, number>>): string {
  const dw = bit(regs.find((r) => r.name === 'IQA')?.value ?? 0n, 11) === 1;
  return table(
    ['REGISTER', 'OFFSET', 'VALUE', 'DECODED'],
    regs.map((r) => [r.name, `0x${r.offset.toString(16).padStart(3, '0')}`, `0x${r.value.toString(16).padStart(r.width / 4, '0')}`, vtdRegisterText(r.name, r.value, reasons, dw)]),
  );
}

const LEGACY_TT = ['multi-level', 'dev-iotlb', 'pass-through', 'reserved'];
const PGTT_NAMES = ['reserved', 'first-stage', 'second-stage', 'nested', 'pass-through', 'reserved', 'reserved', 'reserved'];
const q = (v: string | bigint): bigint => BigInt(v);

/** The decoded fields of a context entry (2 words legacy, 4 scalable). */
export function vtdContextText(words: readonly bigint[], scalable: boolean): string {
  const [lo = 0n, hi = 0n] = words;
  if (!scalable) {
    const aw = bits(hi, 2, 0);
    return `P=${bit(lo, 0)} FPD=${bit(lo, 1)} TT=${bits(lo, 3, 2)} (${LEGACY_TT[Number(bits(lo, 3, 2))]}) SSPTPTR=${hex(page(lo))} AW=${aw} (${2n + aw}-level) DID=${bits(hi, 23, 8)}`;
  }
  return `P=${bit(lo, 0)} FPD=${bit(lo, 1)} DTE=${bit(lo, 2)} PASIDE=${bit(lo, 3)} PRE=${bit(lo, 4)} PDTS=${bits(lo, 11, 9)} (${1n << (bits(lo, 11, 9) + 7n)} dir entries) PASIDDIRPTR=${hex(page(lo))} RID_PASID=${bits(hi, 19, 0)}`;
}

/** The decoded fields of a PASID entry (8 words). */
export function vtdPasidEntryText(w: readonly bigint[]): string {
  const [w0 = 0n, w1 = 0n, w2 = 0n] = w;
  const pgtt = Number(bits(w0, 8, 6));
  return (
    `P=${bit(w0, 0)} FPD=${bit(w0, 1)} AW=${bits(w0, 4, 2)} PGTT=${pgtt} (${PGTT_NAMES[pgtt]}) SSPTPTR=${hex(page(w0))} DID=${bits(w1, 15, 0)} ` +
    `SRE=${bit(w2, 0)} FSPM=${bits(w2, 3, 2)} (${bits(w2, 3, 2) === 0n ? '4-level' : bits(w2, 3, 2) === 1n ? '5-level' : 'reserved'}) FSPTPTR=${hex(page(w2))}`
  );
}

interface VtdChainView {
  sid: number;
  scalable: boolean;
  root_entry: string[];
  context_entry: string[];
  pasid_dir_entry?: string | null;
  pasid_entry: string[];
  fault: number;
  did?: number | null;
  type?: number | null;
  table_base?: string | null;
  table_levels: number;
  table_stage: string;
}

/**
 * `ctl guest vtd-device`: the root → context → (PASID directory → PASID) entries of a device
 * with their guest-physical addresses (from `root`, the latched root-table pointer) and decoded
 * fields, then where the chain leads (domain, page table) or the fault it stops with.
 */
export function renderVtdDevice(d: VtdChainView, root: bigint, pasid: number | undefined, reasons: Readonly<Record<string, number>>): string {
  const sid = d.sid;
  const bus = sid >> 8;
  const devfn = sid & 0xff;
  const lines = [`device ${sidText(sid)} (sid ${hex(sid)})${pasid !== undefined ? ` PASID ${pasid}` : ''}: ${d.scalable ? 'scalable' : 'legacy'} mode, root table ${hex(root)}`];
  const reAddr = page(root) + BigInt(bus) * 16n;
  if (d.root_entry.length === 2) {
    const [lo, hi] = [q(d.root_entry[0]!), q(d.root_entry[1]!)];
    const fields = d.scalable ? `LP=${bit(lo, 0)} LCTP=${hex(page(lo))} UP=${bit(hi, 0)} UCTP=${hex(page(hi))}` : `P=${bit(lo, 0)} CTP=${hex(page(lo))}`;
    lines.push(`  root entry ${bus}        @ ${hex(reAddr)}: ${hex(lo)} ${hex(hi)}  ${fields}`);
    if (d.context_entry.length > 0) {
      const upper = d.scalable && devfn > 127;
      const ctp = page(upper ? hi : lo);
      const size = d.scalable ? 32n : 16n;
      const ceAddr = ctp + BigInt(upper ? devfn & 0x7f : devfn) * size;
      const ce = d.context_entry.map(q);
      lines.push(`  context entry ${hex(devfn)}   @ ${hex(ceAddr)}: ${ce.map(hex).join(' ')}  ${vtdContextText(ce, d.scalable)}`);
      if (d.scalable && d.pasid_dir_entry !== undefined && d.pasid_dir_entry !== null) {
        const p = pasid ?? 0;
        const de = q(d.pasid_dir_entry);
        lines.push(`  PASID dir entry ${p >> 6}   @ ${hex(page(ce[0]!) + BigInt(p >> 6) * 8n)}: ${hex(de)}  P=${bit(de, 0)} FPD=${bit(de, 1)} SMPTBLPTR=${hex(page(de))}`);
        if (d.pasid_entry.length > 0) {
          const pe = d.pasid_entry.map(q);
          lines.push(`  PASID entry ${p & 0x3f}       @ ${hex(page(de) + BigInt(p & 0x3f) * 64n)}: ${pe.map(hex).join(' ')}  ${vtdPasidEntryText(pe)}`);
        }
      }
    }
  } else lines.push(`  root entry ${bus}        @ ${hex(reAddr)}: unreadable`);
  if (d.fault !== 0) lines.push(`  fault ${vtdFaultReasonText(d.fault, reasons)}: the chain stops here`);
  else {
    const kind = d.type === undefined || d.type === null ? '' : d.scalable ? PGTT_NAMES[d.type] : LEGACY_TT[d.type];
    const table = d.table_base !== undefined && d.table_base !== null ? `, ${d.table_stage}-stage table ${hex(d.table_base)} (${d.table_levels} levels)` : '';
    lines.push(`  → domain ${d.did ?? '-'}, ${kind}${table}`);
  }
  return lines.join('\n') + '\n';
}

interface VtdCachesView {
  dmar_enabled: boolean;
  root: string;
  root_scalable: boolean;
  iotlb: Array<{ sid: number; did: number; pasid?: number | null; iova: string; pa: string; page_shift: number; perm: number }>;
  context_cache: Array<{ sid: number; pasid?: number | null; entry: string[]; scalable: boolean }>;
  pasid_cache: Array<{ sid: number; pasid?: number | null; entry: string[] }>;
}

const vtdPermText = (p: number): string => (p & 1 ? 'R' : '-') + (p & 2 ? 'W' : '-');
const pasidCell = (p: number | null | undefined): string => (p === undefined || p === null ? '-' : String(p));

/** `ctl guest iotlb`: the intel-iommu model's IOTLB, context cache and PASID cache. */
export function renderVtdCaches(r: VtdCachesView): string {
  let s = `DMA remapping ${r.dmar_enabled ? 'enabled' : 'disabled'}, root table ${hex(r.root)} (${r.root_scalable ? 'scalable' : 'legacy'})\n\n`;
  s += `IOTLB (${r.iotlb.length})\n`;
  s += table(
    ['SID', 'DID', 'PASID', 'IOVA', 'PA', 'PAGE', 'PERM'],
    r.iotlb.map((e) => [sidText(e.sid), e.did, pasidCell(e.pasid), hex(e.iova), hex(e.pa), pageSizeText(1n << BigInt(e.page_shift)), vtdPermText(e.perm)]),
    '  ',
  );
  s += `\ncontext cache (${r.context_cache.length})\n`;
  s += table(
    ['SID', 'PASID', 'ENTRY', 'DECODED'],
    r.context_cache.map((e) => [sidText(e.sid), pasidCell(e.pasid), e.entry.map(hex).join(' '), vtdContextText(e.entry.map(q), e.scalable)]),
    '  ',
  );
  s += `\nPASID cache (${r.pasid_cache.length})\n`;
  s += table(
    ['SID', 'PASID', 'DECODED'],
    r.pasid_cache.map((e) => [sidText(e.sid), pasidCell(e.pasid), vtdPasidEntryText(e.entry.map(q))]),
    '  ',
  );
  return s;
}

// ------------------------------------------------------------------ SMMUv3

/** The SMMUv3 event names by EVT_* id (QEMU SMMUEventType). */
const SMMU_EVENT_NAMES = new Map<number, string>(Object.entries(EVT).map(([k, v]) => [v, k]));

/** `F_TRANSLATION (0x10)`; `aborted` for 0 (no event: STE abort, GBPA.ABORT). */
export function smmuEventText(id: number): string {
  if (id === 0) return 'aborted';
  return `${SMMU_EVENT_NAMES.get(id) ?? 'unknown'} (0x${id.toString(16).padStart(2, '0')})`;
}

/** `ctl guest regs` of an SMMUv3: each register as the guest reads it. */
export function renderSmmuRegisters(regs: ReadonlyArray<{ name: string; offset: number; width: number; value: bigint }>): string {
  return table(
    ['REGISTER', 'OFFSET', 'VALUE'],
    regs.map((r) => [r.name, `0x${r.offset.toString(16).padStart(3, '0')}`, `0x${r.value.toString(16).padStart(r.width / 4, '0')}`]),
  );
}

export interface SmmuInspectView {
  registers: ReadonlyArray<{ name: string; value: string }>;
  config_cache: ReadonlyArray<{ sid: number; ste: readonly string[]; cd: readonly string[] }>;
  iotlb: ReadonlyArray<{ asid: number; vmid: number; iova: string; pa: string; page_shift: number; perm: number; stage: string }>;
  stream?: { sid: number; ssid?: number | null; decoded_json: string } | null;
}

/** `ctl guest iotlb` of an SMMUv3: the model's latched state, configuration cache and IOTLB. */
export function renderSmmuInspect(r: SmmuInspectView): string {
  let s = 'SMMUv3 state\n' + table(['NAME', 'VALUE'], r.registers.map((x) => [x.name, hex(x.value)]), '  ');
  s += '\nconfiguration cache\n' + table(['SID', 'STE', 'CD'], r.config_cache.map((e) => [hex(e.sid), e.ste.map(hex).join(' '), e.cd.map(hex).join(' ')]), '  ');
  const perm = (p: number) => `${p & 1 ? 'r' : '-'}${p & 2 ? 'w' : '-'}`;
  s += '\nIOTLB\n' + table(['STAGE', 'ASID', 'VMID', 'IOVA', 'PA', 'SIZE', 'PERM'], r.iotlb.map((e) => [e.stage, e.asid, e.vmid, hex(e.iova), hex(e.pa), formatPageShift(e.page_shift), perm(e.perm)]), '  ');
  if (r.stream) s += `\nStreamID ${hex(r.stream.sid)}${r.stream.ssid != null ? ` SSID ${r.stream.ssid}` : ''}\n  ${r.stream.decoded_json}\n`;
  return s;
}

function formatPageShift(shift: number): string {
  return shift >= 30 ? `${2 ** (shift - 30)}G` : shift >= 20 ? `${2 ** (shift - 20)}M` : `${2 ** (shift - 10)}K`;
}

// ------------------------------------------------------------------ baseline

/** u64 fields of a ViommuSpec printed in hex (a VM YAML takes decimal, hex or sizes). */
const BASELINE_HEX = new Set(['page_size_mask', 'start', 'last', 'end', 'offered_features']);

/** A message as a VM YAML writes it: unset and oneof-bookkeeping fields dropped, addresses in hex, enums short. */
function yamlOf(v: unknown, key = ''): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => yamlOf(x, key));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k.startsWith('_')) continue;
      const y = yamlOf(x, k);
      if (y !== undefined) out[k] = y;
    }
    return out;
  }
  // offered_features 0 = the default feature set: leave it to the default
  if (key === 'offered_features' && v === '0') return undefined;
  if (typeof v === 'string' && BASELINE_HEX.has(key) && /^[0-9]+$/.test(v)) return `0x${BigInt(v).toString(16)}`;
  if (typeof v === 'string') return v.replace(/^VIOMMU_MODEL_/, '');
  return v;
}

/**
 * `ctl baseline`: the baseline as a `viommu:` block to paste into a VM YAML (with its machine),
 * then as YAML comments why each setting has its value and, per host, the backend it would use
 * and what it lacks.
 */
export function renderBaseline(r: ComputeBaselineResponse__Output, hosts: readonly string[]): string {
  const b = r.baseline;
  const model = String(b?.model ?? '').replace(/^VIOMMU_MODEL_/, '');
  const sub = model === 'VIRTIO_IOMMU' ? 'virtio' : model === 'INTEL_IOMMU' ? 'intel' : model === 'SMMUV3' ? 'smmuv3' : '';
  const names = Object.keys(r.backend_plan);
  const doc = { machine: r.machine, viommu: { model, ...(sub && b ? { [sub]: yamlOf((b as unknown as Record<string, unknown>)[sub]) } : {}) } };
  const lines: string[] = [`# ComputeBaseline ${model} over ${names.join(', ') || hosts.join(', ')}: paste into a VM YAML`, YAML.stringify(doc).trimEnd()];
  if (r.reasons.length > 0) {
    lines.push('# why:');
    for (const x of r.reasons) lines.push(`#   ${x}`);
  }
  lines.push('# hosts:');
  for (const h of names) {
    lines.push(`#   ${h}: ${r.backend_plan[h]}`);
    if (r.devices[h] !== undefined) lines.push(`#     devices: ${r.devices[h]}`);
    const lacks = r.lacking[h];
    if (lacks === undefined) lines.push('#     lacks nothing');
    else for (const [i, l] of lacks.split('; ').entries()) lines.push(`#     ${i === 0 ? 'lacks: ' : '       '}${l}`);
  }
  return lines.join('\n') + '\n';
}

// ------------------------------------------------------------------ live migration

/** A byte count for progress output: `512 B`, `48.0 MiB`, `1.25 GiB` (three significant figures). */
export function bytesApprox(v: string | bigint | number): string {
  const n = BigInt(v);
  for (const [u, name] of UNITS) {
    if (n < u) continue;
    const x = Number(n) / Number(u);
    return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ${name}`;
  }
  return `${n} B`;
}

/** The Migrate phases in their order (QEMU's: setup, iterative pre-copy, stop-and-copy, device and vIOMMU state, resume). */
export const MIGRATION_PHASES = ['SETUP', 'PRECOPY', 'STOP_COPY', 'DEVICE_STATE', 'VIOMMU_STATE', 'RESUME', 'COMPLETED'] as const;

/** One Migrate progress message as the CLI shows it (MigrateResponse, decimal-string u64s). */
export interface MigrateProgressView {
  phase: string;
  round: number;
  bytes_sent: string;
  dirty_pages: string;
  downtime_ms: string;
  remaining_bytes: string;
  detail: string;
}

/**
 * `ctl migrate` without a terminal: one line per progress message, the phase first, e.g.
 * `PRECOPY       round 2  sent 48.0 MiB  dirty 311 pages  remaining 1.21 MiB  round 2: 63.9 MB/s, ...`
 * or `FAILED        sent 12.0 MiB: destination vmm: ...`.
 */
export function migrateLine(m: MigrateProgressView): string {
  const parts = [m.phase.padEnd(12)];
  if (m.phase === 'PRECOPY') parts.push(`round ${m.round}`);
  parts.push(`sent ${bytesApprox(m.bytes_sent)}`);
  if (m.phase === 'PRECOPY') parts.push(`dirty ${m.dirty_pages} pages`, `remaining ${bytesApprox(m.remaining_bytes)}`);
  if (m.phase === 'COMPLETED') parts.push(`${m.round} round${m.round === 1 ? '' : 's'}`, `downtime ${m.downtime_ms} ms`);
  const head = parts.join('  ');
  // the detail only where it adds to the fields (COMPLETED's is its downtime)
  if (!m.detail || head.endsWith(m.detail)) return head;
  return m.phase === 'FAILED' ? `${head}: ${m.detail}` : `${head}  ${m.detail}`;
}

/**
 * How far a migration is, 0..1, from its last progress message: SETUP 0; PRECOPY from 0.05 to 0.8
 * by the share of RAM-plus-device bytes sent of what was sent plus what remains (`ramBytes` bounds
 * it before the first estimate); then the stop-and-copy phases in steps; COMPLETED 1.
 */
export function migrateFraction(m: MigrateProgressView, ramBytes: bigint): number {
  switch (m.phase) {
    case 'SETUP':
      return 0;
    case 'PRECOPY': {
      const sent = Number(BigInt(m.bytes_sent));
      const total = sent + Number(BigInt(m.remaining_bytes));
      const share = total > 0 ? sent / total : ramBytes > 0n ? Math.min(1, sent / Number(ramBytes)) : 0;
      return 0.05 + 0.75 * share;
    }
    case 'STOP_COPY':
      return 0.85;
    case 'DEVICE_STATE':
      return 0.9;
    case 'VIOMMU_STATE':
      return 0.95;
    case 'RESUME':
      return 0.98;
    case 'COMPLETED':
      return 1;
    default:
      return 0;
  }
}

/**
 * `ctl migrate` on a terminal: one line redrawn in place (no newline), a bar of `width` cells,
 * the phase, the round and the bytes sent: `[##########--------------]  40%  PRECOPY round 2  sent 48.0 MiB`.
 */
export function migrateBar(m: MigrateProgressView, ramBytes: bigint, width = 24): string {
  const f = Math.max(0, Math.min(1, migrateFraction(m, ramBytes)));
  const filled = Math.round(f * width);
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const round = m.phase === 'PRECOPY' ? ` round ${m.round}` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}  ${m.phase}${round}  sent ${bytesApprox(m.bytes_sent)}`;
}

/**
 * `ctl vm check-migration`: whether VM `vm` can move to the vmm at `to`, every violation (one a
 * line, as CheckMigration words them) and the plan (per assigned device: backend, VFIO path and
 * DMA dirty tracking on the destination).
 */
export function renderCheckMigration(vm: string, to: string, r: { compatible: boolean; violations: readonly string[]; plan: Readonly<Record<string, string>> }): string {
  let out = `VM ${vm} → vmm at ${to}: ${r.compatible ? 'compatible' : `NOT compatible (${r.violations.length} violation${r.violations.length === 1 ? '' : 's'})`}\n`;
  for (const v of r.violations) out += `  ${v}\n`;
  out += 'plan on the destination\n';
  out += table(['DEVICE', 'PLAN'], Object.entries(r.plan), '  ');
  return out;
}
