/**
 * Handler adapters: thin transport handlers that never throw into grpc-js (a thrown handler
 * can crash the process, grpc-node#290). Everything a handler throws or rejects with becomes a
 * status through toServiceError.
 *
 *   Spawn: unary(async (req, ctx) => ({ pid: await kernel.spawn(ctx.principal, req.name) })),
 *   WatchEvents: serverStream(async (req, out, ctx) => { ... await out.send(ev) ... }),
 *   InvalidationChannel: bidiStream(async (requests, out, ctx) => { for await (const r of requests) ... }),
 *
 * The adapters only work on servers built by createServer (its interceptor authenticates the
 * caller and attaches the call state the context is built from).
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError } from '../errno/index.js';
import { RpcError, rpcError, toServiceError } from './errors.js';
import { PID_KEY } from './metadata.js';
import { callLogger, callSignal, takeCallState, type CallState } from './server.js';

/**
 * The part of a call context a per-request function of an ordered request stream needs (the
 * caller and the acting-process metadata): a unary call, a stream (checked again per request)
 * and the in-process transport (inprocess.ts) all provide it.
 */
export type CallerContext = Pick<CallContext, 'principal' | 'metadata' | 'logger' | 'pid' | 'requirePid'>;

/** What a handler knows about its call besides the request. */
export interface CallContext<Call = unknown> {
  /** The authenticated principal (never empty). */
  readonly principal: string;
  /** Request metadata (the server's internal keys removed). */
  readonly metadata: grpc.Metadata;
  /** Per-call child logger ({callId, method, principal}). */
  readonly logger: Logger;
  /** Server-assigned call id (also in the access log). */
  readonly callId: string;
  /** `/package.Service/Method`. */
  readonly method: string;
  /** Aborted when the call ends: completion, client cancel, deadline or server shutdown. */
  readonly signal: AbortSignal;
  /** True once the call can no longer deliver anything to the client. */
  cancelled(): boolean;
  /** The acting pid from metadata `x-iommutwin-pid`; undefined if absent. Malformed → INVALID_ARGUMENT. */
  pid(): number | undefined;
  /** Like pid(), but absent → INVALID_ARGUMENT (reason PID_REQUIRED). */
  requirePid(): number;
  /** The raw grpc-js call. */
  readonly call: Call;
  /** Adds fields to the call's one access-log line (e.g. request counts of a stream). */
  annotate(fields: Record<string, unknown>): void;
}

const MAX_PID = 0x7fffffff;

/** Parses `x-iommutwin-pid`; undefined when absent. */
export function metadataPid(metadata: grpc.Metadata): number | undefined {
  const v = metadata.get(PID_KEY);
  if (v.length === 0) return undefined;
  const s = v.length === 1 && typeof v[0] === 'string' ? v[0].trim() : undefined;
  if (s === undefined || !/^[0-9]{1,10}$/.test(s) || Number(s) < 1 || Number(s) > MAX_PID) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_PID', `${PID_KEY} must be one decimal pid`, {
      value: v.map(String).join(',').slice(0, 32),
    });
  }
  return Number(s);
}

/** Like metadataPid, but absent → INVALID_ARGUMENT (reason PID_REQUIRED). */
export function requiredMetadataPid(metadata: grpc.Metadata): number {
  const pid = metadataPid(metadata);
  if (pid === undefined) {
    throw new DomainError('INVALID_ARGUMENT', 'PID_REQUIRED', `this call needs metadata ${PID_KEY}`);
  }
  return pid;
}

/**
 * One string value of an optional metadata key (at most 64 characters); undefined when absent.
 * Several values or a longer one → INVALID_ARGUMENT (reason BAD_METADATA).
 */
export function metadataString(metadata: grpc.Metadata, key: string): string | undefined {
  const v = metadata.get(key);
  if (v.length === 0) return undefined;
  if (v.length !== 1 || typeof v[0] !== 'string' || v[0].length > 64) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_METADATA', `${key} must be one value of at most 64 characters`, { key });
  }
  return v[0].trim();
}

