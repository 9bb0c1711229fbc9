// Original file: proto/iommutwin/vmm/v1/types.proto

import type { VirtioDeviceType as _iommutwin_vmm_v1_VirtioDeviceType, VirtioDeviceType__Output as _iommutwin_vmm_v1_VirtioDeviceType__Output } from '../../../iommutwin/vmm/v1/VirtioDeviceType.js';

export interface VirtioDeviceSpec {
  'type'?: (_iommutwin_vmm_v1_VirtioDeviceType);
  /**
   * Offer VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on).
   */
  'access_platform'?: (boolean);
}

export interface VirtioDeviceSpec__Output {
  'type': (_iommutwin_vmm_v1_VirtioDeviceType__Output);
  /**
   * Offer VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on).
   */
  'access_platform': (boolean);
}
