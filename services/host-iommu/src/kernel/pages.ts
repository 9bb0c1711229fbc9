/**
 * iopt_pages: the refcounted PFN source of one or more IOAS areas (shared across IOASes by
 * IOAS_COPY). Pages are pinned lazily — only while an area over them sits in an IOAS that has a
 * domain — and each page is pinned and accounted once per pages object, however many areas,
 * IOASes and domains use it. Pinned frames are kept as contiguous runs (adjacent ones merged);
 * pinning and unpinning cost is linear in the pages and runs touched: one splice of `runs` per call
 * or gap, never one per run.
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

export class Pages {
  private nrefs = 0;
  runs: PinnedRun[] = []; // sorted by first, disjoint
  // Both arrays are replaced by exact-size copies when they change (see exact()): most objects
  // hold one run and one user, and an array grown by push() keeps room for 17 (≈150 B each).
  private users: PinUser[] = [];
  npinned = 0;

  constructor(
    readonly kind: 'user' | 'file',
    /** user: page-aligned VA of page 0; file: page-aligned file offset of page 0 */
    readonly base: bigint,
    readonly npages: number,
    readonly writable: boolean,
    public accountMode: number,
    public sourceProcess: Process,
    public sourceUser: UserAccount | undefined,
    readonly file: MemFile | undefined,
  ) {}

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
    const newPages = gaps.reduce((s, g) => s + (g.last - g.first + 1), 0);
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
    this.npinned += newPages;
    const users = exact(this.users, this.users.length + 1);
    users[this.users.length] = { first, last };
    this.users = users;
  }

  /** Drop one user of [first, last]; unpins pages no other user covers. */
  removeUser(first: number, last: number): void {
    const i = this.users.findIndex((u) => u.first === first && u.last === last);
    if (i < 0) throw new Error('pages: removing an unknown pin user');
    const rest = new Array<PinUser>(this.users.length - 1); // exact size, as exact() gives
    for (let k = 0, j = 0; k < this.users.length; k++) if (k !== i) rest[j++] = this.users[k]!;
    this.users = rest;
    const gaps = this.uncovered(first, last);
    let freed = 0;
    for (const g of gaps) freed += this.unpinRange(g.first, g.last);
    this.npinned -= freed;
    this.uncharge(freed);
  }

  get pinUsers(): number {
    return this.users.length;
  }

  /** Visit pinned runs intersecting [first, last] as (pageIndex, pfn, n). */
  forEachRun(first: number, last: number, cb: (page: number, pfn: number, n: number) => void): void {
    let i = this.findRun(first);
    for (; i < this.runs.length; i++) {
      const r = this.runs[i]!;
      if (r.first > last) break;
      const s = Math.max(first, r.first);
      const e = Math.min(last, r.first + r.n - 1);
      if (s <= e) cb(s, r.pfn + (s - r.first), e - s + 1);
    }
  }

  pfnOf(page: number): number {
    const i = this.findRun(page);
    const r = this.runs[i];
    if (r && page >= r.first && page < r.first + r.n) return r.pfn + (page - r.first);
    return -1;
  }

  private findRun(page: number): number {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = this.runs[mid]!;
      if (r.first + r.n - 1 < page) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sub-ranges of [first, last] not covered by any current user. */
  private uncovered(first: number, last: number): PinUser[] {
    const cov = this.users
      .filter((u) => u.last >= first && u.first <= last)
      .sort((a, b) => a.first - b.first);
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
        idx = Number(this.base >> 12n) + i;
      } else {
        const proc = this.sourceProcess;
        if (!proc.alive) throw kerr('EFAULT', 'the source process has exited (mm gone)');
        const va = this.base + (BigInt(i) << 12n);
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
      if (prev && adjacent(prev, { first: i, n, pfn, file, fileIdx: idx })) prev.n += n;
      else added.push({ first: i, n, pfn, file, fileIdx: idx });
      i += n;
    }
  }

  private dropRun(r: PinnedRun): void {
    r.file.unpin(r.fileIdx, r.n, r.pfn);
  }

  /** Merge new runs (sorted, disjoint from the pinned ones) into `runs`: one pass, adjacent runs joined. */
  private insertRuns(added: PinnedRun[]): void {
    if (added.length === 0) return;
    const old = this.runs;
    const out: PinnedRun[] = [];
    const push = (r: PinnedRun) => {
      const p = out[out.length - 1];
      if (p && adjacent(p, r)) p.n += r.n;
      else out.push(r);
    };
    let i = 0;
    let j = 0;
    while (i < old.length || j < added.length) {
      if (j >= added.length || (i < old.length && old[i]!.first < added[j]!.first)) push(old[i++]!);
      else push(added[j++]!);
    }
    this.runs = exact(out, out.length);
  }

  /** Unpin [first, last] (no user covers it any more): one splice of `runs`. */
  private unpinRange(first: number, last: number): number {
    let freed = 0;
    const i0 = this.findRun(first);
    let i = i0;
    const pieces: PinnedRun[] = [];
    for (; i < this.runs.length; i++) {
      const r = this.runs[i]!;
      if (r.first > last) break;
      const s = Math.max(first, r.first);
      const e = Math.min(last, r.first + r.n - 1);
      r.file.unpin(r.fileIdx + (s - r.first), e - s + 1, r.pfn + (s - r.first));
      freed += e - s + 1;
      if (r.first < s) pieces.push({ ...r, n: s - r.first });
      if (e < r.first + r.n - 1) {
        const off = e + 1 - r.first;
        pieces.push({ first: e + 1, n: r.n - off, pfn: r.pfn + off, file: r.file, fileIdx: r.fileIdx + off });
      }
    }
    if (i > i0) this.runs.splice(i0, i - i0, ...pieces);
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
