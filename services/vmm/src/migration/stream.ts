/**
 * The vmm → vmm live-migration stream (Vmm.ReceiveMigration): the chunks of the client stream
 * carry records `[u8 type][u32 BE length][payload]`, split across chunks at any byte (the
 * receiver reassembles them). Record types, in the order the source sends them (QEMU's order,
 * migration/savevm.c + ram.c + hw/vfio/migration.c):
 *
 *   HEADER  u32 BE stream version, then UTF-8 JSON {spec, host, ram: [{gpa, size}]}: the VmSpec
 *           the destination must have, the source host's name and the guest-RAM layout
 *   RAM     u64 BE GPA, then a run of guest RAM (whole 4 KiB pages, or up to the end of a range)
 *   DEVICE  u16 BE id length, the device id (UTF-8), then bytes read from its VFIO data fd (in order)
 *   VIOMMU  the vIOMMU's vmstate section (viommu/*vmstate.ts)
 *   VIRTIO  UTF-8 JSON [{id, driverFeatures (hex), featuresOk, status}]: each virtio device's state
 *   END     empty: everything was sent; the destination resumes and answers
 *
 * Decoding is strict and bounded: a record's length is checked against MAX_RECORD before any
 * byte of it is buffered, so a hostile peer cannot make the receiver hold more than one record
 * plus one chunk; every field is checked by the destination against the VM's own layout.
 */
import { DomainError } from '#libs/errno/index.js';

export const MIGRATION_STREAM_VERSION = 1;

export const REC = { HEADER: 1, RAM: 2, DEVICE: 3, VIOMMU: 4, VIRTIO: 5, END: 6 } as const;
export type RecordType = (typeof REC)[keyof typeof REC];
const TYPE_NAMES = new Map<number, string>(Object.entries(REC).map(([k, v]) => [v, k]));

/**
 * The vmm server's HTTP/2 receive windows (libs/rpc createServer `receiveWindow`): a migration
 * stream keeps several 1 MiB chunks in flight instead of Node's default 64 KiB, so the source does
 * not wait for the destination's WINDOW_UPDATEs between chunks. What a client has sent and the
 * vmm has not read stays bounded by the connection window.
 */
export const MIGRATION_RECEIVE_WINDOW = { stream: 16 << 20, connection: 32 << 20 } as const;

/** A record's payload at most (a RAM run of 1 MiB plus its GPA, a device data chunk, a vmstate). */
export const MAX_RECORD = (4 << 20) + 64;
/** Bytes of guest RAM one RAM record carries at most. */
export const RAM_RUN_MAX = 1 << 20;
export const PAGE = 4096;

export function recordTypeName(t: number): string {
  return TYPE_NAMES.get(t) ?? `type ${t}`;
}

export function streamError(message: string, meta: Record<string, string> = {}): DomainError {
  return new DomainError('INVALID_ARGUMENT', 'MIGRATION_STREAM_INVALID', `migration stream: ${message}`, meta);
}

/** One record: the 5-byte head then the payload. */
export function encodeRecord(type: RecordType, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_RECORD) throw new DomainError('INTERNAL', 'MIGRATION_RECORD_TOO_LARGE', `${recordTypeName(type)} record of ${payload.length} bytes (at most ${MAX_RECORD})`);
  const out = new Uint8Array(5 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, type);
  dv.setUint32(1, payload.length, false);
  out.set(payload, 5);
  return out;
}

export interface HeaderRecord {
  version: number;
  /** the VmSpec message as VmInfo.spec carries it */
  spec: unknown;
  host: string;
  ram: Array<{ gpa: bigint; size: bigint }>;
}

export function encodeHeader(h: Omit<HeaderRecord, 'version'>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ spec: h.spec, host: h.host, ram: h.ram.map((r) => ({ gpa: r.gpa.toString(), size: r.size.toString() })) }));
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, MIGRATION_STREAM_VERSION, false);
  out.set(json, 4);
  return encodeRecord(REC.HEADER, out);
}

const DEC = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(DEC.decode(bytes)) as unknown;
  } catch (e) {
    throw streamError(`${what} is not UTF-8 JSON (${(e as Error).message})`);
  }
}

