/**
 * u64 arithmetic and wire conversion. Addresses and lengths are u64: decimal strings on the
 * wire, `bigint` in bookkeeping. This module is the only place that converts between them.
 */

export const U64_MAX = (1n << 64n) - 1n;
/** ULONG_MAX on a 64-bit kernel. */
export const ULONG_MAX = U64_MAX;
export const SIZE_MAX = U64_MAX;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096n;
export const PAGE_SIZE_NUM = 4096;

export class U64FormatError extends Error {
  constructor(readonly field: string, readonly value: unknown) {
    super(`${field}: not a u64: ${String(value)}`);
  }
}

/** Wire → bigint. Accepts decimal strings (the `longs: String` wire form), safe integers and bigints. */
export function parseU64(value: unknown, field = 'value'): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new U64FormatError(field, value);
    v = BigInt(value);
  } else if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') v = 0n;
    else if (/^[0-9]+$/.test(s)) v = BigInt(s);
    else if (/^0x[0-9a-fA-F]+$/.test(s)) v = BigInt(s);
    else throw new U64FormatError(field, value);
  } else if (value === undefined || value === null) v = 0n;
  else if (typeof value === 'object' && value !== null && 'toString' in value) {
    // protobufjs Long objects
    return parseU64(String(value), field);
  } else throw new U64FormatError(field, value);
  if (v < 0n || v > U64_MAX) throw new U64FormatError(field, value);
  return v;
}

/** bigint → wire (decimal string). */
export function u64(v: bigint): string {
  if (v < 0n || v > U64_MAX) throw new RangeError(`not a u64: ${v}`);
  return v.toString(10);
}

export function hex(v: bigint | number): string {
  return '0x' + v.toString(16);
}

export function isAligned(v: bigint, align: bigint): boolean {
  return align <= 1n ? true : v % align === 0n;
}
export function alignDown(v: bigint, align: bigint): bigint {
  return align <= 1n ? v : v - (v % align);
}
/** Align up; returns undefined when the result would exceed U64_MAX. */
export function alignUp(v: bigint, align: bigint): bigint | undefined {
  if (align <= 1n) return v;
  const r = v % align;
  if (r === 0n) return v;
  const out = v + (align - r);
  return out > U64_MAX ? undefined : out;
}

/** last = start + length - 1; undefined on u64 overflow (the kernel's check_add_overflow). */
export function lastOf(start: bigint, length: bigint): bigint | undefined {
  if (length === 0n) return undefined;
  const last = start + length - 1n;
  return last > U64_MAX ? undefined : last;
}

export function addOverflows(a: bigint, b: bigint): boolean {
  return a + b > U64_MAX;
}

export function isPow2(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

export function roundupPow2(v: bigint): bigint {
  if (v <= 1n) return 1n;
  let p = 1n;
  while (p < v) p <<= 1n;
  return p;
}

/** Value of the lowest set bit (0 for 0). */
export function lowestSetBit(v: bigint): bigint {
  return v === 0n ? 0n : v & -v;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Page frame number of a byte address; exact as a `number` for any u64 address (< 2^52). */
export function pfnOf(addr: bigint): number {
  return Number(addr >> 12n);
}
export function addrOfPfn(pfn: number): bigint {
  return BigInt(pfn) << 12n;
}
/** Exact conversion of a small bigint to number; throws when it would lose precision. */
export function toSafeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`value ${v} does not fit a safe integer`);
  }
  return Number(v);
}
