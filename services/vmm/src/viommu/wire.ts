/**
 * virtio-iommu byte layouts (OASIS virtio spec, "IOMMU device"): request structures, the
 * configuration space, PROBE properties and fault reports. Everything is packed little-endian.
 *
 * Request encoders produce the *device-readable* part only (head + request fields); the
 * device-writable part (PROBE `properties[]`, then the 4-byte tail) is a separate buffer whose
 * length the driver chooses.
 */

// ---- request types, flags, property types, fault reasons (spec names, `VIRTIO_IOMMU_` dropped) ----

export const T = { ATTACH: 1, DETACH: 2, MAP: 3, UNMAP: 4, PROBE: 5 } as const;

export const ATTACH_F_BYPASS = 1 << 0;

export const MAP_F_READ = 1 << 0;
export const MAP_F_WRITE = 1 << 1;
export const MAP_F_MMIO = 1 << 2;

export const PROBE_T_NONE = 0;
export const PROBE_T_RESV_MEM = 1;
export const PROBE_T_MASK = 0xfff;

export const RESV_MEM_T_RESERVED = 0;
export const RESV_MEM_T_MSI = 1;

export const FAULT_R_UNKNOWN = 0;
export const FAULT_R_DOMAIN = 1;
export const FAULT_R_MAPPING = 2;

export const FAULT_F_READ = 1 << 0;
export const FAULT_F_WRITE = 1 << 1;
export const FAULT_F_ADDRESS = 1 << 8;

// ---- sizes ----

export const HEAD_SIZE = 4;
export const TAIL_SIZE = 4;
/** Device-readable bytes (head included) per request type. */
export const READABLE_SIZE: Readonly<Record<number, number>> = {
  [T.ATTACH]: 20,
  [T.DETACH]: 20,
  [T.MAP]: 36,
  [T.UNMAP]: 28,
  [T.PROBE]: 72,
};
export const CONFIG_SIZE = 40;
export const FAULT_SIZE = 24;
/** A RESV_MEM property: 4-byte header + `length` (20) bytes. */
export const RESV_MEM_PROP_LENGTH = 20;
export const RESV_MEM_PROP_SIZE = 4 + RESV_MEM_PROP_LENGTH;

const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw new RangeError(`${what}: not a u32: ${v}`);
}
function checkU64(v: bigint, what: string): void {
  if (v < 0n || v > U64_MAX) throw new RangeError(`${what}: not a u64: ${v}`);
}

function head(size: number, type: number, headReserved = 0): Uint8Array {
  const b = new Uint8Array(size);
  b[0] = type;
  // head.reserved[3] (devices MUST ignore it; tests use it to prove that)
  b[1] = headReserved & 0xff;
  b[2] = (headReserved >>> 8) & 0xff;
  b[3] = (headReserved >>> 16) & 0xff;
  return b;
}

// ---- requests (device-readable parts) ----

export interface AttachFields {
  domain: number;
  endpoint: number;
  flags?: number;
  /** le32 view of `u8 reserved[4]` (device MUST reject ≠ 0). */
  reserved?: number;
  headReserved?: number;
}
export function encodeAttach(f: AttachFields): Uint8Array {
  checkU32(f.domain, 'domain');
  checkU32(f.endpoint, 'endpoint');
  const b = head(READABLE_SIZE[T.ATTACH]!, T.ATTACH, f.headReserved);
  const v = dv(b);
  v.setUint32(4, f.domain, true);
  v.setUint32(8, f.endpoint, true);
  v.setUint32(12, (f.flags ?? 0) >>> 0, true);
  v.setUint32(16, (f.reserved ?? 0) >>> 0, true);
  return b;
}

export interface DetachFields {
  domain: number;
  endpoint: number;
  /** first le32 of `u8 reserved[8]` (device MUST ignore it). */
  reserved?: number;
  headReserved?: number;
}
export function encodeDetach(f: DetachFields): Uint8Array {
  checkU32(f.domain, 'domain');
  checkU32(f.endpoint, 'endpoint');
  const b = head(READABLE_SIZE[T.DETACH]!, T.DETACH, f.headReserved);
  const v = dv(b);
  v.setUint32(4, f.domain, true);
  v.setUint32(8, f.endpoint, true);
  v.setUint32(12, (f.reserved ?? 0) >>> 0, true);
  return b;
}

