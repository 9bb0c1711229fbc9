/**
 * One host: its profile (IOMMU units, PCI devices and groups, device nodes, principals), its
 * physical memory, its processes and the kernel objects they create. This is the domain root
 * the gRPC adapters call; it never imports grpc.
 */
import { randomUUID } from 'node:crypto';
import { DomainError, kerr } from '#libs/errno/index.js';
import { newTranslateOut, type IotlbEntry } from '#libs/iotlb/index.js';
import { DeferredQueue } from '#libs/memory/deferred.js';
import { MemFile } from '#libs/memory/file.js';
import { PhysicalMemory } from '#libs/memory/phys.js';
import { U64_MAX } from '#libs/u64/index.js';
import { IommufdCtx, type IoasObj } from '../kernel/iommufd.js';
import { stage2Of, type HwptNestedObj, type HwptObj } from '../kernel/hw_pagetable.js';
import { extraWalkStats, nestedFault, nestedIpaOf, nestedTranslate } from '../kernel/nested_walk.js';
import { IOMMUFD_PAGE_RESP_SUCCESS, IOMMU_PGFAULT_FLAGS_LAST_PAGE, IOMMU_PGFAULT_FLAGS_PASID_VALID, IOMMU_PGFAULT_PERM_READ, IOMMU_PGFAULT_PERM_WRITE, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 } from '../kernel/eventq.js';
import type { IopfGroup } from '../kernel/object.js';
import { PERM_DIRTY_OK, encodeSmmuEvent, smmuEventForwarded } from '#libs/pgtable/nested.js';
import type { Area } from '../kernel/ioas.js';
import { ASID_TAG_BASE, DeviceState, GroupState, UnitState, type AttachedHwpt, type VfioContainerOps, type VfioType1Attach } from '../kernel/topology.js';
import { VfioDeviceFile } from '../kernel/vfio.js';
import { dmaBufMove, type DmabufFile } from '../kernel/dmabuf.js';
import { containerOpsOf, VfioGroupFile } from '../kernel/vfio_group.js';
import { type1Quirks, VfioType1Container } from '../kernel/vfio_type1.js';
import { MIG_STATE_NAMES, migDeviceOf, type MigDevice } from '../kernel/vfio_migration.js';
import { MemfdOpenFile, O_ACCMODE, O_RDONLY, O_RDWR, O_WRONLY, type FileKind, type OpenFile } from '../process/files.js';
import { MAP_ANONYMOUS, MAP_SHARED, MAX_LFS_FILESIZE, mmapFlags, type MmioBacking } from '../process/mm.js';
import { Principal, UserAccount } from '../process/principal.js';
import { Process, taskComm } from '../process/process.js';
import { EventLog } from './events.js';
import type { HostProfile } from '#libs/profile/profile.js';

export const MFD_CLOEXEC = 0x1;
export const MFD_ALLOW_SEALING = 0x2;
export const MFD_HUGETLB = 0x4;
/** Since 6.3: a non-executable, sealable memfd (F_SEAL_EXEC), or an explicitly executable one. */
export const MFD_NOEXEC_SEAL = 0x8;
export const MFD_EXEC = 0x10;
const MFD_NAME_MAX_LEN = 249;
const MFD_HUGE_SHIFT = 26;
const MFD_HUGE_2MB = 21 << MFD_HUGE_SHIFT;
const MFD_HUGE_1GB = 30 << MFD_HUGE_SHIFT;
const MFD_HUGE_MASK = 0x3f << MFD_HUGE_SHIFT;
/** Host.translateBatch: records handed to the IOTLB per translateMany call */
const TB_CHUNK = 4096;

/** Clock ticks per second of /proc's times (USER_HZ). */
export const USER_HZ = 100;

/** A process of one host boot, as /proc names it (Platform.DeviceDma's owner assertion). */
export interface ProcessIdentity {
  bootId: string;
  pid: number;
  startTime: bigint;
}

/** PATH_MAX (bytes, NUL included) and NAME_MAX (bytes of one component) of linux/limits.h. */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** The permission and set-id bits chmod keeps (S_IALLUGO). */
const S_IALLUGO = 0o7777;

/**
 * Where BARs live in the physical address space: a 64-bit MMIO window from the first 1 GiB
 * boundary above RAM, as firmware places it, so that a peer's DMA to a BAR (P2P) stays within
 * the IOMMUs' output address width.
 */
const MMIO_WINDOW_ALIGN = 1n << 30n;

export interface NodeAttr {
  uid: number;
  gid: number;
  mode: number;
}

export interface DmaFault {
  reason: 'BLOCKED' | 'TRANSLATION' | 'PERMISSION' | 'RESERVED' | 'ADDRESS_SIZE' | 'DEVICE_GONE' | 'PASID' | 'BAD_CONFIG' | 'PAGE_REQUEST_DENIED' | 'UNSUPPORTED_REQUEST';
  addr: bigint;
  pasid?: number;
  level: number;
  recoverable: boolean;
  message: string;
  /** Nested translation: the stage that faulted (1 or 2). */
  stage?: number;
}

/** DmaFaultReason numbers of the wire contract (iommutwin.common.v1.DmaFaultReason). */
export const FAULT_CODE = { BLOCKED: 1, TRANSLATION: 2, PERMISSION: 3, ADDRESS_SIZE: 4, PASID: 5, BAD_CONFIG: 6, PAGE_REQUEST_DENIED: 7, UNSUPPORTED_REQUEST: 8, RESERVED: 9, DEVICE_GONE: 10 } as const;

/** A DMA's outcome; pageRequests: the page requests it raised (and had answered). */
export type DmaResult = { data: Uint8Array; fault?: undefined; pageRequests?: number } | { fault: DmaFault; data?: undefined; pageRequests?: number };

/** Page requests one DMA may have outstanding in turn (the device's PRI allocation). */
export const PRI_MAX_OUTSTANDING = 32;

export class Host {
  readonly mem: PhysicalMemory;
  readonly units = new Map<string, UnitState>();
  readonly devices = new Map<string, DeviceState>();
  readonly cdevs = new Map<string, DeviceState>();
  readonly groups = new Map<number, GroupState>();
  readonly nodes = new Map<string, NodeAttr>();
  readonly principals = new Map<string, Principal>();
  private readonly accounts = new Map<number, UserAccount>();
  readonly processes = new Map<number, Process>();
  readonly events = new EventLog();
  readonly ctxs = new Set<IommufdCtx>();
  private nextPid = 1000;
  private readonly tout = newTranslateOut();
  readonly dmaStats = { dmas: 0, faults: 0, bytes: 0 };
  /** /proc/sys/kernel/random/boot_id: random per host-iommu start (a restarted host numbers pids again) */
  readonly bootId: string = randomUUID();
  /**
   * Deferred teardown (libs/memory/deferred.ts): the per-page part of large frees and unpins
   * (exit, last close, munmap, IoasUnmap) drains in time slices. Every call on the model awaits
   * quiesce() first (the transport does, for every method but health and reflection).
   */
  readonly deferred = new DeferredQueue();
  /** when this host booted (its `now` clock): process start times count from here */
  private readonly bootedAt: number;

  constructor(
    readonly profile: HostProfile,
    readonly now: () => number = Date.now,
  ) {
    this.bootedAt = now();
    this.mem = new PhysicalMemory({ ramBytes: profile.ramBytes });
    this.mem.deferred = this.deferred;
    for (const u of profile.iommus) this.units.set(u.name, new UnitState(u));
    let mmio = ((profile.ramBytes + MMIO_WINDOW_ALIGN - 1n) / MMIO_WINDOW_ALIGN) * MMIO_WINDOW_ALIGN;
    for (const d of profile.devices) {
      let g = this.groups.get(d.group);
      if (!g) this.groups.set(d.group, (g = new GroupState(d.group)));
      const unit = this.units.get(d.iommu)!;
      const dev = new DeviceState(d, unit, g);
      g.devices.push(dev);
      this.devices.set(d.bdf, dev);
      if (d.cdev) this.cdevs.set(d.cdev, dev);
      for (const b of [...d.bars].sort((x, y) => (x.size > y.size ? -1 : 1))) {
        mmio = ((mmio + b.size - 1n) / b.size) * b.size;
        dev.barBase.set(b.index, mmio);
        const index = b.index;
        this.mem.registerMmio(`${d.bdf}/BAR${b.index}`, mmio, b.size, {
          read: (off, len) => dev.barRead(index, off, len),
          write: (off, data) => this.barStore(dev, index, off, data),
        });
        mmio += b.size;
      }
    }
    for (const n of profile.nodes) this.nodes.set(n.path, { uid: n.uid, gid: n.gid, mode: n.mode });
    for (const p of profile.principals) {
      let acct: UserAccount | undefined;
      if (p.uid !== undefined) {
        acct = this.accounts.get(p.uid);
        if (!acct) this.accounts.set(p.uid, (acct = new UserAccount(p.uid)));
      }
      this.principals.set(p.name, new Principal(p, acct));
    }
  }

