/**
 * QEMU's legacy VFIO path (hw/vfio/container-legacy.c) for assigned devices with
 * `legacy_container`: the VM process holds VFIO group fds (/dev/vfio/<group>) and type1
 * containers (/dev/vfio/vfio), and gets each device fd from its group (VFIO_GROUP_GET_DEVICE_FD).
 *
 * One container per guest DMA address space, as vfio_container_connect: without a vIOMMU every
 * assigned device's DMA sees guest-physical memory, so all their groups share one container
 * (guest RAM identity-mapped once); behind a vIOMMU every device has its own address space, so
 * its own container, filled by the EMULATED backends (virtio-iommu MAP/UNMAP, the intel-iommu
 * caching-mode shadow) through the DmaSpace interface they use for an IOAS. A group serves one
 * address space only: a group's second device behind a vIOMMU is refused ("group N used in
 * multiple address spaces", plug-time check in vmm.ts).
 *
 * The host decides what serves /dev/vfio/vfio (Describe's kernel features): VFIO's native type1
 * backend, or iommufd's compatibility layer; the VMM issues the same calls to both.
 */
import type { Logger } from 'pino';
import { DomainError } from '#libs/errno/index.js';
import type { HostDevice, HostLink } from '../hostlink/hostlink.js';
import type { BackendVm, DmaSpace, VfioRuntime } from '../machine/runtime.js';

/** include/uapi/linux/vfio.h */
export const VFIO_API_VERSION = 0;
export const VFIO_TYPE1_IOMMU = 1;
export const VFIO_TYPE1v2_IOMMU = 3;
export const VFIO_GROUP_FLAGS_VIABLE = 1;
export const VFIO_GROUP_FLAGS_CONTAINER_SET = 2;

/** QEMU's vfio_get_iommu_type order on x86/arm: the richest type the container offers first. */
const IOMMU_TYPES = [VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU] as const;

const HALF_SPAN = 1n << 63n;

/** An iommufd IOAS as a DmaSpace (IOMMU_IOAS_MAP FIXED_IOVA / UNMAP / IOVA_RANGES). */
export function ioasSpace(link: HostLink, pid: number, iommufd: number, ioas: number): DmaSpace {
  return {
    key: `${iommufd}:${ioas}`,
    mapFixed: (va, length, iova, read, write) => link.ioasMapFixed(pid, iommufd, ioas, va, length, iova, read, write),
    unmap: (iova, length) => link.ioasUnmap(pid, iommufd, ioas, iova, length),
    unmapAll: async () => {
      await link.ioasUnmapAll(pid, iommufd, ioas);
    },
    iovaRanges: () => link.iovaRanges(pid, iommufd, ioas),
  };
}

/** The DMA address space an EMULATED / NONE device's mappings go to: its container, else its IOAS. */
export function dmaSpaceOf(link: HostLink, vm: Pick<BackendVm, 'hostPid'>, rt: Pick<VfioRuntime, 'space' | 'iommufd' | 'ioas'>): DmaSpace {
  return rt.space ?? ioasSpace(link, vm.hostPid, rt.iommufd, rt.ioas);
}

/**
 * A type1 container as a DmaSpace (VFIO_IOMMU_MAP_DMA / UNMAP_DMA / GET_INFO). Unmapping
 * everything goes as two halves of the 64-bit space, as QEMU's vfio_legacy_dma_unmap does ("the
 * unmap ioctl doesn't accept a full 64-bit span").
 */
export function containerSpace(link: HostLink, pid: number, containerFd: number): DmaSpace {
  return {
    key: `container:${containerFd}`,
    mapFixed: (va, length, iova, read, write) => link.containerMapDma(pid, containerFd, va, iova, length, read, write),
    unmap: (iova, length) => link.containerUnmapDma(pid, containerFd, iova, length),
    unmapAll: async () => {
      await link.containerUnmapDma(pid, containerFd, 0n, HALF_SPAN);
      await link.containerUnmapDma(pid, containerFd, HALF_SPAN, HALF_SPAN);
    },
    iovaRanges: async () => (await link.containerGetInfo(pid, containerFd)).iovaRanges,
  };
}

