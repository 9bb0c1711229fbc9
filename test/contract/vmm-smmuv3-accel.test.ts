/**
 * The accel (NESTED) backend of an assigned NIC behind the vmm's SMMUv3, driven as Linux's
 * arm-smmu-v3 driver drives it (libs/guest/smmu-driver.ts): the host's nested SMMUv3 walks the
 * guest's stage-1 tables (STE → CD → LPAE tables in guest RAM) over a NEST_PARENT stage 2 of
 * guest RAM. host-iommu (profile arm-smmuv3; arm-smmuv3-s2 for the refusal) and vmm in-process
 * over real gRPC, the orchestrator passing /dev/iommu and the NIC's cdev into the VM process.
 *
 * Expected values: shared/reference/smmuv3-and-migration.md §A.5 (vSTE HWPTs, vDEVICE virt_id =
 * the guest StreamID), §A.7/A.8 (which commands are forwarded, one 16-byte entry per
 * IOMMU_HWPT_INVALIDATE on the vIOMMU, the guest's CMD_SYNC completes after the host's ack),
 * §A.10 (a host stage-1 event reaches the guest EVTQ with the guest's SID), §A.12 (QEMU's
 * refusals); vmm-api.md "Backends of assigned devices".
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import { GBPA, OP, PAGE1, REG, SmmuDriver, cmdCfgiCd, cmdCfgiSte, cmdSync, cmdTlbi, encodeEvent, grpcBus, SYNC_CS, type SmmuDomain } from '#libs/guest/smmu-driver.js';
import { errorInfo, pullStream } from './harness.js';
import { hostLeftClean, Orchestrator, pattern, startTestTwin, type TestTwin, until } from './vmm-harness.js';

const MiB = 1n << 20n;
const RAM0 = 0x4000_0000n;
const RAM = 64n * MiB;
const POOL = { start: RAM0 + 16n * MiB, end: RAM0 + 32n * MiB };
const BUF = RAM0 + 40n * MiB;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
/** nic0's guest StreamID, and one no device of the VM has */
const SID = { nic0: 0x18, none: 0x20 } as const;
const IOVA = 0x8000_0000n;
const NIC_BDF = '0000:01:00.0';

type Dev = Record<string, unknown> & { id: string };
const nic = (backend = 'VFIO_BACKEND_NESTED'): Dev => ({ id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: NIC_BDF, iommufd: 'iommufd0', backend } });

function spec(name: string, devices: Dev[], smmuv3: Record<string, unknown> = { accel: true }) {
  return { name, memory_bytes: String(RAM), machine: 'virt', viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3 }, iommufd_objects: devices.some((d) => d.vfio) ? [{ id: 'iommufd0' }] : [], devices };
}

let t: TestTwin;
let orch: Orchestrator;
const live: Array<{ tw: TestTwin; name: string }> = [];
beforeAll(async () => {
  t = await startTestTwin('arm-smmuv3');
  orch = await Orchestrator.create(t);
});
afterEach(async () => {
  for (const { tw, name } of live.splice(0)) {
    await call(tw.v.Vmm.StopVm, { name }).catch(() => undefined);
    await call(tw.v.Vmm.DeleteVm, { name }).catch(() => undefined);
  }
  await hostLeftClean(t);
});
afterAll(async () => {
  await orch?.sys.exit();
  await t?.close();
});

interface Vm {
  name: string;
  pid: number;
  drv: SmmuDriver;
  events: ReturnType<typeof pullStream<EventsResponse__Output>>;
}

async function create(name: string, devices: Dev[], smmuv3?: Record<string, unknown>, tw = t, o = orch): Promise<{ pid: number; fds: Record<string, number> }> {
  const c = await call(tw.v.Vmm.CreateVm, { spec: spec(name, devices, smmuv3) as never });
  live.push({ tw, name });
  const pid = c.vm!.host_pid;
  const fds: Record<string, number> = {};
  if (devices.some((d) => d.vfio)) {
    fds.iommufd0 = await o.pass('/dev/iommu', pid);
    fds.nic0 = await o.pass('/dev/vfio/devices/vfio0', pid);
  }
  return { pid, fds };
}

async function boot(name: string, devices: Dev[] = [nic()], smmuv3?: Record<string, unknown>): Promise<Vm> {
  const { pid, fds } = await create(name, devices, smmuv3);
  const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  for (const d of devices) {
    if (d.virtio) expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: d.id, driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
  }
  const drv = new SmmuDriver(grpcBus(t.v.Guest, name), { pool: POOL });
  const events = pullStream<EventsResponse__Output>(t.v.Guest.Events({ vm: name, after_sequence: '0' }));
  return { name, pid, drv, events };
}

