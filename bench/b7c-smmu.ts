/**
 * B7c — SMMUv3 accel (issue #11 item 8): an assigned NIC behind the vmm's SMMUv3 with accel=on,
 * NESTED on the arm-smmuv3 host (the host walks the guest's stage-1 tables over a NEST_PARENT
 * stage 2), the guest driven by libs/guest/smmu-driver.ts (Linux's arm-smmu-v3 bring-up, a
 * stage-1 domain attached to the NIC).
 *
 * TLBI round trip (the B7 "nested invalidation round trip" for SMMUv3): one guest operation =
 *   Guest.WriteMemory of TLBI_NH_VA (ASID, 4 KiB, RIL fields) + CMD_SYNC into the CMDQ
 *   + Guest.MmioWrite of CMDQ_PROD (the unit consumes the queue: the TLBI forwarded as one
 *     IOMMU_HWPT_INVALIDATE on the vIOMMU over the host's InvalidationChannel, the CMD_SYNC
 *     completed only after the host's ack, all before the write returns)
 *   + Guest.MmioRead of CMDQ_CONS (must be past the CMD_SYNC).
 * `tlbi_roundtrip` is the PROD write alone (doorbell → host ack → CONS advanced); `tlbi_op` the
 * three calls.
 * Map / unmap: map = Guest.WriteMemory of one 4 KiB stage-1 leaf (no invalidation: the host walks
 * the guest's table, as on hardware), then host-visible (checked by a host DeviceDma: every map
 * in-process, every 8th over gRPC); unmap = the leaf cleared + the TLBI round trip, then (every
 * 64th) checked faulting on the host.
 *
 * Rigs (as B7b): `inproc_` host-iommu and vmm in this process, the vmm's Ioctls stream and guest
 * RAM calls on the in-process transport (as `iommu-twin up`), the guest's calls made on the
 * vmm's VmManager (no guest RPC); `inproc_rpc_` the same rig, the guest's calls as Guest RPCs
 * over loopback h2c; `grpc_` host-iommu and vmm as child processes (the CLI). In-process the
 * vmm's host link invalidate is timed by wrapping it (not altering it). Every loop is bounded in
 * count and in time.
 */
import { cpus, loadavg } from 'node:os';
import { call, type HostClients, type VmmClients } from '#libs/rpc/client.js';
import { noopFloor, passFds, vmmPing, withCliVmmRig, withInProcessVmmRig, type InProcessVmmRig } from './rig.js';
import { startVmmServer } from '../services/vmm/src/main.js';
import { OP, REG, SMMU_BASE, SmmuDriver, cmdSync, cmdTlbi, grpcBus, type SmmuDomain, type SmmuGuestBus } from '#libs/guest/smmu-driver.js';
import { measure, pct } from './lib.js';
import type { BenchResult } from './types.js';

const MiB = 1n << 20n;
const RAM0 = 0x4000_0000n;
const NIC_BDF = '0000:01:00.0';
const NIC_SID = 0x18; // 00:03.0
const POOL = { start: RAM0 + 16n * MiB, end: RAM0 + 32n * MiB };
const BUF = RAM0 + 40n * MiB;
/** 512 IOVA slots in one leaf table: [IOVA0, +2 MiB) */
const IOVA0 = 0x8000_0000n;
const SLOTS = 512;
type Metrics = { metrics: Record<string, number>; limit: Record<string, number>; ratio: Record<string, number>; notes: string[] };
type Mgr = Awaited<ReturnType<typeof startVmmServer>>['mgr'];

/** The guest's bus over the vmm's VmManager (what the Guest RPC handlers call). */
function mgrBus(mgr: Mgr, vm: string): SmmuGuestBus {
  return {
    mmioRead: (addr, size) => mgr.mmioRead(vm, addr, size),
    mmioWrite: (addr, size, value) => mgr.mmioWrite(vm, addr, size, value),
    readMemory: (gpa, len) => mgr.readMemory(vm, gpa, BigInt(len)),
    writeMemory: (gpa, data) => mgr.writeMemory(vm, gpa, data),
  };
}

