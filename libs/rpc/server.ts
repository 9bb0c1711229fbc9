/**
 * Server bootstrap: a grpc-js Server with an authenticating + access-logging interceptor,
 * grpc.health.v1, server reflection, listen on host:port (port 0 picks one), and graceful
 * shutdown that ends open streams with UNAVAILABLE.
 *
 * How a handler learns its caller: the interceptor resolves `authorization: Bearer <token>`
 * to a principal before the handler runs (UNAUTHENTICATED otherwise) and keeps the per-call
 * state in a registry under an unguessable call id that it writes into the request metadata
 * (overwriting anything the client sent under that key). The adapters in handlers.ts read and
 * strip that key, and hand the handler a CallContext with the principal. Handlers are
 * therefore only usable on servers built by createServer.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from 'grpc-health-check';
import type { Level, Logger } from 'pino';
import { RpcError, STATUS_DETAILS_KEY, decodeErrorInfo, rpcError } from './errors.js';
import { AUTHORIZATION_KEY, CALL_ID_KEY } from './metadata.js';
import type { MethodLabels, ServerMetrics } from './metrics.js';
import { buildFileDescriptorProtos } from './descriptors.js';
import { PROTO_DIR, PROTO_FILES, type ServiceRegistration } from './proto.js';

/** The health service name. */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
/** How long shutdown waits after reporting NOT_SERVING before it ends streams and drains. */
export const HEALTH_GRACE_MS = 150;
/** Methods served without authentication by default: health and reflection. */
export const DEFAULT_PUBLIC_METHOD_PREFIXES: readonly string[] = Object.freeze([
  `/${HEALTH_SERVICE}/`,
  '/grpc.reflection.v1.ServerReflection/',
  '/grpc.reflection.v1alpha.ServerReflection/',
]);

/** Per-call state shared by the interceptor and the handler adapters. */
export interface CallState {
  readonly id: string;
  /** `/package.Service/Method`. */
  readonly method: string;
  /** Principal name; undefined only on public methods called without a valid token. */
  principal: string | undefined;
  readonly server: ServerState;
  /** The intercepting call (used to end streams at shutdown). */
  readonly call: grpc.ServerInterceptingCall;
  readonly streaming: boolean;
  readonly startNs: bigint;
  done: boolean;
  /** Reason of the error the adapter answered with (for the access log). */
  reason: string | undefined;
  /** Last top-level `sequence` field sent on a stream (reported when shutdown ends it). */
  lastSequence: string | undefined;
  abort: AbortController | undefined;
  logger: Logger | undefined;
  /** Extra fields of the access-log line (CallContext.annotate). */
  logFields: Record<string, unknown> | undefined;
}

/** Per-server state. */
export interface ServerState {
  readonly name: string;
  readonly logger: Logger;
  shuttingDown: boolean;
  readonly streams: Set<CallState>;
}

const CALL_ID_PREFIX = randomBytes(12).toString('base64url');
let callCounter = 0;
const CALLS = new Map<string, CallState>();

/** Looks up (and detaches from the metadata) the state of a call made through createServer. */
export function takeCallState(metadata: grpc.Metadata): CallState | undefined {
  const v = metadata.get(CALL_ID_KEY);
  if (v.length === 0) return undefined;
  metadata.remove(CALL_ID_KEY);
  const id = v[0];
  return typeof id === 'string' ? CALLS.get(id) : undefined;
}

/** The call's AbortSignal (aborted when the call ends, is cancelled or the server shuts down). */
export function callSignal(state: CallState): AbortSignal {
  if (!state.abort) {
    state.abort = new AbortController();
    if (state.done) state.abort.abort();
  }
  return state.abort.signal;
}

/** The call's child logger ({callId, method, principal}); never carries the token. */
export function callLogger(state: CallState): Logger {
  state.logger ??= state.server.logger.child({ callId: state.id, method: state.method, principal: state.principal });
  return state.logger;
}

export interface AuthOptions {
  /**
   * Maps a bearer token to a principal name; undefined = unknown token. Use a TokenTable
   * (auth.ts): a lookup in a plain object would resolve `constructor` or `__proto__` to a
   * built-in. Whatever this returns, only a non-empty string authenticates the call.
   */
  resolveToken(token: string): unknown;
  /** Method path prefixes served without a token (default: health and reflection). */
  publicMethodPrefixes?: readonly string[];
}

