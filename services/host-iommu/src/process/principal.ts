/** Principals (users) and per-user accounting (user_struct->locked_vm). */
import type { Principal as PrincipalSpec } from '../platform/profile.js';

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

export class Principal {
  constructor(
    readonly spec: PrincipalSpec,
    readonly account: UserAccount | undefined,
  ) {}
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
  inGroup(gid: number): boolean {
    return this.spec.gids.includes(gid);
  }
}