function spec(name: string) {
  return {
    name,
    memory_bytes: String(64n * MiB),
    machine: 'virt',
    viommu: { model: 'VIOMMU_MODEL_SMMUV3' as const, smmuv3: { accel: true } },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [{ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: NIC_BDF, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_NESTED' as const } }],
  };
}

interface Guest {
  name: string;
  dom: SmmuDomain;
  leafTable: bigint;
}

/**
 * Create + start the VM (root passes /dev/iommu and the NIC's cdev into its process), then the
 * Linux-like driver brings the unit up on `bus` and attaches the NIC to a stage-1 domain; a
 * first map allocates the levels down to the leaf table of the slots.
 */
async function boot(v: VmmClients, root: HostClients, name: string, bus: SmmuGuestBus): Promise<{ g: Guest; drv: SmmuDriver }> {
  const pid = (await call(v.Vmm.CreateVm, { spec: spec(name) })).vm!.host_pid;
  const [ifd, dfd] = await passFds(root, pid, ['/dev/iommu', '/dev/vfio/devices/vfio0']);
  const info = (await call(v.Vmm.StartVm, { name, passed_fds: { iommufd0: ifd, nic0: dfd } })).vm!;
  const backend = info.devices.find((d) => d.id === 'nic0')?.backend;
  if (backend !== 'NESTED') throw new Error(`nic0 backend ${backend}, not NESTED`);
  const drv = new SmmuDriver(bus, { pool: POOL, traceMmio: false });
  await drv.init();
  const dom = await drv.allocDomain();
  await drv.attach(dom, NIC_SID);
  await drv.map(dom, IOVA0, BUF, 4096n);
  const pte = await drv.ptePointer(dom, IOVA0);
  if (pte === undefined) throw new Error('no leaf table after map');
  await drv.unmap(dom, IOVA0, 4096n);
  const h = (await call(v.Vmm.GetVm, { name })).vm!.devices.find((d) => d.id === 'nic0')!;
  if (h.host!.vdevice_id === undefined) throw new Error('nic0 has no vDEVICE after the STE install');
  return { g: { name, dom, leafTable: pte & ~0xfffn }, drv };
}

/** A driver on another bus sharing the booted driver's queue state (the same guest, other transport). */
function rebind(drv: SmmuDriver, bus: SmmuGuestBus): SmmuDriver {
  const d = new SmmuDriver(bus, { pool: { start: POOL.end, end: POOL.end }, traceMmio: false });
  Object.assign(d.cmdq, drv.cmdq);
  d.features = drv.features;
  return d;
}

interface OpTimes {
  queue: number;
  prod: number;
  cons: number;
}

/**
 * TLBI_NH_VA of one page + CMD_SYNC: queue write, PROD write (timed as the round trip), CONS
 * read, which must be past the CMD_SYNC. Returns the PROD write's latency (ms).
 */
async function tlbiSync(drv: SmmuDriver, g: Guest, iova: bigint, t?: OpTimes): Promise<number> {
  const t0 = performance.now();
  await drv.queueCommands([cmdTlbi(OP.TLBI_NH_VA, { asid: g.dom.asid, leaf: true, tg: 1, ttl: 3, addr: iova }), cmdSync()]);
  const t1 = performance.now();
  await drv.publishProd();
  const t2 = performance.now();
  const cons = (await drv.readCmdqCons()) & ((2 << drv.cmdq.shift) - 1);
  const t3 = performance.now();
  if (cons !== drv.cmdq.prod) throw new Error(`CMDQ_CONS 0x${cons.toString(16)} after the PROD write returned, PROD 0x${drv.cmdq.prod.toString(16)} (CMD_SYNC not complete)`);
  if (t) {
    t.queue += t1 - t0;
    t.prod += t2 - t1;
    t.cons += t3 - t2;
  }
  return t2 - t1;
}

const leafOf = (gpa: bigint) => gpa | 0xf47n; // nG | AP_UNPRIV | AttrIndx 1 | SH IS | AF | page (arm_lpae_prot_to_pte, IOMMU_READ|WRITE|CACHE)

async function writeLeaf(drv: SmmuDriver, g: Guest, slot: number, val: bigint): Promise<void> {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, val, true);
  await drv.bus.writeMemory(g.leafTable + BigInt(slot) * 8n, b);
}

const us = (ms: number) => Math.round(ms * 10_000) / 10;

/** The TLBI round trip alone, then map/unmap pairs over the slots. */
async function phase(px: string, drv: SmmuDriver, g: Guest, visible: (iova: bigint) => Promise<boolean>, checkEvery: number, quick: boolean, m: Metrics, invMs?: number[]): Promise<void> {
  const maxOps = quick ? 200 : 4000;
  const maxMs = quick ? 300 : 5000;
  const warmOps = quick ? 20 : 50;
  const warmMs = quick ? 100 : 300;
  // --- TLBI + CMD_SYNC round trip of a fixed IOVA
  await measure(() => tlbiSync(drv, g, IOVA0), 1, warmOps, warmMs); // warm-up
  const rt: number[] = [];
  const tt: OpTimes = { queue: 0, prod: 0, cons: 0 };
  if (invMs) invMs.length = 0;
  const w = await measure(async () => rt.push(await tlbiSync(drv, g, IOVA0, tt)), 1, maxOps, maxMs);
  rt.sort((a, b) => a - b);
  m.metrics[`${px}tlbi_roundtrip_p50_us`] = us(pct(rt, 0.5));
  m.metrics[`${px}tlbi_roundtrip_p99_us`] = us(pct(rt, 0.99));
  m.metrics[`${px}tlbi_op_p50_us`] = us(w.p50);
  m.metrics[`${px}tlbi_op_p99_us`] = us(w.p99);
  m.metrics[`${px}tlbi_ops_per_s`] = Math.round(w.rate);
  m.metrics[`${px}tlbi_split_queue_write_us`] = us(tt.queue / w.n);
  m.metrics[`${px}tlbi_split_prod_write_us`] = us(tt.prod / w.n);
  m.metrics[`${px}tlbi_split_cons_read_us`] = us(tt.cons / w.n);
  m.metrics[`${px}tlbi_ops`] = w.n;
  if (invMs) {
    if (invMs.length !== w.n) throw new Error(`${w.n} TLBIs but ${invMs.length} host invalidations`);
    const inv = [...invMs].sort((a, b) => a - b);
    m.metrics[`${px}inv_channel_rtt_p50_us`] = us(pct(inv, 0.5));
    m.metrics[`${px}inv_channel_rtt_p99_us`] = us(pct(inv, 0.99));
  }

  // --- map → host-visible, unmap (leaf cleared + TLBI round trip)
  const lat = { map: [] as number[], unmap: [] as number[] };
  const pair = async (i: number, record: boolean) => {
    const slot = i % SLOTS;
    const iova = IOVA0 + BigInt(slot) * 4096n;
    const t0 = performance.now();
    await writeLeaf(drv, g, slot, leafOf(BUF + BigInt(slot) * 4096n));
    const t1 = performance.now();
    if (i % checkEvery === 0 && !(await visible(iova))) throw new Error(`map at 0x${iova.toString(16)} not visible on the host`);
    const t2 = performance.now();
    await writeLeaf(drv, g, slot, 0n);
    await tlbiSync(drv, g, iova);
    const t3 = performance.now();
    if (i % 64 === 0 && (await visible(iova))) throw new Error(`unmap at 0x${iova.toString(16)} still visible on the host`);
    if (record) {
      lat.map.push(t1 - t0);
      lat.unmap.push(t3 - t2);
    }
  };
  await measure((i) => pair(i, false), 1, warmOps, warmMs);
  const p = await measure((i) => pair(i, true), 1, maxOps, maxMs);
  lat.map.sort((a, b) => a - b);
  lat.unmap.sort((a, b) => a - b);
  m.metrics[`${px}map_to_host_visible_p50_us`] = us(pct(lat.map, 0.5));
  m.metrics[`${px}map_to_host_visible_p99_us`] = us(pct(lat.map, 0.99));
  m.metrics[`${px}unmap_p50_us`] = us(pct(lat.unmap, 0.5));
  m.metrics[`${px}unmap_p99_us`] = us(pct(lat.unmap, 0.99));
  m.metrics[`${px}pairs`] = p.n;
}

// ---------------------------------------------------------------------------------- in-process

async function inProcess(quick: boolean, m: Metrics): Promise<void> {
  await withInProcessVmmRig('b7c', 'arm-smmuv3', 'in-process', (rig) => inProcessRun(rig, quick, m));
}

async function inProcessRun({ host, vmm, v, root }: InProcessVmmRig, quick: boolean, m: Metrics): Promise<void> {
  const link = vmm.link;
  const invOrig = link.invalidate;
  const invMs: number[] = [];
  try {
    // the floors: a no-op unary RPC on the vmm's host channel (Platform.Ping), Vmm.Ping
    m.limit.inproc_host_noop_rpc_p50_us = us((await noopFloor(() => link.ping(), quick, 400)).p50);
    m.limit.inproc_rpc_vmm_noop_rpc_p50_us = us((await noopFloor(vmmPing(v), quick, 400)).p50);

    // the host link's invalidate, timed around the original (InvalidationChannel round trip)
    const bound = invOrig.bind(link);
    link.invalidate = async (...a: Parameters<typeof bound>) => {
      const s = performance.now();
      try {
        return await bound(...a);
      } finally {
        invMs.push(performance.now() - s);
      }
    };
    const name = 'b7c-nested';
    const { g, drv } = await boot(v, root, name, mgrBus(vmm.mgr, name));
    const visible = async (iova: bigint) => !host.host.deviceDma(NIC_BDF, undefined, iova, 8, false).fault;
    await phase('inproc_', drv, g, visible, 1, quick, m, invMs);
    const rpcDrv = rebind(drv, grpcBus(v.Guest, name));
    await phase('inproc_rpc_', rpcDrv, g, visible, 1, quick, m, invMs);
    m.ratio.inproc_tlbi_roundtrip_vs_host_noop_rpc = m.metrics.inproc_tlbi_roundtrip_p50_us! / m.limit.inproc_host_noop_rpc_p50_us;
    m.ratio.inproc_inv_channel_share_of_roundtrip = m.metrics.inproc_inv_channel_rtt_p50_us! / m.metrics.inproc_tlbi_roundtrip_p50_us!;
    m.ratio.inproc_rpc_tlbi_op_vs_vmm_noop_rpc = m.metrics.inproc_rpc_tlbi_op_p50_us! / m.limit.inproc_rpc_vmm_noop_rpc_p50_us;
    await call(v.Vmm.StopVm, { name });
    await call(v.Vmm.DeleteVm, { name });
    m.notes.push('inproc_: host-iommu + vmm in this process, Ioctls stream and guest-RAM calls in-process (as `iommu-twin up`), guest ops called on the VmManager (no guest RPC); inproc_rpc_: the same VM, guest ops as Guest RPCs over loopback h2c; every map checked by a host DeviceDma through the nested SMMU, every 64th unmap checked faulting');
    m.notes.push('InvalidationChannel (inv_channel_rtt) is a gRPC stream to the host on loopback even in-process');
  } finally {
    link.invalidate = invOrig;
  }
}

// ---------------------------------------------------------------------------------- over gRPC

async function overGrpc(quick: boolean, m: Metrics): Promise<void> {
  await withCliVmmRig('b7c', 'arm-smmuv3', async ({ v: c, root }) => {
    const p = await noopFloor(vmmPing(c), quick, 500);
    m.limit.grpc_vmm_noop_rpc_p50_us = us(p.p50);
    m.limit.grpc_vmm_noop_rpc_per_s = Math.round(p.rate);
    const name = 'b7c-nested';
    const { g, drv } = await boot(c, root, name, grpcBus(c.Guest, name));
    const visible = async (iova: bigint) => (await call(c.Guest.Dma, { vm: name, device_id: 'nic0', iova: iova.toString(), length: '8', write: false, data: Buffer.alloc(0) })).result === 'data';
    await phase('grpc_', drv, g, visible, 8, quick, m);
    // a TLBI operation is 3 guest RPCs (queue write, PROD write, CONS read)
    m.ratio.grpc_tlbi_op_rate_vs_noop_rpc_rate = m.metrics.grpc_tlbi_ops_per_s! / p.rate;
    m.ratio.grpc_tlbi_roundtrip_vs_noop_rpc = m.metrics.grpc_tlbi_roundtrip_p50_us! / m.limit.grpc_vmm_noop_rpc_p50_us;
    await call(c.Vmm.StopVm, { name });
    await call(c.Vmm.DeleteVm, { name });
    m.limit.target_grpc_ratio = 0.5;
    m.notes.push('grpc_: host-iommu (profile arm-smmuv3) and vmm in child processes (node --import tsx services/cli/main.ts host|vmm), guest RPCs from the bench process; every 8th map checked by Guest.Dma of nic0 (host DeviceDma), every 64th unmap checked faulting (untimed)');
  });
}

export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const m: Metrics = { metrics: {}, limit: {}, ratio: {}, notes: [] };
  await inProcess(opts.quick, m);
  await overGrpc(opts.quick, m);
  m.notes.push(`TLBI op = Guest.WriteMemory (TLBI_NH_VA + CMD_SYNC, 32 bytes at CMDQ PROD) + Guest.MmioWrite (CMDQ_PROD at 0x${(SMMU_BASE + BigInt(REG.CMDQ_PROD)).toString(16)}: forwarded as one IOMMU_HWPT_INVALIDATE on the vIOMMU, CMD_SYNC completed after the host ack) + Guest.MmioRead (CMDQ_CONS, checked past the CMD_SYNC); tlbi_roundtrip = the PROD write alone`);
  m.notes.push('map = Guest.WriteMemory of one stage-1 leaf (no invalidation on map, as Linux: the host walks the guest table); unmap = leaf cleared + TLBI op');
  m.notes.push(`1-minute load average at the end: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs (shared machine)`);
  m.notes.push('anchor (B7 row): QEMU emulated VT-d guest map ≈ 12 µs; targets (virtio-iommu): in-process ≤ 20 µs p50, over gRPC ≥ 0.5 × the no-op RPC rate — reported beside them for SMMUv3 accel');
  return { name: 'b7c-smmu', metrics: m.metrics, limit: m.limit, ratio: m.ratio, notes: m.notes };
}
