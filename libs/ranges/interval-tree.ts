/**
 * Augmented AVL interval tree over inclusive u64 intervals `[start, last]`, the model's
 * counterpart of the kernel's `INTERVAL_TREE_DEFINE` trees (area_itree, reserved_itree,
 * allowed_itree, ...).
 *
 * * Nodes are ordered by `(start, insertion sequence)`: equal starts keep insertion order, so
 *   iteration is deterministic. Overlapping nodes are allowed (see `NonOverlappingMap` for the
 *   variant that refuses them).
 * * Every node carries the maximum `last` of its subtree, so `firstIntersecting` is O(log n) and
 *   `intersecting` is O(log n + k) (amortised), exactly like the kernel's `_iter_first/_iter_next`.
 * * Insert / remove are O(log n); nodes have parent links so `remove(node)` needs no search.
 * * Iterators tolerate mutation: after each `yield` they continue from the yielded node if it is
 *   still in the tree, otherwise from the first node ordered after it. Removing the yielded node
 *   (the usual "unmap everything in a range" loop) or any other node is therefore safe; nodes
 *   inserted after the current position are visited if they match.
 */

/** An inclusive u64 range. */
export interface Range {
  readonly start: bigint;
  readonly last: bigint;
}

/**
 * A node of an `IntervalTree`. `start`/`last` are fixed. The nodes `insert` makes carry a `value`
 * that may be replaced freely; a subclass linked with `insertNode` provides its own (an object that
 * is its own value costs no field for it).
 */
export abstract class IntervalNode<T> implements Range {
  /** @internal */ _left: IntervalNode<T> | null = null;
  /** @internal */ _right: IntervalNode<T> | null = null;
  /** @internal */ _parent: IntervalNode<T> | null = null;
  /** @internal subtree height (leaf = 1) */ _height = 1;
  /** @internal max `last` over this subtree */ _max: bigint;
  /** @internal the tree this node is linked into, null once removed */ _tree: IntervalTree<T> | null = null;

  /** @internal tie-breaker for equal starts (insertion order), set when linked */ _seq = 0;
  abstract value: T;

  /**
   * A detached node; `IntervalTree.insert` makes one, or a subclass carrying its own fields (one
   * object per interval instead of a node plus a value) is linked with `insertNode`.
   */
  constructor(
    readonly start: bigint,
    readonly last: bigint,
  ) {
    this._max = last;
  }

  /** Number of addresses covered (`last - start + 1`; up to 2^64). */
  get length(): bigint {
    return this.last - this.start + 1n;
  }

  /** True while the node is linked into a tree. */
  get attached(): boolean {
    return this._tree !== null;
  }
}

/** The node `IntervalTree.insert` makes: the interval and a value. */
class ValueNode<T> extends IntervalNode<T> {
  constructor(
    start: bigint,
    last: bigint,
    public value: T,
  ) {
    super(start, last);
  }
}

/** Alias matching the naming used in the task description. */
export type Node<T> = IntervalNode<T>;

const U64_MAX = (1n << 64n) - 1n;

function height<T>(n: IntervalNode<T> | null): number {
  return n === null ? 0 : n._height;
}

/** Recompute height and max from the children. */
function pull<T>(n: IntervalNode<T>): void {
  const l = n._left;
  const r = n._right;
  const hl = l === null ? 0 : l._height;
  const hr = r === null ? 0 : r._height;
  n._height = (hl > hr ? hl : hr) + 1;
  let m = n.last;
  if (l !== null && l._max > m) m = l._max;
  if (r !== null && r._max > m) m = r._max;
  n._max = m;
}

function keyLess<T>(a: IntervalNode<T>, start: bigint, seq: number): boolean {
  return a.start < start || (a.start === start && a._seq < seq);
}

export class IntervalTree<T> implements Iterable<IntervalNode<T>> {
  /** @internal */ _root: IntervalNode<T> | null = null;
  private _size = 0;
  private _seq = 0;

  get size(): number {
    return this._size;
  }

  /**
   * Insert `[start, last]` (inclusive) carrying `value`; returns the new node (the handle for
   * `remove`). Throws RangeError unless `0 <= start <= last <= 2^64-1`.
   */
  insert(start: bigint, last: bigint, value: T): IntervalNode<T> {
    checkRange(start, last);
    return this.link(new ValueNode(start, last, value));
  }

  /**
   * Link a node made by the caller (a subclass of IntervalNode carrying its own fields); it must
   * be detached (never inserted, or removed since). Throws RangeError like `insert`, or when the
   * node is linked into a tree.
   */
  insertNode(node: IntervalNode<T>): void {
    checkRange(node.start, node.last);
    if (node._tree !== null) throw new RangeError('insertNode: the node is already in a tree');
    this.link(node);
  }

