// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { ProbeProperty as _iommutwin_vmm_v1_ProbeProperty, ProbeProperty__Output as _iommutwin_vmm_v1_ProbeProperty__Output } from '../../../iommutwin/vmm/v1/ProbeProperty.js';

export interface VirtioIommuRequestResponse {
  /**
   * VIRTIO_IOMMU_S_* (absent when nothing was written: used length 0).
   */
  'status'?: (number);
  'used_len'?: (number);
  'properties'?: (_iommutwin_vmm_v1_ProbeProperty)[];
  /**
   * Device-written bytes.
   */
  'raw'?: (Buffer | Uint8Array | string);
  '_status'?: "status";
}

export interface VirtioIommuRequestResponse__Output {
  /**
   * VIRTIO_IOMMU_S_* (absent when nothing was written: used length 0).
   */
  'status'?: (number);
  'used_len': (number);
  'properties': (_iommutwin_vmm_v1_ProbeProperty__Output)[];
  /**
   * Device-written bytes.
   */
  'raw': (Buffer);
  '_status'?: "status";
}
