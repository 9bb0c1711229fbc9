/**
 * Prometheus metrics for the iommu-twin servers: one prom-client Registry per process role
 * (never the global one), the go-grpc-prometheus server metrics fed by the createServer
 * interceptor, helpers for domain metrics sampled at scrape time, and a node:http server that
 * serves `/metrics` on its own address.
 *
 *   const metrics = createServerMetrics();                // + process/node default metrics
 *   const server = createServer({ ..., metrics });        // grpc_server_* per call
 *   scrapedCounter(metrics.registry, 'iommu_page_walks_total', 'help', ['unit'], () => [...]);
 *   const http = await serveMetrics(metrics.registry, '127.0.0.1:0');   // http.url
 *
 * gRPC metric names and labels follow go-grpc-prometheus: grpc_server_started_total,
 * grpc_server_handled_total{grpc_code}, grpc_server_msg_received_total,
 * grpc_server_msg_sent_total, grpc_server_handling_seconds (histogram), each labelled
 * grpc_type (unary|client_stream|server_stream|bidi_stream), grpc_service, grpc_method.
 * grpc_code takes Go's code names (OK, InvalidArgument, Unauthenticated, ...).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

type GrpcLabel = 'grpc_type' | 'grpc_service' | 'grpc_method';

/** The label values of one method (cached per method path). */
export interface MethodLabels {
  readonly grpc_type: GrpcType;
  readonly grpc_service: string;
  readonly grpc_method: string;
}

/** grpc_code label values: the names Go's codes.Code.String() gives (as go-grpc-prometheus). */
export const GRPC_CODE_NAMES: readonly string[] = Object.freeze([
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
]);

/** The grpc_code label value of a numeric status. */
export function grpcCodeName(code: number): string {
  return GRPC_CODE_NAMES[code] ?? `Code(${code})`;
}

/** The grpc_type of a method. */
export function grpcType(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream) return responseStream ? 'bidi_stream' : 'client_stream';
  return responseStream ? 'server_stream' : 'unary';
}

export interface ServerMetricsOptions {
  /** Register prom-client's process/node default metrics on the registry (default true). */
  defaultMetrics?: boolean;
  /** Histogram buckets of grpc_server_handling_seconds (default: Prometheus' DefBuckets). */
  handlingBuckets?: number[];
}

/**
 * A registry with the gRPC server metrics. One instance may be shared by several servers of
 * one process (their calls differ by grpc_service).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly started: Counter<GrpcLabel>;
  private readonly handled: Counter<GrpcLabel | 'grpc_code'>;
  private readonly received: Counter<GrpcLabel>;
  private readonly sent: Counter<GrpcLabel>;
  private readonly seconds: Histogram<GrpcLabel>;
  private readonly methods = new Map<string, MethodLabels>();

  constructor(opts: ServerMetricsOptions = {}) {
    const registers = [this.registry];
    const labelNames: GrpcLabel[] = ['grpc_type', 'grpc_service', 'grpc_method'];
    this.started = new Counter({ name: 'grpc_server_started_total', help: 'Total number of RPCs started on the server.', labelNames, registers });
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      labelNames: [...labelNames, 'grpc_code'],
      registers,
    });
    this.received = new Counter({ name: 'grpc_server_msg_received_total', help: 'Total number of RPC stream messages received on the server.', labelNames, registers });
    this.sent = new Counter({ name: 'grpc_server_msg_sent_total', help: 'Total number of gRPC stream messages sent by the server.', labelNames, registers });
    this.seconds = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.',
      labelNames,
      buckets: opts.handlingBuckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The labels of `/package.Service/Method` (cached). */
  method(path: string, requestStream: boolean, responseStream: boolean): MethodLabels {
    let m = this.methods.get(path);
    if (!m) {
      const slash = path.lastIndexOf('/');
      m = Object.freeze({
        grpc_type: grpcType(requestStream, responseStream),
        grpc_service: path.slice(path.startsWith('/') ? 1 : 0, slash > 0 ? slash : path.length),
        grpc_method: slash >= 0 ? path.slice(slash + 1) : path,
      });
      this.methods.set(path, m);
    }
    return m;
  }

  /**
   * Initialises the started, msg, handling-seconds and handled{grpc_code="OK"} series of each
   * method to 0 (as go-grpc-prometheus' InitializeMetrics, less the other 16 codes per
   * method), so a method shows up before its first call.
   */
  initialize(methods: Iterable<{ path: string; requestStream: boolean; responseStream: boolean }>): void {
    for (const d of methods) {
      const m = this.method(d.path, d.requestStream, d.responseStream);
      this.started.inc(m, 0);
      this.received.inc(m, 0);
      this.sent.inc(m, 0);
      this.handled.inc({ ...m, grpc_code: 'OK' }, 0);
      this.seconds.zero(m);
    }
  }

  callStarted(m: MethodLabels): void {
    this.started.inc(m);
  }
  messageReceived(m: MethodLabels): void {
    this.received.inc(m);
  }
  messageSent(m: MethodLabels): void {
    this.sent.inc(m);
  }
  callHandled(m: MethodLabels, code: number, seconds: number): void {
    this.handled.inc({ ...m, grpc_code: grpcCodeName(code) });
    this.seconds.observe(m, seconds);
  }
}

/** A registry with the gRPC server metrics (and, by default, process/node metrics). */
export function createServerMetrics(opts: ServerMetricsOptions = {}): ServerMetrics {
  return new ServerMetrics(opts);
}

/** One sampled series: its label values and its value. */
export type Sample<L extends string> = readonly [labels: Partial<Record<L, string | number>>, value: number];

/**
 * A counter whose value is read from the domain at scrape time (no hot-path cost): `sample`
 * returns the current monotonic totals (they may only restart from 0 when the domain resets
 * its own counters, which Prometheus treats as a counter reset).
 */
export function scrapedCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  sample: () => Iterable<Sample<L>>,
): Counter<L> {
  return new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect(this: Counter<L>) {
      this.reset();
      for (const [labels, value] of sample()) this.inc(labels, value);
    },
  });
}

/** A gauge whose value is read from the domain at scrape time. */
export function scrapedGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  sample: () => Iterable<Sample<L>>,
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect(this: Gauge<L>) {
      this.reset();
      for (const [labels, value] of sample()) this.set(labels, value);
    },
  });
}

/** A running `/metrics` endpoint. */
export interface MetricsHttpServer {
  /** The bound address, `host:port` (`[::1]:port` for IPv6). */
  readonly addr: string;
  /** `http://<addr>/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

/** Splits `host:port` / `[v6]:port`; the port must be given (0 picks a free one). */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(addr);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`bad listen address '${addr}': expected host:port (port 0 picks one)`);
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * Serves `GET /metrics` (and HEAD) from `registry` on `addr` (`host:port`; port 0 picks one).
 * Other paths are 404, other methods 405.
 */
export function serveMetrics(registry: Registry, addr: string): Promise<MetricsHttpServer> {
  const { host, port } = parseListenAddress(addr);
  const server: HttpServer = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`metrics collection failed: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const bound = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
      resolve({
        addr: bound,
        url: `http://${bound}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
