/**
 * iopt_pages: the refcounted PFN source of one or more IOAS areas (shared across IOASes by
 * IOAS_COPY). Pages are pinned lazily — only while an area over them sits in an IOAS that has a
 * domain — and each page is pinned and accounted once per pages object, however many areas,
 * IOASes and domains use it. Pinned frames are kept as contiguous runs (adjacent ones merged);
 * pinning and unpinning cost is linear in the pages and runs touched: one splice of the runs per
 * call or gap, never one per run.
 *
 * Memory: one object exists per IOAS_MAP, so the common case costs no more than it must. A single
 * pinned run and the first pin user are held in fields of the object (no run object, no array),
 * kind / writable / account mode share one small integer and the base is kept as a page number.
 */
import { kerr } from '#libs/errno/index.js';
import { withFaultRollback, type MemFile } from '#libs/memory/file.js';
import type { Process } from '../process/process.js';
import type { UserAccount } from '../process/principal.js';

export const ACCOUNT_NONE = 0;
export const ACCOUNT_USER = 1;
export const ACCOUNT_MM = 2;

export interface PinnedRun {
  first: number; // page index in the pages object
  n: number;
  pfn: number;
  file: MemFile;
  fileIdx: number;
}

interface PinUser {
  first: number;
  last: number;
}

const NO_RUNS: readonly PinnedRun[] = Object.freeze([]);
const KIND_FILE = 1;
const WRITABLE = 2;
const ACCOUNT_SHIFT = 2;
const ACCOUNT_MASK = 3;
/** the base page number is split in two 26-bit halves so both fields stay small integers */
const HI_SHIFT = 4;
const TWO26 = 2 ** 26;

/**
 * `v` as a small integer when it is one: a value read from a Float64Array (frame numbers) is a
 * heap number until optimised, and one such store makes V8 box the field in every run object.
 */
function smi(v: number): number {
  return v >= -0x80000000 && v <= 0x7fffffff ? v | 0 : v;
}

function makeRun(first: number, n: number, pfn: number, file: MemFile, fileIdx: number): PinnedRun {
  return { first: smi(first), n: smi(n), pfn: smi(pfn), file, fileIdx: smi(fileIdx) };
}

/** What few pages objects need: two or more pinned runs, two or more pin users. */
interface PagesOverflow {
  /** two or more runs, or null */
  runs: PinnedRun[] | null;
  /** the pin users after the first, as [first, last, ...], or null */
  users: number[] | null;
}

export class Pages {
  private nrefs = 0;
  /**
   * The pinned runs, sorted by first, disjoint. None: r0File null and no overflow runs; one: in
   * the r0* fields; two or more: ext.runs (r0File null).
   */
  private ext: PagesOverflow | null = null;
  private r0File: MemFile | null = null;
  private r0First = 0;
  private r0N = 0;
  private r0Pfn = 0;
  private r0FileIdx = 0;
  /** the first pin user (page indexes; -1 when none); the others in ext.users */
  private u0First = -1;
  private u0Last = -1;
  /** KIND_FILE | WRITABLE | accountMode << ACCOUNT_SHIFT | (base >> 38) << HI_SHIFT */
  private readonly bits: number;
  /** (base >> 12) & (2^26 - 1) */
  private readonly baseLo: number;

  constructor(
    kind: 'user' | 'file',
    /** user: page-aligned VA of page 0; file: page-aligned file offset of page 0 */
    base: bigint,
    readonly npages: number,
    writable: boolean,
    accountMode: number,
    public sourceProcess: Process,
    public sourceUser: UserAccount | undefined,
    readonly file: MemFile | undefined,
  ) {
    if ((base & 0xfffn) !== 0n || base < 0n) throw new RangeError(`pages base 0x${base.toString(16)} is not page-aligned`);
    if (accountMode !== ACCOUNT_NONE && accountMode !== ACCOUNT_USER && accountMode !== ACCOUNT_MM) throw new RangeError(`account mode ${accountMode}`);
    if (base >= 1n << 64n) throw new RangeError(`pages base 0x${base.toString(16)} is not a u64`);
    const pfn = Number(base >> 12n); // < 2^52: exact
    this.baseLo = pfn % TWO26;
    this.bits = (kind === 'file' ? KIND_FILE : 0) | (writable ? WRITABLE : 0) | (accountMode << ACCOUNT_SHIFT) | (Math.floor(pfn / TWO26) << HI_SHIFT);
  }

