/**
 * Live migration between two vmm/host pairs (each host-iommu and vmm in-process on 127.0.0.1,
 * intel-vtd → intel-vtd): Vmm.Migrate on the source streams guest RAM, the assigned NIC's VFIO
 * migration data, the vIOMMU state and the virtio devices' state to the destination's
 * Vmm.ReceiveMigration, while the guest CPU (Guest.WriteMemory) and the NIC (Platform.DeviceDma on
 * the source host) keep writing guest RAM during pre-copy. Afterwards every guest RAM byte on the
 * destination equals what the guest and the NIC left, every mapped IOVA translates there as on the
 * source, the source host holds no process, object or pin of the VM, and the destination VM runs.
 * A blocked VM is refused before anything changes; a migration whose destination dies or refuses
 * leaves the source VM running with its data and mappings intact and nothing on the destination.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { VtdDriver } from '#libs/guest/vtd-driver.js';
import type { MigrateResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/MigrateResponse.js';
import { expectStatus } from './harness.js';
import { call, createAndStart, dmaReadHex, guestWriteLoad, nicVm, pattern, startTestTwin, useTwinPair, type TestTwin } from './vmm-harness.js';
import { decodeErrorInfo } from '#libs/rpc/errors.js';
import { dirtyLogOf } from '../../services/vmm/src/machine/dirty-log.js';

const MiB = 1n << 20n;
const RAM = 64n * MiB;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
const F = { MAP_UNMAP: 1n << 2n, BYPASS_CONFIG: 1n << 6n, PROBE: 1n << 4n } as const;
const EP_NIC0 = 0x18;
const NIC = '0000:01:00.0';
/** vmm tokens of the in-process twins (vmm-harness.ts) */
const ROOT = 'vmm-root';

let src: TestTwin;
let dst: TestTwin;
useTwinPair('intel-vtd', ['mig', 'vtd', 'blocked'], (s, d) => {
  [src, dst] = [s, d];
});

type Spec = Record<string, unknown> & { name: string };

function virtioVm(name: string, nicBdf = NIC, cdev = 'vfio0'): { spec: Spec; nodes: Record<string, string> } {
  if (cdev === 'legacy') {
    // legacy_container: the NIC's VFIO group (/dev/vfio/1) on a type1 container the VM process opens
    return {
      spec: {
        name,
        memory_bytes: String(RAM),
        machine: 'q35',
        // the host's 39-bit VT-d: the guest sees a 39-bit input range
        viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: { input_range: { start: '0', last: String((1n << 39n) - 1n) } } },
        devices: [
          { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: nicBdf, legacy_container: true } },
          { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } },
        ],
      },
      nodes: { nic0: '/dev/vfio/1' },
    };
  }
  return {
    spec: {
      name,
      memory_bytes: String(RAM),
      machine: 'q35',
      viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: {} },
      iommufd_objects: [{ id: 'iommufd0' }],
      devices: [
        { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: nicBdf, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } },
        { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } },
      ],
    },
    nodes: { iommufd0: '/dev/iommu', nic0: `/dev/vfio/devices/${cdev}` },
  };
}

function intelVm(name: string): { spec: Spec; nodes: Record<string, string> } {
  return nicVm(name, { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 48, caching_mode: true } }, RAM);
}

/** CreateVm (incoming or not), the orchestrator passes the nodes, StartVm. */
function create(tw: TestTwin, vm: { spec: Spec; nodes: Record<string, string> }, incoming = false): Promise<number> {
  return createAndStart(tw, vm.spec, vm.nodes, incoming);
}

