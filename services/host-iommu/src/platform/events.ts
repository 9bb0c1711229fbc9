/**
 * The host event log (what dmesg / the DMAR fault log and process accounting would show):
 * a bounded ring with per-log increasing sequence numbers, resumable by `after_sequence`.
 */
export type HostEventKind = 'DMA_FAULT' | 'DEVICE_UNPLUGGED' | 'PROCESS_EXITED' | 'LEASE_EXPIRED' | 'DMABUF_REVOKED';

export interface HostEvent {
  sequence: bigint;
  kind: HostEventKind;
  timeUnixMs: number;
  bdf?: string;
  pid?: number;
  /** Process name (PROCESS_EXITED, LEASE_EXPIRED). */
  name?: string;
  pasid?: number;
  iova?: bigint;
  reason?: string;
  write?: boolean;
  message: string;
}

export type EventListener = (e: HostEvent) => void;

export class EventLog {
  private readonly ring: HostEvent[] = [];
  private seq = 0n;
  private readonly listeners = new Set<EventListener>();
  constructor(readonly capacity = 65536) {}

  get headSequence(): bigint {
    return this.seq;
  }
  get oldestSequence(): bigint {
    return this.ring.length > 0 ? this.ring[0]!.sequence : this.seq + 1n;
  }

  emit(e: Omit<HostEvent, 'sequence' | 'timeUnixMs'>): HostEvent {
    const ev: HostEvent = { ...e, sequence: ++this.seq, timeUnixMs: Date.now() };
    this.ring.push(ev);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const l of this.listeners) l(ev);
    return ev;
  }

  /** Events with sequence > after, still retained; `expired` when some were dropped from the ring. */
  since(after: bigint): { events: HostEvent[]; expired: boolean } {
    const expired = this.ring.length > 0 && after + 1n < this.ring[0]!.sequence && after < this.seq;
    return { events: this.ring.filter((e) => e.sequence > after), expired };
  }

  subscribe(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