  /** base >> 12 */
  private get basePfn(): number {
    return (this.bits >>> HI_SHIFT) * TWO26 + this.baseLo;
  }

  /** 'dmabuf': kernel/dmabuf.ts's DmabufPages (IOPT_ADDRESS_DMABUF). */
  get kind(): 'user' | 'file' | 'dmabuf' {
    return this.bits & KIND_FILE ? 'file' : 'user';
  }
  /** Whether an area over these pages may be cut in two (iopt_area_split; not a dma-buf's). */
  get splittable(): boolean {
    return true;
  }
  get writable(): boolean {
    return (this.bits & WRITABLE) !== 0;
  }
  /** Fixed at creation (IOAS_CHANGE_PROCESS moves the charge, never the mode). */
  get accountMode(): number {
    return (this.bits >>> ACCOUNT_SHIFT) & ACCOUNT_MASK;
  }
  /** user: page-aligned VA of page 0; file: page-aligned file offset of page 0 */
  get base(): bigint {
    return BigInt(this.basePfn) << 12n;
  }

  private get runStore(): PinnedRun[] | null {
    return this.ext === null ? null : this.ext.runs;
  }
  private get uMore(): number[] | null {
    return this.ext === null ? null : this.ext.users;
  }
  private setOverflow(runs: PinnedRun[] | null, users: number[] | null): void {
    if (runs === null && users === null) this.ext = null;
    else if (this.ext === null) this.ext = { runs, users };
    else {
      this.ext.runs = runs;
      this.ext.users = users;
    }
  }

  /** Pages pinned: the sum of the runs (each page pinned once, whatever the number of users). */
  get npinned(): number {
    const rs = this.runStore;
    if (rs === null) return this.r0File === null ? 0 : this.r0N;
    let n = 0;
    for (const r of rs) n += r.n;
    return n;
  }

  /** The pinned runs, sorted by first page, disjoint (a copy for a single run: read only). */
  get runs(): readonly PinnedRun[] {
    if (this.runStore !== null) return this.runStore;
    if (this.r0File === null) return NO_RUNS;
    return [makeRun(this.r0First, this.r0N, this.r0Pfn, this.r0File, this.r0FileIdx)];
  }

  private setRuns(list: PinnedRun[]): void {
    if (list.length === 1) {
      const r = list[0]!;
      this.r0File = r.file;
      this.r0First = smi(r.first);
      this.r0N = smi(r.n);
      this.r0Pfn = smi(r.pfn);
      this.r0FileIdx = smi(r.fileIdx);
      this.setOverflow(null, this.uMore);
    } else {
      this.r0File = null;
      this.setOverflow(list.length === 0 ? null : list, this.uMore);
    }
  }

  /**
   * Areas using this object (IOAS_MAP, IOAS_COPY). While any does, a file-backed object holds
   * its memory file, as iopt_pages holds its struct file: closing the memfd does not free it.
   */
  get refs(): number {
    return this.nrefs;
  }
  set refs(v: number) {
    const was = this.nrefs;
    this.nrefs = v;
    if (was === 0 && v > 0) this.file?.get();
    else if (was > 0 && v === 0) this.file?.put();
  }

