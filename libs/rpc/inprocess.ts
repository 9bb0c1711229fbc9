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

/**
 * The server-side CallContext of one in-process call (a stream or a unary call): its logger,
 * abort signal, cancellation and pid metadata, as grpc-js calls give them to handlers.
 */
abstract class InProcessCall extends EventEmitter implements CallContext<null> {
  principal = '';
  readonly startNs = process.hrtime.bigint();
  /** The call ended (answered, failed or cancelled). */
  done = false;
  abort: AbortController | undefined;
  private log: Logger | undefined;
  readonly call = null;
  readonly method: string;

  constructor(
    private readonly opts: { readonly method: string; readonly logger: Logger },
    readonly callId: string,
    readonly metadata: grpc.Metadata,
  ) {
    super();
    this.method = opts.method;
  }

  get logger(): Logger {
    this.log ??= this.opts.logger.child({ callId: this.callId, method: this.method, principal: this.principal, transport: 'in-process' });
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
  abstract annotate(fields: Record<string, unknown>): void;
}

class InProcessStream<Req, Res, ReqOut, ResOut> extends InProcessCall implements DuplexLike<Req, ResOut> {
  requests = 0;
  failures = 0;
  private readonly queue: ReqOut[] = [];
  private head = 0;
  private busy = false;
  private scheduled = false;
  private halfClosed = false;

  constructor(
    private readonly owner: InProcessStreams<Req, Res, ReqOut, ResOut>,
    callId: string,
    metadata: grpc.Metadata,
  ) {
    super(owner.opts, callId, metadata);
  }

  // ------------------------------------------------------------ CallContext (server side)

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

/** grpc-js's default limit on a received message (client and server): 4 MiB. */
export const GRPC_DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The error grpc-js itself answers with (no ErrorInfo: it is not the handler's). */
function transportError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

/** Type parameters as InProcessStreamOptions. */
export interface InProcessUnaryOptions<Req, Res, ReqOut, ResOut> {
  /** Server name for logs (`host-iommu`). */
  server: string;
  /** `/package.Service/Method` of the gRPC unary method this transport stands beside. */
  method: string;
  /** Full names of the request and response message types. */
  requestType: string;
  responseType: string;
  /** Token → principal, as the gRPC server resolves it (only a non-empty string authenticates). */
  resolveToken(token: string): unknown;
  /**
   * The handler: the gRPC method's function, unchanged (with whatever wait the server puts in
   * front of it). Throws or rejects → the status a unary call answers with (toServiceError).
   */
  handle(req: ReqOut, ctx: CallContext<null>): Res | PromiseLike<Res>;
  logger: Logger;
  metrics?: ServerMetrics;
  /** Largest request (server side) and response (client side) in bytes; default grpc-js's 4 MiB. */
  maxReceiveMessageBytes?: number;
  /** Deadline of a call that gives none (ms; default none), as the client's default deadline. */
  defaultDeadlineMs?: number;
  /**
   * A `bytes` field of the request and/or the response that crosses by reference instead of
   * through the protobuf bytes (the rest of the message still does): the receiver gets a Buffer
   * over the sender's memory. For bulk data (guest RAM) whose sender does not change it until
   * the call settles and whose receiver does not keep it; the size limits count the field as
   * encoded. An empty field crosses as on the wire.
   */
  byReference?: { request?: string; response?: string };
}

/** A bytes field passed by reference: its name and the bytes of its tag. */
interface RefField {
  name: string;
  tagBytes: number;
}

function varintBytes(n: number): number {
  let b = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    b++;
  }
  return b;
}

function refField(t: { type?: { name?: string; field?: Array<{ name?: string; number?: number; type?: string; label?: string }> } }, name: string | undefined): RefField | undefined {
  if (name === undefined) return undefined;
  const f = t.type?.field?.find((x) => x.name === name);
  if (!f || f.type !== 'TYPE_BYTES' || f.label === 'LABEL_REPEATED' || f.number === undefined) throw new Error(`libs/rpc: ${t.type?.name ?? 'message'}.${name} is not a singular bytes field`);
  return { name, tagBytes: varintBytes(f.number * 8 + 2) };
}

/**
 * `msg` with its by-reference field taken out: the message to serialize, the field's bytes and
 * their encoded size (tag, length, bytes; 0 when empty, as proto3 leaves it out).
 */
function splitRef(msg: unknown, f: RefField | undefined): { rest: unknown; ref: Uint8Array | undefined; refBytes: number } {
  if (!f || msg === null || typeof msg !== 'object') return { rest: msg, ref: undefined, refBytes: 0 };
  const v = (msg as Record<string, unknown>)[f.name];
  if (!(v instanceof Uint8Array) || v.length === 0) return { rest: msg, ref: undefined, refBytes: 0 };
  const rest: Record<string, unknown> = { ...(msg as object) };
  delete rest[f.name];
  return { rest, ref: v, refBytes: f.tagBytes + varintBytes(v.length) + v.length };
}

function joinRef<T>(decoded: T, f: RefField | undefined, ref: Uint8Array | undefined): T {
  if (!f || !ref) return decoded;
  (decoded as Record<string, unknown>)[f.name] = Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength);
  return decoded;
}

/**
 * The in-process transport of one unary method: a client in the same process as the server
 * calls `call(token, request, metadata)` and gets the decoded response or the grpc.ServiceError
 * the gRPC call would have failed with (same code, details and trailers with google.rpc.Status
 * + ErrorInfo). As on the wire, the request and response cross as protobuf bytes (serialized by
 * the sender, deserialized with the contract's load options by the receiver), the caller is
 * authenticated by the same token resolution (UNAUTHENTICATED otherwise), messages above
 * grpc-js's receive limit fail RESOURCE_EXHAUSTED, a call past its deadline fails
 * DEADLINE_EXCEEDED (its signal aborts), and after `close()` calls fail UNAVAILABLE
 * (SHUTTING_DOWN). The handler runs in a later microtask, never inside `call`.
 *
 * Each call is logged like a gRPC call (one `rpc` line, with `transport: "in-process"`) and
 * counted in the server's gRPC metrics when given (`grpc_server_*` of the same unary method).
 */
export class InProcessUnary<Req, Res, ReqOut = Req, ResOut = Res> {
  private closed = false;
  private readonly reqType;
  private readonly resType;
  private readonly labels: MethodLabels | undefined;
  private readonly idPrefix = `${randomBytes(9).toString('base64url')}.ipu`;
  private counter = 0;
  private readonly maxBytes: number;
  /** calls whose handler has not answered yet (ended with UNAVAILABLE by close()) */
  private readonly pending = new Set<InProcessUnaryCall>();
  private readonly reqRef: RefField | undefined;
  private readonly resRef: RefField | undefined;

