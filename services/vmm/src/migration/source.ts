/**
 * The source side of a live migration (Vmm.Migrate), in QEMU's order (reference
 * smmuv3-and-migration.md §B.2; migration/migration.c, ram.c, hw/vfio/migration.c):
 *
 *   refuse before touching anything when the VM has blockers or CheckMigration violations;
 *   SETUP     the vmm → vmm stream opened, HEADER sent (the destination prepares its VM);
 *             dirty tracking on (the vmm's CPU log, the host's HWPT / type1 tracking of device
 *             DMA); each assigned device RUNNING → PRE_COPY when it supports it
 *   PRECOPY   round 1 all guest RAM, then the pages dirtied since (CPU ∪ device DMA, as GPAs)
 *             and the devices' PRE_COPY data, until the estimate fits `max_downtime_ms` at the
 *             measured bandwidth or `max_rounds` is reached
 *   STOP_COPY the guest stopped (the VM lock held: guest calls wait), devices → STOP_COPY (via
 *             RUNNING_P2P / PRE_COPY_P2P when all support P2P), their data read to its end, the
 *             last dirty RAM, DEVICE, VIOMMU (saved with the guest stopped), VIRTIO, END
 *   RESUME    the destination loads, resumes and answers OK; only then the source VM is deleted
 *             (its host process exits: every host object and pin goes)
 *
 * A failure anywhere before the destination's OK (its refusal, its death, a broken stream, the
 * caller gone) stops the tracking, moves the devices back to RUNNING and lets the guest run on
 * unchanged (same RAM, same mappings); the progress stream ends with FAILED.
 */
