/**
 * The vmm's intel-iommu driven as a Linux guest drives it (libs/guest/vtd-driver.ts): registers
 * over Guest.MmioRead/MmioWrite, root/context/page tables and the invalidation queue in guest RAM.
 * host-iommu (intel-vtd profile) and vmm in-process over real gRPC.
 *
 * Every expected value comes from shared/reference/nesting-and-vtd.md §B (QEMU's
 * intel-iommu and the VT-d bit layouts), cited per check as [B.n], and from vmm-api.md
 * ("Guest programming of intel-iommu and SMMUv3", "Backends of assigned devices").
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import { DESC, DMAR_BASE, FSTS, GCMD, GRAN, QI_DONE, QI_IN_USE, QiError, REG, VtdDriver, type VtdDomain } from '#libs/guest/vtd-driver.js';
import { errorInfo, expectStatus, pullStream } from './harness.js';
import { guestOps, hostLeftClean, type Orchestrator, pattern, type TestTwin, useTwinHooks } from './vmm-harness.js';

let t: TestTwin;
let orch: Orchestrator;
const live = new Set<string>();

useTwinHooks({
  live,
  use: (tw, o) => ([t, orch] = [tw, o]),
  afterCleanup: hostLeftClean,
});

// ------------------------------------------------------------------ constants

const MiB = 1n << 20n;
const RAM = 64n * MiB;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
/** the driver's page-table pool and the data buffers, inside the 64 MiB of RAM (q35: GPA 0..) */
const POOL = { start: 16n * MiB, end: 32n * MiB };
const BUF = 40n * MiB;
const FAULT_MSI = { addr: 0xfee00000n, data: 0x41 };
const FECTL_IM_BIT = 0x80000000; // [B.1] FECTL/IECTL IM 31, IP 30
const FECTL_IP_BIT = 0x40000000;

// SIDs: bus << 8 | devfn, devfn = dev << 3 | fn
const SID = { nic0: 0x18, blk0: 0x20, net0: 0x28 } as const;

// [B.2] CAP bits QEMU always sets (vtd_cap_init): FRO 0x22 (33:24), NFR 0, ND 6, MAMV 18, PSI,
// SSLPS 2M+1G, ESRTPS; MGAW = aw-1 (21:16); SAGAW bit 9 (39) and bit 10 (48, only if aw ≥ 48);
// DRAIN_READ 55 + DRAIN_WRITE 54 with dma-drain (default on); CM bit 7 with caching-mode.
function expectedCap(aw: 39 | 48, cm: boolean, drain: boolean): bigint {
  let c = 6n | (0x22n << 24n) | (18n << 48n) | (1n << 39n) | (3n << 34n) | (1n << 63n);
  c |= BigInt(aw - 1) << 16n;
  c |= 1n << 9n;
  if (aw >= 48) c |= 1n << 10n;
  if (drain) c |= (1n << 55n) | (1n << 54n);
  if (cm) c |= 1n << 7n;
  return c;
}
// [B.2] ECAP: QI (1), IRO 0xf (17:8), PT (6, `pt` default on); intremap off → no IR/EIM; no DT,
// no SC; scalable mode adds SMTS 43 + SRS 31 + SSTS 46.
function expectedEcap(scalable = false): bigint {
  let e = (1n << 1n) | (0xfn << 8n) | (1n << 6n);
  if (scalable) e |= (1n << 43n) | (1n << 31n) | (1n << 46n);
  return e;
}

// ------------------------------------------------------------------ VM helpers

type Dev = Record<string, unknown> & { id: string };
const blk0: Dev = { id: 'blk0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } };
const net0: Dev = { id: 'net0', guest_bdf: '0000:00:05.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } };
const nic0: Dev = { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } };

interface IntelOpts { aw_bits?: number; caching_mode?: boolean; scalable_mode?: boolean; flts?: boolean; pasid_bits?: number; dma_drain?: boolean; snoop_control?: boolean }

function spec(name: string, devices: Dev[], intel: IntelOpts, withIommufd = devices.some((d) => d.vfio)) {
  return {
    name,
    memory_bytes: String(RAM),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 48, caching_mode: true, ...intel } },
    iommufd_objects: withIommufd ? [{ id: 'iommufd0' }] : [],
    devices,
  };
}

interface Vm {
  name: string;
  pid: number;
  info: VmInfo__Output;
  ramVa: bigint;
  drv: VtdDriver;
  events: ReturnType<typeof pullStream<EventsResponse__Output>>;
}