/**
 * The principal a bearer token names, or undefined. Defence in depth: whatever the resolver
 * returns, only a non-empty string authenticates (the gRPC interceptor and the in-process
 * transport both resolve through here).
 */
export function resolvePrincipal(auth: Pick<AuthOptions, 'resolveToken'>, token: string): string | undefined {
  const resolved = auth.resolveToken(token);
  return typeof resolved === 'string' && resolved.length > 0 ? resolved : undefined;
}

export interface CreateServerOptions {
  /** Server name for logs (`host-iommu`, `vmm`). */
  name: string;
  logger: Logger;
  auth: AuthOptions;
  services: readonly ServiceRegistration[];
  /** Serve grpc.reflection (default true). */
  reflection?: boolean;
  /** Level of the one access-log line per call (default 'info'). */
  accessLogLevel?: Level;
  /** grpc-js server options (keepalive, message sizes, ...). */
  serverOptions?: Omit<grpc.ServerOptions, 'interceptors'>;
  /** go-grpc-prometheus server metrics for every call (default: none, no cost). */
  metrics?: ServerMetrics;
  /**
   * HTTP/2 receive windows of this server (default: Node's 64 KiB less one): what a client may
   * send on one stream / on one connection before the server reads it. A bulk client stream
   * (the vmm's ReceiveMigration) needs more than 64 KiB in flight or each 1 MiB message waits
   * for sixteen WINDOW_UPDATE round trips. A client can make the server buffer at most the
   * connection window per connection.
   */
  receiveWindow?: ReceiveWindow;
}

export interface ReceiveWindow {
  /** SETTINGS_INITIAL_WINDOW_SIZE: bytes per stream */
  stream: number;
  /** the connection's window (WINDOW_UPDATE on stream 0 at the session's start) */
  connection: number;
}

/** HTTP/2's largest window (RFC 9113 §6.9.1). */
const MAX_WINDOW = 2 ** 31 - 1;

/**
 * grpc-js (1.14) has no server option for HTTP/2 windows: the stream window goes into the
 * settings it passes to http2.createServer (its `commonServerOptions`), the connection window is
 * set on each session as it starts (its `http2Servers`, after bind). Both fields are checked so a
 * grpc-js without them fails at start instead of silently serving with 64 KiB windows.
 */
function applyReceiveWindow(server: grpc.Server, w: ReceiveWindow): { onBound(): void } {
  for (const [k, v] of Object.entries(w)) if (!Number.isInteger(v) || v < 65535 || v > MAX_WINDOW) throw new Error(`libs/rpc: receiveWindow.${k} ${v}: an integer in [65535, 2^31-1]`);
  const g = server as unknown as { commonServerOptions?: { settings?: Record<string, unknown> }; http2Servers?: Map<unknown, unknown> };
  if (typeof g.commonServerOptions !== 'object' || !(g.http2Servers instanceof Map)) throw new Error('libs/rpc: this grpc-js has no commonServerOptions / http2Servers: receiveWindow cannot be applied');
  g.commonServerOptions.settings = { ...g.commonServerOptions.settings, initialWindowSize: w.stream };
  const seen = new WeakSet<object>();
  return {
    onBound() {
      for (const hs of g.http2Servers!.keys()) {
        if (seen.has(hs as object)) continue;
        seen.add(hs as object);
        (hs as http2.Http2Server).on('session', (s: http2.ServerHttp2Session) => s.setLocalWindowSize(w.connection));
      }
    },
  };
}

function bearerToken(metadata: grpc.Metadata): string | undefined {
  const v = metadata.get(AUTHORIZATION_KEY);
  if (v.length !== 1 || typeof v[0] !== 'string') return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(v[0]);
  return m ? m[1] : undefined;
}

function unauthenticated(why: string): RpcError {
  return rpcError('UNAUTHENTICATED', 'UNAUTHENTICATED', why);
}

/** The proto name under which grpc.health.v1 is published (grpc/grpc's src/proto path). */
export const HEALTH_PROTO_NAME = 'grpc/health/v1/health.proto';

let reflectionDescriptors: Map<string, Uint8Array> | undefined;
/**
 * The FileDescriptorProtos reflection serves: every contract file under its own name, the
 * health proto and the well-known types they import (descriptors.ts), built once per process.
 */