  /** @internal */
  protected link(node: IntervalNode<T>): IntervalNode<T> {
    const start = node.start;
    node._seq = this._seq++;
    node._tree = this;
    let p = this._root;
    if (p === null) {
      this._root = node;
      this._size = 1;
      return node;
    }
    // The new node has the largest sequence number: among equal starts it goes rightmost.
    for (;;) {
      if (start < p.start) {
        if (p._left === null) {
          p._left = node;
          break;
        }
        p = p._left;
      } else {
        if (p._right === null) {
          p._right = node;
          break;
        }
        p = p._right;
      }
    }
    node._parent = p;
    this._size++;
    this.retrace(p, null);
    return node;
  }

  /**
   * Unlink `node`. Returns false (and changes nothing) when the node is not in this tree
   * (already removed, or belonging to another tree).
   */
  remove(node: IntervalNode<T>): boolean {
    if (node._tree !== this) return false;
    let fixFrom: IntervalNode<T> | null;
    // The successor moved into node's place (two-child case) has stale height/max: the retrace
    // may not stop early before it has been recomputed.
    let moved: IntervalNode<T> | null = null;
    const l = node._left;
    const r = node._right;
    if (l === null || r === null) {
      const child = l ?? r;
      this.replaceChild(node._parent, node, child);
      if (child !== null) child._parent = node._parent;
      fixFrom = node._parent;
    } else {
      // Splice the in-order successor into node's position.
      let s = r;
      while (s._left !== null) s = s._left;
      if (s._parent !== node) {
        fixFrom = s._parent;
        const sr = s._right;
        this.replaceChild(s._parent, s, sr);
        if (sr !== null) sr._parent = s._parent;
        s._right = r;
        r._parent = s;
      } else {
        fixFrom = s;
      }
      this.replaceChild(node._parent, node, s);
      s._parent = node._parent;
      s._left = l;
      l._parent = s;
      // What node's ancestors last saw; lets the retrace stop early once s is recomputed.
      s._height = node._height;
      s._max = node._max;
      moved = s;
    }
    node._left = node._right = node._parent = null;
    node._height = 1;
    node._max = node.last;
    node._tree = null;
    this._size--;
    if (fixFrom !== null) this.retrace(fixFrom, moved);
    return true;
  }