async function boot(name: string, devices: Dev[], intel: IntelOpts = {}, withIommufd = devices.some((d) => d.vfio)): Promise<Vm> {
  const c = await call(t.v.Vmm.CreateVm, { spec: spec(name, devices, intel, withIommufd) as never });
  live.add(name);
  const pid = c.vm!.host_pid;
  const fds: Record<string, number> = {};
  if (withIommufd) {
    fds.iommufd0 = await orch.pass('/dev/iommu', pid);
    for (const d of devices) if (d.vfio) fds[d.id] = await orch.pass('/dev/vfio/devices/vfio0', pid);
  }
  const info = (await call(t.v.Vmm.StartVm, { name, passed_fds: fds })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  // virtio drivers accept ACCESS_PLATFORM (else FEATURES_OK is refused)
  for (const d of devices) {
    if (d.virtio) expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: d.id, driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
  }
  const drv = new VtdDriver(t.v.Guest, { vm: name, pool: POOL, faultMsi: FAULT_MSI });
  const events = pullStream<EventsResponse__Output>(t.v.Guest.Events({ vm: name, after_sequence: '0' }));
  return { name, pid, info, ramVa: BigInt(info.ram_va), drv, events };
}

const { dmaRead, dmaWrite, readOk, poke, peek } = guestOps(() => t);
const interrupts = (vm: Vm) => vm.events.seen.filter((e) => e.event === 'interrupt').map((e) => ({ source: e.interrupt!.source, addr: BigInt(e.interrupt!.msi_addr), data: e.interrupt!.msi_data }));
async function waitInterrupts(vm: Vm, n: number): Promise<Array<{ source: string; addr: bigint; data: number }>> {
  const deadline = Date.now() + 5_000;
  while (interrupts(vm).length < n) {
    if (Date.now() > deadline) throw new Error(`only ${interrupts(vm).length} of ${n} interrupts`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return interrupts(vm);
}
/** Gives an interrupt that should not come the time to arrive (the stream is pushed live). */
async function settleEvents(_vm: Vm): Promise<void> {
  await new Promise((r) => setTimeout(r, 150));
}

/** The FRCD qwords (0x220 lo, 0x228 hi) [B.1]. */
async function frcd(d: VtdDriver): Promise<{ lo: bigint; hi: bigint }> {
  return { lo: await d.readq(0x220), hi: await d.readq(0x228) };
}
/** [B.6] hi = SID[15:0] | PP[31] | FR[39:32] | PV[55:40] | T[62] (reads) | F[63] */
function frcdHi(sid: number, reason: number, read: boolean, f = true): bigint {
  return BigInt(sid) | (BigInt(reason) << 32n) | (read ? 1n << 62n : 0n) | (f ? 1n << 63n : 0n);
}

async function hostAreas(vm: Vm, id: string): Promise<Array<[bigint, bigint, bigint]>> {
  const info = (await call(t.v.Vmm.GetVm, { name: vm.name })).vm!;
  const h = info.devices.find((d) => d.id === id)!.host!;
  const r = await call(t.host.platform.Platform.Inspect, { iommufd_object: { pid: vm.pid, fd: h.iommufd, id: h.ioas_ids[0]! } });
  return r.areas.map((a) => [BigInt(a.iova), BigInt(a.last), BigInt(a.user_va)] as [bigint, bigint, bigint]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

// ==================================================================== registers

describe('registers as QEMU gives them [B.1, B.2]', () => {
  it('VER, CAP, ECAP, reset values; GSTS after QIE, SRTP and TE as the Linux bring-up issues them', async () => {
    const vm = await boot('vtd-regs', [blk0], { aw_bits: 48, caching_mode: true });
    expect(vm.info.viommu_mmio).toEqual({ base: String(DMAR_BASE), size: String(0x1000n) });
    const d = vm.drv;
    const p = await d.probe();
    expect(p.ver).toBe(0x10n); // [B.1] VER reset 0x10 (hard-wired, B.11)
    expect(p.cap.toString(16)).toBe(expectedCap(48, true, true).toString(16));
    expect(p.ecap.toString(16)).toBe(expectedEcap().toString(16));
    expect(p.gsts).toBe(0);
    // [B.1] reset values
    expect(await d.readl(REG.FECTL)).toBe(0x80000000);
    expect(await d.readl(REG.IECTL)).toBe(0x80000000);
    for (const [off, size] of [[REG.FSTS, 4], [REG.RTADDR, 8], [REG.IQH, 8], [REG.IQT, 8], [REG.IQA, 8], [REG.ICS, 4], [REG.PMEN, 4], [0x220, 8], [0x228, 8]] as const) {
      expect(await d.read(off, size), `reg 0x${off.toString(16)}`).toBe(0n);
    }

    await d.init({ enableTranslation: false });
    // [B.1] QIE on → GSTS.QIES; SRTP → GSTS.RTPS (sticky); GCMD reads 0 (write-only)
    const gstsReads = d.trace.filter((a) => a.op === 'r' && a.off === REG.GSTS).map((a) => Number(a.value));
    expect(gstsReads).toContain(GCMD.QIE);
    expect(await d.readl(REG.GSTS)).toBe((GCMD.QIE | GCMD.SRTP) >>> 0);
    expect(await d.readl(REG.GCMD)).toBe(0);
    // [B.1] IQA reads the latched queue address | QS/DW; RTADDR as written (under the HAW)
    expect(await d.readq(REG.IQA)).toBe(d.queueGpa);
    expect(await d.readq(REG.RTADDR)).toBe(d.rootGpa);
    // FEDATA 0xffff, FEADDR 0xfffffffc, FEUADDR read-only 0, FECTL IM cleared by the driver
    expect(await d.readl(REG.FEDATA)).toBe(FAULT_MSI.data);
    expect(await d.readl(REG.FEADDR)).toBe(Number(FAULT_MSI.addr));
    expect(await d.readl(REG.FECTL)).toBe(0);
    await d.enableTranslation();
    expect(await d.readl(REG.GSTS)).toBe((GCMD.TE | GCMD.SRTP | GCMD.QIE) >>> 0);
    // the Linux sequence issued no invalidation: CAP.ESRTPS skips the post-SRTP flushes [B.2]
    expect(await d.readq(REG.IQT)).toBe(0n);
    expect(await d.readq(REG.IQH)).toBe(0n);
    // write masks [B.1]: FEDATA keeps 16 bits, FEADDR drops bits 1:0, VER/CAP are read-only
    await d.writel(REG.FEDATA, 0x12345678);
    expect(await d.readl(REG.FEDATA)).toBe(0x5678);
    await d.writel(REG.FEADDR, 0xfee01003);
    expect(await d.readl(REG.FEADDR)).toBe(0xfee01000);
    await d.writeq(REG.CAP, 0n);
    expect(await d.readq(REG.CAP)).toBe(p.cap);
    // TE off → GSTS.TES clears, RTPS and QIES stay
    await d.disableTranslation();
    expect(await d.readl(REG.GSTS)).toBe((GCMD.SRTP | GCMD.QIE) >>> 0);
  });

  it('aw_bits 39, no caching mode, dma_drain off: MGAW 38, SAGAW 3-level only, no CM, no DRD/DWD [B.2]', async () => {
    const vm = await boot('vtd-regs39', [blk0], { aw_bits: 39, caching_mode: false, dma_drain: false });
    const p = await vm.drv.probe();
    expect(p.cap.toString(16)).toBe(expectedCap(39, false, false).toString(16));
    expect(p.ecap.toString(16)).toBe(expectedEcap().toString(16));
    expect(vm.drv.agaw).toBe(1); // 3-level tables
  });

  it('Guest.MmioRead/MmioWrite: size 2 → INVALID_ARGUMENT BAD_MMIO_SIZE; outside the block → NO_MMIO_REGION', async () => {
    const vm = await boot('vtd-mmio', [blk0]);
    await expectStatus(call(t.v.Guest.MmioRead, { vm: vm.name, addr: String(DMAR_BASE), size: 2 }), grpc.status.INVALID_ARGUMENT, 'BAD_MMIO_SIZE');
    await expectStatus(call(t.v.Guest.MmioRead, { vm: vm.name, addr: String(DMAR_BASE - 8n), size: 8 }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
    await expectStatus(call(t.v.Guest.MmioWrite, { vm: vm.name, addr: String(DMAR_BASE + 0x1000n), size: 4, value: '0' }), grpc.status.INVALID_ARGUMENT, 'NO_MMIO_REGION');
  });
});

// ==================================================================== virtio-blk DMA

async function ready(vm: Vm): Promise<VtdDomain> {
  await vm.drv.init();
  const dom = await vm.drv.allocDomain();
  await vm.drv.attach(dom, SID.blk0);
  return dom;
}

describe('virtio-blk with ACCESS_PLATFORM through the guest tables [B.3, B.5]', () => {
  it('map + PSI: DMA reads and writes guest RAM both ways, across a page boundary; read-only mapping refuses writes', async () => {
    const vm = await boot('vtd-blk', [blk0]);
    const d = vm.drv;
    const dom = await ready(vm);
    const IOVA = 0x7f0000000n; // 4-level walk: above 2^32
    await d.map(dom, IOVA, BUF, 4n * 0x1000n);
    const src = pattern(3 * 4096, 7);
    await poke(vm.name, BUF, src);
    // device reads what the CPU wrote, page by page and straddling pages
    expect((await readOk(vm.name, 'blk0', IOVA, 3 * 4096)).equals(src)).toBe(true);
    expect((await readOk(vm.name, 'blk0', IOVA + 0xff0n, 0x20)).equals(src.subarray(0xff0, 0x1010))).toBe(true);
    // device writes land in guest RAM at the translated GPA
    const w = pattern(0x1800, 9);
    const wr = await dmaWrite(vm.name, 'blk0', IOVA + 0x2800n, w);
    expect(wr.result).toBe('written');
    expect((await peek(vm.name, BUF + 0x2800n, w.length)).equals(w)).toBe(true);
    // nothing was written at the IOVA taken as a GPA (it is above RAM anyway) nor before the buffer
    expect((await peek(vm.name, BUF + 0x2000n, 0x800)).equals(src.subarray(0x2000, 0x2800))).toBe(true);

    // a read-only mapping [B.5: missing W → WRITE 0x5]
    const RO = 0x100000n;
    await d.map(dom, RO, BUF + 0x10000n, 0x1000n, { read: true });
    await poke(vm.name, BUF + 0x10000n, Buffer.from('read only'));
    // first access a write: the walk finds W clear → WRITE (0x5) recorded
    const f = await dmaWrite(vm.name, 'blk0', RO, Buffer.from('xx'));
    expect(f.result).toBe('vtd_fault');
    expect(f.vtd_fault).toMatchObject({ reason: 0x5, sid: SID.blk0, address: String(RO), write: true, recordable: true });
    expect((await peek(vm.name, BUF + 0x10000n, 9)).toString()).toBe('read only');
    const { records } = await d.dmarFault();
    expect(records.map((r) => [r.reason, r.sid, r.type, r.addr])).toEqual([[0x5, SID.blk0, 0, RO]]);
    // a read caches the entry with its access rights (R only); a write through that cached
    // entry must not reach guest RAM either (QEMU returns the cached perm and the memory core
    // refuses the access)
    expect((await readOk(vm.name, 'blk0', RO, 9)).toString()).toBe('read only');
    const f2 = await dmaWrite(vm.name, 'blk0', RO, Buffer.from('xx'));
    expect(f2.result).not.toBe('written');
    expect((await peek(vm.name, BUF + 0x10000n, 9)).toString()).toBe('read only');
    await d.dmarFault();
  });

  it('DMA after unmap + PSI faults: READ 0x6 / WRITE 0x5 in the one FRCD, FSTS.PPF with FRI 0, the fault event on Guest.Events; dmar_fault clears them [B.5, B.6]', async () => {
    const vm = await boot('vtd-unmap', [blk0]);
    const d = vm.drv;
    const dom = await ready(vm);
    const IOVA = 0x40000000n;
    await d.map(dom, IOVA, BUF, 0x2000n);
    await poke(vm.name, BUF, Buffer.from('before unmap'));
    expect((await readOk(vm.name, 'blk0', IOVA, 12)).toString()).toBe('before unmap');
    const fl = await d.unmap(dom, IOVA, 0x2000n);
    expect(fl).toEqual({ addr: IOVA, am: 1, gran: GRAN.PAGE }); // 2 pages, aligned → AM 1
    expect(interrupts(vm)).toEqual([]);

    const r = await dmaRead(vm.name, 'blk0', IOVA + 0x1234n, 16);
    expect(r.result).toBe('vtd_fault');
    // the DMA's fault reply names the faulting IOVA itself (guest.proto VtdFault.address); FRCD keeps its page
    expect(r.vtd_fault).toEqual({ reason: 0x6, sid: SID.blk0, address: String(IOVA + 0x1234n), write: false, recordable: true });
    // [B.6] FSTS: PPF (bit 1), FRI 0 (one FRCD); FRCD lo = page address, hi = SID | FR | T(read) | F
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect(await frcd(d)).toEqual({ lo: IOVA + 0x1000n, hi: frcdHi(SID.blk0, 0x6, true) });
    // [B.6] FECTL.IM = 0 → MSI(FEADDR, FEDATA), IP back to 0
    expect(await waitInterrupts(vm, 1)).toEqual([{ source: 'dmar-fault', addr: FAULT_MSI.addr, data: FAULT_MSI.data }]);
    expect(await d.readl(REG.FECTL)).toBe(0);

    // the guest's handler: Linux dmar_fault()
    const h = await d.dmarFault();
    expect(h.fsts).toBe(FSTS.PPF);
    expect(h.records).toEqual([{ index: 0, reason: 0x6, type: 1, sid: SID.blk0, pasidPresent: false, pasid: 0, addr: IOVA + 0x1000n, lo: IOVA + 0x1000n, hi: frcdHi(SID.blk0, 0x6, true) }]);
    expect(await d.readl(REG.FSTS)).toBe(0);
    expect((await frcd(d)).hi >> 63n).toBe(0n);

    // a write after unmap: WRITE 0x5, T = 0, a second fault event
    const w = await dmaWrite(vm.name, 'blk0', IOVA, Buffer.from('nope'));
    expect(w.result).toBe('vtd_fault');
    expect(w.vtd_fault).toEqual({ reason: 0x5, sid: SID.blk0, address: String(IOVA), write: true, recordable: true });
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect(await frcd(d)).toEqual({ lo: IOVA, hi: frcdHi(SID.blk0, 0x5, false) });
    expect(await waitInterrupts(vm, 2)).toHaveLength(2);
    expect((await peek(vm.name, BUF, 12)).toString()).toBe('before unmap');
    await d.dmarFault();
  });

  it('a skipped PSI leaves the stale translation usable until the invalidation [B.5 IOTLB, vmm-api "Caches are real"]', async () => {
    const vm = await boot('vtd-stale', [blk0]);
    const d = vm.drv;
    const dom = await ready(vm);
    const IOVA = 0x200000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('old page'));
    await poke(vm.name, BUF + 0x1000n, Buffer.from('new page'));
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('old page'); // cached now

    // retarget the PTE without invalidating: the IOTLB still says BUF
    await d.setLeaf(dom, IOVA, (BUF + 0x1000n) | 3n);
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('old page');
    await d.flushRange(dom, IOVA, IOVA + 0xfffn);
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('new page');

    // unmap without the PSI: still usable (reads and writes), no fault
    await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true });
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('new page');
    expect((await dmaWrite(vm.name, 'blk0', IOVA, Buffer.from('NEW'))).result).toBe('written');
    expect((await peek(vm.name, BUF + 0x1000n, 8)).toString()).toBe('NEW page');
    expect(await d.readl(REG.FSTS)).toBe(0);
    // a PSI for another page of the domain does not drop it
    await d.flushIotlb(dom.did, IOVA + 0x10000n, 0, GRAN.PAGE);
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('NEW page');
    // nor a PSI of the right page in another domain
    await d.flushIotlb(dom.did + 1, IOVA, 0, GRAN.PAGE);
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('NEW page');
    // the PSI: now it faults
    await d.flushIotlb(dom.did, IOVA, 0, GRAN.PAGE, true);
    const r = await dmaRead(vm.name, 'blk0', IOVA, 8);
    expect(r.result).toBe('vtd_fault');
    expect(r.vtd_fault!.reason).toBe(0x6);
    await d.dmarFault();
  });

  it('more fault reasons with their FRCD: context not present 0x2, beyond MGAW 0x4, reserved PTE bit 0xC; FPD suppresses recording [B.3, B.5, B.6]', async () => {
    const vm = await boot('vtd-reasons', [blk0, net0]);
    const d = vm.drv;
    const dom = await ready(vm); // blk0 attached; net0's context entry is not present
    // context entry P = 0 → CONTEXT_ENTRY_P (2), qualified, PP 0
    const r1 = await dmaRead(vm.name, 'net0', 0x5000n, 4);
    expect(r1.vtd_fault).toEqual({ reason: 0x2, sid: SID.net0, address: '20480', write: false, recordable: true });
    expect(await frcd(d)).toEqual({ lo: 0x5000n, hi: frcdHi(SID.net0, 0x2, true) });
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    await d.dmarFault();

    // IOVA at 2^48 with a 4-level table (aw 48) → ADDR_BEYOND_MGAW (4)
    const far = 1n << 48n;
    const r2 = await dmaWrite(vm.name, 'blk0', far, Buffer.from('x'));
    expect(r2.vtd_fault).toEqual({ reason: 0x4, sid: SID.blk0, address: String(far), write: true, recordable: true });
    expect(await frcd(d)).toEqual({ lo: far, hi: frcdHi(SID.blk0, 0x4, false) });
    await d.dmarFault();

    // SNP (bit 11) in a leaf is reserved without scalable mode / snoop-control → PAGING_ENTRY_RSVD (0xC)
    const IOVA = 0x300000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    await d.setLeaf(dom, IOVA, BUF | 3n | (1n << 11n));
    await d.flushRange(dom, IOVA, IOVA + 0xfffn);
    const r3 = await dmaRead(vm.name, 'blk0', IOVA, 4);
    expect(r3.vtd_fault).toEqual({ reason: 0xc, sid: SID.blk0, address: String(IOVA), write: false, recordable: true });
    expect(await frcd(d)).toEqual({ lo: IOVA, hi: frcdHi(SID.blk0, 0xc, true) });
    const before = interrupts(vm).length;
    await d.dmarFault();

    // FPD in net0's context entry: the fault is not recorded, no event
    const dom2 = await d.allocDomain();
    await d.attach(dom2, SID.net0, { fpd: true });
    const r4 = await dmaRead(vm.name, 'net0', 0x5000n, 4);
    expect(r4.vtd_fault).toEqual({ reason: 0x6, sid: SID.net0, address: '20480', write: false, recordable: false });
    expect(await d.readl(REG.FSTS)).toBe(0);
    expect((await frcd(d)).hi >> 63n).toBe(0n);
    await settleEvents(vm);
    expect(interrupts(vm)).toHaveLength(before);
  });

  it('one FRCD: a second fault of the same SID collapses, another SID sets PFO, neither raises an event [B.6]', async () => {
    const vm = await boot('vtd-pfo', [blk0, net0]);
    const d = vm.drv;
    await ready(vm);
    const r1 = await dmaRead(vm.name, 'blk0', 0x1000n, 4); // unmapped → READ 0x6
    expect(r1.vtd_fault!.reason).toBe(0x6);
    await waitInterrupts(vm, 1);
    const rec = await frcd(d);
    // same SID while F is set → dropped
    expect((await dmaWrite(vm.name, 'blk0', 0x9000n, Buffer.from('x'))).vtd_fault!.reason).toBe(0x5);
    expect(await frcd(d)).toEqual(rec);
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    // another SID: the next (only) slot is busy → PFO, dropped
    expect((await dmaRead(vm.name, 'net0', 0x2000n, 4)).vtd_fault!.reason).toBe(0x2);
    expect(await frcd(d)).toEqual(rec);
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF | FSTS.PFO);
    await settleEvents(vm);
    expect(interrupts(vm)).toHaveLength(1);
    // dmar_fault clears F and PFO/PPF; then PFO no longer drops
    const h = await d.dmarFault();
    expect(h.fsts).toBe(FSTS.PPF | FSTS.PFO);
    expect(h.records.map((r) => [r.sid, r.reason])).toEqual([[SID.blk0, 0x6]]);
    expect(await d.readl(REG.FSTS)).toBe(0);
    expect((await dmaRead(vm.name, 'net0', 0x2000n, 4)).vtd_fault!.reason).toBe(0x2);
    expect((await frcd(d)).hi).toBe(frcdHi(SID.net0, 0x2, true));
    await waitInterrupts(vm, 2);
    await d.dmarFault();
  });
});

// ==================================================================== invalidation queue

describe('invalidation queue [B.7]', () => {
  it('inv_wait writes the status word; IF raises the completion event from IEADDR/IEDATA and sets ICS.IWC', async () => {
    const vm = await boot('vtd-wait', [blk0]);
    const d = vm.drv;
    await d.init();
    // processing is synchronous on the IQT write: QI_DONE is in the status word when it returns
    const idx = await d.qiSubmit([d.iotlbDesc(2, 0n, 0, GRAN.GLOBAL)], { wait: false });
    expect(await d.status(idx + 1)).toBe(QI_DONE);
    // IQH follows IQT: 2 descriptors of 16 bytes
    expect(await d.readq(REG.IQH)).toBe(BigInt((idx + 2) << 4));
    expect(await d.readq(REG.IQT)).toBe(BigInt((idx + 2) << 4));
    // invalidation completion: program IE*, unmask, submit a wait with IF|SW
    await d.writel(REG.IEDATA, 0x52);
    await d.writel(REG.IEADDR, 0xfee02000);
    await d.writel(REG.IECTL, 0);
    const statusGpa = d.statusGpa(200);
    await poke(vm.name, statusGpa, Buffer.from([QI_IN_USE, 0, 0, 0]));
    await d.qiSubmit([[(0x1234n << 32n) | (1n << 5n) | (1n << 4n) | DESC.IWD, statusGpa]]);
    expect((await peek(vm.name, statusGpa, 4)).readUInt32LE(0)).toBe(0x1234);
    expect(await d.readl(REG.ICS)).toBe(1);
    expect(await waitInterrupts(vm, 1)).toEqual([{ source: 'dmar-inv', addr: 0xfee02000n, data: 0x52 }]);
    // ICS.IWC already set → no second event; W1C clears it
    await d.qiSubmit([[(1n << 5n) | (1n << 4n) | DESC.IWD, statusGpa]]);
    await settleEvents(vm);
    expect(interrupts(vm)).toHaveLength(1);
    await d.writel(REG.ICS, 1);
    expect(await d.readl(REG.ICS)).toBe(0);
  });

  const bad: Array<{ what: string; desc: bigint[] }> = [
    { what: 'IOTLB descriptor with a reserved bit (lo bit 8)', desc: [(1n << 8n) | (2n << 16n) | (1n << 4n) | DESC.IOTLB, 0n] },
    { what: 'inv_wait with SW = IF = FN = 0', desc: [DESC.IWD, 0n] },
    { what: 'PASID-IOTLB (256-bit only) in a 128-bit queue', desc: [(2n << 4n) | (2n << 16n) | DESC.PIOTLB, 0n] },
    { what: 'IOTLB PSI with AM 19 (> 18)', desc: [(2n << 16n) | (3n << 4n) | DESC.IOTLB, 19n] },
  ];
  for (const c of bad) {
    it(`a malformed descriptor (${c.what}) sets FSTS.IQE and nothing else moves; Linux's recovery resumes the queue`, async () => {
      const vm = await boot('vtd-iqe', [blk0]);
      const d = vm.drv;
      const dom = await ready(vm);
      const IOVA = 0x600000n;
      await d.map(dom, IOVA, BUF, 0x1000n);
      await poke(vm.name, BUF, Buffer.from('cached'));
      expect((await readOk(vm.name, 'blk0', IOVA, 6)).toString()).toBe('cached');
      await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true }); // stale until a PSI
      const before = {
        gsts: await d.readl(REG.GSTS),
        iqh: await d.readq(REG.IQH),
        fstsx: await d.readl(REG.FSTS),
        frcd: await frcd(d),
        ics: await d.readl(REG.ICS),
        iqa: await d.readq(REG.IQA),
      };
      const head = d.head;
      expect(before.iqh).toBe(BigInt(head << 4));
      // the bad descriptor, then a PSI that would drop the stale entry, then the wait
      const err = await d.qiSubmit([c.desc, d.iotlbDesc(dom.did, IOVA, 0, GRAN.PAGE)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QiError);
      const qe = err as QiError;
      expect(qe.rc).toBe('EINVAL');
      // what qi_check_fault saw: IQE only, IQH at the bad descriptor (not advanced)
      expect(qe.fsts).toBe(FSTS.IQE);
      expect(qe.iqh).toBe(BigInt(head << 4));
      // the fault event for IQE [B.6 vtd_generate_fault_event, B.7]
      expect(await waitInterrupts(vm, 1)).toEqual([{ source: 'dmar-fault', addr: FAULT_MSI.addr, data: FAULT_MSI.data }]);
      // nothing else moved: IQH still at the bad descriptor, GSTS/FRCD/ICS/IQA unchanged, the
      // status word not written, the PSI behind it not executed (stale entry still usable)
      expect(await d.readq(REG.IQH)).toBe(before.iqh);
      expect(await d.readl(REG.GSTS)).toBe(before.gsts);
      expect(await frcd(d)).toEqual(before.frcd);
      expect(await d.readl(REG.ICS)).toBe(before.ics);
      expect(await d.readq(REG.IQA)).toBe(before.iqa);
      expect(await d.readl(REG.FSTS)).toBe(0); // the driver cleared IQE (W1C)
      expect((await readOk(vm.name, 'blk0', IOVA, 6)).toString()).toBe('cached');
      // Linux overwrote the bad slot with the wait; the next submission (IQT write) resumes
      // from IQH: the copied wait, the PSI, the old wait, then the new descriptors
      await d.qiSubmit([d.iotlbDesc(dom.did, 0n, 0, GRAN.GLOBAL)]);
      expect(await d.readq(REG.IQH)).toBe(await d.readq(REG.IQT));
      expect((await dmaRead(vm.name, 'blk0', IOVA, 6)).result).toBe('vtd_fault');
      await d.dmarFault();
    });
  }

  it('IQT beyond the queue size → IQE, IQH unchanged [B.7]', async () => {
    const vm = await boot('vtd-iqt', [blk0]);
    const d = vm.drv;
    await d.init();
    const iqh = await d.readq(REG.IQH);
    // QS 0: 256 entries of 16 B → IQT.QT must be < 256 (offset < 0x1000)
    await d.writel(REG.IQT, 0x1000 >> 0);
    expect((await d.readl(REG.FSTS)) & FSTS.IQE).toBe(FSTS.IQE);
    expect(await d.readq(REG.IQH)).toBe(iqh);
  });
});

// ==================================================================== assigned NIC, EMULATED

describe('assigned NIC behind intel-iommu, EMULATED (caching mode) [B.8, vmm-api Backends]', () => {
  it('map + PSI → the host sees the mapping and the NIC DMAs guest RAM both ways; unmap + PSI → host fault; no PSI → no host change', async () => {
    const vm = await boot('vtd-nic', [nic0, blk0]);
    expect(vm.info.devices.find((x) => x.id === 'nic0')!.backend).toBe('EMULATED');
    const d = vm.drv;
    await d.init();
    const dom = await d.allocDomain();
    await d.attach(dom, SID.nic0); // CC device + DSI: the replay maps nothing (empty tables)
    expect(await hostAreas(vm, 'nic0')).toEqual([]);

    const IOVA = 0x80000000n;
    // map without the PSI (a guest that does not follow caching mode): the host knows nothing
    await d.map(dom, IOVA, BUF, 0x2000n, { read: true, write: true }, { skipFlush: true });
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    expect((await dmaRead(vm.name, 'nic0', IOVA, 4)).result).toBe('host_fault');
    // the PSI the driver owes under CM: replayed into the host IOAS (guest RAM VA = ram_va + GPA)
    await d.flushRange(dom, IOVA, IOVA + 0x1fffn);
    const areas = await hostAreas(vm, 'nic0');
    // [B.8] the walk emits one MAP per 4K leaf
    expect(areas).toEqual([
      [IOVA, IOVA + 0xfffn, vm.ramVa + BUF],
      [IOVA + 0x1000n, IOVA + 0x1fffn, vm.ramVa + BUF + 0x1000n],
    ]);
    const src = pattern(0x1800, 3);
    await poke(vm.name, BUF, src);
    expect((await readOk(vm.name, 'nic0', IOVA + 0x400n, 0x1000)).equals(src.subarray(0x400, 0x1400))).toBe(true);
    const w = pattern(0x200, 5);
    expect((await dmaWrite(vm.name, 'nic0', IOVA + 0xf00n, w)).result).toBe('written'); // across the two pages
    expect((await peek(vm.name, BUF + 0xf00n, 0x200)).equals(w)).toBe(true);
    // one byte past the mapping: the host IOMMU faults
    expect((await dmaRead(vm.name, 'nic0', IOVA + 0x2000n, 1)).result).toBe('host_fault');
  });

  it('unmap: stale on the host until the PSI, then the NIC faults; the guest sees no VT-d fault [B.8]', async () => {
    const vm = await boot('vtd-nic-unmap', [nic0]);
    const d = vm.drv;
    await d.init();
    const dom = await d.allocDomain();
    await d.attach(dom, SID.nic0);
    const IOVA = 0x10000000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('nic data'));
    expect((await readOk(vm.name, 'nic0', IOVA, 8)).toString()).toBe('nic data');
    expect((await dmaWrite(vm.name, 'nic0', IOVA + 4n, Buffer.from('DATA'))).result).toBe('written');
    expect((await peek(vm.name, BUF, 8)).toString()).toBe('nic DATA');

    await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true });
    expect((await hostAreas(vm, 'nic0')).length).toBe(1);
    expect((await readOk(vm.name, 'nic0', IOVA, 8)).toString()).toBe('nic DATA');
    await d.flushRange(dom, IOVA, IOVA + 0xfffn, true);
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    const r = await dmaRead(vm.name, 'nic0', IOVA, 8);
    expect(r.result).toBe('host_fault');
    // EMULATED: the host fault is not guest-visible
    expect(await d.readl(REG.FSTS)).toBe(0);
  });

  it('without caching_mode the VM is refused VIOMMU_HOST_INCOMPATIBLE naming nic0, and nothing is left on the host [B.8, vmm-api Backends]', async () => {
    const name = 'vtd-nocm';
    const c = await call(t.v.Vmm.CreateVm, { spec: spec(name, [nic0, blk0], { caching_mode: false }) as never });
    live.add(name);
    const pid = c.vm!.host_pid;
    const fds = { iommufd0: await orch.pass('/dev/iommu', pid), nic0: await orch.pass('/dev/vfio/devices/vfio0', pid) };
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: fds }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const info = errorInfo(e)!;
    const v = JSON.parse(info.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(v).toHaveLength(1);
    expect(v[0]!.device).toBe('nic0');
    expect(`${v[0]!.rule} ${v[0]!.detail}`).toMatch(/caching/i);
    expect((await call(t.v.Vmm.GetVm, { name })).vm!.state).toBe('VM_STATE_DEFINED');
    const h = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(h.pinned!.pages).toBe('0');
    expect(h.page_tables).toEqual([]);
  });
});

