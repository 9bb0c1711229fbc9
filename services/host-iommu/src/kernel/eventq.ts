/**
 * The iommufd event queues (drivers/iommu/iommufd/eventq.c): the FAULT object (IOPF fault queue,
 * IOMMU_FAULT_QUEUE_ALLOC, its `[iommufd-pgfault]` file read as ReadFaults and written as
 * RespondFaults) and the VEVENTQ object (IOMMU_VEVENTQ_ALLOC, its `[iommufd-viommu-event]` file
 * read as ReadVevents). Checks in the kernel's order with its errnos; a failed alloc leaves no
 * object, no ID, no fd and no charge.
 *
 * Both files hold one `users` reference on their object and one reference on the iommufd file
 * (iommufd_eventq_init: refcount_inc(&obj.users), iommufd_ctx_get), dropped when the last fd of
 * the file closes (iommufd_eventq_fops_release). So IOMMU_DESTROY of a queue whose fd is open is
 * EBUSY, and the context's teardown (which runs only once every such file is gone) destroys it.
 *
 * read(2) becomes a server stream here (host-api.md: "Streams are resumable"). The loop that
 * serves one stream lives in this file (`follow` of each file), so the transport only encodes.
 */
import { kerr } from '#libs/errno/index.js';
import { LowestFree } from '#libs/ranges/lowest-free.js';
import { OpenFile, O_RDWR } from '../process/files.js';
import type { Process } from '../process/process.js';
import { IObj, KMEM_PAGES, type IopfGroup } from './object.js';
import type { IommufdCtxOps, IommufdFault, IommufdVeventq, IommufdViommu } from './topology.js';

export const IOMMUFD_PAGE_RESP_SUCCESS = 0;
export const IOMMUFD_PAGE_RESP_INVALID = 1;
export const IOMMU_PGFAULT_FLAGS_PASID_VALID = 1 << 0;
export const IOMMU_PGFAULT_FLAGS_LAST_PAGE = 1 << 1;
export const IOMMU_PGFAULT_PERM_READ = 1 << 0;
export const IOMMU_PGFAULT_PERM_WRITE = 1 << 1;
export const IOMMU_PGFAULT_PERM_EXEC = 1 << 2;
export const IOMMU_PGFAULT_PERM_PRIV = 1 << 3;
export const IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1 << 0;
export const IOMMU_VEVENTQ_TYPE_DEFAULT = 0;
export const IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1;
export const IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2;

/** xa_limit_32b of an XA_FLAGS_ALLOC1 xarray: cookies 1 ..= U32_MAX. */
const COOKIE_MIN = 1;
const COOKIE_MAX = 0xffffffff;
/** The kernel's vEVENT header sequence is `(seq + 1) & INT_MAX`. */
export const VEVENT_SEQ_MASK = 0x7fffffffn;

export const FAULT_FILE_NAME = 'anon_inode:[iommufd-pgfault]';
export const VEVENTQ_FILE_NAME = 'anon_inode:[iommufd-viommu-event]';

// ------------------------------------------------------------------ wait queue

/**
 * A wait queue (wait_queue_head_t): every stream serving a file of the queue registers one
 * waker for its lifetime and removes it when it ends, so the set is bounded by open streams.
 * wake() wakes them all (wake_up_interruptible); each re-checks what it waits for.
 */
class WaitQueue {
  private readonly wakers = new Set<() => void>();
  add(w: () => void): void {
    this.wakers.add(w);
  }
  delete(w: () => void): void {
    this.wakers.delete(w);
  }
  wake(): void {
    for (const w of this.wakers) w();
  }
  get size(): number {
    return this.wakers.size;
  }
}

/**
 * Serve one stream: `step` sends what is available (resolving false when nothing was), and the
 * loop waits for a wake when it was nothing. Ends when `live()` turns false or `signal` aborts;
 * the waker is registered before the first check and removed at the end (no lost wake-ups: the
 * check and the wait are in the same synchronous turn).
 */