  /**
   * Pin (if not yet) pages [first, last] on behalf of one more user. Atomic on failure: nothing
   * pinned, charged or faulted in stays (memory.max or RAM exhausted → ENOMEM).
   */
  addUser(first: number, last: number): void {
    const gaps = this.uncovered(first, last);
    let newPages = 0;
    for (const g of gaps) newPages += g.last - g.first + 1;
    if (newPages > 0) this.charge(newPages);
    const added: PinnedRun[] = [];
    try {
      withFaultRollback(this.sourceProcess.mm.mem, () => {
        try {
          for (const g of gaps) this.pinRange(g.first, g.last, added);
        } catch (e) {
          // unpin before the faulted-in folios are freed again
          for (const r of added) this.dropRun(r);
          throw e;
        }
      });
    } catch (e) {
      this.uncharge(newPages);
      throw e;
    }
    this.insertRuns(added);
    if (this.u0First < 0) {
      this.u0First = smi(first);
      this.u0Last = smi(last);
    } else {
      // exact size: most objects never get here; those that do rarely hold many users
      const more = this.uMore;
      const n = more === null ? 0 : more.length;
      const out = new Array<number>(n + 2);
      for (let k = 0; k < n; k++) out[k] = more![k]!;
      out[n] = smi(first);
      out[n + 1] = smi(last);
      this.setOverflow(this.runStore, out);
    }
  }

  /** Drop one user of [first, last]; unpins pages no other user covers. */
  removeUser(first: number, last: number): void {
    const more = this.uMore;
    if (this.u0First === first && this.u0Last === last) {
      if (more === null) {
        this.u0First = this.u0Last = -1;
      } else {
        this.u0First = more[0]!;
        this.u0Last = more[1]!;
        this.setOverflow(this.runStore, more.length === 2 ? null : more.slice(2));
      }
    } else {
      let i = -1;
      if (more !== null) {
        for (let k = 0; k < more.length; k += 2) {
          if (more[k] === first && more[k + 1] === last) {
            i = k;
            break;
          }
        }
      }
      if (i < 0) throw new Error('pages: removing an unknown pin user');
      if (more!.length === 2) this.setOverflow(this.runStore, null);
      else {
        const rest = new Array<number>(more!.length - 2); // exact size
        for (let k = 0, j = 0; k < more!.length; k += 2) {
          if (k === i) continue;
          rest[j++] = more![k]!;
          rest[j++] = more![k + 1]!;
        }
        this.setOverflow(this.runStore, rest);
      }
    }
    const gaps = this.uncovered(first, last);
    let freed = 0;
    for (const g of gaps) freed += this.unpinRange(g.first, g.last);
    this.uncharge(freed);
  }

  get pinUsers(): number {
    const more = this.uMore;
    return (this.u0First < 0 ? 0 : 1) + (more === null ? 0 : more.length >> 1);
  }

  /** Visit pinned runs intersecting [first, last] as (pageIndex, pfn, n). */
  forEachRun(first: number, last: number, cb: (page: number, pfn: number, n: number) => void): void {
    const s0 = this.runStore;
    if (s0 === null) {
      if (this.r0File === null) return;
      const s = Math.max(first, this.r0First);
      const e = Math.min(last, this.r0First + this.r0N - 1);
      if (s <= e) cb(s, this.r0Pfn + (s - this.r0First), e - s + 1);
      return;
    }
    for (let i = findRun(s0, first); i < s0.length; i++) {
      const r = s0[i]!;
      if (r.first > last) break;
      const s = Math.max(first, r.first);
      const e = Math.min(last, r.first + r.n - 1);
      if (s <= e) cb(s, r.pfn + (s - r.first), e - s + 1);
    }
  }

  pfnOf(page: number): number {
    const s0 = this.runStore;
    if (s0 === null) {
      if (this.r0File !== null && page >= this.r0First && page < this.r0First + this.r0N) return this.r0Pfn + (page - this.r0First);
      return -1;
    }
    const r = s0[findRun(s0, page)];
    if (r && page >= r.first && page < r.first + r.n) return r.pfn + (page - r.first);
    return -1;
  }

