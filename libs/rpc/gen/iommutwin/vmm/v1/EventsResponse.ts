// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { VirtioFault as _iommutwin_vmm_v1_VirtioFault, VirtioFault__Output as _iommutwin_vmm_v1_VirtioFault__Output } from '../../../iommutwin/vmm/v1/VirtioFault.js';
import type { Long } from '@grpc/proto-loader';

export interface EventsResponse {
  'sequence'?: (number | string | Long);
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault | null);
  /**
   * The exact 24-byte struct virtio_iommu_fault for virtio faults.
   */
  'raw'?: (Buffer | Uint8Array | string);
  'event'?: "virtio_fault";
}

export interface EventsResponse__Output {
  'sequence': (string);
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault__Output | null);
  /**
   * The exact 24-byte struct virtio_iommu_fault for virtio faults.
   */
  'raw': (Buffer);
  'event'?: "virtio_fault";
}
