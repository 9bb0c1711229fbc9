/** Processes: fd tables, address spaces, leases and the accounting counters /proc shows. */
import { kerr } from '../../../../libs/errno/index.js';
import type { PhysicalMemory } from '../../../../libs/memory/phys.js';
import type { OpenFile } from './files.js';
import { AddressSpace } from './mm.js';
import type { Principal } from './principal.js';

export const FD_MAX = 1024; // RLIMIT_NOFILE

export class Process {
  readonly fds = new Map<number, OpenFile>();
  readonly mm: AddressSpace;
  alive = true;
  /** VmPin, in pages (mm->pinned_vm). */
  pinnedPages = 0;
  /** VmLck, in pages (mm->locked_vm: iommufd MM-mode / VFIO-compatible accounting). */
  lockedPages = 0;
  /** cgroup device allow-list (paths); empty = unrestricted (no AllowDevice yet), binds root too. */
  readonly allowedDevices = new Set<string>();
  leaseExpiresAt: number;

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly principal: Principal,
    mem: PhysicalMemory,
    readonly leaseMs: number,
    now: number,
  ) {
    this.mm = new AddressSpace(mem);
    this.leaseExpiresAt = leaseMs > 0 ? now + leaseMs : Infinity;
  }

  renew(now: number): void {
    if (this.leaseMs > 0) this.leaseExpiresAt = now + this.leaseMs;
  }

  /** Install an open file at the lowest free fd ≥ 3. Takes a reference on the file. */
  installFd(file: OpenFile): number {
    for (let fd = 3; fd < FD_MAX; fd++) {
      if (!this.fds.has(fd)) {
        this.fds.set(fd, file);
        file.get();
        return fd;
      }
    }
    throw kerr('EMFILE', 'too many open files');
  }

  /** The lowest fd that installFd would use (to check before committing other state). */
  reserveCheck(): void {
    if (this.fds.size >= FD_MAX - 3) throw kerr('EMFILE', 'too many open files');
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
    f.put();
  }

  /** exit(): unmap everything and close every fd (lowest first), as the kernel does. */
  exit(): void {
    if (!this.alive) return;
    this.alive = false;
    this.mm.clear();
    for (const fd of [...this.fds.keys()].sort((a, b) => a - b)) this.close(fd);
  }
}