// ==================================================================== scalable mode

interface SmOpts { flts?: boolean; pasid_bits?: number }
function bootSm(name: string, devices: Dev[], o: SmOpts = {}): Promise<Vm> {
  return boot(name, devices, { scalable_mode: true, ...o });
}

describe('scalable mode: root/context/PASID tables, second stage [B.2, B.3, B.4, B.5]', () => {
  it('CAP/ECAP with scalable_mode + pasid_bits 8: SMTS, SRS, SSTS, PASID, PSS 7; RTADDR.SMT and IQA.DW|QS read back', async () => {
    const vm = await bootSm('vtd-sm-regs', [blk0], { pasid_bits: 8 });
    const d = vm.drv;
    const p = await d.probe();
    expect(p.cap.toString(16)).toBe(expectedCap(48, true, true).toString(16));
    // [B.2] SMTS 43 + SRS 31 + SSTS 46; PASID 40 + PSS (39:35) = pasid_bits - 1 (vmm proto; QEMU 2026: 7)
    expect(p.ecap.toString(16)).toBe((expectedEcap(true) | (1n << 40n) | (7n << 35n)).toString(16));
    await d.init({ scalable: true });
    expect(await d.readq(REG.RTADDR)).toBe(d.rootGpa | (1n << 10n));
    expect(await d.readq(REG.IQA)).toBe(d.queueGpa | (1n << 11n) | 1n);
    expect(await d.readl(REG.GSTS)).toBe((GCMD.TE | GCMD.SRTP | GCMD.QIE) >>> 0);
  });

  it('PASID 0 (requests without PASID) through a second-stage PASID entry; DMA both ways; unmap + PSI faults; a skipped PSI is stale', async () => {
    const vm = await bootSm('vtd-sm-ss', [blk0], { pasid_bits: 8 });
    const d = vm.drv;
    await d.init({ scalable: true });
    const dom = await d.allocDomain();
    expect(dom.firstStage).toBe(false);
    await d.attach(dom, SID.blk0);
    const IOVA = 0x123450000n;
    await d.map(dom, IOVA, BUF, 0x2000n);
    const src = pattern(0x2000, 11);
    await poke(vm.name, BUF, src);
    expect((await readOk(vm.name, 'blk0', IOVA + 0x800n, 0x1000)).equals(src.subarray(0x800, 0x1800))).toBe(true);
    const w = pattern(0x100, 12);
    expect((await dmaWrite(vm.name, 'blk0', IOVA + 0xf80n, w)).result).toBe('written');
    expect((await peek(vm.name, BUF + 0xf80n, 0x100)).equals(w)).toBe(true);
    // stale: unmap without the PSI
    await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true });
    expect((await readOk(vm.name, 'blk0', IOVA, 4)).equals(src.subarray(0, 4))).toBe(true);
    await d.flushRange(dom, IOVA, IOVA + 0xfffn, true);
    const r = await dmaRead(vm.name, 'blk0', IOVA, 4);
    expect(r.result).toBe('vtd_fault');
    expect(r.vtd_fault).toMatchObject({ reason: 0x6, sid: SID.blk0, write: false, recordable: true });
    const h = await d.dmarFault();
    expect(h.records.map((x) => [x.reason, x.sid, x.type, x.addr])).toEqual([[0x6, SID.blk0, 1, IOVA]]);
  });
});