class Context<Call extends { metadata: grpc.Metadata; cancelled: boolean }> implements CallContext<Call> {
  constructor(
    readonly state: CallState,
    readonly call: Call,
  ) {}
  get principal(): string {
    return this.state.principal!;
  }
  get metadata(): grpc.Metadata {
    return this.call.metadata;
  }
  get logger(): Logger {
    return callLogger(this.state);
  }
  get callId(): string {
    return this.state.id;
  }
  get method(): string {
    return this.state.method;
  }
  get signal(): AbortSignal {
    return callSignal(this.state);
  }
  cancelled(): boolean {
    return this.state.done || this.call.cancelled;
  }
  pid(): number | undefined {
    return metadataPid(this.call.metadata);
  }
  requirePid(): number {
    return requiredMetadataPid(this.call.metadata);
  }
  annotate(fields: Record<string, unknown>): void {
    this.state.logFields = { ...this.state.logFields, ...fields };
  }
}

/** Builds the context or throws the RpcError to answer with. */
function contextOf<Call extends { metadata: grpc.Metadata; cancelled: boolean }>(call: Call): Context<Call> {
  const state = takeCallState(call.metadata);
  if (!state) {
    throw rpcError('INTERNAL', 'NO_CALL_CONTEXT', 'handler is not served through libs/rpc createServer');
  }
  if (state.principal === undefined) {
    throw rpcError('UNAUTHENTICATED', 'UNAUTHENTICATED', 'missing or unknown bearer token');
  }
  return new Context(state, call);
}

function fail(ctx: Context<{ metadata: grpc.Metadata; cancelled: boolean }> | undefined, e: unknown): RpcError {
  const err = toServiceError(e, ctx?.logger);
  if (ctx) ctx.state.reason = err.info.reason;
  return err;
}

/** Whether a handler's result is a promise (or any thenable). */
export function isPromiseLike<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<T>).then === 'function';
}

/**
 * Answers a call that has one response (unary, client-streaming): `run` gets the call's context
 * and returns (or resolves to) the response, or throws/rejects → status; the callback runs once.
 */
function answerOnce<Call extends { metadata: grpc.Metadata; cancelled: boolean }, Res>(
  call: Call,
  callback: grpc.sendUnaryData<Res>,
  run: (ctx: Context<Call>) => Res | PromiseLike<Res>,
): void {
  let ctx: Context<Call> | undefined;
  let answered = false;
  const reply = (err: RpcError | null, res?: Res): void => {
    if (answered) return;
    answered = true;
    if (err) callback(err);
    else callback(null, res);
  };
  try {
    ctx = contextOf(call);
    const out = run(ctx);
    if (isPromiseLike<Res>(out)) {
      out.then(
        (res) => reply(null, res),
        (e: unknown) => reply(fail(ctx, e)),
      );
    } else {
      reply(null, out);
    }
  } catch (e) {
    reply(fail(ctx, e));
  }
}

/** A unary handler: returns (or resolves to) the response; throws/rejects → status. */
export function unary<Req, Res>(
  fn: (req: Req, ctx: CallContext<grpc.ServerUnaryCall<Req, Res>>) => Res | PromiseLike<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => answerOnce(call, callback, (ctx) => fn(call.request, ctx));
}

/** The sending side of a stream, with backpressure. */
export interface StreamWriter<Res> {
  /**
   * Queues a message. Returns false when the client is not keeping up (wait with drain()) or
   * when the call has ended (the message is dropped; check ctx.cancelled()).
   */
  write(msg: Res): boolean;
  /** Resolves when the send buffer has room again, or at once when the call has ended. */
  drain(): Promise<void>;
  /** write() and, when needed, drain(). */
  send(msg: Res): Promise<void>;
}

type WritableCall<Res> = {
  write(msg: Res): boolean;
  once(ev: 'drain', fn: () => void): unknown;
  off(ev: 'drain', fn: () => void): unknown;
  writableNeedDrain: boolean;
};

