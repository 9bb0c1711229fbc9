/**
 * Client side: typed host-iommu clients on one channel, with an interceptor that adds
 * `authorization: Bearer <token>` and `x-iommutwin-pid`, plus a promisified unary helper.
 *
 *   const host = createClients('127.0.0.1:50051', { token, pid });
 *   const { out_ioas_id } = await call(host.Iommufd.IoasAlloc, { fd });
 *   await call(host.Process.Open, { path: '/dev/iommu', flags: 2 }, callMeta(otherPid));
 */
import * as grpc from '@grpc/grpc-js';
import { AUTHORIZATION_KEY, PID_KEY } from './metadata.js';
import {
  HOST_SERVICE_NAMES,
  VMM_SERVICE_NAMES,
  proto,
  type HostServiceName,
  type HostServices,
  type VmmServiceName,
  type VmmServices,
} from './proto.js';

/** Metadata naming the acting process for one call (overrides the clients' default pid). */
export function callMeta(pid?: number, extra: Record<string, string> = {}): grpc.Metadata {
  const md = new grpc.Metadata();
  if (pid !== undefined) md.set(PID_KEY, String(pid));
  for (const [k, v] of Object.entries(extra)) md.set(k, v);
  return md;
}

export interface ClientAuth {
  /** Bearer token naming the principal. */
  token: string;
  /** Default acting pid for every call (a call's own `x-iommutwin-pid` wins). */
  pid?: number;
}

export interface CreateClientsOptions extends ClientAuth {
  /** Channel credentials (default insecure). */
  credentials?: grpc.ChannelCredentials;
  /** grpc-js channel options (keepalive, ...). */
  channelOptions?: grpc.ChannelOptions;
  /** Deadline applied to unary calls that set none (default: none). */
  defaultDeadlineMs?: number;
}

/** The four host-iommu clients (one shared channel). */
export type HostClients = { [K in HostServiceName]: HostServices[K]['client'] } & {
  /** Default pid of subsequent calls (undefined = none). */
  pid: number | undefined;
  /** The server address. */
  readonly address: string;
  /** Resolves when the channel is ready, rejects at the deadline. */
  waitForReady(timeoutMs?: number): Promise<void>;
  /** Closes the channel. */
  close(): void;
};

/** The client interceptor adding identity metadata (and a default unary deadline). */
export function authInterceptor(
  auth: { readonly token: string; readonly pid: number | undefined },
  defaultDeadlineMs?: number,
): grpc.Interceptor {
  return (options, nextCall) => {
    let opts = options;
    const def = options.method_definition;
    if (defaultDeadlineMs !== undefined && options.deadline === undefined && !def.requestStream && !def.responseStream) {
      opts = { ...options, deadline: Date.now() + defaultDeadlineMs };
    }
    return new grpc.InterceptingCall(nextCall(opts), {
      start(metadata, listener, next) {
        metadata.set(AUTHORIZATION_KEY, `Bearer ${auth.token}`);
        if (auth.pid !== undefined && metadata.get(PID_KEY).length === 0) metadata.set(PID_KEY, String(auth.pid));
        next(metadata, listener);
      },
    });
  };
}

function bindMethods(client: grpc.Client, definition: grpc.ServiceDefinition): void {
  const target = client as unknown as Record<string, unknown>;
  for (const [name, def] of Object.entries(definition)) {
    for (const key of [name, (def as { originalName?: string }).originalName]) {
      if (key === undefined) continue;
      const fn = target[key];
      if (typeof fn === 'function') target[key] = fn.bind(client);
    }
  }
}

/**
 * Typed clients for Process, Iommufd, Vfio and Platform sharing one channel. Methods are bound
 * to their client, so `call(clients.Iommufd.IoasAlloc, req)` works.
 */
