/** Processes: fd tables, address spaces, leases and the accounting counters /proc shows. */
import { kerr } from '#libs/errno/index.js';
import { LowestFree } from '#libs/ranges/lowest-free.js';
import type { PhysicalMemory } from '#libs/memory/phys.js';
import type { OpenFile } from './files.js';
import { AddressSpace } from './mm.js';
import type { Principal } from './principal.js';

/** The first fd a process can get (0-2 are its stdio). */
export const FD_FIRST = 3;
/** TASK_COMM_LEN: the kernel keeps a task name in char comm[16], NUL included. */
export const TASK_COMM_LEN = 16;

/**
 * The name the kernel keeps for a task (__set_task_comm → strscpy_pad into comm[TASK_COMM_LEN]):
 * the bytes before the first NUL, at most 15 of them. strscpy cuts bytes, so a multi-byte UTF-8
 * character can be cut in the middle: /proc/<pid>/comm then ends in its leading bytes. A proto
 * string cannot carry those, so such a cut character is dropped whole: the result is the longest
 * valid UTF-8 prefix of the kernel's 15 bytes (never longer than 15 bytes).
 */
export function taskComm(name: string): string {
  // 16 UTF-16 units encode to at least 16 bytes, so they decide the first 15 (a surrogate pair
  // cut at unit 16 encodes past byte 15): the cost does not grow with what the caller sent.
  const b = Buffer.from(name.slice(0, TASK_COMM_LEN), 'utf8');
  const nul = b.indexOf(0);
  let end = Math.min(nul < 0 ? b.length : nul, TASK_COMM_LEN - 1);
  // b[end] is the first byte not kept: if it continues a character, that character was cut
  if (end < b.length && (b[end]! & 0xc0) === 0x80) {
    while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  }
  return b.subarray(0, end).toString('utf8');
}

export class Process {
  readonly fds = new Map<number, OpenFile>();
  /** Fd numbers: the lowest free one costs O(log n), never O(RLIMIT_NOFILE). */
  private readonly fdIds = new LowestFree(FD_FIRST);
  readonly mm: AddressSpace;
  alive = true;
  /** VmPin, in pages (mm->pinned_vm). */
  pinnedPages = 0;
  /** VmLck, in pages (mm->locked_vm: iommufd MM-mode / VFIO-compatible accounting). */
  lockedPages = 0;
  /** cgroup device allow-list (paths); empty = unrestricted (no AllowDevice yet), binds root too. */
  readonly allowedDevices = new Set<string>();
  leaseExpiresAt: number;
  /**
   * When it started, in clock ticks (USER_HZ) since the host booted (/proc/<pid>/stat field 22,
   * starttime); set by Host.spawn. With the host's boot id and the pid it names this process
   * and no other, across host restarts.
   */
  startTime = 0n;

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly principal: Principal,
    mem: PhysicalMemory,
    readonly leaseMs: number,
    now: number,
  ) {
    this.mm = new AddressSpace(mem, principal.cgroup);
    this.leaseExpiresAt = leaseMs > 0 ? now + leaseMs : Infinity;
  }

  renew(now: number): void {
    if (this.leaseMs > 0) this.leaseExpiresAt = now + this.leaseMs;
  }

  /**
   * Install an open file at the lowest free fd ≥ 3 (alloc_fd): EMFILE when every fd below the
   * principal's RLIMIT_NOFILE is taken. Takes a reference on the file.
   */
  installFd(file: OpenFile): number {
    this.reserveCheck();
    const fd = this.fdIds.alloc()!;
    this.fds.set(fd, file);
    file.get();
    return fd;
  }

  /** EMFILE if installFd would fail (to check before committing other state). */
  reserveCheck(): void {
    if (this.fdIds.peek() >= this.principal.nofile) {
      throw kerr('EMFILE', `too many open files (RLIMIT_NOFILE ${this.principal.nofile})`);
    }
  }

  file(fd: number): OpenFile {
    const f = this.fds.get(fd);
    if (!f) throw kerr('EBADF', `fd ${fd} is not open in pid ${this.pid}`);
    return f;
  }

  close(fd: number): void {
    const f = this.fds.get(fd);
    if (!f) throw kerr('EBADF', `fd ${fd} is not open in pid ${this.pid}`);
    this.fds.delete(fd);
    this.fdIds.release(fd);
    f.put();
  }

  /** exit(): unmap everything and close every fd (lowest first), as the kernel does. */
  exit(): void {
    if (!this.alive) return;
    this.alive = false;
    this.mm.clear();
    for (const fd of [...this.fds.keys()].sort((a, b) => a - b)) this.close(fd);
    this.fdIds.reset();
  }
}
