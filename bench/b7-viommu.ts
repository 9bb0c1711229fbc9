/**
 * B7 — vIOMMU shadowing: guest MAP/UNMAP through the virtio-iommu with an assigned device behind
 * it (EMULATED backend: every guest MAP becomes a FIXED_IOVA IoasMap on the host).
 *
 * (a) in-process: host-iommu and vmm in this process (127.0.0.1:0), the guest's MAP issued on
 *     the device model (`vm.viommu.map()`), timed until it resolves — by then the host IOAS has
 *     the mapping, which a hardware-side DMA through the host IOMMU checks after every MAP
 *     (untimed). The vmm's shadow maps go over its Iommufd.Ioctls stream, measured on both
 *     transports: in-process (no HTTP/2, as `iommu-twin up`) and gRPC (loopback h2c). Beside
 *     each: the device model alone (a domain with only a virtio endpoint: no host call), a no-op
 *     unary RPC and a cheap ioctl (Option GET) on a stream of the same transport.
 * (b) over gRPC: host-iommu and vmm as child processes (the CLI), the client here:
 *     Guest.VirtioIommuRequest MAP + UNMAP pairs vs Vmm.Ping on the same vmm and client,
 *     serially and with 16 calls in flight; the vmm's shadow maps on its gRPC Ioctls stream.
 * Every loop is bounded in count and in time.
 */