import type * as grpc from '@grpc/grpc-js';
import { DomainError } from '#libs/errno/index.js';
import type { VmmClients } from '#libs/rpc/client.js';
import type { ReceiveMigrationRequest } from '#libs/rpc/gen/iommutwin/vmm/v1/ReceiveMigrationRequest.js';
import type { ReceiveMigrationResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/ReceiveMigrationResponse.js';
import { dirtyLogOf, dirtyRuns, type DirtyLog } from '../machine/dirty-log.js';
import { ramVaOf } from '../machine/runtime.js';
import type { Vm, VmManager, VfioRuntime } from '../machine/vmm.js';
import type { HostLink, VfioMigState } from '../hostlink/hostlink.js';
import { saveVirtioIommuState } from '../viommu/virtio-iommu-vmstate.js';
import { saveIntelIommuState } from '../viommu/intel-iommu/vmstate.js';
import { saveSmmuv3State } from '../viommu/smmuv3/vmstate.js';
import { checkMigration, formatViolation, peerDescribe, VFIO_MIGRATION_P2P, VFIO_MIGRATION_PRE_COPY, type MigrationViolation } from './check.js';
import { deviceDirtyTracker, type DeviceDirtyTracker } from './dirty-dma.js';
import { peerClients } from './peer.js';
import { encodeDevice, encodeHeader, encodeRecord, encodeVirtio, PAGE, RAM_RUN_MAX, ramHead, REC } from './stream.js';

export type MigrationPhase = 'SETUP' | 'PRECOPY' | 'STOP_COPY' | 'DEVICE_STATE' | 'VIOMMU_STATE' | 'RESUME' | 'COMPLETED' | 'FAILED';

export interface MigrationProgress {
  phase: MigrationPhase;
  round: number;
  bytesSent: bigint;
  dirtyPages: bigint;
  downtimeMs: bigint;
  remainingBytes: bigint;
  detail: string;
}

export interface MigrateOptions {
  destination: string;
  /** a root token of the destination vmm ('' → the host link's own) */
  token: string;
  /** 0 → 300 (QEMU's downtime-limit) */
  maxDowntimeMs: number;
  /** 0 → 30 */
  maxRounds: number;
  /** 0 → unlimited */
  bandwidthBytesPerS: bigint;
}

/**
 * Bytes one stream chunk carries at most (below gRPC's 4 MiB message limit): a whole RAM record
 * of RAM_RUN_MAX bytes and room for a few small ones. Chunks end at record boundaries (a record
 * larger than this is split), so the destination reads each record in place.
 */
export const CHUNK_BYTES = RAM_RUN_MAX + 4096;
const DEFAULT_DOWNTIME_MS = 300;
const DEFAULT_ROUNDS = 30;

/**
 * The ReceiveMigration client stream: records packed into chunks, sends paced by the bandwidth
 * cap and by the stream's flow control; the destination's answer (or its failure) observed all along.
 */
class MigrationSender {
  private readonly call: grpc.ClientWritableStream<ReceiveMigrationRequest>;
  private readonly answer: Promise<ReceiveMigrationResponse__Output>;
  private failure: Error | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ended = false;
  bytesSent = 0n;
  private readonly t0 = performance.now();

  constructor(
    peer: VmmClients,
    private readonly bandwidth: bigint,
    private readonly signal: AbortSignal,
  ) {
    let resolve!: (r: ReceiveMigrationResponse__Output) => void;
    let reject!: (e: Error) => void;
    this.answer = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    this.answer.catch(() => undefined);
    this.call = peer.Vmm.ReceiveMigration((err: grpc.ServiceError | null, res?: ReceiveMigrationResponse__Output) => {
      if (err) {
        this.failure = new DomainError('ABORTED', 'DESTINATION_FAILED', `destination vmm: ${err.details || err.message}`, { code: String(err.code) });
        reject(this.failure);
      } else resolve(res!);
    });
  }

  /** The destination's failure (or the caller's cancel) so far, thrown. */
  check(): void {
    if (this.failure) throw this.failure;
    if (this.signal.aborted) throw new DomainError('ABORTED', 'MIGRATION_CANCELLED', 'the Migrate call ended (client cancelled or deadline)');
  }

  /** Queues one record (given as its parts: head, payload pieces); whole chunks go out. */
  async record(...parts: Uint8Array[]): Promise<void> {
    let n = 0;
    for (const p of parts) n += p.length;
    // the chunk ends before a record that does not fit in it
    if (this.pendingBytes > 0 && this.pendingBytes + n > CHUNK_BYTES) await this.flush();
    for (const p of parts) this.pending.push(p);
    this.pendingBytes += n;
    if (this.pendingBytes >= RAM_RUN_MAX) await this.flush();
  }

  /** Sends what is queued (one copy into the chunk), in chunks of at most CHUNK_BYTES. */
  async flush(): Promise<void> {
    this.check();
    if (this.pendingBytes === 0) return;
    const all = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (let o = 0; o < all.length; o += CHUNK_BYTES) {
      const chunk = all.subarray(o, Math.min(all.length, o + CHUNK_BYTES));
      if (!this.call.write({ chunk })) await this.drained();
      this.bytesSent += BigInt(chunk.length);
      await this.pace();
      this.check();
    }
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.call.off('drain', done);
        clearInterval(poll);
        resolve();
      };
      this.call.on('drain', done);
      // the answer (a failure) may come instead of a drain
      const poll = setInterval(() => {
        if (this.failure || this.signal.aborted) done();
      }, 20);
    });
  }

  /** bandwidth_bytes_per_s: wait until the bytes sent so far fit the cap. */
  private async pace(): Promise<void> {
    if (this.bandwidth === 0n) return;
    const dueMs = (Number(this.bytesSent) * 1000) / Number(this.bandwidth);
    const wait = dueMs - (performance.now() - this.t0);
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  }

  /** END sent, the stream closed: the destination's answer. */
  async finish(): Promise<ReceiveMigrationResponse__Output> {
    await this.flush();
    this.ended = true;
    this.call.end();
    return this.answer;
  }

  cancel(): void {
    if (!this.ended) this.call.cancel();
    this.ended = true;
  }
}