async function serve(wq: WaitQueue, signal: AbortSignal, live: () => boolean, step: () => Promise<boolean> | false): Promise<void> {
  let wake: (() => void) | undefined;
  const waker = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  wq.add(waker);
  signal.addEventListener('abort', waker, { once: true });
  try {
    while (!signal.aborted && live()) {
      const r = step();
      if (r !== false && (await r)) continue;
      if (signal.aborted || !live()) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    wake = undefined;
    wq.delete(waker);
    signal.removeEventListener('abort', waker);
  }
}

// ------------------------------------------------------------------ FAULT

/** One group as ReadFaults sends it (struct iommu_hwpt_pgfault records, one per fault). */
export interface FaultRecord {
  cookie: number;
  faults: Array<{ flags: number; devId: number; pasid: number; grpid: number; perm: number; addr: bigint; length: number }>;
}

/** A page response (struct iommu_hwpt_page_response). */
export interface PageResponse {
  cookie: number;
  code: number;
}

export class FaultObj extends IObj<IommufdCtxOps> implements IommufdFault {
  readonly type = 'FAULT';
  /** fault->common.deliver: groups delivered and not read yet, oldest first. */
  private readonly deliverQ = new Set<IopfGroup>();
  /** fault->response: groups read and not answered, by cookie, in the order they were read. */
  private readonly response = new Map<number, IopfGroup>();
  private readonly cookies = new LowestFree(COOKIE_MIN, COOKIE_MAX);
  /** Readers of the file (waiting ReadFaults streams). */
  readonly wq = new WaitQueue();
  destroyed = false;
  /** The file of the fd IOMMU_FAULT_QUEUE_ALLOC returned. */
  file!: FaultFile;

  /** Groups queued for reading. */
  get queued(): number {
    return this.deliverQ.size;
  }
  /** Groups read and waiting for their response. */
  get awaitingResponse(): number {
    return this.response.size;
  }

  /** iommufd_fault_iopf_handler: append the whole group and wake the readers. */
  deliver(group: IopfGroup): void {
    if (this.destroyed) {
      // unreachable through the uAPI (every IOPF-capable HWPT holds a users reference); a group
      // is never left unanswered
      group.respond(IOMMUFD_PAGE_RESP_INVALID);
      return;
    }
    this.deliverQ.add(group);
    this.wq.wake();
  }

  /**
   * iommufd_fault_fops_read for one group: take the oldest queued group, give it the lowest free
   * cookie and move it to the response table. Undefined when nothing is queued; EBUSY (with the
   * group left at the head) when every 32-bit cookie is in use.
   */
  read(): FaultRecord | undefined {
    const it = this.deliverQ.values().next();
    if (it.done) return undefined;
    const group = it.value;
    const cookie = this.cookies.alloc();
    if (cookie === undefined) throw kerr('EBUSY', 'every fault cookie is in use');
    this.deliverQ.delete(group);
    this.response.set(cookie, group);
    return record(group, cookie);
  }

  /**
   * The groups read and not answered yet, for a resubscribing reader: those read after the group
   * of `afterCookie` when that group is still waiting for its response, else all of them (a
   * cookie once answered may be reused, so its place in the read order is gone: nothing is lost,
   * and a group the reader already had comes again with the same cookie).
   */
  unanswered(afterCookie: number): Array<{ cookie: number; group: IopfGroup }> {
    const out: Array<{ cookie: number; group: IopfGroup }> = [];
    let take = afterCookie === 0 || !this.response.has(afterCookie);
    for (const [cookie, group] of this.response) {
      if (take) out.push({ cookie, group });
      else if (cookie === afterCookie) take = true;
    }
    return out;
  }

  /** Whether `group` is still waiting under `cookie` (not answered since it was listed). */
  isAwaiting(cookie: number, group: IopfGroup): boolean {
    return this.response.get(cookie) === group;
  }

  /**
   * iommufd_fault_fops_write: responses applied in order; a code other than SUCCESS/INVALID or a
   * cookie not awaiting a response is EINVAL and stops. Returns how many were applied; when the
   * first one fails, its error.
   */
  respond(responses: readonly PageResponse[]): number {
    let done = 0;
    for (const r of responses) {
      let err;
      if (r.code !== IOMMUFD_PAGE_RESP_SUCCESS && r.code !== IOMMUFD_PAGE_RESP_INVALID) {
        err = kerr('EINVAL', `page response code ${r.code} is neither SUCCESS (0) nor INVALID (1)`, { applied: String(done) });
      } else if (!this.response.has(r.cookie)) {
        err = kerr('EINVAL', `no fault group awaits a response with cookie ${r.cookie}`, { applied: String(done) });
      }
      if (err) {
        if (done === 0) throw err;
        break;
      }
      this.answer(r.cookie, r.code);
      done++;
    }
    return done;
  }

  private answer(cookie: number, code: number): void {
    const group = this.response.get(cookie)!;
    this.response.delete(cookie);
    this.cookies.release(cookie);
    group.respond(code);
  }

  /**
   * iommufd_auto_response_faults: every group that came through the attach handle of `hwpt` (and
   * `pasid`, when given; and one of `devIds`, when given), queued or awaiting its response, is
   * answered INVALID and its cookie freed.
   */
  autoRespond(hwpt: IObj, pasid?: number, devIds?: ReadonlySet<number>): void {
    const matches = (g: IopfGroup) => g.hwpt === hwpt && (pasid === undefined || g.pasid === pasid) && (devIds === undefined || devIds.has(g.devId));
    for (const g of [...this.deliverQ]) {
      if (!matches(g)) continue;
      this.deliverQ.delete(g);
      g.respond(IOMMUFD_PAGE_RESP_INVALID);
    }
    for (const [cookie, g] of [...this.response]) {
      if (matches(g)) this.answer(cookie, IOMMUFD_PAGE_RESP_INVALID);
    }
  }

  /** iommufd_fault_destroy: every queued and every read-but-unanswered group is answered INVALID. */
  destroy(): void {
    this.destroyed = true;
    const queued = [...this.deliverQ];
    this.deliverQ.clear();
    for (const g of queued) g.respond(IOMMUFD_PAGE_RESP_INVALID);
    for (const cookie of [...this.response.keys()]) this.answer(cookie, IOMMUFD_PAGE_RESP_INVALID);
    this.wq.wake();
    this.uncharge();
  }
}

function record(group: IopfGroup, cookie: number): FaultRecord {
  return {
    cookie,
    // iommufd_compose_fault_message: dev_id = the device object id, length = 0
    faults: group.faults.map((f) => ({ flags: f.flags, devId: group.devId, pasid: f.pasid, grpid: f.grpid, perm: f.perm, addr: f.addr, length: 0 })),
  };
}

/**
 * The anonymous file of an eventq object (iommufd_eventq_init: O_RDWR, holding a users
 * reference on the object and one on the iommufd).
 */
abstract class EventqFile<O extends FaultObj | VeventqObj> extends OpenFile {
  constructor(
    name: string,
    readonly obj: O,
  ) {
    super(name, O_RDWR);
  }
  /** Dropping an fd wakes the readers, so a stream of a process that closed it re-checks. */
  override put(): void {
    super.put();
    this.obj.wq.wake();
  }
  /** iommufd_eventq_fops_release: drop the references; pending faults are NOT answered by closing. */
  protected release(): void {
    this.obj.users--;
    this.obj.ctx.put();
  }
  /** Whether a stream of `reader` on this file still runs. */
  protected live(reader: Process): boolean {
    return !this.released && !this.obj.destroyed && reader.alive;
  }
}

/**
 * The object and its file (iommufd_eventq_init), in the order the kernel fails: the object's
 * memory charged to the caller's cgroup (ENOMEM), a free fd checked (EMFILE) — after either
 * failure nothing changed — then the object installed, `join` (its other references), its file
 * and the fd.
 */
function eventqInstall<O extends FaultObj | VeventqObj>(ctx: IommufdCtxOps, caller: Process, make: (id: number) => O, join: (o: O) => void, file: (o: O) => O['file']): { id: number; fd: number } {
  const memcg = caller.principal.cgroup;
  const pages = KMEM_PAGES.FAULT; // = KMEM_PAGES.VEVENTQ
  memcg.chargeMemory(pages);
  try {
    caller.reserveCheck();
  } catch (e) {
    memcg.unchargeMemory(pages);
    throw e;
  }
  const obj = ctx.install(make);
  obj.kmem = { memcg, pages };
  join(obj);
  const f = file(obj);
  obj.file = f;
  obj.users++; // held by the file
  ctx.get(); // the file holds the iommufd
  return { id: obj.id, fd: caller.installFd(f) };
}

/** The `[iommufd-pgfault]` file of a FAULT object (O_RDWR). */
export class FaultFile extends EventqFile<FaultObj> {
  readonly kind = 'fault';
  constructor(obj: FaultObj) {
    super(FAULT_FILE_NAME, obj);
  }

  /**
   * ReadFaults by `reader` (the read(2) loop as a stream): first the groups read and not
   * answered (see FaultObj.unanswered), then each newly queued group as it is read, one message
   * per group, waiting for new groups; ends when `signal` aborts, the file is released or the
   * reader exits. A group is taken from the queue only when the previous message has been
   * handed to the transport (its back-pressure holds the rest in the queue, never dropped).
   */
  async follow(reader: Process, afterCookie: number, send: (r: FaultRecord) => Promise<void>, signal: AbortSignal): Promise<void> {
    const obj = this.obj;
    const live = () => this.live(reader);
    for (const { cookie, group } of obj.unanswered(afterCookie)) {
      if (signal.aborted || !live()) return;
      if (obj.isAwaiting(cookie, group)) await send(record(group, cookie));
    }
    await serve(obj.wq, signal, live, () => {
      const r = obj.read();
      return r === undefined ? false : send(r).then(() => true);
    });
  }
}

/**
 * IOMMU_FAULT_QUEUE_ALLOC by `caller` on `ctx`: flags → EOPNOTSUPP; the object (its memory charged
 * to the caller's cgroup: ENOMEM), then the fd in the caller (EMFILE, and then nothing changed).
 */
export function faultQueueAlloc(ctx: IommufdCtxOps, caller: Process, flags: number): { id: number; fd: number } {
  if (flags !== 0) throw kerr('EOPNOTSUPP', 'FAULT_QUEUE_ALLOC flags must be 0');
  return eventqInstall(ctx, caller, (id) => new FaultObj(ctx, id), () => {}, (o) => new FaultFile(o));
}

/** The fault file behind `fd` of `p`: EBADF when not open, EINVAL when it is another kind of file. */
export function faultFileOf(p: Process, fd: number): FaultFile {
  const f = p.file(fd);
  if (!(f instanceof FaultFile)) throw kerr('EINVAL', `fd ${fd} (${f.kind}) is not a fault queue`);
  return f;
}

// ------------------------------------------------------------------ VEVENTQ

/** A vEVENT (struct iommufd_vevent): its header (flags, sequence) and payload. */
export interface Vevent {
  flags: number;
  /**
   * The stream's sequence: a 64-bit count of vEVENTs (delivered and dropped) from 0; its low 31
   * bits are the kernel header's `sequence` (`(seq + 1) & INT_MAX`), which is identical until
   * 2^31 events.
   */
  sequence: bigint;
  data: Uint8Array;
}

const NO_DATA = new Uint8Array(0);

export class VeventqObj extends IObj<IommufdCtxOps> implements IommufdVeventq {
  readonly type = 'VEVENTQ';
  /** veventq->deliver: an array used as a FIFO from `head` (at most depth + 1 entries). */
  private q: Vevent[] = [];
  private head = 0;
  /** Normal events queued (the LOST_EVENTS header is not counted). */
  numEvents = 0;
  /** The next sequence to stamp. */
  private seq = 0n;
  /** The single pre-allocated lost_events_header. */
  private readonly lost: Vevent = { flags: IOMMU_VEVENTQ_FLAG_LOST_EVENTS, sequence: 0n, data: NO_DATA };
  readonly wq = new WaitQueue();
  destroyed = false;
  file!: VeventqFile;

  constructor(
    ctx: IommufdCtxOps,
    id: number,
    readonly viommu: IommufdViommu,
    readonly veventqType: number,
    readonly depth: number,
  ) {
    super(ctx, id);
  }

  /** Entries in the queue now (events plus a LOST_EVENTS header if one is queued). */
  get length(): number {
    return this.q.length - this.head;
  }
  /** The sequence the next vEVENT will get. */
  get nextSequence(): bigint {
    return this.seq;
  }

  /**
   * iommufd_viommu_report_event for this queue: when `depth` events are queued the event is
   * dropped and the LOST_EVENTS header (re)queued at the tail; otherwise a copy is appended.
   * Either consumes a sequence number (iommufd_vevent_handler).
   */
  report(data: Uint8Array): void {
    if (this.destroyed) return;
    let ev: Vevent;
    if (this.numEvents === this.depth) {
      ev = this.lost;
    } else {
      ev = { flags: 0, sequence: 0n, data: data.slice() };
      this.numEvents++;
    }
    // iommufd_vevent_handler: the lost header, when last, is removed first (it may be `ev`
    // itself: a sequence update); the new node goes to the tail with the next sequence
    if (this.length > 0 && this.q[this.q.length - 1] === this.lost) this.q.pop();
    this.q.push(ev);
    ev.sequence = this.seq++;
    this.wq.wake();
  }

  /** iommufd_veventq_fops_read for one entry: the oldest, removed (num_events-- unless the LOST header). */
  read(): Vevent | undefined {
    if (this.head >= this.q.length) return undefined;
    const ev = this.q[this.head]!;
    this.q[this.head++] = undefined as unknown as Vevent;
    if (this.head === this.q.length) {
      this.q = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    if (ev === this.lost) return { flags: ev.flags, sequence: ev.sequence, data: NO_DATA };
    this.numEvents--;
    return ev;
  }

  /** Drop the queued entries with sequence <= `after` (a resuming reader has them). */
  skipThrough(after: bigint): void {
    while (this.head < this.q.length && this.q[this.head]!.sequence <= after) this.read();
  }

  /** iommufd_veventq_destroy: leave the vIOMMU, drop its reference, free the events. */
  destroy(): void {
    this.destroyed = true;
    if (this.viommu.veventqs.get(this.veventqType) === this) this.viommu.veventqs.delete(this.veventqType);
    this.viommu.users--;
    this.q = [];
    this.head = 0;
    this.numEvents = 0;
    this.wq.wake();
    this.uncharge();
  }
}

/** The `[iommufd-viommu-event]` file of a VEVENTQ (O_RDWR, no write op). */
export class VeventqFile extends EventqFile<VeventqObj> {
  readonly kind = 'veventq';
  constructor(obj: VeventqObj) {
    super(VEVENTQ_FILE_NAME, obj);
  }

  /**
   * ReadVevents by `reader`: the queued vEVENTs with sequence > `afterSequence` (0: all; those at
   * or before it are dropped as already read), in order, each consumed as it is handed to the
   * transport, then new ones as they arrive; a LOST_EVENTS header is sent as a marker (flags 1,
   * no payload) carrying the newest sequence. While the transport is busy, new events stay in the
   * queue (at most `depth`; the rest become the LOST_EVENTS marker). Ends when `signal` aborts,
   * the file is released or the reader exits.
   */
  async follow(reader: Process, afterSequence: bigint, send: (e: Vevent) => Promise<void>, signal: AbortSignal): Promise<void> {
    const obj = this.obj;
    if (afterSequence !== 0n) obj.skipThrough(afterSequence);
    const live = () => this.live(reader);
    await serve(obj.wq, signal, live, () => {
      const ev = obj.read();
      return ev === undefined ? false : send(ev).then(() => true);
    });
  }
}

/**
 * IOMMU_VEVENTQ_ALLOC by `caller` on `ctx`, in the kernel's order: flags or type DEFAULT →
 * EOPNOTSUPP; depth 0 → EINVAL (no upper bound: the depth costs nothing until events arrive);
 * viommu_id not a vIOMMU → ENOENT; a vEVENTQ of that type on the vIOMMU → EEXIST; the object
 * (ENOMEM), the fd (EMFILE). The queue holds a reference on the vIOMMU and is its queue of that type.
 */
export function veventqAlloc(ctx: IommufdCtxOps, caller: Process, flags: number, viommuId: number, type: number, depth: number): { id: number; fd: number } {
  if (flags !== 0 || type === IOMMU_VEVENTQ_TYPE_DEFAULT) throw kerr('EOPNOTSUPP', flags !== 0 ? 'VEVENTQ_ALLOC flags must be 0' : 'vEVENTQ type DEFAULT is not allocatable');
  if (depth === 0) throw kerr('EINVAL', 'veventq_depth is 0');
  const viommu = ctx.objects.get(viommuId);
  if (!viommu || viommu.type !== 'VIOMMU') throw kerr('ENOENT', `id ${viommuId} is not a vIOMMU`);
  if (viommu.veventqs.has(type)) throw kerr('EEXIST', `vIOMMU ${viommuId} already has a vEVENTQ of type ${type}`);
  return eventqInstall(
    ctx,
    caller,
    (id) => new VeventqObj(ctx, id, viommu, type, depth),
    (o) => {
      viommu.users++;
      viommu.veventqs.set(type, o);
    },
    (o) => new VeventqFile(o),
  );
}

/** The vEVENTQ file behind `fd` of `p`: EBADF when not open, EINVAL for another kind of file. */
export function veventqFileOf(p: Process, fd: number): VeventqFile {
  const f = p.file(fd);
  if (!(f instanceof VeventqFile)) throw kerr('EINVAL', `fd ${fd} (${f.kind}) is not a vEVENTQ`);
  return f;
}
