/**
 * Interval structures for the iommufd model: interval trees (areas, reserved and allowed
 * ranges), hole/span iteration, the auto-IOVA placement search and range-list arithmetic.
 */
export { IntervalTree, IntervalNode, NonOverlappingMap, RangeOverlapError } from './interval-tree.js';
export type { Node, Range } from './interval-tree.js';
export { spans, holes, holesOf } from './span.js';
export type { Span } from './span.js';
export {
  allocIova,
  alignedCandidate,
  autoIovaAlignment,
  HPAGE_SIZE,
  AUTO_IOVA_FIRST,
  AUTO_IOVA_LAST,
} from './iova-alloc.js';
export type { IovaAllocRequest } from './iova-alloc.js';
export * as RangeList from './range-list.js';
export {
  normalize,
  complement,
  subtract,
  intersect,
  union,
  intersects,
  covers,
  totalLength,
  hasOverlap,
} from './range-list.js';
