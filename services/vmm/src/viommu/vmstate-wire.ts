/**
 * The byte layout of a vIOMMU's migration state, shaped as one device section of QEMU's migration
 * stream (migration/savevm.c, migration/vmstate.c): file magic "QEVM" and version 3, a
 * QEMU_VM_SECTION_FULL header (section id, idstr, instance id, version id), the fields big-endian
 * in VMStateDescription order, subsections (QEMU_VM_SUBSECTION, name, version, fields), the
 * section footer and QEMU_VM_EOF. The twin adds a CRC-32 of everything before it, so altered or
 * truncated bytes are refused before any field is believed.
 *
 * Decoding is strict: every read is bounds-checked, counts are checked against the bytes left
 * before anything is allocated (a count never sizes work beyond the bytes received), unknown
 * subsections and trailing bytes are refused. Errors are DomainError INVALID_ARGUMENT with the
 * reason VMSTATE_CORRUPT (checksum, framing), VMSTATE_WRONG_DEVICE (another device's section),
 * VMSTATE_VERSION (a version this model cannot load) or VMSTATE_INVALID (a field value the model
 * could never hold); the models add VMSTATE_CONFIG_MISMATCH (bytes of a differently configured
 * device).
 */
import { crc32 } from 'node:zlib';
import { DomainError } from '#libs/errno/index.js';
import { U64_MAX } from '#libs/u64/index.js';

/** QEMU_VM_FILE_MAGIC ("QEVM") and QEMU_VM_FILE_VERSION. */
export const QEMU_VM_FILE_MAGIC = 0x5145564d;
export const QEMU_VM_FILE_VERSION = 3;
/** Section and stream markers of migration/savevm.c. */
export const QEMU_VM_EOF = 0x00;
export const QEMU_VM_SECTION_FULL = 0x04;
export const QEMU_VM_SUBSECTION = 0x05;
export const QEMU_VM_SECTION_FOOTER = 0x7e;

export function vmstateError(reason: 'VMSTATE_CORRUPT' | 'VMSTATE_WRONG_DEVICE' | 'VMSTATE_VERSION' | 'VMSTATE_INVALID' | 'VMSTATE_CONFIG_MISMATCH', idstr: string, message: string): DomainError {
  return new DomainError('INVALID_ARGUMENT', reason, `${idstr} vmstate: ${message}`, { device: idstr });
}

/** Big-endian field writer (qemu_put_byte / be16 / be32 / be64). */
export class VmstateWriter {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  private len = 0;