function decimal(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]{1,20}$/.test(v)) throw streamError(`${what}: a decimal u64 string`);
  const n = BigInt(v);
  if (n >= 1n << 64n) throw streamError(`${what}: above 2^64`);
  return n;
}

export function decodeHeader(p: Uint8Array): HeaderRecord {
  if (p.length < 4) throw streamError('HEADER shorter than its version');
  const version = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(0, false);
  if (version !== MIGRATION_STREAM_VERSION) throw new DomainError('INVALID_ARGUMENT', 'MIGRATION_STREAM_VERSION', `migration stream version ${version}: this vmm reads version ${MIGRATION_STREAM_VERSION}`);
  const j = parseJson(p.subarray(4), 'HEADER');
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw streamError('HEADER is not an object');
  const o = j as { spec?: unknown; host?: unknown; ram?: unknown };
  if (o.spec === null || typeof o.spec !== 'object') throw streamError('HEADER has no spec');
  if (typeof o.host !== 'string') throw streamError('HEADER has no host name');
  if (!Array.isArray(o.ram) || o.ram.length > 64) throw streamError('HEADER ram: a list of at most 64 ranges');
  const ram = o.ram.map((r: unknown, i) => {
    const x = (r ?? {}) as { gpa?: unknown; size?: unknown };
    return { gpa: decimal(x.gpa, `ram[${i}].gpa`), size: decimal(x.size, `ram[${i}].size`) };
  });
  return { version, spec: o.spec, host: o.host, ram };
}

/** The 13 bytes in front of a RAM record's pages: the record head and the GPA. */
export function ramHead(gpa: bigint, length: number): Uint8Array {
  const h = new Uint8Array(13);
  const dv = new DataView(h.buffer);
  dv.setUint8(0, REC.RAM);
  dv.setUint32(1, 8 + length, false);
  dv.setBigUint64(5, gpa, false);
  return h;
}

export function encodeRam(gpa: bigint, data: Uint8Array): Uint8Array {
  return Buffer.concat([ramHead(gpa, data.length), data]);
}

export function decodeRam(p: Uint8Array): { gpa: bigint; data: Uint8Array } {
  if (p.length <= 8) throw streamError('RAM record without pages');
  const gpa = new DataView(p.buffer, p.byteOffset, p.byteLength).getBigUint64(0, false);
  const data = p.subarray(8);
  if (data.length > RAM_RUN_MAX) throw streamError(`RAM record of ${data.length} bytes (at most ${RAM_RUN_MAX})`);
  if (gpa % BigInt(PAGE) !== 0n) throw streamError(`RAM record at GPA 0x${gpa.toString(16)}: not 4 KiB aligned`);
  return { gpa, data };
}

export function encodeDevice(id: string, data: Uint8Array): Uint8Array {
  const idb = new TextEncoder().encode(id);
  const p = new Uint8Array(2 + idb.length + data.length);
  new DataView(p.buffer).setUint16(0, idb.length, false);
  p.set(idb, 2);
  p.set(data, 2 + idb.length);
  return encodeRecord(REC.DEVICE, p);
}

export function decodeDevice(p: Uint8Array): { id: string; data: Uint8Array } {
  if (p.length < 2) throw streamError('DEVICE record shorter than its id length');
  const n = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint16(0, false);
  if (n === 0 || 2 + n > p.length) throw streamError(`DEVICE record id of ${n} bytes in a ${p.length}-byte record`);
  let id: string;
  try {
    id = DEC.decode(p.subarray(2, 2 + n));
  } catch {
    throw streamError('DEVICE record id is not UTF-8');
  }
  return { id, data: p.subarray(2 + n) };
}

export interface VirtioDeviceState {
  id: string;
  driverFeatures: bigint;
  featuresOk: boolean;
  status: number;
}

export function encodeVirtio(devs: readonly VirtioDeviceState[]): Uint8Array {
  const json = JSON.stringify(devs.map((d) => ({ id: d.id, driverFeatures: d.driverFeatures.toString(16), featuresOk: d.featuresOk, status: d.status })));
  return encodeRecord(REC.VIRTIO, new TextEncoder().encode(json));
}