  constructor(readonly opts: InProcessUnaryOptions<Req, Res, ReqOut, ResOut>) {
    this.reqType = messageType<Req, ReqOut>(opts.requestType);
    this.resType = messageType<Res, ResOut>(opts.responseType);
    this.reqRef = refField(this.reqType, opts.byReference?.request);
    this.resRef = refField(this.resType, opts.byReference?.response);
    this.labels = opts.metrics?.method(opts.method, false, false);
    this.maxBytes = opts.maxReceiveMessageBytes ?? GRPC_DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
  }

  /** Calls whose answer is still pending. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * One call as the principal `token` names, with `metadata` as its call metadata (the acting
   * pid and identity). Resolves to the response as a gRPC client decodes it; rejects with a
   * grpc.ServiceError.
   */
  call(token: string, req: Req, metadata: grpc.Metadata = new grpc.Metadata(), options: { deadlineMs?: number } = {}): Promise<ResOut> {
    // the bytes a gRPC peer would receive, taken now: later changes to `req` do not leak in
    // (but for a by-reference field's contents)
    let bytes: Buffer;
    const { rest, ref, refBytes } = splitRef(req, this.reqRef);
    try {
      bytes = this.reqType.serialize(rest as Req);
    } catch (e) {
      // grpc-js fails a call whose request does not serialize before anything is sent
      return Promise.reject(transportError(grpc.status.INTERNAL, `Request message serialization failure: ${(e as Error).message}`));
    }
    const c = new InProcessUnaryCall(this.opts, `${this.idPrefix}.${(++this.counter).toString(36)}`, metadata.clone());
    if (this.labels) this.opts.metrics!.callStarted(this.labels);
    const deadlineMs = options.deadlineMs ?? this.opts.defaultDeadlineMs;
    return new Promise<ResOut>((resolve, reject) => {
      c.settle = (err, res) => (err ? reject(err) : resolve(res as ResOut));
      queueMicrotask(() => this.run(c, token, bytes, deadlineMs, ref, refBytes));
    });
  }