/** The VtdFault fields (without proto-loader's synthetic `_pasid` oneof name). */
function vf(r: { vtd_fault?: { reason: number; sid: number; address: string; write: boolean; pasid?: number; recordable: boolean } | null }) {
  const f = r.vtd_fault;
  if (!f) return f;
  return { reason: f.reason, sid: f.sid, address: f.address, write: f.write, ...(f.pasid !== undefined ? { pasid: f.pasid } : {}), recordable: f.recordable };
}

function dmaPasid(vm: string, dev: string, iova: bigint, n: number, pasid: number) {
  return call(t.v.Guest.Dma, { vm, device_id: dev, iova: String(iova), length: String(n), write: false, data: Buffer.alloc(0), pasid });
}

describe('scalable mode: requests with PASID [B.4, B.6]', () => {
  it('all-zero PASID entry 0x5b, PASID entry not present 0x59 (FRCD PP=1, PV), PASID directory entry not present 0x51; a second-stage PASID entry for PASID 5 translates on its own', async () => {
    const vm = await bootSm('vtd-sm-pasid', [blk0], { pasid_bits: 8 });
    const d = vm.drv;
    await d.init({ scalable: true });
    const dom = await d.allocDomain();
    await d.attach(dom, SID.blk0); // PASID 0 only; the PASID table page for 0..63 exists
    await d.map(dom, 0x10000n, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('pasid zero'));
    await poke(vm.name, BUF + 0x1000n, Buffer.from('pasid five'));

    // an all-zero PASID entry: QEMU's vtd_get_pe_in_pasid_leaf_table() runs the PGTT type check
    // before its caller's present check → PASID_TABLE_ENTRY_INV (0x5b), not 0x59
    const r0 = await dmaPasid(vm.name, 'blk0', 0x10000n, 10, 5);
    expect(vf(r0)).toEqual({ reason: 0x5b, sid: SID.blk0, address: String(0x10000n), write: false, pasid: 5, recordable: true });
    // the FRCD carries no PASID (PP = 0): QEMU's vtd_do_iommu_translate() reports errors of
    // vtd_ce_get_pasid_fpd() — which reads the directory and the PASID entry — with
    // vtd_report_fault(.., false, 0) (QEMU source; [B.6] names root/context/PASID-dir only).
    // Guest.Dma's VtdFault still names the request's PASID (guest.proto: "PASID of the request").
    expect(await frcd(d)).toEqual({ lo: 0x10000n, hi: frcdHi(SID.blk0, 0x5b, true) });
    await d.dmarFault();
    // a well-formed second-stage entry with P clear → PASID_ENTRY_P (0x59)
    const pe5 = (await d.pasidEntryGpa(SID.blk0, 5))!;
    await d.writeQwords(pe5, [(dom.pgd & ~0xfffn) | (2n << 6n) | (BigInt(dom.agaw) << 2n), BigInt(dom.did)]);
    await d.qiSubmit([d.pcDesc(dom.did, 5, 1n)]);
    const r1 = await dmaPasid(vm.name, 'blk0', 0x10000n, 10, 5);
    expect(vf(r1)).toEqual({ reason: 0x59, sid: SID.blk0, address: String(0x10000n), write: false, pasid: 5, recordable: true });
    // [B.6] hi = SID | PP(31) | FR | PV(55:40) | T | F
    expect(await frcd(d)).toEqual({ lo: 0x10000n, hi: frcdHi(SID.blk0, 0x59, true) | (1n << 31n) | (5n << 40n) });
    const h1 = await d.dmarFault();
    expect(h1.records.map((x) => [x.reason, x.pasidPresent, x.pasid])).toEqual([[0x59, true, 5]]);

    const r2 = await dmaPasid(vm.name, 'blk0', 0x10000n, 10, 200); // directory index 3: not present
    expect(vf(r2)).toEqual({ reason: 0x51, sid: SID.blk0, address: String(0x10000n), write: false, pasid: 200, recordable: true });
    // [B.6] faults raised while fetching the PASID directory are recorded with PP = 0
    expect(await frcd(d)).toEqual({ lo: 0x10000n, hi: frcdHi(SID.blk0, 0x51, true) });
    await d.dmarFault();

    // Linux set_dev_pasid: a PASID entry for PASID 5 with its own domain
    const dom5 = await d.allocDomain();
    await d.setPasidEntry(dom5, SID.blk0, 5);
    await d.map(dom5, 0x10000n, BUF + 0x1000n, 0x1000n);
    expect(Buffer.from((await dmaPasid(vm.name, 'blk0', 0x10000n, 10, 5)).data!).toString()).toBe('pasid five');
    expect((await readOk(vm.name, 'blk0', 0x10000n, 10)).toString()).toBe('pasid zero');
  });
});

