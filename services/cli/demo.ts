/**
 * `iommu-twin demo`: a short scripted scenario against a running `iommu-twin up` (host-iommu +
 * vmm). It plays the orchestrator (root fd passing), the guest OS (virtio-iommu driver, memory)
 * and the devices (DMA), and checks every outcome it expects; exit 0 only if all of them held.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
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
export interface DemoReport {
  ok: boolean;
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
  const report: DemoReport = { ok: false, host: s.opts.host, vmm: s.opts.vmm, vm: vmName, steps: n.steps };
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
    n.step('Stop and delete the VM (its host process exits; every host object goes with it)');
    await s.vcall(s.vmm.Vmm.StopVm, { name: vmName });
    const stopped = await getVm(s, vmName);
    await s.vcall(s.vmm.Vmm.DeleteVm, { name: vmName });
    deleted = true;
    const list = await s.vcall(s.vmm.Vmm.ListVms, {});
    n.note(`after StopVm: ${stopped.state.replace('VM_STATE_', '')}; after DeleteVm: ${list.vms.length} VM(s) listed`);
    n.expect('stopped, then gone', stopped.state === 'VM_STATE_STOPPED' && !list.vms.some((v) => v.spec?.name === vmName));
    n.done();

    // ---------------------------------------------------------------- 13
    n.step('The host is back where it was: pinned bytes and page tables');
    const hostAfter = await s.hcall(s.host.Platform.Inspect, { host: true });
    n.note(`host pinned: ${hostAfter.pinned?.bytes} bytes (before the demo: ${hostBefore.pinned?.bytes}); page tables: ${hostAfter.page_tables.length} (before: ${hostBefore.page_tables.length})`);
    n.expect('pinned bytes back to their value before the demo', hostAfter.pinned?.bytes === hostBefore.pinned?.bytes);
    n.expect('no page table left behind', hostAfter.page_tables.length === hostBefore.page_tables.length);
    n.done();

    report.ok = true;
  } catch (e) {
    if (!(e instanceof DemoFailed)) n.fail(e);
    report.error = e instanceof DemoFailed ? `step ${e.step.step} (${e.step.title}) failed: ${e.step.checks.filter((c) => !c.ok).map((c) => c.what).join('; ')}` : errorLine(e);
  } finally {
    if (created && !deleted) await s.vcall(s.vmm.Vmm.DeleteVm, { name: vmName }).catch(() => undefined);
  }
  return report;
}

export function registerDemo(program: Command): Command {
  const demo = program
    .command('demo')
    .description('run a short scripted scenario against `iommu-twin up` and print what happened (exit 0 only if every expected outcome held)')
    .option('--vm-name <name>', 'name of the demo VM (default demo-<random>)');
  addConnectionOptions(demo);
  demo.action(async (o: Record<string, unknown>) => {
    const s = new Session(connectionOf(o));
    const json = o.json === true;
    try {
      if (!json) process.stdout.write(`iommu-twin demo against host-iommu ${s.opts.host} and vmm ${s.opts.vmm}\n`);
      const report = await runDemo(s, json ? undefined : (t) => process.stdout.write(t), typeof o.vmName === 'string' ? o.vmName : undefined);
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
