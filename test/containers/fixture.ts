/**
 * Container fixtures: host-iommu and vmm containers of the iommu-twin image on a Docker network
 * of the test's own, reached from the test only through ports published on 127.0.0.1.
 *
 * The image is built once per run by global-setup.ts (scripts/docker-base.sh) and handed over
 * with `inject('containerImage')`; null means no Docker engine (the suites skip, loudly).
 */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { GenericContainer, getContainerRuntimeClient, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { inject } from 'vitest';
import { call, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import type { WatchEventsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WatchEventsResponse.js';
import { Sys, TOKENS } from '../contract/harness.js';

// No registry: the resource reaper (ryuk) cannot be pulled; the suites stop what they start.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the iommu-twin image to run, or null when no Docker engine answers */
    containerImage: string | null;
  }
}

/** The image to test, or null (then the suites skip). */
export const IMAGE: string | null = inject('containerImage');

/** Both services listen on this port inside their containers (the image's HEALTHCHECK probes it). */
export const PORT = 50051;
const TOKENS_YAML = Object.entries(TOKENS)
  .map(([t, p]) => `${t}: ${p}\n`)
  .join('');
export const VMM_TOKEN = 'vmm-root';
const TOKENS_PATH = '/etc/iommu-twin/tokens.yaml';

/** Ready: the CLI's line once the gRPC server is bound (Docker's health check needs 5 s more; health.test.ts watches it). */
const ready = () => Wait.forLogMessage(/^listening on 0\.0\.0\.0:50051$/m);

/** A GenericContainer whose ports are published on 127.0.0.1 only (testcontainers binds 0.0.0.0). */
class LoopbackContainer extends GenericContainer {
  withLoopbackPort(port: number): this {
    this.withExposedPorts(port);
    this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '0' }] };
    return this;
  }
}

export interface ServiceContainer {
  c: StartedTestContainer;
  /** `127.0.0.1:<published port>` (changes when the container restarts) */
  addr(): string;
}

function service(c: StartedTestContainer): ServiceContainer {
  return { c, addr: () => `127.0.0.1:${c.getMappedPort(PORT)}` };
}

function base(image: string, network: StartedNetwork, alias: string): LoopbackContainer {
  return new LoopbackContainer(image)
    .withNetwork(network)
    .withNetworkAliases(alias)
    .withLoopbackPort(PORT)
    .withCopyContentToContainer([{ content: TOKENS_YAML, target: TOKENS_PATH, mode: 0o644 }])
    .withEnvironment({ LOG_LEVEL: 'info' })
    .withStartupTimeout(60_000);
}

/** A host-iommu container (`alias` on `network`), ready once it logged `listening on`. */
export async function startHost(image: string, network: StartedNetwork, alias: string, profile = 'intel-vtd'): Promise<ServiceContainer> {
  const c = await base(image, network, alias)
    .withCommand(['host', '--listen', `0.0.0.0:${PORT}`, '--profile', profile, '--tokens', TOKENS_PATH])
    .withWaitStrategy(ready())
    .start();
  return service(c);
}

/** A vmm container on top of the host-iommu reachable as `hostAlias` on `network`. */
export async function startVmm(image: string, network: StartedNetwork, alias: string, hostAlias: string): Promise<ServiceContainer> {
  const c = await base(image, network, alias)
    .withCopyContentToContainer([{ content: `${VMM_TOKEN}: root\n`, target: '/etc/iommu-twin/vmm-tokens.yaml', mode: 0o644 }])
    .withCommand([
      'vmm',
      '--listen',
      `0.0.0.0:${PORT}`,
      '--host',
      `${hostAlias}:${PORT}`,
      '--tokens',
      '/etc/iommu-twin/vmm-tokens.yaml',
      '--host-token',
      'tok-qemu',
      '--host-platform-token',
      'tok-platform',
    ])
    .withWaitStrategy(ready())
    .start();
  return service(c);
}

export async function startNetwork(): Promise<StartedNetwork> {
  return new Network().start();
}

/** Clients of a host-iommu container, one per principal. */
export function hostClients(h: ServiceContainer): { root: HostClients; platform: HostClients; close(): void } {
  const root = createClients(h.addr(), { token: 'tok-root', defaultDeadlineMs: 20_000 });
  const platform = createClients(h.addr(), { token: 'tok-platform', defaultDeadlineMs: 20_000 });
  return {
    root,
    platform,
    close() {
      root.close();
      platform.close();
    },
  };
}

export function vmmClients(v: ServiceContainer): VmmClients {
  return createVmmClients(v.addr(), { token: VMM_TOKEN, defaultDeadlineMs: 20_000 });
}

/** Docker's health status of a container: starting, healthy, unhealthy (none without a HEALTHCHECK). */
export async function dockerHealth(c: StartedTestContainer): Promise<string> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.inspect(client.container.getById(c.getId()));
  return info.State.Health?.Status ?? 'none';
}