describe('scalable mode with flts: the first stage walked by the model for a virtio device [B.2, B.5, B.7, B.9 step 8]', () => {
  it('CAP/ECAP: FSTS without SSTS/SRS, CAP.FS1GP', async () => {
    const vm = await bootSm('vtd-fl-regs', [blk0], { flts: true });
    const p = await vm.drv.probe();
    expect(p.cap.toString(16)).toBe((expectedCap(48, true, true) | (1n << 56n)).toString(16));
    expect(p.ecap.toString(16)).toBe((expectedEcap() | (1n << 43n) | (1n << 47n)).toString(16));
  });

  it('a first-stage domain: map (no flush under CM for first level), DMA both ways; PIOTLB PSI after unmap → 0x71; write to a read-only page → 0x85; US clear → 0x81; non-canonical → 0x80', async () => {
    const vm = await bootSm('vtd-fl', [blk0], { flts: true });
    const d = vm.drv;
    await d.init({ scalable: true });
    expect(await d.readq(REG.IQT)).toBe(0n);
    const dom = await d.allocDomain();
    expect(dom.firstStage).toBe(true);
    await d.attach(dom, SID.blk0);
    const IOVA = 0x7fff00000000n; // canonical: bit 47 clear
    await d.map(dom, IOVA, BUF, 0x2000n);
    const src = pattern(0x2000, 21);
    await poke(vm.name, BUF, src);
    expect((await readOk(vm.name, 'blk0', IOVA + 0xf00n, 0x200)).equals(src.subarray(0xf00, 0x1100))).toBe(true);
    const w = pattern(0x40, 22);
    expect((await dmaWrite(vm.name, 'blk0', IOVA + 0x1000n, w)).result).toBe('written');
    expect((await peek(vm.name, BUF + 0x1000n, 0x40)).equals(w)).toBe(true);

    // stale until the PASID-IOTLB PSI
    await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true });
    expect((await readOk(vm.name, 'blk0', IOVA, 4)).equals(src.subarray(0, 4))).toBe(true);
    const fl = await d.flushRange(dom, IOVA, IOVA + 0xfffn, true);
    expect(fl).toEqual({ addr: IOVA, am: 0, gran: 3n });
    const r1 = await dmaRead(vm.name, 'blk0', IOVA, 4);
    expect(r1.vtd_fault).toMatchObject({ reason: 0x71, sid: SID.blk0, write: false, recordable: true });
    // [B.6] the one FRCD: page address, SID, reason, T (read), F; FSTS.PPF (PP/PV left out as below)
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect((await frcd(d)).lo).toBe(IOVA);
    expect((await frcd(d)).hi & ~((1n << 31n) | (0xffffn << 40n))).toBe(frcdHi(SID.blk0, 0x71, true));
    await d.dmarFault();

    // read-only first-stage page: P without RW
    const RO = 0x40000000n;
    await d.map(dom, RO, BUF + 0x4000n, 0x1000n, { read: true });
    const r2 = await dmaWrite(vm.name, 'blk0', RO, Buffer.from('w'));
    expect(r2.vtd_fault).toMatchObject({ reason: 0x85, sid: SID.blk0, write: true, recordable: true });
    // PP/PV left out: whether QEMU reports PASID 0 for a request without PASID is not pinned down
    expect((await frcd(d)).hi & ~((1n << 31n) | (0xffffn << 40n))).toBe(frcdHi(SID.blk0, 0x85, false));
    await d.dmarFault();

    // US clear on the leaf → 0x81
    const US = 0x50000000n;
    await d.map(dom, US, BUF + 0x5000n, 0x1000n);
    await d.setLeaf(dom, US, (BUF + 0x5000n) | 1n | 2n | (1n << 5n) | (1n << 6n));
    const r3 = await dmaRead(vm.name, 'blk0', US, 4);
    expect(r3.vtd_fault).toMatchObject({ reason: 0x81, sid: SID.blk0, write: false });
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect((await frcd(d)).lo).toBe(US);
    expect((await frcd(d)).hi & ~((1n << 31n) | (0xffffn << 40n))).toBe(frcdHi(SID.blk0, 0x81, true));
    await d.dmarFault();

    // non-canonical IOVA (bit 47 set, 63:48 clear) → 0x80
    const r4 = await dmaRead(vm.name, 'blk0', 1n << 47n, 4);
    expect(r4.vtd_fault).toMatchObject({ reason: 0x80, sid: SID.blk0 });
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect((await frcd(d)).lo).toBe(1n << 47n);
    expect((await frcd(d)).hi & ~((1n << 31n) | (0xffffn << 40n))).toBe(frcdHi(SID.blk0, 0x80, true));
    await d.dmarFault();
  });

  it('an IOTLB PSI (type 2) of the DID drops every first-stage entry of that DID [B.7]', async () => {
    const vm = await bootSm('vtd-fl-psi', [blk0], { flts: true });
    const d = vm.drv;
    await d.init({ scalable: true });
    const dom = await d.allocDomain();
    await d.attach(dom, SID.blk0);
    await d.map(dom, 0x100000n, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('fs entry'));
    expect((await readOk(vm.name, 'blk0', 0x100000n, 8)).toString()).toBe('fs entry');
    await d.unmap(dom, 0x100000n, 0x1000n, { skipFlush: true });
    expect((await readOk(vm.name, 'blk0', 0x100000n, 8)).toString()).toBe('fs entry');
    await d.flushIotlb(dom.did, 0x900000n, 0, GRAN.PAGE); // another page, same DID
    expect((await dmaRead(vm.name, 'blk0', 0x100000n, 8)).vtd_fault).toMatchObject({ reason: 0x71 });
    await d.dmarFault();
  });

  it('PGTT=SST under flts (no ECAP.SSTS) → 0x5b PASID_TABLE_ENTRY_INV [B.2, B.4]', async () => {
    const vm = await bootSm('vtd-fl-sst', [blk0, net0], { flts: true });
    const d = vm.drv;
    await d.init({ scalable: true });
    const fs = await d.allocDomain();
    await d.attach(fs, SID.blk0);
    const ss = await d.allocDomain({ firstStage: false });
    await d.attach(ss, SID.net0);
    const r = await dmaRead(vm.name, 'net0', 0x1000n, 4);
    expect(r.vtd_fault).toMatchObject({ reason: 0x5b, sid: SID.net0, recordable: true });
    expect((await frcd(d)).hi & 0xff00000000n).toBe(0x5b00000000n);
    await d.dmarFault();
  });
});

