/**
 * The in-process transport of an ordered request stream (handlers.ts `requestStream`): the same
 * request and response messages, the same per-request function (so the same dispatch, ordering
 * and in-band error encoding), the same authentication by bearer token, without HTTP/2. A
 * client in the same process as the server (the vmm of `iommu-twin up` beside its host-iommu)
 * opens a stream with `open(token, metadata)` and gets an object with the subset of
 * grpc.ClientDuplexStream a client uses (`write`, `end`, `cancel`, `on('data'|'error'|'end')`),
 * so client code is written once for both transports.
 *
 * Every message crosses as its protobuf bytes (serialized by the sender, deserialized with the
 * contract's load options by the receiver), as on the wire: the receiver gets exactly the
 * message a gRPC peer would get (defaults, u64 as decimal strings, oneof names) and shares no
 * object with the sender. Requests are handled in a microtask after `write`, responses are
 * delivered in order in later microtasks; nothing is handled synchronously inside `write`.
 *
 * Each stream is logged like a gRPC call (one `rpc` line at its end, with `transport:
 * "in-process"`) and counted in the server's gRPC metrics when given (`grpc_server_*` of the
 * same method). `close()` ends every open stream with UNAVAILABLE (reason SHUTTING_DOWN), as a
 * server shutdown ends gRPC streams, and refuses new ones.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { RpcError, rpcError, toServiceError } from './errors.js';
import { type CallContext, isPromiseLike, metadataPid, REQUEST_STREAM_WINDOW, requiredMetadataPid } from './handlers.js';
import type { MethodLabels, ServerMetrics } from './metrics.js';
import { messageType } from './proto.js';
import { resolvePrincipal } from './server.js';

/** The client side of a bidi stream, as both transports give it. */
export interface DuplexLike<Req, Res> {
  /** Queues a request; false when the server is not keeping up (it still takes the request). */
  write(req: Req): boolean;
  /** Half-close: the server answers what it has and ends the stream OK. */
  end(): void;
  /** Ends the stream at once (CANCELLED); unanswered requests get no answer. */
  cancel(): void;
  on(ev: 'data', fn: (res: Res) => void): this;
  on(ev: 'error', fn: (err: grpc.ServiceError) => void): this;
  on(ev: 'end', fn: () => void): this;
}

/**
 * Type parameters: `Req` as the client writes it, `ReqOut` as the server reads it (decoded), `Res`
 * as the server answers, `ResOut` as the client reads it (decoded) — the generated `X` and
 * `X__Output` types.
 */
export interface InProcessStreamOptions<Req, Res, ReqOut, ResOut> {
  /** Server name for logs (`host-iommu`). */
  server: string;
  /** `/package.Service/Method` of the gRPC method this transport stands beside. */
  method: string;
  /** Full names of the request and response message types. */
  requestType: string;
  responseType: string;
  /** Token → principal, as the gRPC server resolves it (only a non-empty string authenticates). */
  resolveToken(token: string): unknown;
  /** The per-request function: the gRPC method's, unchanged. Must answer errors in-band. */
  handle(req: ReqOut, ctx: CallContext<null>): Res | PromiseLike<Res>;
  /** Which responses carry an in-band error (for the log line's `failed` count). */
  failed?(res: Res): boolean;
  logger: Logger;
  metrics?: ServerMetrics;
}

/** Opens in-process streams of one method. */
export class InProcessStreams<Req, Res, ReqOut = Req, ResOut = Res> {
  private readonly streams = new Set<InProcessStream<Req, Res, ReqOut, ResOut>>();
  private closed = false;
  private readonly reqType;
  private readonly resType;
  private readonly labels: MethodLabels | undefined;
  private readonly idPrefix = `${randomBytes(9).toString('base64url')}.ip`;
  private counter = 0;

  constructor(readonly opts: InProcessStreamOptions<Req, Res, ReqOut, ResOut>) {
    this.reqType = messageType<Req, ReqOut>(opts.requestType);
    this.resType = messageType<Res, ResOut>(opts.responseType);
    this.labels = opts.metrics?.method(opts.method, true, true);
  }

  /** Open streams. */
  get size(): number {
    return this.streams.size;
  }

  /**
   * A new stream as the principal `token` names, with `metadata` as its call metadata (the
   * acting pid and identity). A refused stream (unknown token, malformed pid, closed) reports
   * its error on the next turn, as a gRPC stream does.
   */
  open(token: string, metadata: grpc.Metadata = new grpc.Metadata()): DuplexLike<Req, ResOut> {
    const id = `${this.idPrefix}.${(++this.counter).toString(36)}`;
    const s = new InProcessStream<Req, Res, ReqOut, ResOut>(this, id, metadata.clone());
    let refusal: RpcError | undefined;
    const principal = this.closed ? undefined : resolvePrincipal(this.opts, token);
    if (this.closed) refusal = rpcError('UNAVAILABLE', 'SHUTTING_DOWN', 'server shutting down', { server: this.opts.server });
    else if (principal === undefined) refusal = rpcError('UNAUTHENTICATED', 'UNAUTHENTICATED', 'unknown bearer token');
    else s.principal = principal;
    if (this.labels) this.opts.metrics!.callStarted(this.labels);
    this.streams.add(s);
    if (refusal) {
      const err = refusal;
      queueMicrotask(() => s.finish(err));
    }
    return s;
  }