export function createClients(address: string, opts: CreateClientsOptions): HostClients {
  const auth = { token: opts.token, pid: opts.pid };
  const interceptors = [authInterceptor(auth, opts.defaultDeadlineMs)];
  const credentials = opts.credentials ?? grpc.credentials.createInsecure();
  const ctors = proto.iommutwin.host.v1;
  let channel: grpc.Channel | undefined;
  const made = {} as { [K in HostServiceName]: HostServices[K]['client'] };
  for (const name of HOST_SERVICE_NAMES) {
    const Ctor = ctors[name] as unknown as new (addr: string, creds: grpc.ChannelCredentials, o: grpc.ClientOptions) => grpc.Client;
    const client = new Ctor(address, credentials, {
      ...opts.channelOptions,
      interceptors,
      ...(channel ? { channelOverride: channel } : {}),
    });
    channel ??= client.getChannel() as grpc.Channel;
    bindMethods(client, ctors[name].service);
    (made as Record<string, unknown>)[name] = client;
  }
  const first = made.Platform as unknown as grpc.Client;
  const extra = {
    address,
    waitForReady(timeoutMs = 5000): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        first.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
      });
    },
    close(): void {
      // Not client.close(): the Process service has an RPC named Close, whose generated
      // method `close` shadows grpc.Client#close on that client.
      for (const name of HOST_SERVICE_NAMES) grpc.Client.prototype.close.call(made[name] as unknown as grpc.Client);
    },
  };
  // defineProperty, not Object.assign: `pid` must stay an accessor onto the interceptor's state.
  Object.defineProperty(made, 'pid', {
    get: (): number | undefined => auth.pid,
    set: (v: number | undefined) => {
      auth.pid = v;
    },
    enumerable: true,
  });
  return Object.assign(made, extra) as HostClients;
}

/** A bound unary client method (the generated callback overloads). */
export type UnaryMethod<Req, Res> = (argument: Req, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

/**
 * Promisified unary call keeping the generated request/response types:
 * `await call(clients.Iommufd.IoasMap, { fd, ioas_id, ... }, callMeta(pid), { deadline })`.
 * The method must be bound to its client (createClients binds them).
 */
export function call<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  metadata: grpc.Metadata = new grpc.Metadata(),
  options: grpc.CallOptions = {},
): Promise<Res> {
  type Full = (a: Req, m: grpc.Metadata, o: grpc.CallOptions, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;
  return new Promise<Res>((resolve, reject) => {
    try {
      (method as unknown as Full)(request, metadata, options, (err, value) => {
        if (err) reject(err);
        else resolve(value as Res);
      });
    } catch (e) {
      reject(e);
    }
  });
}

/** The two vmm clients (one shared channel). */
export type VmmClients = { [K in VmmServiceName]: VmmServices[K]['client'] } & {
  readonly address: string;
  waitForReady(timeoutMs?: number): Promise<void>;
  close(): void;
};

/** Typed clients for the vmm's Vmm and Guest services sharing one channel (methods bound). */
export function createVmmClients(address: string, opts: CreateClientsOptions): VmmClients {
  const auth = { token: opts.token, pid: undefined };
  const interceptors = [authInterceptor(auth, opts.defaultDeadlineMs)];
  const credentials = opts.credentials ?? grpc.credentials.createInsecure();
  const ctors = proto.iommutwin.vmm.v1;
  let channel: grpc.Channel | undefined;
  const made = {} as { [K in VmmServiceName]: VmmServices[K]['client'] };
  for (const name of VMM_SERVICE_NAMES) {
    const Ctor = ctors[name] as unknown as new (addr: string, creds: grpc.ChannelCredentials, o: grpc.ClientOptions) => grpc.Client;
    const client = new Ctor(address, credentials, { ...opts.channelOptions, interceptors, ...(channel ? { channelOverride: channel } : {}) });
    channel ??= client.getChannel() as grpc.Channel;
    bindMethods(client, ctors[name].service);
    (made as Record<string, unknown>)[name] = client;
  }
  const first = made.Vmm as unknown as grpc.Client;
  return Object.assign(made, {
    address,
    waitForReady(timeoutMs = 5000): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        first.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
      });
    },
    close(): void {
      for (const name of VMM_SERVICE_NAMES) grpc.Client.prototype.close.call(made[name] as unknown as grpc.Client);
    },
  });
}