/** The guest's RAM as the test knows it must be: every write the guest or the NIC completed. */
class RamImage {
  readonly bytes = Buffer.alloc(Number(RAM));
  /** A pattern over guest RAM, every fourth 2 MiB left zero (round 1 skips zero pages). */
  async fill(tw: TestTwin, vm: string, seed: number): Promise<void> {
    for (let o = 0n; o < RAM; o += 2n * MiB) {
      if ((o >> 21n) % 4n === 3n) continue;
      const data = pattern(Number(2n * MiB), seed + Number(o >> 20n));
      await call(tw.v.Guest.WriteMemory, { vm, gpa: String(o), data });
      data.copy(this.bytes, Number(o));
    }
  }
  /** The image becomes guest RAM of `vm` on `tw` as it is now (after writes the test does not mirror, e.g. a guest driver's tables). */
  async loadFrom(tw: TestTwin, vm: string): Promise<void> {
    for (let o = 0n; o < RAM; o += 2n * MiB) Buffer.from((await call(tw.v.Guest.ReadMemory, { vm, gpa: String(o), length: String(2n * MiB) })).data).copy(this.bytes, Number(o));
  }
  /** Guest RAM of `vm` on `tw` equals the image (2 MiB reads; the first differing offset reported). */
  async expectOn(tw: TestTwin, vm: string): Promise<void> {
    for (let o = 0n; o < RAM; o += 2n * MiB) {
      const got = Buffer.from((await call(tw.v.Guest.ReadMemory, { vm, gpa: String(o), length: String(2n * MiB) })).data);
      const want = this.bytes.subarray(Number(o), Number(o + 2n * MiB));
      if (!got.equals(want)) {
        let i = 0;
        while (got[i] === want[i]) i++;
        expect.fail(`guest RAM of ${vm} differs at GPA 0x${(o + BigInt(i)).toString(16)}`);
      }
    }
  }
}

interface Mapping {
  iova: bigint;
  size: bigint;
  gpa: bigint;
  /** 1 read, 2 write */
  flags: number;
}

/** The NIC's virtio-iommu mappings in the migrating VM: IOVA → GPA, and whether the device may write. */
const MAPS: readonly Mapping[] = [
  { iova: 0x100000000n, size: MiB, gpa: 8n * MiB, flags: 3 },
  { iova: 0x200000n, size: 0x1000n, gpa: 20n * MiB, flags: 1 },
  { iova: 0x40000000n, size: 2n * MiB, gpa: 40n * MiB, flags: 3 },
];

