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
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from 'grpc-health-check';
import type { Level, Logger } from 'pino';
import { RpcError, decodeErrorInfo, rpcError } from './errors.js';
import { AUTHORIZATION_KEY, CALL_ID_KEY } from './metadata.js';
import type { MethodLabels, ServerMetrics } from './metrics.js';
import { PROTO_FILES, PROTO_LOADER_OPTIONS, type ServiceRegistration } from './proto.js';

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

let reflectionDefinition: protoLoader.PackageDefinition | undefined;
function reflectionPackageDefinition(): protoLoader.PackageDefinition {
  reflectionDefinition ??= protoLoader.loadSync([...PROTO_FILES, healthProtoPath], PROTO_LOADER_OPTIONS);
  return reflectionDefinition;
}

/** A running (or ready) iommu-twin gRPC server. */
export class RpcServer {
  readonly grpcServer: grpc.Server;
  readonly health: HealthImplementation;
  readonly serviceNames: readonly string[];
  private readonly state: ServerState;
  private shutdownPromise: Promise<void> | undefined;
  private bound = false;

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
    for (const s of opts.services) this.grpcServer.addService(s.definition, s.handlers);
    opts.metrics?.initialize(opts.services.flatMap((s) => Object.values(s.definition)));

    const initial: Record<string, ServingStatus> = { '': 'NOT_SERVING' };
    for (const n of names) initial[n] = 'NOT_SERVING';
    this.health = new HealthImplementation(initial);
    this.health.addToServer(this.grpcServer);

    if (opts.reflection ?? true) {
      new ReflectionService(reflectionPackageDefinition(), { services: [...names, HEALTH_SERVICE] }).addToServer(
        this.grpcServer,
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
