/**
 * Health: the image's HEALTHCHECK (the gRPC health protocol, probed from inside the container)
 * as Docker reports it, and grpc.health.v1 Watch through the published port, across start,
 * graceful stop (SIGTERM) and restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient, ImageName, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { dockerHealth, IMAGE, startHost, startNetwork, startVmm, until, watchHealth, type ServiceContainer } from './fixture.js';

/** Docker's health statuses of `c` from now until it is no longer `starting` (polled every 100 ms). */
async function healthPath(c: StartedTestContainer, timeoutMs = 30_000): Promise<string[]> {
  const path: string[] = [];
  await until(async () => {
    const s = await dockerHealth(c);
    if (path[path.length - 1] !== s) path.push(s);
    return s !== 'starting';
  }, 'the health check to settle', timeoutMs);
  return path;
}

/** How long ago the container (re)started, in ms. */
async function sinceStart(c: StartedTestContainer): Promise<number> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.inspect(client.container.getById(c.getId()));
  return Date.now() - Date.parse(info.State.StartedAt);
}

/** `starting` until the first probe (5 s after the start), then `healthy`. */
async function expectStartingThenHealthy(c: StartedTestContainer): Promise<void> {
  const early = (await sinceStart(c)) < 4500; // Docker's first probe runs one interval after the start
  const path = await healthPath(c);
  expect(path).toEqual(early ? ['starting', 'healthy'] : ['healthy']);
  expect(await sinceStart(c)).toBeGreaterThanOrEqual(5000);
}

describe.skipIf(!IMAGE)('health of the host-iommu and vmm containers', () => {
  let net: StartedNetwork;
  let host: ServiceContainer;
  let vmm: ServiceContainer;

  beforeAll(async () => {
    net = await startNetwork();
  });

  afterAll(async () => {
    await vmm?.c.stop().catch(() => undefined);
    await host?.c.stop().catch(() => undefined);
    await net?.stop().catch(() => undefined);
  });

  it('the image: non-root, HEALTHCHECK with the gRPC health probe', async () => {
    const client = await getContainerRuntimeClient();
    const img = await client.image.inspect(ImageName.fromString(IMAGE!));
    // the check the Dockerfile declares (nanoseconds)
    expect(img.Config.Healthcheck).toEqual({ Test: ['CMD', 'node', 'dist/services/cli/health.js'], Interval: 5e9, Timeout: 3e9, StartPeriod: 20e9, Retries: 3 });
    expect(img.Config.User).toBe('1000:1000');
    expect(img.Config.Entrypoint).toEqual(['node', 'dist/services/cli/main.js']);
    expect(img.Config.ExposedPorts).toEqual({ '50051/tcp': {} });
  });

  it('starting → healthy for both; the probe answers per service; SIGTERM: SERVING → NOT_SERVING; after a restart starting → healthy again', async () => {
    // ready on their log line, well before Docker's first probe (5 s after start)
    host = await startHost(IMAGE!, net, 'host-iommu');
    vmm = await startVmm(IMAGE!, net, 'vmm', 'host-iommu');
    await expectStartingThenHealthy(host.c);
    await expectStartingThenHealthy(vmm.c);

    // the probe inside the containers: exit 0 only for SERVING
    const ok = await host.c.exec(['node', 'dist/services/cli/health.js', '--service', 'iommutwin.host.v1.Platform']);
    expect([ok.exitCode, ok.output.trim()]).toEqual([0, '127.0.0.1:50051 iommutwin.host.v1.Platform: SERVING']);
    const unknown = await host.c.exec(['node', 'dist/services/cli/health.js', '--service', 'iommutwin.vmm.v1.Vmm']);
    expect([unknown.exitCode, unknown.output.trim()]).toEqual([1, '127.0.0.1:50051 iommutwin.vmm.v1.Vmm: NOT_FOUND (Health status unknown for service iommutwin.vmm.v1.Vmm)']);
    const vmmOk = await vmm.c.exec(['node', 'dist/services/cli/main.js', 'health', '--service', 'iommutwin.vmm.v1.Vmm']);
    expect([vmmOk.exitCode, vmmOk.output.trim()]).toEqual([0, '127.0.0.1:50051 iommutwin.vmm.v1.Vmm: SERVING']);
    const nothing = await vmm.c.exec(['node', 'dist/services/cli/health.js', '--addr', '127.0.0.1:50099']);
    expect(nothing.exitCode).toBe(1);
    expect(nothing.output).toMatch(/^127\.0\.0\.1:50099: UNAVAILABLE /);
    const uid = await vmm.c.exec(['id', '-u']);
    expect(uid.output.trim()).toBe('1000');

    // graceful stop of the vmm (SIGTERM): health NOT_SERVING before the stream ends; the same
    // container started again goes through starting → healthy
    const w = watchHealth(vmm.addr(), 'iommutwin.vmm.v1.Vmm');
    await until(() => w.statuses.length > 0, 'the first status');
    await vmm.c.restart({ timeout: 10 });
    await until(() => w.ended(), 'the watch to end');
    expect([w.statuses, w.ended()]).toEqual([['SERVING', 'NOT_SERVING'], 'UNAVAILABLE']);
    w.close();
    await expectStartingThenHealthy(vmm.c);
    const again = watchHealth(vmm.addr());
    await until(() => again.statuses.length > 0, 'the status after the restart');
    expect(again.statuses).toEqual(['SERVING']);
    again.close();
  });
});
