/** Principals (users), per-user accounting (user_struct->locked_vm) and the user's cgroup. */
import { kerr } from '#libs/errno/index.js';
import type { Principal as PrincipalSpec } from '#libs/profile/profile.js';

/** A principal as the host profile declares it (name, uid, groups, capabilities, RLIMIT_MEMLOCK, roles). */
export type { PrincipalSpec };

export const CAP = {
  SYS_ADMIN: 'CAP_SYS_ADMIN',
  IPC_LOCK: 'CAP_IPC_LOCK',
  SYS_RESOURCE: 'CAP_SYS_RESOURCE',
  SYS_RAWIO: 'CAP_SYS_RAWIO',
} as const;

/** Per-uid accounting shared by every process of that user (io_uring-style RLIMIT_MEMLOCK). */
export class UserAccount {
  lockedPages = 0;
  constructor(readonly uid: number) {}
}

/**
 * The principal's cgroup (one per principal, like a systemd user slice): memory.max over the
 * pages charged to it and pids.max over its live processes. Charges are in 4 KiB pages; a failed
 * charge changes nothing.
 */
export class Cgroup {
  /** memory.current, in pages. */
  memoryPages = 0;
  /** pids.current. */
  pids = 0;
  readonly memoryMaxPages: number;
  readonly pidsMax: number;
  constructor(spec: PrincipalSpec) {
    const m = spec.limits.memoryBytes;
    this.memoryMaxPages = m === 'unlimited' ? Infinity : Number(m >> 12n);
    this.pidsMax = spec.limits.pids === 'unlimited' ? Infinity : spec.limits.pids;
  }
  /** Charge `pages` to memory.current; ENOMEM past memory.max (the allocation fails). */
  chargeMemory(pages: number): void {
    if (this.memoryPages + pages > this.memoryMaxPages) {
      throw kerr('ENOMEM', `memory.max of the cgroup reached (${this.memoryMaxPages} pages)`);
    }
    this.memoryPages += pages;
  }
  unchargeMemory(pages: number): void {
    this.memoryPages -= pages;
  }
}

export class Principal {
  readonly cgroup: Cgroup;
  constructor(
    readonly spec: PrincipalSpec,
    readonly account: UserAccount | undefined,
  ) {
    this.cgroup = new Cgroup(spec);
  }
  get name(): string {
    return this.spec.name;
  }
  get uid(): number | undefined {
    return this.spec.uid;
  }
  get isRoot(): boolean {
    return this.spec.uid === 0;
  }
  hasCap(cap: string): boolean {
    return this.spec.capabilities.includes(cap);
  }
  hasRole(role: string): boolean {
    return this.isRoot || this.spec.roles.includes(role);
  }
  /** RLIMIT_MEMLOCK in pages (Infinity when unlimited). */
  get memlockPages(): number {
    const m = this.spec.memlockBytes;
    return m === 'unlimited' ? Infinity : Number(m >> 12n);
  }
  /** RLIMIT_NOFILE. */
  get nofile(): number {
    return this.spec.limits.nofile;
  }
  inGroup(gid: number): boolean {
    return this.spec.gids.includes(gid);
  }
}