  principal(name: string): Principal {
    const p = this.principals.get(name);
    if (!p) throw new DomainError('UNAUTHENTICATED', 'UNAUTHENTICATED', `unknown principal ${name}`);
    return p;
  }

  // ------------------------------------------------------------------ processes

  spawn(by: Principal, name: string, leaseMs: number): Process {
    if (by.uid === undefined) throw kerr('EPERM', `principal ${by.name} cannot own processes`);
    if (leaseMs < 0) throw kerr('EINVAL', 'lease_ms must be >= 0');
    // pids.max of the principal's cgroup (pids_can_fork: fork → EAGAIN); given back at exit
    const cg = by.cgroup;
    if (cg.pids + 1 > cg.pidsMax) throw kerr('EAGAIN', `pids.max of ${by.name}'s cgroup reached (${cg.pidsMax} processes)`);
    const p = new Process(this.nextPid++, taskComm(name) || 'process', by, this.mem, leaseMs, this.now());
    cg.pids++;
    p.startTime = BigInt(Math.floor((this.now() - this.bootedAt) / (1000 / USER_HZ)));
    this.processes.set(p.pid, p);
    return p;
  }

  /** The process a call acts for: ESRCH if unknown, EPERM if not the caller's (root may act for any). */
  processFor(by: Principal, pid: number): Process {
    const p = this.processes.get(pid);
    if (!p || !p.alive) throw kerr('ESRCH', `no process ${pid}`);
    if (!by.isRoot && p.principal !== by) throw kerr('EPERM', `process ${pid} does not belong to ${by.name}`);
    p.renew(this.now());
    return p;
  }

  exit(p: Process, kind: 'PROCESS_EXITED' | 'LEASE_EXPIRED' = 'PROCESS_EXITED'): void {
    if (!p.alive) return;
    // An expired lease is reported first; the process then exits like a killed one, and its
    // PROCESS_EXITED follows once every fd is closed.
    // Both are emitted through the deferred queue, after the teardown queued before them: an
    // event follower sees PROCESS_EXITED once the process's memory and pins are all given back.
    if (kind === 'LEASE_EXPIRED') {
      const ev = { kind, pid: p.pid, name: p.name, message: `process ${p.pid} (${p.name}) lease expired: killed` } as const;
      this.deferred.then(() => this.events.emit(ev));
    }
    p.exit();
    this.processes.delete(p.pid);
    p.principal.cgroup.pids--;
    const ev = { kind: 'PROCESS_EXITED', pid: p.pid, name: p.name, message: `process ${p.pid} (${p.name}) exited` } as const;
    this.deferred.then(() => this.events.emit(ev));
  }

  /** No deferred teardown is pending: the model is exactly what the calls so far made it. */
  get idle(): boolean {
    return this.deferred.idle;
  }

  /**
   * Resolves once every deferred teardown has finished (at once when none is pending). Callers
   * that read the model directly after a call (in-process tests) await this first; the gRPC
   * transport awaits it before every call.
   */
  quiesce(): Promise<void> {
    return this.deferred.quiesce();
  }

  /** Expire leases; returns the pids killed. */
  sweepLeases(): number[] {
    const now = this.now();
    const dead: number[] = [];
    for (const p of [...this.processes.values()]) {
      if (p.leaseExpiresAt < now) {
        dead.push(p.pid);
        this.exit(p, 'LEASE_EXPIRED');
      }
    }
    return dead;
  }

  // ------------------------------------------------------------------ files

  private checkAccess(p: Process, path: string, flags: number): void {
    const node = this.nodes.get(path);
    if (!node) throw kerr('ENOENT', `${path}: no such file`);
    const pr = p.principal;
    const acc = flags & O_ACCMODE;
    if (acc !== O_RDONLY && acc !== O_WRONLY && acc !== O_RDWR) throw kerr('EINVAL', 'bad open flags');
    if (!pr.isRoot) {
      const bits = pr.uid === node.uid ? (node.mode >> 6) & 7 : pr.inGroup(node.gid) ? (node.mode >> 3) & 7 : node.mode & 7;
      const needR = acc === O_RDONLY || acc === O_RDWR;
      const needW = acc === O_WRONLY || acc === O_RDWR;
      if ((needR && !(bits & 4)) || (needW && !(bits & 2))) throw kerr('EACCES', `${path}: permission denied for ${pr.name}`);
    }
    // The device cgroup is checked after the mode bits (inode_permission → devcgroup) and binds
    // root as well: no capability bypasses it. A process is unrestricted until its first AllowDevice.
    if (p.allowedDevices.size > 0 && !p.allowedDevices.has(path)) throw kerr('EPERM', `${path}: not in the device cgroup of pid ${p.pid}`);
  }

  /** getname: a path whose bytes and terminating NUL do not fit in PATH_MAX → ENAMETOOLONG. */
  private getname(path: string): void {
    if (Buffer.byteLength(path, 'utf8') >= PATH_MAX) throw kerr('ENAMETOOLONG', `path of ${Buffer.byteLength(path, 'utf8')} bytes: PATH_MAX is ${PATH_MAX} with the NUL`);
  }

  /**
   * The path walk up to the last component (link_path_walk + the filesystem's lookup): a component
   * longer than NAME_MAX is ENAMETOOLONG when the walk reaches it, i.e. when every directory before
   * it exists; a missing directory on the way is ENOENT first. The directories are the parents of
   * the profile's nodes; processes have no cwd here, so a relative path starts at /.
   */
  private walk(path: string): void {
    let dir = '';
    for (const c of path.split('/')) {
      if (c === '') continue;
      if (dir !== '' && !this.isDir(dir)) throw kerr('ENOENT', `${path}: ${dir} is not a directory here`);
      const len = Buffer.byteLength(c, 'utf8');
      if (len > NAME_MAX) throw kerr('ENAMETOOLONG', `${path.slice(0, 64)}…: a component of ${len} bytes (NAME_MAX ${NAME_MAX})`);
      dir = `${dir}/${c}`;
    }
  }