function writerOf<Res>(call: WritableCall<Res>, ctx: CallContext): StreamWriter<Res> {
  const drain = (): Promise<void> => {
    if (ctx.cancelled() || !call.writableNeedDrain) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const signal = ctx.signal;
      const done = (): void => {
        call.off('drain', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      call.once('drain', done);
      signal.addEventListener('abort', done, { once: true });
    });
  };
  return {
    write(msg: Res): boolean {
      if (ctx.cancelled()) return false;
      return call.write(msg);
    },
    drain,
    send(msg: Res): Promise<void> {
      if (ctx.cancelled()) return Promise.resolve();
      return call.write(msg) ? Promise.resolve() : drain();
    },
  };
}

function endStream(
  call: { end(): unknown; emit(ev: 'error', err: unknown): boolean },
  ctx: CallContext | undefined,
  err: RpcError | null,
): void {
  if (ctx?.cancelled()) return;
  try {
    if (err) call.emit('error', err);
    else call.end();
  } catch (e) {
    ctx?.logger.warn({ err: e }, 'could not end stream');
  }
}

/**
 * Ends a streaming call once its handler's result settles: OK when it returns or resolves, the
 * mapped status when it rejects (nothing once the client cancelled).
 */
function endWhenSettled<Call extends { metadata: grpc.Metadata; cancelled: boolean; end(): unknown; emit(ev: 'error', err: unknown): boolean }>(
  call: Call,
  c: Context<Call>,
  out: void | PromiseLike<void>,
): void {
  if (isPromiseLike<void>(out)) {
    out.then(
      () => endStream(call, c, null),
      (e: unknown) => endStream(call, c, c.cancelled() ? null : fail(c, e)),
    );
  } else {
    endStream(call, c, null);
  }
}

/**
 * A server-streaming handler. Write with `out` (respecting backpressure); the stream ends OK
 * when fn resolves, or with the mapped status when it throws/rejects. Long-lived streams
 * watch `ctx.signal` to stop (client cancel, deadline, shutdown).
 */
export function serverStream<Req, Res>(
  fn: (req: Req, out: StreamWriter<Res>, ctx: CallContext<grpc.ServerWritableStream<Req, Res>>) => void | PromiseLike<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    let ctx: Context<grpc.ServerWritableStream<Req, Res>> | undefined;
    try {
      ctx = contextOf(call);
      endWhenSettled(call, ctx, fn(call.request, writerOf(call, ctx), ctx));
    } catch (e) {
      endStream(call, ctx, fail(ctx, e));
    }
  };
}

/**
 * A bidi-streaming handler: `requests` yields the client's messages in order (ends at the
 * client's half-close); answers go through `out`. The stream ends when fn resolves (OK) or
 * throws/rejects (mapped status). A client cancel ends `requests` with an error that is ignored.
 * `requests` can be iterated once; leaving the loop early does not end the call.
 */
export function bidiStream<Req, Res>(
  fn: (
    requests: AsyncIterable<Req>,
    out: StreamWriter<Res>,
    ctx: CallContext<grpc.ServerDuplexStream<Req, Res>>,
  ) => void | PromiseLike<void>,
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    let ctx: Context<grpc.ServerDuplexStream<Req, Res>> | undefined;
    try {
      ctx = contextOf(call);
      // Not `for await (... of call)`: the default stream iterator destroys the duplex when the
      // loop ends, after which the OK status could no longer be sent.
      const iterator = call.iterator({ destroyOnReturn: false }) as AsyncIterator<Req>;
      const requests: AsyncIterable<Req> = { [Symbol.asyncIterator]: () => iterator };
      endWhenSettled(call, ctx, fn(requests, writerOf(call, ctx), ctx));
    } catch (e) {
      endStream(call, ctx, fail(ctx, e));
    }
  };
}

/**
 * A client-streaming handler: `requests` yields the client's messages in order (ends at the
 * client's half-close); fn returns (or resolves to) the one response, or throws/rejects → status.
 * Messages are pulled one at a time, so a slow fn back-pressures the client (HTTP/2 flow control)
 * instead of buffering. Answering before the half-close (an error on a bad message) ends the call.
 */
export function clientStream<Req, Res>(
  fn: (requests: AsyncIterable<Req>, ctx: CallContext<grpc.ServerReadableStream<Req, Res>>) => Res | PromiseLike<Res>,
): grpc.handleClientStreamingCall<Req, Res> {
  return (call, callback) =>
    answerOnce(call, callback, (ctx) => {
      const iterator = call.iterator({ destroyOnReturn: false }) as AsyncIterator<Req>;
      const requests: AsyncIterable<Req> = { [Symbol.asyncIterator]: () => iterator };
      return fn(requests, ctx);
    });
}

