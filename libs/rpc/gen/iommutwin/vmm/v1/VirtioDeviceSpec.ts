// Original file: proto/iommutwin/vmm/v1/types.proto

import type { VirtioDeviceType as _iommutwin_vmm_v1_VirtioDeviceType, VirtioDeviceType__Output as _iommutwin_vmm_v1_VirtioDeviceType__Output } from '../../../iommutwin/vmm/v1/VirtioDeviceType.js';

/**
 * An emulated virtio device of the VM; its DMA goes through the vIOMMU when access_platform is set.
 */
export interface VirtioDeviceSpec {
  /**
   * net or blk.
   */
  'type'?: (_iommutwin_vmm_v1_VirtioDeviceType);
  /**
   * Offer VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on).
   */
  'access_platform'?: (boolean);
}

/**
 * An emulated virtio device of the VM; its DMA goes through the vIOMMU when access_platform is set.
 */
export interface VirtioDeviceSpec__Output {
  /**
   * net or blk.
   */
  'type': (_iommutwin_vmm_v1_VirtioDeviceType__Output);
  /**
   * Offer VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on).
   */
  'access_platform': (boolean);
}