  /** Reserve n bytes (growing the buffer) and return where they start; callers take the offset before touching buf/dv. */
  private room(n: number): number {
    if (this.len + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + n) size *= 2;
      const b = new Uint8Array(size);
      b.set(this.buf.subarray(0, this.len));
      this.buf = b;
      this.dv = new DataView(b.buffer);
    }
    const at = this.len;
    this.len += n;
    return at;
  }
  u8(v: number): this {
    const at = this.room(1);
    this.dv.setUint8(at, v);
    return this;
  }
  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }
  u16(v: number): this {
    const at = this.room(2);
    this.dv.setUint16(at, v);
    return this;
  }
  u32(v: number): this {
    const at = this.room(4);
    this.dv.setUint32(at, v >>> 0);
    return this;
  }
  u64(v: bigint): this {
    const at = this.room(8);
    this.dv.setBigUint64(at, v & U64_MAX);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }
  /** A counted string (u8 length, as idstr and subsection names). */
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    if (b.length > 255) throw new DomainError('INTERNAL', 'VMSTATE_NAME', `vmstate name '${s}' is longer than 255 bytes`);
    return this.u8(b.length).bytes(b);
  }
  get length(): number {
    return this.len;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Big-endian bounds-checked reader; `field` names what is read for the error message. */
export class VmstateReader {
  private readonly dv: DataView;
  private at = 0;

  constructor(
    private readonly b: Uint8Array,
    readonly idstr: string,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  get offset(): number {
    return this.at;
  }
  get left(): number {
    return this.b.length - this.at;
  }

  private take(n: number, field: string): number {
    if (n > this.left) throw vmstateError('VMSTATE_CORRUPT', this.idstr, `truncated at byte ${this.at} reading ${field} (${n} bytes needed, ${this.left} left)`);
    const at = this.at;
    this.at += n;
    return at;
  }
  u8(field: string): number {
    return this.dv.getUint8(this.take(1, field));
  }
  bool(field: string): boolean {
    const v = this.u8(field);
    if (v > 1) throw vmstateError('VMSTATE_INVALID', this.idstr, `${field} is ${v}, a bool is 0 or 1`);
    return v === 1;
  }
  u16(field: string): number {
    return this.dv.getUint16(this.take(2, field));
  }
  u32(field: string): number {
    return this.dv.getUint32(this.take(4, field));
  }
  u64(field: string): bigint {
    return this.dv.getBigUint64(this.take(8, field));
  }
  bytes(n: number, field: string): Uint8Array {
    const at = this.take(n, field);
    return this.b.slice(at, at + n);
  }
  str(field: string): string {
    const n = this.u8(`${field} length`);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytes(n, field));
  }
  /** The next byte without consuming it (undefined at the end). */
  peek(): number | undefined {
    return this.at < this.b.length ? this.b[this.at] : undefined;
  }
  /**
   * A count of items of at least `minItemBytes` each: refused when the bytes left cannot hold
   * them, so a forged count never sizes an allocation or a loop.
   */
  count(field: string, minItemBytes: number): number {
    const n = this.u32(field);
    if (n * minItemBytes > this.left) throw vmstateError('VMSTATE_CORRUPT', this.idstr, `${field} says ${n} items, only ${this.left} bytes left`);
    return n;
  }
}

export interface VmstateSection {
  /** QEMU's VMStateDescription name (the section idstr) */
  idstr: string;
  version: number;
  /** the top-level fields */
  fields: (w: VmstateWriter) => void;
  /** subsections present (QEMU sends one only when its `.needed` says so), in description order */
  subsections: Array<{ name: string; version: number; fields: (w: VmstateWriter) => void }>;
}

/** One device section in a stream of its own, with the twin's CRC-32 trailer. */
export function encodeSection(s: VmstateSection): Uint8Array {
  const w = new VmstateWriter();
  w.u32(QEMU_VM_FILE_MAGIC).u32(QEMU_VM_FILE_VERSION);
  w.u8(QEMU_VM_SECTION_FULL).u32(0).str(s.idstr).u32(0).u32(s.version);
  s.fields(w);
  for (const sub of s.subsections) {
    w.u8(QEMU_VM_SUBSECTION).str(sub.name).u32(sub.version);
    sub.fields(w);
  }
  w.u8(QEMU_VM_SECTION_FOOTER).u32(0);
  w.u8(QEMU_VM_EOF);
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body) >>> 0);
  return out;
}

export interface SectionDecoder<T> {
  idstr: string;
  /** QEMU's version_id and minimum_version_id */
  version: number;
  minimumVersion: number;
  fields: (r: VmstateReader, version: number) => T;
  /** subsection name → its loader (version checked against `version` of the entry) */
  subsections: ReadonlyMap<string, { version: number; load: (r: VmstateReader, into: T) => void }>;
}

/**
 * Decode one section made by `encodeSection`: checksum first, then framing, the idstr (another
 * device's bytes → VMSTATE_WRONG_DEVICE), the version window, fields, subsections (each at most
 * once, known names only), footer, EOF, and nothing after.
 */