/** The state of one assigned device during the migration. */
interface DeviceMig {
  rt: VfioRuntime;
  flags: number;
  /** the saving data fd (PRE_COPY, then STOP_COPY) */
  dataFd: number;
  state: VfioMigState;
}

function refusal(vm: string, violations: readonly MigrationViolation[]): DomainError {
  return new DomainError('FAILED_PRECONDITION', 'MIGRATION_BLOCKED', `cannot migrate VM ${vm}: ${violations.map(formatViolation).join('; ')}`, {
    violations: JSON.stringify(violations),
    count: String(violations.length),
  });
}

/** The VM's vIOMMU state (saved with the guest stopped, under the VM lock); undefined for model NONE. */
async function saveViommu(vm: Vm): Promise<Uint8Array | undefined> {
  if (vm.viommu) {
    await vm.viommu.idle();
    return saveVirtioIommuState(vm.viommu);
  }
  if (vm.intel) return saveIntelIommuState(vm.intel);
  if (vm.smmu) return saveSmmuv3State(vm.smmu);
  return undefined;
}

/**
 * Vmm.Migrate of `name` to `opts.destination`: progress reports through `report`. Resolves when
 * the migration completed (the source VM is gone) or failed (the source VM runs on unchanged);
 * rejects only for a refusal before anything changed.
 */