// ==================================================================== register-based invalidation

describe('register-based invalidation with QI off [B.1]', () => {
  it('CCMD and IOTLB registers: ICC/IVT clear on completion with the actual granularity (CAIG/IAIG); PSI drops the stale entry', async () => {
    const vm = await boot('vtd-reginv', [blk0]);
    const d = vm.drv;
    await d.init({ qi: false });
    expect(await d.readl(REG.GSTS)).toBe((GCMD.TE | GCMD.SRTP) >>> 0);
    // [B.1] IQA reads 0 while QI was never enabled (s->iq latched at QIE)
    await d.writeq(REG.IQA, 0x3000000n);
    expect(await d.readq(REG.IQA)).toBe(0n);
    const dom = await d.allocDomain();
    await d.attach(dom, SID.blk0); // CM: device-selective CCMD, then a DSI through the IOTLB register
    const iro = 0xf0; // [B.2] ECAP.IRO 0xf → IVA at 0xf0, IOTLB at 0xf8
    // [B.1] device scope → CAIG device (3, bits 60:59), ICC (63) clear
    const ccmd = await d.readq(REG.CCMD);
    expect(ccmd >> 63n).toBe(0n);
    expect((ccmd >> 59n) & 3n).toBe(3n);
    let iotlb = await d.readq(iro + 8);
    expect(iotlb >> 63n).toBe(0n);
    expect((iotlb >> 57n) & 3n).toBe(2n); // IAIG DSI
    // a domain-scope CCMD runs as global: CAIG global (1)
    await d.flushContext(dom.did, 0, 0, GRAN.DOMAIN);
    expect(((await d.readq(REG.CCMD)) >> 59n) & 3n).toBe(1n);

    const IOVA = 0x3000n;
    await d.map(dom, IOVA, BUF, 0x1000n); // PSI through IVA + IOTLB
    iotlb = await d.readq(iro + 8);
    expect([iotlb >> 63n, (iotlb >> 57n) & 3n, (iotlb >> 32n) & 0xffffn]).toEqual([0n, 3n, BigInt(dom.did)]);
    await poke(vm.name, BUF, Buffer.from('reg-based'));
    expect((await readOk(vm.name, 'blk0', IOVA, 9)).toString()).toBe('reg-based');
    await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true });
    expect((await readOk(vm.name, 'blk0', IOVA, 9)).toString()).toBe('reg-based');
    await d.flushRange(dom, IOVA, IOVA + 0xfffn, true);
    expect((await dmaRead(vm.name, 'blk0', IOVA, 9)).vtd_fault).toMatchObject({ reason: 0x6, sid: SID.blk0 });
    await d.dmarFault();
  });

  it('with QI enabled, a register-based IOTLB invalidation is ignored: the stale entry survives [B.1]', async () => {
    const vm = await boot('vtd-reginv-qi', [blk0]);
    const d = vm.drv;
    const dom = await ready(vm);
    const IOVA = 0x3000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('survives'));
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('survives');
    await d.unmap(dom, IOVA, 0x1000n, { skipFlush: true });
    await d.writeq(0xf8, (1n << 63n) | (1n << 60n)); // IVT, global
    await d.writeq(REG.CCMD, (1n << 63n) | (1n << 61n)); // ICC, global
    expect((await readOk(vm.name, 'blk0', IOVA, 8)).toString()).toBe('survives');
    await d.flushRange(dom, IOVA, IOVA + 0xfffn, true); // the queued PSI does it
    expect((await dmaRead(vm.name, 'blk0', IOVA, 8)).result).toBe('vtd_fault');
    await d.dmarFault();
  });
});

// ==================================================================== more walks and replays

describe('walk variants [B.3, B.5, B.8]', () => {
  it('aw_bits 39: 3-level tables translate; IOVA 2^39 → ADDR_BEYOND_MGAW (0x4)', async () => {
    const vm = await boot('vtd-aw39', [blk0], { aw_bits: 39 });
    const d = vm.drv;
    const dom = await ready(vm);
    expect(dom.levels).toBe(3);
    const IOVA = 0x7f_c000_0000n; // just under 2^39
    await d.map(dom, IOVA, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('three levels'));
    expect((await readOk(vm.name, 'blk0', IOVA, 12)).toString()).toBe('three levels');
    const r = await dmaRead(vm.name, 'blk0', 1n << 39n, 4);
    expect(r.vtd_fault).toMatchObject({ reason: 0x4, sid: SID.blk0, address: String(1n << 39n), recordable: true });
    await d.dmarFault();
  });

  it('TE off: DMA is untranslated (IOVA = GPA); pass-through context entry (TT 2) likewise with TE on', async () => {
    const vm = await boot('vtd-te-off', [blk0, net0]);
    const d = vm.drv;
    await d.init({ enableTranslation: false });
    await poke(vm.name, BUF, Buffer.from('identity'));
    expect((await readOk(vm.name, 'blk0', BUF, 8)).toString()).toBe('identity');
    await d.enableTranslation();
    // no context table yet: root entry not present → ROOT_ENTRY_P (1)
    const r = await dmaRead(vm.name, 'blk0', BUF, 8);
    expect(r.vtd_fault).toMatchObject({ reason: 0x1, sid: SID.blk0, recordable: true });
    // [B.6] recorded without a PASID (a root-entry fault): FRCD exactly, FSTS.PPF
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect(await frcd(d)).toEqual({ lo: BUF, hi: frcdHi(SID.blk0, 0x1, true) });
    await d.dmarFault();
    // net0 pass-through: context entry TT = 2 (ECAP.PT), AW as for a paging entry, DID 1
    const dom = await d.allocDomain();
    await d.attach(dom, SID.blk0);
    const ce = d.contextEntryGpa(SID.net0)!;
    await d.writeQwords(ce, [(2n << 2n) | 1n, (1n << 8n) | BigInt(dom.agaw)]);
    await d.flushContext(0, SID.net0, 0, GRAN.DEVICE);
    expect((await readOk(vm.name, 'net0', BUF, 8)).toString()).toBe('identity');
  });

  it('assigned NIC: mappings made without PSI reach the host at a global IOTLB invalidation (full replay); clearing the context entry unmaps everything [B.8]', async () => {
    const vm = await boot('vtd-nic-replay', [nic0]);
    const d = vm.drv;
    await d.init();
    const dom = await d.allocDomain();
    await d.attach(dom, SID.nic0);
    await d.map(dom, 0x1000000n, BUF, 0x1000n, { read: true, write: true }, { skipFlush: true });
    await d.map(dom, 0x2000000n, BUF + 0x4000n, 0x1000n, { read: true }, { skipFlush: true });
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    await d.flushIotlb(0, 0n, 0, GRAN.GLOBAL);
    expect(await hostAreas(vm, 'nic0')).toEqual([
      [0x1000000n, 0x1000fffn, vm.ramVa + BUF],
      [0x2000000n, 0x2000fffn, vm.ramVa + BUF + 0x4000n],
    ]);
    await poke(vm.name, BUF + 0x4000n, Buffer.from('read-only for the NIC'));
    expect((await readOk(vm.name, 'nic0', 0x2000000n, 21)).toString()).toBe('read-only for the NIC');
    // perm R only in the guest PTE → the host mapping refuses the device's write
    expect((await dmaWrite(vm.name, 'nic0', 0x2000000n, Buffer.from('x'))).result).toBe('host_fault');
    expect((await peek(vm.name, BUF + 0x4000n, 1)).toString()).toBe('r');
    await d.detach(dom, SID.nic0);
    expect(await hostAreas(vm, 'nic0')).toEqual([]);
    expect((await dmaRead(vm.name, 'nic0', 0x1000000n, 4)).result).toBe('host_fault');
  });
});