const dma = (vm: Vm, dev: string, iova: bigint, n: number) =>
  call(t.v.Guest.Dma, { vm: vm.name, device_id: dev, iova: String(iova), length: String(n), write: false, data: Buffer.alloc(0) });
const dmaWrite = (vm: Vm, dev: string, iova: bigint, data: Buffer) =>
  call(t.v.Guest.Dma, { vm: vm.name, device_id: dev, iova: String(iova), length: String(data.length), write: true, data });
const poke = (vm: Vm, gpa: bigint, data: Buffer) => call(t.v.Guest.WriteMemory, { vm: vm.name, gpa: String(gpa), data });
const peek = async (vm: Vm, gpa: bigint, n: number) => Buffer.from((await call(t.v.Guest.ReadMemory, { vm: vm.name, gpa: String(gpa), length: String(n) })).data);
async function readOk(vm: Vm, dev: string, iova: bigint, n: number): Promise<Buffer> {
  const r = await dma(vm, dev, iova, n);
  expect(r.result, `${dev} DMA read at 0x${iova.toString(16)}: ${JSON.stringify(r)}`).toBe('data');
  return Buffer.from(r.data!);
}
/** The NIC's DMA on the host faults (a host fault: the host IOMMU refused it). */
async function hostFault(vm: Vm, iova: bigint, write = false) {
  const r = write ? await dmaWrite(vm, 'nic0', iova, Buffer.alloc(8)) : await dma(vm, 'nic0', iova, 8);
  expect(r.result, JSON.stringify(r)).toBe('host_fault');
  return r.host_fault!;
}

/** The NIC's host objects as VmInfo reports them. */
async function hostOf(vm: Vm) {
  const info = (await call(t.v.Vmm.GetVm, { name: vm.name })).vm!;
  const d = info.devices.find((x) => x.id === 'nic0')!;
  return { backend: d.backend, fd: d.host!.iommufd, hwpts: d.host!.hwpt_ids, viommu: d.host!.viommu_id, vdevice: d.host!.vdevice_id };
}
const inspectObj = (vm: Vm, fd: number, id: number) => call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd, id } });

/** Linux bring-up and a stage-1 domain attached to the NIC. */
async function readyNic(vm: Vm): Promise<SmmuDomain> {
  await vm.drv.init();
  const d = await vm.drv.allocDomain();
  await vm.drv.attach(d, SID.nic0);
  return d;
}

/** Records the vmm's forwarded invalidations (16-byte commands, with their ack) and the guest's MMIO writes, in order. */
function recordForwarding() {
  const link = t.vmm.link;
  const log: Array<{ what: 'inv-sent' | 'inv-acked'; id: number; type: number; cmd: [bigint, bigint] } | { what: 'mmio-done'; addr: bigint }> = [];
  const inv = link.invalidate.bind(link);
  const s = vi.spyOn(link, 'invalidate').mockImplementation(async (pid, fd, id, type, len, entries) => {
    const dv = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
    expect(len).toBe(16);
    const cmd: [bigint, bigint] = [dv.getBigUint64(0, true), dv.getBigUint64(8, true)];
    log.push({ what: 'inv-sent', id, type, cmd });
    const n = await inv(pid, fd, id, type, len, entries);
    log.push({ what: 'inv-acked', id, type, cmd });
    return n;
  });
  return { log, restore: () => s.mockRestore() };
}