export async function migrate(mgr: VmManager, name: string, opts: MigrateOptions, report: (p: MigrationProgress) => Promise<void>, signal: AbortSignal, specOf: (vm: Vm) => unknown): Promise<void> {
  const link = mgr.link;
  const vm = mgr.running(name);
  if (vm.migrating) throw new DomainError('FAILED_PRECONDITION', 'MIGRATION_IN_PROGRESS', `VM ${name} is already migrating`);
  const token = opts.token || link.opts.token;
  const credentials = link.opts.credentials;
  // ------------------------------------------------ checks: nothing changes on a refusal
  const src = await link.describe();
  const peerInfo = await peerDescribe(opts.destination, token, credentials);
  const violations = [...checkMigration(vm, src, peerInfo.host, peerInfo.vms).violations];
  if (violations.length > 0) throw refusal(name, violations);
  if (vm.migrating) throw new DomainError('FAILED_PRECONDITION', 'MIGRATION_IN_PROGRESS', `VM ${name} is already migrating`);

  const maxDowntimeMs = opts.maxDowntimeMs || DEFAULT_DOWNTIME_MS;
  const maxRounds = opts.maxRounds || DEFAULT_ROUNDS;
  const peer = peerClients(opts.destination, token, credentials);
  const progress: MigrationProgress = { phase: 'SETUP', round: 0, bytesSent: 0n, dirtyPages: 0n, downtimeMs: 0n, remainingBytes: 0n, detail: '' };
  const say = async (phase: MigrationPhase, detail = ''): Promise<void> => {
    progress.phase = phase;
    progress.detail = detail;
    progress.bytesSent = sender?.bytesSent ?? progress.bytesSent;
    await report({ ...progress });
  };
  let sender: MigrationSender | undefined;
  const log = dirtyLogOf(vm);
  let tracker: DeviceDirtyTracker | undefined;
  const devices: DeviceMig[] = [];
  const pid = vm.hostPid;
  let recovered = false;
  const recover = async (): Promise<void> => {
    if (recovered) return;
    recovered = true;
    if (log.active) log.stop();
    await tracker?.stop().catch(() => undefined);
    // every device back to RUNNING (the kernel walks STOP_COPY → STOP → RUNNING_P2P → RUNNING)
    for (const d of devices) {
      if (d.state !== 'VFIO_DEVICE_MIG_STATE_RUNNING') {
        await link.setMigState(pid, d.rt.deviceFd, 'VFIO_DEVICE_MIG_STATE_RUNNING').catch((err: unknown) => mgr.logger.error({ vm: name, device: d.rt.cfg.id, err: (err as Error).message }, 'migration recovery: the device did not return to RUNNING'));
        d.state = 'VFIO_DEVICE_MIG_STATE_RUNNING';
      }
      if (d.dataFd >= 0) await link.closeFd(pid, d.dataFd).catch(() => undefined);
      d.dataFd = -1;
    }
    vm.migrating = false;
  };
  vm.migrating = true;
  try {
    // ---------------------------------------------- SETUP
    sender = new MigrationSender(peer, opts.bandwidthBytesPerS, signal);
    await say('SETUP', `to ${opts.destination} (host ${peerInfo.host.name})`);
    await sender.record(encodeHeader({ spec: portableSpec(specOf(vm)), host: src.name, ram: vm.ramRanges.map((r) => ({ gpa: r.gpa, size: r.size })) }));
    await sender.flush();
    log.start();
    tracker = deviceDirtyTracker(vm, link);
    await tracker.start();
    for (const rt of vm.vfio.values()) {
      const flags = await link.migrationFlags(pid, rt.deviceFd);
      const d: DeviceMig = { rt, flags, dataFd: -1, state: 'VFIO_DEVICE_MIG_STATE_RUNNING' };
      devices.push(d);
      if (flags & VFIO_MIGRATION_PRE_COPY) {
        d.dataFd = await link.setMigState(pid, rt.deviceFd, 'VFIO_DEVICE_MIG_STATE_PRE_COPY');
        d.state = 'VFIO_DEVICE_MIG_STATE_PRE_COPY';
      }
    }

    // ---------------------------------------------- PRECOPY
    const t0 = performance.now();
    const before = sender.bytesSent;
    for (let round = 1; ; round++) {
      progress.round = round;
      if (round === 1) {
        // QEMU's setup bitmap: all of RAM once (zero pages skipped: the destination's RAM is
        // fresh); writes meanwhile are logged for round 2, which sends a page even if it became zero
        for (const r of vm.ramRanges) await sendRam(vm, link, sender, r.gpa, r.size, true);
      } else {
        // the previous round's estimate just read the device-DMA bitmaps into the log: no second
        // read here (what devices dirtied since is caught by the next one, at the latest STOP_COPY's)
        await sendDirty(vm, link, sender, log);
      }
      for (const d of devices) if (d.state === 'VFIO_DEVICE_MIG_STATE_PRE_COPY') await sendDeviceData(link, sender, pid, d);
      await sender.flush();
      // the bandwidth measured over the whole pre-copy so far (bytes per ms)
      const bw = Number(sender.bytesSent - before) / Math.max(1, performance.now() - t0);
      // the estimate: what is dirty now — the device-DMA bitmaps are read into the log first
      // (QEMU's migration_bitmap_sync before it sizes what is pending; the next round sends those
      // pages) — plus the devices' STOP_COPY data
      for (const p of await tracker.collect()) log.mark(p << 12n, PAGE);
      let stopCopyBytes = 0n;
      for (const d of devices) stopCopyBytes += await link.migDataSize(pid, d.rt.deviceFd);
      const dirty = BigInt(log.dirtyPages);
      progress.dirtyPages = dirty;
      progress.remainingBytes = dirty * BigInt(PAGE) + stopCopyBytes;
      const estimateMs = bw > 0 ? Number(progress.remainingBytes) / bw : Infinity;
      await say('PRECOPY', `round ${round}: ${(bw / 1000).toFixed(1)} MB/s, estimated downtime ${estimateMs.toFixed(0)} ms`);
      if (estimateMs <= maxDowntimeMs || round >= maxRounds) break;
    }

    // ---------------------------------------------- STOP_COPY (guest stopped: the VM lock held to the end)
    await vm.lock(async () => {
      try {
        await stopAndCopy();
      } catch (e) {
        // the guest resumes unchanged, before any guest call waiting on the lock runs
        sender?.cancel();
        await recover();
        throw e;
      }
    });
    await say('COMPLETED', `downtime ${progress.downtimeMs} ms`);
  } catch (e) {
    sender?.cancel();
    const why = (e as Error).message;
    await recover();
    mgr.logger.warn({ vm: name, destination: opts.destination, err: why }, 'live migration failed: the VM runs on here');
    await say('FAILED', why).catch(() => undefined);
  } finally {
    peer.close();
  }

  async function stopAndCopy(): Promise<void> {
    const stopped = performance.now();
    if (vm.state !== 'RUNNING' || vm.hostObjectsLost) throw new DomainError('ABORTED', 'VM_NOT_RUNNING', `VM ${name} is ${vm.hostObjectsLost ? 'without host objects' : vm.state}`);
    await say('STOP_COPY');
    // QEMU's prepare callback (vfio_vmstate_change_prepare): every P2P device to RUNNING_P2P /
    // PRE_COPY_P2P before any device stops, so no device's P2P DMA reaches a stopped peer
    for (const d of devices) {
      if (!(d.flags & VFIO_MIGRATION_P2P)) continue;
      const to: VfioMigState = d.state === 'VFIO_DEVICE_MIG_STATE_PRE_COPY' ? 'VFIO_DEVICE_MIG_STATE_PRE_COPY_P2P' : 'VFIO_DEVICE_MIG_STATE_RUNNING_P2P';
      await link.setMigState(pid, d.rt.deviceFd, to);
      d.state = to;
    }
    for (const d of devices) {
      const fd = await link.setMigState(pid, d.rt.deviceFd, 'VFIO_DEVICE_MIG_STATE_STOP_COPY');
      d.state = 'VFIO_DEVICE_MIG_STATE_STOP_COPY';
      if (fd >= 0) {
        if (d.dataFd >= 0 && d.dataFd !== fd) await link.closeFd(pid, d.dataFd).catch(() => undefined);
        d.dataFd = fd;
      }
    }
    // the last dirty RAM (the devices are stopped: nothing writes guest RAM any more), the
    // device-DMA bitmaps read once more
    await sendDirty(vm, link, sender!, log, tracker!);
    await say('DEVICE_STATE');
    for (const d of devices) await sendDeviceData(link, sender!, pid, d);
    const state = await saveViommu(vm);
    await say('VIOMMU_STATE', state ? `${state.length} bytes` : 'no vIOMMU');
    if (state) await sender!.record(encodeRecord(REC.VIOMMU, state));
    await sender!.record(encodeVirtio([...vm.virtio.values()].map((v) => ({ id: v.cfg.id, driverFeatures: v.driverFeatures, featuresOk: v.featuresOk, status: v.status ?? 0 }))));
    await sender!.record(encodeRecord(REC.END, new Uint8Array(0)));
    progress.dirtyPages = 0n;
    progress.remainingBytes = 0n;
    await say('RESUME', 'the destination loads the state and resumes');
    const answer = await sender!.finish();
    if (answer.result !== 'OK') throw new DomainError('ABORTED', 'DESTINATION_FAILED', `destination vmm answered '${answer.result.slice(0, 200)}'`);
    progress.downtimeMs = BigInt(Math.round(performance.now() - stopped));
    // the VM lives on the destination now
    log.stop();
    await tracker!.stop().catch(() => undefined);
    tracker = undefined;
    recovered = true; // nothing to undo from here: the VM lives on the destination
    // the source's VM goes (host process, objects, pins). `migrating` stays set until it is gone:
    // a guest write arriving meanwhile must not take the unlocked path into a VM that has moved
    // (it waits for the lock, then finds the VM STOPPED)
    await mgr.deleteLocked(vm).catch((err: unknown) => mgr.logger.error({ vm: name, err: (err as Error).message }, 'migrated VM: deleting the source VM failed'));
    vm.migrating = false;
  }
}