export function decodeSection<T>(bytes: Uint8Array, d: SectionDecoder<T>): T {
  const MIN = 8 + 1 + 4 + 1 + 4 + 4 + 1 + 4 + 1 + 4;
  if (!(bytes instanceof Uint8Array)) throw vmstateError('VMSTATE_CORRUPT', d.idstr, 'state is not a byte array');
  if (bytes.length < MIN) throw vmstateError('VMSTATE_CORRUPT', d.idstr, `${bytes.length} bytes: shorter than the smallest section (${MIN})`);
  const head = new VmstateReader(bytes, d.idstr);
  if (head.u32('file magic') !== QEMU_VM_FILE_MAGIC) throw vmstateError('VMSTATE_CORRUPT', d.idstr, 'not a migration stream (file magic is not QEVM)');
  const body = bytes.subarray(0, bytes.length - 4);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0);
  const actual = crc32(body) >>> 0;
  if (stored !== actual) {
    throw vmstateError('VMSTATE_CORRUPT', d.idstr, `checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)}): the bytes were altered or truncated`);
  }
  const r = new VmstateReader(body, d.idstr);
  r.u32('file magic');
  const fileVersion = r.u32('file version');
  if (fileVersion !== QEMU_VM_FILE_VERSION) throw vmstateError('VMSTATE_VERSION', d.idstr, `stream version ${fileVersion}, expected ${QEMU_VM_FILE_VERSION}`);
  const kind = r.u8('section type');
  if (kind !== QEMU_VM_SECTION_FULL) throw vmstateError('VMSTATE_CORRUPT', d.idstr, `section type 0x${kind.toString(16)}, expected QEMU_VM_SECTION_FULL`);
  const sectionId = r.u32('section id');
  const idstr = r.str('idstr');
  if (idstr !== d.idstr) throw vmstateError('VMSTATE_WRONG_DEVICE', d.idstr, `the bytes are a '${idstr}' section, this device loads '${d.idstr}'`);
  const instance = r.u32('instance id');
  if (instance !== 0) throw vmstateError('VMSTATE_INVALID', d.idstr, `instance id ${instance}: the machine has one ${d.idstr} (instance 0)`);
  const version = r.u32('version id');
  if (version < d.minimumVersion || version > d.version) {
    throw vmstateError('VMSTATE_VERSION', d.idstr, `version ${version} outside what this model loads [${d.minimumVersion}, ${d.version}]`);
  }
  const out = d.fields(r, version);
  const seen = new Set<string>();
  while (r.peek() === QEMU_VM_SUBSECTION) {
    r.u8('subsection marker');
    const name = r.str('subsection name');
    const sub = d.subsections.get(name);
    if (sub === undefined) throw vmstateError('VMSTATE_INVALID', d.idstr, `unknown subsection '${name}'`);
    if (seen.has(name)) throw vmstateError('VMSTATE_INVALID', d.idstr, `subsection '${name}' appears twice`);
    seen.add(name);
    const v = r.u32(`${name} version`);
    if (v !== sub.version) throw vmstateError('VMSTATE_VERSION', d.idstr, `subsection '${name}' version ${v}, this model loads ${sub.version}`);
    sub.load(r, out);
  }
  const footer = r.u8('section footer');
  if (footer !== QEMU_VM_SECTION_FOOTER) throw vmstateError('VMSTATE_CORRUPT', d.idstr, `byte 0x${footer.toString(16)} where the section footer belongs (more fields than this version has?)`);
  const footerId = r.u32('footer section id');
  if (footerId !== sectionId) throw vmstateError('VMSTATE_CORRUPT', d.idstr, `footer names section ${footerId}, the header ${sectionId}`);
  const eof = r.u8('end of stream');
  if (eof !== QEMU_VM_EOF) throw vmstateError('VMSTATE_CORRUPT', d.idstr, `byte 0x${eof.toString(16)} where QEMU_VM_EOF belongs`);
  if (r.left !== 0) throw vmstateError('VMSTATE_CORRUPT', d.idstr, `${r.left} bytes after the end of the stream`);
  return out;
}

/**
 * Whether a decoded image may load: refused with VMSTATE_CONFIG_MISMATCH listing every
 * configuration difference, else with VMSTATE_INVALID listing every field the device could not
 * hold (`state` is only asked when the configuration matches); the error's metadata carries the
 * list (`violations`, JSON) and its `count`. Returns when both lists are empty.
 */
export function refuseViolations(idstr: string, config: () => string[], state: () => string[]): void {
  let bad = config();
  let reason: 'VMSTATE_CONFIG_MISMATCH' | 'VMSTATE_INVALID' = 'VMSTATE_CONFIG_MISMATCH';
  if (bad.length === 0) {
    bad = state();
    reason = 'VMSTATE_INVALID';
  }
  if (bad.length > 0) {
    const e = vmstateError(reason, idstr, bad.join('; '));
    throw new DomainError(e.status, e.reason, e.message, { ...e.metadata, violations: JSON.stringify(bad), count: String(bad.length) });
  }
}