  /** Fails every pending call with UNAVAILABLE (SHUTTING_DOWN) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const c of [...this.pending]) this.end(c, rpcError('UNAVAILABLE', 'SHUTTING_DOWN', 'server shutting down', { server: this.opts.server }));
  }

  private run(c: InProcessUnaryCall, token: string, bytes: Buffer, deadlineMs: number | undefined, ref: Uint8Array | undefined, refBytes: number): void {
    if (this.closed) return this.end(c, rpcError('UNAVAILABLE', 'SHUTTING_DOWN', 'server shutting down', { server: this.opts.server }));
    const principal = resolvePrincipal(this.opts, token);
    if (principal === undefined) return this.end(c, rpcError('UNAUTHENTICATED', 'UNAUTHENTICATED', token === '' ? 'missing bearer token' : 'unknown bearer token'));
    c.principal = principal;
    const size = bytes.length + refBytes;
    if (size > this.maxBytes) return this.end(c, transportError(grpc.status.RESOURCE_EXHAUSTED, `Received message larger than max (${size} vs ${this.maxBytes})`));
    if (this.labels) this.opts.metrics!.messageReceived(this.labels);
    let out: Res | PromiseLike<Res>;
    try {
      out = this.opts.handle(joinRef(this.reqType.deserialize(bytes), this.reqRef, ref), c);
    } catch (e) {
      return this.end(c, toServiceError(e, c.logger));
    }
    if (!isPromiseLike<Res>(out)) return this.respond(c, out);
    this.pending.add(c);
    if (deadlineMs !== undefined) {
      c.timer = setTimeout(() => this.end(c, transportError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded')), Math.max(0, deadlineMs - c.elapsedMs()));
    }
    out.then(
      (res) => this.respond(c, res),
      (e: unknown) => this.end(c, toServiceError(e, c.logger)),
    );
  }

  private respond(c: InProcessUnaryCall, res: Res): void {
    if (c.done) return;
    let bytes: Buffer;
    const { rest, ref, refBytes } = splitRef(res, this.resRef);
    try {
      bytes = this.resType.serialize(rest as Res);
    } catch (e) {
      return this.end(c, transportError(grpc.status.INTERNAL, `Response message serialization failure: ${(e as Error).message}`));
    }
    if (this.labels) this.opts.metrics!.messageSent(this.labels);
    // the server sent it; the client refuses what is above its receive limit
    const size = bytes.length + refBytes;
    if (size > this.maxBytes) return this.end(c, transportError(grpc.status.RESOURCE_EXHAUSTED, `Received message larger than max (${size} vs ${this.maxBytes})`), grpc.status.OK);
    this.end(c, null, undefined, joinRef(this.resType.deserialize(bytes), this.resRef, ref));
  }

  /** Ends call `c`: the log line and metrics with the server's code (`serverCode`, default the error's), then the client's answer. */
  private end(c: InProcessUnaryCall, err: grpc.ServiceError | null, serverCode?: grpc.status, res?: ResOut): void {
    if (c.done) return;
    c.done = true;
    this.pending.delete(c);
    if (c.timer) clearTimeout(c.timer);
    c.abort?.abort();
    const code = serverCode ?? (err ? err.code : grpc.status.OK);
    const ms = c.elapsedMs();
    if (this.labels) this.opts.metrics!.callHandled(this.labels, code, ms / 1000);
    const line: Record<string, unknown> = {
      callId: c.callId,
      method: this.opts.method,
      principal: c.principal === '' ? undefined : c.principal,
      transport: 'in-process',
      code: grpc.status[code] ?? code,
      ms: Math.round(ms * 1000) / 1000,
    };
    if (err && code !== grpc.status.OK) {
      const reason = err instanceof RpcError ? err.info.reason : undefined;
      if (reason !== undefined) line.reason = reason;
      line.details = err.details;
    }
    if (c.logFields) Object.assign(line, c.logFields);
    this.opts.logger.info(line, 'rpc');
    const settle = c.settle;
    queueMicrotask(() => settle(err, res));
  }
}

class InProcessUnaryCall extends InProcessCall {
  timer: ReturnType<typeof setTimeout> | undefined;
  logFields: Record<string, unknown> | undefined;
  settle: (err: grpc.ServiceError | null, res: unknown) => void = () => undefined;

  elapsedMs(): number {
    return Number(process.hrtime.bigint() - this.startNs) / 1e6;
  }
  annotate(fields: Record<string, unknown>): void {
    this.logFields = { ...this.logFields, ...fields };
  }
}
