/**
 * Host-wide deferred work, as the kernel defers teardown (delayed fput, the mmu_gather freeing
 * zapped pages, unpinning after the IOTLB flush): the per-page part of freeing and unpinning large
 * ranges is queued and drained in time slices, with setImmediate between slices, so the server's
 * only thread keeps answering health probes and other I/O meanwhile.
 *
 * Ordering contract (what makes the deferral invisible): work runs strictly in submission order;
 * a caller that acts on the model first awaits quiesce() (the host-iommu transport does it for
 * every call but health and reflection), so no call ever sees a half-done teardown; and a
 * reader of per-page state that finds work pending for its object runs the queue to the end
 * synchronously first (drainNow) rather than read stale state.
 *
 * Small work runs inline when nothing is queued (within a per-macrotask budget), so short
 * operations finish before their caller returns, exactly as without a queue.
 */

/** A resumable piece of work. */
export interface DeferredWork {
  /** Do some of the work, stopping soon after `deadline` (performance.now() ms); true when all done. */
  step(deadline: number): boolean;
}

export interface DeferredQueueOptions {
  /** Longest time one slice runs before yielding to the event loop (ms). */
  sliceMs?: number;
  /** Work units (chunk visits of 512 folios) run inline per macrotask while nothing is queued. */
  inlineBudget?: number;
}

export class DeferredQueue {
  private items: Array<DeferredWork | undefined> = [];
  private head = 0;
  private waiters: Array<() => void> = [];
  private scheduled = false;
  private running = false;
  private turnCost = 0;
  private turnResetScheduled = false;
  readonly sliceMs: number;
  readonly inlineBudget: number;
  /** Statistics: slices run, works queued / run inline, works that threw, longest slice (ms). */
  readonly stats = { slices: 0, queued: 0, inline: 0, errors: 0, longestSliceMs: 0 };

  constructor(opts: DeferredQueueOptions = {}) {
    this.sliceMs = opts.sliceMs ?? 8;
    this.inlineBudget = opts.inlineBudget ?? 512;
  }

  /** Nothing queued: every earlier teardown is complete. */
  get idle(): boolean {
    return this.head === this.items.length;
  }

  /**
   * Run `work` (about `cost` units) now if nothing is queued and this macrotask's inline budget
   * allows it; else queue it behind everything queued before.
   */
  submit(cost: number, work: DeferredWork): void {
    if (this.idle && !this.running && this.turnCost + cost <= this.inlineBudget) {
      this.chargeTurn(cost);
      this.stats.inline++;
      this.running = true;
      try {
        while (!work.step(Infinity));
      } finally {
        this.running = false;
      }
      return;
    }
    this.items.push(work);
    this.stats.queued++;
    this.schedule();
  }

  /** Run `fn` after everything queued so far (at once when nothing is). */
  then(fn: () => void): void {
    this.submit(0, {
      step: () => {
        fn();
        return true;
      },
    });
  }

  /** Resolves once nothing is queued (again, if work queued meanwhile: it loops until idle). */
  async quiesce(): Promise<void> {
    while (!this.idle) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Run everything queued to the end, synchronously (a reader that must see the finished state now). */
  drainNow(): void {
    if (this.running) throw new Error('deferred work: drainNow from inside a deferred work');
    this.running = true;
    try {
      while (!this.idle) {
        const w = this.items[this.head]!;
        if (w.step(Infinity)) this.items[this.head++] = undefined;
      }
    } finally {
      this.running = false;
    }
    this.finish();
  }

  private chargeTurn(cost: number): void {
    this.turnCost += cost;
    if (!this.turnResetScheduled) {
      this.turnResetScheduled = true;
      setImmediate(() => {
        this.turnCost = 0;
        this.turnResetScheduled = false;
      });
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    if (this.idle) return this.finish();
    const t0 = performance.now();
    const deadline = t0 + this.sliceMs;
    this.running = true;
    try {
      while (!this.idle) {
        const w = this.items[this.head]!;
        if (w.step(deadline)) this.items[this.head++] = undefined;
        if (performance.now() >= deadline) break;
      }
    } catch (e) {
      // a bug in a work: drop it (the state it leaves is what a throwing synchronous teardown
      // would leave), keep the server serving, and say so
      this.items[this.head++] = undefined;
      this.stats.errors++;
      process.emitWarning(`deferred work failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      this.running = false;
    }
    const ms = performance.now() - t0;
    this.stats.slices++;
    if (ms > this.stats.longestSliceMs) this.stats.longestSliceMs = ms;
    if (this.idle) this.finish();
    else this.schedule();
  }

  private finish(): void {
    this.items = [];
    this.head = 0;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
