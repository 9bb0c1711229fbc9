/**
 * A bounded, resumable event log: items get increasing u64 sequence numbers per log; a reader
 * resumes with `after` (the last sequence it saw) and gets every retained item after it, or
 * learns that some were dropped from the ring. Live listeners see items as they are appended.
 */
export type Sequenced<T> = T & { sequence: bigint };

export class SeqLog<T extends object> {
  private readonly ring: Array<Sequenced<T>> = [];
  private seq = 0n;
  private readonly listeners = new Set<(e: Sequenced<T>) => void>();

  constructor(readonly capacity = 65536) {}

  get headSequence(): bigint {
    return this.seq;
  }

  append(item: T): Sequenced<T> {
    const e = Object.assign({}, item, { sequence: ++this.seq }) as Sequenced<T>;
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const l of this.listeners) l(e);
    return e;
  }

  /** Retained items with sequence > after; `expired` when items after `after` were dropped. */
  since(after: bigint): { events: Array<Sequenced<T>>; expired: boolean } {
    const expired = this.ring.length > 0 && after + 1n < this.ring[0]!.sequence && after < this.seq;
    return { events: this.ring.filter((e) => e.sequence > after), expired };
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
      while (queue.length > 0) {
        const e = queue.shift()!;
        if (e.sequence <= last) continue;
        await send(e);
        last = e.sequence;
      }
      if (queue.length > 0 || signal.aborted) continue;
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