/** The VmSpec without fds: fd numbers name files of the source's VM process, never the destination's. */
export function portableSpec(spec: unknown): unknown {
  const s = JSON.parse(JSON.stringify(spec)) as { iommufd_objects?: Array<Record<string, unknown>>; devices?: Array<{ vfio?: Record<string, unknown> }> };
  for (const o of s.iommufd_objects ?? []) delete o.fd;
  for (const d of s.devices ?? []) if (d.vfio) delete d.vfio.fd;
  return s;
}

/** Reads of guest RAM a RAM phase keeps in flight ahead of the stream (the host read overlaps the send). */
const READ_AHEAD = 4;

/**
 * Guest RAM [gpa, +size) in RAM records of at most RAM_RUN_MAX bytes, read from the VM process's
 * memory with READ_AHEAD reads in flight, sent in GPA order.
 */
async function sendRam(vm: Vm, link: HostLink, sender: MigrationSender, gpa: bigint, size: bigint, skipZero = false): Promise<void> {
  const inflight: Array<{ gpa: bigint; data: Promise<Buffer> }> = [];
  let failed: unknown;
  try {
    for (let o = 0n; o < size || inflight.length > 0; ) {
      while (o < size && inflight.length < READ_AHEAD) {
        const n = size - o < BigInt(RAM_RUN_MAX) ? size - o : BigInt(RAM_RUN_MAX);
        const va = ramVaOf(vm, gpa + o, n);
        if (va === undefined) throw new DomainError('INTERNAL', 'GPA_OUT_OF_RANGE', `guest RAM [0x${(gpa + o).toString(16)}, +0x${n.toString(16)}) has no mapping`);
        const data = link.readMemory(vm.hostPid, va, Number(n));
        data.catch(() => undefined); // awaited below in order; a later one's failure is not unhandled meanwhile
        inflight.push({ gpa: gpa + o, data });
        o += n;
      }
      const next = inflight.shift()!;
      const data = await next.data;
      if (!skipZero) await sender.record(ramHead(next.gpa, data.length), data);
      else for (const run of nonZeroRuns(data)) await sender.record(ramHead(next.gpa + BigInt(run.start), run.end - run.start), data.subarray(run.start, run.end));
    }
  } catch (e) {
    failed = e;
  }
  // nothing stays in flight past a failure
  await Promise.allSettled(inflight.map((r) => r.data));
  if (failed !== undefined) throw failed;
}

