/**
 * Output of the `iommu-twin ctl` and `demo` commands: aligned text tables for people, JSON for
 * scripts (u64 as decimal strings, bytes as lowercase hex), and the one-line error form
 * `iommu-twin: <STATUS> <reason>: <message>`.
 */
import * as grpc from '@grpc/grpc-js';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import type { DescribeResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/DescribeResponse.js';
import type { InspectResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/InspectResponse.js';
import type { WatchEventsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WatchEventsResponse.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';

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
      v.host_objects_lost ? v.message : '',
    ]),
  );
}

/** `ctl vm get|create|start`: one VM with its devices and host objects. */
export function renderVm(v: VmInfo__Output): string {
  const s = v.spec;
  let out = `VM ${s?.name ?? '?'}: ${shortEnum(v.state, 'VM_STATE_')}, host pid ${v.host_pid}, ${bytesText(s?.memory_bytes ?? '0')} RAM (${s?.machine ?? '?'})`;
  out += `, vIOMMU ${shortEnum(s?.viommu?.model ?? '', 'VIOMMU_MODEL_')}`;
  if (v.ram_fd >= 0 && v.state === 'VM_STATE_RUNNING') out += `, guest RAM memfd fd ${v.ram_fd} at ${hex(v.ram_va)}`;
  out += '\n';
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
  const f = e.virtio_fault;
  if (!f) return `#${e.sequence}  (unknown event)\n`;
  return `#${e.sequence}  VIRTIO_FAULT  ${virtioFaultReason(f.reason)}  endpoint ${hex(f.endpoint)}  flags ${virtioFaultFlags(f.flags)}  address ${hex(f.address)}\n`;
}