  /** Sub-ranges of [first, last] not covered by any current user. */
  private uncovered(first: number, last: number): PinUser[] {
    const cov: PinUser[] = [];
    if (this.u0First >= 0 && this.u0Last >= first && this.u0First <= last) cov.push({ first: this.u0First, last: this.u0Last });
    const more = this.uMore;
    if (more !== null) {
      for (let k = 0; k < more.length; k += 2) {
        if (more[k + 1]! >= first && more[k]! <= last) cov.push({ first: more[k]!, last: more[k + 1]! });
      }
      cov.sort((a, b) => a.first - b.first);
    }
    const out: PinUser[] = [];
    let cur = first;
    for (const u of cov) {
      if (u.first > cur) out.push({ first: cur, last: Math.min(u.first - 1, last) });
      cur = Math.max(cur, u.last + 1);
      if (cur > last) break;
    }
    if (cur <= last) out.push({ first: cur, last });
    return out;
  }

  private pinRange(first: number, last: number, added: PinnedRun[]): void {
    const run = { n: 0 };
    // frames faulted in are charged to the memory cgroup of the mm (or file user) they are pinned for
    const cg = this.kind === 'file' ? this.sourceProcess.principal.cgroup : this.sourceProcess.mm.cgroup;
    let i = first;
    while (i <= last) {
      const remaining = last - i + 1;
      let file: MemFile;
      let idx: number;
      let maxN = remaining;
      if (this.kind === 'file') {
        file = this.file!;
        idx = this.basePfn + i;
      } else {
        const proc = this.sourceProcess;
        if (!proc.alive) throw kerr('EFAULT', 'the source process has exited (mm gone)');
        const va = BigInt(this.basePfn + i) << 12n;
        // long-term pin: a read-only pin of a private (COW) mapping unshares the page first
        const { page, vma } = proc.mm.pageFor(va, this.writable, true, true);
        if (!page) throw kerr('EFAULT', `address 0x${va.toString(16)} is a PFNMAP (MMIO) mapping that cannot be pinned`);
        file = page.file;
        idx = page.pageIndex;
        if (vma.overlay) maxN = 1;
        else {
          maxN = Math.min(maxN, Number((vma.end - va) >> 12n));
          const filePagesLeft = file.sizePages - idx;
          maxN = Math.min(maxN, filePagesLeft);
        }
      }
      const pfn = file.frameRun(idx, maxN, cg, run);
      const n = run.n;
      file.pin(idx, n);
      const prev = added[added.length - 1];
      if (prev && prev.file === file && prev.first + prev.n === i && prev.fileIdx + prev.n === idx && prev.pfn + prev.n === pfn) prev.n = smi(prev.n + n);
      else added.push(makeRun(i, n, pfn, file, idx));
      i += n;
    }
  }

  private dropRun(r: PinnedRun): void {
    r.file.unpin(r.fileIdx, r.n, r.pfn);
  }

  /** Merge new runs (sorted, disjoint from the pinned ones) into the runs: one pass, adjacent runs joined. */
  private insertRuns(added: PinnedRun[]): void {
    if (added.length === 0) return;
    const old = this.runs;
    const out: PinnedRun[] = [];
    const push = (r: PinnedRun) => {
      const p = out[out.length - 1];
      if (p && adjacent(p, r)) p.n = smi(p.n + r.n);
      else out.push(r);
    };
    let i = 0;
    let j = 0;
    while (i < old.length || j < added.length) {
      if (j >= added.length || (i < old.length && old[i]!.first < added[j]!.first)) push(old[i++]!);
      else push(added[j++]!);
    }
    this.setRuns(out.length <= 1 ? out : exact(out, out.length));
  }

