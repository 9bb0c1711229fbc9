/**
 * One long-lived Iommufd.Ioctls stream per VM process: the vmm's fast path for the ioctls it
 * makes many of (the EMULATED backend's shadow IoasMap / IoasUnmap), one stream message per
 * ioctl instead of one unary call.
 *
 * Opened lazily on the first ioctl, with the process's metadata (pid, boot id, start time);
 * answers come strictly in request order, so they are matched to requests by position (the tag
 * is a cross-check). When the stream breaks (connection lost, host restarted or shutting down,
 * deadline), every request still waiting fails as a unary call cut off by a broken connection
 * fails — nothing is replayed, since an ioctl may or may not have taken effect — and the next
 * ioctl opens a new stream. A request waiting longer than the deadline cancels the stream
 * (DEADLINE_EXCEEDED for every request waiting), as the unary calls' default deadline does.
 */
import * as grpc from '@grpc/grpc-js';
import type { DuplexLike } from '#libs/rpc/inprocess.js';
import type { IoctlsRequest } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsResponse.js';

export type IoctlDuplex = DuplexLike<IoctlsRequest, IoctlsResponse__Output>;

/** Opens an Ioctls stream with this call metadata (gRPC, or the in-process transport). */
export type IoctlOpener = (metadata: grpc.Metadata) => IoctlDuplex;

/** A failure of the stream itself, shaped as grpc-js reports a failed call. */
export interface StreamFailure {
  code: number;
  details: string;
  metadata?: grpc.Metadata;
  message: string;
}

interface Waiting {
  tag: bigint;
  since: number;
  resolve(r: IoctlsResponse__Output): void;
  reject(e: StreamFailure): void;
}

export class IoctlPipe {
  private stream: IoctlDuplex | undefined;
  private readonly waiting: Waiting[] = [];
  private head = 0;
  private nextTag = 1n;
  /** streams opened so far (the first, and one per reopen after a break) */
  opened = 0;

  constructor(
    private readonly open: IoctlOpener,
    /** the metadata every stream of this pipe is opened with (the process's identity) */
    readonly metadata: grpc.Metadata,
    private readonly deadlineMs: number,
    /** the identity the metadata carries (boot id / start time), to tell when it changed */
    readonly key = '',
  ) {}

  /** Requests sent and not yet answered. */
  get pending(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Sends one ioctl (`req` holds exactly one IoctlsRequest oneof member) and resolves to its
   * answer, whatever its status; rejects only when the stream fails before answering.
   */
  submit(req: IoctlsRequest): Promise<IoctlsResponse__Output> {
    const s = this.stream ?? this.connect();
    const tag = this.nextTag++;
    return new Promise((resolve, reject) => {
      this.waiting.push({ tag, since: performance.now(), resolve, reject });
      req.tag = tag.toString();
      s.write(req);
    });
  }

  /** Fails the waiting requests if the oldest has waited past the deadline (called periodically). */
  checkDeadline(now = performance.now()): void {
    const oldest = this.waiting[this.head];
    if (!oldest || now - oldest.since < this.deadlineMs) return;
    const s = this.stream;
    this.broken(s, { code: grpc.status.DEADLINE_EXCEEDED, details: `no answer on the ioctl stream within ${this.deadlineMs} ms`, message: 'deadline exceeded' });
    s?.cancel();
  }

  /** Ends the stream: half-closed when nothing is waiting, else cancelled (see cancel). */
  close(): void {
    const s = this.stream;
    if (!s) return;
    if (this.pending > 0) return this.cancel();
    this.stream = undefined;
    s.end();
  }

  /** Ends the stream at once: waiting requests fail as on a broken connection. */
  cancel(): void {
    const s = this.stream;
    this.broken(s, { code: grpc.status.CANCELLED, details: 'ioctl stream closed by the vmm', message: 'cancelled' });
    s?.cancel();
  }

  private connect(): IoctlDuplex {
    const s = this.open(this.metadata);
    this.opened++;
    this.stream = s;
    s.on('data', (r) => {
      if (this.stream !== s) return;
      const w = this.waiting[this.head];
      if (!w) return;
      this.waiting[this.head++] = undefined as unknown as Waiting;
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      }
      if (r.tag !== w.tag.toString()) {
        // answers are in order by contract: anything else means the stream cannot be trusted
        w.reject({ code: grpc.status.INTERNAL, details: `ioctl stream answered tag ${r.tag} for request ${w.tag}`, message: 'out of order' });
        this.broken(s, { code: grpc.status.INTERNAL, details: 'ioctl stream out of order', message: 'out of order' });
        s.cancel();
        return;
      }
      w.resolve(r);
    });
    s.on('error', (e) => this.broken(s, e as StreamFailure));
    s.on('end', () => this.broken(s, { code: grpc.status.UNAVAILABLE, details: 'ioctl stream ended', message: 'ioctl stream ended' }));
    return s;
  }

  private broken(s: IoctlDuplex | undefined, e: StreamFailure): void {
    if (s === undefined || this.stream !== s) return;
    this.stream = undefined;
    const left = this.waiting.splice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    for (const w of left) w.reject(e);
  }
}
