/**
 * device: the DEVICE object (drivers/iommu/iommufd/device.c's struct iommufd_device): a PCI
 * device bound to an iommufd through its VFIO cdev (vfio.ts makes and attaches it).
 */
import { IObj } from './object.js';
import type { DeviceState, IommufdCtxOps, IommufdDevice, IommufdVdevice } from './topology.js';
import { tombstoneVdevice } from './viommu.js';

export class DeviceObj extends IObj<IommufdCtxOps> implements IommufdDevice {
  readonly type = 'DEVICE';
  /** Its vDEVICE (one per device: idev->vdev). */
  vdev: IommufdVdevice | undefined = undefined;
  constructor(
    ctx: IommufdCtxOps,
    id: number,
    readonly dev: DeviceState,
  ) {
    super(ctx, id);
  }
  destroy(): void {
    // Only reachable through unbind (the VFIO driver holds a user, so IOMMU_DESTROY says EBUSY).
    tombstoneVdevice(this);
    this.uncharge();
  }
}