async function driveVirtio(tw: TestTwin, vm: string): Promise<void> {
  expect((await call(tw.v.Guest.VirtioIommuSetFeatures, { vm, driver_features: String(VERSION_1 | F.MAP_UNMAP | F.BYPASS_CONFIG | F.PROBE) })).features_ok).toBe(true);
  expect((await call(tw.v.Guest.VirtioSetFeatures, { vm, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
  const rq = (body: Record<string, unknown>) => call(tw.v.Guest.VirtioIommuRequest, { vm, ...body });
  expect((await rq({ attach: { domain: 4, endpoint: EP_NIC0, flags: 0, reserved: 0 } })).status).toBe(0);
  for (const m of MAPS) {
    expect((await rq({ map: { domain: 4, virt_start: String(m.iova), virt_end: String(m.iova + m.size - 1n), phys_start: String(m.gpa), flags: m.flags } })).status).toBe(0);
  }
}

/** Guest.Dma of the NIC: the bytes, or the non-data outcome. */
function nicRead(tw: TestTwin, vm: string, iova: bigint, n: number): Promise<string> {
  return dmaReadHex(tw, vm, 'nic0', iova, n);
}

/** Every mapping, on `tw`, reads what the image holds at its GPA (first, middle and last 64 bytes); unmapped IOVAs fault. */
async function expectTranslations(tw: TestTwin, vm: string, img: RamImage, maps: readonly Mapping[] = MAPS): Promise<void> {
  for (const m of maps) {
    for (const off of [0n, m.size / 2n, m.size - 64n]) {
      expect(await nicRead(tw, vm, m.iova + off, 64), `IOVA 0x${(m.iova + off).toString(16)}`).toBe(img.bytes.subarray(Number(m.gpa + off), Number(m.gpa + off + 64n)).toString('hex'));
    }
  }
  expect(await nicRead(tw, vm, 0x300000n, 64)).toBe('host_fault');
  // the read-only mapping stays read-only
  const ro = await call(tw.v.Guest.Dma, { vm, device_id: 'nic0', iova: String(maps.find((m) => m.flags === 1)!.iova), length: '4', write: true, data: Buffer.from('nope') });
  expect(ro.result).toBe('host_fault');
}

/** Vmm.Migrate to the twin `to`: every progress message; `onMessage` sees them as they come. */
function migrate(from: TestTwin, to: TestTwin, name: string, opts: { bandwidth?: bigint; onMessage?: (m: MigrateResponse__Output) => void } = {}): Promise<MigrateResponse__Output[]> {
  return new Promise((resolve, reject) => {
    const out: MigrateResponse__Output[] = [];
    const s = from.v.Vmm.Migrate({ name, destination: to.vmm.addr, destination_token: ROOT, max_downtime_ms: 300, max_rounds: 10, bandwidth_bytes_per_s: String(opts.bandwidth ?? 0n) });
    s.on('data', (m: MigrateResponse__Output) => {
      out.push(m);
      opts.onMessage?.(m);
    });
    s.on('error', (e: grpc.ServiceError) => reject(e));
    s.on('end', () => resolve(out));
  });
}

/**
 * The guest CPU and the NIC writing guest RAM until `stop()`: 4 KiB CPU writes at pseudo-random
 * pages and 4 KiB NIC DMA writes (Platform.DeviceDma on the source host) into the writable
 * mappings; every completed write goes into the image (a write refused once the guest stopped is not).
 */
function workload(tw: TestTwin, vm: string, img: RamImage, seed: number, maps: readonly Mapping[] = MAPS, avoid?: { start: bigint; end: bigint }) {
  return guestWriteLoad({
    seed,
    ramBytes: RAM,
    image: img.bytes,
    targets: maps.filter((m) => m.flags & 2),
    ...(avoid ? { avoid } : {}),
    cpuWrite: async (gpa, data) => (await call(tw.v.Guest.WriteMemory, { vm, gpa: String(gpa), data }), true),
    dmaWrite: async (iova, data) => (await call(tw.host.platform.Platform.DeviceDma, { bdf: NIC, iova: String(iova), length: '4096', write: true, data })).result === 'written',
  });
}

/**
 * Vmm.Migrate at 64 MB/s (about 1 s of pre-copy) while `load` writes, stopping it once the source
 * reaches STOP_COPY (`onMessage` sees every message too): the migration must complete. Returns
 * the messages, the last one and the writes the load completed.
 */
async function migrateUnderLoad(
  from: TestTwin,
  to: TestTwin,
  name: string,
  load: ReturnType<typeof workload>,
  onMessage?: (m: MigrateResponse__Output) => void,
): Promise<{ msgs: MigrateResponse__Output[]; done: MigrateResponse__Output; counts: { cpu: number; dma: number } }> {
  let stopping: Promise<{ cpu: number; dma: number }> | undefined;
  const msgs = await migrate(from, to, name, {
    bandwidth: 64n << 20n,
    onMessage: (m) => {
      onMessage?.(m);
      if (m.phase === 'STOP_COPY') stopping ??= load.stop();
    },
  });
  const counts = await (stopping ?? load.stop());
  const done = msgs[msgs.length - 1]!;
  expect(done.phase, done.detail).toBe('COMPLETED');
  return { msgs, done, counts };
}

describe('live migration (Migrate / ReceiveMigration)', () => {
  it('refuses a VM with a blocker before anything changes (a NIC without VFIO migration)', async () => {
    const vm = virtioVm('blocked', '0000:04:00.0', 'vfio3');
    await create(src, vm);
    const before = await call(src.v.Vmm.GetVm, { name: 'blocked' });
    const err = await expectStatus(migrate(src, dst, 'blocked'), grpc.status.FAILED_PRECONDITION, 'MIGRATION_BLOCKED');
    expect(err.details).toContain('VFIO_MIGRATION_NOT_SUPPORTED');
    expect(err.details).toContain('0000:04:00.0: VFIO migration is not supported in kernel');
    const after = await call(src.v.Vmm.GetVm, { name: 'blocked' });
    expect(after.vm!.state).toBe('VM_STATE_RUNNING');
    expect(after.vm!.host_pid).toBe(before.vm!.host_pid);
    const svm = src.vmm.mgr.vm('blocked');
    expect(svm.migrating).toBe(false);
    expect(dirtyLogOf(svm).active).toBe(false);
    expect((await call(dst.v.Vmm.ListVms, {})).vms.map((v) => v.spec!.name)).not.toContain('blocked');
    await call(src.v.Vmm.StopVm, { name: 'blocked' });
    await call(src.v.Vmm.DeleteVm, { name: 'blocked' });
  });

  const img = new RamImage();

  it('a destination that dies mid-way: the source VM runs on with its RAM, mappings and device intact, nothing stays there', async () => {
    const doomed = await startTestTwin('intel-vtd');
    try {
      await create(src, virtioVm('mig'));
      await driveVirtio(src, 'mig');
      await img.fill(src, 'mig', 11);
      const snapshot = src.vmm.mgr.vm('mig').viommu!.snapshot();
      await create(doomed, virtioVm('mig'), true);
      let killed: Promise<void> | undefined;
      // 16 MB/s: round 1 alone takes about 4 s; the destination vmm goes away during it
      const msgs = await migrate(src, doomed, 'mig', {
        bandwidth: 16n << 20n,
        onMessage: (m) => {
          if (m.phase === 'SETUP' && !killed) killed = new Promise((r) => setTimeout(r, 600)).then(() => doomed.close());
        },
      });
      await killed;
      const last = msgs[msgs.length - 1]!;
      expect(last.phase).toBe('FAILED');
      expect(last.detail).toMatch(/destination vmm/);
      expect(msgs.map((m) => m.phase)).not.toContain('COMPLETED');
      const info = await call(src.v.Vmm.GetVm, { name: 'mig' });
      expect(info.vm!.state).toBe('VM_STATE_RUNNING');
      const svm = src.vmm.mgr.vm('mig');
      expect(svm.migrating).toBe(false);
      expect(dirtyLogOf(svm).active).toBe(false);
      expect(svm.viommu!.snapshot()).toEqual(snapshot);
      await img.expectOn(src, 'mig');
      // the NIC is RUNNING again: its DMA through every mapping works
      await expectTranslations(src, 'mig', img);
    } finally {
      await doomed.close().catch(() => undefined);
    }
  }, 60_000);

  it('a destination that cannot build the VM (no prepared VM, its VM process may not open /dev/iommu): FAILED, the source runs on, nothing there', async () => {
    const msgs = await migrate(src, dst, 'mig');
    const last = msgs[msgs.length - 1]!;
    expect(last.phase).toBe('FAILED');
    expect(last.detail).toMatch(/EACCES|PERMISSION_DENIED|cannot open/);
    expect((await call(src.v.Vmm.GetVm, { name: 'mig' })).vm!.state).toBe('VM_STATE_RUNNING');
    expect((await call(dst.v.Vmm.ListVms, {})).vms.map((v) => v.spec!.name)).not.toContain('mig');
    await img.expectOn(src, 'mig');
    await expectTranslations(src, 'mig', img);
  }, 60_000);

  it('virtio-iommu + assigned NIC, CPU writes and NIC DMA during pre-copy: RAM and translations equal on the destination, nothing of the VM left on the source host', async () => {
    const svm = src.vmm.mgr.vm('mig');
    const snapshot = svm.viommu!.snapshot();
    const srcPid = svm.hostPid;
    await create(dst, virtioVm('mig'), true);
    const load = workload(src, 'mig', img, 7);
    let hotplug: Promise<string> | undefined;
    const { msgs, done, counts } = await migrateUnderLoad(src, dst, 'mig', load, (m) => {
      // the device set cannot change under a migration (QEMU: blockers refused while migrating)
      if (m.phase === 'SETUP') {
        hotplug ??= call(src.v.Vmm.HotplugDevice, { name: 'mig', device: { id: 'blk0', guest_bdf: '0000:00:05.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } } }).then(
          () => 'accepted',
          (e: grpc.ServiceError) => decodeErrorInfo(e)?.reason ?? e.message,
        );
      }
    });
    expect(await hotplug).toBe('MIGRATION_IN_PROGRESS');
    const phases = msgs.map((m) => m.phase);
    expect(phases[0]).toBe('SETUP');
    expect(phases).toContain('PRECOPY');
    expect(phases.slice(phases.indexOf('STOP_COPY'))).toEqual(['STOP_COPY', 'DEVICE_STATE', 'VIOMMU_STATE', 'RESUME', 'COMPLETED']);
    // round 1 skips the zero quarter of RAM (what later rounds add depends on the load's pace)
    const round1 = msgs.find((m) => m.phase === 'PRECOPY' && m.round === 1)!;
    expect(BigInt(round1.bytes_sent)).toBeGreaterThanOrEqual((RAM * 3n) / 4n);
    expect(BigInt(round1.bytes_sent)).toBeLessThan(RAM);
    expect(BigInt(done.bytes_sent)).toBeGreaterThanOrEqual(BigInt(round1.bytes_sent));
    expect(counts.cpu).toBeGreaterThan(0);
    expect(counts.dma).toBeGreaterThan(0);

    // the source VM is gone, and with its host process every object and pin of it
    await expectStatus(call(src.v.Vmm.GetVm, { name: 'mig' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    const h = await call(src.host.platform.Platform.Inspect, { host: true });
    expect(h.pinned!.pages).toBe('0');
    expect(h.page_tables).toEqual([]);
    // the VM's host process exited (Process.GetStatus: no such process)
    await expectStatus(call(src.host.root.Process.GetStatus, { pid: srcPid }), grpc.status.NOT_FOUND, 'ESRCH');

    // the destination runs the guest: RAM, vIOMMU state, virtio state, translations
    const info = await call(dst.v.Vmm.GetVm, { name: 'mig' });
    expect(info.vm!.state).toBe('VM_STATE_RUNNING');
    const net0 = info.vm!.devices.find((d) => d.id === 'net0')!;
    expect(net0.features_ok).toBe(true);
    expect(BigInt(net0.driver_features)).toBe(VERSION_1 | ACCESS_PLATFORM);
    expect(dst.vmm.mgr.vm('mig').viommu!.snapshot()).toEqual(snapshot);
    await img.expectOn(dst, 'mig');
    await expectTranslations(dst, 'mig', img);
    // the destination's NIC runs: its DMA writes land in the destination's guest RAM
    const data = pattern(4096, 99);
    const w = await call(dst.host.platform.Platform.DeviceDma, { bdf: NIC, iova: String(MAPS[0]!.iova), length: '4096', write: true, data });
    expect(w.result).toBe('written');
    expect(Buffer.from((await call(dst.v.Guest.ReadMemory, { vm: 'mig', gpa: String(MAPS[0]!.gpa), length: '4096' })).data).equals(data)).toBe(true);
    // the NIC is free again for the next VM
    await call(dst.v.Vmm.StopVm, { name: 'mig' });
    await call(dst.v.Vmm.DeleteVm, { name: 'mig' });
  }, 90_000);

  it('intel-iommu (caching mode) + assigned NIC, CPU writes and NIC DMA during pre-copy: RAM equal, the destination shadow rebuilds the host IOAS from the migrated tables', async () => {
    await create(src, intelVm('vtd'));
    const image = new RamImage();
    await image.fill(src, 'vtd', 41);
    const POOL = { start: 16n * MiB, end: 32n * MiB };
    const drv = new VtdDriver(src.v.Guest, { vm: 'vtd', pool: POOL });
    await drv.init();
    const dom = await drv.allocDomain();
    await drv.attach(dom, EP_NIC0);
    const maps: Mapping[] = [
      { iova: 0x10000n, size: 0x3000n, gpa: 40n * MiB, flags: 3 },
      { iova: 0x80000000n, size: 0x1000n, gpa: 48n * MiB, flags: 1 },
    ];
    for (const m of maps) await drv.map(dom, m.iova, m.gpa, m.size, { read: true, write: (m.flags & 2) !== 0 });
    await image.loadFrom(src, 'vtd'); // the driver's tables in the pool
    const regs = async (tw: TestTwin) => {
      const out: string[] = [];
      for (const off of [0x08, 0x10, 0x1c, 0x20, 0x34, 0x80, 0x88, 0x90]) out.push((await call(tw.v.Guest.MmioRead, { vm: 'vtd', addr: String(0xfed90000n + BigInt(off)), size: 8 })).value);
      return out;
    };
    const regsBefore = await regs(src);
    await create(dst, intelVm('vtd'), true);
    const load = workload(src, 'vtd', image, 13, maps, POOL);
    const { counts } = await migrateUnderLoad(src, dst, 'vtd', load);
    expect(counts.cpu).toBeGreaterThan(0);
    expect(counts.dma).toBeGreaterThan(0);
    await expectStatus(call(src.v.Vmm.GetVm, { name: 'vtd' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    const h = await call(src.host.platform.Platform.Inspect, { host: true });
    expect(h.pinned!.pages).toBe('0');
    expect(await regs(dst)).toEqual(regsBefore);
    await image.expectOn(dst, 'vtd');
    await expectTranslations(dst, 'vtd', image, maps);
    await call(dst.v.Vmm.StopVm, { name: 'vtd' });
    await call(dst.v.Vmm.DeleteVm, { name: 'vtd' });
  }, 90_000);

  it('a destination that dies during stop-and-copy (guest stopped, devices in STOP_COPY): devices back to RUNNING, the guest resumes, a CPU write held meanwhile lands', async () => {
    const doomed = await startTestTwin('intel-vtd');
    try {
      // nic0 and gpu0 (64 MiB of device state, P2P both: allowed together): the GPU's STOP_COPY data keeps the stop phase long
      const vm = virtioVm('big');
      const spec = vm.spec as unknown as { devices: unknown[] };
      spec.devices.push({ id: 'gpu0', guest_bdf: '0000:00:06.0', vfio: { host_bdf: '0000:03:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } });
      vm.nodes.gpu0 = '/dev/vfio/devices/vfio2';
      await create(src, vm);
      await driveVirtio(src, 'big');
      const image = new RamImage();
      await image.fill(src, 'big', 31);
      const snapshot = src.vmm.mgr.vm('big').viommu!.snapshot();
      await create(doomed, vm, true);
      let held: Promise<unknown> | undefined;
      let killed: Promise<void> | undefined;
      const late = pattern(4096, 1234);
      const msgs = await migrate(src, doomed, 'big', {
        bandwidth: 64n << 20n,
        onMessage: (m) => {
          if (m.phase === 'STOP_COPY' && !killed) {
            // a guest CPU write now waits for the stopped guest; the destination dies meanwhile
            held = call(src.v.Guest.WriteMemory, { vm: 'big', gpa: String(30n * MiB), data: late });
            killed = new Promise((r) => setTimeout(r, 200)).then(() => doomed.close());
          }
        },
      });
      await killed;
      await held;
      late.copy(image.bytes, Number(30n * MiB));
      const phases = msgs.map((m) => m.phase);
      expect(phases).toContain('STOP_COPY');
      expect(phases[phases.length - 1]).toBe('FAILED');
      expect(phases).not.toContain('COMPLETED');
      expect((await call(src.v.Vmm.GetVm, { name: 'big' })).vm!.state).toBe('VM_STATE_RUNNING');
      const svm = src.vmm.mgr.vm('big');
      expect(svm.migrating).toBe(false);
      expect(dirtyLogOf(svm).active).toBe(false);
      expect(svm.viommu!.snapshot()).toEqual(snapshot);
      // both devices RUNNING again (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE GET in the VM's process)
      for (const id of ['nic0', 'gpu0']) expect(await src.vmm.mgr.link.getMigState(svm.hostPid, svm.vfio.get(id)!.deviceFd)).toBe('VFIO_DEVICE_MIG_STATE_RUNNING');
      await image.expectOn(src, 'big');
      await expectTranslations(src, 'big', image);
      await call(src.v.Vmm.StopVm, { name: 'big' });
      await call(src.v.Vmm.DeleteVm, { name: 'big' });
    } finally {
      await doomed.close().catch(() => undefined);
    }
  }, 60_000);

  it('a hostile or broken stream is refused with its reason and leaves no VM on the destination', async () => {
    const spec = { ...virtioVm('hostile').spec };
    const send = (records: Buffer[]) =>
      new Promise<string>((resolve, reject) => {
        const s = dst.v.Vmm.ReceiveMigration((err: grpc.ServiceError | null, res?: { result: string }) => (err ? reject(err) : resolve(res!.result)));
        for (const r of records) s.write({ chunk: r });
        s.end();
      });
    const rec = (type: number, payload: Buffer) => {
      const h = Buffer.alloc(5);
      h.writeUInt8(type, 0);
      h.writeUInt32BE(payload.length, 1);
      return Buffer.concat([h, payload]);
    };
    const header = rec(1, Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from(JSON.stringify({ spec, host: 'evil', ram: [{ gpa: '0', size: String(RAM) }] }))]));
    const ram = (gpa: bigint, n: number) => {
      const p = Buffer.alloc(8 + n);
      p.writeBigUInt64BE(gpa, 0);
      return rec(2, p);
    };
    // a record head announcing 1 GiB: refused before its bytes are awaited
    await expectStatus(send([Buffer.from([2, 0x40, 0, 0, 0])]), grpc.status.INVALID_ARGUMENT, 'MIGRATION_STREAM_INVALID');
    // RAM before HEADER
    await expectStatus(send([ram(0n, 4096)]), grpc.status.INVALID_ARGUMENT, 'MIGRATION_STREAM_INVALID');
    // a RAM layout that is not the spec's
    const badLayout = rec(1, Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from(JSON.stringify({ spec, host: 'evil', ram: [{ gpa: '0', size: String(RAM * 2n) }] }))]));
    await expectStatus(send([badLayout]), grpc.status.INVALID_ARGUMENT, 'MIGRATION_STREAM_INVALID');
    // a prepared destination, then RAM beyond guest RAM (split across chunks): refused, the prepared VM dropped too
    await create(dst, virtioVm('hostile'), true);
    const beyond = ram(RAM - 4096n, 8192);
    await expectStatus(send([header, beyond.subarray(0, 3), beyond.subarray(3)]), grpc.status.INVALID_ARGUMENT, 'MIGRATION_STREAM_INVALID');
    expect((await call(dst.v.Vmm.ListVms, {})).vms.map((v) => v.spec!.name)).not.toContain('hostile');
    // a stream that ends before END (the source gave up)
    await create(dst, virtioVm('hostile'), true);
    await expectStatus(send([header, ram(0n, 4096)]), grpc.status.INVALID_ARGUMENT, 'MIGRATION_STREAM_INVALID');
    expect((await call(dst.v.Vmm.ListVms, {})).vms.map((v) => v.spec!.name)).not.toContain('hostile');
    // the destination host keeps nothing of them
    const h = await call(dst.host.platform.Platform.Inspect, { host: true });
    expect(h.pinned!.pages).toBe('0');
  }, 60_000);

  it('SMMUv3 (emulated, machine virt, virtio devices) arm-smmuv3 → arm-smmuv3: registers, RAM and virtio state equal', async () => {
    const [from, to] = await Promise.all([startTestTwin('arm-smmuv3'), startTestTwin('arm-smmuv3')]);
    try {
      const RAM0 = 0x4000_0000n;
      const spec = {
        name: 'arm',
        memory_bytes: String(RAM),
        machine: 'virt',
        viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3: { stage: 'SMMUV3_STAGE_1' } },
        iommufd_objects: [],
        devices: [{ id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } }],
      };
      await call(from.v.Vmm.CreateVm, { spec: spec as never });
      await call(from.v.Vmm.StartVm, { name: 'arm', passed_fds: {} });
      await call(to.v.Vmm.CreateVm, { spec: spec as never, incoming: true });
      // the guest programs the stream table and queue bases (latched registers the vmstate carries)
      const SMMU = 0x0905_0000n;
      const writes: Array<[number, bigint]> = [
        [0x80, RAM0 + 16n * MiB],
        [0x88, 0x6n],
        [0x90, (RAM0 + 17n * MiB) | 5n],
        [0xa0, (RAM0 + 18n * MiB) | 5n],
      ];
      for (const [off, v] of writes) await call(from.v.Guest.MmioWrite, { vm: 'arm', addr: String(SMMU + BigInt(off)), size: 8, value: String(v) });
      expect((await call(from.v.Guest.VirtioSetFeatures, { vm: 'arm', device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
      const data = pattern(Number(2n * MiB), 3);
      await call(from.v.Guest.WriteMemory, { vm: 'arm', gpa: String(RAM0 + 8n * MiB), data });
      const regs = async (tw: TestTwin) => {
        const out: string[] = [];
        for (const off of [0x0, 0x4, 0x8, 0x14, 0x20, 0x80, 0x88, 0x90, 0x98, 0x9c, 0xa0]) out.push((await call(tw.v.Guest.MmioRead, { vm: 'arm', addr: String(SMMU + BigInt(off)), size: 4 })).value);
        return out;
      };
      const before = await regs(from);
      expect(BigInt(before[5]!)).toBe(RAM0 + 16n * MiB); // STRTAB_BASE (low word) latched
      const msgs = await migrate(from, to, 'arm');
      const done = msgs[msgs.length - 1]!;
      expect(done.phase, done.detail).toBe('COMPLETED');
      expect(await regs(to)).toEqual(before);
      expect(Buffer.from((await call(to.v.Guest.ReadMemory, { vm: 'arm', gpa: String(RAM0 + 8n * MiB), length: String(2n * MiB) })).data).equals(data)).toBe(true);
      const net0 = (await call(to.v.Vmm.GetVm, { name: 'arm' })).vm!.devices.find((d) => d.id === 'net0')!;
      expect(BigInt(net0.driver_features)).toBe(VERSION_1 | ACCESS_PLATFORM);
      await expectStatus(call(from.v.Vmm.GetVm, { name: 'arm' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
  }, 60_000);

  it('intel-vtd-legacy → intel-vtd-legacy (legacy_container, type1 dirty tracking, a NIC without PRE_COPY): RAM and translations equal, the source host clean', async () => {
    const [from, to] = await Promise.all([startTestTwin('intel-vtd-legacy'), startTestTwin('intel-vtd-legacy')]);
    try {
      const vm = virtioVm('leg', NIC, 'legacy');
      await create(from, vm);
      await driveVirtio(from, 'leg');
      const image = new RamImage();
      await image.fill(from, 'leg', 21);
      const snapshot = from.vmm.mgr.vm('leg').viommu!.snapshot();
      await create(to, vm, true);
      const load = workload(from, 'leg', image, 5);
      const { counts } = await migrateUnderLoad(from, to, 'leg', load);
      expect(counts.dma).toBeGreaterThan(0);
      await expectStatus(call(from.v.Vmm.GetVm, { name: 'leg' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
      const h = await call(from.host.platform.Platform.Inspect, { host: true });
      expect(h.pinned!.pages).toBe('0');
      expect((await call(to.v.Vmm.GetVm, { name: 'leg' })).vm!.state).toBe('VM_STATE_RUNNING');
      expect(to.vmm.mgr.vm('leg').viommu!.snapshot()).toEqual(snapshot);
      await image.expectOn(to, 'leg');
      await expectTranslations(to, 'leg', image);
      await call(to.v.Vmm.StopVm, { name: 'leg' });
      await call(to.v.Vmm.DeleteVm, { name: 'leg' });
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
  }, 90_000);
});
