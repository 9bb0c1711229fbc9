/**
 * Span iteration over the union of several interval trees: the kernel's
 * `interval_tree_span_iter` / iommufd `interval_tree_double_span_iter` (holes are maximal).
 */
import type { IntervalTree, Range } from './interval-tree.js';

const U64_MAX = (1n << 64n) - 1n;

/** A maximal used or hole span. */
export interface Span extends Range {
  readonly used: boolean;
}

/**
 * The first node (over all `trees`) intersecting `[cursor, last]` with the lowest start.
 * If its start is <= cursor it covers `cursor`; otherwise nothing covers `cursor`.
 */
function lowestIntersecting(
  trees: readonly IntervalTree<unknown>[],
  cursor: bigint,
  last: bigint,
): Range | undefined {
  let best: Range | undefined;
  for (const t of trees) {
    const n = t.firstIntersecting(cursor, last);
    if (n !== undefined && (best === undefined || n.start < best.start)) best = n;
  }
  return best;
}

/**
 * Alternating maximal used/hole spans covering `[start, last]` exactly, ascending. A used span
 * is covered by the union of the trees' nodes (adjacent and overlapping nodes merge); a hole
 * span intersects no node. Yields nothing when start > last. The trees must not be modified
 * while the iteration is suspended.
 */
export function* spans(
  trees: readonly IntervalTree<unknown>[],
  start: bigint,
  last: bigint,
): Generator<Span, void, undefined> {
  if (start > last) return;
  if (start < 0n || last > U64_MAX) throw new RangeError(`[${start}, ${last}] is not a u64 range`);
  let cursor = start;
  for (;;) {
    const n = lowestIntersecting(trees, cursor, last);
    if (n === undefined) {
      yield { start: cursor, last, used: false };
      return;
    }
    if (n.start > cursor) {
      yield { start: cursor, last: n.start - 1n, used: false };
      cursor = n.start;
    }
    // Extend the used span while some node covers the address after its end.
    const usedStart = cursor;
    let end = n.last;
    while (end < last) {
      const m = lowestIntersecting(trees, end + 1n, last);
      if (m === undefined || m.start > end + 1n) break;
      end = m.last;
    }
    if (end >= last) {
      yield { start: usedStart, last, used: true };
      return;
    }
    yield { start: usedStart, last: end, used: true };
    cursor = end + 1n;
  }
}

/**
 * Maximal sub-ranges of `[start, last]` not covered by any node of any of `trees`, ascending.
 * The trees must not be modified while the iteration is suspended.
 */
export function* holes(
  trees: readonly IntervalTree<unknown>[],
  start: bigint,
  last: bigint,
): Generator<Range, void, undefined> {
  for (const s of spans(trees, start, last)) {
    if (!s.used) yield { start: s.start, last: s.last };
  }
}

/** Collects `holes(trees, start, last)` into an array (IOVA_RANGES = holesOf([reserved], 0, U64_MAX)). */
export function holesOf(trees: readonly IntervalTree<unknown>[], start: bigint, last: bigint): Range[] {
  return Array.from(holes(trees, start, last));
}