export interface MapFields {
  domain: number;
  virtStart: bigint;
  virtEnd: bigint;
  physStart: bigint;
  flags: number;
  headReserved?: number;
}
export function encodeMap(f: MapFields): Uint8Array {
  checkU32(f.domain, 'domain');
  checkU64(f.virtStart, 'virt_start');
  checkU64(f.virtEnd, 'virt_end');
  checkU64(f.physStart, 'phys_start');
  const b = head(READABLE_SIZE[T.MAP]!, T.MAP, f.headReserved);
  const v = dv(b);
  v.setUint32(4, f.domain, true);
  v.setBigUint64(8, f.virtStart, true);
  v.setBigUint64(16, f.virtEnd, true);
  v.setBigUint64(24, f.physStart, true);
  v.setUint32(32, f.flags >>> 0, true);
  return b;
}

export interface UnmapFields {
  domain: number;
  virtStart: bigint;
  virtEnd: bigint;
  /** le32 view of `u8 reserved[4]`. */
  reserved?: number;
  headReserved?: number;
}
export function encodeUnmap(f: UnmapFields): Uint8Array {
  checkU32(f.domain, 'domain');
  checkU64(f.virtStart, 'virt_start');
  checkU64(f.virtEnd, 'virt_end');
  const b = head(READABLE_SIZE[T.UNMAP]!, T.UNMAP, f.headReserved);
  const v = dv(b);
  v.setUint32(4, f.domain, true);
  v.setBigUint64(8, f.virtStart, true);
  v.setBigUint64(16, f.virtEnd, true);
  v.setUint32(24, (f.reserved ?? 0) >>> 0, true);
  return b;
}

export interface ProbeFields {
  endpoint: number;
  /** value written into every byte of `u8 reserved[64]` (device MUST ignore it). */
  reservedFill?: number;
  headReserved?: number;
}
export function encodeProbe(f: ProbeFields): Uint8Array {
  checkU32(f.endpoint, 'endpoint');
  const b = head(READABLE_SIZE[T.PROBE]!, T.PROBE, f.headReserved);
  dv(b).setUint32(4, f.endpoint, true);
  if (f.reservedFill) b.fill(f.reservedFill & 0xff, 8, 72);
  return b;
}

/** Decoded device-readable part of a request whose length has been checked by the caller. */
export type DecodedRequest =
  | { type: typeof T.ATTACH; domain: number; endpoint: number; flags: number; reserved: number }
  | { type: typeof T.DETACH; domain: number; endpoint: number }
  | { type: typeof T.MAP; domain: number; virtStart: bigint; virtEnd: bigint; physStart: bigint; flags: number }
  | { type: typeof T.UNMAP; domain: number; virtStart: bigint; virtEnd: bigint; reserved: number }
  | { type: typeof T.PROBE; endpoint: number };

/**
 * Decode `raw` (device-readable bytes). Returns undefined for an unknown type or when `raw` is
 * shorter than the type's structure; extra trailing bytes are ignored.
 */
export function decodeRequest(raw: Uint8Array): DecodedRequest | undefined {
  if (raw.length < HEAD_SIZE) return undefined;
  const type = raw[0]!;
  const need = READABLE_SIZE[type];
  if (need === undefined || raw.length < need) return undefined;
  const v = dv(raw);
  switch (type) {
    case T.ATTACH:
      return { type, domain: v.getUint32(4, true), endpoint: v.getUint32(8, true), flags: v.getUint32(12, true), reserved: v.getUint32(16, true) };
    case T.DETACH:
      return { type, domain: v.getUint32(4, true), endpoint: v.getUint32(8, true) };
    case T.MAP:
      return {
        type,
        domain: v.getUint32(4, true),
        virtStart: v.getBigUint64(8, true),
        virtEnd: v.getBigUint64(16, true),
        physStart: v.getBigUint64(24, true),
        flags: v.getUint32(32, true),
      };
    case T.UNMAP:
      return { type, domain: v.getUint32(4, true), virtStart: v.getBigUint64(8, true), virtEnd: v.getBigUint64(16, true), reserved: v.getUint32(24, true) };
    case T.PROBE:
      return { type, endpoint: v.getUint32(4, true) };
    default:
      return undefined;
  }
}

// ---- configuration space ----