/** One open container of the VM (QEMU's VFIOLegacyContainer). */
export interface LegacyContainer {
  fd: number;
  /** the address space it serves: SYSTEM (no vIOMMU) or the device id behind a vIOMMU */
  as: string;
  iommuType: number;
  /** VFIO_IOMMU_GET_INFO at setup (QEMU's vfio_legacy_setup) */
  pgsizes: bigint;
  dmaAvail: number;
  iovaRanges: Array<{ start: bigint; last: bigint }>;
  groups: Set<number>;
  space: DmaSpace;
}

/** One open group of the VM (QEMU's VFIOGroup). */
export interface LegacyGroup {
  id: number;
  fd: number;
  container: LegacyContainer;
  /** ids of the VM's devices opened through it */
  devices: Set<string>;
}

/** The address space of every assigned device's DMA in a VM without a vIOMMU. */
export const SYSTEM_AS = '<system>';

export interface LegacyPlug {
  deviceFd: number;
  group: LegacyGroup;
  container: LegacyContainer;
  /** true when this plug made the container (its RAM is not mapped yet) */
  newContainer: boolean;
}

/**
 * The legacy VFIO objects of one VM: its groups and containers in the VM's host process. Every
 * fd it opens is pushed to the caller's `opened` list (a failed start or hotplug closes them).
 */
export class LegacyVfio {
  readonly groups = new Map<number, LegacyGroup>();
  readonly containers = new Map<string, LegacyContainer>();

  constructor(
    readonly link: HostLink,
    readonly pid: number,
    readonly logger: Logger,
    /** open a node as the VM process (EACCES → PERMISSION_DENIED with the fd-passing hint) */
    readonly open: (path: string, what: string) => Promise<number>,
  ) {}

  /**
   * vfio_legacy_attach_device: the device's group (the passed group fd `passedGroupFd`, or
   * /dev/vfio/<group> opened by the VM process), connected to the container of address space
   * `as` (made when absent), then the device fd from the group.
   */
  async attach(id: string, hd: HostDevice, as: string, passedGroupFd: number | undefined, opened: number[]): Promise<LegacyPlug> {
    let group = this.groups.get(hd.group);
    let newContainer = false;
    if (group && group.container.as !== as) {
      throw new DomainError('FAILED_PRECONDITION', 'VIOMMU_HOST_INCOMPATIBLE', `device '${id}': group ${hd.group} used in multiple address spaces`, { device: id, group: String(hd.group) });
    }
    if (group && passedGroupFd !== undefined && passedGroupFd !== group.fd) {
      throw new DomainError('INVALID_ARGUMENT', 'BAD_FD', `fd ${passedGroupFd} for device '${id}': the VM process already holds group ${hd.group} as fd ${group.fd} (a group opens once)`, { device: id });
    }
    if (!group) {
      const fd = passedGroupFd ?? (await this.open(`/dev/vfio/${hd.group}`, `device '${id}' (${hd.bdf}, group ${hd.group})`));
      opened.push(fd);
      const flags = await this.link.groupGetStatus(this.pid, fd);
      if (!(flags & VFIO_GROUP_FLAGS_VIABLE)) {
        throw new DomainError('FAILED_PRECONDITION', 'GROUP_NOT_VIABLE', `device '${id}': group ${hd.group} is not viable. Please ensure all devices within the iommu_group are bound to their vfio bus driver.`, { device: id, group: String(hd.group) });
      }
      let container = this.containers.get(as);
      if (container) {
        await this.link.groupSetContainer(this.pid, fd, container.fd);
      } else {
        container = await this.connect(id, hd.group, fd, as, opened);
        newContainer = true;
      }
      container.groups.add(hd.group);
      group = { id: hd.group, fd, container, devices: new Set() };
      this.groups.set(hd.group, group);
    }
    let deviceFd: number;
    try {
      deviceFd = await this.link.groupGetDeviceFd(this.pid, group.fd, hd.bdf);
    } catch (e) {
      // a group without devices was opened by this call (its fd, and a container it made, are in
      // `opened`, which the caller closes: closing the group fd detaches it from its container)
      if (group.devices.size === 0) this.unlink(group);
      throw e;
    }
    opened.push(deviceFd);
    group.devices.add(id);
    return { deviceFd, group, container: group.container, newContainer };
  }