describe('assigned NIC behind SMMUv3 accel, NESTED [A.5, vmm-api Backends]', () => {
  it('plug: NEST_PARENT over guest RAM and the vIOMMU; the first CFGI_STE makes the vDEVICE (virt_id = SID) and a vSTE HWPT; the NIC DMAs guest RAM both ways through the guest stage 1', async () => {
    const vm = await boot('accel-map');
    let h = await hostOf(vm);
    expect(h.backend).toBe('NESTED');
    expect(h.viommu).toBeDefined();
    expect(h.vdevice).toBeUndefined();
    const parent = h.hwpts[0]!;
    const pi = await inspectObj(vm, h.fd, parent);
    expect(pi.kind).toBe('HWPT_PAGING');
    const vi0 = await inspectObj(vm, h.fd, h.viommu!);
    expect(vi0.kind).toBe('VIOMMU');
    // SMMUEN = 0, GBPA bypass from reset: the NIC reaches guest RAM at IOVA = GPA
    const early = pattern(64, 1);
    await poke(vm, BUF + 0x10000n, early);
    expect((await readOk(vm, 'nic0', BUF + 0x10000n, 64)).equals(early)).toBe(true);

    const dom = await readyNic(vm);
    h = await hostOf(vm);
    expect(h.vdevice).toBeDefined();
    const vd = await inspectObj(vm, h.fd, h.vdevice!);
    expect(vd.kind).toBe('VDEVICE'); // its virt_id (the guest SID) shows in forwarded events: see the EVTQ test
    const nestedId = h.hwpts.find((x) => x !== parent)!;
    const ni = await inspectObj(vm, h.fd, nestedId);
    expect(ni.kind).toBe('HWPT_NESTED');

    await vm.drv.map(dom, IOVA, BUF, 0x2000n);
    const src = pattern(0x2000, 7);
    await poke(vm, BUF, src);
    expect((await readOk(vm, 'nic0', IOVA + 0xf00n, 0x200)).equals(src.subarray(0xf00, 0x1100))).toBe(true);
    const w = pattern(0x300, 8);
    expect((await dmaWrite(vm, 'nic0', IOVA + 0xe80n, w)).result).toBe('written');
    expect((await peek(vm, BUF + 0xe80n, 0x300)).equals(w)).toBe(true);
    // what the NIC wrote is what the vmm's model reads (its copy of guest RAM follows the device):
    // through a mapping of the command-queue page the NIC writes a CMD_SYNC (CS=IRQ) into the next
    // slot, the driver only moves PROD, and the unit consumes the NIC's command (a stale copy
    // would hold zeros there: opcode 0, CERROR_ILL)
    const q = vm.drv.cmdq;
    await vm.drv.readCmdqCons();
    const slotGpa = q.base + BigInt(q.prod & ((1 << q.shift) - 1)) * 16n;
    await vm.drv.map(dom, IOVA + 0x10000n, slotGpa & ~0xfffn, 0x1000n);
    const [c0, c1] = cmdSync(SYNC_CS.IRQ);
    const cmd = Buffer.alloc(16);
    cmd.writeBigUInt64LE(c0, 0);
    cmd.writeBigUInt64LE(c1, 8);
    const syncs = () => vm.events.seen.filter((e) => e.event === 'interrupt' && e.interrupt!.source === 'cmdq_sync').length;
    const before = syncs();
    expect((await dmaWrite(vm, 'nic0', IOVA + 0x10000n + (slotGpa & 0xfffn), cmd)).result).toBe('written');
    q.prod = (q.prod + 1) & ((2 << q.shift) - 1);
    await vm.drv.publishProd();
    expect((await vm.drv.readCmdqCons()) >>> 24).toBe(0);
    expect(vm.drv.cmdq.cons).toBe(q.prod);
    await until(() => syncs() === before + 1, 'the cmdq_sync interrupt of the NIC-written CMD_SYNC', 5000);
  });

  it('TLBI forwarded one command per IOMMU_HWPT_INVALIDATE on the vIOMMU; a skipped TLBI leaves the host translation stale until sent; CMD_SYNC completes after the host ack', async () => {
    const vm = await boot('accel-tlbi');
    const dom = await readyNic(vm);
    const h = await hostOf(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    const a = pattern(32, 3);
    await poke(vm, BUF, a);
    expect((await readOk(vm, 'nic0', IOVA, 32)).equals(a)).toBe(true);
    // unmapped without TLBI: the host's IOTLB still translates
    await vm.drv.unmap(dom, IOVA, 0x1000n, { skipTlbi: true });
    expect((await readOk(vm, 'nic0', IOVA, 32)).equals(a)).toBe(true);
    const rec = recordForwarding();
    try {
      const cmds = vm.drv.tlbiRangeCmds(dom, IOVA, 0x1000n);
      await vm.drv.queueCommands([...cmds, cmdSync()]);
      const syncAt = vm.drv.cmdq.prod;
      await vm.drv.publishProd();
      rec.log.push({ what: 'mmio-done', addr: BigInt(REG.CMDQ_PROD) });
      // the PROD write returned with CONS past the CMD_SYNC: the host had acked first
      expect((await vm.drv.readl(REG.CMDQ_CONS)) & 0xfffff).toBe(syncAt);
      expect(rec.log).toEqual([
        { what: 'inv-sent', id: h.viommu!, type: 1, cmd: cmds[0]! },
        { what: 'inv-acked', id: h.viommu!, type: 1, cmd: cmds[0]! },
        { what: 'mmio-done', addr: BigInt(REG.CMDQ_PROD) },
      ]);
    } finally {
      rec.restore();
    }
    const f = await hostFault(vm, IOVA);
    expect(f.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    // NH_ASID, NSNH_ALL and CFGI_CD of the NIC (it has a vDEVICE) are forwarded as the guest wrote
    // them; CFGI_STE is not (it re-installs the STE), nor are commands of a SID the host does not back
    const rec2 = recordForwarding();
    try {
      const fwd = [cmdTlbi(OP.TLBI_NH_ASID, { asid: dom.asid }), cmdTlbi(OP.TLBI_NSNH_ALL), cmdCfgiCd(SID.nic0, 0)];
      await vm.drv.issue(fwd, true);
      await vm.drv.issue([cmdCfgiSte(SID.nic0), cmdCfgiCd(SID.none, 0), cmdCfgiSte(SID.none)], true);
      expect(rec2.log.filter((x) => x.what === 'inv-acked').map((x) => (x as { cmd: [bigint, bigint] }).cmd)).toEqual(fwd);
    } finally {
      rec2.restore();
    }
    // the NIC still translates after the re-install: map again and read
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    expect((await readOk(vm, 'nic0', IOVA, 32)).equals(a)).toBe(true);
  });

  it('a host stage-1 fault reaches the guest EVTQ: the host record with the guest StreamID, and the evtq interrupt', async () => {
    const vm = await boot('accel-fault');
    const dom = await readyNic(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'nic0', IOVA, 8);
    const f = await hostFault(vm, IOVA + 0x3000n);
    expect(f.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    let got: Awaited<ReturnType<SmmuDriver['drainEvents']>> = [];
    await until(async () => (got = got.concat(await vm.drv.drainEvents())).length > 0, 'the host event in the guest EVTQ', 5000);
    // the host's stage-1 walk: F_TRANSLATION, CLASS TT, RnW, InputAddr = the IOVA, SID = the guest's
    expect(got.map((e) => Buffer.from(e.raw).toString('hex'))).toEqual([Buffer.from(encodeEvent({ id: 0x10, sid: SID.nic0, rnw: true, cls: 1, inputAddr: IOVA + 0x3000n })).toString('hex')]);
    await until(() => vm.events.seen.some((e) => e.event === 'interrupt' && e.interrupt!.source === 'evtq' && e.interrupt!.msi_data === 74), 'the evtq interrupt', 5000);
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(1);
    // CD.R clear (the CD rewritten, CFGI_CD forwarded to the host): the host records nothing
    await vm.drv.writeCd(SID.nic0, 0, vm.drv.s1Cd(dom, { r: false }));
    expect((await hostFault(vm, IOVA + 0x4000n)).reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    await new Promise((r) => setTimeout(r, 200));
    expect(await vm.drv.drainEvents()).toEqual([]);
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(1);
  });

  it('the host takes the guest STE only at CFGI_STE: an abort STE written without it leaves the NIC translating, CFGI_STE + sync aborts it on the host; bypass STE = stage 2 only (IOVA = GPA)', async () => {
    const vm = await boot('accel-cfgi');
    const dom = await readyNic(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    const a = pattern(16, 21);
    await poke(vm, BUF, a);
    expect((await readOk(vm, 'nic0', IOVA, 16)).equals(a)).toBe(true);
    const hwpts = (await hostOf(vm)).hwpts;
    await vm.drv.attachSpecial(SID.nic0, 'abort', { sync: false });
    expect((await readOk(vm, 'nic0', IOVA, 16)).equals(a)).toBe(true);
    await vm.drv.issue([cmdCfgiSte(SID.nic0)], true);
    await hostFault(vm, IOVA);
    await hostFault(vm, BUF);
    await vm.drv.attachSpecial(SID.nic0, 'bypass');
    expect((await readOk(vm, 'nic0', BUF, 16)).equals(a)).toBe(true);
    // back to the stage-1 STE: a new vSTE HWPT replaced the earlier one on the host
    await vm.drv.writeSte(SID.nic0, vm.drv.cdtableSte(vm.drv.masters.get(SID.nic0)!));
    expect((await readOk(vm, 'nic0', IOVA, 16)).equals(a)).toBe(true);
    const now = (await hostOf(vm)).hwpts;
    expect(now).toHaveLength(hwpts.length);
    expect(now[0]).toBe(hwpts[0]);
  });

  it('an STE the host cannot take (Config stage 2 on the stage-1 accel unit): its CFGI_STE completes with CERROR_ILL ("Invalid STE config"), the driver skips it; the host keeps the STE it had, as QEMU', async () => {
    const vm = await boot('accel-badste');
    const dom = await readyNic(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'nic0', IOVA, 8);
    const s2like = vm.drv.s2Ste({ ...dom, stage: 2, vmid: 1, ias: 44, startLevel: 0 });
    const before = vm.drv.gerrors.length;
    await vm.drv.writeSte(SID.nic0, s2like);
    // writeSte sends CFGI_STE + sync twice: the second one (the whole STE in place) is refused
    expect(vm.drv.gerrors.slice(before).map((g) => ({ cerror: g.cerror, skipped: g.skipped }))).toEqual([{ cerror: 1, skipped: cmdCfgiSte(SID.nic0) }]);
    // smmuv3-accel leaves the device on the vSTE HWPT it had: still translating through the old stage 1
    await readOk(vm, 'nic0', IOVA, 8);
    // a good STE again: translating
    await vm.drv.writeSte(SID.nic0, vm.drv.cdtableSte(vm.drv.masters.get(SID.nic0)!));
    await readOk(vm, 'nic0', IOVA, 8);
  });

  it('GBPA applied on the host while SMMUEN = 0: ABORT blocks the NIC, bypass lets it reach guest RAM at IOVA = GPA', async () => {
    const vm = await boot('accel-gbpa');
    const data = pattern(64, 5);
    await poke(vm, BUF, data);
    expect((await readOk(vm, 'nic0', BUF, 64)).equals(data)).toBe(true);
    await vm.drv.updateGbpa(GBPA.ABORT, 0);
    await hostFault(vm, BUF);
    await vm.drv.updateGbpa(0, GBPA.ABORT);
    expect((await readOk(vm, 'nic0', BUF, 64)).equals(data)).toBe(true);
  });

  it('unplug: the NIC leaves through UnplugDevice and the host keeps nothing of it (no pins, no page table)', async () => {
    const vm = await boot('accel-unplug');
    const dom = await readyNic(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'nic0', IOVA, 8);
    await call(t.v.Vmm.UnplugDevice, { name: vm.name, device_id: 'nic0' } as never);
    const info = (await call(t.v.Vmm.GetVm, { name: vm.name })).vm!;
    expect(info.devices.map((d) => d.id)).toEqual([]);
    await hostLeftClean(t);
  });
});

describe('refusals [A.12, vmm-api Backends]', () => {
  it('SMMUv3 without accel: assigning the NIC is refused with QEMU’s reason (no caching mode on Arm)', async () => {
    const { fds } = await create('accel-refuse', [nic('VFIO_BACKEND_AUTO')], {});
    const e = await call(t.v.Vmm.StartVm, { name: 'accel-refuse', passed_fds: fds }).then(
      () => undefined,
      (x: grpc.ServiceError) => x,
    );
    expect(e, 'StartVm succeeded').toBeDefined();
    expect(e!.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(errorInfo(e)?.reason).toBe('VIOMMU_HOST_INCOMPATIBLE');
    expect(e!.message).toContain('requires iommu MAP notifier which is not currently supported');
  });

  it('host arm-smmuv3-s2 (stage 2 only, no vIOMMU): an accel VM cannot take the NIC, the reason says the host cannot nest', async () => {
    const s2 = await startTestTwin('arm-smmuv3-s2');
    const o2 = await Orchestrator.create(s2);
    try {
      const { fds } = await create('accel-s2', [nic()], { accel: true }, s2, o2);
      const e = await call(s2.v.Vmm.StartVm, { name: 'accel-s2', passed_fds: fds }).then(
        () => undefined,
        (x: grpc.ServiceError) => x,
      );
      expect(e, 'StartVm succeeded').toBeDefined();
      expect(errorInfo(e)?.reason).toBe('VIOMMU_HOST_INCOMPATIBLE');
      expect(e!.message).toMatch(/cannot nest/);
      await call(s2.v.Vmm.DeleteVm, { name: 'accel-s2' }).catch(() => undefined);
    } finally {
      await o2.sys.exit();
      await s2.close();
    }
  });
});
