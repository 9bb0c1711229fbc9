// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { ProbeProperty as _iommutwin_vmm_v1_ProbeProperty, ProbeProperty__Output as _iommutwin_vmm_v1_ProbeProperty__Output } from '../../../iommutwin/vmm/v1/ProbeProperty.js';

/**
 * Response of VirtioIommuRequest.
 */
export interface VirtioIommuRequestResponse {
  /**
   * A VirtioIommuS value (VIRTIO_IOMMU_S_*) as a uint32; absent when nothing was written (used
   * length 0).
   */
  'status'?: (number);
  /**
   * Bytes the device wrote (the used length).
   */
  'used_len'?: (number);
  /**
   * PROBE: the properties, decoded.
   */
  'properties'?: (_iommutwin_vmm_v1_ProbeProperty)[];
  /**
   * Device-written bytes.
   */
  'raw'?: (Buffer | Uint8Array | string);
  '_status'?: "status";
}

/**
 * Response of VirtioIommuRequest.
 */
export interface VirtioIommuRequestResponse__Output {
  /**
   * A VirtioIommuS value (VIRTIO_IOMMU_S_*) as a uint32; absent when nothing was written (used
   * length 0).
   */
  'status'?: (number);
  /**
   * Bytes the device wrote (the used length).
   */
  'used_len': (number);
  /**
   * PROBE: the properties, decoded.
   */
  'properties': (_iommutwin_vmm_v1_ProbeProperty__Output)[];
  /**
   * Device-written bytes.
   */
  'raw': (Buffer);
  '_status'?: "status";
}