  /**
   * A new container for group fd `groupFd` (vfio_container_connect + vfio_create_container +
   * vfio_legacy_setup): open /dev/vfio/vfio, check the API version, pick the richest IOMMU type
   * the container offers, set the group on it, set the IOMMU, read its info.
   */
  private async connect(id: string, groupId: number, groupFd: number, as: string, opened: number[]): Promise<LegacyContainer> {
    const fd = await this.open('/dev/vfio/vfio', `the VFIO container of device '${id}'`);
    opened.push(fd);
    const fail = (detail: string, reason: string) => new DomainError('FAILED_PRECONDITION', reason, `device '${id}': failed to setup container for group ${groupId}: ${detail}`, { device: id, group: String(groupId) });
    const version = await this.link.containerGetApiVersion(this.pid, fd);
    if (version !== VFIO_API_VERSION) throw fail(`supported vfio version: ${VFIO_API_VERSION}, reported version: ${version}`, 'VFIO_API_VERSION');
    let iommuType: number | undefined;
    for (const t of IOMMU_TYPES) {
      if (await this.link.containerCheckExtension(this.pid, fd, t)) {
        iommuType = t;
        break;
      }
    }
    if (iommuType === undefined) throw fail('No available IOMMU models', 'NO_IOMMU_MODEL');
    await this.link.groupSetContainer(this.pid, groupFd, fd);
    await this.link.containerSetIommu(this.pid, fd, iommuType);
    const info = await this.link.containerGetInfo(this.pid, fd);
    const c: LegacyContainer = {
      fd,
      as,
      iommuType,
      // QEMU: without VFIO_IOMMU_INFO_PGSIZES the host page size
      pgsizes: info.flags & 1 ? info.pgsizes : 4096n,
      dmaAvail: info.dmaAvail,
      iovaRanges: info.iovaRanges,
      groups: new Set(),
      space: containerSpace(this.link, this.pid, fd),
    };
    this.containers.set(as, c);
    this.logger.debug({ pid: this.pid, container: fd, as, iommuType, dmaAvail: info.dmaAvail }, 'VFIO container set up');
    return c;
  }

  /**
   * The device `id` leaves (vfio_legacy_detach_device): its device fd is closed, then its group
   * when no other device of the VM uses it (vfio_group_put: UNSET_CONTAINER, close), then the
   * container when it has no group left.
   */
  async detach(id: string, groupId: number, deviceFd: number): Promise<void> {
    await this.link.closeFd(this.pid, deviceFd);
    const group = this.groups.get(groupId);
    if (!group) return;
    group.devices.delete(id);
    if (group.devices.size === 0) await this.release(group);
  }

  /** vfio_group_put + vfio_container_disconnect for a group without devices. */
  private async release(group: LegacyGroup): Promise<void> {
    const c = group.container;
    this.unlink(group);
    await this.link.groupUnsetContainer(this.pid, group.fd).catch((e: unknown) => this.logger.warn({ pid: this.pid, group: group.id, err: (e as Error).message }, 'vfio: error disconnecting group from container'));
    await this.link.closeFd(this.pid, group.fd);
    if (c.groups.size === 0) await this.link.closeFd(this.pid, c.fd);
  }

  /** Forget group `g`, and its container when that has no group left (no host call). */
  private unlink(g: LegacyGroup): void {
    this.groups.delete(g.id);
    g.container.groups.delete(g.id);
    if (g.container.groups.size === 0) this.containers.delete(g.container.as);
  }

  /**
   * A failed plug of `id`: it no longer counts for its group; a group (and container) left
   * without devices was opened by that plug, whose caller closes its fds.
   */
  abandon(id: string): void {
    for (const g of this.groups.values()) {
      if (g.devices.delete(id) && g.devices.size === 0) this.unlink(g);
    }
  }

  /** The VM's process is gone or restarts: forget every object (the host released them with it). */
  clear(): void {
    this.groups.clear();
    this.containers.clear();
  }
}
