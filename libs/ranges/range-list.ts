/**
 * Helpers for lists of inclusive u64 ranges `{start, last}` (IOVA_RANGES output, allowed lists,
 * aperture/reserved arithmetic). Every function accepts ranges in any order, possibly
 * overlapping, and returns a new sorted list of disjoint, non-adjacent ranges (the normal form).
 * Inputs are never mutated. Ranges must satisfy `0 <= start <= last <= 2^64-1` (RangeError
 * otherwise).
 */
import type { Range } from './interval-tree.js';

const U64_MAX = (1n << 64n) - 1n;

function check(r: Range): void {
  if (r.start < 0n || r.last > U64_MAX || r.start > r.last) {
    throw new RangeError(`[${r.start}, ${r.last}] is not a u64 range with start <= last`);
  }
}

/** Sort and merge overlapping or adjacent ranges. */
export function normalize(ranges: Iterable<Range>): Range[] {
  const sorted: Range[] = [];
  for (const r of ranges) {
    check(r);
    sorted.push(r);
  }
  sorted.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  let curStart = 0n;
  let curLast = -1n;
  for (const r of sorted) {
    if (curLast >= 0n && r.start <= curLast + 1n) {
      if (r.last > curLast) curLast = r.last;
    } else {
      if (curLast >= 0n) out.push({ start: curStart, last: curLast });
      curStart = r.start;
      curLast = r.last;
    }
  }
  if (curLast >= 0n) out.push({ start: curStart, last: curLast });
  return out;
}

/** The parts of `[lo, hi]` not covered by `ranges` (empty when lo > hi). */
export function complement(ranges: Iterable<Range>, lo: bigint, hi: bigint): Range[] {
  if (lo > hi) return [];
  check({ start: lo, last: hi });
  const out: Range[] = [];
  let cursor = lo;
  for (const r of normalize(ranges)) {
    if (r.last < cursor) continue;
    if (r.start > hi) break;
    if (r.start > cursor) out.push({ start: cursor, last: r.start - 1n });
    if (r.last >= hi) return out;
    cursor = r.last + 1n;
  }
  out.push({ start: cursor, last: hi });
  return out;
}

/** `a` minus `b`. */
export function subtract(a: Iterable<Range>, b: Iterable<Range>): Range[] {
  const nb = normalize(b);
  const out: Range[] = [];
  for (const r of normalize(a)) {
    for (const piece of complement(nb, r.start, r.last)) out.push(piece);
  }
  return out;
}

/** The intersection of the unions of `a` and `b`. */
export function intersect(a: Iterable<Range>, b: Iterable<Range>): Range[] {
  const na = normalize(a);
  const nb = normalize(b);
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < na.length && j < nb.length) {
    const x = na[i]!;
    const y = nb[j]!;
    const s = x.start > y.start ? x.start : y.start;
    const l = x.last < y.last ? x.last : y.last;
    if (s <= l) out.push({ start: s, last: l });
    if (x.last < y.last) i++;
    else j++;
  }
  return out;
}

/** The union of several lists. */
export function union(...lists: Iterable<Range>[]): Range[] {
  const all: Range[] = [];
  for (const l of lists) for (const r of l) all.push(r);
  return normalize(all);
}

/** True when some range of `ranges` intersects `[start, last]`. */
export function intersects(ranges: Iterable<Range>, start: bigint, last: bigint): boolean {
  if (start > last) return false;
  for (const r of ranges) {
    if (r.start <= last && start <= r.last) return true;
  }
  return false;
}

/** True when `[start, last]` is entirely covered by the union of `ranges`. */
export function covers(ranges: Iterable<Range>, start: bigint, last: bigint): boolean {
  if (start > last) return false;
  for (const r of normalize(ranges)) {
    if (r.start <= start && last <= r.last) return true;
  }
  return false;
}

/** Number of addresses in the union (up to 2^64). */
export function totalLength(ranges: Iterable<Range>): bigint {
  let sum = 0n;
  for (const r of normalize(ranges)) sum += r.last - r.start + 1n;
  return sum;
}

/**
 * True when two ranges of the list intersect each other (adjacent ranges do not); the
 * ALLOW_IOVAS "ranges overlapping each other" check.
 */
export function hasOverlap(ranges: Iterable<Range>): boolean {
  const sorted: Range[] = [];
  for (const r of ranges) {
    check(r);
    sorted.push(r);
  }
  sorted.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    // Sorted by start: an overlap exists iff some range starts at or before its predecessor's last
    // (the predecessor chain has no overlaps so far, so lasts are increasing).
    if (sorted[i]!.start <= sorted[i - 1]!.last) return true;
  }
  return false;
}
