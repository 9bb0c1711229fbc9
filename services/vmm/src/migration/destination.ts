/**
 * The destination side of a live migration (Vmm.ReceiveMigration), as QEMU's -incoming loads a
 * migration stream (migration/savevm.c qemu_loadvm_state, ram.c, hw/vfio/migration.c; reference
 * smmuv3-and-migration.md §B.2 and §B.4):
 *
 *   HEADER  the VM: the prepared INCOMING one of that name and spec, else one created here as a
 *           VM started without passed fds would be; its vIOMMU, devices and host objects built
 *           as StartVm builds them (this host's own fds, IOASes, HWPTs, containers); every
 *           assigned device RUNNING → RESUMING (a new data fd)
 *   RAM     into the VM process's guest RAM (and the vmm's copy a hardware vIOMMU model reads)
 *   DEVICE  written to the device's RESUMING data fd, in order
 *   VIOMMU  loaded onto the fresh model (its post-load replays the guest's mappings into this
 *           host's objects: EMULATED shadows, NESTED bindings)
 *   VIRTIO  each virtio device's negotiated features and status
 *   END     devices RESUMING → STOP (the kernel validates their data) → RUNNING, the VM RUNNING,
 *           answer OK
 *
 * Everything the peer sends is checked against the VM's own layout (a GPA outside guest RAM, a
 * device it does not have, a record out of order: INVALID_ARGUMENT); memory held is one record
 * plus one chunk. Any failure (including the stream ending before END: the source died or gave
 * up) drops the VM, a prepared INCOMING one too (QEMU -incoming exits), so nothing stays here.
 */
import type { Logger } from 'pino';
import { DomainError } from '#libs/errno/index.js';
import { parseVmSpec, type VmConfig } from '../machine/config.js';
import { ramVaOf } from '../machine/runtime.js';
import type { Vm, VmManager } from '../machine/vmm.js';
import { loadVirtioIommuState } from '../viommu/virtio-iommu-vmstate.js';
import { loadIntelIommuState } from '../viommu/intel-iommu/vmstate.js';
import { loadSmmuv3State } from '../viommu/smmuv3/vmstate.js';
import { placeOnHost } from './check.js';
import { portableSpec } from './source.js';
import { decodeDevice, decodeHeader, decodeRam, decodeVirtio, RecordReader, recordTypeName, REC, streamError, type HeaderRecord } from './stream.js';

/** Order of the record types after HEADER: RAM and DEVICE interleave, then VIOMMU, VIRTIO, END. */
const STAGE: ReadonlyMap<number, number> = new Map([
  [REC.HEADER, 0],
  [REC.RAM, 1],
  [REC.DEVICE, 1],
  [REC.VIOMMU, 2],
  [REC.VIRTIO, 3],
  [REC.END, 4],
]);

/** Canonical JSON (keys sorted) of a spec without fds, for "the same spec" comparisons. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}

interface Incoming {
  vm: Vm;
  /** device id → its RESUMING data fd */
  resuming: Map<string, number>;
  stage: number;
  viommuLoaded: boolean;
}

/**
 * Vmm.ReceiveMigration: reads `chunks` to the end, resolves to 'OK' once the VM runs here.
 * `specOf` renders a VM configuration as VmInfo.spec does: a prepared VM's and the header's are
 * compared in that normal form (defaults filled, fds left out).
 */