// ==================================================================== fault event masking, snoop control, hotplug

describe('fault event masking [B.6]', () => {
  it('FECTL.IM set: the fault is recorded, FECTL.IP set, no interrupt; clearing IM fires the pending MSI and clears IP', async () => {
    const vm = await boot('vtd-im', [blk0]);
    const d = vm.drv;
    await ready(vm);
    await d.writel(REG.FECTL, FECTL_IM_BIT);
    const r = await dmaRead(vm.name, 'blk0', 0x7000n, 4);
    expect(r.vtd_fault!.reason).toBe(0x6);
    expect(await d.readl(REG.FSTS)).toBe(FSTS.PPF);
    expect(await d.readl(REG.FECTL)).toBe((FECTL_IM_BIT | FECTL_IP_BIT) >>> 0);
    await settleEvents(vm);
    expect(interrupts(vm)).toEqual([]);
    await d.writel(REG.FECTL, 0);
    expect(await waitInterrupts(vm, 1)).toEqual([{ source: 'dmar-fault', addr: FAULT_MSI.addr, data: FAULT_MSI.data }]);
    expect(await d.readl(REG.FECTL)).toBe(0);
    await d.dmarFault();
  });

  it('IM set, then dmar_fault clears every status: IP is cleared and unmasking fires nothing', async () => {
    const vm = await boot('vtd-im-clear', [blk0]);
    const d = vm.drv;
    await ready(vm);
    await d.writel(REG.FECTL, FECTL_IM_BIT);
    expect((await dmaRead(vm.name, 'blk0', 0x7000n, 4)).vtd_fault!.reason).toBe(0x6);
    expect(await d.readl(REG.FECTL)).toBe((FECTL_IM_BIT | FECTL_IP_BIT) >>> 0);
    await d.dmarFault();
    expect(await d.readl(REG.FECTL)).toBe(FECTL_IM_BIT);
    await d.writel(REG.FECTL, 0);
    await settleEvents(vm);
    expect(interrupts(vm)).toEqual([]);
  });
});

describe('snoop_control [B.2, B.5, B.8]', () => {
  it('ECAP.SC; the SNP bit of a leaf is then not reserved', async () => {
    const vm = await boot('vtd-sc', [blk0], { snoop_control: true });
    const d = vm.drv;
    const p = await d.probe();
    expect(p.ecap.toString(16)).toBe((expectedEcap() | (1n << 7n)).toString(16));
    const dom = await ready(vm);
    await d.map(dom, 0x4000n, BUF, 0x1000n);
    await d.setLeaf(dom, 0x4000n, BUF | 3n | (1n << 11n));
    await d.flushRange(dom, 0x4000n, 0x4fffn);
    await poke(vm.name, BUF, Buffer.from('snooped'));
    expect((await readOk(vm.name, 'blk0', 0x4000n, 7)).toString()).toBe('snooped');
  });

  it('an assigned device with snoop_control is refused VIOMMU_HOST_INCOMPATIBLE (MAP notifiers refused)', async () => {
    const name = 'vtd-sc-nic';
    const c = await call(t.v.Vmm.CreateVm, { spec: spec(name, [nic0], { snoop_control: true }) as never });
    live.add(name);
    const pid = c.vm!.host_pid;
    const fds = { iommufd0: await orch.pass('/dev/iommu', pid), nic0: await orch.pass('/dev/vfio/devices/vfio0', pid) };
    const e = await expectStatus(call(t.v.Vmm.StartVm, { name, passed_fds: fds }), grpc.status.FAILED_PRECONDITION, 'VIOMMU_HOST_INCOMPATIBLE');
    const v = JSON.parse(errorInfo(e)!.metadata.violations!) as Array<{ device: string; rule: string; detail: string }>;
    expect(v.map((x) => x.device)).toEqual(['nic0']);
    expect(`${v[0]!.rule} ${v[0]!.detail}`).toMatch(/snoop/i);
  });
});

describe('hotplug under intel-iommu [vmm-api: plug-time checks at hotplug]', () => {
  it('without caching_mode: hot-plugging the NIC is refused and changes nothing; with it the NIC plugs and the driver maps for it', async () => {
    const a = await boot('vtd-hp-nocm', [blk0], { caching_mode: false }, true);
    const fdA = await orch.pass('/dev/vfio/devices/vfio0', a.pid);
    const before = (await call(t.v.Vmm.GetVm, { name: a.name })).vm!;
    const e = await expectStatus(
      call(t.v.Vmm.HotplugDevice, { name: a.name, device: nic0 as never, passed_fds: { nic0: fdA } }),
      grpc.status.FAILED_PRECONDITION,
      'VIOMMU_HOST_INCOMPATIBLE',
    );
    expect(`${errorInfo(e)!.metadata.violations}`).toMatch(/caching/i);
    const after = (await call(t.v.Vmm.GetVm, { name: a.name })).vm!;
    expect(after.devices.map((x) => x.id)).toEqual(before.devices.map((x) => x.id));
    const h = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(h.pinned!.pages).toBe('0');
    expect(h.page_tables).toEqual([]);

    // caching mode on: the plug succeeds (EMULATED) and the guest driver maps for the new device
    const b = await boot('vtd-hp-cm', [blk0], { caching_mode: true }, true);
    const fdB = await orch.pass('/dev/vfio/devices/vfio0', b.pid);
    const info = (await call(t.v.Vmm.HotplugDevice, { name: b.name, device: nic0 as never, passed_fds: { nic0: fdB } })).vm!;
    expect(info.devices.find((x) => x.id === 'nic0')!.backend).toBe('EMULATED');
    const d = b.drv;
    await d.init();
    const dom = await d.allocDomain();
    await d.attach(dom, SID.nic0);
    await d.map(dom, 0x6000000n, BUF, 0x1000n);
    await poke(b.name, BUF, Buffer.from('hotplugged'));
    expect((await readOk(b.name, 'nic0', 0x6000000n, 10)).toString()).toBe('hotplugged');
  });
});

// ==================================================================== every fault reason, with its FRCD

/** Outside guest RAM (64 MiB from 0) and outside the MSI window, below the 48-bit HAW. */
const NOT_RAM = 0x8000_0000n;

describe('legacy-mode fault reasons: FRCD, FSTS and the qualified/FPD rule [B.3, B.5, B.6]', () => {
  it('8 ROOT_TABLE_INV, 0xA ROOT_ENTRY_RSVD, 9 CONTEXT_TABLE_INV, 0xB CONTEXT_ENTRY_RSVD, 3 CONTEXT_ENTRY_INV (TT 3, top-level PTE unreadable), 7 PAGING_ENTRY_INV, 0xE INTERRUPT_ADDR', async () => {
    const vm = await boot('vtd-reasons-legacy', [blk0]);
    const d = vm.drv;
    const dom = await ready(vm);
    const IOVA = 0x5_4321_0000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    await poke(vm.name, BUF, Buffer.from('ok'));
    const ce = d.contextEntryGpa(SID.blk0)!;
    const [ceLo, ceHi] = await d.readQwords(ce, 2);
    const root = await d.readQwords(d.rootGpa, 2);
    const flushAll = async () => {
      await d.flushContext(0, 0, 0, GRAN.GLOBAL);
      await d.flushIotlb(0, 0n, 0, GRAN.GLOBAL);
    };
    const expectFault = async (reason: number, what: string) => {
      const r = await dmaRead(vm.name, 'blk0', IOVA, 2);
      expect(r.result, what).toBe('vtd_fault');
      expect(vf(r), what).toEqual({ reason, sid: SID.blk0, address: String(IOVA), write: false, recordable: true });
      expect(await d.readl(REG.FSTS), what).toBe(FSTS.PPF);
      expect(await frcd(d), what).toEqual({ lo: IOVA, hi: frcdHi(SID.blk0, reason, true) });
      const h = await d.dmarFault();
      expect(h.records.map((x) => x.reason), what).toEqual([reason]);
    };
    expect((await readOk(vm.name, 'blk0', IOVA, 2)).toString()).toBe('ok');

    // root table outside RAM
    await d.writeq(REG.RTADDR, NOT_RAM);
    await d.writel(REG.GCMD, (d.gcmd | GCMD.SRTP) >>> 0);
    await expectFault(0x8, 'root table unreadable');
    await d.setRootEntry();

    // legacy root entry: any non-zero hi is reserved
    await d.writeQwords(d.rootGpa, [root[0]!, 1n]);
    await flushAll();
    await expectFault(0xa, 'root entry hi != 0');
    // context-table pointer outside RAM
    await d.writeQwords(d.rootGpa, [NOT_RAM | 1n, 0n]);
    await flushAll();
    await expectFault(0x9, 'context table unreadable');
    await d.writeQwords(d.rootGpa, root);

    // context entry: hi bit 7 reserved (even with FPD set: 0xB is not a qualified fault)
    await d.writeQwords(ce, [ceLo! | 2n, ceHi! | 0x80n]);
    await flushAll();
    await expectFault(0xb, 'context entry reserved bit, FPD set');
    // TT = 3 is invalid
    await d.writeQwords(ce, [ceLo! | (3n << 2n), ceHi!]);
    await flushAll();
    await expectFault(0x3, 'context entry TT 3');
    // SLPTPTR outside RAM: the top-level read fails → CONTEXT_ENTRY_INV (QEMU's top-level rule)
    await d.writeQwords(ce, [(ceLo! & 0xfffn) | NOT_RAM, ceHi!]);
    await flushAll();
    await expectFault(0x3, 'top-level table unreadable');
    await d.writeQwords(ce, [ceLo!, ceHi!]);
    await flushAll();
    expect((await readOk(vm.name, 'blk0', IOVA, 2)).toString()).toBe('ok');

    // a lower-level table pointer outside RAM → PAGING_ENTRY_INV
    const l4 = dom.pgd + ((IOVA >> 39n) & 0x1ffn) * 8n;
    const [l4e] = await d.readQwords(l4, 1);
    await d.writeQwords(l4, [NOT_RAM | 3n]);
    await flushAll();
    await expectFault(0x7, 'level-3 table unreadable');
    // …which FPD suppresses (qualified)
    await d.writeQwords(ce, [ceLo! | 2n, ceHi!]);
    await flushAll();
    const r = await dmaRead(vm.name, 'blk0', IOVA, 2);
    expect(vf(r)).toEqual({ reason: 0x7, sid: SID.blk0, address: String(IOVA), write: false, recordable: false });
    expect(await d.readl(REG.FSTS)).toBe(0);
    await d.writeQwords(ce, [ceLo!, ceHi!]);
    await d.writeQwords(l4, [l4e!]);
    await flushAll();

    // output address in the interrupt range → INTERRUPT_ADDR (0xE)
    await d.setLeaf(dom, IOVA, 0xfee00000n | 3n);
    await flushAll();
    await expectFault(0xe, 'output in 0xFEE00000–0xFEEFFFFF');
  });
});