export function reflectionFileDescriptors(): ReadonlyMap<string, Uint8Array> {
  reflectionDescriptors ??= buildFileDescriptorProtos([
    ...PROTO_FILES.map((name) => ({ name, file: path.join(PROTO_DIR, name) })),
    { name: HEALTH_PROTO_NAME, file: healthProtoPath },
  ]);
  return reflectionDescriptors;
}

/**
 * @grpc/reflection indexes whatever `fileDescriptorProtos` the entries of a package definition
 * carry. proto-loader's own (protobufjs Root.toDescriptor) are one made-up file per package, so
 * it gets ours instead: one entry holding the real files (it finds each file's dependencies by
 * following the fully qualified type names, so every import must be used: descriptors.ts
 * refuses a file whose imports do not match the types it uses).
 */
function reflectionPackageDefinition(): protoLoader.PackageDefinition {
  const entry = { fileDescriptorProtos: [...reflectionFileDescriptors().values()] };
  return { 'iommutwin.reflection.files': entry } as unknown as protoLoader.PackageDefinition;
}

/**
 * A request that did not decode. grpc-js answers a throwing deserialiser itself (INTERNAL
 * "Error deserializing request", no trailers our code could add to), so the deserialisers
 * return this instead and the interceptor answers INVALID_ARGUMENT, reason UNDECODABLE_REQUEST.
 */
export class UndecodableRequest {
  constructor(
    /** What protobufjs said. */
    readonly why: string,
  ) {}
}