  /** Remove every node (each is detached, so a later `remove` of it returns false). */
  clear(): void {
    const stack: IntervalNode<T>[] = [];
    if (this._root !== null) stack.push(this._root);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n._left !== null) stack.push(n._left);
      if (n._right !== null) stack.push(n._right);
      n._left = n._right = n._parent = null;
      n._height = 1;
      n._max = n.last;
      n._tree = null;
    }
    this._root = null;
    this._size = 0;
  }

  /** The first node (lowest start) intersecting `[start, last]`, or undefined. O(log n). */
  firstIntersecting(start: bigint, last: bigint): IntervalNode<T> | undefined {
    if (start > last) return undefined;
    const root = this._root;
    if (root === null || root._max < start) return undefined;
    return subtreeSearch(root, start, last) ?? undefined;
  }

  /**
   * The node after `node` (in tree order) intersecting `[start, last]` — the kernel's
   * `interval_tree_iter_next`. `node` must be in this tree and must satisfy `node.start <= last`.
   */
  nextIntersecting(node: IntervalNode<T>, start: bigint, last: bigint): IntervalNode<T> | undefined {
    if (node._tree !== this) throw new RangeError('nextIntersecting: node is not in this tree');
    return iterNext(node, start, last) ?? undefined;
  }

  /** Every node intersecting `[start, last]`, in ascending (start, insertion) order. */
  *intersecting(start: bigint, last: bigint): Generator<IntervalNode<T>, void, undefined> {
    let n = this.firstIntersecting(start, last);
    while (n !== undefined) {
      yield n;
      if (n._tree === this) {
        n = iterNext(n, start, last) ?? undefined;
      } else {
        // The yielded node was removed meanwhile: resume after its key.
        const s = this.firstAfter(n.start, n._seq);
        if (s === null || s.start > last) return;
        n = s.last >= start ? s : (iterNext(s, start, last) ?? undefined);
      }
    }
  }

  /** The node containing `addr` with the lowest start, or undefined. */
  firstContaining(addr: bigint): IntervalNode<T> | undefined {
    return this.firstIntersecting(addr, addr);
  }

  /** Lowest node in tree order, or undefined. */
  first(): IntervalNode<T> | undefined {
    let n = this._root;
    if (n === null) return undefined;
    while (n._left !== null) n = n._left;
    return n;
  }

  /** Highest node in tree order, or undefined. */
  lastNode(): IntervalNode<T> | undefined {
    let n = this._root;
    if (n === null) return undefined;
    while (n._right !== null) n = n._right;
    return n;
  }

  /** In-order successor of `node` (which must be in this tree), or undefined. */
  next(node: IntervalNode<T>): IntervalNode<T> | undefined {
    if (node._tree !== this) throw new RangeError('next: node is not in this tree');
    return successor(node) ?? undefined;
  }

  /** All nodes in ascending (start, insertion) order; tolerates mutation like `intersecting`. */
  *[Symbol.iterator](): Generator<IntervalNode<T>, void, undefined> {
    let n = this.first();
    while (n !== undefined) {
      yield n;
      if (n._tree === this) n = successor(n) ?? undefined;
      else n = this.firstAfter(n.start, n._seq) ?? undefined;
    }
  }

  /** Every value, in node order. */
  *values(): Generator<T, void, undefined> {
    for (const n of this) yield n.value;
  }

  /**
   * Checks the AVL, ordering, parent-link and augmentation invariants (tests and debugging);
   * throws an Error describing the first violation.
   */
  assertValid(): void {
    let count = 0;
    const visit = (n: IntervalNode<T> | null, parent: IntervalNode<T> | null): void => {
      if (n === null) return;
      count++;
      if (n._parent !== parent) throw new Error('interval tree: bad parent link');
      if (n._tree !== this) throw new Error('interval tree: node owner mismatch');
      visit(n._left, n);
      visit(n._right, n);
      if (n._left !== null && !keyLess(n._left, n.start, n._seq)) throw new Error('interval tree: order');
      if (n._right !== null && keyLess(n._right, n.start, n._seq)) throw new Error('interval tree: order');
      const hl = height(n._left);
      const hr = height(n._right);
      if (Math.abs(hl - hr) > 1) throw new Error('interval tree: unbalanced');
      if (n._height !== Math.max(hl, hr) + 1) throw new Error('interval tree: stale height');
      let m = n.last;
      if (n._left !== null && n._left._max > m) m = n._left._max;
      if (n._right !== null && n._right._max > m) m = n._right._max;
      if (n._max !== m) throw new Error('interval tree: stale subtree max');
    };
    visit(this._root, null);
    if (count !== this._size) throw new Error(`interval tree: size ${this._size} but ${count} nodes`);
  }

  /** Height of the tree (0 when empty). */
  get height(): number {
    return height(this._root);
  }

  // ---- internals -------------------------------------------------------------------------

  /** First node whose key is strictly greater than (start, seq). O(log n). */
  private firstAfter(start: bigint, seq: number): IntervalNode<T> | null {
    let n = this._root;
    let best: IntervalNode<T> | null = null;
    while (n !== null) {
      if (keyLess(n, start, seq) || (n.start === start && n._seq === seq)) {
        n = n._right;
      } else {
        best = n;
        n = n._left;
      }
    }
    return best;
  }

  private replaceChild(
    parent: IntervalNode<T> | null,
    old: IntervalNode<T>,
    repl: IntervalNode<T> | null,
  ): void {
    if (parent === null) this._root = repl;
    else if (parent._left === old) parent._left = repl;
    else parent._right = repl;
  }

  private rotateLeft(x: IntervalNode<T>): IntervalNode<T> {
    const y = x._right!;
    const b = y._left;
    x._right = b;
    if (b !== null) b._parent = x;
    y._parent = x._parent;
    this.replaceChild(x._parent, x, y);
    y._left = x;
    x._parent = y;
    pull(x);
    pull(y);
    return y;
  }

  private rotateRight(x: IntervalNode<T>): IntervalNode<T> {
    const y = x._left!;
    const b = y._right;
    x._left = b;
    if (b !== null) b._parent = x;
    y._parent = x._parent;
    this.replaceChild(x._parent, x, y);
    y._right = x;
    x._parent = y;
    pull(x);
    pull(y);
    return y;
  }

  /**
   * Walk from `start` to the root fixing heights, subtree maxima and balance. The walk stops as
   * soon as a node's height and max are unchanged (nothing above can change), but never before
   * `mustReach` (when given) has been recomputed.
   */
  private retrace(start: IntervalNode<T>, mustReach: IntervalNode<T> | null): void {
    let n: IntervalNode<T> | null = start;
    let mayStop = mustReach === null;
    while (n !== null) {
      if (n === mustReach) mayStop = true;
      const oldH = n._height;
      const oldM = n._max;
      pull(n);
      const bal = height(n._left) - height(n._right);
      if (bal > 1) {
        const l = n._left!;
        if (height(l._left) < height(l._right)) this.rotateLeft(l);
        n = this.rotateRight(n);
      } else if (bal < -1) {
        const r = n._right!;
        if (height(r._right) < height(r._left)) this.rotateRight(r);
        n = this.rotateLeft(n);
      } else if (mayStop && n._height === oldH && n._max === oldM) {
        return;
      }
      n = n._parent;
    }
  }
}

