/**
 * The vmm's SMMUv3 (emulated: virtio devices with ACCESS_PLATFORM behind it) driven as Linux's
 * arm-smmu-v3 driver drives it (libs/guest/smmu-driver.ts): registers over Guest.MmioRead /
 * MmioWrite, stream table, CDs, page tables and both queues in guest RAM, on machine virt (RAM from
 * 0x4000_0000). host-iommu (profile arm-smmuv3; arm-smmuv3-s2 for the host-independence check)
 * and vmm in-process over real gRPC.
 *
 * Expected values come from QEMU (hw/arm/smmuv3.c smmuv3_init_regs, smmuv3_record_event,
 * smmuv3_cmdq_consume, smmuv3_translate, decode_ste, decode_cd; smmu-common.c smmu_ptw_64_s1 /
 * _s2) as shared/reference/smmuv3-and-migration.md §A records them, cited per check as [A.n],
 * and from vmm-api.md ("Guest programming of intel-iommu and SMMUv3").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import type { DmaResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/DmaResponse.js';
import type { EventsResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/EventsResponse.js';
import {
  CD,
  CERROR,
  CR0,
  GBPA,
  GERROR,
  OP,
  PAGE1,
  PTE,
  REG,
  STE,
  SYNC_CS,
  SmmuDriver,
  cmdCfgiCd,
  cmdCfgiSte,
  cmdSync,
  cmdTlbi,
  decodeEvent,
  encodeEvent,
  grpcBus,
  modelBus,
  type SmmuDomain,
} from '#libs/guest/smmu-driver.js';
import type { GuestMemory } from '../../services/vmm/src/viommu/guest-memory.js';
import { Smmuv3 } from '../../services/vmm/src/viommu/smmuv3/index.js';
import { pullStream } from './harness.js';
import { pattern, startTestTwin, type TestTwin } from './vmm-harness.js';

const MiB = 1n << 20n;
/** virt: RAM at 0x4000_0000 [vmm-api VmSpec] */
const RAM0 = 0x4000_0000n;
const RAM = 64n * MiB;
const POOL = { start: RAM0 + 16n * MiB, end: RAM0 + 32n * MiB };
const BUF = RAM0 + 40n * MiB;
/** a GPA outside guest RAM (and every device of a 64 MiB virt VM): fetches from it fail */
const EABT_GPA = 0x1_0000_0000n;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;
/** SID = bus << 8 | devfn [A.4] */
const SID = { net0: 0x20, blk0: 0x28 } as const;
/** the wired lines on virt, GIC SPIs 74.. [A.1] */
const SPI = { evtq: 74, priq: 75, cmdq_sync: 76, gerror: 77 } as const;
const IOVA = 0x8000_0000n;