export interface ConfigFields {
  pageSizeMask: bigint;
  inputRange: { start: bigint; end: bigint };
  domainRange: { start: number; end: number };
  probeSize: number;
  bypass: number;
}
export function encodeConfig(c: ConfigFields): Uint8Array {
  const b = new Uint8Array(CONFIG_SIZE);
  const v = dv(b);
  v.setBigUint64(0, c.pageSizeMask, true);
  v.setBigUint64(8, c.inputRange.start, true);
  v.setBigUint64(16, c.inputRange.end, true);
  v.setUint32(24, c.domainRange.start, true);
  v.setUint32(28, c.domainRange.end, true);
  v.setUint32(32, c.probeSize, true);
  b[36] = c.bypass;
  return b;
}
export function decodeConfig(b: Uint8Array): ConfigFields {
  if (b.length < CONFIG_SIZE) throw new RangeError(`virtio_iommu_config is ${CONFIG_SIZE} bytes, got ${b.length}`);
  const v = dv(b);
  return {
    pageSizeMask: v.getBigUint64(0, true),
    inputRange: { start: v.getBigUint64(8, true), end: v.getBigUint64(16, true) },
    domainRange: { start: v.getUint32(24, true), end: v.getUint32(28, true) },
    probeSize: v.getUint32(32, true),
    bypass: b[36]!,
  };
}

// ---- PROBE properties ----

/** Write one RESV_MEM property at `off` of `out`; returns the offset of the next property. */
export function writeResvMem(out: Uint8Array, off: number, r: { subtype: number; start: bigint; end: bigint }): number {
  const v = dv(out);
  v.setUint16(off, PROBE_T_RESV_MEM, true); // type:12 = 1, reserved:4 = 0
  v.setUint16(off + 2, RESV_MEM_PROP_LENGTH, true);
  out[off + 4] = r.subtype;
  out[off + 5] = 0;
  out[off + 6] = 0;
  out[off + 7] = 0;
  v.setBigUint64(off + 8, r.start, true);
  v.setBigUint64(off + 16, r.end, true);
  return off + RESV_MEM_PROP_SIZE;
}

export interface ProbeProperty {
  type: number;
  /** the 4 reserved bits of the type word */
  reserved: number;
  length: number;
  /** RESV_MEM only */
  subtype?: number;
  start?: bigint;
  end?: bigint;
}

/**
 * Parse a `properties[]` buffer the way the spec tells a driver to: walk `length + 4` strides
 * until a type-0 property or the end of the buffer; a property that does not fit is dropped.
 */
export function decodeProbeProperties(buf: Uint8Array): ProbeProperty[] {
  const out: ProbeProperty[] = [];
  const v = dv(buf);
  let off = 0;
  while (off + 4 <= buf.length) {
    const word = v.getUint16(off, true);
    const type = word & PROBE_T_MASK;
    if (type === PROBE_T_NONE) break;
    const length = v.getUint16(off + 2, true);
    if (off + 4 + length > buf.length) break;
    const p: ProbeProperty = { type, reserved: word >>> 12, length };
    if (type === PROBE_T_RESV_MEM && length >= RESV_MEM_PROP_LENGTH) {
      p.subtype = buf[off + 4]!;
      p.start = v.getBigUint64(off + 8, true);
      p.end = v.getBigUint64(off + 16, true);
    }
    out.push(p);
    off += 4 + length;
  }
  return out;
}

// ---- fault reports ----

export interface FaultFields {
  reason: number;
  flags: number;
  endpoint: number;
  address: bigint;
}
export function encodeFault(f: FaultFields): Uint8Array {
  checkU32(f.endpoint, 'endpoint');
  checkU64(f.address, 'address');
  const b = new Uint8Array(FAULT_SIZE);
  const v = dv(b);
  b[0] = f.reason;
  v.setUint32(4, f.flags >>> 0, true);
  v.setUint32(8, f.endpoint, true);
  // reserved1 (12..15) stays zero
  v.setBigUint64(16, f.address, true);
  return b;
}
export function decodeFault(b: Uint8Array): FaultFields & { reserved: number; reserved1: number } {
  if (b.length < FAULT_SIZE) throw new RangeError(`virtio_iommu_fault is ${FAULT_SIZE} bytes, got ${b.length}`);
  const v = dv(b);
  return {
    reason: b[0]!,
    reserved: b[1]! | (b[2]! << 8) | (b[3]! << 16),
    flags: v.getUint32(4, true),
    endpoint: v.getUint32(8, true),
    reserved1: v.getUint32(12, true),
    address: v.getBigUint64(16, true),
  };
}