export function decodeVirtio(p: Uint8Array): VirtioDeviceState[] {
  const j = parseJson(p, 'VIRTIO');
  if (!Array.isArray(j) || j.length > 1024) throw streamError('VIRTIO: a list of at most 1024 devices');
  return j.map((x: unknown, i) => {
    const o = (x ?? {}) as Record<string, unknown>;
    if (typeof o.id !== 'string') throw streamError(`VIRTIO[${i}] has no id`);
    if (typeof o.driverFeatures !== 'string' || !/^[0-9a-f]{1,16}$/.test(o.driverFeatures)) throw streamError(`VIRTIO[${i}].driverFeatures: hex u64`);
    if (typeof o.featuresOk !== 'boolean') throw streamError(`VIRTIO[${i}].featuresOk: a boolean`);
    if (typeof o.status !== 'number' || !Number.isInteger(o.status) || o.status < 0 || o.status > 0xff) throw streamError(`VIRTIO[${i}].status: a byte`);
    return { id: o.id, driverFeatures: BigInt(`0x${o.driverFeatures}`), featuresOk: o.featuresOk, status: o.status };
  });
}

/** A record head's type and length, refused before any body byte is buffered; `at` is the head's stream offset. */
function checkHead(type: number, len: number, at: number): void {
  if (!TYPE_NAMES.has(type)) throw streamError(`unknown record type ${type} at byte ${at}`);
  if (len > MAX_RECORD) throw streamError(`${recordTypeName(type)} record announces ${len} bytes (at most ${MAX_RECORD})`);
}

/**
 * Reassembles records from chunks. `push` returns the records completed by a chunk; a record
 * head announcing more than MAX_RECORD (or an unknown type) is refused before its bytes arrive.
 */
export class RecordReader {
  private head = new Uint8Array(5);
  private headLen = 0;
  private body: Uint8Array | undefined;
  private bodyLen = 0;
  private type = 0;
  /** bytes received so far */
  received = 0;

  push(chunk: Uint8Array): Array<{ type: RecordType; payload: Uint8Array }> {
    const out: Array<{ type: RecordType; payload: Uint8Array }> = [];
    let i = 0;
    this.received += chunk.length;
    while (i < chunk.length) {
      if (this.body === undefined && this.headLen === 0 && chunk.length - i >= 5) {
        // a record wholly inside the chunk (the sender cuts chunks at record boundaries): its
        // payload is a view of the chunk, not a copy
        const type = chunk[i]!;
        const len = ((chunk[i + 1]! << 24) | (chunk[i + 2]! << 16) | (chunk[i + 3]! << 8) | chunk[i + 4]!) >>> 0;
        checkHead(type, len, this.received - (chunk.length - i));
        if (chunk.length - i - 5 >= len) {
          out.push({ type: type as RecordType, payload: chunk.subarray(i + 5, i + 5 + len) });
          i += 5 + len;
          continue;
        }
      }
      if (this.body === undefined) {
        const n = Math.min(5 - this.headLen, chunk.length - i);
        this.head.set(chunk.subarray(i, i + n), this.headLen);
        this.headLen += n;
        i += n;
        if (this.headLen < 5) break;
        const dv = new DataView(this.head.buffer);
        this.type = dv.getUint8(0);
        const len = dv.getUint32(1, false);
        checkHead(this.type, len, this.received - (chunk.length - i) - 5);
        this.body = new Uint8Array(len);
        this.bodyLen = 0;
        if (len === 0) {
          out.push({ type: this.type as RecordType, payload: this.body });
          this.body = undefined;
          this.headLen = 0;
          continue;
        }
      }
      const n = Math.min(this.body.length - this.bodyLen, chunk.length - i);
      this.body.set(chunk.subarray(i, i + n), this.bodyLen);
      this.bodyLen += n;
      i += n;
      if (this.bodyLen === this.body.length) {
        out.push({ type: this.type as RecordType, payload: this.body });
        this.body = undefined;
        this.headLen = 0;
      }
    }
    return out;
  }

  /** Whether the stream stopped at a record boundary. */
  get atBoundary(): boolean {
    return this.body === undefined && this.headLen === 0;
  }
}