type Dev = Record<string, unknown> & { id: string };
const net0: Dev = { id: 'net0', guest_bdf: '0000:00:04.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } };
const blk0: Dev = { id: 'blk0', guest_bdf: '0000:00:05.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } };

interface SmmuOpts {
  stage?: 'SMMUV3_STAGE_1' | 'SMMUV3_STAGE_2' | 'SMMUV3_STAGE_NESTED';
  accel?: boolean;
  oas?: number;
  ssidsize?: number;
  ril?: boolean;
  ats?: boolean;
  granules?: number[];
}

function spec(name: string, devices: Dev[] = [net0, blk0], smmuv3: SmmuOpts = {}) {
  return { name, memory_bytes: String(RAM), machine: 'virt', viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3 }, iommufd_objects: [], devices };
}

let t: TestTwin;
const live: Array<{ tw: TestTwin; name: string }> = [];
beforeAll(async () => {
  t = await startTestTwin('arm-smmuv3');
});
afterEach(async () => {
  for (const { tw, name } of live.splice(0)) {
    await call(tw.v.Vmm.StopVm, { name }).catch(() => undefined);
    await call(tw.v.Vmm.DeleteVm, { name }).catch(() => undefined);
  }
});
afterAll(async () => {
  await t?.close();
});

interface Vm {
  name: string;
  tw: TestTwin;
  drv: SmmuDriver;
  events: ReturnType<typeof pullStream<EventsResponse__Output>>;
}

async function boot(name: string, opts: { devices?: Dev[]; smmuv3?: SmmuOpts; tw?: TestTwin; evtqLog2?: number; cmdqLog2?: number; strtab?: 'linear' | '2lvl'; linearSidBits?: number } = {}): Promise<Vm> {
  const tw = opts.tw ?? t;
  const devices = opts.devices ?? [net0, blk0];
  await call(tw.v.Vmm.CreateVm, { spec: spec(name, devices, opts.smmuv3) as never });
  live.push({ tw, name });
  const info = (await call(tw.v.Vmm.StartVm, { name, passed_fds: {} })).vm!;
  expect(info.state).toBe('VM_STATE_RUNNING');
  for (const d of devices) {
    if (d.virtio) expect((await call(tw.v.Guest.VirtioSetFeatures, { vm: name, device_id: d.id, driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
  }
  const drv = new SmmuDriver(grpcBus(tw.v.Guest, name), {
    pool: POOL,
    ...(opts.evtqLog2 !== undefined ? { evtqLog2: opts.evtqLog2 } : {}),
    ...(opts.cmdqLog2 !== undefined ? { cmdqLog2: opts.cmdqLog2 } : {}),
    ...(opts.strtab ? { strtab: opts.strtab } : {}),
    ...(opts.linearSidBits !== undefined ? { linearSidBits: opts.linearSidBits } : {}),
  });
  const events = pullStream<EventsResponse__Output>(tw.v.Guest.Events({ vm: name, after_sequence: '0' }));
  return { name, tw, drv, events };
}

const dma = (vm: Vm, dev: string, iova: bigint, n: number) =>
  call(vm.tw.v.Guest.Dma, { vm: vm.name, device_id: dev, iova: String(iova), length: String(n), write: false, data: Buffer.alloc(0) });
const dmaWrite = (vm: Vm, dev: string, iova: bigint, data: Buffer) =>
  call(vm.tw.v.Guest.Dma, { vm: vm.name, device_id: dev, iova: String(iova), length: String(data.length), write: true, data });
const poke = (vm: Vm, gpa: bigint, data: Buffer) => call(vm.tw.v.Guest.WriteMemory, { vm: vm.name, gpa: String(gpa), data });
const peek = async (vm: Vm, gpa: bigint, n: number) => Buffer.from((await call(vm.tw.v.Guest.ReadMemory, { vm: vm.name, gpa: String(gpa), length: String(n) })).data);

async function readOk(vm: Vm, dev: string, iova: bigint, n: number): Promise<Buffer> {
  const r = await dma(vm, dev, iova, n);
  expect(r.result, `${dev} DMA read at 0x${iova.toString(16)}: ${JSON.stringify(r)}`).toBe('data');
  return Buffer.from(r.data!);
}

const interrupts = (vm: Vm) => vm.events.seen.filter((e) => e.event === 'interrupt').map((e) => ({ source: e.interrupt!.source, addr: BigInt(e.interrupt!.msi_addr), data: e.interrupt!.msi_data }));
async function waitInterrupts(vm: Vm, n: number): Promise<Array<{ source: string; addr: bigint; data: number }>> {
  const deadline = Date.now() + 5_000;
  while (interrupts(vm).length < n) {
    if (Date.now() > deadline) throw new Error(`only ${interrupts(vm).length} of ${n} interrupts: ${JSON.stringify(interrupts(vm), (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return interrupts(vm);
}
/** Gives an interrupt that should not come the time to arrive (the stream is pushed live). */
const settleEvents = () => new Promise((r) => setTimeout(r, 150));
const irq = (source: keyof typeof SPI) => ({ source, addr: 0n, data: SPI[source] });

/** The fault of a DMA that must fault: its smmu_fault. */
function smmuFault(r: DmaResponse__Output) {
  expect(r.result, JSON.stringify(r)).toBe('smmu_fault');
  const f = r.smmu_fault!;
  return { eventId: f.event_id, sid: f.sid, address: BigInt(f.address), write: f.write, recorded: f.recorded, record: Buffer.from(f.record ?? []) };
}

/** Linux bring-up and a stage-1 domain attached to `sid`, one page mapped at IOVA → BUF. */
async function readyS1(vm: Vm, sid: number = SID.net0, opts: { r?: boolean; affd?: boolean } = {}): Promise<SmmuDomain> {
  await vm.drv.init();
  const d = await vm.drv.allocDomain();
  expect(d.stage).toBe(1);
  await vm.drv.attach(d, sid, opts);
  return d;
}

/**
 * One guest session used to compare runs: bring-up, a stage-1 domain on net0 with two pages
 * mapped, a translation fault (`fault`), the EVTQ drained, the pages unmapped (TLBI + sync), an
 * illegal command recovered by the GERROR handler, a CMD_SYNC with CS=IRQ, then every register
 * of 0x00–0xfc read.
 */
async function scenario(d: SmmuDriver, fault: (iova: bigint) => Promise<void>): Promise<void> {
  await d.init();
  const dom = await d.allocDomain();
  await d.attach(dom, SID.net0);
  await d.map(dom, IOVA, BUF, 0x2000n);
  await d.map(dom, IOVA + 0x2000n, BUF, 0x1000n);
  await fault(IOVA + 0x10000n);
  await d.drainEvents();
  await d.unmap(dom, IOVA, 0x2000n);
  await d.issue([cmdTlbi(OP.TLBI_S12_VMALL, { vmid: 1 })], false);
  await d.gerrorHandler();
  await d.issue([], true, 'irq');
  for (let off = 0; off < 0x100; off += 4) await d.readl(off);
}

/** Guest RAM of a virt VM as a flat buffer (the model's GuestMemory): outside it every access throws. */
class FlatRam implements GuestMemory {
  private readonly bytes: Uint8Array;
  constructor(
    readonly base: bigint,
    size: bigint,
  ) {
    this.bytes = new Uint8Array(Number(size));
  }
  private off(gpa: bigint, len: number): number {
    if (gpa < this.base || gpa + BigInt(len) > this.base + BigInt(this.bytes.length)) throw new Error(`GPA 0x${gpa.toString(16)} (+${len}) outside RAM`);
    return Number(gpa - this.base);
  }
  read(gpa: bigint, len: number): Uint8Array {
    const o = this.off(gpa, len);
    return this.bytes.slice(o, o + len);
  }
  write(gpa: bigint, data: Uint8Array): void {
    this.bytes.set(data, this.off(gpa, data.length));
  }
}

// ---------------------------------------------------------------------------------------------

describe('registers [A.1, A.2]', () => {
  it('IDR0–5, IIDR, AIDR and the ID registers as QEMU computes them for stage 1, 2 and nested; Linux probe reads them', async () => {
    const want = {
      SMMUV3_STAGE_1: { idr0: 0x0d44101a, idr3: 0x1404 },
      SMMUV3_STAGE_2: { idr0: 0x0d441019, idr3: 0x1414 },
      SMMUV3_STAGE_NESTED: { idr0: 0x0d44101b, idr3: 0x1414 },
    } as const;
    for (const [stage, w] of Object.entries(want)) {
      const vm = await boot(`smmu-idr-${stage.slice(-1).toLowerCase()}`, { smmuv3: { stage: stage as keyof typeof want } });
      const f = await vm.drv.probe();
      expect(f.idr).toEqual([w.idr0, 0x02730010, 0, w.idr3, 0, 0x74]);
      expect(f.iidr).toBe(0);
      expect(f.aidr).toBe(1);
      // what Linux makes of them
      expect({ twoLvl: f.twoLvlStrtab, s1: f.s1, s2: f.s2, ril: f.ril, oas: f.oas, sidBits: f.sidBits, ssidBits: f.ssidBits, cmdqShift: f.cmdqShift, evtqShift: f.evtqShift, stalls: f.stalls, msi: f.msi, sev: f.sev, ats: f.ats, pri: f.pri, coherent: f.coherent }).toEqual({
        twoLvl: true,
        s1: stage !== 'SMMUV3_STAGE_2',
        s2: stage !== 'SMMUV3_STAGE_1',
        ril: true,
        oas: 44,
        sidBits: 16,
        ssidBits: 0,
        cmdqShift: 19,
        evtqShift: 19,
        stalls: false,
        msi: false,
        sev: false,
        ats: false,
        pri: false,
        coherent: true,
      });
      // the MMU-600 ID registers 0xfd0..0xffc [A.1]
      const ids: number[] = [];
      for (let off = 0xfd0; off <= 0xffc; off += 4) ids.push(await vm.drv.readl(off));
      expect(ids).toEqual([0x04, 0, 0, 0, 0x84, 0xb4, 0xf0, 0x10, 0x0d, 0xf0, 0x05, 0xb1]);
      // a 64-bit access is decoded only at the 64-bit registers (smmu_readll): IDR0 reads as zero;
      // page 1 aliases page 0 [A.1]
      expect(await vm.drv.readq(REG.IDR0)).toBe(0n);
      expect(await vm.drv.readl(PAGE1 + REG.IDR0)).toBe(w.idr0);
    }
  });

  it('accel settings (oas 48, ssidsize 20, ril off, ats on) and a granule subset change exactly the IDR fields QEMU derives from them, the same on hosts arm-smmuv3 and arm-smmuv3-s2 [A.2]', async () => {
    const s2 = await startTestTwin('arm-smmuv3-s2');
    try {
      const cases: Array<[SmmuOpts, number[]]> = [
        // IDR0.ATS (b10), IDR1.SSIDSIZE 20 (b10:6), IDR3.RIL clear, IDR5.OAS 48 (5)
        [{ accel: true, oas: 48, ssidsize: 20, ril: false, ats: true }, [0x0d44141a, 0x02730510, 0, 0x1004, 0, 0x75]],
        // IDR5 without GRAN16K (the twin's granules setting)
        [{ granules: [4096, 65536] }, [0x0d44101a, 0x02730010, 0, 0x1404, 0, 0x54]],
      ];
      for (const [i, [smmuv3, idr]] of cases.entries()) {
        for (const [j, tw] of [t, s2].entries()) {
          // an accel unit takes no emulated endpoint (QEMU smmuv3_accel_supports_as): no devices there
          const vm = await boot(`smmu-idr-cfg${i}-${j}`, { tw, smmuv3, ...(smmuv3.accel ? { devices: [] } : {}) });
          const got: number[] = [];
          for (let k = 0; k < 6; k++) got.push((await vm.drv.readl(REG.IDR0 + 4 * k)) >>> 0);
          expect(got, JSON.stringify(smmuv3)).toEqual(idr);
        }
      }
    } finally {
      await s2.close();
    }
  });

  it('reset values, then the Linux reset sequence: CR0 acked in CR0ACK, GBPA update protocol, IRQ_CTRL acked, queue and table bases latched, page-1 EVTQ indexes [A.1]', async () => {
    const vm = await boot('smmu-regs');
    const d = vm.drv;
    // reset image [A.1]: GBPA 0x1000, everything else 0; unknown offsets RAZ
    expect(await d.readl(REG.GBPA)).toBe(0x1000);
    for (const off of [REG.CR0, REG.CR0ACK, REG.CR1, REG.CR2, REG.STATUSR, REG.IRQ_CTRL, REG.IRQ_CTRLACK, REG.GERROR, REG.GERRORN, REG.CMDQ_PROD, REG.CMDQ_CONS, REG.EVTQ_PROD, REG.EVTQ_CONS, REG.STRTAB_BASE_CFG, 0xe00, 0xc0]) {
      expect(await d.readl(off), `0x${off.toString(16)}`).toBe(0);
    }
    // a GBPA write without UPDATE is ignored; with UPDATE it completes at once (UPDATE reads 0)
    await d.writel(REG.GBPA, GBPA.ABORT);
    expect(await d.readl(REG.GBPA)).toBe(0x1000);
    expect(await d.updateGbpa(GBPA.ABORT, 0)).toBe(0x1000 | GBPA.ABORT);
    expect(await d.updateGbpa(0, GBPA.ABORT)).toBe(0x1000);

    await d.init();
    // CR0ACK = CR0 & ~0xFFFFFA20 (QEMU master's mask); the driver waited on it after every CR0 write
    const enables = CR0.CMDQEN | CR0.EVTQEN | CR0.SMMUEN;
    expect(await d.readl(REG.CR0)).toBe(enables);
    expect(await d.readl(REG.CR0ACK)).toBe(enables);
    await d.writel(REG.CR0, enables | (1 << 5) | (1 << 12));
    expect(await d.readl(REG.CR0ACK)).toBe(enables);
    await d.writeRegSync(enables, REG.CR0, REG.CR0ACK);
    expect(await d.readl(REG.CR1)).toBe(0xd75);
    expect(await d.readl(REG.CR2)).toBe(0x6);
    expect(await d.readl(REG.IRQ_CTRL)).toBe(0x5);
    expect(await d.readl(REG.IRQ_CTRLACK)).toBe(0x5);
    expect(await d.readq(REG.STRTAB_BASE)).toBe(d.strtabBase);
    expect(await d.readl(REG.STRTAB_BASE_CFG)).toBe((1 << 16) | (8 << 6) | 16);
    expect(await d.readq(REG.CMDQ_BASE)).toBe(d.cmdq.qBase);
    expect(await d.readq(REG.EVTQ_BASE)).toBe(d.evtq.qBase);
    // the reset ran CFGI_ALL + sync and TLBI_NSNH_ALL + sync: four commands consumed
    expect(await d.readl(REG.CMDQ_PROD)).toBe(4);
    expect(await d.readl(REG.CMDQ_CONS)).toBe(4);
    // EVTQ_PROD/CONS live in page 1 on hardware; QEMU's page 0 alias reads the same
    await d.writel(PAGE1 + REG.EVTQ_CONS, 0);
    expect(await d.readl(REG.EVTQ_PROD)).toBe(await d.readl(PAGE1 + REG.EVTQ_PROD));
    expect(await d.readl(REG.EVTQ_CONS)).toBe(0);
    expect(await d.readl(REG.GERROR)).toBe(0);
  });

  it('IDRs and every register read are the same on hosts arm-smmuv3 and arm-smmuv3-s2 for one VM spec [issue #11]', async () => {
    const s2 = await startTestTwin('arm-smmuv3-s2');
    try {
      const runs: Array<{ trace: SmmuDriver['trace']; records: string[] }> = [];
      for (const [tw, name] of [
        [t, 'smmu-host-a'],
        [s2, 'smmu-host-b'],
      ] as const) {
        const vm = await boot(name, { tw });
        await scenario(vm.drv, async (iova) => {
          expect(smmuFault(await dma(vm, 'net0', iova, 4)).eventId).toBe(0x10);
        });
        await readOk(vm, 'net0', IOVA + 0x2008n, 8);
        runs.push({ trace: vm.drv.trace.map((x) => ({ ...x })), records: vm.drv.events.map((e) => Buffer.from(e.raw).toString('hex')) });
      }
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[0]!.trace.filter((x) => x.op === 'r').length).toBeGreaterThan(64);
    } finally {
      await s2.close();
    }
  });

  it('the same driver over the in-process model (Smmuv3 + guest RAM, no vmm) reads the same registers, writes the same records and raises the same lines as over Guest RPCs', async () => {
    const ram = new FlatRam(RAM0, RAM);
    const raised: string[] = [];
    const cfg = { stage: 1 as const, accel: false, oas: 44 as const, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true } };
    const smmu = new Smmuv3(cfg, ram, (i) => raised.push(i.source));
    const local = new SmmuDriver(modelBus(smmu, ram), { pool: POOL });
    await scenario(local, async (iova) => {
      const r = smmu.dmaTranslate(SID.net0, undefined, iova, false);
      expect(r.ok ? 'ok' : r.event?.id).toBe(0x10);
    });
    const vm = await boot('smmu-inproc');
    await scenario(vm.drv, async (iova) => {
      expect(smmuFault(await dma(vm, 'net0', iova, 4)).eventId).toBe(0x10);
    });
    expect(vm.drv.trace).toEqual(local.trace);
    expect(vm.drv.events.map((e) => Buffer.from(e.raw).toString('hex'))).toEqual(local.events.map((e) => Buffer.from(e.raw).toString('hex')));
    expect(raised).toEqual(['evtq', 'gerror', 'cmdq_sync']);
    expect((await waitInterrupts(vm, 3)).map((x) => x.source)).toEqual(raised);
    // the structures in guest RAM are byte-identical too (stream table, CD, page tables, queues)
    expect((await peek(vm, POOL.start, 0x10000)).equals(Buffer.from(ram.read(POOL.start, 0x10000)))).toBe(true);
  });
});

describe('translation of a virtio device (ACCESS_PLATFORM) [A.4, A.6, A.11, vmm-api]', () => {
  it('SMMUEN=0: GBPA bypass (IOVA = GPA) from reset, GBPA.ABORT aborts without an event', async () => {
    const vm = await boot('smmu-gbpa');
    const data = pattern(64, 3);
    await poke(vm, BUF, data);
    expect((await readOk(vm, 'net0', BUF, 64)).equals(data)).toBe(true);
    await vm.drv.updateGbpa(GBPA.ABORT, 0);
    const f = smmuFault(await dma(vm, 'net0', BUF, 64));
    expect({ eventId: f.eventId, recorded: f.recorded, record: f.record.length }).toEqual({ eventId: 0, recorded: false, record: 0 });
    await vm.drv.updateGbpa(0, GBPA.ABORT);
    expect((await readOk(vm, 'net0', BUF, 64)).equals(data)).toBe(true);
  });

  it('the driver maps, the device reads and writes guest RAM through the 4-level stage-1 table (data checked both ways)', async () => {
    const vm = await boot('smmu-map');
    const dom = await readyS1(vm);
    // the STE and CD as Linux writes them
    const ste = await vm.drv.readSte(SID.net0);
    expect(ste[0]! & 0xfn).toBe(STE.V | STE.CFG_S1_TRANS);
    expect(ste[0]! & ~0xfn & ((1n << 52n) - 1n)).toBe(vm.drv.cdGpa(SID.net0)!);
    const cd = await vm.drv.readQwords(vm.drv.cdGpa(SID.net0)!, 4);
    expect(cd).toEqual(vm.drv.s1Cd(dom).slice(0, 4));
    expect(cd[0]! & (CD.V | CD.A | CD.R | CD.AA64)).toBe(CD.V | CD.A | CD.R | CD.AA64);

    await vm.drv.map(dom, IOVA, BUF, 0x2000n);
    const src = pattern(0x2000, 7);
    await poke(vm, BUF, src);
    expect((await readOk(vm, 'net0', IOVA + 0xf00n, 0x200)).equals(src.subarray(0xf00, 0x1100))).toBe(true);
    const w = pattern(0x300, 8);
    const wr = await dmaWrite(vm, 'net0', IOVA + 0xe80n, w);
    expect(wr.result, JSON.stringify(wr)).toBe('written');
    expect((await peek(vm, BUF + 0xe80n, 0x300)).equals(w)).toBe(true);
    // blk0 is not attached: its STE is the abort STE Linux initialises (no event)
    const f = smmuFault(await dma(vm, 'blk0', IOVA, 8));
    expect({ eventId: f.eventId, recorded: f.recorded }).toEqual({ eventId: 0, recorded: false });
    expect(await vm.drv.drainEvents()).toEqual([]);
    // InspectViommu shows the cached configuration and the IOTLB entries the walk made
    const ins = (await call(t.v.Vmm.InspectViommu, { name: vm.name })).smmuv3!;
    expect(ins.config_cache.map((c) => c.sid)).toContain(SID.net0);
    const tlb = ins.iotlb.filter((e) => BigInt(e.iova) >= IOVA && BigInt(e.iova) < IOVA + 0x2000n).map((e) => [BigInt(e.iova), BigInt(e.pa), e.asid, e.page_shift]);
    expect(tlb.sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint)))).toEqual([
      [IOVA, BUF, dom.asid, 12],
      [IOVA + 0x1000n, BUF + 0x1000n, dom.asid, 12],
    ]);
  });

  it('a skipped TLBI leaves the stale translation usable until TLBI_NH_VA (RIL: TG 4K, TTL 3, NUM/SCALE) + CMD_SYNC is sent', async () => {
    const vm = await boot('smmu-stale');
    const dom = await readyS1(vm);
    const a = pattern(32, 1);
    const b = pattern(32, 2);
    await poke(vm, BUF, a);
    await poke(vm, BUF + 0x1000n, b);
    await vm.drv.map(dom, IOVA, BUF, 0x3000n);
    expect((await readOk(vm, 'net0', IOVA, 32)).equals(a)).toBe(true);
    // remap IOVA → BUF+0x1000 without invalidation: the IOTLB still has the old page
    await vm.drv.setLeaf(dom, IOVA, vm.drv.leafPte(dom, BUF + 0x1000n, {}));
    expect((await readOk(vm, 'net0', IOVA, 32)).equals(a)).toBe(true);
    const sent = await vm.drv.tlbInvRange(dom, IOVA, 0x1000n);
    expect(sent).toEqual([cmdTlbi(OP.TLBI_NH_VA, { asid: dom.asid, leaf: true, tg: 1, ttl: 3, scale: 0, num: 0, addr: IOVA })]);
    expect((await readOk(vm, 'net0', IOVA, 32)).equals(b)).toBe(true);
    // unmap of three pages with the TLBI skipped: all three stay usable
    for (const off of [0n, 0x1000n, 0x2000n]) await readOk(vm, 'net0', IOVA + off, 8);
    expect(await vm.drv.unmap(dom, IOVA, 0x3000n, { skipTlbi: true })).toEqual([]);
    for (const off of [0n, 0x1000n, 0x2000n]) await readOk(vm, 'net0', IOVA + off, 8);
    // one range command covers them: NUM = 3 − 1, SCALE 0
    const inv = vm.drv.tlbiRangeCmds(dom, IOVA, 0x3000n);
    expect(inv).toEqual([cmdTlbi(OP.TLBI_NH_VA, { asid: dom.asid, leaf: true, tg: 1, ttl: 3, scale: 0, num: 2, addr: IOVA })]);
    await vm.drv.issue(inv, true);
    for (const off of [0n, 0x1000n, 0x2000n]) expect(smmuFault(await dma(vm, 'net0', IOVA + off, 8)).eventId).toBe(0x10);
    // an ASID that does not match invalidates nothing
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'net0', IOVA, 8);
    await vm.drv.unmap(dom, IOVA, 0x1000n, { skipTlbi: true });
    await vm.drv.issue([cmdTlbi(OP.TLBI_NH_VA, { asid: dom.asid + 1, addr: IOVA, tg: 1, ttl: 3 })], true);
    await readOk(vm, 'net0', IOVA, 8);
    await vm.drv.issue([cmdTlbi(OP.TLBI_NH_ASID, { asid: dom.asid })], true);
    expect(smmuFault(await dma(vm, 'net0', IOVA, 8)).eventId).toBe(0x10);
  });

  it('the configuration cache: an STE or CD changed without CFGI keeps the old configuration until CFGI_STE / CFGI_CD + CMD_SYNC', async () => {
    const vm = await boot('smmu-cfgi');
    const dom = await readyS1(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'net0', IOVA, 8);
    // the CD made invalid without CFGI_CD: still translating (cached), C_BAD_CD after CFGI_CD
    const cd = vm.drv.s1Cd(dom);
    await vm.drv.writeCd(SID.net0, 0, [cd[0]! & ~CD.V, ...cd.slice(1)], { sync: false });
    await readOk(vm, 'net0', IOVA, 8);
    await vm.drv.issue([cmdCfgiCd(SID.net0, 0)], true);
    expect(smmuFault(await dma(vm, 'net0', IOVA, 8)).eventId).toBe(0x0a);
    await vm.drv.writeCd(SID.net0, 0, cd);
    await readOk(vm, 'net0', IOVA, 8);
    // the STE made an abort STE without CFGI_STE: still translating, aborted after CFGI_STE
    await vm.drv.attachSpecial(SID.net0, 'abort', { sync: false });
    await readOk(vm, 'net0', IOVA, 8);
    await vm.drv.issue([cmdCfgiSte(SID.net0)], true);
    const f = smmuFault(await dma(vm, 'net0', IOVA, 8));
    expect({ eventId: f.eventId, recorded: f.recorded }).toEqual({ eventId: 0, recorded: false });
    // bypass STE: IOVA = GPA
    await vm.drv.attachSpecial(SID.net0, 'bypass');
    const data = pattern(16, 5);
    await poke(vm, BUF + 0x3000n, data);
    expect((await readOk(vm, 'net0', BUF + 0x3000n, 16)).equals(data)).toBe(true);
    expect(await vm.drv.drainEvents()).toHaveLength(1); // only the C_BAD_CD
  });
});

describe('events in the EVTQ: the exact 32 record bytes and the evtq interrupt (SPI 74) [A.3, A.10]', () => {
  /** A faulting DMA whose record must be `want`: the DMA's fault, the EVTQ record, the interrupt. */
  async function expectEvent(vm: Vm, dev: string, iova: bigint, write: boolean, want: Uint8Array, evtqIrqs: number): Promise<void> {
    const r = write ? await dmaWrite(vm, dev, iova, Buffer.alloc(8, 0xab)) : await dma(vm, dev, iova, 8);
    const f = smmuFault(r);
    expect({ eventId: f.eventId, recorded: f.recorded, write: f.write, sid: f.sid }).toEqual({ eventId: want[0], recorded: true, write, sid: decodeEvent(want).sid });
    // SmmuFault.address is "the faulting input address (IOVA)"; the vmm fills it from the
    // record's InputAddr, which only the walk-class events carry (configuration errors: 0)
    if (want[0]! >= 0x0b) expect(f.address).toBe(iova);
    expect(f.record.equals(Buffer.from(want)), `record ${f.record.toString('hex')} vs ${Buffer.from(want).toString('hex')}`).toBe(true);
    const got = await vm.drv.drainEvents();
    expect(got.map((e) => Buffer.from(e.raw).toString('hex'))).toEqual([Buffer.from(want).toString('hex')]);
    const irqs = await waitInterrupts(vm, evtqIrqs);
    expect(irqs.filter((x) => x.source === 'evtq')).toEqual(new Array(evtqIrqs).fill(irq('evtq')));
  }

  it('C_BAD_STREAMID (L1 descriptor span 0; SID beyond a linear table), F_STE_FETCH (L2 table outside RAM), C_BAD_STE (V=0, stage 2 on a stage-1 unit, S1CDMax without SSIDs)', async () => {
    const vm = await boot('smmu-ev-ste');
    await vm.drv.init();
    let n = 0;
    // no L2 table for bus 0 yet: span 0 → C_BAD_STREAMID, no address fields [A.4, A.10]
    await expectEvent(vm, 'net0', IOVA, false, encodeEvent({ id: 0x02, sid: SID.net0 }), ++n);
    // the L1 descriptor points at an L2 table outside RAM: F_STE_FETCH with the STE address in ADDR2
    await vm.drv.probeDevice(SID.net0);
    const l1 = vm.drv.l1DescGpa(SID.net0);
    const [good] = await vm.drv.readQwords(l1, 1);
    await vm.drv.writeQwords(l1, [9n | EABT_GPA]);
    await expectEvent(vm, 'net0', IOVA, true, encodeEvent({ id: 0x03, sid: SID.net0, addr2: EABT_GPA + BigInt(SID.net0) * 64n }), ++n);
    await vm.drv.writeQwords(l1, [good!]);
    // STE V=0 → C_BAD_STE
    await vm.drv.writeSte(SID.net0, [0n, STE.SHCFG_INCOMING]);
    await expectEvent(vm, 'net0', IOVA, false, encodeEvent({ id: 0x04, sid: SID.net0 }), ++n);
    // Config S2 on a unit without S2P → C_BAD_STE ("S2 used but not supported")
    const dom = await vm.drv.allocDomain();
    await vm.drv.writeSte(SID.net0, vm.drv.s2Ste({ ...dom, stage: 2, vmid: 1, ias: 44, startLevel: 0 }));
    await expectEvent(vm, 'net0', IOVA, false, encodeEvent({ id: 0x04, sid: SID.net0 }), ++n);
    // S1CDMax ≠ 0 with ssidsize 0 → C_BAD_STE
    await vm.drv.attach(dom, SID.net0);
    const m = vm.drv.masters.get(SID.net0)!;
    await vm.drv.writeSte(SID.net0, [vm.drv.cdtableSte(m)[0]! | (1n << 59n), ...vm.drv.cdtableSte(m).slice(1)]);
    await expectEvent(vm, 'net0', IOVA, false, encodeEvent({ id: 0x04, sid: SID.net0 }), ++n);

    // a linear table of 32 STEs: SID 0x20 ≥ 2^LOG2SIZE → C_BAD_STREAMID
    const blk2: Dev = { id: 'blk2', guest_bdf: '0000:00:02.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_BLK', access_platform: true } };
    const lin = await boot('smmu-ev-linear', { devices: [net0, blk2], strtab: 'linear', linearSidBits: 5 });
    await lin.drv.init();
    expect(await lin.drv.readl(REG.STRTAB_BASE_CFG)).toBe(5);
    await expectEvent(lin, 'net0', IOVA, false, encodeEvent({ id: 0x02, sid: SID.net0 }), 1);
    // SID 0x10 is inside: the abort STE Linux initialised aborts silently
    const f = smmuFault(await dma(lin, 'blk2', IOVA, 8));
    expect({ eventId: f.eventId, recorded: f.recorded }).toEqual({ eventId: 0, recorded: false });
  });

  it('C_BAD_CD (V=0, A=0, HA/HD set, T0SZ < 16)', async () => {
    const vm = await boot('smmu-ev-cd');
    const dom = await readyS1(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    const cd = vm.drv.s1Cd(dom);
    let n = 0;
    for (const bad of [cd[0]! & ~CD.V, cd[0]! & ~CD.A, cd[0]! | CD.HA | CD.HD, (cd[0]! & ~0x3fn) | 15n]) {
      await vm.drv.writeCd(SID.net0, 0, [bad, ...cd.slice(1)]);
      await expectEvent(vm, 'net0', IOVA, false, encodeEvent({ id: 0x0a, sid: SID.net0 }), ++n);
    }
    await vm.drv.writeCd(SID.net0, 0, cd);
    await readOk(vm, 'net0', IOVA, 8);
  });

  it('F_CD_FETCH (CD table outside RAM): the CD address in InputAddr (EVT_SET_ADDR, as QEMU records it), nothing in ADDR2', async () => {
    const vm = await boot('smmu-ev-cdfetch');
    const dom = await readyS1(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'net0', IOVA, 8);
    const m = vm.drv.masters.get(SID.net0)!;
    await vm.drv.writeSte(SID.net0, vm.drv.cdtableSte({ ...m, cdtab: EABT_GPA }));
    await expectEvent(vm, 'net0', IOVA, true, encodeEvent({ id: 0x09, sid: SID.net0, inputAddr: EABT_GPA }), 1);
  });

  it('F_TRANSLATION, F_PERMISSION, F_ACCESS, F_ADDR_SIZE (CLASS IN, RnW, InputAddr = the IOVA, no ADDR2 for stage 1) only when CD.R asks; F_WALK_EABT (CLASS TT, the PTE address) always', async () => {
    const vm = await boot('smmu-ev-walk');
    const dom = await readyS1(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n, { write: false });
    await vm.drv.map(dom, IOVA + 0x1000n, BUF, 0x1000n, { noAf: true });
    await vm.drv.map(dom, IOVA + 0x2000n, 1n << 44n, 0x1000n);
    let n = 0;
    const sid = SID.net0;
    // not mapped → F_TRANSLATION at the access address
    await expectEvent(vm, 'net0', IOVA + 0x5010n, false, encodeEvent({ id: 0x10, sid, rnw: true, cls: 2, inputAddr: IOVA + 0x5010n }), ++n);
    // a write to a read-only page (AP[2]) → F_PERMISSION, RnW clear
    await readOk(vm, 'net0', IOVA, 8);
    await expectEvent(vm, 'net0', IOVA + 0x10n, true, encodeEvent({ id: 0x13, sid, rnw: false, cls: 2, inputAddr: IOVA + 0x10n }), ++n);
    // AF clear, CD.AFFD clear → F_ACCESS (before permission)
    await expectEvent(vm, 'net0', IOVA + 0x1000n, true, encodeEvent({ id: 0x12, sid, rnw: false, cls: 2, inputAddr: IOVA + 0x1000n }), ++n);
    // output address ≥ 2^44 (the CD's IPS capped to IDR5.OAS) → F_ADDR_SIZE
    await expectEvent(vm, 'net0', IOVA + 0x2000n, false, encodeEvent({ id: 0x11, sid, rnw: true, cls: 2, inputAddr: IOVA + 0x2000n }), ++n);
    // a level-1 table pointer outside RAM: F_WALK_EABT, CLASS TT, ADDR2 = the level-2 entry that could not be read
    const WALK = 0x100_0000_0000n; // L0 index 2
    await vm.drv.map(dom, WALK, BUF, 0x1000n);
    const l1e = (await vm.drv.ptePointer(dom, WALK, 1))!;
    await vm.drv.writeQwords(l1e, [EABT_GPA | PTE.TYPE_TABLE]);
    const l2Index = (WALK >> 21n) & 0x1ffn;
    await expectEvent(vm, 'net0', WALK, false, encodeEvent({ id: 0x0b, sid, rnw: true, cls: 1, inputAddr: WALK, addr2: EABT_GPA + l2Index * 8n }), ++n);

    // CD.R clear: the same faults are not recorded (no record, no interrupt), EABT still is
    const prod = await vm.drv.readl(PAGE1 + REG.EVTQ_PROD);
    await vm.drv.writeCd(SID.net0, 0, vm.drv.s1Cd(dom, { r: false }));
    for (const [iova, write] of [
      [IOVA + 0x5000n, false],
      [IOVA, true],
      [IOVA + 0x1000n, false],
      [IOVA + 0x2000n, false],
    ] as const) {
      const f = smmuFault(write ? await dmaWrite(vm, 'net0', iova, Buffer.alloc(8)) : await dma(vm, 'net0', iova, 8));
      expect(f.recorded, `0x${iova.toString(16)}`).toBe(false);
    }
    await settleEvents();
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(prod);
    expect(interrupts(vm)).toHaveLength(n);
    await expectEvent(vm, 'net0', WALK, true, encodeEvent({ id: 0x0b, sid, rnw: false, cls: 1, inputAddr: WALK, addr2: EABT_GPA + l2Index * 8n }), ++n);
    // CD.AFFD: a clear AF is no fault
    await vm.drv.writeCd(SID.net0, 0, vm.drv.s1Cd(dom, { affd: true }));
    await readOk(vm, 'net0', IOVA + 0x1000n, 8);
  });

  it('stage 2 (a stage-2 unit): F_TRANSLATION / F_PERMISSION with S2 set and the IPA in ADDR2, only when STE.S2R asks; TLBI_S2_IPA drops a stale entry', async () => {
    const vm = await boot('smmu-ev-s2', { smmuv3: { stage: 'SMMUV3_STAGE_2' } });
    await vm.drv.init();
    const dom = await vm.drv.allocDomain();
    expect({ stage: dom.stage, vmid: dom.vmid, ias: dom.ias, startLevel: dom.startLevel }).toEqual({ stage: 2, vmid: 1, ias: 44, startLevel: 0 });
    await vm.drv.attach(dom, SID.net0);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n, { write: false });
    const data = pattern(32, 9);
    await poke(vm, BUF, data);
    expect((await readOk(vm, 'net0', IOVA, 32)).equals(data)).toBe(true);
    const sid = SID.net0;
    await expectEvent(vm, 'net0', IOVA + 0x3008n, false, encodeEvent({ id: 0x10, sid, rnw: true, s2: true, cls: 2, inputAddr: IOVA + 0x3008n, addr2: IOVA + 0x3008n }), 1);
    // a write to a read-only page the walk reaches (S2AP read only): the IPA in ADDR2. (A cached
    // read-only entry is another matter in QEMU: smmu_translate reports it as a stage-1 fault.)
    await vm.drv.map(dom, IOVA + 0x1000n, BUF, 0x1000n, { write: false });
    await expectEvent(vm, 'net0', IOVA + 0x1008n, true, encodeEvent({ id: 0x13, sid, rnw: false, s2: true, cls: 2, inputAddr: IOVA + 0x1008n, addr2: IOVA + 0x1008n }), 2);
    // stale until TLBI_S2_IPA
    await vm.drv.unmap(dom, IOVA, 0x1000n, { skipTlbi: true });
    await readOk(vm, 'net0', IOVA, 8);
    const inv = await vm.drv.tlbInvRange(dom, IOVA, 0x1000n);
    expect(inv).toEqual([cmdTlbi(OP.TLBI_S2_IPA, { vmid: 1, leaf: true, tg: 1, ttl: 3, scale: 0, num: 0, addr: IOVA })]);
    // S2R clear: not recorded
    await vm.drv.writeSte(SID.net0, vm.drv.s2Ste(dom, { s2r: false }));
    expect(smmuFault(await dma(vm, 'net0', IOVA, 8)).recorded).toBe(false);
    expect(await vm.drv.drainEvents()).toEqual([]);
    // TLBI_NH_VA is illegal on a unit without stage 1 (CERROR_ILL)
    vm.drv.handleGerror = false;
    await vm.drv.queueCommands([cmdTlbi(OP.TLBI_NH_VA, { asid: 1, addr: IOVA })]);
    await vm.drv.publishProd();
    expect((await vm.drv.readl(REG.CMDQ_CONS)) >>> 24).toBe(CERROR.ILL);
  });

  it('nested (a stage=nested unit): stage 1 over stage 2; the stage-2 lookups of the output (CLASS IN), of a stage-1 table (CLASS TT) and of the CD (CLASS CD) fault with the IPA in ADDR2 (S2 set, recorded per STE.S2R, but for the table: QEMU reports it as stage 1)', async () => {
    const vm = await boot('smmu-ev-nested', { smmuv3: { stage: 'SMMUV3_STAGE_NESTED' } });
    await vm.drv.init();
    const s2 = await vm.drv.allocDomain({ stage: 2 });
    const s1 = await vm.drv.allocDomain({ stage: 1 });
    expect([s1.stage, s2.stage]).toEqual([1, 2]);
    // stage 2: the driver's pool (CD, stage-1 tables) and BUF identity-mapped with 2 MiB blocks
    await vm.drv.mapBlocks(s2, POOL.start, POOL.start, POOL.end - POOL.start);
    await vm.drv.mapBlocks(s2, BUF, BUF, 2n * MiB);
    await vm.drv.attachNested(s1, s2, SID.net0);
    await vm.drv.map(s1, IOVA, BUF + 0x1000n, 0x1000n);
    const data = pattern(64, 11);
    await poke(vm, BUF + 0x1000n, data);
    expect((await readOk(vm, 'net0', IOVA, 64)).equals(data)).toBe(true);
    const w = pattern(32, 12);
    expect((await dmaWrite(vm, 'net0', IOVA + 0x100n, w)).result).toBe('written');
    expect((await peek(vm, BUF + 0x1100n, 32)).equals(w)).toBe(true);
    const sid = SID.net0;
    const HOLE = RAM0 + 48n * MiB; // guest RAM that stage 2 does not map
    // the stage-1 output IPA is outside stage 2: CLASS IN, ADDR2 = the IPA of the access
    await vm.drv.map(s1, IOVA + 0x1000n, HOLE, 0x1000n);
    await expectEvent(vm, 'net0', IOVA + 0x1010n, true, encodeEvent({ id: 0x10, sid, rnw: false, s2: true, cls: 2, inputAddr: IOVA + 0x1010n, addr2: HOLE + 0x10n }), 1);
    // a stage-1 table at an IPA outside stage 2: CLASS TT, ADDR2 = the table's IPA; S2 clear, as
    // QEMU reports it (smmu_ptw_64_s1's error path sets stage 1 over translate_table_addr_ipa's 2)
    const WALK = 0x100_0000_0000n;
    await vm.drv.map(s1, WALK, BUF, 0x1000n);
    await vm.drv.writeQwords((await vm.drv.ptePointer(s1, WALK, 1))!, [HOLE | PTE.TYPE_TABLE]);
    await expectEvent(vm, 'net0', WALK, false, encodeEvent({ id: 0x10, sid, rnw: true, s2: false, cls: 1, inputAddr: WALK, addr2: HOLE }), 2);
    // the CD at an IPA outside stage 2: CLASS CD, RnW set (the CD is read) whatever the access
    const m = vm.drv.masters.get(SID.net0)!;
    await vm.drv.writeSte(SID.net0, vm.drv.nestedSte({ ...m, cdtab: HOLE }, s2));
    await expectEvent(vm, 'net0', IOVA, true, encodeEvent({ id: 0x10, sid, rnw: true, s2: true, cls: 0, inputAddr: IOVA, addr2: HOLE }), 3);
    // STE.S2R clear: not recorded
    await vm.drv.writeSte(SID.net0, vm.drv.nestedSte({ ...m, cdtab: HOLE }, s2, { s2r: false }));
    expect(smmuFault(await dma(vm, 'net0', IOVA, 8)).recorded).toBe(false);
    expect(await vm.drv.drainEvents()).toEqual([]);
  });

  it('EVTQ full: the next event is dropped with GERROR.EVTQ_ABT_ERR and the gerror interrupt (SPI 77), PROD never carries the overflow flag; EVENTQEN clear records nothing', async () => {
    const vm = await boot('smmu-ev-full', { evtqLog2: 2 });
    await readyS1(vm);
    expect(Number(vm.drv.evtq.qBase & 0x1fn)).toBe(2);
    for (let i = 0; i < 4; i++) expect(smmuFault(await dma(vm, 'net0', IOVA + BigInt(i) * 0x1000n, 8)).recorded).toBe(true);
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(0b100); // wrap set, index 0: full
    const f = smmuFault(await dma(vm, 'net0', IOVA + 0x9000n, 8));
    expect(f.recorded).toBe(false);
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(0b100);
    expect(((await vm.drv.readl(REG.GERROR)) ^ (await vm.drv.readl(REG.GERRORN))) & GERROR.EVTQ_ABT_ERR).toBe(GERROR.EVTQ_ABT_ERR);
    const irqs = await waitInterrupts(vm, 5);
    expect(irqs.map((x) => x.source)).toEqual(['evtq', 'evtq', 'evtq', 'evtq', 'gerror']);
    expect(irqs[4]).toEqual(irq('gerror'));
    // a second drop while the error is active toggles nothing and raises nothing
    await dma(vm, 'net0', IOVA + 0xa000n, 8);
    await settleEvents();
    expect(interrupts(vm)).toHaveLength(5);
    // the driver drains (four records, oldest first) and acks
    const got = await vm.drv.drainEvents();
    expect(got.map((e) => e.inputAddr)).toEqual([0n, 1n, 2n, 3n].map((i) => IOVA + i * 0x1000n));
    expect(vm.drv.evtqOverflows).toBe(0);
    const rep = (await vm.drv.gerrorHandler())!;
    expect(rep.active).toBe(GERROR.EVTQ_ABT_ERR);
    expect(await vm.drv.readl(REG.GERROR)).toBe(await vm.drv.readl(REG.GERRORN));
    // recorded again, at index 0 of the next lap
    expect(smmuFault(await dma(vm, 'net0', IOVA + 0xb000n, 8)).recorded).toBe(true);
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(0b101);
    expect((await vm.drv.drainEvents()).map((e) => e.inputAddr)).toEqual([IOVA + 0xb000n]);
    // EVENTQEN clear: nothing recorded, no GERROR
    await vm.drv.writeRegSync(CR0.CMDQEN | CR0.SMMUEN, REG.CR0, REG.CR0ACK);
    const g = smmuFault(await dma(vm, 'net0', IOVA + 0xc000n, 8));
    expect(g.recorded).toBe(false);
    expect(await vm.drv.readl(PAGE1 + REG.EVTQ_PROD)).toBe(0b101);
    expect(await vm.drv.readl(REG.GERROR)).toBe(await vm.drv.readl(REG.GERRORN));
  });
});

describe('command queue [A.3, A.7, A.9]', () => {
  it('an illegal command: CONS stays on it with CONS.ERR = CERROR_ILL, GERROR.CMDQ_ERR toggled + gerror interrupt, the queue stops; the driver skips it (arm_smmu_cmdq_skip_err) and GERRORN restarts it', async () => {
    const vm = await boot('smmu-cmd-ill');
    const dom = await readyS1(vm);
    await vm.drv.map(dom, IOVA, BUF, 0x1000n);
    await readOk(vm, 'net0', IOVA, 8);
    await vm.drv.unmap(dom, IOVA, 0x1000n, { skipTlbi: true });
    vm.drv.handleGerror = false;
    const cons0 = await vm.drv.readCmdqCons();
    const bad: [bigint, bigint] = [0x07n, 0n]; // QEMU's SMMU_CMD_CFGI_ALL value: not a command
    await vm.drv.queueCommands([cmdTlbi(OP.TLBI_NSNH_ALL), bad, cmdTlbi(OP.TLBI_NH_ASID, { asid: dom.asid }), cmdSync(SYNC_CS.SEV)]);
    await vm.drv.publishProd();
    const cons = (await vm.drv.readl(REG.CMDQ_CONS)) >>> 0;
    expect(cons).toBe(((cons0 + 1) | (CERROR.ILL << 24)) >>> 0);
    expect(((await vm.drv.readl(REG.GERROR)) ^ (await vm.drv.readl(REG.GERRORN))) & GERROR.CMDQ_ERR).toBe(GERROR.CMDQ_ERR);
    expect((await waitInterrupts(vm, 1)).filter((x) => x.source === 'gerror')).toEqual([irq('gerror')]);
    // the NSNH_ALL before it took effect, the queue is stopped: another PROD write moves nothing
    expect(smmuFault(await dma(vm, 'net0', IOVA, 8)).eventId).toBe(0x10);
    await vm.drv.publishProd();
    expect((await vm.drv.readl(REG.CMDQ_CONS)) >>> 0).toBe(cons);
    // recovery as Linux's gerror handler does it
    const rep = (await vm.drv.gerrorHandler())!;
    expect(rep).toMatchObject({ active: GERROR.CMDQ_ERR, cerror: CERROR.ILL, skipped: bad });
    const after = (await vm.drv.readl(REG.CMDQ_CONS)) >>> 0;
    expect(after & 0xffffff).toBe(vm.drv.cmdq.prod);
    // QEMU keeps CONS.ERR from the last error (queue_cons_incr deposits the index bits only)
    expect(after >>> 24).toBe(CERROR.ILL);
    expect(await vm.drv.readl(REG.GERROR)).toBe(await vm.drv.readl(REG.GERRORN));
    vm.drv.handleGerror = true;
    await vm.drv.issue([cmdCfgiSte(SID.net0)], true);
  });

  it('SSec set on a CFGI, TLBI_S12_VMALL on a stage-1 unit: CERROR_ILL; the driver recovers on its own while waiting for its CMD_SYNC', async () => {
    const vm = await boot('smmu-cmd-ssec');
    await vm.drv.init();
    for (const bad of [[cmdCfgiSte(SID.net0)[0] | (1n << 10n), 1n] as [bigint, bigint], cmdTlbi(OP.TLBI_S12_VMALL, { vmid: 1 })]) {
      const before = vm.drv.gerrors.length;
      await vm.drv.issue([bad], true);
      expect(vm.drv.gerrors.length).toBe(before + 1);
      expect(vm.drv.gerrors.at(-1)).toMatchObject({ cerror: CERROR.ILL, skipped: bad });
    }
    expect((await waitInterrupts(vm, 2)).filter((x) => x.source === 'gerror')).toEqual([irq('gerror'), irq('gerror')]);
  });

  it('CMD_SYNC with CS=IRQ pulses the cmdq_sync line (SPI 76), CS=SEV and CS=NONE do not; the queue wraps', async () => {
    const vm = await boot('smmu-cmd-sync', { cmdqLog2: 3 });
    await vm.drv.init();
    await settleEvents();
    expect(interrupts(vm)).toEqual([]);
    await vm.drv.issue([cmdCfgiSte(SID.net0)], true, 'irq');
    expect(await waitInterrupts(vm, 1)).toEqual([irq('cmdq_sync')]);
    await vm.drv.issue([cmdCfgiSte(SID.net0)], true, 'sev');
    await vm.drv.issue([cmdCfgiSte(SID.net0)], true, 'none');
    await settleEvents();
    expect(interrupts(vm)).toHaveLength(1);
    // 8 entries: after reset's 4 and these 6 commands the indexes wrapped (wrap bit 3)
    expect(vm.drv.cmdq.prod).toBe(0b1000 | 2);
    expect((await vm.drv.readl(REG.CMDQ_CONS)) >>> 0).toBe(0b1000 | 2);
    for (let i = 0; i < 5; i++) await vm.drv.issue([cmdCfgiSte(SID.net0), cmdCfgiSte(SID.blk0)], true, 'irq');
    expect((await waitInterrupts(vm, 6)).every((x) => x.source === 'cmdq_sync' && x.data === SPI.cmdq_sync)).toBe(true);
    expect((await vm.drv.readl(REG.CMDQ_CONS)) >>> 0).toBe(vm.drv.cmdq.prod);
  });
});