const ZERO_PAGE = Buffer.alloc(PAGE);

/**
 * The runs of `data` (whole 4 KiB pages, a shorter last one) that are not all zero: round 1 sends
 * only those, as QEMU's save_zero_page does (the destination's guest RAM is a fresh memfd, all zero).
 */
export function nonZeroRuns(data: Buffer): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (let o = 0; o < data.length; o += PAGE) {
    const end = Math.min(data.length, o + PAGE);
    if (data.subarray(o, end).equals(ZERO_PAGE.subarray(0, end - o))) continue;
    const last = out[out.length - 1];
    if (last && last.end === o) last.end = end;
    else out.push({ start: o, end });
  }
  return out;
}

/**
 * The pages dirtied since the last collection: the vmm's CPU log, into which the device-DMA pages
 * are read from the host first when `tracker` is given (else they were just read into it).
 */
async function sendDirty(vm: Vm, link: HostLink, sender: MigrationSender, log: DirtyLog, tracker?: DeviceDirtyTracker): Promise<void> {
  if (tracker) for (const p of await tracker.collect()) log.mark(p << 12n, PAGE);
  const report = log.collect();
  for (const run of dirtyRuns(report)) await sendRam(vm, link, sender, run.gpa, run.length);
}

/** What the device's saving data fd has now (PRE_COPY: until ENOMSG; STOP_COPY: to its end), as DEVICE records. */
async function sendDeviceData(link: HostLink, sender: MigrationSender, pid: number, d: DeviceMig): Promise<void> {
  if (d.dataFd < 0) return;
  for (const chunk of await link.readMigData(pid, d.dataFd)) await sender.record(encodeDevice(d.rt.cfg.id, chunk));
}
