/**
 * Observability: the Prometheus endpoint (`--metrics-listen`) with the go-grpc-prometheus server
 * metrics and the domain metrics of both services, moving with the model; graceful shutdown on
 * SIGTERM (open streams end UNAVAILABLE, exit 0) and the forced path after the deadline.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notModelled } from '#libs/errno/index.js';
import { call, createClients, createVmmClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import { bidiStream, serverStream, unary } from '#libs/rpc/handlers.js';
import { createServerMetrics, grpcCodeName, grpcType, parseListenAddress, serveMetrics, type MetricsHttpServer } from '#libs/rpc/metrics.js';
import { hostServiceDefinitions, registration } from '#libs/rpc/proto.js';
import { createServer } from '#libs/rpc/server.js';
import { startHostServer, type HostServer } from '../../services/host-iommu/src/main.js';
import { startVmmServer, type VmmServer } from '../../services/vmm/src/main.js';
import { deviceSetup, Hw, rejectionOf, Sys, TOKENS } from './harness.js';
import { eventually, scrape, startCli, type Scrape } from './obs-helpers.js';

const MiB = 1n << 20n;
const PLATFORM = 'iommutwin.host.v1.Platform';

const describeRpc = { grpc_type: 'unary', grpc_service: PLATFORM, grpc_method: 'Describe' };

describe('host-iommu /metrics', () => {
  let srv: HostServer;
  let root: HostClients;
  let platform: HostClients;
  let url: string;
  beforeAll(async () => {
    srv = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: pino({ level: 'silent' }), metricsListen: '127.0.0.1:0' });
    root = createClients(srv.addr, { token: 'tok-root', defaultDeadlineMs: 20_000 });
    platform = createClients(srv.addr, { token: 'tok-platform', defaultDeadlineMs: 20_000 });
    url = srv.metricsHttp!.url;
  });
  afterAll(async () => {
    root?.close();
    platform?.close();
    await srv?.close(500);
  });

  it('is served on a 127.0.0.1 port of its own: GET /metrics only, with process metrics', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/metrics$/);
    expect(srv.metricsHttp!.addr).not.toBe(srv.addr);
    const s = await scrape(url);
    for (const n of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(s.names()).toContain(n);
    const base = url.slice(0, -'/metrics'.length);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    // every served method is initialised before its first call
    expect(s.get('grpc_server_started_total', { grpc_type: 'bidi_stream', grpc_service: 'iommutwin.host.v1.Iommufd', grpc_method: 'InvalidationChannel' })).toBe(0);
    expect(s.get('grpc_server_handled_total', { grpc_type: 'server_stream', grpc_service: PLATFORM, grpc_method: 'WatchEvents', grpc_code: 'OK' })).toBe(0);
  });

  it('counts calls as go-grpc-prometheus does: started, handled{grpc_code}, messages, handling seconds', async () => {
    const before = await scrape(url);
    const bad = createClients(srv.addr, { token: 'not-a-token' });
    try {
      await call(platform.Platform.Describe, {});
      await call(platform.Platform.Describe, {});
      const e = await rejectionOf(call(bad.Platform.Describe, {}));
      expect(e.code).toBe(grpc.status.UNAUTHENTICATED);
      const e2 = await rejectionOf(call(root.Process.Open, { path: '/dev/iommu', flags: 2 }));
      expect(e2.code).toBe(grpc.status.INVALID_ARGUMENT); // no pid
    } finally {
      bad.close();
    }
    const after = await scrape(url);
    const d = (name: string, labels: Record<string, string>) => after.get(name, labels) - (before.find(name, labels)?.value ?? 0);
    expect(d('grpc_server_started_total', describeRpc)).toBe(3);
    expect(d('grpc_server_handled_total', { ...describeRpc, grpc_code: 'OK' })).toBe(2);
    expect(d('grpc_server_handled_total', { ...describeRpc, grpc_code: 'Unauthenticated' })).toBe(1);
    // the refused call never reached the handler: no request message was read
    expect(d('grpc_server_msg_received_total', describeRpc)).toBe(2);
    expect(d('grpc_server_msg_sent_total', describeRpc)).toBe(2);
    expect(d('grpc_server_handling_seconds_count', describeRpc)).toBe(3);
    expect(d('grpc_server_handling_seconds_bucket', { ...describeRpc, le: '+Inf' })).toBe(3);
    expect(after.get('grpc_server_handling_seconds_sum', describeRpc)).toBeGreaterThan(before.get('grpc_server_handling_seconds_sum', describeRpc));
    expect(d('grpc_server_handled_total', { grpc_type: 'unary', grpc_service: 'iommutwin.host.v1.Process', grpc_method: 'Open', grpc_code: 'InvalidArgument' })).toBe(1);
    expect(after.text).not.toContain('not-a-token');
  });

  it('a server stream: started, each event sent, event_stream_subscribers while open, Canceled when the client cancels', async () => {
    const watch = { grpc_type: 'server_stream', grpc_service: PLATFORM, grpc_method: 'WatchEvents' };
    const before = await scrape(url);
    expect(before.get('event_stream_subscribers')).toBe(0);
    const stream = platform.Platform.WatchEvents({ after_sequence: before.get('host_event_sequence').toString() });
    const got: unknown[] = [];
    stream.on('data', (m) => got.push(m));
    const ended = new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    await eventually(async () => ((await scrape(url)).get('event_stream_subscribers') === 1 ? true : undefined), 'the stream to subscribe');
    // two host events: a DMA fault (nothing attached) and a process exit
    const hw = new Hw(platform);
    expect((await hw.dma('0000:02:00.0', 0x1000n, 4)).result).toBe('fault');
    const p = await call(root.Process.Spawn, { name: 'short', lease_ms: 0 });
    await call(root.Process.Exit, { pid: p.pid });
    await eventually(async () => (got.length === 2 ? true : undefined), 'two events');
    const open = await scrape(url);
    expect(open.get('grpc_server_started_total', watch) - before.get('grpc_server_started_total', watch)).toBe(1);
    expect(open.get('grpc_server_msg_sent_total', watch) - before.get('grpc_server_msg_sent_total', watch)).toBe(2);
    expect(open.get('event_stream_subscribers')).toBe(1);
    stream.cancel();
    expect((await ended).code).toBe(grpc.status.CANCELLED);
    const closed = await eventually(async () => {
      const s = await scrape(url);
      return s.get('event_stream_subscribers') === 0 && s.find('grpc_server_handled_total', { ...watch, grpc_code: 'Canceled' }) ? s : undefined;
    }, 'the stream to end');
    expect(closed.get('grpc_server_handled_total', { ...watch, grpc_code: 'Canceled' })).toBe(1);
  });

  it('domain metrics move with the model: pins, objects, page tables, IOTLB hits/misses/walks, DMA, faults, invalidations', async () => {
    const unit = { unit: 'dmar0' }; // 0000:01:00.0 (vfio0) sits behind dmar0
    const s0 = await scrape(url);
    expect(s0.get('iommu_pinned_bytes')).toBe(0);
    expect(s0.get('iommufd_objects', { type: 'IOAS' })).toBe(0);

    const { sys, fd, ioas } = await deviceSetup(root, 'vfio0');
    const va = await sys.mmap(MiB);
    await sys.map(fd, ioas, va, MiB, 0x100000n);
    const mapped = await scrape(url);
    expect(mapped.get('iommu_pinned_bytes')).toBe(Number(MiB));
    expect([mapped.get('iommufd_objects', { type: 'IOAS' }), mapped.get('iommufd_objects', { type: 'HWPT_PAGING' }), mapped.get('iommufd_objects', { type: 'DEVICE' })]).toEqual([1, 1, 1]);
    expect(mapped.get('iommufd_contexts')).toBe(1);
    expect(mapped.get('host_processes')).toBe(1);
    // a 4-level VT-d table for one 1 MiB range: one table per level
    const ins = await call(platform.Platform.Inspect, { host: true });
    expect(ins.page_tables.map((t) => t.table_bytes)).toEqual(['16384']);
    expect(mapped.get('iommu_page_table_bytes')).toBe(16384);

    // the same page twice: a miss that walks the 4 levels, then a hit
    const hw = new Hw(platform);
    const lookups = (s: Scrape) => [s.get('iommu_iotlb_lookups_total', { ...unit, result: 'hit' }), s.get('iommu_iotlb_lookups_total', { ...unit, result: 'miss' }), s.get('iommu_page_walks_total', unit), s.get('iommu_page_walk_memory_references_total', unit)];
    const [h0, m0, w0, r0] = lookups(mapped);
    expect((await hw.dma('0000:01:00.0', 0x102010n, 16)).result).toBe('data');
    const one = await scrape(url);
    expect(lookups(one)).toEqual([h0, m0! + 1, w0! + 1, r0! + 4]);
    expect((await hw.dma('0000:01:00.0', 0x102010n, 16)).result).toBe('data');
    const two = await scrape(url);
    expect(lookups(two)).toEqual([h0! + 1, m0! + 1, w0! + 1, r0! + 4]);
    expect(two.get('iommu_iotlb_entries', unit)).toBe(1);
    expect(two.get('iommu_dma_total') - mapped.get('iommu_dma_total')).toBe(2);
    expect(two.get('iommu_dma_bytes_total') - mapped.get('iommu_dma_bytes_total')).toBe(32);

    // unmap: pins go back to 0, the IOTLB is range-invalidated, the next DMA faults
    await sys.unmap(fd, ioas, 0x100000n, MiB);
    const unmapped = await scrape(url);
    expect(unmapped.get('iommu_pinned_bytes')).toBe(0);
    expect(unmapped.get('iommu_iotlb_invalidations_total', { ...unit, scope: 'range' }) - two.get('iommu_iotlb_invalidations_total', { ...unit, scope: 'range' })).toBe(1);
    expect(unmapped.get('iommu_iotlb_entries', unit)).toBe(0);
    expect((await hw.dma('0000:01:00.0', 0x102010n, 16)).result).toBe('fault');
    const faulted = await scrape(url);
    expect(faulted.get('iommu_dma_faults_total') - unmapped.get('iommu_dma_faults_total')).toBe(1);
    expect(faulted.get('iommu_dma_total') - unmapped.get('iommu_dma_total')).toBe(1);

    // exit: the process, its iommufd and every object and table go
    await sys.exit();
    const gone = await scrape(url);
    expect([gone.get('host_processes'), gone.get('iommufd_contexts'), gone.get('iommufd_objects', { type: 'IOAS' }), gone.get('iommu_page_table_bytes')]).toEqual([0, 0, 0, 0]);
    expect(gone.get('iommu_iotlb_invalidations_total', { ...unit, scope: 'domain' })).toBeGreaterThan(unmapped.get('iommu_iotlb_invalidations_total', { ...unit, scope: 'domain' }));
  });
});

describe('one /metrics for host-iommu and vmm (as `up` serves them)', () => {
  let host: HostServer;
  let vmm: VmmServer;
  let http: MetricsHttpServer;
  let v: VmmClients;
  let root: HostClients;
  beforeAll(async () => {
    const metrics = createServerMetrics();
    host = await startHostServer({ listen: '127.0.0.1:0', profile: 'intel-vtd', tokens: { ...TOKENS }, logger: pino({ level: 'silent' }), metrics });
    vmm = await startVmmServer({ listen: '127.0.0.1:0', host: host.addr, tokens: { 'vmm-root': 'root' }, hostToken: 'tok-qemu', hostPlatformToken: 'tok-platform', logger: pino({ level: 'silent' }), metrics });
    http = await serveMetrics(metrics.registry, '127.0.0.1:0');
    v = createVmmClients(vmm.addr, { token: 'vmm-root', defaultDeadlineMs: 30_000 });
    root = createClients(host.addr, { token: 'tok-root', defaultDeadlineMs: 30_000 });
  });
  afterAll(async () => {
    v?.close();
    root?.close();
    await vmm?.close(500);
    await host?.close(500);
    await http?.close();
  });

  it('a VM run moves vmm_vms, guest map/unmap counters, host DMA faults, and the host metrics under it', async () => {
    // the vmm's host link reads the host's boot id (Describe), then follows the event log
    const s0 = await eventually(async () => {
      const s = await scrape(http.url);
      return s.get('event_stream_subscribers') === 1 ? s : undefined;
    }, 'the vmm to follow the host event log');
    expect(s0.get('vmm_vms', { state: 'DEFINED' })).toBe(0);
    expect(s0.get('vmm_host_link_reconnects_total')).toBe(0);

    const spec = {
      name: 'vm1',
      memory_bytes: String(256n * MiB),
      machine: 'q35',
      viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const },
      iommufd_objects: [{ id: 'iommufd0' }],
      devices: [{ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' as const } }],
    };
    const created = await call(v.Vmm.CreateVm, { spec });
    const s1 = await scrape(http.url);
    expect(s1.get('vmm_vms', { state: 'DEFINED' })).toBe(1);
    expect(s1.get('grpc_server_handled_total', { grpc_type: 'unary', grpc_service: 'iommutwin.vmm.v1.Vmm', grpc_method: 'CreateVm', grpc_code: 'OK' })).toBe(1);
    expect(s1.get('grpc_server_handled_total', { grpc_type: 'unary', grpc_service: 'iommutwin.host.v1.Process', grpc_method: 'Spawn', grpc_code: 'OK' })).toBe(1);

    // libvirt (root on the host) passes the nodes into the VM's host process
    const libvirt = await Sys.spawn(root, 'libvirtd');
    const pass = async (node: string) => {
      const fd = await libvirt.open(node);
      const target = await libvirt.sendFd(fd, created.vm!.host_pid);
      await libvirt.close(fd);
      return target;
    };
    const ifd = await pass('/dev/iommu');
    const dfd = await pass('/dev/vfio/devices/vfio0');
    await call(v.Vmm.StartVm, { name: 'vm1', passed_fds: { iommufd0: ifd, nic0: dfd } });
    const s2 = await scrape(http.url);
    expect([s2.get('vmm_vms', { state: 'DEFINED' }), s2.get('vmm_vms', { state: 'RUNNING' })]).toEqual([0, 1]);
    expect(s2.get('iommu_pinned_bytes')).toBeGreaterThan(0); // boot bypass: guest RAM identity-mapped on the host

    const cfg = await call(v.Guest.VirtioIommuConfig, { vm: 'vm1' });
    await call(v.Guest.VirtioIommuSetFeatures, { vm: 'vm1', driver_features: cfg.device_features });
    await call(v.Guest.VirtioIommuRequest, { vm: 'vm1', attach: { domain: 1, endpoint: 0x18, flags: 0, reserved: 0 } });
    const s3 = await scrape(http.url);
    expect(s3.get('iommu_pinned_bytes')).toBe(0); // attached to an empty domain
    const map = await call(v.Guest.VirtioIommuRequest, { vm: 'vm1', map: { domain: 1, virt_start: String(MiB), virt_end: String(MiB + 0xffffn), phys_start: String(16n * MiB), flags: 3 } });
    expect(map.status).toBe(0);
    const s4 = await scrape(http.url);
    expect(s4.get('vmm_guest_maps_total') - s3.get('vmm_guest_maps_total')).toBe(1);
    expect(s4.get('iommu_pinned_bytes')).toBe(0x10000);
    expect((await call(v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB), length: '8', write: false, data: Buffer.alloc(0) })).result).toBe('data');
    const un = await call(v.Guest.VirtioIommuRequest, { vm: 'vm1', unmap: { domain: 1, virt_start: String(MiB), virt_end: String(MiB + 0xffffn) } });
    expect(un.status).toBe(0);
    const s5 = await scrape(http.url);
    expect(s5.get('vmm_guest_unmaps_total') - s4.get('vmm_guest_unmaps_total')).toBe(1);
    expect(s5.get('vmm_guest_maps_total')).toBe(s4.get('vmm_guest_maps_total'));
    expect(s5.get('iommu_pinned_bytes')).toBe(0);

    // the device DMAs the unmapped IOVA: a host fault, counted by the host and (via its event log) the vmm
    expect((await call(v.Guest.Dma, { vm: 'vm1', device_id: 'nic0', iova: String(MiB), length: '8', write: false, data: Buffer.alloc(0) })).result).toBe('host_fault');
    const s6 = await eventually(async () => {
      const s = await scrape(http.url);
      return s.get('vmm_host_dma_faults_total') > s5.get('vmm_host_dma_faults_total') ? s : undefined;
    }, 'the vmm to count the host fault');
    expect(s6.get('vmm_host_dma_faults_total') - s5.get('vmm_host_dma_faults_total')).toBe(1);
    expect(s6.get('iommu_dma_faults_total') - s5.get('iommu_dma_faults_total')).toBe(1);

    await call(v.Vmm.StopVm, { name: 'vm1' });
    await libvirt.exit();
    const s7 = await scrape(http.url);
    expect([s7.get('vmm_vms', { state: 'RUNNING' }), s7.get('vmm_vms', { state: 'STOPPED' })]).toEqual([0, 1]);
    // the stopped VM waits in a fresh, idle host process for a restart
    expect([s7.get('iommu_pinned_bytes'), s7.get('host_processes'), s7.get('iommu_page_table_bytes')]).toEqual([0, 1, 0]);
    // deleting the VM drops its backend and its host process; the counters keep what it did
    await call(v.Vmm.DeleteVm, { name: 'vm1' });
    const s8 = await scrape(http.url);
    expect(s8.get('host_processes')).toBe(0);
    expect(s8.get('vmm_vms', { state: 'STOPPED' })).toBe(0);
    expect([s8.get('vmm_guest_maps_total'), s8.get('vmm_guest_unmaps_total')]).toEqual([s5.get('vmm_guest_maps_total'), s5.get('vmm_guest_unmaps_total')]);
    expect(s8.get('vmm_guest_maps_total')).toBeGreaterThan(0);
  });
});

describe('graceful shutdown', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('SIGTERM to `iommu-twin host`: an open WatchEvents ends UNAVAILABLE (SHUTTING_DOWN), the metrics port closes, exit 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-obs-'));
    dirs.push(dir);
    const tokens = path.join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ 'obs-platform-token': 'platform' }));
    const cli = startCli(['host', '--listen', '127.0.0.1:0', '--tokens', tokens, '--metrics-listen', '127.0.0.1:0']);
    try {
      const out = await cli.until((s) => /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics\n/.test(s));
      const addr = /listening on (127\.0\.0\.1:\d+)\n/.exec(out)![1]!;
      const url = /metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)\n/.exec(out)![1]!;
      const c = createClients(addr, { token: 'obs-platform-token' });
      try {
        const stream = c.Platform.WatchEvents({ after_sequence: '0' });
        stream.on('data', () => undefined);
        const ended = new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
        await eventually(async () => ((await scrape(url)).get('event_stream_subscribers') === 1 ? true : undefined), 'the stream to subscribe');
        const t0 = Date.now();
        cli.child.kill('SIGTERM');
        const err = await ended;
        expect(err.code).toBe(grpc.status.UNAVAILABLE);
        expect(decodeErrorInfo(err)?.reason).toBe('SHUTTING_DOWN');
        expect(decodeErrorInfo(err)?.metadata.server).toBe('host-iommu');
        expect(await cli.exited).toEqual({ code: 0, signal: null });
        expect(Date.now() - t0).toBeLessThan(4000); // drained, not forced at the 5 s deadline
        expect(cli.stdout()).toContain('SIGTERM: shutting down\n');
        const { host, port } = parseListenAddress(new URL(url).host);
        await expect(fetch(`http://${host}:${port}/metrics`)).rejects.toThrow();
      } finally {
        c.close();
      }
    } finally {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    }
  });

  it('a call still running at the deadline is cancelled: shutdown forces and resolves', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    let handlerAborted = false;
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [name, m] of Object.entries(hostServiceDefinitions.Platform)) {
      const refuse = (): never => {
        throw notModelled(name, 'test');
      };
      handlers[name] = m.requestStream ? bidiStream(refuse) : m.responseStream ? serverStream(refuse) : unary(refuse);
    }
    // Ping never answers on its own: it only notices that its call was cancelled
    handlers.Ping = unary(
      (_req, ctx) =>
        new Promise<never>((_resolve, reject) => {
          entered();
          ctx.signal.addEventListener('abort', () => {
            handlerAborted = true;
            reject(new Error('aborted'));
          });
        }),
    );
    const metrics = createServerMetrics({ defaultMetrics: false });
    const srv = createServer({ name: 'stuck', logger, auth: { resolveToken: (t) => (t === 'tok' ? 'root' : undefined) }, services: [registration(hostServiceDefinitions.Platform, handlers)], metrics });
    const addr = await srv.listen('127.0.0.1:0');
    const c = createClients(addr, { token: 'tok' });
    try {
      const pending = call(c.Platform.Ping, {}).then(
        () => undefined,
        (e: grpc.ServiceError) => e,
      );
      await inHandler;
      const t0 = Date.now();
      await srv.shutdown(300);
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(2000);
      const err = await pending;
      expect(err).toBeDefined();
      expect(err!.code).toBe(grpc.status.CANCELLED); // forceShutdown resets the stream (NGHTTP2_CANCEL)
      expect(handlerAborted).toBe(true);
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; deadlineMs?: number; method?: string; code?: string });
      expect(logged.find((l) => l.msg === 'graceful shutdown timed out; forcing')?.deadlineMs).toBe(300);
      expect(logged.find((l) => l.msg === 'rpc' && l.method === `/${PLATFORM}/Ping`)?.code).toBe('CANCELLED');
      const m = await metrics.registry.getSingleMetricAsString('grpc_server_handled_total');
      expect(m).toContain(`grpc_server_handled_total{grpc_type="unary",grpc_service="${PLATFORM}",grpc_method="Ping",grpc_code="Canceled"} 1`);
    } finally {
      c.close();
    }
  });
});

describe('libs/rpc/metrics helpers', () => {
  it('label values as go-grpc-prometheus writes them, and --metrics-listen parsing', () => {
    expect([0, 1, 3, 4, 14, 16].map(grpcCodeName)).toEqual(['OK', 'Canceled', 'InvalidArgument', 'DeadlineExceeded', 'Unavailable', 'Unauthenticated']);
    expect(grpcCodeName(17)).toBe('Code(17)');
    expect([grpcType(false, false), grpcType(true, false), grpcType(false, true), grpcType(true, true)]).toEqual(['unary', 'client_stream', 'server_stream', 'bidi_stream']);
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('localhost:9464')).toEqual({ host: 'localhost', port: 9464 });
    for (const bad of ['9464', ':9464', '127.0.0.1', '127.0.0.1:70000', '::1:9464', 'http://127.0.0.1:9464']) expect(() => parseListenAddress(bad), bad).toThrow(/bad listen address/);
  });
});
