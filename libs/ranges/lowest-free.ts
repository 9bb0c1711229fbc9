/**
 * The lowest free integer of [min, max], as the kernel hands out fds (alloc_fd) and ALLOC1
 * xarray indices (xa_alloc: fault cookies): indices freed below the high-water mark wait in a
 * min-heap, so an allocation or a release costs O(log n) in the indices in use, never O(max).
 */
export class LowestFree {
  private readonly free: number[] = [];
  private top: number;

  constructor(
    private readonly min: number,
    private readonly max: number = Number.MAX_SAFE_INTEGER,
  ) {
    this.top = min;
  }

  /** The index `alloc` would return next (it may be above `max`). */
  peek(): number {
    return this.free.length > 0 ? this.free[0]! : this.top;
  }

  /** Take the lowest free index, or undefined when every index of [min, max] is in use. */
  alloc(): number | undefined {
    if (this.free.length > 0) return heapPop(this.free);
    if (this.top > this.max) return undefined;
    return this.top++;
  }

  /** Give back an index `alloc` returned. */
  release(i: number): void {
    if (i === this.top - 1) this.top--;
    else heapPush(this.free, i);
  }

  /** Every index free again. */
  reset(): void {
    this.free.length = 0;
    this.top = this.min;
  }
}

function heapPush(h: number[], v: number): void {
  let i = h.push(v) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent]! <= v) break;
    h[i] = h[parent]!;
    i = parent;
  }
  h[i] = v;
}

function heapPop(h: number[]): number {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const c = l + 1 < h.length && h[l + 1]! < h[l]! ? l + 1 : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
  return top;
}