export async function receiveMigration(mgr: VmManager, chunks: AsyncIterable<{ chunk: Buffer }>, specOf: (cfg: VmConfig) => unknown, logger: Logger): Promise<string> {
  const reader = new RecordReader();
  const iterator = chunks[Symbol.asyncIterator]();
  // a source that stops sending (stalled, not gone) must not hold the VM forever
  const it = { next: () => withIdleLimit(iterator.next()) };
  // ------------------------------------------------ HEADER (alone, before the VM exists here)
  let header: HeaderRecord | undefined;
  let rest: Array<{ type: number; payload: Uint8Array }> = [];
  while (!header) {
    const n = await it.next();
    if (n.done) throw streamError('the stream ended before its HEADER');
    const recs = reader.push(n.value.chunk);
    if (recs.length === 0) continue;
    if (recs[0]!.type !== REC.HEADER) throw streamError(`the first record is ${recordTypeName(recs[0]!.type)}, not HEADER`);
    header = decodeHeader(recs[0]!.payload);
    rest = recs.slice(1);
  }
  // the VFIO path of each assigned device is this host's business (placeOnHost): the migrating
  // VM's spec and a prepared one compare as this host places them
  const here = await mgr.link.describe(true);
  const cfg = placedHere(parseVmSpec(header.spec), here);
  const sent = canonical(portableSpec(specOf(cfg)));
  const layout = canonical(header.ram.map((r) => [r.gpa.toString(), r.size.toString()]));
  let vm = mgr.vms.get(cfg.name);
  let created = false;
  if (vm) {
    if (vm.state !== 'INCOMING') throw new DomainError('ALREADY_EXISTS', 'VM_EXISTS', `a VM named '${cfg.name}' exists here (${vm.state}), not one prepared for this migration (INCOMING)`, { name: cfg.name });
    if (canonical(portableSpec(specOf(placedHere(vm.cfg, here)))) !== sent) {
      const e = new DomainError('FAILED_PRECONDITION', 'INCOMING_SPEC_MISMATCH', `the INCOMING VM '${cfg.name}' was prepared with another spec than the migrating VM's`, { name: cfg.name });
      await dropVm(mgr, vm, logger, e.message);
      throw e;
    }
  } else {
    vm = await mgr.create(cfg, { incoming: true });
    created = true;
  }
  const target = vm;
  if (canonical(target.ramRanges.map((r) => [r.gpa.toString(), r.size.toString()])) !== layout) {
    const e = streamError(`HEADER RAM layout differs from the VM's (${cfg.machine}, ${cfg.memoryBytes} bytes)`);
    await dropVm(mgr, target, logger, e.message);
    throw e;
  }
  logger.info({ vm: cfg.name, source: header.host, prepared: !created }, 'incoming live migration');
  // ------------------------------------------------ the rest, with the VM lock held
  return target.lock(async () => {
    const inc: Incoming = { vm: target, resuming: new Map(), stage: 0, viommuLoaded: false };
    try {
      if (target.state !== 'INCOMING') throw new DomainError('ABORTED', 'BAD_STATE', `VM ${cfg.name} is ${target.state} now, not INCOMING`);
      target.cfg = placedHere(target.cfg, here);
      await mgr.prepareIncoming(target);
      for (const rt of target.vfio.values()) inc.resuming.set(rt.cfg.id, await mgr.link.setMigState(target.hostPid, rt.deviceFd, 'VFIO_DEVICE_MIG_STATE_RESUMING'));
      let ended = false;
      const apply = async (recs: Array<{ type: number; payload: Uint8Array }>): Promise<void> => {
        for (const r of recs) {
          if (ended) throw streamError(`${recordTypeName(r.type)} record after END`);
          ended = await applyRecord(mgr, inc, r.type, r.payload);
        }
      };
      await apply(rest);
      while (!ended) {
        const n = await it.next();
        if (n.done) break;
        await apply(reader.push(n.value.chunk));
      }
      if (!ended) throw streamError('the stream ended before END (the source gave up or died)');
      // trailing bytes after END
      for (let n = await it.next(); !n.done; n = await it.next()) if (n.value.chunk.length > 0) throw streamError('bytes after END');
      // ---------------------------------------------- resume: devices RESUMING → STOP → RUNNING, the guest runs
      for (const rt of target.vfio.values()) {
        await mgr.link.setMigState(target.hostPid, rt.deviceFd, 'VFIO_DEVICE_MIG_STATE_STOP');
        const fd = inc.resuming.get(rt.cfg.id);
        inc.resuming.delete(rt.cfg.id);
        if (fd !== undefined && fd >= 0) await mgr.link.closeFd(target.hostPid, fd).catch(() => undefined);
        await mgr.link.setMigState(target.hostPid, rt.deviceFd, 'VFIO_DEVICE_MIG_STATE_RUNNING');
      }
      mgr.resumeIncoming(target);
      return 'OK';
    } catch (e) {
      await dropVmLocked(mgr, target, logger, (e as Error).message);
      throw e;
    }
  });
}

/**
 * `cfg` as this host places it (placeOnHost); when a device left the iommufd path, the iommufd
 * objects no device uses any more go too (a host without iommufd has no /dev/iommu to open).
 */
function placedHere(cfg: VmConfig, here: Parameters<typeof placeOnHost>[1]): VmConfig {
  const placed = placeOnHost(cfg, here);
  if (placed === cfg) return cfg;
  const used = new Set(placed.devices.flatMap((d) => (d.kind === 'vfio' && !d.legacyContainer ? [d.iommufd] : [])));
  return { ...placed, iommufdObjects: placed.iommufdObjects.filter((o) => used.has(o.id)) };
}