  /** Ends every open stream with UNAVAILABLE (SHUTTING_DOWN) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const s of [...this.streams]) s.finish(rpcError('UNAVAILABLE', 'SHUTTING_DOWN', 'server shutting down', { server: this.opts.server }));
  }

  /** @internal */
  decodeRequest(req: Req): ReqOut {
    return this.reqType.deserialize(this.reqType.serialize(req));
  }
  /** @internal */
  decodeResponse(res: Res): ResOut {
    return this.resType.deserialize(this.resType.serialize(res));
  }
  /** @internal */
  received(): void {
    if (this.labels) this.opts.metrics!.messageReceived(this.labels);
  }
  /** @internal */
  sent(): void {
    if (this.labels) this.opts.metrics!.messageSent(this.labels);
  }
  /** @internal */
  ended(s: InProcessStream<Req, Res, ReqOut, ResOut>, code: grpc.status, details: string, reason: string | undefined): void {
    if (!this.streams.delete(s)) return;
    const ms = Number(process.hrtime.bigint() - s.startNs) / 1e6;
    if (this.labels) this.opts.metrics!.callHandled(this.labels, code, ms / 1000);
    const line: Record<string, unknown> = {
      callId: s.callId,
      method: this.opts.method,
      principal: s.principal,
      transport: 'in-process',
      code: grpc.status[code] ?? code,
      ms: Math.round(ms * 1000) / 1000,
      requests: s.requests,
      failed: s.failures,
    };
    if (reason !== undefined) line.reason = reason;
    if (code !== grpc.status.OK) line.details = details;
    this.opts.logger.info(line, 'rpc');
  }
}

class InProcessStream<Req, Res, ReqOut, ResOut> extends EventEmitter implements DuplexLike<Req, ResOut>, CallContext<null> {
  principal = '';
  readonly startNs = process.hrtime.bigint();
  requests = 0;
  failures = 0;
  private readonly queue: ReqOut[] = [];
  private head = 0;
  private busy = false;
  private scheduled = false;
  private halfClosed = false;
  private done = false;
  private abort: AbortController | undefined;
  private log: Logger | undefined;
  readonly call = null;
  readonly method: string;

  constructor(
    private readonly owner: InProcessStreams<Req, Res, ReqOut, ResOut>,
    readonly callId: string,
    readonly metadata: grpc.Metadata,
  ) {
    super();
    this.method = owner.opts.method;
  }

  // ------------------------------------------------------------ CallContext (server side)

  get logger(): Logger {
    this.log ??= this.owner.opts.logger.child({ callId: this.callId, method: this.method, principal: this.principal, transport: 'in-process' });
    return this.log;
  }
  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.done) this.abort.abort();
    }
    return this.abort.signal;
  }
  cancelled(): boolean {
    return this.done;
  }
  pid(): number | undefined {
    return metadataPid(this.metadata);
  }
  requirePid(): number {
    return requiredMetadataPid(this.metadata);
  }
  annotate(): void {
    // the log line carries the request counts already
  }

  // ------------------------------------------------------------ DuplexLike (client side)

  write(req: Req): boolean {
    if (this.done || this.halfClosed) return false;
    // the bytes a gRPC peer would receive, decoded now: later changes to `req` do not leak in
    this.queue.push(this.owner.decodeRequest(req));
    this.owner.received();
    this.schedule();
    return this.queue.length - this.head < REQUEST_STREAM_WINDOW;
  }
  end(): void {
    if (this.done) return;
    this.halfClosed = true;
    this.schedule();
  }
  cancel(): void {
    this.finish(rpcError('CANCELLED', 'CANCELLED', 'cancelled by the client'), true);
  }

  // ------------------------------------------------------------ the server loop

  private schedule(): void {
    if (this.scheduled || this.busy || this.done) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private answer(res: Res): void {
    this.requests++;
    if (this.owner.opts.failed?.(res)) this.failures++;
    const out = this.owner.decodeResponse(res);
    this.owner.sent();
    this.emit('data', out);
  }

  private pump(): void {
    while (!this.busy && !this.done && this.head < this.queue.length) {
      const req = this.queue[this.head]!;
      this.queue[this.head++] = undefined as ReqOut;
      let out: Res | PromiseLike<Res>;
      try {
        out = this.owner.opts.handle(req, this);
      } catch (e) {
        this.finish(toServiceError(e, this.logger));
        return;
      }
      if (isPromiseLike<Res>(out)) {
        this.busy = true;
        out.then(
          (res) => {
            this.busy = false;
            if (this.done) return;
            this.answer(res);
            this.pump();
          },
          (e: unknown) => {
            this.busy = false;
            this.finish(toServiceError(e, this.logger));
          },
        );
        return;
      }
      this.answer(out);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    if (this.halfClosed && !this.busy && !this.done && this.queue.length === 0) this.finish(null);
  }

  /** Ends the stream: OK ('end') or with `err` ('error'); `byClient` (cancel) emits nothing more. */
  finish(err: RpcError | null, byClient = false): void {
    if (this.done) return;
    this.done = true;
    this.abort?.abort();
    this.queue.length = 0;
    this.owner.ended(this, err ? err.code : grpc.status.OK, err ? err.details : '', err?.info.reason);
    if (byClient) return;
    queueMicrotask(() => {
      if (err) {
        if (this.listenerCount('error') > 0) this.emit('error', err);
      } else this.emit('end');
    });
  }
}
