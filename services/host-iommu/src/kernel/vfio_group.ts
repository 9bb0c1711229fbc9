/**
 * The VFIO group file (/dev/vfio/<group>, drivers/vfio/group.c): single open, GET_STATUS,
 * SET_CONTAINER / UNSET_CONTAINER and GET_DEVICE_FD. The group talks to its container only
 * through VfioContainerOps: a native type1 container fd (vfio_type1.ts) or an iommufd fd served
 * by the compatibility layer (vfio_compat.ts); containerOpsOf picks the one for an fd.
 */
import { kerr } from '#libs/errno/index.js';
import { OpenFile, O_RDWR } from '../process/files.js';
import type { Process } from '../process/process.js';
import { IommufdCtx } from './iommufd.js';
import type { GroupState, VfioContainerOps } from './topology.js';
import { VfioDeviceFile } from './vfio.js';
import { compatOps } from './vfio_compat.js';
import { VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_VIABLE } from './vfio_container.js';
import { VfioType1Container } from './vfio_type1.js';

/** strndup_user(arg, PAGE_SIZE): a device name of PAGE_SIZE bytes or more is EINVAL. */
const DEVICE_NAME_MAX = 4096;

/**
 * The ops of an fd given to VFIO_GROUP_SET_CONTAINER: a container (vfio_container_from_file) or
 * an iommufd (iommufd_ctx_from_file: the compatibility layer); undefined for any other file.
 */
export function containerOpsOf(f: OpenFile): VfioContainerOps | undefined {
  if (f instanceof VfioType1Container) return f;
  if (f instanceof IommufdCtx) return compatOps(f);
  return undefined;
}

/**
 * iommu_group_dma_owner_claimed: a host driver bound to one of the group's devices holds the
 * default domain (owner_cnt), or an iommufd owns the group through a cdev bind.
 */
export function groupDmaOwnerClaimed(group: GroupState): boolean {
  return group.owner !== undefined || group.devices.some((d) => d.driver === 'host' && d.plugged);
}

export class VfioGroupFile extends OpenFile {
  readonly kind = 'vfio-group';

  constructor(
    path: string,
    flags: number,
    readonly group: GroupState,
  ) {
    super(path, flags);
    group.groupFile = this;
  }

  /**
   * vfio_group_fops_open's checks after the node's permissions: a group without a VFIO driver
   * is ENODEV; the group is single-open (EBUSY); a device of it open through its cdev blocks
   * the group path (cdev_device_open_cnt: EBUSY).
   */
  static checkOpen(group: GroupState): void {
    if (!group.devices.some((d) => d.driver === 'vfio-pci' && d.plugged)) throw kerr('ENODEV', `group ${group.id} has no device bound to a VFIO driver`);
    if (group.groupFile) throw kerr('EBUSY', `group ${group.id} is already open`);
    const cdev = group.devices.find((d) => d.bound !== undefined);
    if (cdev) throw kerr('EBUSY', `group ${group.id}: ${cdev.bdf} is bound through its VFIO cdev`);
  }

  /** VFIO_GROUP_GET_STATUS */
  getStatus(): number {
    if (this.group.container) return VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE;
    return groupDmaOwnerClaimed(this.group) ? 0 : VFIO_GROUP_FLAGS_VIABLE;
  }

  /**
   * VFIO_GROUP_SET_CONTAINER: the fd must be open (EBADF); a group already set is EINVAL; a
   * container or an iommufd takes the group (their own errnos), any other file is EBADFD.
   */
  setContainer(caller: Process, fd: number): void {
    const f = caller.fds.get(fd);
    if (!f) throw kerr('EBADF', `fd ${fd} is not open`);
    if (this.group.container) throw kerr('EINVAL', `group ${this.group.id} is already set on a container`);
    const ops = containerOpsOf(f);
    if (!ops) throw kerr('EBADFD', `fd ${fd} (${f.kind}) is neither a VFIO container nor an iommufd`);
    ops.attachGroup(caller, this.group); // sets group.container
  }

  /**
   * VFIO_GROUP_UNSET_CONTAINER: EINVAL when not set; a native container with device fds open
   * through the group is EBUSY (container_users != 1); an iommufd is simply let go.
   */
  unsetContainer(): void {
    const ops = this.group.container;
    if (!ops) throw kerr('EINVAL', `group ${this.group.id} is not set on a container`);
    if (ops instanceof VfioType1Container && ops.groupOpens(this.group) > 0) {
      throw kerr('EBUSY', `group ${this.group.id} has open device fds using the container`);
    }
    ops.detachGroup(this.group); // clears group.container
  }

  /**
   * VFIO_GROUP_GET_DEVICE_FD: the name (a BDF) of a device of this group bound to vfio-pci
   * (else ENODEV), a free fd (EMFILE), a container set (EINVAL), then the container's open
   * (type1: the IOMMU must be set; compat: the device is bound to the iommufd). The device fd
   * holds the group file: the group is released only after its devices.
   */
  getDeviceFd(caller: Process, name: string): number {
    if (Buffer.byteLength(name, 'utf8') >= DEVICE_NAME_MAX) throw kerr('EINVAL', `device name of ${Buffer.byteLength(name, 'utf8')} bytes (at most ${DEVICE_NAME_MAX - 1})`);
    const dev = this.group.devices.find((d) => d.bdf === name && d.driver === 'vfio-pci' && d.plugged);
    if (!dev) throw kerr('ENODEV', `group ${this.group.id} has no VFIO device ${name.slice(0, 64)}`);
    caller.reserveCheck();
    const ops = this.group.container;
    if (!ops) throw kerr('EINVAL', `group ${this.group.id} is not set on a container (VFIO_GROUP_SET_CONTAINER first)`);
    const token = ops.openDevice(caller, dev);
    const file = new VfioDeviceFile('anon_inode:[vfio-device]', O_RDWR, dev);
    file.viaGroup = { ops, token, group: this };
    this.get();
    return caller.installFd(file);
  }

  protected release(): void {
    // vfio_group_fops_release (device fds hold this file: none is open here)
    this.group.container?.detachGroup(this.group);
    if (this.group.groupFile === this) this.group.groupFile = undefined;
  }
}
