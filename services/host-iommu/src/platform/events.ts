/**
 * The host event log (what dmesg / the DMAR fault log and process accounting would show):
 * a bounded ring with per-log increasing sequence numbers, resumable by `after_sequence`.
 */
import { SeqLog } from '#libs/seqlog/index.js';

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
  /** DMA_FAULT of a nested translation: the stage that faulted (1 or 2). */
  stage?: number;
  /** DMA_FAULT: the page-table level at which the walk stopped. */
  level?: number;
  /** DMABUF_REVOKED: the dma-buf fd in `pid` (absent when no fd holds the buf). */
  dmabufFd?: number;
  message: string;
}

export type EventListener = (e: HostEvent) => void;

/** The host's log: a SeqLog of host events stamped with their time. */
export class EventLog extends SeqLog<Omit<HostEvent, 'sequence'>> {
  emit(e: Omit<HostEvent, 'sequence' | 'timeUnixMs'>): HostEvent {
    return this.append({ ...e, timeUnixMs: Date.now() });
  }
}