/** Polls `cond` every 100 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function until<T>(cond: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type HostEvent = WatchEventsResponse__Output;

/**
 * Everything in a host's event log from its first event up to the first one matching `last`
 * (read with Platform.WatchEvents through the published port).
 */
export async function hostLogUntil(platform: HostClients, last: (e: HostEvent) => boolean, timeoutMs = 20_000): Promise<HostEvent[]> {
  const stream = platform.Platform.WatchEvents({ after_sequence: '0' });
  const got: HostEvent[] = [];
  try {
    return await new Promise<HostEvent[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host log: no matching event within ${timeoutMs} ms (saw ${got.map(brief).join(', ')})`)), timeoutMs);
      stream.on('data', (m: HostEvent) => {
        got.push(m);
        if (last(m)) {
          clearTimeout(timer);
          resolve(got.slice());
        }
      });
      stream.on('error', (e: grpc.ServiceError) => {
        clearTimeout(timer);
        if (e.code !== grpc.status.CANCELLED) reject(e);
      });
    });
  } finally {
    stream.cancel();
  }
}

export const brief = (e: HostEvent): string => `${e.sequence}:${e.kind.replace(/^HOST_EVENT_KIND_/, '')}:${e.pid}`;

/** The vmm's view of its host link (GetHostCapabilities.host_link). */
export async function hostLink(v: VmmClients) {
  const r = await call(v.Vmm.GetHostCapabilities, {});
  return r.host_link!;
}

export { call };

export const MiB = 1n << 20n;
/** nic0's virtio-iommu endpoint (guest BDF 0000:00:03.0) */
export const NIC_EP = 0x18;

/** A VM with one assigned device (EMULATED backend) behind a virtio-iommu. */
export function vmSpec(name: string, hostBdf = '0000:01:00.0') {
  return {
    name,
    memory_bytes: String(64n * MiB),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [{ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: hostBdf, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' as const } }],
  };
}

/**
 * CreateVm, then the orchestrator's part (root on the host, through the host container's
 * published port): open /dev/iommu and the device's cdev, SendFd both into the VM's host
 * process, exit; then StartVm with those fds.
 */
export async function bootVm(v: VmmClients, root: HostClients, name: string, cdev = 'vfio0', hostBdf = '0000:01:00.0') {
  const created = await call(v.Vmm.CreateVm, { spec: vmSpec(name, hostBdf) });
  const pid = created.vm!.host_pid;
  const orch = await Sys.spawn(root, 'libvirtd');
  const pass = async (path: string) => {
    const fd = await orch.open(path);
    const target = await orch.sendFd(fd, pid);
    await orch.close(fd);
    return target;
  };
  const passed = { iommufd0: await pass('/dev/iommu'), nic0: await pass(`/dev/vfio/devices/${cdev}`) };
  await orch.exit();
  const started = await call(v.Vmm.StartVm, { name, passed_fds: passed });
  return { pid, passed, orchestratorPid: orch.pid, vm: started.vm! };
}

/** The guest driver: features, nic0 attached to domain 1, one 64 KiB MAP at IOVA 1 MiB → GPA 16 MiB (read/write). */
export async function guestMaps(v: VmmClients, name: string): Promise<number[]> {
  const cfg = await call(v.Guest.VirtioIommuConfig, { vm: name });
  const feat = await call(v.Guest.VirtioIommuSetFeatures, { vm: name, driver_features: cfg.device_features });
  const att = await call(v.Guest.VirtioIommuRequest, { vm: name, attach: { domain: 1, endpoint: NIC_EP, flags: 0, reserved: 0 } });
  const map = await call(v.Guest.VirtioIommuRequest, { vm: name, map: { domain: 1, virt_start: String(MiB), virt_end: String(MiB + 0xffffn), phys_start: String(16n * MiB), flags: 3 } });
  return [feat.features_ok ? 0 : -1, att.status ?? -1, map.status ?? -1];
}

interface HealthWatchClient extends grpc.Client {
  Watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }>;
}
const HealthClient = grpc.makeClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'grpc.health.v1.Health') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
) => HealthWatchClient;

/** grpc.health.v1 Watch of `service` at `addr`: every status received, and how the stream ended. */
export function watchHealth(addr: string, service = '') {
  const client = new HealthClient(addr, grpc.credentials.createInsecure());
  const stream = client.Watch({ service });
  const statuses: string[] = [];
  let end: string | undefined;
  stream.on('data', (m: { status: string }) => statuses.push(m.status));
  stream.on('error', (e: grpc.ServiceError) => {
    end ??= grpc.status[e.code] ?? String(e.code);
  });
  stream.on('end', () => {
    end ??= 'OK';
  });
  return {
    statuses,
    ended: () => end,
    close() {
      stream.cancel();
      client.close();
    },
  };
}