  private isDir(dir: string): boolean {
    const prefix = `${dir}/`;
    for (const k of this.nodes.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  /** A path argument as the kernel takes it: getname, then the walk (before any permission check). */
  private lookupPath(path: string): void {
    this.getname(path);
    this.walk(path);
  }

  open(p: Process, path: string, flags: number): number {
    // do_sys_openat2: getname, then get_unused_fd_flags (EMFILE), then the walk
    this.getname(path);
    p.reserveCheck();
    this.walk(path);
    if (path === '/dev/iommu') {
      this.checkAccess(p, path, flags);
      if (!this.profile.kernel.iommufd) throw kerr('ENOENT', '/dev/iommu: kernel built without iommufd');
      const ctx = new IommufdCtx(path, flags, this.mem, p, (c) => this.ctxs.delete(c));
      this.ctxs.add(ctx);
      return p.installFd(ctx);
    }
    const m = /^\/dev\/vfio\/devices\/(vfio\d+)$/.exec(path);
    if (m) {
      const dev = this.cdevs.get(m[1]!);
      if (!dev || dev.driver !== 'vfio-pci' || !dev.plugged) throw kerr('ENOENT', `${path}: no such device`);
      this.checkAccess(p, path, flags);
      return p.installFd(new VfioDeviceFile(path, flags, dev));
    }
    if (path === '/dev/vfio/vfio') {
      if (!this.nodes.has(path)) throw kerr('ENOENT', `${path}: no such file`);
      this.checkAccess(p, path, flags);
      const k = this.profile.kernel;
      if (k.nativeType1) return p.installFd(new VfioType1Container(path, flags, this.mem, type1Quirks(k.version ?? '')));
      if (k.vfioCompatContainer) {
        // vfio_compat: /dev/vfio/vfio opens an iommufd with VFIO-compatible (MM) accounting
        const ctx = new IommufdCtx(path, flags, this.mem, p, (c) => this.ctxs.delete(c));
        ctx.accountMm = true;
        this.ctxs.add(ctx);
        return p.installFd(ctx);
      }
      throw kerr('ENXIO', `${path}: no VFIO container driver in this kernel`);
    }
    const g = /^\/dev\/vfio\/(\d+)$/.exec(path);
    if (g) {
      const group = this.groups.get(Number(g[1]));
      if (!this.nodes.has(path) || !group) throw kerr('ENOENT', `${path}: no such file`);
      this.checkAccess(p, path, flags);
      VfioGroupFile.checkOpen(group);
      return p.installFd(new VfioGroupFile(path, flags, group));
    }
    if (!this.nodes.has(path)) throw kerr('ENOENT', `${path}: no such file`);
    throw kerr('ENXIO', `${path}: no driver behind this node`);
  }

  sendFd(from: Process, fd: number, to: Process): number {
    const f = from.file(fd);
    return to.installFd(f);
  }

  /** The node chown/chmod change: the path is looked up first (ENAMETOOLONG, ENOENT), then EPERM. */
  private nodeFor(by: Principal, path: string): NodeAttr {
    this.lookupPath(path);
    const n = this.nodes.get(path);
    if (!n) throw kerr('ENOENT', `${path}: no such file`);
    if (!by.isRoot) throw kerr('EPERM', `only root may change ${path}`);
    return n;
  }
  chown(by: Principal, path: string, uid: number, gid: number): void {
    const n = this.nodeFor(by, path);
    n.uid = uid;
    n.gid = gid;
  }
  /** chmod_common keeps `mode & S_IALLUGO` (07777): higher bits are ignored, never refused. */
  chmod(by: Principal, path: string, mode: number): void {
    const n = this.nodeFor(by, path);
    n.mode = mode & S_IALLUGO;
  }
  allowDevice(by: Principal, p: Process, path: string): void {
    this.getname(path);
    if (!by.isRoot) throw kerr('EPERM', 'only root may change a device cgroup');
    this.walk(path);
    if (!this.nodes.has(path)) throw kerr('ENOENT', `${path}: no such file`);
    p.allowedDevices.add(path);
  }

  /**
   * memfd_create(2) in the kernel's order: unknown flags (huge page sizes only with MFD_HUGETLB),
   * MFD_EXEC with MFD_NOEXEC_SEAL, the name's length in bytes, then the fd. MFD_NOEXEC_SEAL
   * (6.3+) makes the file sealable with F_SEAL_EXEC set and its exec bits cleared; MFD_EXEC (or
   * neither, with vm.memfd_noexec = 0) keeps them. The twin has no fcntl seals and no exec, so
   * what those flags set is not observable and not stored: they are accepted as the kernel does.
   */
  memfdCreate(p: Process, name: string, flags: number): number {
    const known = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC | MFD_HUGE_MASK;
    if (flags & ~known) throw kerr('EINVAL', 'unknown memfd flags');
    if (!(flags & MFD_HUGETLB) && flags & MFD_HUGE_MASK) throw kerr('EINVAL', 'huge page size without MFD_HUGETLB');
    if (flags & MFD_EXEC && flags & MFD_NOEXEC_SEAL) throw kerr('EINVAL', 'MFD_EXEC and MFD_NOEXEC_SEAL together');
    // MFD_NAME_MAX_LEN (NAME_MAX - strlen("memfd:")) counts bytes
    if (Buffer.byteLength(name, 'utf8') > MFD_NAME_MAX_LEN) throw kerr('EINVAL', 'memfd name too long');
    let order = 0;
    if (flags & MFD_HUGETLB) {
      const sz = flags & MFD_HUGE_MASK;
      order = sz === MFD_HUGE_1GB ? 18 : sz === MFD_HUGE_2MB || sz === 0 ? 9 : -1;
      if (order < 0) throw kerr('EINVAL', 'unsupported huge page size');
    }
    p.reserveCheck();
    const file = new MemFile(this.mem, name, order, false);
    return p.installFd(new MemfdOpenFile(file, order > 0));
  }

  ftruncate(p: Process, fd: number, length: bigint): void {
    const f = p.file(fd);
    if (!(f instanceof MemfdOpenFile)) throw kerr('EINVAL', `fd ${fd} cannot be truncated`);
    if (length > 1n << 52n) throw kerr('EINVAL', 'file too large');
    if (f.file.folioOrder > 0 && length % f.file.folioBytes !== 0n) throw kerr('EINVAL', 'hugetlbfs size must be a multiple of the huge page size');
    f.file.truncate(length);
  }

  mmap(p: Process, args: { addr: bigint; length: bigint; prot: number; flags: number; fd: number; offset: bigint }): bigint {
    // sys_mmap: an offset that is not page aligned is EINVAL before the fd is looked at (anonymous
    // mappings included, which otherwise ignore it)
    if (args.offset % 4096n !== 0n) throw kerr('EINVAL', 'mmap offset not page aligned');
    if (args.flags & MAP_ANONYMOUS) return p.mm.mmap({ addr: args.addr, length: args.length, prot: args.prot, flags: mmapFlags(args, undefined), offset: 0n });
    const f = p.file(args.fd);
    // memfds are regular files (MAX_LFS_FILESIZE), VFIO device fds character devices (ULONG_MAX)
    const a = { ...args, flags: mmapFlags(args, f instanceof MemfdOpenFile ? MAX_LFS_FILESIZE : U64_MAX) };
    if (f instanceof MemfdOpenFile) {
      if (a.prot & 2 && a.flags & MAP_SHARED && !f.writable) throw kerr('EACCES', 'file not opened for writing');
      return p.mm.mmap({ addr: a.addr, length: a.length, prot: a.prot, flags: a.flags, file: f.file, holder: f, offset: a.offset, alignment: f.file.folioBytes });
    }
    if (f instanceof VfioDeviceFile) {
      if (!(a.flags & MAP_SHARED)) throw kerr('EINVAL', 'device regions must be mapped MAP_SHARED');
      const { index, barOffset } = f.regionFor(a.offset, a.length);
      const dev = f.dev;
      const bar = dev.bar(index);
      // vfio_pci_mmap: a BAR whose memory decode is off is zapped and faults again to SIGBUS;
      // a surprise-removed device's BAR reads all-ones and drops writes (master abort)
      const decodes = () => {
        if (dev.plugged && !dev.memoryEnabled) throw kerr('EFAULT', `${dev.bdf} BAR${index}: memory decode is off (SIGBUS)`);
        return dev.plugged;
      };
      const mmio: MmioBacking = {
        // the BAR's base: the mapping's file offset (low VFIO_PCI_OFFSET_SHIFT bits) is the offset in it
        physBase: bar.base,
        read: (off, len) => (decodes() ? dev.barRead(index, off - (a.offset - barOffset), len) : new Uint8Array(len).fill(0xff)),
        write: (off, data) => {
          if (!decodes()) return;
          this.barStore(dev, index, off - (a.offset - barOffset), data);
        },
        describe: `${dev.bdf} BAR${index}`,
        holder: f,
      };
      return p.mm.mmap({ addr: a.addr, length: a.length, prot: a.prot, flags: a.flags, offset: a.offset, mmio });
    }
    throw kerr('ENODEV', `fd ${a.fd} (${f.kind}) cannot be mmapped`);
  }

  getStatus(p: Process): { vmPinnedBytes: bigint; vmLockedBytes: bigint; fds: Array<{ fd: number; kind: FileKind; path: string }> } {
    // Unsigned, as /proc prints them: after IOAS_CHANGE_PROCESS of IOPT_PAGES_ACCOUNT_NONE pages the
    // kernel takes later unpins from the new owner, whose pinned_vm was never charged (it wraps).
    return {
      vmPinnedBytes: BigInt.asUintN(64, BigInt(p.pinnedPages) << 12n),
      vmLockedBytes: BigInt.asUintN(64, BigInt(p.lockedPages) << 12n),
      fds: [...p.fds].sort((x, y) => x[0] - y[0]).map(([fd, f]) => ({ fd, kind: f.kind, path: f.path })),
    };
  }

  /** The native type1 containers in use (those with a group set on them). */
  private type1Containers(): Set<VfioType1Container> {
    const out = new Set<VfioType1Container>();
    for (const g of this.groups.values()) if (g.container instanceof VfioType1Container) out.add(g.container);
    return out;
  }

  /** Typed fd lookups for the ioctl surfaces. */
  iommufd(p: Process, fd: number): IommufdCtx {
    const f = p.file(fd);
    if (!(f instanceof IommufdCtx)) throw kerr('ENOTTY', `fd ${fd} is not an iommufd`);
    return f;
  }
  vfioDevice(p: Process, fd: number): VfioDeviceFile {
    const f = p.file(fd);
    if (!(f instanceof VfioDeviceFile)) throw kerr('ENOTTY', `fd ${fd} is not a VFIO device`);
    return f;
  }
  anyFile(p: Process, fd: number): OpenFile {
    return p.file(fd);
  }
  /** A container fd's ops: /dev/vfio/vfio's native type1 container, or any iommufd (the compat layer). */
  vfioContainer(p: Process, fd: number): VfioContainerOps {
    const ops = containerOpsOf(p.file(fd));
    if (!ops) throw kerr('ENOTTY', `fd ${fd} is not a VFIO container`);
    return ops;
  }
  vfioGroup(p: Process, fd: number): VfioGroupFile {
    const f = p.file(fd);
    if (!(f instanceof VfioGroupFile)) throw kerr('ENOTTY', `fd ${fd} is not a VFIO group`);
    return f;
  }

  // ------------------------------------------------------------------ devices

  device(bdf: string): DeviceState {
    const d = this.devices.get(bdf);
    if (!d) throw kerr('ENODEV', `no PCI device ${bdf}`);
    return d;
  }

  setDriver(bdf: string, driver: string): void {
    const d = this.device(bdf);
    if (driver !== 'vfio-pci' && driver !== 'host' && driver !== 'none') throw kerr('EINVAL', `unknown driver '${driver}'`);
    if (!d.plugged) throw kerr('ENODEV', `${bdf} was removed`);
    if (driver === d.driver) return;
    if (d.driver === 'vfio-pci' && d.vfioOpen > 0) throw kerr('EBUSY', `${bdf} is open through VFIO: close its fds first`);
    if (driver === 'host' && d.group.owner) throw kerr('EBUSY', `group ${d.group.id} is owned by an iommufd: a host driver cannot take ${bdf}`);
    if (driver === 'host' && d.group.container?.backend === 'native-type1') throw kerr('EBUSY', `group ${d.group.id} is owned by a VFIO container: a host driver cannot take ${bdf}`);
    d.driver = driver;
  }

  /** Devices whose BARs decode nothing now (memory decode off, or removed): peers' DMA to them is an Unsupported Request. */
  private readonly noDecode = new Set<DeviceState>();

  /** The device whose BAR holds part of [pa, pa + n) while it decodes nothing, if any. */
  private undecodedTarget(pa: bigint, n: number): DeviceState | undefined {
    for (const d of this.noDecode) {
      for (const b of d.spec.bars) {
        const base = d.barBase.get(b.index)!;
        if (pa < base + b.size && base < pa + BigInt(n)) return d;
      }
    }
    return undefined;
  }

  /**
   * PCI_COMMAND_MEMORY of `bdf` (a write of the command register, vfio_basic_config_write): off
   * zaps the BAR mmaps (CPU access → SIGBUS, EFAULT here), revokes the device's dma-bufs
   * (DMABUF_REVOKED; their iommufd mappings are torn down) and makes peers' DMA to the BARs an
   * Unsupported Request; on un-revokes the dma-bufs (a new IOMMU_IOAS_MAP_FILE works again, the
   * torn-down mappings stay so: iopt_revoke_notify is one-way) and the BARs decode again.
   */
  setBarDecode(bdf: string, enabled: boolean): void {
    const d = this.device(bdf);
    if (!d.plugged) throw kerr('ENODEV', `${bdf} is gone`);
    if (d.memoryEnabled === enabled) return;
    d.memoryEnabled = enabled;
    if (enabled) this.noDecode.delete(d);
    else this.noDecode.add(d);
    dmaBufMove(d, !enabled);
  }

  /** A CPU or peer write to BAR `index` of `dev`; a migration session sees it (its dirty state). */
  private barStore(dev: DeviceState, index: number, off: bigint, data: Uint8Array): void {
    dev.barWrite(index, off, data);
    migDeviceOf(dev)?.barWritten(index, off, data.length);
  }

  /** A dma-buf went from usable to revoked: one DMABUF_REVOKED per process fd holding it. */
  readonly onDmabufRevoked = (buf: DmabufFile): void => {
    let logged = false;
    for (const p of this.processes.values()) {
      for (const [fd, f] of p.fds) {
        if (f !== buf) continue;
        this.events.emit({ kind: 'DMABUF_REVOKED', bdf: buf.bdf, pid: p.pid, dmabufFd: fd, message: `vfio-pci ${buf.bdf}: dma-buf of BAR${buf.barIndex} (fd ${fd} of pid ${p.pid}) revoked` });
        logged = true;
      }
    }
    if (!logged) this.events.emit({ kind: 'DMABUF_REVOKED', bdf: buf.bdf, message: `vfio-pci ${buf.bdf}: dma-buf of BAR${buf.barIndex} (no fd holds it) revoked` });
  };

  /**
   * Surprise removal (pciehp: card not present): the device's DMA stops (DEVICE_GONE), its BARs
   * decode nothing (peers' DMA → Unsupported Request, its mmaps read all-ones), its cdev node is
   * gone (open → ENOENT) and VFIO takes no new user (dma-buf export, bind → ENODEV). The
   * removal then waits for the user to close its VFIO device fds (vfio_unregister_group_dev
   * relays the device request): open fds keep answering what needs no hardware, and the
   * device's dma-bufs are revoked at the last close. DEVICE_UNPLUGGED goes to the log.
   */
  unplug(bdf: string): void {
    const d = this.device(bdf);
    if (!d.plugged) throw kerr('ENODEV', `${bdf} is already removed`);
    d.plugged = false;
    this.noDecode.add(d);
    const waiting = d.vfioOpen > 0 ? `; vfio-pci ${bdf}: relaying device request to user (${d.vfioOpen} open device fds)` : '';
    this.events.emit({ kind: 'DEVICE_UNPLUGGED', bdf, message: `pciehp ${bdf}: Card not present: surprise removal${waiting}` });
  }

  /**
   * A new device in the slot: EEXIST if one is present, EBUSY while the removed one still has
   * open VFIO device fds (its removal has not finished). The new device decodes memory, has
   * fresh BARs and is bound to the profile's driver; a host driver's probe fails while a user
   * owns the group's DMA (iommu_device_use_default_domain → EBUSY): the device stays driverless.
   */
  plug(bdf: string): void {
    const d = this.device(bdf);
    if (d.plugged) throw kerr('EEXIST', `${bdf} is present`);
    if (d.vfioOpen > 0) throw kerr('EBUSY', `the removal of ${bdf} still waits for ${d.vfioOpen} VFIO device fds to be closed`);
    d.plugged = true;
    d.memoryEnabled = true;
    d.barPages.clear();
    const userOwned = d.group.owner !== undefined || d.group.container !== undefined;
    d.driver = d.spec.driver === 'host' && userOwned ? 'none' : d.spec.driver;
    this.noDecode.delete(d);
  }

  // ------------------------------------------------------------------ the hardware: device DMA

  /**
   * What a request of `dev` is translated by: the attached HWPT and the SubstreamID/PASID the
   * stage 1 sees (-1 for a request without PASID). A PASID without its own attachment on a
   * device whose RID is attached to an SMMUv3 nested HWPT goes through the guest's CD table
   * (the STE translates every SubstreamID); otherwise it has no translation.
   */
  private attachmentOf(dev: DeviceState, pasid: number | undefined): { hwpt: AttachedHwpt | VfioType1Attach; ssid: number } | undefined {
    const rid = dev.group.rid?.hwpt;
    if (pasid === undefined || pasid === 0) {
      if (rid) return { hwpt: rid, ssid: -1 };
      // native type1: the RID goes through the container's vfio_domain (no PASID support)
      const t1 = dev.group.type1;
      return t1 ? { hwpt: t1, ssid: -1 } : undefined;
    }
    const h = dev.pasids.get(pasid);
    if (h) return { hwpt: h, ssid: pasid };
    if (rid && rid.type === 'HWPT_NESTED' && rid.s1.kind === 'smmuv3' && dev.pasidCapable) return { hwpt: rid, ssid: pasid };
    return undefined;
  }

  /** The fault of the last failed translatePage. */
  private readonly pf = { reason: 'TRANSLATION' as DmaFault['reason'], level: 0, stage: 0, code: 0, cls: 0, addr2: 0, record: false, ssid: -1, message: '' };

  /**
   * Translate the 4 KiB frame `pfn` through attachment `h` (paging: the IOTLB and the domain's
   * table; nested: the 2-D walk of kernel/nested_walk.ts). true: this.tout holds the host frame,
   * leaf size and perm (the access is allowed); false: this.pf describes the fault.
   */
  private translatePage(h: AttachedHwpt | VfioType1Attach, ssid: number, pfn: number, write: boolean, priv: boolean): boolean {
    const out = this.tout;
    const pf = this.pf;
    if (h.type === 'HWPT_NESTED') {
      if (nestedTranslate(this.mem, h, ssid, pfn, write, priv, out)) return true;
      const f = nestedFault;
      pf.reason = REASON_NAME[f.reason] ?? 'TRANSLATION';
      pf.level = f.level;
      pf.stage = f.stage;
      pf.code = f.code;
      pf.cls = f.cls;
      pf.addr2 = f.addr2;
      pf.record = f.record;
      pf.ssid = f.ssid;
      pf.message = nestedMessage(h, f.stage, f.code, f.reason);
      return false;
    }
    const domain = h.domain;
    pf.stage = 0;
    pf.code = 0;
    pf.cls = 0;
    pf.addr2 = 0;
    pf.record = false;
    pf.ssid = ssid;
    pf.level = 0;
    if (pfn > Number(domain.apertureLast >> 12n)) {
      pf.reason = 'ADDRESS_SIZE';
      pf.message = `address beyond the ${domain.unit.spec.inputBits}-bit input range`;
      return false;
    }
    if (!domain.unit.tlb.translate(domain.tag, domain.pt, pfn, out)) {
      pf.reason = 'TRANSLATION';
      pf.message = 'non-present entry';
      return false;
    }
    if (!(out.perm & (write ? 2 : 1))) {
      pf.reason = 'PERMISSION';
      pf.message = write ? 'write to a read-only page' : 'read of a write-only page';
      return false;
    }
    return true;
  }

  /**
   * Report the fault in this.pf of a request of `dev` at `addr`: an SMMUv3 stage-1 event of a
   * device with a vDEVICE goes to its vIOMMU's vEVENTQ (the event record with the guest
   * StreamID; translation/permission/access/address-size faults only when the CD's R bit asks
   * for recording; never a stage-2 fault: arm_vmaster_report_event only if !event->s2); what no
   * vEVENTQ takes goes to the host log. Returns whether a vEVENT was queued.
   */
  private reportFault(dev: DeviceState, h: AttachedHwpt | VfioType1Attach | undefined, pasid: number | undefined, addr: bigint, write: boolean, priv: boolean): boolean {
    const pf = this.pf;
    this.dmaStats.faults++;
    if (this.forwardVevent(dev, h, addr, write, priv)) return true;
    if (h && h.type === 'HWPT_NESTED' && h.s1.kind === 'smmuv3' && pf.stage === 1 && pf.code !== 0 && !pf.record) return false; // CD.R = 0: not recorded
    const stage = pf.stage ? ` stage ${pf.stage}` : '';
    this.events.emit({
      kind: 'DMA_FAULT',
      bdf: dev.bdf,
      ...(pasid !== undefined ? { pasid } : {}),
      iova: addr,
      reason: pf.reason,
      write,
      ...(pf.stage ? { stage: pf.stage } : {}),
      level: pf.level,
      message: `DMAR: [DMA ${write ? 'Write' : 'Read'}] ${dev.bdf} ${pasid !== undefined ? `PASID ${pasid} ` : ''}addr 0x${addr.toString(16)}${stage}: ${pf.message}`,
    });
    return false;
  }

  /** The vEVENT part of reportFault (this.pf): true when a vEVENTQ took the event. */
  private forwardVevent(dev: DeviceState, h: AttachedHwpt | VfioType1Attach | undefined, addr: bigint, write: boolean, priv: boolean): boolean {
    const pf = this.pf;
    if (!h || h.type !== 'HWPT_NESTED' || h.s1.kind !== 'smmuv3' || pf.stage !== 1 || pf.code === 0 || !pf.record) return false;
    const vdev = dev.bound?.vdev;
    const q = h.viommu && vdev && vdev.viommu === h.viommu ? h.viommu.veventqs.get(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3) : undefined;
    if (!q || !smmuEventForwarded(pf.code)) return false;
    q.report(encodeSmmuEvent(new Uint8Array(32), { id: pf.code, sid: Number(vdev!.virtId & 0xffffffffn), ssid: pf.ssid, write, priv, s2: false, cls: pf.cls, inputAddr: addr, addr2: pf.addr2 }));
    return true;
  }

  /**
   * A device DMA: RID (or PASID) → attachment → IOTLB → page walk (2-D for nested HWPTs) →
   * permission → memory. Translation of the whole range happens before any byte moves, so a
   * faulting DMA touches nothing. Faults go to the host event log (DMAR fault records) or, for
   * SMMUv3 stage-1 faults of a device with a vDEVICE, to its vIOMMU's vEVENTQ.
   *
   * IOPF: with `allowPageRequest`, a PRI-capable device (behind a unit with page requests)
   * attached to an IOPF-capable HWPT (fault queue) turns a translation or permission fault of
   * stage 1 (or of a paging HWPT) into a page request: the group goes to the HWPT's fault queue,
   * the DMA waits for the response without blocking anything else (the result is then a
   * promise), retries the whole range after SUCCESS, and faults PAGE_REQUEST_DENIED after
   * INVALID. Each page requests at most once per DMA and a DMA has at most PRI_MAX_OUTSTANDING
   * page requests (the device's outstanding page request allocation), whatever its length.
   */
  deviceDma(bdf: string, pasid: number | undefined, iova: bigint, length: number, write: boolean, data?: Uint8Array, owner?: ProcessIdentity, allowPageRequest?: false): DmaResult;
  deviceDma(bdf: string, pasid: number | undefined, iova: bigint, length: number, write: boolean, data: Uint8Array | undefined, owner: ProcessIdentity | undefined, allowPageRequest: boolean): DmaResult | Promise<DmaResult>;
  deviceDma(bdf: string, pasid: number | undefined, iova: bigint, length: number, write: boolean, data?: Uint8Array, owner?: ProcessIdentity, allowPageRequest = false): DmaResult | Promise<DmaResult> {
    const dev = this.device(bdf);
    if (length <= 0) throw kerr('EINVAL', 'length must be > 0');
    if (write && (!data || data.length !== length)) throw kerr('EINVAL', 'write data must be exactly `length` bytes');
    if (owner) this.checkDeviceOwner(dev, owner);
    this.dmaStats.dmas++;
    const requested = new Set<number>();
    const attempt = (): DmaResult | Promise<DmaResult> => {
      const r = this.dmaOnce(dev, pasid, iova, length, write, data);
      if (!('pfn' in r)) return r.pageRequests === undefined && requested.size > 0 ? { ...r, pageRequests: requested.size } : r;
      // a recoverable fault: raise a page request when allowed, else report it
      const h = r.hwpt;
      const pri = allowPageRequest && dev.spec.pri && dev.unit.spec.prs && h.fault !== undefined && dev.bound !== undefined;
      if (!pri || requested.has(r.pfn) || requested.size >= PRI_MAX_OUTSTANDING) return this.dmaFault(dev, h, pasid, r.addr, write, false, requested.size);
      requested.add(r.pfn);
      return this.pageRequest(dev, h, pasid, r.addr, write).then((code) => {
        if (code !== IOMMUFD_PAGE_RESP_SUCCESS) {
          const pf = this.pf;
          pf.reason = 'PAGE_REQUEST_DENIED';
          pf.stage = 0;
          pf.code = 0;
          pf.level = 0;
          pf.message = 'page request answered INVALID';
          return this.dmaFault(dev, undefined, pasid, r.addr, write, true, requested.size);
        }
        return attempt();
      });
    };
    return attempt();
  }

  /** Report this.pf and return it as the DMA's result. */
  private dmaFault(dev: DeviceState, h: AttachedHwpt | VfioType1Attach | undefined, pasid: number | undefined, addr: bigint, write: boolean, recoverable: boolean, pageRequests: number): DmaResult {
    const pf = this.pf;
    this.reportFault(dev, h, pasid, addr, write, false);
    return {
      fault: { reason: pf.reason, addr, ...(pasid !== undefined ? { pasid } : {}), level: pf.level, recoverable, message: pf.message, ...(pf.stage ? { stage: pf.stage } : {}) },
      ...(pageRequests > 0 ? { pageRequests } : {}),
    };
  }

  /**
   * One pass of a DMA: translate every page, then move the bytes. A fault that a page request
   * could resolve is returned as { pfn, addr, hwpt } (not reported yet); others are reported.
   */
  private dmaOnce(dev: DeviceState, pasid: number | undefined, iova: bigint, length: number, write: boolean, data: Uint8Array | undefined): DmaResult | { pfn: number; addr: bigint; hwpt: AttachedHwpt } {
    const pf = this.pf;
    const simple = (reason: DmaFault['reason'], addr: bigint, message: string): DmaResult => {
      pf.reason = reason;
      pf.level = 0;
      pf.stage = 0;
      pf.code = 0;
      pf.message = message;
      return this.dmaFault(dev, undefined, pasid, addr, write, false, 0);
    };
    if (!dev.plugged) return simple('DEVICE_GONE', iova, 'device removed');
    // VFIO migration: a stopped device initiates no DMA (STOP, STOP_COPY, RESUMING, ERROR)
    const mig = migDeviceOf(dev);
    const stopped = mig?.dmaRefusal(false);
    if (stopped) throw deviceStopped(dev, mig!, stopped);
    const usePasid = pasid !== undefined && pasid !== 0;
    const att = this.attachmentOf(dev, pasid);
    if (!att) return simple(usePasid ? 'PASID' : 'BLOCKED', iova, usePasid ? 'no domain attached to this PASID' : 'DMA blocked: no domain attached');
    const last = iova + BigInt(length) - 1n;
    if (!usePasid) {
      for (const r of dev.spec.reservedRegions) {
        if (r.type === 'direct_relaxable') continue;
        if (iova <= r.last && r.start <= last) return simple('RESERVED', iova > r.start ? iova : r.start, `access to reserved region ${r.type} [0x${r.start.toString(16)}, 0x${r.last.toString(16)}]`);
      }
    }
    const h = att.hwpt;
    const out = this.tout;
    const segs: Array<[bigint, number]> = [];
    const firstPfn = Number(iova >> 12n);
    const lastPfn = Number(last >> 12n);
    for (let pfn = firstPfn; pfn <= lastPfn; pfn++) {
      // pages are translated in order: the fault names the first byte that cannot be translated
      const addr = pfn === firstPfn ? iova : BigInt(pfn) << 12n;
      if (!this.translatePage(h, att.ssid, pfn, write, false)) {
        const recoverable = (pf.reason === 'TRANSLATION' || pf.reason === 'PERMISSION') && (h.type !== 'HWPT_NESTED' || pf.stage === 1);
        if (recoverable && h.fault !== undefined) return { pfn, addr, hwpt: h };
        return this.dmaFault(dev, h, pasid, addr, write, false, 0);
      }
      const pageStart = addr;
      const pageEnd = pfn === lastPfn ? last + 1n : BigInt(pfn + 1) << 12n;
      segs.push([(BigInt(out.paPfn) << 12n) + (pageStart & 0xfffn), Number(pageEnd - pageStart)]);
    }
    // RUNNING_P2P / PRE_COPY_P2P: no DMA towards another device's MMIO (peer to peer)
    if (mig) {
      const refusal = mig.dmaRefusal(true);
      if (refusal !== undefined && segs.some(([pa]) => this.mem.findMmio(pa) !== undefined)) throw deviceStopped(dev, mig, refusal);
    }
    if (this.noDecode.size > 0) {
      for (let k = 0; k < segs.length; k++) {
        const [pa, n] = segs[k]!;
        const target = this.undecodedTarget(pa, n);
        if (target) return simple('UNSUPPORTED_REQUEST', k === 0 ? iova : BigInt(firstPfn + k) << 12n, `Unsupported Request: ${target.bdf} does not decode 0x${pa.toString(16)} (${target.plugged ? 'memory decode off' : 'device removed'})`);
      }
    }
    this.dmaStats.bytes += length;
    dev.dmaCount++;
    mig?.dmaDone(iova, length, write);
    const s2 = h.type === 'VFIO_TYPE1' ? h.domain : stage2Of(h).domain;
    if (write) {
      let off = 0;
      for (const [pa, n] of segs) {
        this.mem.write(pa, data!.subarray(off, off + n));
        off += n;
      }
      if (s2.hwDirtyLogging) {
        if (h.type === 'HWPT_NESTED') {
          // the dirty bit is the stage-2 leaf's: find each page's GPA/IPA
          for (let pfn = firstPfn; pfn <= lastPfn; pfn++) {
            const ipa = nestedIpaOf(this.mem, h, att.ssid, pfn);
            if (ipa >= 0) s2.pt.markDirty(ipa);
          }
        } else for (let pfn = firstPfn; pfn <= lastPfn; pfn++) s2.pt.markDirty(pfn);
      }
      return { data: new Uint8Array(0) };
    }
    const buf = new Uint8Array(length);
    let off = 0;
    for (const [pa, n] of segs) {
      buf.set(this.mem.read(pa, n), off);
      off += n;
    }
    return { data: buf };
  }

  /**
   * Raise a page request for the page at `addr` (iommu_report_device_fault → the HWPT's fault
   * queue): one group of one fault with LAST_PAGE, the PRG index the device's next one.
   * Resolves with the response code (IOMMUFD_PAGE_RESP_*).
   */
  private pageRequest(dev: DeviceState, h: AttachedHwpt, pasid: number | undefined, addr: bigint, write: boolean): Promise<number> {
    const idev = dev.bound!;
    const usePasid = pasid !== undefined && pasid !== 0;
    const grpid = (this.prgIndex.get(dev) ?? 0) & 0x1ff;
    this.prgIndex.set(dev, grpid + 1);
    return new Promise<number>((resolve) => {
      let answered = false;
      const group: IopfGroup = {
        devId: idev.id,
        faults: [{ flags: IOMMU_PGFAULT_FLAGS_LAST_PAGE | (usePasid ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0), pasid: usePasid ? pasid : 0, grpid, perm: write ? IOMMU_PGFAULT_PERM_WRITE : IOMMU_PGFAULT_PERM_READ, addr: addr & ~0xfffn }],
        hwpt: h,
        pasid: usePasid ? pasid : 0,
        respond: (code: number) => {
          if (answered) return;
          answered = true;
          resolve(code);
        },
      };
      h.fault!.deliver(group);
    });
  }

  /** The PRG index of each device's next page request group (9 bits). */
  private readonly prgIndex = new WeakMap<DeviceState, number>();

  /**
   * The owner assertion of DeviceDma: `owner` must be a live process of this boot (same pid and
   * start time, else ESRCH) that holds the device's binding — a device fd of it bound to an
   * iommufd it also holds (else EPERM). Costs the process's open fds, nothing more.
   */
  private checkDeviceOwner(dev: DeviceState, owner: ProcessIdentity): void {
    const p = this.processes.get(owner.pid);
    if (owner.bootId !== this.bootId || !p || !p.alive || p.startTime !== owner.startTime) {
      throw kerr('ESRCH', `no process ${owner.pid} started at ${owner.startTime} in boot ${owner.bootId} (this boot is ${this.bootId})`);
    }
    const binding = dev.bound;
    let device = false;
    let ictx = false;
    if (binding) {
      for (const f of p.fds.values()) {
        if (f instanceof VfioDeviceFile && f.bound === binding) device = true;
        else if (f === binding.ctx) ictx = true;
        if (device && ictx) break;
      }
    }
    // the group path: a device fd from GROUP_GET_DEVICE_FD and the container its group is set on
    // (the native container file, or the iommufd the compatibility layer bound the device to)
    if ((!device || !ictx) && dev.group.container) {
      const container = dev.group.container;
      device = false;
      ictx = false;
      for (const f of p.fds.values()) {
        if (f instanceof VfioDeviceFile && f.dev === dev && f.viaGroup) device = true;
        else if ((binding && f === binding.ctx) || containerOpsOf(f) === container) ictx = true;
        if (device && ictx) break;
      }
    }
    if (!device || !ictx) throw kerr('EPERM', `${dev.bdf} is not bound through a device fd and an iommufd (or a VFIO container) held by pid ${owner.pid}`);
  }

  /** translateBatch's records for the IOTLB, one chunk (see TB_CHUNK) */
  private readonly tbScratch = { pfn: new Float64Array(TB_CHUNK), rec: new Int32Array(TB_CHUNK), pa: new Float64Array(TB_CHUNK), info: new Int32Array(TB_CHUNK) };

  /**
   * Batched translations (no data moves): packed 16-byte records {u64 iova, u32 flags, u32 0} →
   * packed 16-byte results {u64 addr, u32 status (0 or a DmaFaultReason number), u32 info}.
   */
  translateBatch(bdf: string, pasid: number | undefined, entries: Uint8Array, owner?: ProcessIdentity): { results: Uint8Array; translated: number; faults: number } {
    const dev = this.device(bdf);
    if (entries.length % 16 !== 0) throw kerr('EINVAL', 'entries must be a multiple of 16 bytes');
    if (owner) this.checkDeviceOwner(dev, owner);
    const n = entries.length / 16;
    // read the records in place (a view, no copy; protobuf hands over a slice at any byte offset)
    const inW = new DataView(entries.buffer, entries.byteOffset, entries.length);
    for (let i = 0; i < n; i++) {
      if (inW.getUint32(i * 16 + 8, true) & ~7 || inW.getUint32(i * 16 + 12, true) !== 0) throw kerr('EINVAL', `record ${i}: unknown flags or non-zero reserved word`);
    }
    const out = new Uint32Array(n * 4);
    const usePasid = pasid !== undefined && pasid !== 0;
    const gone = !dev.plugged;
    const att = gone ? undefined : this.attachmentOf(dev, pasid);
    const hwpt = att?.hwpt;
    // a nested HWPT: every record through translatePage (the 2-D walk and its IOTLB tag)
    const nested = hwpt !== undefined && hwpt.type === 'HWPT_NESTED' ? hwpt : undefined;
    // a paging HWPT or a native type1 container's domain: one IOTLB tag and page table
    const paging = hwpt !== undefined && hwpt.type !== 'HWPT_NESTED' ? hwpt : undefined;
    let translated = 0;
    let faults = 0;
    let logged = 0;
    const t = this.tout;
    const apLastPfn = paging ? Number(paging.domain.apertureLast >> 12n) : 0;
    // Reserved regions a request without PASID may not reach (as in deviceDma), as
    // [first pfn, first offset, last pfn, last offset] so the loop stays in numbers.
    const resv: number[] = [];
    if (!usePasid) {
      for (const r of dev.spec.reservedRegions) {
        if (r.type === 'direct_relaxable') continue;
        resv.push(Number(r.start >> 12n), Number(r.start & 0xfffn), Number(r.last >> 12n), Number(r.last & 0xfffn));
      }
    }
    // the domain's walk state, resolved once per batch rather than per record
    const tlb = paging?.domain.unit.tlb;
    const tag = paging ? paging.domain.tag : 0;
    const pt = paging?.domain.pt;
    let level = 0;
    const nResv = resv.length;
    // A paging domain: the records that reach the IOTLB are collected per chunk and translated by
    // one translateMany (the same IOTLB effects as one translate per record, in record order; the
    // misses are walked level by level across the chunk); nothing else in the loop has effects.
    const sc = this.tbScratch;
    for (let c0 = 0; c0 < n; c0 += TB_CHUNK) {
      const c1 = Math.min(n, c0 + TB_CHUNK);
      let m = 0;
      for (let i = c0; i < c1; i++) {
        const lo = inW.getUint32(i * 16, true);
        const hi = inW.getUint32(i * 16 + 4, true);
        const flags = inW.getUint32(i * 16 + 8, true);
        const write = (flags & 1) !== 0;
        const pfn = hi * 0x100000 + (lo >>> 12);
        const off = lo & 0xfff;
        let inResv = false;
        for (let k = 0; k < nResv; k += 4) {
          const sp = resv[k]!;
          const lp = resv[k + 2]!;
          if ((pfn > sp || (pfn === sp && off >= resv[k + 1]!)) && (pfn < lp || (pfn === lp && off <= resv[k + 3]!))) {
            inResv = true;
            break;
          }
        }
        let status = 0;
        level = 0;
        if (gone) status = FAULT_CODE.DEVICE_GONE;
        else if (!hwpt) status = usePasid ? FAULT_CODE.PASID : FAULT_CODE.BLOCKED;
        else if (inResv) status = FAULT_CODE.RESERVED;
        else if (nested) {
          if (!this.translatePage(nested, att!.ssid, pfn, write, (flags & 4) !== 0)) {
            status = FAULT_CODE[this.pf.reason];
            level = this.pf.level;
            // an SMMUv3 stage-1 event goes to the vEVENTQ; the rest is summed up in one host event
            if (!this.forwardVevent(dev, nested, BigInt(hi) * 0x100000000n + BigInt(lo), write, (flags & 4) !== 0)) logged++;
          }
        } else if (pfn > apLastPfn) status = FAULT_CODE.ADDRESS_SIZE;
        else {
          sc.pfn[m] = pfn;
          sc.rec[m++] = i;
          continue;
        }
        if (status === 0) {
          const pa = t.paPfn * 4096 + (lo & 0xfff);
          out[i * 4] = pa >>> 0;
          out[i * 4 + 1] = Math.floor(pa / 0x100000000);
          out[i * 4 + 3] = t.pageShift;
          translated++;
        } else {
          out[i * 4] = lo;
          out[i * 4 + 1] = hi;
          out[i * 4 + 2] = status;
          out[i * 4 + 3] = level;
          faults++;
          if (!nested) logged++;
        }
      }
      if (m === 0) continue;
      tlb!.translateMany(tag, pt!, sc.pfn, m, sc.pa, sc.info);
      for (let k = 0; k < m; k++) {
        const i = sc.rec[k]!;
        const info = sc.info[k]!;
        const lo = inW.getUint32(i * 16, true);
        const write = (inW.getUint32(i * 16 + 8, true) & 1) !== 0;
        let status = 0;
        if (info === 0) status = FAULT_CODE.TRANSLATION;
        else if (!((info >>> 8) & (write ? 2 : 1))) status = FAULT_CODE.PERMISSION;
        if (status === 0) {
          const pa = sc.pa[k]! * 4096 + (lo & 0xfff);
          out[i * 4] = pa >>> 0;
          out[i * 4 + 1] = Math.floor(pa / 0x100000000);
          out[i * 4 + 3] = info & 0xff;
          translated++;
        } else {
          out[i * 4] = lo;
          out[i * 4 + 1] = inW.getUint32(i * 16 + 4, true);
          out[i * 4 + 2] = status;
          out[i * 4 + 3] = 0;
          faults++;
          logged++;
        }
      }
    }
    this.dmaStats.faults += faults;
    if (logged > 0) {
      this.events.emit({ kind: 'DMA_FAULT', bdf, ...(pasid !== undefined ? { pasid } : {}), reason: 'BATCH', message: `DMAR: ${logged} translation faults in a batch of ${n} from ${bdf}` });
    }
    return { results: new Uint8Array(out.buffer), translated, faults };
  }

  /**
   * An ATS Translation Request of `bdf` (PCIe ATS): the IOMMU translates `iova` as it would a DMA
   * of the device (paging or nested, through the unit's IOTLB), and the completion fills the
   * device's ATC (tagged by PASID, IOMMU_NO_PASID = 0). The device needs the ATS capability, the
   * unit ATS support, and (SMMUv3 nested) a vSTE with EATS = TRANS: otherwise its ATS Enable bit
   * is clear and no request can be sent (EINVAL). A request without write permission (No Write)
   * is granted W only on a page already dirty, so a later write still reaches the IOMMU to set
   * the dirty state. A failed translation answers R = W = 0 (the fault is returned, not logged:
   * ATS completions are not fault records). Allocates nothing on the translation path itself.
   */
  atsTranslate(bdf: string, pasid: number | undefined, iova: bigint, write: boolean): { addr: bigint; size: bigint; perm: number; fault?: DmaFault } {
    const dev = this.device(bdf);
    if (!dev.spec.ats) throw kerr('EINVAL', `${bdf} has no ATS capability`);
    if (!dev.unit.spec.ats) throw kerr('EINVAL', `${dev.unit.name} does not support ATS: ATS stays disabled on ${bdf}`);
    const usePasid = pasid !== undefined && pasid !== 0;
    const fail = (reason: DmaFault['reason'], level: number, stage: number, message: string) => ({
      addr: 0n,
      size: 0n,
      perm: 0,
      fault: { reason, addr: iova, ...(pasid !== undefined ? { pasid } : {}), level, recoverable: false, message, ...(stage ? { stage } : {}) },
    });
    if (!dev.plugged) return fail('DEVICE_GONE', 0, 0, 'device removed');
    const att = this.attachmentOf(dev, pasid);
    if (!att) return fail(usePasid ? 'PASID' : 'BLOCKED', 0, 0, usePasid ? 'no domain attached to this PASID' : 'no domain attached: ATS disabled');
    const h = att.hwpt;
    if (h.type === 'HWPT_NESTED' && h.s1.kind === 'smmuv3' && !h.s1.enableAts) {
      throw kerr('EINVAL', `the vSTE of ${bdf} does not enable ATS (EATS): ATS stays disabled`);
    }
    const pfn = Number(iova >> 12n);
    if (!this.translatePage(h, att.ssid, pfn, write, false)) return fail(this.pf.reason, this.pf.level, this.pf.stage, this.pf.message);
    const t = this.tout;
    const perm = write || t.perm & PERM_DIRTY_OK ? t.perm & 3 : t.perm & 1;
    dev.atc.insert(usePasid ? pasid : 0, pfn, t.paPfn, t.pageShift, perm);
    const size = 1n << BigInt(t.pageShift);
    return { addr: (BigInt(t.paPfn) << 12n) & ~(size - 1n), size, perm };
  }

  // ------------------------------------------------------------------ Inspect

  private tableStats(h: Pick<HwptObj, 'id' | 'domain'>): PageTableInfo {
    const st = h.domain.pt.stats();
    return {
      hwptId: h.id,
      unit: h.domain.unit.name,
      format: h.domain.formatName,
      levels: h.domain.pt.levels.length,
      tableBytes: BigInt(st.tableFrames) << 12n,
      tablePages: st.tableFrames,
      leaves: Object.entries(st.leaves).map(([label, count]) => ({ pageSize: labelBytes(label), count })),
      did: h.domain.did,
      dirtyTracking: h.domain.dirtyEnabled,
    };
  }

  private unitStats(u: UnitState, entries: boolean, max: number): IotlbInfo {
    const s = u.tlb.stats();
    return {
      cache: `${u.name}/iotlb`,
      hits: s.hits,
      misses: s.misses,
      // nested walks made outside Iotlb.translate (CD fetches, re-walks) count too
      walks: s.walks + extraWalkStats(u).walks,
      memoryReferences: s.walkMemRefs + extraWalkStats(u).refs,
      validEntries: s.validEntries,
      capacity: s.capacity,
      invalidations: s.invalidations.all + s.invalidations.tag + s.invalidations.range,
      entries: entries ? u.tlb.snapshot().slice(0, max || undefined).map(shownEntry) : [],
    };
  }

  /** A device's ATC as a translation cache (`<bdf>/atc`; entries tagged by PASID). */
  private atcStats(d: DeviceState, entries: boolean, max: number): IotlbInfo {
    const s = d.atc.stats();
    return {
      cache: `${d.bdf}/atc`,
      hits: s.hits,
      misses: s.misses,
      walks: s.walks,
      memoryReferences: s.walkMemRefs,
      validEntries: s.validEntries,
      capacity: s.capacity,
      invalidations: s.invalidations.all + s.invalidations.tag + s.invalidations.range,
      entries: entries ? d.atc.snapshot().slice(0, max || undefined).map(shownEntry) : [],
    };
  }

  inspect(sel: InspectSelector, includeEntries = false, maxEntries = 0): InspectInfo {
    // paging HWPTs, and native type1 containers' domains (no object id: 0)
    const hwpts: Array<Pick<HwptObj, 'id' | 'domain'>> = [];
    const atcs: DeviceState[] = [];
    const units = new Set<UnitState>();
    const areas: Array<{ ioasId: number; area: Area }> = [];
    let pinnedPages = 0;
    let kind: string;
    const ioasAreas = (io: IoasObj) => {
      for (const n of io.iopt.areas) areas.push({ ioasId: io.id, area: n.value });
    };
    if (sel.kind === 'object') {
      const ctx = this.iommufd(sel.process, sel.fd);
      const o = ctx.lookup(sel.id);
      kind = o.type;
      if (o.type === 'IOAS') {
        ioasAreas(o);
        for (const h of o.hwpts) hwpts.push(h);
        for (const pg of new Set([...o.iopt.areas].map((n) => n.value.pages))) pinnedPages += pg.npinned;
      } else if (o.type === 'HWPT_PAGING') {
        hwpts.push(o);
        ioasAreas(o.ioas);
      } else if (o.type === 'DEVICE') {
        const rid = o.dev.group.rid;
        if (rid) hwpts.push(stage2Of(rid.hwpt));
        for (const h of o.dev.pasids.values()) hwpts.push(stage2Of(h));
        atcs.push(o.dev);
      } else if (o.type === 'HWPT_NESTED') {
        // the guest's stage 1 lives in guest memory; the host's table is the parent's stage 2
        hwpts.push(o.parent);
        ioasAreas(o.parent.ioas);
      } else if (o.type === 'VIOMMU') {
        hwpts.push(o.parent);
        for (const v of o.vdevs.values()) atcs.push(v.idev.dev);
      }
      for (const h of hwpts) units.add(h.domain.unit);
    } else if (sel.kind === 'device') {
      const d = this.device(sel.bdf);
      kind = 'DEVICE';
      if (d.group.rid) hwpts.push(stage2Of(d.group.rid.hwpt));
      else if (d.group.type1) hwpts.push({ id: 0, domain: d.group.type1.domain });
      for (const h of d.pasids.values()) if (!hwpts.includes(stage2Of(h))) hwpts.push(stage2Of(h));
      units.add(d.unit);
      atcs.push(d);
    } else if (sel.kind === 'unit') {
      const u = this.units.get(sel.unit);
      if (!u) throw kerr('ENODEV', `no IOMMU unit ${sel.unit}`);
      kind = 'UNIT';
      units.add(u);
      for (const ctx of this.ctxs) for (const o of ctx.objects.values()) if (o.type === 'HWPT_PAGING' && o.domain.unit === u) hwpts.push(o);
      for (const c of this.type1Containers()) for (const d of c.domains) if (d.hw.unit === u) hwpts.push({ id: 0, domain: d.hw });
    } else {
      kind = 'HOST';
      for (const u of this.units.values()) units.add(u);
      for (const ctx of this.ctxs) {
        for (const o of ctx.objects.values()) if (o.type === 'HWPT_PAGING') hwpts.push(o);
        pinnedPages += ctx.pinnedPages();
      }
      for (const c of this.type1Containers()) {
        for (const d of c.domains) hwpts.push({ id: 0, domain: d.hw });
        pinnedPages += c.pinnedPages;
      }
    }
    return {
      kind,
      pageTables: hwpts.map((h) => this.tableStats(h)),
      iotlbs: [...[...units].map((u) => this.unitStats(u, includeEntries, maxEntries)), ...atcs.filter((d) => d.spec.ats).map((d) => this.atcStats(d, includeEntries, maxEntries))],
      areas,
      pinnedPages,
    };
  }
}

export type InspectSelector =
  | { kind: 'object'; process: Process; fd: number; id: number }
  | { kind: 'device'; bdf: string }
  | { kind: 'unit'; unit: string }
  | { kind: 'host' };

export interface PageTableInfo {
  hwptId: number;
  unit: string;
  format: string;
  levels: number;
  tableBytes: bigint;
  tablePages: number;
  leaves: Array<{ pageSize: bigint; count: number }>;
  did: number;
  dirtyTracking: boolean;
}

export interface IotlbInfo {
  cache: string;
  hits: number;
  misses: number;
  walks: number;
  memoryReferences: number;
  validEntries: number;
  capacity: number;
  invalidations: number;
  entries: IotlbEntry[];
}

export interface InspectInfo {
  kind: string;
  pageTables: PageTableInfo[];
  iotlbs: IotlbInfo[];
  areas: Array<{ ioasId: number; area: Area }>;
  pinnedPages: number;
}

/** A DMA a device in a stopping migration state may not initiate (DomainError DEVICE_STOPPED). */
function deviceStopped(dev: DeviceState, mig: MigDevice, message: string): DomainError {
  return new DomainError('FAILED_PRECONDITION', 'DEVICE_STOPPED', message, { bdf: dev.bdf, state: MIG_STATE_NAMES[mig.state]! });
}

function labelBytes(label: string): bigint {
  const m = /^(\d+)([KMG])$/.exec(label);
  if (!m) return 0n;
  const mult = m[2] === 'K' ? 1n << 10n : m[2] === 'M' ? 1n << 20n : 1n << 30n;
  return BigInt(m[1]!) * mult;
}

/**
 * An IOTLB entry as Inspect shows it: an SMMUv3 stage-1 tag (asidTag(vmid, asid)) as
 * vmid << 16 | asid (the wire tag is 32 bits), perm as READ/WRITE/EXEC/PRIV bits only.
 */
function shownEntry(e: IotlbEntry): IotlbEntry {
  const tag = e.tag >= ASID_TAG_BASE ? e.tag - ASID_TAG_BASE : e.tag;
  return { ...e, tag, perm: e.perm & 0xf };
}

/** DmaFaultReason numbers of libs/pgtable/nested.ts → DmaFault reasons. */
const REASON_NAME: Record<number, DmaFault['reason']> = { 1: 'BLOCKED', 2: 'TRANSLATION', 3: 'PERMISSION', 4: 'ADDRESS_SIZE', 6: 'BAD_CONFIG' };

/** The fault log text of a nested-walk fault: the format's fault reason / event id and stage. */
function nestedMessage(h: HwptNestedObj, stage: number, code: number, reason: number): string {
  const what = REASON_NAME[reason] ?? 'TRANSLATION';
  if (h.s1.kind === 'vtd') return `${what} fault, stage ${stage}, fault reason 0x${code.toString(16)}`;
  return code === 0 ? 'STE abort' : `${what} fault, stage ${stage}, SMMU event 0x${code.toString(16).padStart(2, '0')}`;
}