/** One record onto the VM; true at END. */
async function applyRecord(mgr: VmManager, inc: Incoming, type: number, p: Uint8Array): Promise<boolean> {
  const vm = inc.vm;
  const stage = STAGE.get(type)!;
  if (type === REC.HEADER) throw streamError('a second HEADER');
  if (stage < inc.stage) throw streamError(`${recordTypeName(type)} record after a later stage`);
  inc.stage = stage;
  switch (type) {
    case REC.RAM: {
      const { gpa, data } = decodeRam(p);
      const va = ramVaOf(vm, gpa, BigInt(data.length));
      if (va === undefined) throw streamError(`RAM record [0x${gpa.toString(16)}, +0x${data.length.toString(16)}) is not inside guest RAM of VM ${vm.name}`);
      await mgr.writeGuestRam(vm, va, gpa, data);
      return false;
    }
    case REC.DEVICE: {
      const { id, data } = decodeDevice(p);
      const fd = inc.resuming.get(id);
      if (fd === undefined) throw streamError(`DEVICE record for '${id.slice(0, 64)}', which is no assigned device of VM ${vm.name}`);
      if (data.length > 0) await mgr.link.writeMigData(vm.hostPid, fd, [data]);
      return false;
    }
    case REC.VIOMMU: {
      if (inc.viommuLoaded) throw streamError('a second VIOMMU record');
      inc.viommuLoaded = true;
      if (vm.viommu) {
        const { pendingFaults } = await loadVirtioIommuState(vm.viommu, p);
        for (const f of pendingFaults) vm.events.append({ kind: 'virtio_fault', reason: f.reason, flags: f.flags, endpoint: f.endpoint, address: f.address, raw: vm.viommu.faultRecord(f) });
      } else if (vm.intel) {
        loadIntelIommuState(vm.intel, p);
        // vtd_post_load: the address spaces switched; the NESTED bindings and the shadow follow
        await vm.nested?.drain();
        await vm.shadow?.drain();
      } else if (vm.smmu) loadSmmuv3State(vm.smmu, p);
      else throw streamError(`VIOMMU record for VM ${vm.name}, which has no vIOMMU`);
      return false;
    }
    case REC.VIRTIO: {
      if (vm.cfg.viommu.model !== 'NONE' && !inc.viommuLoaded) throw streamError(`no VIOMMU record before VIRTIO (VM ${vm.name} has a ${vm.cfg.viommu.model})`);
      for (const d of decodeVirtio(p)) {
        const rt = vm.virtio.get(d.id);
        if (!rt) throw streamError(`VIRTIO state for '${d.id.slice(0, 64)}', which is no virtio device of VM ${vm.name}`);
        if ((d.driverFeatures & ~rt.offered) !== 0n) throw streamError(`virtio device '${d.id}': driver features 0x${d.driverFeatures.toString(16)} beyond the offered 0x${rt.offered.toString(16)}`);
        rt.driverFeatures = d.driverFeatures;
        rt.featuresOk = d.featuresOk;
        rt.status = d.status;
      }
      return false;
    }
    case REC.END:
      if (vm.cfg.viommu.model !== 'NONE' && !inc.viommuLoaded) throw streamError(`END without the VIOMMU record (VM ${vm.name} has a ${vm.cfg.viommu.model})`);
      if (p.length !== 0) throw streamError('END record with a payload');
      return true;
    default:
      throw streamError(`unexpected ${recordTypeName(type)} record`);
  }
}

/** The longest the destination waits for the next chunk before giving the migration up. */
export const MIGRATION_IDLE_MS = 60_000;

async function withIdleLimit<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DomainError('ABORTED', 'MIGRATION_STALLED', `migration stream: nothing received for ${MIGRATION_IDLE_MS / 1000} s`)), MIGRATION_IDLE_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failed incoming migration leaves nothing here (QEMU -incoming exits). */
async function dropVmLocked(mgr: VmManager, vm: Vm, logger: Logger, why: string): Promise<void> {
  await mgr.deleteLocked(vm).catch((e: unknown) => logger.error({ vm: vm.name, err: (e as Error).message }, 'failed incoming migration: dropping the VM failed'));
  logger.warn({ vm: vm.name, err: why }, 'incoming live migration failed: the VM was dropped');
}

function dropVm(mgr: VmManager, vm: Vm, logger: Logger, why: string): Promise<void> {
  return vm.lock(() => dropVmLocked(mgr, vm, logger, why));
}