/** `definition` with every request deserialiser made total (UndecodableRequest on failure). */
export function decodingDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(definition)) {
    const decode = m.requestDeserialize;
    out[name] = {
      ...m,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch (e) {
          return new UndecodableRequest(e instanceof Error ? e.message : String(e));
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

/** The path of grpc.health.v1.Health/Check. */
const HEALTH_CHECK_PATH = `/${HEALTH_SERVICE}/Check`;
const MAX_SERVICE_IN_METADATA = 128;

/**
 * The ErrorInfo of a failed status our adapters did not produce (it has no
 * grpc-status-details-bin): grpc-health-check's NOT_FOUND for a service it does not know
 * (reason UNKNOWN_SERVICE, metadata.service), otherwise grpc-js' own errors that pass through
 * the interceptor (reason = the status code's name, e.g. UNIMPLEMENTED for a second request
 * message on a unary call). Errors grpc-js sends before any interceptor runs (unknown method,
 * bad content-type, message too large) cannot carry one; the README lists them.
 */
export function frameworkError(path: string, code: grpc.status, details: string, healthService: string | undefined): RpcError {
  if (path === HEALTH_CHECK_PATH && code === grpc.status.NOT_FOUND) {
    return new RpcError(code, details, 'UNKNOWN_SERVICE', { service: (healthService ?? '').slice(0, MAX_SERVICE_IN_METADATA) });
  }
  return new RpcError(code, details, grpc.status[code] ?? 'UNKNOWN');
}

/** A running (or ready) iommu-twin gRPC server. */
export class RpcServer {
  readonly grpcServer: grpc.Server;
  readonly health: HealthImplementation;
  readonly serviceNames: readonly string[];
  private readonly state: ServerState;
  private shutdownPromise: Promise<void> | undefined;
  private bound = false;
  private readonly window: { onBound(): void } | undefined;

  constructor(opts: CreateServerOptions) {
    const names = opts.services.map((s) => s.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`libs/rpc: service ${dup} registered twice`);
    this.serviceNames = Object.freeze(names);
    this.state = { name: opts.name, logger: opts.logger, shuttingDown: false, streams: new Set() };
    this.grpcServer = new grpc.Server({
      ...opts.serverOptions,
      interceptors: [makeInterceptor(this.state, opts.auth, opts.accessLogLevel ?? 'info', opts.metrics)],
    });
    if (opts.receiveWindow) this.window = applyReceiveWindow(this.grpcServer, opts.receiveWindow);
    // Every service is added through `sink`, which makes its request deserialisers total (see
    // decodingDefinition): health and reflection too, whose packages call addService themselves.
    const sink = { addService: (d: grpc.ServiceDefinition, h: grpc.UntypedServiceImplementation) => this.grpcServer.addService(decodingDefinition(d), h) };
    for (const s of opts.services) sink.addService(s.definition, s.handlers);
    opts.metrics?.initialize(opts.services.flatMap((s) => Object.values(s.definition)));

    const initial: Record<string, ServingStatus> = { '': 'NOT_SERVING' };
    for (const n of names) initial[n] = 'NOT_SERVING';
    this.health = new HealthImplementation(initial);
    this.health.addToServer(sink as unknown as grpc.Server);

    if (opts.reflection ?? true) {
      new ReflectionService(reflectionPackageDefinition(), { services: [...names, HEALTH_SERVICE] }).addToServer(
        sink as unknown as grpc.Server,
      );
    }
  }

  /** Number of open streaming calls. */
  get activeStreams(): number {
    return this.state.streams.size;
  }

  /** Sets the health status of the server ('') and of every served service. */
  setServing(status: ServingStatus): void {
    this.health.setStatus('', status);
    for (const n of this.serviceNames) this.health.setStatus(n, status);
  }

  /**
   * Binds `host:port` (port 0 picks a free port; `unix:` paths are accepted) and reports
   * SERVING. Resolves to the actual address, e.g. `127.0.0.1:40123`.
   */
  listen(addr: string, credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure()): Promise<string> {
    if (this.state.shuttingDown) return Promise.reject(new Error('libs/rpc: server is shut down'));
    return new Promise((resolve, reject) => {
      this.grpcServer.bindAsync(addr, credentials, (err, port) => {
        if (err) {
          reject(err);
          return;
        }
        let actual = addr;
        if (!addr.startsWith('unix:')) {
          const colon = addr.lastIndexOf(':');
          actual = `${colon >= 0 ? addr.slice(0, colon) : addr}:${port}`;
        }
        this.bound = true;
        this.window?.onBound();
        this.setServing('SERVING');
        this.state.logger.info({ server: this.state.name, addr: actual }, 'grpc server listening');
        resolve(actual);
      });
    });
  }

  /**
   * Graceful shutdown: health NOT_SERVING, new calls refused with UNAVAILABLE, every open
   * stream ended with UNAVAILABLE (reason SHUTTING_DOWN, metadata lastSequence when known),
   * then tryShutdown raced against `deadlineMs`, after which forceShutdown cancels the rest.
   */
  shutdown(deadlineMs = 5000): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.state.shuttingDown = true;
    this.setServing('NOT_SERVING');
    // Let health watchers see NOT_SERVING before anything closes (a short, bounded grace).
    const grace = Math.min(HEALTH_GRACE_MS, deadlineMs);
    this.shutdownPromise = new Promise<void>((r) => setTimeout(r, grace)).then(() => this.closeAll(deadlineMs));
    return this.shutdownPromise;
  }

  private closeAll(deadlineMs: number): Promise<void> {
    for (const st of [...this.state.streams]) {
      const md: Record<string, string> = { server: this.state.name };
      if (st.lastSequence !== undefined) md.lastSequence = st.lastSequence;
      const err = rpcError('UNAVAILABLE', 'SHUTTING_DOWN', 'server shutting down', md);
      st.call.sendStatus({ code: err.code, details: err.details, metadata: err.metadata });
    }
    return new Promise<void>((resolve) => {
      if (!this.bound) {
        this.grpcServer.forceShutdown();
        resolve();
        return;
      }
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.state.logger.warn({ server: this.state.name, deadlineMs }, 'graceful shutdown timed out; forcing');
        this.grpcServer.forceShutdown();
        resolve();
      }, deadlineMs);
      this.grpcServer.tryShutdown(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve();
      });
    }).then(() => {
      this.state.logger.info({ server: this.state.name }, 'grpc server stopped');
    });
  }
}

/** Builds the server (services, health, reflection); call `listen` to serve. */
export function createServer(opts: CreateServerOptions): RpcServer {
  return new RpcServer(opts);
}