import { call, callMeta, createClients, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import { passFds, withCliVmmRig, withInProcessVmmRig, type InProcessVmmRig } from './rig.js';
import { IoctlPipe } from '../services/vmm/src/hostlink/ioctls.js';
import { measure, pct } from './lib.js';
import type { BenchResult } from './types.js';

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const NIC_EP = 0x18;
const NET_EP = 0x20;
const NIC_BDF = '0000:01:00.0';
/** IOVA slots: one 4 KiB page each, from 1 GiB (clear of guest RAM and the MSI window) */
const SLOTS = 4096;
const iovaOf = (slot: number) => GiB + BigInt(slot) * 4096n;
const gpaOf = (slot: number) => 16n * MiB + BigInt(slot % 4096) * 4096n;

function spec(name: string) {
  return {
    name,
    memory_bytes: String(64n * MiB),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [
      { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: NIC_BDF, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' as const } },
      { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET' as const, access_platform: true } },
    ],
  };
}

/** Boot the VM (root passes /dev/iommu and the cdev into its process), the driver attaches nic0 to domain 1 and net0 to domain 2. */
async function boot(v: VmmClients, root: HostClients, name: string): Promise<void> {
  const pid = (await call(v.Vmm.CreateVm, { spec: spec(name) })).vm!.host_pid;
  const [ifd, dfd] = await passFds(root, pid, ['/dev/iommu', '/dev/vfio/devices/vfio0']);
  await call(v.Vmm.StartVm, { name, passed_fds: { iommufd0: ifd, nic0: dfd } });
  const cfg = await call(v.Guest.VirtioIommuConfig, { vm: name });
  if (!(await call(v.Guest.VirtioIommuSetFeatures, { vm: name, driver_features: cfg.device_features })).features_ok) throw new Error('FEATURES_OK refused');
  for (const [domain, endpoint] of [
    [1, NIC_EP],
    [2, NET_EP],
  ] as const) {
    const a = await call(v.Guest.VirtioIommuRequest, { vm: name, attach: { domain, endpoint, flags: 0, reserved: 0 } });
    if (a.status !== 0) throw new Error(`ATTACH ${endpoint} → ${domain}: status ${a.status}`);
  }
}

// ---------------------------------------------------------------------------------- (a)

/**
 * (a) with the vmm's Ioctls stream on one transport: `in-process` (no HTTP/2; what `iommu-twin
 * up` uses) or `grpc` (the same stream over loopback h2c). Metric prefix `inproc_` / `inproc_h2_`.
 */
export async function inProcess(transport: 'in-process' | 'grpc', quick: boolean, metrics: Record<string, number>, limit: Record<string, number>, ratio: Record<string, number>, notes: string[]): Promise<void> {
  await withInProcessVmmRig('b7', 'intel-vtd', transport, (rig) => inProcessRun(rig, transport, quick, metrics, limit, ratio, notes));
}

async function inProcessRun(
  { host, vmm, v, root, ioctls }: InProcessVmmRig,
  transport: 'in-process' | 'grpc',
  quick: boolean,
  metrics: Record<string, number>,
  limit: Record<string, number>,
  ratio: Record<string, number>,
  notes: string[],
): Promise<void> {
  const px = transport === 'in-process' ? 'inproc_' : 'inproc_h2_';
  const qemu = createClients(host.addr, { token: 'b7-qemu', defaultDeadlineMs: 30_000 });
  let noopPipe: IoctlPipe | undefined;
  try {
    await boot(v, root, 'b7');
    const vm = vmm.mgr.vm('b7');
    const dev = vm.viommu!;
    const maxOps = quick ? 1500 : 20_000;
    const maxMs = quick ? 1200 : 8000;
    const mapLat: number[] = [];
    const unmapLat: number[] = [];
    let faultChecks = 0;
    // MAP → (timed until resolved = on the host) → device DMA through the host IOMMU must hit;
    // UNMAP → (timed) → every 256th, the device must fault again
    const pair = async (domain: number, checkHost: boolean, i: number) => {
      const slot = i % SLOTS;
      const iova = iovaOf(slot);
      const t0 = performance.now();
      const m = await dev.map({ domain, virtStart: iova, virtEnd: iova + 4095n, physStart: gpaOf(slot), flags: 3 });
      const t1 = performance.now();
      if (m.status !== 0) throw new Error(`MAP status ${m.status}`);
      if (checkHost) {
        const r = host.host.deviceDma(NIC_BDF, undefined, iova, 8, false);
        if (r.fault) throw new Error(`MAP at 0x${iova.toString(16)} not visible on the host: ${r.fault.reason}`);
      }
      const t2 = performance.now();
      const u = await dev.unmap({ domain, virtStart: iova, virtEnd: iova + 4095n });
      const t3 = performance.now();
      if (u.status !== 0) throw new Error(`UNMAP status ${u.status}`);
      if (checkHost && i % 256 === 0) {
        const r = host.host.deviceDma(NIC_BDF, undefined, iova, 8, false);
        if (!r.fault) throw new Error(`UNMAP at 0x${iova.toString(16)} still visible on the host`);
        faultChecks++;
      }
      return [t1 - t0, t3 - t2] as const;
    };

    // the device model alone: domain 2 holds only the virtio endpoint (no host call)
    const devLat: number[] = [];
    await measure((i) => pair(2, false, i), 1, 500, 500); // warm-up
    const d = await measure(
      async (i) => {
        const [m] = await pair(2, false, i);
        devLat.push(m);
      },
      1,
      maxOps * 4,
      maxMs / 2,
    );
    devLat.sort((a, b) => a - b);
    limit[`${px}device_model_map_p50_us`] = pct(devLat, 0.5) * 1000;
    limit[`${px}device_model_map_p99_us`] = pct(devLat, 0.99) * 1000;
    limit[`${px}device_model_map_unmap_ops_per_s`] = d.rate * 2;

    // the host hop's floors: a no-op unary RPC (Platform.Ping) on the link's channel, and a
    // cheap ioctl (IOMMU_OPTION GET RLIMIT_MODE) on an Ioctls stream of the same transport as
    // the VM process — one stream message and its answer, nothing mapped
    await measure(() => vmm.link.ping(), 1, 300, 500);
    const ping = await measure(() => vmm.link.ping(), 1, maxOps, maxMs / 2);
    limit[`${px}host_noop_rpc_p50_us`] = ping.p50 * 1000;
    const rt = [...vm.vfio.values()][0]!;
    const md = callMeta(vm.hostPid);
    noopPipe = new IoctlPipe(ioctls ? (m) => ioctls.open('b7-qemu', m) : (m) => qemu.Iommufd.Ioctls(m), md, 30_000);
    const pipe = noopPipe;
    const optionGet = async () => {
      const r = await pipe.submit({ option: { fd: rt.iommufd, option_id: 0, op: 1, object_id: 0, val64: '0' } });
      if (r.status?.code !== 0) throw new Error(`Option GET on the stream: ${r.status?.message}`);
    };
    await measure(optionGet, 1, 300, 500);
    const noop = await measure(optionGet, 1, maxOps, maxMs / 2);
    limit[`${px}stream_noop_ioctl_p50_us`] = noop.p50 * 1000;

    // the whole path: domain 1 holds the assigned device
    await measure((i) => pair(1, true, i), 1, 300, 500); // warm-up
    const hostMapsBefore = vm.backend!.hostMaps;
    const w = await measure(
      async (i) => {
        const [m, u] = await pair(1, true, i);
        mapLat.push(m);
        unmapLat.push(u);
      },
      1,
      maxOps,
      maxMs,
    );
    if (vm.backend!.hostMaps - hostMapsBefore !== w.n) throw new Error(`${w.n} guest MAPs but ${vm.backend!.hostMaps - hostMapsBefore} host IoasMaps`);
    const streams = vmm.link.ioctlStreams();
    if (streams.opened !== 1) throw new Error(`the VM's ioctls used ${streams.opened} streams, not one`);
    mapLat.sort((a, b) => a - b);
    unmapLat.sort((a, b) => a - b);
    metrics[`${px}map_to_host_visible_p50_us`] = pct(mapLat, 0.5) * 1000;
    metrics[`${px}map_to_host_visible_p99_us`] = pct(mapLat, 0.99) * 1000;
    metrics[`${px}unmap_p50_us`] = pct(unmapLat, 0.5) * 1000;
    metrics[`${px}map_unmap_ops_per_s`] = w.rate * 2;
    metrics[`${px}pairs`] = w.n;
    limit[`${px}target_map_p50_us`] = 20;
    ratio[`${px}map_p50_vs_target`] = metrics[`${px}map_to_host_visible_p50_us`]! / 20;
    ratio[`${px}map_p50_vs_stream_noop`] = metrics[`${px}map_to_host_visible_p50_us`]! / limit[`${px}stream_noop_ioctl_p50_us`]!;
    notes.push(`(a, ${transport}) every MAP checked visible by a host DeviceDma through the IOMMU (untimed); ${faultChecks} UNMAPs checked faulting again; all ${w.n} MAP+UNMAP pairs on one Ioctls stream`);
  } finally {
    noopPipe?.close();
    qemu.close();
  }
}

// ---------------------------------------------------------------------------------- (b)

async function overGrpc(quick: boolean, metrics: Record<string, number>, limit: Record<string, number>, ratio: Record<string, number>, notes: string[]): Promise<void> {
  await withCliVmmRig('b7', undefined, async ({ v: c, root }) => {
    await boot(c, root, 'b7');
    const maxMs = quick ? 1200 : 8000;
    const maxCalls = quick ? 2000 : 30_000;
    const ping = () => call(c.Vmm.Ping, { payload: Buffer.alloc(0) });
    const pair = async (i: number) => {
      const slot = i % SLOTS;
      const iova = iovaOf(slot);
      const m = await call(c.Guest.VirtioIommuRequest, { vm: 'b7', map: { domain: 1, virt_start: iova.toString(), virt_end: (iova + 4095n).toString(), phys_start: gpaOf(slot).toString(), flags: 3 } });
      if (m.status !== 0) throw new Error(`MAP status ${m.status}`);
      const u = await call(c.Guest.VirtioIommuRequest, { vm: 'b7', unmap: { domain: 1, virt_start: iova.toString(), virt_end: (iova + 4095n).toString() } });
      if (u.status !== 0) throw new Error(`UNMAP status ${u.status}`);
    };
    await measure(ping, 1, 500, 1000); // warm-up
    await measure(pair, 1, 250, 1000);
    for (const inflight of [1, 16]) {
      const p = await measure(ping, inflight, maxCalls, maxMs);
      const m = await measure(pair, inflight, maxCalls / 2, maxMs);
      metrics[`grpc_c${inflight}_map_unmap_calls_per_s`] = m.rate * 2;
      metrics[`grpc_c${inflight}_pair_p50_ms`] = m.p50;
      metrics[`grpc_c${inflight}_pair_p99_ms`] = m.p99;
      limit[`grpc_c${inflight}_noop_calls_per_s`] = p.rate;
      limit[`grpc_c${inflight}_noop_p50_ms`] = p.p50;
      ratio[`grpc_c${inflight}_map_unmap_vs_noop`] = (m.rate * 2) / p.rate;
    }
    // the shadowing really happened: a guest MAP over gRPC, then the device reads through it
    const iova = iovaOf(SLOTS + 1);
    await call(c.Guest.WriteMemory, { vm: 'b7', gpa: String(20n * MiB), data: Buffer.from('b7 shadowed') });
    await call(c.Guest.VirtioIommuRequest, { vm: 'b7', map: { domain: 1, virt_start: iova.toString(), virt_end: (iova + 4095n).toString(), phys_start: String(20n * MiB), flags: 1 } });
    const r = await call(c.Guest.Dma, { vm: 'b7', device_id: 'nic0', iova: iova.toString(), length: '11', write: false, data: Buffer.alloc(0) });
    if (r.result !== 'data' || Buffer.from(r.data!).toString() !== 'b7 shadowed') throw new Error(`device DMA through the shadowed MAP: ${r.result}`);
    limit.target_grpc_ratio = 0.5;
    notes.push('(b) host-iommu and vmm in child processes (node --import tsx services/cli/main.ts host|vmm), client in the bench process, loopback h2c; each guest MAP/UNMAP = 1 client→vmm call + 1 message on the vmm→host Ioctls stream');
    notes.push('(b) requests of one VM run one at a time (the single requestq, as in QEMU): with 16 in flight the pairs queue in the vmm while no-op pings do not');
  });
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const metrics: Record<string, number> = {};
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const notes: string[] = [];
  await inProcess('in-process', opts.quick, metrics, limit, ratio, notes);
  await inProcess('grpc', opts.quick, metrics, limit, ratio, notes);
  notes.push('(a) in-process = the vmm\'s Ioctls stream on the in-process transport (same messages as protobuf bytes, same dispatch table, no HTTP/2), as `iommu-twin up` runs it; inproc_h2_ = the same stream over loopback h2c');
  await overGrpc(opts.quick, metrics, limit, ratio, notes);
  notes.push('anchor: QEMU emulated VT-d guest map ≈ 12 µs; targets: in-process ≤ 20 µs p50, over gRPC ≥ 0.5 × the no-op RPC rate');
  return { name: 'b7-viommu', metrics, limit, ratio, notes };
}