describe('scalable-mode fault reasons [B.4, B.5, B.6]', () => {
  it('0x50 PASID_DIR_ACCESS_ERR, 0x58 PASID_TABLE_ACCESS_ERR (recorded despite FPD rules: not qualified), 0x87 SM_INTERRUPT_ADDR', async () => {
    const vm = await bootSm('vtd-reasons-sm', [blk0], { pasid_bits: 8 });
    const d = vm.drv;
    await d.init({ scalable: true });
    const dom = await d.allocDomain();
    await d.attach(dom, SID.blk0);
    const IOVA = 0x20_0000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    const ce = d.smContextEntryGpa(SID.blk0)!;
    const ceq = await d.readQwords(ce, 4);
    const flushAll = async () => {
      await d.flushContext(0, 0, 0, GRAN.GLOBAL);
      await d.qiSubmit([d.pcDesc(0, 0, 3n)]);
      await d.flushIotlb(0, 0n, 0, GRAN.GLOBAL);
    };
    // PASID directory outside RAM → 0x50
    await d.writeQwords(ce, [NOT_RAM | 1n, ceq[1]!, 0n, 0n]);
    await flushAll();
    let r = await dmaRead(vm.name, 'blk0', IOVA, 2);
    expect(r.vtd_fault).toMatchObject({ reason: 0x50, sid: SID.blk0, recordable: true });
    expect((await frcd(d)).hi & ~((1n << 31n) | (0xffffn << 40n))).toBe(frcdHi(SID.blk0, 0x50, true));
    await d.dmarFault();
    await d.writeQwords(ce, ceq);
    // PASID table outside RAM → 0x58
    const dir = ceq[0]! & ~0xfffn;
    const [de] = await d.readQwords(dir, 1);
    await d.writeQwords(dir, [NOT_RAM | 1n]);
    await flushAll();
    r = await dmaRead(vm.name, 'blk0', IOVA, 2);
    expect(r.vtd_fault).toMatchObject({ reason: 0x58, sid: SID.blk0, recordable: true });
    expect((await frcd(d)).hi & ~((1n << 31n) | (0xffffn << 40n))).toBe(frcdHi(SID.blk0, 0x58, true));
    await d.dmarFault();
    await d.writeQwords(dir, [de!]);
    await flushAll();
    // output in the interrupt range → 0x87 in scalable mode
    await d.setLeaf(dom, IOVA, 0xfee01000n | 3n);
    await d.flushRange(dom, IOVA, IOVA + 0xfffn);
    r = await dmaRead(vm.name, 'blk0', IOVA, 2);
    expect(r.vtd_fault).toMatchObject({ reason: 0x87, sid: SID.blk0, recordable: true });
    await d.dmarFault();
  });

  it('first stage: 0x73 FSPTPTR unreadable, 0x70 lower table unreadable, 0x72 reserved bit', async () => {
    const vm = await bootSm('vtd-reasons-fs', [blk0], { flts: true });
    const d = vm.drv;
    await d.init({ scalable: true });
    const dom = await d.allocDomain();
    await d.attach(dom, SID.blk0);
    const IOVA = 0x30_0000n;
    await d.map(dom, IOVA, BUF, 0x1000n);
    const pe = (await d.pasidEntryGpa(SID.blk0, 0))!;
    const peq = await d.readQwords(pe, 8);
    const resync = async () => {
      await d.qiSubmit([d.pcDesc(dom.did, 0, 1n)]);
      await d.qiSubmit([d.piotlbDesc(dom.did, 0, 0n, 0, 2n)]);
    };
    const reasonOf = async () => {
      const r = await dmaRead(vm.name, 'blk0', IOVA, 2);
      const f = r.vtd_fault!;
      expect(await frcd(d)).toMatchObject({ lo: IOVA });
      expect(Number(((await frcd(d)).hi >> 32n) & 0xffn)).toBe(f.reason);
      await d.dmarFault();
      return f.reason;
    };
    // FSPTPTR outside RAM → 0x73 (top level)
    await d.writeQwords(pe + 16n, [NOT_RAM]);
    await resync();
    expect(await reasonOf()).toBe(0x73);
    await d.writeQwords(pe, peq);
    await resync();
    // a level-3 pointer outside RAM → 0x70
    const l4 = dom.pgd + ((IOVA >> 39n) & 0x1ffn) * 8n;
    const [l4e] = await d.readQwords(l4, 1);
    await d.writeQwords(l4, [NOT_RAM | 0x27n]);
    await resync();
    expect(await reasonOf()).toBe(0x70);
    // L4 bit 7 (PS) is reserved → 0x72
    await d.writeQwords(l4, [l4e! | (1n << 7n)]);
    await resync();
    expect(await reasonOf()).toBe(0x72);
  });
});

// ==================================================================== backend invisibility, QIE off

describe('the backend is not guest-visible [vmm-api Backends: identical CAP/ECAP/IDR]', () => {
  it('the same Linux bring-up + map/unmap reads the same register values with and without an EMULATED assigned NIC', async () => {
    const run = async (name: string, devices: Dev[]) => {
      const vm = await boot(name, devices);
      const d = vm.drv;
      const dom = await ready(vm);
      await d.map(dom, 0x100000n, BUF, 0x4000n);
      await d.unmap(dom, 0x100000n, 0x2000n);
      for (const off of [REG.VER, REG.GSTS, REG.FSTS, REG.FECTL, REG.IECTL, REG.ICS, REG.PMEN]) await d.readl(off);
      for (const off of [REG.CAP, REG.ECAP, REG.RTADDR, REG.IQA, REG.IQH, REG.IQT, 0x220, 0x228]) await d.readq(off);
      return d.trace.filter((a) => a.op === 'r').map((a) => `${a.off.toString(16)}:${a.size}=${a.value.toString(16)}`);
    };
    const plain = await run('vtd-same-a', [blk0]);
    const withNic = await run('vtd-same-b', [blk0, nic0]);
    expect(withNic).toEqual(plain);
  });
});

describe('QIE off [B.1]', () => {
  it('QIE clears only when the queue is drained and the last descriptor was a wait', async () => {
    const vm = await boot('vtd-qie-off', [blk0]);
    const d = vm.drv;
    await d.init();
    // a descriptor without a trailing wait, written as raw queue entries + IQT
    const head = d.head;
    await d.writeQwords(d.queueGpa + BigInt(head * 16), d.iotlbDesc(0, 0n, 0, GRAN.GLOBAL));
    await d.writel(REG.IQT, (head + 1) << 4);
    expect(await d.readq(REG.IQH)).toBe(BigInt((head + 1) << 4));
    await d.writel(REG.GCMD, (d.gcmd & ~GCMD.QIE) >>> 0);
    expect((await d.readl(REG.GSTS)) & GCMD.QIE).toBe(GCMD.QIE); // ignored: last was not a wait
    // a wait descriptor, then QIE off is honoured
    const st = d.statusGpa(100);
    await d.writeQwords(d.queueGpa + BigInt((head + 1) * 16), [(BigInt(QI_DONE) << 32n) | (1n << 5n) | DESC.IWD, st]);
    await d.writel(REG.IQT, (head + 2) << 4);
    expect((await peek(vm.name, st, 4)).readUInt32LE(0)).toBe(QI_DONE);
    await d.writel(REG.GCMD, (d.gcmd & ~GCMD.QIE) >>> 0);
    expect((await d.readl(REG.GSTS)) & GCMD.QIE).toBe(0);
  });
});

// NESTED (x-flts) assigned devices: test/contract/vmm-intel-iommu-nested.test.ts