function makeInterceptor(server: ServerState, auth: AuthOptions, accessLogLevel: Level, metrics: ServerMetrics | undefined): grpc.ServerInterceptor {
  const publicPrefixes = auth.publicMethodPrefixes ?? DEFAULT_PUBLIC_METHOD_PREFIXES;
  const isPublic = (p: string): boolean => publicPrefixes.some((prefix) => p.startsWith(prefix));

  return (method, inner) => {
    const id = `${CALL_ID_PREFIX}.${(++callCounter).toString(36)}`;
    const streaming = method.requestStream || method.responseStream;
    let state: CallState; // assigned below, before any callback can run
    let labels: MethodLabels | undefined;
    let healthService: string | undefined;
    if (metrics) {
      labels = metrics.method(method.path, method.requestStream, method.responseStream);
      metrics.callStarted(labels);
    }

    const finish = (code: grpc.status, details: string, metadata: grpc.Metadata | null | undefined): void => {
      if (state.done) return;
      state.done = true;
      CALLS.delete(state.id);
      server.streams.delete(state);
      state.abort?.abort();
      let reason = state.reason;
      if (reason === undefined && code !== grpc.status.OK && metadata) reason = decodeErrorInfo({ metadata })?.reason;
      const ms = Number(process.hrtime.bigint() - state.startNs) / 1e6;
      if (labels) metrics!.callHandled(labels, code, ms / 1000);
      const line: Record<string, unknown> = {
        callId: state.id,
        method: state.method,
        principal: state.principal,
        code: grpc.status[code] ?? code,
        ms: Math.round(ms * 1000) / 1000,
      };
      if (reason !== undefined) line.reason = reason;
      if (code !== grpc.status.OK) line.details = details;
      if (state.logFields) Object.assign(line, state.logFields);
      server.logger[accessLogLevel](line, 'rpc');
    };

    const reject = (err: RpcError): void => {
      state.reason = err.info.reason;
      call.sendStatus({ code: err.code, details: err.details, metadata: err.metadata });
    };

    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        if (server.shuttingDown && !method.path.startsWith(`/${HEALTH_SERVICE}/`)) {
          reject(rpcError('UNAVAILABLE', 'SHUTTING_DOWN', 'server shutting down', { server: server.name }));
          return;
        }
        const token = bearerToken(metadata);
        const principal = token === undefined ? undefined : resolvePrincipal(auth, token);
        if (principal === undefined && !isPublic(method.path)) {
          reject(unauthenticated(token === undefined ? 'missing bearer token' : 'unknown bearer token'));
          return;
        }
        state.principal = principal;
        metadata.set(CALL_ID_KEY, id);
        CALLS.set(id, state);
        if (streaming) server.streams.add(state);
        next(metadata);
      })
      .withOnReceiveMessage((message, next) => {
        if (labels) metrics!.messageReceived(labels);
        if (message instanceof UndecodableRequest) {
          reject(rpcError('INVALID_ARGUMENT', 'UNDECODABLE_REQUEST', `request message does not decode: ${message.why}`, { method: method.path }));
          return;
        }
        if (method.path === HEALTH_CHECK_PATH && message !== null && typeof message === 'object') {
          const service = (message as { service?: unknown }).service;
          if (typeof service === 'string') healthService = service;
        }
        next(message);
      })
      .withOnCancel(() => {
        // Reached without our sendStatus when the client cancelled, the connection dropped
        // or grpc-js itself ended the call (deadline).
        const deadline = inner.getDeadline();
        const expired = (deadline instanceof Date ? deadline.getTime() : deadline) <= Date.now();
        if (expired) finish(grpc.status.DEADLINE_EXCEEDED, 'deadline exceeded', null);
        else finish(grpc.status.CANCELLED, 'cancelled by the client', null);
      })
      .build();

    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendMessage((message, next) => {
        if (streaming && message !== null && typeof message === 'object') {
          const seq = (message as { sequence?: unknown }).sequence;
          if (seq !== undefined && seq !== null) state.lastSequence = String(seq);
        }
        if (labels) metrics!.messageSent(labels);
        next(message);
      })
      .withSendStatus((status, next) => {
        if (status.code !== grpc.status.OK && !(status.metadata?.get(STATUS_DETAILS_KEY).length ?? 0)) {
          // Not from our adapters (they always attach one): health, reflection or grpc-js.
          const err = frameworkError(method.path, status.code, status.details ?? '', healthService);
          const metadata = status.metadata?.clone() ?? new grpc.Metadata();
          metadata.set(STATUS_DETAILS_KEY, err.metadata.get(STATUS_DETAILS_KEY)[0]!);
          status = { ...status, metadata };
        }
        finish(status.code, status.details ?? '', status.metadata);
        next(status);
      })
      .build();

    const call = new grpc.ServerInterceptingCall(inner, responder);
    state = {
      id,
      method: method.path,
      principal: undefined,
      server,
      call,
      streaming,
      startNs: process.hrtime.bigint(),
      done: false,
      reason: undefined,
      lastSequence: undefined,
      abort: undefined,
      logger: undefined,
      logFields: undefined,
    };
    return call;
  };
}