/** Default number of requests an ordered request stream reads ahead of its answers. */
export const REQUEST_STREAM_WINDOW = 32;

/** Counts an ordered request stream reports in its access-log line. */
export interface RequestStreamCounts {
  /** requests answered */
  requests: number;
  /** of which answered with a non-OK in-band status */
  failed: number;
}

/**
 * An ordered request stream (bidi): every client message is answered by exactly one response,
 * strictly in order. `handle` makes the response of one request (errors in-band: it must not
 * throw for a request's failure — a throw or rejection ends the whole stream with the mapped
 * status). `failed(res)` tells the log which responses carry an error.
 *
 * Bounded: at most `window` requests are read ahead of the responses written (a request whose
 * `handle` is asynchronous holds the ones behind it), and reading pauses while grpc-js reports
 * write backpressure (the client does not read its answers); HTTP/2 flow control then stops the
 * client, so a hostile client cannot make the server buffer more than the window plus the
 * transport's buffers. The stream ends OK after the client half-closes and every request is
 * answered.
 */
export function requestStream<Req, Res>(
  handle: (req: Req, ctx: CallContext<grpc.ServerDuplexStream<Req, Res>>) => Res | PromiseLike<Res>,
  opts: { window?: number; failed?: (res: Res) => boolean } = {},
): grpc.handleBidiStreamingCall<Req, Res> {
  const window = Math.max(1, opts.window ?? REQUEST_STREAM_WINDOW);
  const failedOf = opts.failed;
  return (call) => {
    let ctx: Context<grpc.ServerDuplexStream<Req, Res>> | undefined;
    try {
      ctx = contextOf(call);
    } catch (e) {
      endStream(call, ctx, fail(ctx, e));
      return;
    }
    const c = ctx;
    const queue: Req[] = [];
    let head = 0;
    let busy = false;
    let blocked = false; // waiting for 'drain'
    let halfClosed = false;
    let ended = false;
    const counts: RequestStreamCounts = { requests: 0, failed: 0 };
    const finish = (err: RpcError | null): void => {
      if (ended) return;
      ended = true;
      c.annotate({ requests: counts.requests, failed: counts.failed });
      endStream(call, c, err);
    };
    const onDrain = (): void => {
      blocked = false;
      pump();
    };
    const answer = (res: Res): void => {
      counts.requests++;
      if (failedOf?.(res)) counts.failed++;
      if (!call.write(res)) {
        blocked = true;
        call.once('drain', onDrain);
      }
    };
    const pump = (): void => {
      while (!busy && !blocked && head < queue.length) {
        if (ended || c.cancelled()) return;
        const req = queue[head]!;
        queue[head++] = undefined as Req; // let it go
        let out: Res | PromiseLike<Res>;
        try {
          out = handle(req, c);
        } catch (e) {
          finish(fail(c, e));
          return;
        }
        if (isPromiseLike<Res>(out)) {
          busy = true;
          out.then(
            (res) => {
              busy = false;
              if (ended || c.cancelled()) return;
              answer(res);
              pump();
            },
            (e: unknown) => {
              busy = false;
              finish(c.cancelled() ? null : fail(c, e));
            },
          );
          break;
        }
        answer(out);
      }
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
      } else if (head >= 1024) {
        queue.splice(0, head);
        head = 0;
      }
      const waiting = queue.length - head;
      if (!blocked && waiting < window && call.isPaused()) call.resume();
      if (halfClosed && waiting === 0 && !busy && !blocked) finish(null);
    };
    call.on('data', (req: Req) => {
      if (ended) return;
      queue.push(req);
      if (queue.length - head >= window) call.pause();
      pump();
    });
    call.on('end', () => {
      halfClosed = true;
      pump();
    });
    // a client cancel or a broken connection: the interceptor logs it; nothing more to answer
    call.on('error', () => {
      ended = true;
    });
  };
}
