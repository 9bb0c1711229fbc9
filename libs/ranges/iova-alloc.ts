/**
 * Automatic IOVA placement, the pure part of the kernel's `iopt_alloc_iova`
 * (drivers/iommu/iommufd/io_pagetable.c). errno decisions stay with the caller:
 *
 *   if (length === 0n || length >= ULONG_MAX / 2n)          → EOVERFLOW
 *   alignment = autoIovaAlignment(addr, length, maxAlign)
 *   if (alignment < iopt.iovaAlignment)                     → EINVAL
 *   iova = allocIova({ length, alignment, pageOffset: addr % PAGE_SIZE,
 *                      spans: allowed ranges, occupied: [reserved, areas] })
 *   if (iova === undefined)                                 → ENOSPC
 */
import type { IntervalTree, Range } from './interval-tree.js';
import { normalize } from './range-list.js';
import { holes } from './span.js';

const U64_MAX = (1n << 64n) - 1n;
const PAGE_SIZE = 4096n;
/** HPAGE_SIZE on x86-64 / arm64-4K with CONFIG_TRANSPARENT_HUGEPAGE (the kernel's max alignment). */
export const HPAGE_SIZE = 2n * 1024n * 1024n;
/** Auto allocation never leaves [PAGE_SIZE, ULONG_MAX - PAGE_SIZE] (so it never returns 0). */
export const AUTO_IOVA_FIRST = PAGE_SIZE;
export const AUTO_IOVA_LAST = U64_MAX - PAGE_SIZE;

function isPow2(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/**
 * The alignment `iopt_alloc_iova` derives: `roundup_pow_of_two(length)`, limited to the lowest
 * set bit of the source address (user VA or file offset) when it is non-zero, then capped at
 * `maxAlignment` (HPAGE_SIZE with THP, PAGE_SIZE without). Precondition (the caller's EOVERFLOW
 * check): `0 < length < ULONG_MAX / 2`; RangeError otherwise.
 */
export function autoIovaAlignment(addr: bigint, length: bigint, maxAlignment: bigint = HPAGE_SIZE): bigint {
  if (length <= 0n || length >= U64_MAX / 2n) {
    throw new RangeError(`autoIovaAlignment: length ${length} must be in (0, ULONG_MAX/2)`);
  }
  if (addr < 0n || addr > U64_MAX) throw new RangeError(`autoIovaAlignment: addr ${addr} is not a u64`);
  if (!isPow2(maxAlignment)) throw new RangeError('autoIovaAlignment: maxAlignment must be a power of two');
  let a = 1n;
  while (a < length) a <<= 1n;
  if (addr !== 0n) {
    const low = addr & -addr;
    if (low < a) a = low;
  }
  if (a >= maxAlignment) a = maxAlignment;
  return a;
}

export interface IovaAllocRequest {
  /** Bytes to place (> 0). */
  readonly length: bigint;
  /** Power of two (see `autoIovaAlignment`). */
  readonly alignment: bigint;
  /** Sub-page offset of the source address to keep (`addr % PAGE_SIZE`), < PAGE_SIZE. */
  readonly pageOffset: bigint;
  /**
   * The allowed ranges (the IOAS allowed list, any order; overlapping/adjacent ranges merge like
   * the kernel's span iterator). Undefined or empty = no allowed list = the whole
   * `[PAGE_SIZE, ULONG_MAX - PAGE_SIZE]`. Allowed ranges are clipped to that window.
   */
  readonly spans?: Iterable<Range> | undefined;
  /** Trees whose nodes are unavailable (reserved and area trees). */
  readonly occupied: readonly IntervalTree<unknown>[];
}

/**
 * `__alloc_iova_check_range`: `ALIGN(start, alignment) | pageOffset` (undefined when ALIGN would
 * overflow u64), accepted only when it is `< last` (strictly, as the kernel does) and
 * `[candidate, candidate + length - 1]` ends at or before `last`.
 */
export function alignedCandidate(
  start: bigint,
  last: bigint,
  length: bigint,
  alignment: bigint,
  pageOffset: bigint,
): bigint | undefined {
  let a = start + alignment - 1n;
  if (a > U64_MAX) return undefined; // check_add_overflow
  a &= ~(alignment - 1n);
  a |= pageOffset;
  if (a >= last || last - a < length - 1n) return undefined;
  return a;
}

/**
 * The kernel's placement search: for each allowed span in ascending order, align its start, then
 * walk the holes of the occupied trees inside `[alignedSpanStart, spanLast]` in ascending order
 * and return the first hole whose aligned candidate fits. Undefined = no space (ENOSPC).
 * The result is always inside `[PAGE_SIZE, ULONG_MAX - PAGE_SIZE]`, never 0.
 */
export function allocIova(req: IovaAllocRequest): bigint | undefined {
  const { length, alignment, pageOffset, occupied } = req;
  if (length <= 0n || length > U64_MAX) throw new RangeError(`allocIova: bad length ${length}`);
  if (!isPow2(alignment) || alignment > U64_MAX) throw new RangeError(`allocIova: alignment ${alignment} is not a power of two`);
  if (pageOffset < 0n || pageOffset >= PAGE_SIZE) throw new RangeError(`allocIova: pageOffset ${pageOffset} >= PAGE_SIZE`);

  const given = req.spans === undefined ? [] : normalize(req.spans);
  let allowed: Range[];
  if (given.length === 0) {
    allowed = [{ start: AUTO_IOVA_FIRST, last: AUTO_IOVA_LAST }];
  } else {
    allowed = [];
    for (const r of given) {
      const s = r.start > AUTO_IOVA_FIRST ? r.start : AUTO_IOVA_FIRST;
      const l = r.last < AUTO_IOVA_LAST ? r.last : AUTO_IOVA_LAST;
      if (s <= l) allowed.push({ start: s, last: l });
    }
  }

  for (const span of allowed) {
    const spanStart = alignedCandidate(span.start, span.last, length, alignment, pageOffset);
    if (spanStart === undefined) continue;
    for (const hole of holes(occupied, spanStart, span.last)) {
      const iova = alignedCandidate(hole.start, hole.last, length, alignment, pageOffset);
      if (iova !== undefined) return iova;
    }
  }
  return undefined;
}
