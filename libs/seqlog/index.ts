/**
 * A bounded, resumable event log: items get increasing u64 sequence numbers per log; a reader
 * resumes with `after` (the last sequence it saw) and gets every retained item after it, or
 * learns that some were dropped from the ring. Live listeners see items as they are appended.
 */
export type Sequenced<T> = T & { sequence: bigint };

export class SeqLog<T extends object> {
  /** A ring of `capacity` slots: the oldest retained item is at `start`, `count` items in all. */
  private readonly ring: Array<Sequenced<T> | undefined>;
  private start = 0;
  private count = 0;
  private seq = 0n;
  private readonly listeners = new Set<(e: Sequenced<T>) => void>();

  constructor(readonly capacity = 65536) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('SeqLog capacity must be a positive integer');
    this.ring = new Array<Sequenced<T> | undefined>(capacity);
  }

  get headSequence(): bigint {
    return this.seq;
  }

  /** Items retained now (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Append; once full, the oldest item is dropped (O(1): the ring's start moves). */
  append(item: T): Sequenced<T> {
    const e = Object.assign({}, item, { sequence: ++this.seq }) as Sequenced<T>;
    if (this.count < this.capacity) {
      this.ring[(this.start + this.count) % this.capacity] = e;
      this.count++;
    } else {
      this.ring[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const l of this.listeners) l(e);
    return e;
  }

  /**
   * Retained items with sequence > after; `expired` when items after `after` were dropped.
   * Sequences in the ring are consecutive, so the first item returned is found by arithmetic:
   * the cost is the number of items returned.
   */
  since(after: bigint): { events: Array<Sequenced<T>>; expired: boolean } {
    if (this.count === 0) return { events: [], expired: false };
    const oldest = this.ring[this.start]!.sequence;
    const expired = after + 1n < oldest && after < this.seq;
    const skip = after < oldest ? 0 : after >= this.seq ? this.count : Number(after - oldest + 1n);
    const events: Array<Sequenced<T>> = [];
    for (let i = skip; i < this.count; i++) events.push(this.ring[(this.start + i) % this.capacity]!);
    return { events, expired };
  }

  subscribe(l: (e: Sequenced<T>) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}

/**
 * Replay-then-follow without gaps or duplicates: subscribe first, send the backlog, then the
 * queued live items with sequence > the last one sent, until `signal` aborts.
 */
export async function followLog<T extends object>(
  log: SeqLog<T>,
  after: bigint,
  send: (e: Sequenced<T>) => Promise<void>,
  signal: AbortSignal,
  onExpired?: (oldest: bigint) => Promise<void>,
): Promise<void> {
  const queue: Array<Sequenced<T>> = [];
  let wake: (() => void) | undefined;
  const unsubscribe = log.subscribe((e) => {
    queue.push(e);
    wake?.();
  });
  // one abort listener for the whole stream (not one per wait)
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { events, expired } = log.since(after);
    let last = after;
    if (expired && onExpired) await onExpired(events.length > 0 ? events[0]!.sequence : log.headSequence + 1n);
    for (const e of events) {
      await send(e);
      last = e.sequence;
    }
    while (!signal.aborted) {
      // drain by index (shift() per item is O(n): a slow reader with a long queue would go quadratic)
      let i = 0;
      while (i < queue.length) {
        const e = queue[i++]!;
        if (e.sequence <= last) continue;
        await send(e);
        last = e.sequence;
        if (i >= 1024) {
          queue.splice(0, i);
          i = 0;
        }
      }
      queue.length = 0;
      if (signal.aborted) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