  /** Unpin [first, last] (no user covers it any more): one splice of the runs. */
  private unpinRange(first: number, last: number): number {
    if (this.runStore === null && this.r0File === null) return 0;
    const runs = this.runStore ?? (this.runs as PinnedRun[]); // the array itself, or a one-run copy
    let freed = 0;
    const i0 = findRun(runs, first);
    let i = i0;
    const pieces: PinnedRun[] = [];
    for (; i < runs.length; i++) {
      const r = runs[i]!;
      if (r.first > last) break;
      const s = Math.max(first, r.first);
      const e = Math.min(last, r.first + r.n - 1);
      r.file.unpin(r.fileIdx + (s - r.first), e - s + 1, r.pfn + (s - r.first));
      freed += e - s + 1;
      if (r.first < s) pieces.push(makeRun(r.first, s - r.first, r.pfn, r.file, r.fileIdx));
      if (e < r.first + r.n - 1) {
        const off = e + 1 - r.first;
        pieces.push(makeRun(e + 1, r.n - off, r.pfn + off, r.file, r.fileIdx + off));
      }
    }
    if (i > i0) {
      runs.splice(i0, i - i0, ...pieces);
      this.setRuns(runs);
    }
    return freed;
  }

  private charge(n: number): void {
    const p = this.sourceProcess;
    if (this.accountMode === ACCOUNT_USER && this.sourceUser) {
      if (this.sourceUser.lockedPages + n > p.principal.memlockPages) {
        throw kerr('ENOMEM', `RLIMIT_MEMLOCK exceeded for uid ${this.sourceUser.uid}`);
      }
      this.sourceUser.lockedPages += n;
    } else if (this.accountMode === ACCOUNT_MM) {
      if (p.lockedPages + n > p.principal.memlockPages) {
        throw kerr('ENOMEM', `RLIMIT_MEMLOCK exceeded for pid ${p.pid}`);
      }
      p.lockedPages += n;
    }
    p.pinnedPages += n;
  }

  private uncharge(n: number): void {
    if (n === 0) return;
    const p = this.sourceProcess;
    if (this.accountMode === ACCOUNT_USER && this.sourceUser) this.sourceUser.lockedPages -= n;
    else if (this.accountMode === ACCOUNT_MM) p.lockedPages -= n;
    p.pinnedPages -= n;
  }

  /**
   * ioas.c need_charge_update(): whether IOAS_CHANGE_PROCESS by `proc` moves this object's charge.
   * NONE pages never (only their owner changes, see changeOwner); MM pages when the mm differs;
   * USER pages when the user or the mm differs (every mode also charges the mm's VmPin).
   */
  needsChargeUpdate(proc: Process, user: UserAccount | undefined): boolean {
    if (this.accountMode === ACCOUNT_NONE) return false;
    if (this.accountMode === ACCOUNT_MM) return this.sourceProcess !== proc;
    return this.sourceUser !== user || this.sourceProcess !== proc;
  }

  /**
   * IOAS_CHANGE_PROCESS (change_mm): the pages now belong to `proc`. With `moveCharge` the old
   * owner is uncharged and `proc` charged (the caller already checked `proc`'s limit for the whole
   * change). The account mode is fixed at creation and never changes. Without `moveCharge` the
   * charge stays where it is and later unpins are taken from the new owner, as in the kernel.
   */
  changeOwner(proc: Process, user: UserAccount | undefined, moveCharge: boolean): void {
    const n = this.npinned;
    if (moveCharge) this.uncharge(n);
    this.sourceProcess = proc;
    this.sourceUser = user;
    if (moveCharge && n > 0) this.charge(n);
  }
}

/** Index of the first run of `runs` ending at or after `page`. */
function findRun(runs: readonly PinnedRun[], page: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid]!;
    if (r.first + r.n - 1 < page) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A copy of `a` (padded with undefined up to `n`) whose backing store holds exactly `n` elements. */
function exact<T>(a: readonly T[], n: number): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < a.length && i < n; i++) out[i] = a[i]!;
  return out;
}

/** `b` continues `a` in page index, file index and frame: one run. */
function adjacent(a: PinnedRun, b: PinnedRun): boolean {
  return a.file === b.file && a.first + a.n === b.first && a.fileIdx + a.n === b.fileIdx && a.pfn + a.n === b.pfn;
}