function checkRange(start: bigint, last: bigint): void {
  if (start < 0n || last > U64_MAX || start > last) {
    throw new RangeError(`interval [${start}, ${last}] is not a u64 range with start <= last`);
  }
}

/** Leftmost node of the subtree at `node` intersecting [start, last]; requires start <= node._max. */
function subtreeSearch<T>(node: IntervalNode<T>, start: bigint, last: bigint): IntervalNode<T> | null {
  let n = node;
  for (;;) {
    const l = n._left;
    if (l !== null && start <= l._max) {
      n = l;
      continue;
    }
    if (n.start > last) return null;
    if (start <= n.last) return n;
    const r = n._right;
    if (r === null || start > r._max) return null;
    n = r;
  }
}

/** Next node after `node` in order intersecting [start, last]; requires node.start <= last. */
function iterNext<T>(node: IntervalNode<T>, start: bigint, last: bigint): IntervalNode<T> | null {
  let n = node;
  let r = n._right;
  for (;;) {
    if (r !== null && start <= r._max) return subtreeSearch(r, start, last);
    // Climb until we arrive from a left child.
    let prev: IntervalNode<T>;
    do {
      const p: IntervalNode<T> | null = n._parent;
      if (p === null) return null;
      prev = n;
      n = p;
      r = n._right;
    } while (prev === r);
    if (n.start > last) return null;
    if (start <= n.last) return n;
  }
}

function successor<T>(node: IntervalNode<T>): IntervalNode<T> | null {
  let n = node._right;
  if (n !== null) {
    while (n._left !== null) n = n._left;
    return n;
  }
  let c = node;
  let p = node._parent;
  while (p !== null && p._right === c) {
    c = p;
    p = p._parent;
  }
  return p;
}

/** Error thrown by `NonOverlappingMap.insert` when the new range intersects an existing node. */
export class RangeOverlapError<T> extends Error {
  constructor(
    readonly start: bigint,
    readonly last: bigint,
    readonly existing: IntervalNode<T>,
  ) {
    super(
      `range [0x${start.toString(16)}, 0x${last.toString(16)}] overlaps ` +
        `[0x${existing.start.toString(16)}, 0x${existing.last.toString(16)}]`,
    );
    this.name = 'RangeOverlapError';
  }
}

/**
 * An interval tree whose nodes never overlap (the IOAS area tree, allowed ranges). `insert`
 * throws `RangeOverlapError` (and changes nothing) when the range intersects an existing node;
 * adjacent ranges are fine.
 */
export class NonOverlappingMap<T> extends IntervalTree<T> {
  override insert(start: bigint, last: bigint, value: T): IntervalNode<T> {
    checkRange(start, last);
    const existing = this.firstIntersecting(start, last);
    if (existing !== undefined) throw new RangeOverlapError(start, last, existing);
    return super.insert(start, last, value);
  }

  override insertNode(node: IntervalNode<T>): void {
    checkRange(node.start, node.last);
    const existing = this.firstIntersecting(node.start, node.last);
    if (existing !== undefined) throw new RangeOverlapError(node.start, node.last, existing);
    super.insertNode(node);
  }

  /** The node containing `addr`, or undefined. */
  find(addr: bigint): IntervalNode<T> | undefined {
    return this.firstIntersecting(addr, addr);
  }

  /**
   * The contiguous run of nodes starting with the node that contains `start`, each beginning
   * right after the previous one ends, stopping once a node reaches `last` (the kernel's
   * `iopt_for_each_contig_area`). The run covers `[start, last]` exactly when it is non-empty
   * and its final node has `node.last >= last`.
   */
  *contiguousRun(start: bigint, last: bigint): Generator<IntervalNode<T>, void, undefined> {
    if (start > last) return;
    let n = this.find(start);
    while (n !== undefined) {
      yield n;
      if (n.last >= last) return;
      const at = n.last + 1n;
      const nx = this.find(at);
      if (nx === undefined || nx.start !== at) return;
      n = nx;
    }
  }

  /** True when `[start, last]` is covered by a contiguous run of nodes (see `contiguousRun`). */
  coversContiguously(start: bigint, last: bigint): boolean {
    let end: bigint | undefined;
    for (const n of this.contiguousRun(start, last)) end = n.last;
    return end !== undefined && end >= last;
  }
}
