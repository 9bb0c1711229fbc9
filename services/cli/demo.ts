/**
 * `iommu-twin demo`: a short scripted scenario against a running `iommu-twin up` (host-iommu +
 * vmm). It plays the orchestrator (root fd passing), the guest OS (a vIOMMU driver, memory) and
 * the devices (DMA), and checks every outcome it expects; exit 0 only if all of them held.
 *
 * Scenes: `virtio-iommu` (default; any host, the NIC assigned through the EMULATED backend) and
 * `smmuv3` (an Arm host: machine virt with an SMMUv3 driven by libs/guest/smmu-driver.ts as
 * Linux's arm-smmu-v3 driver programs it, a virtio-net behind it).
 */
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import type { DmaResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/DmaResponse.js';
import type { InspectResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/InspectResponse.js';
import type { IotlbStats__Output } from '#libs/rpc/gen/iommutwin/host/v1/IotlbStats.js';
import type { WatchEventsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/WatchEventsResponse.js';
import {
  Session,
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
  VIRTIO_IOMMU_STATUS,
  addConnectionOptions,
  checkVirtioStatus,
  connectionOf,
  followStream,
  getVm,
  startVm,
} from './ctl.js';
import {
  CERROR,
  CR0,
  GERROR,
  REG,
  SmmuDriver,
  STE,
  cmdCfgiSte,
  cmdSync,
  grpcBus,
  type SmmuEvent,
  type SmmuFeatures,
} from '#libs/guest/smmu-driver.js';
import { CliError, bytesText, errorLine, errorSummary, hex, jsonText, pageSizeText, virtioFaultReason } from './format.js';

const MiB = 1n << 20n;
export const DEMO_NIC = '0000:01:00.0';
const NIC_GUEST_BDF = '0000:00:03.0';
const NET_GUEST_BDF = '0000:00:04.0';
const DOMAIN = 1;
const MAP_IOVA = MiB;
const MAP_SIZE = 64n * 1024n;
const MAP_GPA = 16n * MiB;
const OUTSIDE_IOVA = 4n * MiB;
const BYPASS_GPA = 0x2000n;

export interface DemoCheck {
  what: string;
  ok: boolean;
}
export interface DemoStep {
  step: number;
  title: string;
  ok: boolean;
  notes: string[];
  checks: DemoCheck[];
}
/** The scenes `iommu-twin demo --scene` runs. */
export const DEMO_SCENES = ['virtio-iommu', 'smmuv3'] as const;
export type DemoScene = (typeof DEMO_SCENES)[number];

export interface DemoReport {
  ok: boolean;
  scene: DemoScene;
  host: string;
  vmm: string;
  vm: string;
  steps: DemoStep[];
  error?: string;
}

/** Records steps and prints them as they happen (text mode). */
class Narrator {
  readonly steps: DemoStep[] = [];
  private cur: DemoStep | undefined;

  constructor(private readonly print: ((s: string) => void) | undefined) {}

  step(title: string): void {
    this.cur = { step: this.steps.length + 1, title, ok: true, notes: [], checks: [] };
    this.steps.push(this.cur);
    this.print?.(`\n${String(this.cur.step).padStart(2)}. ${title}\n`);
  }

  note(line: string): void {
    this.cur!.notes.push(line);
    this.print?.(`    ${line}\n`);
  }

  expect(what: string, ok: boolean): boolean {
    this.cur!.checks.push({ what, ok });
    if (!ok) this.cur!.ok = false;
    this.print?.(`    ${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
    return ok;
  }

  /** Ends the step: throws when one of its checks failed (later steps build on it). */
  done(): void {
    const c = this.cur!;
    if (!c.ok) throw new DemoFailed(c);
  }

  fail(e: unknown): void {
    if (this.cur) {
      this.cur.ok = false;
      this.cur.notes.push(errorLine(e));
      this.print?.(`    FAIL ${errorLine(e)}\n`);
    }
  }
}

class DemoFailed extends Error {
  constructor(readonly step: DemoStep) {
    super(`step ${step.step} (${step.title}): ${step.checks.filter((c) => !c.ok).map((c) => c.what).join('; ')}`);
  }
}

const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('utf8');

function dmaText(r: DmaResponse__Output): string {
  if (r.result === 'data') return `read ${JSON.stringify(text(r.data))}`;
  if (r.result === 'written') return `wrote ${r.written} bytes`;
  if (r.result === 'host_fault') return `host fault ${r.host_fault!.reason.replace('DMA_FAULT_REASON_', '')} at ${hex(r.host_fault!.addr)} (${r.host_fault!.unit})`;
  if (r.result === 'virtio_fault') return `virtio-iommu fault ${virtioFaultReason(r.virtio_fault!.reason)} at ${hex(r.virtio_fault!.address)}`;
  return 'no result';
}

function unitStats(r: InspectResponse__Output, unit: string): IotlbStats__Output | undefined {
  return r.iotlbs.find((t) => t.cache === `${unit}/iotlb`) ?? r.iotlbs.find((t) => t.cache.startsWith(unit));
}

const delta = (a: IotlbStats__Output | undefined, b: IotlbStats__Output | undefined, k: 'hits' | 'misses' | 'walks' | 'invalidations'): bigint =>
  BigInt(b?.[k] ?? '0') - BigInt(a?.[k] ?? '0');

/** The highest host event sequence retained now (read until the stream is quiet). */
async function lastHostSequence(s: Session): Promise<bigint> {
  let last = 0n;
  await followStream(s.host.Platform.WatchEvents({ after_sequence: '0' }), (e) => {
    if (BigInt(e.sequence) > last) last = BigInt(e.sequence);
  }, { idleMs: 300, firstWaitMs: 1000, target: s.hostLabel });
  return last;
}

/** The first host event after `after` matching `pred`, or undefined after `timeoutMs`. */
async function waitHostEvent(s: Session, after: bigint, pred: (e: WatchEventsResponse__Output) => boolean, timeoutMs: number): Promise<WatchEventsResponse__Output | undefined> {
  let found: WatchEventsResponse__Output | undefined;
  const stream = s.host.Platform.WatchEvents({ after_sequence: after.toString() });
  const timer = setTimeout(() => stream.cancel(), timeoutMs);
  try {
    await followStream(stream, (e) => {
      if (!found && pred(e)) {
        found = e;
        stream.cancel();
      }
    }, { target: s.hostLabel }).catch((e: unknown) => {
      if (!found && errorSummary(e).status !== 'CANCELLED') throw e;
    });
  } finally {
    clearTimeout(timer);
  }
  return found;
}

/** Guest-visible events of a VM retained now: waits up to `firstWaitMs` for the first, then until quiet. */
async function guestEvents(s: Session, vm: string, firstWaitMs: number): Promise<number> {
  return followStream(s.vmm.Guest.Events({ vm, after_sequence: '0' }), () => undefined, { idleMs: 300, firstWaitMs, target: s.vmmLabel });
}

/** The demo VM: virtio-iommu, 256 MiB, the NIC assigned (EMULATED backend) and a virtio-net with ACCESS_PLATFORM. */
export function demoSpec(name: string) {
  return {
    name,
    memory_bytes: String(256n * MiB),
    machine: 'q35',
    viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' as const },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [
      { id: 'nic0', guest_bdf: NIC_GUEST_BDF, vfio: { host_bdf: DEMO_NIC, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' as const } },
      { id: 'net0', guest_bdf: NET_GUEST_BDF, virtio: { type: 'VIRTIO_DEVICE_TYPE_NET' as const, access_platform: true } },
    ],
  };
}

/**
 * Runs the scenario; returns the report (ok only if every expected outcome held). `print`
 * receives the narration as it happens (omit it for a silent run).
 */
export async function runDemo(s: Session, print?: (text: string) => void, vmName = `demo-${randomBytes(3).toString('hex')}`): Promise<DemoReport> {
  const n = new Narrator(print);
  const report: DemoReport = { ok: false, scene: 'virtio-iommu', host: s.opts.host, vmm: s.opts.vmm, vm: vmName, steps: n.steps };
  let created = false;
  let deleted = false;
  const dma = (device: string, iova: bigint, length: number, data?: Buffer) =>
    s.vcall(s.vmm.Guest.Dma, { vm: vmName, device_id: device, iova: iova.toString(), length: String(data ? data.length : length), write: data !== undefined, data: data ?? Buffer.alloc(0) });
  const viommu = (req: Record<string, unknown>) => s.vcall(s.vmm.Guest.VirtioIommuRequest, { vm: vmName, ...req });
  try {
    // ---------------------------------------------------------------- 1
    n.step('Describe the host (Platform.Describe)');
    const desc = await s.hcall(s.host.Platform.Describe, {});
    n.note(`host ${desc.name} (${desc.arch}): IOMMU units ${desc.units.map((u) => u.name).join(', ')}; ${desc.devices.length} PCI devices in ${desc.groups.length} groups`);
    const nic = desc.devices.find((d) => d.bdf === DEMO_NIC);
    if (nic) n.note(`NIC ${nic.bdf} "${nic.description}": cdev ${nic.cdev || '-'}, group ${nic.group}, unit ${nic.unit}, driver ${nic.driver}`);
    n.expect(`${DEMO_NIC} exists, is bound to vfio-pci and has a VFIO cdev`, !!nic && nic.driver === 'vfio-pci' && nic.cdev !== '');
    const users = (await s.vcall(s.vmm.Vmm.ListVms, {})).vms.filter((v) => v.state === 'VM_STATE_RUNNING' && v.devices.some((d) => d.host_bdf === DEMO_NIC)).map((v) => v.spec?.name ?? '?');
    n.expect(`${DEMO_NIC} is not assigned to a running VM${users.length > 0 ? ` (it is: ${users.join(', ')})` : ''}`, users.length === 0);
    n.done();
    const unit = nic!.unit;
    const hostBefore = await s.hcall(s.host.Platform.Inspect, { host: true });
    const eventsBefore = await lastHostSequence(s);
    n.note(`host pinned now: ${hostBefore.pinned?.bytes ?? '0'} bytes; host event log at sequence ${eventsBefore}`);

    // ---------------------------------------------------------------- 2
    n.step(`Create VM ${vmName} (Vmm.CreateVm): virtio-iommu, 256 MiB, ${DEMO_NIC} assigned (EMULATED), virtio-net with ACCESS_PLATFORM`);
    const c = (await s.vcall(s.vmm.Vmm.CreateVm, { spec: demoSpec(vmName) })).vm!;
    created = true;
    n.note(`state ${c.state.replace('VM_STATE_', '')}, host process pid ${c.host_pid} (principal qemu)`);
    n.expect('the VM is DEFINED with a host process', c.state === 'VM_STATE_DEFINED' && c.host_pid > 0);
    n.done();
    const pid = c.host_pid;

    // ---------------------------------------------------------------- 3
    n.step('Start it as libvirt would: root opens the nodes, SendFd into the VM process, StartVm with passed_fds');
    const started = await startVm(s, vmName);
    for (const [id, fd] of Object.entries(started.passed)) n.note(`${started.paths[id]} → fd ${fd} in pid ${pid} (for ${id}); root's copy closed`);
    const vm = started.vm;
    const nicInfo = vm.devices.find((d) => d.id === 'nic0')!;
    const netInfo = vm.devices.find((d) => d.id === 'net0')!;
    n.note(`state ${vm.state.replace('VM_STATE_', '')}; nic0 at guest ${nicInfo.guest_bdf} = endpoint ${hex(nicInfo.endpoint_id)}, backend ${nicInfo.backend}, host iommufd fd ${nicInfo.host?.iommufd}, IOAS ${nicInfo.host?.ioas_ids.join(',')}, HWPT ${nicInfo.host?.hwpt_ids.join(',')}`);
    n.expect('the VM is RUNNING', vm.state === 'VM_STATE_RUNNING');
    n.expect('it took the passed fds (iommufd0 and nic0)', started.passed.iommufd0 !== undefined && started.passed.nic0 !== undefined && nicInfo.host?.iommufd === started.passed.iommufd0 && nicInfo.host?.device_fd === started.passed.nic0);
    n.expect('nic0 uses the EMULATED backend with its own IOAS and HWPT', nicInfo.backend === 'EMULATED' && (nicInfo.host?.ioas_ids.length ?? 0) === 1 && (nicInfo.host?.hwpt_ids.length ?? 0) === 1);
    n.done();
    const nicObj = { pid, fd: nicInfo.host!.iommufd, id: nicInfo.host!.ioas_ids[0]! };

    // ---------------------------------------------------------------- 4
    n.step('Boot bypass: before the guest driver runs, the NIC reaches guest RAM identity-mapped (IOVA = GPA)');
    const cfg = await s.vcall(s.vmm.Guest.VirtioIommuConfig, { vm: vmName });
    const msg = Buffer.from('hello from the guest (bypass)');
    await s.vcall(s.vmm.Guest.WriteMemory, { vm: vmName, gpa: BYPASS_GPA.toString(), data: msg });
    const b = await dma('nic0', BYPASS_GPA, msg.length);
    const ins0 = await s.hcall(s.host.Platform.Inspect, { iommufd_object: nicObj });
    n.note(`config.bypass = ${cfg.bypass}; guest wrote ${JSON.stringify(msg.toString())} at GPA ${hex(BYPASS_GPA)}; nic0 DMA at IOVA ${hex(BYPASS_GPA)}: ${dmaText(b)}`);
    n.note(`nic0's host IOAS: ${ins0.areas.length} area(s) covering guest RAM, ${bytesText(ins0.pinned?.bytes ?? '0')} pinned`);
    n.expect('config.bypass is 1', cfg.bypass === 1);
    n.expect('the device read exactly what the guest wrote', b.result === 'data' && text(b.data) === msg.toString());
    n.expect('all 256 MiB of guest RAM is pinned for the identity mapping', ins0.pinned?.bytes === String(256n * MiB));
    n.done();

    // ---------------------------------------------------------------- 5
    n.step(`The guest driver takes over: features, ATTACH nic0 (endpoint ${hex(nicInfo.endpoint_id)}) to domain ${DOMAIN}`);
    const feat = await s.vcall(s.vmm.Guest.VirtioIommuSetFeatures, { vm: vmName, driver_features: cfg.device_features });
    const att = await viommu({ attach: { domain: DOMAIN, endpoint: nicInfo.endpoint_id, flags: 0, reserved: 0 } });
    const empty = await dma('nic0', BYPASS_GPA, msg.length);
    const ins1 = await s.hcall(s.host.Platform.Inspect, { iommufd_object: nicObj });
    n.note(`driver features ${hex(cfg.device_features)}: FEATURES_OK ${feat.features_ok}; ATTACH: ${VIRTIO_IOMMU_STATUS[att.status ?? -1] ?? 'not processed'}`);
    n.note(`nic0 DMA at IOVA ${hex(BYPASS_GPA)} now: ${dmaText(empty)}; host IOAS: ${ins1.areas.length} areas, ${bytesText(ins1.pinned?.bytes ?? '0')} pinned`);
    n.expect('FEATURES_OK and ATTACH S_OK', feat.features_ok && att.status === 0);
    n.expect('the empty domain blocks the old identity mapping: the DMA faults on the host', empty.result === 'host_fault');
    n.expect('the identity mapping is gone from the host IOAS and nothing is pinned', ins1.areas.length === 0 && ins1.pinned?.bytes === '0');
    n.done();

    // ---------------------------------------------------------------- 6
    n.step(`MAP IOVA [${hex(MAP_IOVA)}, ${hex(MAP_IOVA + MAP_SIZE - 1n)}] → GPA ${hex(MAP_GPA)} (READ|WRITE) in domain ${DOMAIN}`);
    const map = await viommu({ map: { domain: DOMAIN, virt_start: MAP_IOVA.toString(), virt_end: (MAP_IOVA + MAP_SIZE - 1n).toString(), phys_start: MAP_GPA.toString(), flags: 3 } });
    checkVirtioStatus(map, 'MAP');
    const ins2 = await s.hcall(s.host.Platform.Inspect, { iommufd_object: nicObj });
    const area = ins2.areas[0];
    n.note(`MAP: ${VIRTIO_IOMMU_STATUS[map.status ?? -1]}; shadowed on the host: ${ins2.areas.map((a) => `IOAS ${a.ioas_id} [${hex(a.iova)}, ${hex(a.last)}] ${a.pinned_pages} pages pinned`).join('; ')}`);
    n.expect('exactly one host area at the guest IOVA', ins2.areas.length === 1 && area!.iova === MAP_IOVA.toString() && area!.last === (MAP_IOVA + MAP_SIZE - 1n).toString());
    n.expect(`${bytesText(MAP_SIZE)} pinned (${MAP_SIZE / 4096n} pages)`, ins2.pinned?.bytes === MAP_SIZE.toString() && ins2.pinned?.pages === String(MAP_SIZE / 4096n));
    n.done();

    // ---------------------------------------------------------------- 7
    n.step('Device DMA through the mapping: the guest writes memory, the NIC reads it (twice), the NIC writes, the guest reads');
    const tlb0 = unitStats(await s.hcall(s.host.Platform.Inspect, { unit }), unit);
    const gdata = Buffer.from('guest data for the NIC');
    await s.vcall(s.vmm.Guest.WriteMemory, { vm: vmName, gpa: (MAP_GPA + 16n).toString(), data: gdata });
    const r1 = await dma('nic0', MAP_IOVA + 16n, gdata.length);
    const r2 = await dma('nic0', MAP_IOVA + 16n, gdata.length);
    const wdata = Buffer.from('written by the device');
    const w = await dma('nic0', MAP_IOVA + 0x100n, 0, wdata);
    const back = await s.vcall(s.vmm.Guest.ReadMemory, { vm: vmName, gpa: (MAP_GPA + 0x100n).toString(), length: String(wdata.length) });
    const tlb1 = unitStats(await s.hcall(s.host.Platform.Inspect, { unit }), unit);
    n.note(`guest wrote ${JSON.stringify(gdata.toString())} at GPA ${hex(MAP_GPA + 16n)}; nic0 at IOVA ${hex(MAP_IOVA + 16n)}: ${dmaText(r1)}, then again: ${dmaText(r2)}`);
    n.note(`nic0 at IOVA ${hex(MAP_IOVA + 0x100n)}: ${dmaText(w)}; the guest reads GPA ${hex(MAP_GPA + 0x100n)}: ${JSON.stringify(text(back.data))}`);
    n.note(`${unit} IOTLB: +${delta(tlb0, tlb1, 'misses')} misses (+${delta(tlb0, tlb1, 'walks')} page walks), +${delta(tlb0, tlb1, 'hits')} hits`);
    n.expect('both reads return the guest bytes', r1.result === 'data' && text(r1.data) === gdata.toString() && r2.result === 'data' && text(r2.data) === gdata.toString());
    n.expect('the device write landed in guest RAM', w.result === 'written' && text(back.data) === wdata.toString());
    n.expect('the first access missed the IOTLB and walked the page table; later ones hit', delta(tlb0, tlb1, 'misses') >= 1n && delta(tlb0, tlb1, 'walks') >= 1n && delta(tlb0, tlb1, 'hits') >= 1n);
    n.done();

    // ---------------------------------------------------------------- 8
    n.step(`A DMA outside the mapping (IOVA ${hex(OUTSIDE_IOVA)}) faults on the host, not in the guest`);
    const f = await dma('nic0', OUTSIDE_IOVA, 4);
    const ev = await waitHostEvent(s, eventsBefore, (e) => e.kind === 'HOST_EVENT_KIND_DMA_FAULT' && e.bdf === DEMO_NIC && e.fault?.addr === OUTSIDE_IOVA.toString(), 5000);
    const guestSeen = await guestEvents(s, vmName, 300);
    n.note(`nic0 at IOVA ${hex(OUTSIDE_IOVA)}: ${dmaText(f)}`);
    if (ev) n.note(`host event #${ev.sequence}: ${ev.message}`);
    n.note(`guest event queue: ${guestSeen} events (the EMULATED backend does not report host faults to the guest, as in QEMU)`);
    n.expect('the DMA faulted on the host with a TRANSLATION fault', f.result === 'host_fault' && f.host_fault?.reason === 'DMA_FAULT_REASON_TRANSLATION');
    n.expect('the host event log has the DMA_FAULT', ev !== undefined);
    n.expect('the guest saw nothing', guestSeen === 0);
    n.done();

    // ---------------------------------------------------------------- 9
    n.step(`virtio-net (endpoint ${hex(netInfo.endpoint_id)}) translates through the same vIOMMU domain; its faults reach the guest`);
    const nf = await s.vcall(s.vmm.Guest.VirtioSetFeatures, { vm: vmName, device_id: 'net0', driver_features: (VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM).toString() });
    const natt = await viommu({ attach: { domain: DOMAIN, endpoint: netInfo.endpoint_id, flags: 0, reserved: 0 } });
    const nr = await dma('net0', MAP_IOVA + 16n, gdata.length);
    const nfault = await dma('net0', OUTSIDE_IOVA, 4);
    const guestSeen2 = await guestEvents(s, vmName, 5000);
    n.note(`features VERSION_1|ACCESS_PLATFORM: FEATURES_OK ${nf.features_ok}; ATTACH: ${VIRTIO_IOMMU_STATUS[natt.status ?? -1] ?? 'not processed'}`);
    n.note(`net0 at IOVA ${hex(MAP_IOVA + 16n)}: ${dmaText(nr)}; at IOVA ${hex(OUTSIDE_IOVA)}: ${dmaText(nfault)}; guest event queue: ${guestSeen2} event(s)`);
    n.expect('net0 reads the guest bytes through the vIOMMU', nf.features_ok && natt.status === 0 && nr.result === 'data' && text(nr.data) === gdata.toString());
    n.expect('the out-of-mapping access is a virtio-iommu MAPPING fault on the guest event queue', nfault.result === 'virtio_fault' && nfault.virtio_fault?.reason === 2 && guestSeen2 === 1);
    n.done();

    // ---------------------------------------------------------------- 10
    n.step("Inspect nic0's host objects (Platform.Inspect): page table, IOTLB, pinned bytes");
    const ins3 = await s.hcall(s.host.Platform.Inspect, { iommufd_object: nicObj });
    for (const t of ins3.page_tables) n.note(`HWPT ${t.hwpt_id} on ${t.unit}: ${t.format}, ${t.levels} levels, ${t.table_pages} table pages (${bytesText(t.table_bytes)}), leaves ${t.leaves.filter((l) => l.count !== '0').map((l) => `${pageSizeText(l.page_size)}x${l.count}`).join(' ') || 'none'}`);
    for (const t of ins3.iotlbs) n.note(`${t.cache}: ${t.hits} hits, ${t.misses} misses, ${t.walks} walks (${t.memory_references} memory references), ${t.valid_entries}/${t.capacity} valid, ${t.invalidations} invalidations`);
    n.note(`pinned: ${ins3.pinned?.pages} pages = ${ins3.pinned?.bytes} bytes`);
    const leaves = ins3.page_tables.flatMap((t) => t.leaves).reduce((a, l) => a + BigInt(l.count) * BigInt(l.page_size), 0n);
    n.expect(`the page table maps exactly the ${bytesText(MAP_SIZE)} mapping`, ins3.page_tables.length === 1 && leaves === MAP_SIZE);
    n.expect(`${bytesText(MAP_SIZE)} pinned`, ins3.pinned?.bytes === MAP_SIZE.toString());
    n.expect(`the ${unit} IOTLB has valid entries`, BigInt(unitStats(ins3, unit)?.valid_entries ?? '0') >= 1n);
    n.done();

    // ---------------------------------------------------------------- 11
    n.step(`UNMAP [${hex(MAP_IOVA)}, ${hex(MAP_IOVA + MAP_SIZE - 1n)}]: the host mapping, its pins and its IOTLB entries go`);
    const un = await viommu({ unmap: { domain: DOMAIN, virt_start: MAP_IOVA.toString(), virt_end: (MAP_IOVA + MAP_SIZE - 1n).toString() } });
    const after = await dma('nic0', MAP_IOVA + 16n, gdata.length);
    const ins4 = await s.hcall(s.host.Platform.Inspect, { iommufd_object: nicObj });
    const tlb4 = unitStats(ins4, unit);
    n.note(`UNMAP: ${VIRTIO_IOMMU_STATUS[un.status ?? -1] ?? 'not processed'}; nic0 at IOVA ${hex(MAP_IOVA + 16n)} now: ${dmaText(after)}`);
    n.note(`host IOAS: ${ins4.areas.length} areas, ${ins4.pinned?.bytes} bytes pinned; ${unit} IOTLB invalidations +${delta(tlb1, tlb4, 'invalidations')} since step 7`);
    n.expect('UNMAP S_OK', un.status === 0);
    n.expect('no stale translation: the DMA faults on the host', after.result === 'host_fault');
    n.expect('no areas and 0 bytes pinned', ins4.areas.length === 0 && ins4.pinned?.bytes === '0');
    n.expect('the IOTLB was invalidated', delta(tlb1, tlb4, 'invalidations') >= 1n);
    n.done();

    // ---------------------------------------------------------------- 12
    await stopDeleteStep(s, n, vmName, 'Stop and delete the VM (its host process exits; every host object goes with it)', () => (deleted = true));

    // ---------------------------------------------------------------- 13
    await hostBackStep(s, n, hostBefore);

    report.ok = true;
  } catch (e) {
    report.error = failureOf(n, e);
  } finally {
    if (created && !deleted) await s.vcall(s.vmm.Vmm.DeleteVm, { name: vmName }).catch(() => undefined);
  }
  return report;
}


/** StopVm then DeleteVm: the VM is STOPPED in between and no longer listed after. */
async function stopDeleteStep(s: Session, n: Narrator, vmName: string, title: string, onDeleted: () => void): Promise<void> {
  n.step(title);
  await s.vcall(s.vmm.Vmm.StopVm, { name: vmName });
  const stopped = await getVm(s, vmName);
  await s.vcall(s.vmm.Vmm.DeleteVm, { name: vmName });
  onDeleted();
  const list = await s.vcall(s.vmm.Vmm.ListVms, {});
  n.note(`after StopVm: ${stopped.state.replace('VM_STATE_', '')}; after DeleteVm: ${list.vms.length} VM(s) listed`);
  n.expect('stopped, then gone', stopped.state === 'VM_STATE_STOPPED' && !list.vms.some((v) => v.spec?.name === vmName));
  n.done();
}

/** The last step of every scene: the host's pinned bytes and page tables back to their values before it. */
async function hostBackStep(s: Session, n: Narrator, hostBefore: InspectResponse__Output): Promise<void> {
  n.step('The host is back where it was: pinned bytes and page tables');
  const hostAfter = await s.hcall(s.host.Platform.Inspect, { host: true });
  n.note(`host pinned: ${hostAfter.pinned?.bytes} bytes (before the demo: ${hostBefore.pinned?.bytes}); page tables: ${hostAfter.page_tables.length} (before: ${hostBefore.page_tables.length})`);
  n.expect('pinned bytes back to their value before the demo', hostAfter.pinned?.bytes === hostBefore.pinned?.bytes);
  n.expect('no page table left behind', hostAfter.page_tables.length === hostBefore.page_tables.length);
  n.done();
}

/** A scene's failure as the report states it (an unexpected error is recorded in the current step first). */
function failureOf(n: Narrator, e: unknown): string {
  if (!(e instanceof DemoFailed)) n.fail(e);
  return e instanceof DemoFailed ? `step ${e.step.step} (${e.step.title}) failed: ${e.step.checks.filter((c) => !c.ok).map((c) => c.what).join('; ')}` : errorLine(e);
}

// ------------------------------------------------------------------------------------------------
// scene smmuv3

/** virt's memory map: RAM from 0x4000_0000 (vmm-api VmSpec). */
const VIRT_RAM0 = 0x4000_0000n;
const SMMU_VM_RAM = 128n * MiB;
/** where the guest driver allocates its queues, stream table, CD table and page tables */
const SMMU_POOL = { start: VIRT_RAM0 + 16n * MiB, end: VIRT_RAM0 + 32n * MiB };
/** the DMA buffer in guest RAM and the IOVA the driver maps it at (4 pages) */
const SMMU_BUF = VIRT_RAM0 + 40n * MiB;
const SMMU_IOVA = 0x8000_0000n;
const SMMU_MAP = 0x4000n;
const SMMU_HOLE = SMMU_IOVA + 0x10_0000n;
/** an opcode the architecture does not define (the command queue stops on it with CERROR_ILL) */
const SMMU_BAD_CMD: [bigint, bigint] = [0x07n, 0n];
const EVT_F_TRANSLATION = 0x10;
const EVT_CLASS = ['CD', 'TT', 'IN', '?'] as const;

/** The smmuv3 demo VM: machine virt, an SMMUv3 (stage 1, accel off), a virtio-net with ACCESS_PLATFORM. */
export function smmuDemoSpec(name: string) {
  return {
    name,
    memory_bytes: String(SMMU_VM_RAM),
    machine: 'virt',
    viommu: { model: 'VIOMMU_MODEL_SMMUV3' as const, smmuv3: { stage: 'SMMUV3_STAGE_1' as const, accel: false } },
    iommufd_objects: [],
    devices: [{ id: 'net0', guest_bdf: NET_GUEST_BDF, virtio: { type: 'VIRTIO_DEVICE_TYPE_NET' as const, access_platform: true } }],
  };
}

const hex32 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
const field = (v: number, hi: number, lo: number): number => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);

/** The ID registers as arm_smmu_device_hw_probe() reads them, one line each. */
export function smmuIdrLines(f: SmmuFeatures): string[] {
  const [idr0, idr1, , idr3, , idr5] = f.idr as [number, number, number, number, number, number];
  const flags = (pairs: Array<[string, boolean]>) => pairs.filter(([, on]) => on).map(([k]) => k).join(' ') || '-';
  const granules = [f.pgsizeBitmap & (1n << 12n) ? '4K' : '', f.pgsizeBitmap & (1n << 14n) ? '16K' : '', f.pgsizeBitmap & (1n << 16n) ? '64K' : ''].filter((g) => g !== '');
  return [
    `IDR0 ${hex32(idr0)}: ${flags([['S1P', f.s1], ['S2P', f.s2], ['ATS', f.ats], ['PRI', f.pri], ['SEV', f.sev], ['MSI', f.msi], ['HYP', f.hyp], ['COHACC', f.coherent]])}; ST_LVL ${field(idr0, 28, 27) === 1 ? '2-level' : 'linear'}, TTF ${['-', 'AArch32', 'AArch64', 'AArch32+64'][field(idr0, 3, 2)]}, ASID ${f.asidBits} bits, VMID ${f.vmidBits} bits, STALL_MODEL ${field(idr0, 25, 24)}`,
    `IDR1 ${hex32(idr1)}: CMDQS ${f.cmdqShift} (2^${f.cmdqShift} commands), EVTQS ${f.evtqShift}, SSIDSIZE ${f.ssidBits}, SIDSIZE ${f.sidBits}`,
    `IDR3 ${hex32(idr3)}: RIL ${f.ril ? 1 : 0};  IDR5 ${hex32(idr5)}: OAS ${f.oas} bits, granules ${granules.join('/') || 'none'}, VAX ${f.vax ? 1 : 0}`,
    `IIDR ${hex32(f.iidr)}, AIDR ${hex32(f.aidr)} (SMMUv${field(f.aidr, 7, 4) + 3}.${field(f.aidr, 3, 0)})`,
  ];
}

/** One EVTQ record: its bytes and Linux's EVTQ_* fields. */
export function smmuEventText(e: SmmuEvent): string {
  const name = e.id === EVT_F_TRANSLATION ? 'F_TRANSLATION' : `event 0x${e.id.toString(16)}`;
  return `${name}: SID ${hex(e.sid)}${e.ssv ? ` SSID ${hex(e.ssid)}` : ''}, ${e.rnw ? 'read' : 'write'}, CLASS ${EVT_CLASS[e.cls]}${e.s2 ? ', stage 2' : ''}, InputAddr ${hex(e.inputAddr)}${e.addr2 ? `, ADDR2 ${hex(e.addr2)}` : ''} [${Buffer.from(e.raw).toString('hex')}]`;
}

function smmuDmaText(r: DmaResponse__Output): string {
  if (r.result === 'smmu_fault') return `SMMU fault event 0x${r.smmu_fault!.event_id.toString(16)} at ${hex(r.smmu_fault!.address)} (SID ${hex(r.smmu_fault!.sid)}, ${r.smmu_fault!.recorded ? 'recorded' : 'not recorded'})`;
  return dmaText(r);
}

/**
 * The smmuv3 scene against `iommu-twin up --profile arm-smmuv3`: the guest driver probes,
 * brings the unit up, attaches virtio-net with a CD and 4K stage-1 tables, maps a buffer the
 * device DMAs through, reads an F_TRANSLATION record from the EVTQ, shows a stale translation
 * until TLBI + CMD_SYNC, and recovers from an illegal command (CERROR_ILL).
 */
export async function runSmmuDemo(s: Session, print?: (text: string) => void, vmName = `demo-smmu-${randomBytes(3).toString('hex')}`): Promise<DemoReport> {
  const n = new Narrator(print);
  const report: DemoReport = { ok: false, scene: 'smmuv3', host: s.opts.host, vmm: s.opts.vmm, vm: vmName, steps: n.steps };
  const nicVm = `${vmName}-nic`;
  let created = false;
  let deleted = false;
  let nicCreated = false;
  let nicDeleted = false;
  const dma = (iova: bigint, length: number, data?: Buffer) =>
    s.vcall(s.vmm.Guest.Dma, { vm: vmName, device_id: 'net0', iova: iova.toString(), length: String(data ? data.length : length), write: data !== undefined, data: data ?? Buffer.alloc(0) });
  const readData = (r: DmaResponse__Output): string | undefined => (r.result === 'data' ? text(r.data) : undefined);
  const inspect = async () => (await s.vcall(s.vmm.Vmm.InspectViommu, { name: vmName })).smmuv3;
  try {
    // ---------------------------------------------------------------- 1
    n.step('Describe the host (Platform.Describe): the scene needs an Arm host with an SMMUv3');
    const desc = await s.hcall(s.host.Platform.Describe, {});
    const smmus = desc.units.filter((u) => u.type === 'IOMMU_TYPE_ARM_SMMUV3');
    n.note(`host ${desc.name} (${desc.arch}, profile ${desc.profile}): IOMMU units ${desc.units.map((u) => `${u.name} (${String(u.type).replace('IOMMU_TYPE_', '')})`).join(', ')}`);
    const arm = desc.arch === 'aarch64' && smmus.length > 0;
    n.expect(arm ? `an Arm host with SMMUv3 unit(s) ${smmus.map((u) => u.name).join(', ')}` : `an Arm host with an SMMUv3 (this host is ${desc.arch}, profile ${desc.profile}: start the twin with \`iommu-twin up --profile arm-smmuv3\`)`, arm);
    const nicDev = desc.devices.find((d) => d.bdf === DEMO_NIC);
    n.expect(`${DEMO_NIC} exists, is bound to vfio-pci and has a VFIO cdev (for part two)`, !!nicDev && nicDev.driver === 'vfio-pci' && nicDev.cdev !== '');
    n.done();
    const hostBefore = await s.hcall(s.host.Platform.Inspect, { host: true });

    // ---------------------------------------------------------------- 2
    n.step(`Create and start VM ${vmName}: machine virt, an SMMUv3 (stage 1, accel off) at 0x09050000, virtio-net ${NET_GUEST_BDF} with ACCESS_PLATFORM`);
    await s.vcall(s.vmm.Vmm.CreateVm, { spec: smmuDemoSpec(vmName) });
    created = true;
    const vm = (await s.vcall(s.vmm.Vmm.StartVm, { name: vmName, passed_fds: {} })).vm!;
    const net = vm.devices.find((d) => d.id === 'net0')!;
    const sid = net.endpoint_id;
    const feat = await s.vcall(s.vmm.Guest.VirtioSetFeatures, { vm: vmName, device_id: 'net0', driver_features: (VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM).toString() });
    n.note(`state ${vm.state.replace('VM_STATE_', '')}; net0 at guest ${net.guest_bdf}: StreamID ${hex(sid)} (bus << 8 | devfn); features VERSION_1|ACCESS_PLATFORM: FEATURES_OK ${feat.features_ok}`);
    n.expect('the VM is RUNNING and virtio-net accepted ACCESS_PLATFORM', vm.state === 'VM_STATE_RUNNING' && feat.features_ok);
    n.done();

    // ---------------------------------------------------------------- 3
    n.step('The guest driver probes the unit (arm_smmu_device_hw_probe: IDR0–5, IIDR, AIDR over Guest.MmioRead)');
    const drv = new SmmuDriver(grpcBus(s.vmm.Guest, vmName), { pool: SMMU_POOL });
    const f = await drv.probe();
    for (const line of smmuIdrLines(f)) n.note(line);
    n.expect('stage 1 only, as the VM spec asks (IDR0.S1P set, S2P clear), AArch64 tables, the 4 KiB granule', f.s1 && !f.s2 && field(f.idr[0]!, 3, 2) >= 2 && (f.pgsizeBitmap & (1n << 12n)) !== 0n);
    n.done();

    // ---------------------------------------------------------------- 4
    n.step('Bring-up (arm_smmu_init_structures + arm_smmu_device_reset): queues and stream table in guest RAM, CR0 ← CMDQEN | EVTQEN | SMMUEN');
    await drv.initStructures();
    await drv.reset();
    const cr0ack = (await drv.readl(REG.CR0ACK)) >>> 0;
    const gerror = (await drv.readl(REG.GERROR)) >>> 0;
    const gerrorn = (await drv.readl(REG.GERRORN)) >>> 0;
    const cons0 = await drv.readCmdqCons();
    n.note(`CMDQ at ${hex(drv.cmdq.base)} (2^${drv.cmdq.shift} entries), EVTQ at ${hex(drv.evtq.base)} (2^${drv.evtq.shift}), stream table at ${hex(drv.strtabGpa)} (${drv.twoLevel ? '2-level' : 'linear'}, STRTAB_BASE_CFG ${hex32(drv.strtabBaseCfg)})`);
    n.note(`CR0ACK ${hex32(cr0ack)}; GERROR ${hex32(gerror)}, GERRORN ${hex32(gerrorn)}; CMDQ_PROD ${hex32(drv.cmdq.prod)}, CMDQ_CONS ${hex32(cons0)} (CFGI_ALL, TLBI_NSNH_ALL and their CMD_SYNCs consumed)`);
    const on = CR0.CMDQEN | CR0.EVTQEN | CR0.SMMUEN;
    n.expect('CR0ACK shows CMDQEN | EVTQEN | SMMUEN', (cr0ack & on) === on && cr0ack === drv.enables);
    n.expect('no global error, the command queue consumed everything without an error', gerror === gerrorn && cons0 >>> 24 === 0 && (cons0 & 0xffffff) === drv.cmdq.prod);
    n.done();

    // ---------------------------------------------------------------- 5
    n.step(`Attach net0 (SID ${hex(sid)}): a stage-1 domain, its CD (ASID, TTB0, MAIR) and the STE pointing at the CD table`);
    const dom = await drv.allocDomain({ stage: 1 });
    await drv.attach(dom, sid);
    const ste = await drv.readSte(sid);
    const cd = await drv.readQwords(drv.cdGpa(sid)!, 4);
    n.note(`STE at ${hex((await drv.steGpa(sid))!)}: ${ste.slice(0, 2).map((q) => hex(q)).join(' ')} (V, Config S1_TRANS, S1ContextPtr ${hex(drv.cdGpa(sid)!)})`);
    n.note(`CD at ${hex(drv.cdGpa(sid)!)}: ${cd.map((q) => hex(q)).join(' ')} (ASID ${dom.asid}, T0SZ ${64 - dom.ias}, TTB0 ${hex(dom.pgd)})`);
    n.expect('the STE is valid, Config = stage-1 translation, and points at the CD table', (ste[0]! & 0xfn) === (STE.V | STE.CFG_S1_TRANS) && (ste[0]! & (((1n << 52n) - 1n) & ~0x3fn)) === drv.cdGpa(sid));
    n.expect(`the CD is valid with ASID ${dom.asid} and TTB0 = the stage-1 table`, (cd[0]! >> 31n) % 2n === 1n && Number(cd[0]! >> 48n) === dom.asid && cd[1] === dom.pgd);
    n.done();

    // ---------------------------------------------------------------- 6
    n.step(`Map IOVA [${hex(SMMU_IOVA)}, ${hex(SMMU_IOVA + SMMU_MAP - 1n)}] → GPA ${hex(SMMU_BUF)} (4 KiB pages, 4-level stage-1 table); virtio-net DMAs through it`);
    await drv.map(dom, SMMU_IOVA, SMMU_BUF, SMMU_MAP);
    const levels: string[] = [];
    for (let l = 0; l <= 3; l++) {
      const ptr = (await drv.ptePointer(dom, SMMU_IOVA, l))!;
      levels.push(`L${l} ${hex(ptr)} = ${hex((await drv.readQwords(ptr, 1))[0]!)}`);
    }
    n.note(`walk of ${hex(SMMU_IOVA)}: ${levels.join(', ')}`);
    const gdata = Buffer.from('guest data for virtio-net');
    await s.vcall(s.vmm.Guest.WriteMemory, { vm: vmName, gpa: (SMMU_BUF + 0x10n).toString(), data: gdata });
    const r1 = await dma(SMMU_IOVA + 0x10n, gdata.length);
    const wdata = Buffer.from('written by virtio-net');
    const w = await dma(SMMU_IOVA + 0x1100n, 0, wdata);
    const back = await s.vcall(s.vmm.Guest.ReadMemory, { vm: vmName, gpa: (SMMU_BUF + 0x1100n).toString(), length: String(wdata.length) });
    const tlb = ((await inspect())?.iotlb ?? []).filter((e) => e.asid === dom.asid && BigInt(e.iova) >= SMMU_IOVA && BigInt(e.iova) < SMMU_IOVA + SMMU_MAP);
    n.note(`net0 at IOVA ${hex(SMMU_IOVA + 0x10n)}: ${smmuDmaText(r1)}; at IOVA ${hex(SMMU_IOVA + 0x1100n)}: ${smmuDmaText(w)}; the guest reads ${JSON.stringify(text(back.data))}`);
    n.note(`vIOMMU IOTLB (ASID ${dom.asid}): ${tlb.map((e) => `${hex(e.iova)} → ${hex(e.pa)} (2^${e.page_shift})`).join(', ') || 'empty'}`);
    n.expect('the device read the guest bytes through the stage-1 table', readData(r1) === gdata.toString());
    n.expect('the device write landed in guest RAM', w.result === 'written' && text(back.data) === wdata.toString());
    n.expect('the walks left 4 KiB IOTLB entries IOVA → GPA for the two pages used', tlb.some((e) => BigInt(e.iova) === SMMU_IOVA && BigInt(e.pa) === SMMU_BUF && e.page_shift === 12) && tlb.some((e) => BigInt(e.iova) === SMMU_IOVA + 0x1000n && BigInt(e.pa) === SMMU_BUF + 0x1000n));
    n.done();

    // ---------------------------------------------------------------- 7
    n.step(`A DMA at an unmapped IOVA (${hex(SMMU_HOLE)}) faults; the driver reads the F_TRANSLATION record from the EVTQ`);
    const fault = await dma(SMMU_HOLE, 8);
    const evs = await drv.drainEvents();
    const irqs: string[] = [];
    await followStream(s.vmm.Guest.Events({ vm: vmName, after_sequence: '0' }), (e) => {
      if (e.event === 'interrupt') irqs.push(e.interrupt!.source);
    }, { idleMs: 300, firstWaitMs: 2000, target: s.vmmLabel });
    n.note(`net0 at IOVA ${hex(SMMU_HOLE)}: ${smmuDmaText(fault)}`);
    for (const e of evs) n.note(`EVTQ record: ${smmuEventText(e)}`);
    n.note(`guest interrupts: ${irqs.join(', ') || 'none'}; EVTQ PROD ${hex32(drv.evtq.prod)}, CONS ${hex32(drv.evtq.cons)}`);
    const ev = evs[0];
    n.expect('the DMA was aborted with a recorded F_TRANSLATION (event 0x10)', fault.result === 'smmu_fault' && fault.smmu_fault!.event_id === EVT_F_TRANSLATION && fault.smmu_fault!.recorded);
    n.expect(`exactly one record: F_TRANSLATION, SID ${hex(sid)}, a read, CLASS IN, InputAddr ${hex(SMMU_HOLE)}`, evs.length === 1 && ev!.id === EVT_F_TRANSLATION && ev!.sid === sid && ev!.rnw && ev!.cls === 2 && ev!.inputAddr === SMMU_HOLE);
    n.expect('the record in guest RAM is the one the fault reported', ev !== undefined && Buffer.from(ev.raw).equals(Buffer.from(fault.smmu_fault?.record ?? [])));
    n.expect('the evtq interrupt was raised', irqs.includes('evtq'));
    n.done();

    // ---------------------------------------------------------------- 8
    n.step(`Unmap IOVA ${hex(SMMU_IOVA)} without the TLBI (a buggy guest): the stale translation stays usable`);
    await drv.unmap(dom, SMMU_IOVA, 0x1000n, { skipTlbi: true });
    const leaf = (await drv.readQwords((await drv.ptePointer(dom, SMMU_IOVA, 3))!, 1))[0]!;
    const stale = await dma(SMMU_IOVA + 0x10n, gdata.length);
    n.note(`the leaf PTE now reads ${hex(leaf)}; net0 at IOVA ${hex(SMMU_IOVA + 0x10n)}: ${smmuDmaText(stale)}`);
    n.expect('the leaf is cleared in guest RAM', leaf === 0n);
    n.expect('the device still reads the old page through the cached translation', readData(stale) === gdata.toString());
    n.done();

    // ---------------------------------------------------------------- 9
    n.step('TLBI_NH_VA + CMD_SYNC (arm_smmu_tlb_inv_range): the stale translation is gone');
    const sent = await drv.tlbInvRange(dom, SMMU_IOVA, 0x1000n);
    const gone = await dma(SMMU_IOVA + 0x10n, gdata.length);
    const evs2 = await drv.drainEvents();
    const other = await dma(SMMU_IOVA + 0x1100n, wdata.length);
    n.note(`sent ${sent.map(([a, b]) => `[${hex(a)}, ${hex(b)}]`).join(' ')} + CMD_SYNC; CMDQ_CONS ${hex32(drv.cmdq.cons)}`);
    n.note(`net0 at IOVA ${hex(SMMU_IOVA + 0x10n)}: ${smmuDmaText(gone)}; EVTQ: ${evs2.map(smmuEventText).join('; ') || 'empty'}`);
    n.note(`net0 at IOVA ${hex(SMMU_IOVA + 0x1100n)} (still mapped): ${smmuDmaText(other)}`);
    n.expect('the DMA now faults with F_TRANSLATION at the IOVA', gone.result === 'smmu_fault' && gone.smmu_fault!.event_id === EVT_F_TRANSLATION && evs2.length === 1 && evs2[0]!.inputAddr === SMMU_IOVA + 0x10n);
    n.expect('the next page, not invalidated, still translates', readData(other) === wdata.toString());
    n.done();

    // ---------------------------------------------------------------- 10
    n.step(`An illegal command (opcode ${hex(SMMU_BAD_CMD[0])}): CMDQ_CONS.ERR = CERROR_ILL, GERROR.CMDQ_ERR, the queue stops; the GERROR handler skips it`);
    drv.handleGerror = false;
    const before = await drv.readCmdqCons();
    await drv.queueCommands([SMMU_BAD_CMD, cmdSync()]);
    await drv.publishProd();
    const stopped = (await drv.readl(REG.CMDQ_CONS)) >>> 0;
    const gerr = ((await drv.readl(REG.GERROR)) ^ (await drv.readl(REG.GERRORN))) >>> 0;
    await drv.publishProd();
    const still = (await drv.readl(REG.CMDQ_CONS)) >>> 0;
    n.note(`CMDQ_PROD ${hex32(drv.cmdq.prod)}, CMDQ_CONS ${hex32(stopped)} (ERR ${(stopped >>> 24) & 0x7f}); GERROR ^ GERRORN = ${hex32(gerr)}; CONS after another PROD write ${hex32(still)}`);
    n.expect('CONS stays on the bad command with ERR = CERROR_ILL and GERROR.CMDQ_ERR is active', (stopped & 0xffffff) === (before & 0xffffff) && ((stopped >>> 24) & 0x7f) === CERROR.ILL && (gerr & GERROR.CMDQ_ERR) !== 0);
    n.expect('the queue is stopped: another PROD write consumes nothing', still === stopped);
    const rep = await drv.gerrorHandler();
    drv.handleGerror = true;
    await drv.issue([cmdCfgiSte(sid)], true);
    const after = await drv.readCmdqCons();
    const gerr2 = ((await drv.readl(REG.GERROR)) ^ (await drv.readl(REG.GERRORN))) >>> 0;
    const ok2 = await dma(SMMU_IOVA + 0x1100n, wdata.length);
    n.note(`arm_smmu_cmdq_skip_err: CERROR ${rep?.cerror}, skipped [${rep?.skipped?.map((q) => hex(q)).join(', ')}] (overwritten with a CMD_SYNC), GERRORN ← GERROR`);
    n.note(`then CFGI_STE + CMD_SYNC: CMDQ_CONS ${hex32(after)} = PROD ${hex32(drv.cmdq.prod)}; GERROR ^ GERRORN = ${hex32(gerr2)}; net0 at IOVA ${hex(SMMU_IOVA + 0x1100n)}: ${smmuDmaText(ok2)}`);
    n.expect('the handler found CERROR_ILL and skipped exactly the bad command', rep?.cerror === CERROR.ILL && rep.skipped?.[0] === SMMU_BAD_CMD[0] && rep.skipped[1] === SMMU_BAD_CMD[1]);
    n.expect('recovered: the queue runs again (CONS = PROD), no error active, DMA still translates', (after & 0xffffff) === drv.cmdq.prod && gerr2 === 0 && readData(ok2) === wdata.toString());
    n.done();

    // ---------------------------------------------------------------- 11
    await stopDeleteStep(s, n, vmName, 'Stop and delete the VM', () => (deleted = true));

    // ---------------------------------------------------------------- 12–16: an assigned NIC behind accel
    await smmuAccelPart(s, n, nicVm, () => (nicCreated = true), () => (nicDeleted = true));

    // ---------------------------------------------------------------- 17
    await hostBackStep(s, n, hostBefore);

    report.ok = true;
  } catch (e) {
    report.error = failureOf(n, e);
  } finally {
    if (created && !deleted) await s.vcall(s.vmm.Vmm.DeleteVm, { name: vmName }).catch(() => undefined);
    if (nicCreated && !nicDeleted) await s.vcall(s.vmm.Vmm.DeleteVm, { name: nicVm }).catch(() => undefined);
  }
  return report;
}

/** The accel VM: machine virt, an SMMUv3 with accel (nested on the host's SMMUv3), the NIC assigned (NESTED backend). */
export function smmuAccelDemoSpec(name: string) {
  return {
    name,
    memory_bytes: String(SMMU_VM_RAM),
    machine: 'virt',
    viommu: { model: 'VIOMMU_MODEL_SMMUV3' as const, smmuv3: { stage: 'SMMUV3_STAGE_1' as const, accel: true } },
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: [{ id: 'nic0', guest_bdf: NIC_GUEST_BDF, vfio: { host_bdf: DEMO_NIC, iommufd: 'iommufd0', backend: 'VFIO_BACKEND_NESTED' as const } }],
  };
}

/**
 * Part two of the smmuv3 scene: the NIC assigned behind `accel`. The host's SMMUv3 walks the
 * guest's STE → CD → stage-1 tables over a NEST_PARENT stage 2 of guest RAM; the vmm forwards
 * TLBIs to the host and host faults come back to the guest EVTQ.
 */
async function smmuAccelPart(s: Session, n: Narrator, vmName: string, onCreated: () => void, onDeleted: () => void): Promise<void> {
  const dma = (iova: bigint, length: number, data?: Buffer) =>
    s.vcall(s.vmm.Guest.Dma, { vm: vmName, device_id: 'nic0', iova: iova.toString(), length: String(data ? data.length : length), write: data !== undefined, data: data ?? Buffer.alloc(0) });
  const nicHost = async () => (await getVm(s, vmName)).devices.find((d) => d.id === 'nic0')!;

  // ---------------------------------------------------------------- 12
  n.step(`Part two: VM ${vmName} with an SMMUv3 in accel mode and ${DEMO_NIC} assigned (NESTED); root passes /dev/iommu and the NIC's cdev`);
  const users = (await s.vcall(s.vmm.Vmm.ListVms, {})).vms.filter((v) => v.state === 'VM_STATE_RUNNING' && v.devices.some((d) => d.host_bdf === DEMO_NIC)).map((v) => v.spec?.name ?? '?');
  n.expect(`${DEMO_NIC} is not assigned to a running VM${users.length > 0 ? ` (it is: ${users.join(', ')})` : ''}`, users.length === 0);
  n.done();
  const c = (await s.vcall(s.vmm.Vmm.CreateVm, { spec: smmuAccelDemoSpec(vmName) })).vm!;
  onCreated();
  const started = await startVm(s, vmName);
  for (const [id, fd] of Object.entries(started.passed)) n.note(`${started.paths[id]} → fd ${fd} in pid ${c.host_pid} (for ${id})`);
  const nic0 = started.vm.devices.find((d) => d.id === 'nic0')!;
  const sid = nic0.endpoint_id;
  const h0 = nic0.host;
  n.note(`nic0 at guest ${nic0.guest_bdf} (StreamID ${hex(sid)}): backend ${nic0.backend}, host vIOMMU ${h0?.viommu_id ?? '-'}, HWPT ${h0?.hwpt_ids.join(',') ?? '-'} (NEST_PARENT over guest RAM), vDEVICE ${h0?.vdevice_id ?? 'none yet'}`);
  n.expect('RUNNING, NESTED, with a host vIOMMU and one NEST_PARENT HWPT, no vDEVICE before the guest configures the stream', started.vm.state === 'VM_STATE_RUNNING' && nic0.backend === 'NESTED' && h0?.viommu_id !== undefined && h0?.viommu_id !== null && h0.hwpt_ids.length === 1 && (h0.vdevice_id === undefined || h0.vdevice_id === null));
  n.done();
  const hostObj = (id: number) => s.hcall(s.host.Platform.Inspect, { iommufd_object: { pid: c.host_pid, fd: h0!.iommufd, id } });

  // ---------------------------------------------------------------- 13
  n.step('The guest driver brings the unit up and attaches nic0 (CD + STE, CFGI_STE): the vmm installs the STE on the host as a vSTE');
  const drv = new SmmuDriver(grpcBus(s.vmm.Guest, vmName), { pool: SMMU_POOL });
  await drv.init();
  const dom = await drv.allocDomain({ stage: 1 });
  await drv.attach(dom, sid);
  const h1 = (await nicHost()).host!;
  const nested = h1.hwpt_ids.find((x) => !h0!.hwpt_ids.includes(x));
  const vd = h1.vdevice_id !== undefined && h1.vdevice_id !== null ? await hostObj(h1.vdevice_id) : undefined;
  const ni = nested !== undefined ? await hostObj(nested) : undefined;
  n.note(`host objects now: vDEVICE ${h1.vdevice_id ?? '-'} (${vd?.kind ?? '-'}, virt_id = SID ${hex(sid)}), HWPT ${nested ?? '-'} (${ni?.kind ?? '-'}, the guest's STE) on parent ${h0!.hwpt_ids[0]}`);
  n.expect('a VDEVICE and an HWPT_NESTED exist on the host', vd?.kind === 'VDEVICE' && ni?.kind === 'HWPT_NESTED');
  n.done();

  // ---------------------------------------------------------------- 14
  n.step(`Map IOVA ${hex(SMMU_IOVA)} → GPA ${hex(SMMU_BUF)}: the NIC DMAs through the host's nested walk (guest stage 1, host stage 2)`);
  await drv.map(dom, SMMU_IOVA, SMMU_BUF, 0x2000n);
  const gdata = Buffer.from('guest data for the assigned NIC');
  await s.vcall(s.vmm.Guest.WriteMemory, { vm: vmName, gpa: (SMMU_BUF + 0x20n).toString(), data: gdata });
  const r = await dma(SMMU_IOVA + 0x20n, gdata.length);
  const wdata = Buffer.from('written by the NIC');
  const w = await dma(SMMU_IOVA + 0x1040n, 0, wdata);
  const back = await s.vcall(s.vmm.Guest.ReadMemory, { vm: vmName, gpa: (SMMU_BUF + 0x1040n).toString(), length: String(wdata.length) });
  n.note(`nic0 at IOVA ${hex(SMMU_IOVA + 0x20n)}: ${dmaText(r)}; at IOVA ${hex(SMMU_IOVA + 0x1040n)}: ${dmaText(w)}; the guest reads ${JSON.stringify(text(back.data))}`);
  n.expect('the NIC read the guest bytes and its write landed in guest RAM', r.result === 'data' && text(r.data) === gdata.toString() && w.result === 'written' && text(back.data) === wdata.toString());
  n.done();

  // ---------------------------------------------------------------- 15
  n.step('Unmap with TLBI_NH_VA + CMD_SYNC (forwarded to the host, acked before CMD_SYNC completes); the next NIC DMA faults on the host and the record reaches the guest EVTQ');
  const sent = await drv.unmap(dom, SMMU_IOVA, 0x1000n);
  const f = await dma(SMMU_IOVA + 0x20n, 8);
  let evs: SmmuEvent[] = [];
  for (let i = 0; i < 50 && evs.length === 0; i++) {
    evs = await drv.drainEvents();
    if (evs.length === 0) await new Promise((res) => setTimeout(res, 50));
  }
  n.note(`sent ${sent.map(([a, b]) => `[${hex(a)}, ${hex(b)}]`).join(' ')} + CMD_SYNC; nic0 at IOVA ${hex(SMMU_IOVA + 0x20n)}: ${dmaText(f)}`);
  for (const e of evs) n.note(`guest EVTQ record: ${smmuEventText(e)}`);
  n.expect('the host refused the DMA (TRANSLATION): no stale host translation', f.result === 'host_fault' && f.host_fault?.reason === 'DMA_FAULT_REASON_TRANSLATION');
  n.expect(`one F_TRANSLATION record with the guest StreamID ${hex(sid)} and the IOVA`, evs.length === 1 && evs[0]!.id === EVT_F_TRANSLATION && evs[0]!.sid === sid && evs[0]!.inputAddr === SMMU_IOVA + 0x20n);
  n.done();

  // ---------------------------------------------------------------- 16
  n.step('Stop and delete the accel VM (its host vIOMMU, vDEVICE and HWPTs go with its process)');
  await s.vcall(s.vmm.Vmm.StopVm, { name: vmName });
  await s.vcall(s.vmm.Vmm.DeleteVm, { name: vmName });
  onDeleted();
  const list = await s.vcall(s.vmm.Vmm.ListVms, {});
  n.note(`after DeleteVm: ${list.vms.length} VM(s) listed`);
  n.expect('gone', !list.vms.some((v) => v.spec?.name === vmName));
  n.done();
}

export function registerDemo(program: Command): Command {
  const demo = program
    .command('demo')
    .description('run a short scripted scenario against `iommu-twin up` and print what happened (exit 0 only if every expected outcome held)')
    .addOption(new Option('--scene <name>', 'virtio-iommu: a virtio-iommu VM with an assigned NIC (any host); smmuv3: an SMMUv3 VM on machine virt driven as Linux does (needs `iommu-twin up --profile arm-smmuv3`)').choices([...DEMO_SCENES]).default('virtio-iommu'))
    .option('--vm-name <name>', 'name of the demo VM (default demo-<random>)');
  addConnectionOptions(demo);
  demo.action(async (o: Record<string, unknown>) => {
    const s = new Session(connectionOf(o));
    const json = o.json === true;
    try {
      const scene = o.scene as DemoScene;
      if (!json) process.stdout.write(`iommu-twin demo${scene === 'virtio-iommu' ? '' : ` --scene ${scene}`} against host-iommu ${s.opts.host} and vmm ${s.opts.vmm}\n`);
      const run = scene === 'smmuv3' ? runSmmuDemo : runDemo;
      const report = await run(s, json ? undefined : (t) => process.stdout.write(t), typeof o.vmName === 'string' ? o.vmName : undefined);
      if (json) process.stdout.write(jsonText(report));
      else if (report.ok) process.stdout.write(`\ndemo: all ${report.steps.length} steps held\n`);
      if (!report.ok) {
        const line = report.error!.startsWith('iommu-twin: ') ? report.error! : errorLine(new CliError('FAILED_PRECONDITION', 'DEMO_FAILED', report.error!));
        process.stderr.write(line + '\n');
        process.exitCode = 1;
      }
    } catch (e) {
      process.stderr.write(errorLine(e) + '\n');
      process.exitCode = 1;
    } finally {
      await s.close();
    }
  });
  return demo;
}
