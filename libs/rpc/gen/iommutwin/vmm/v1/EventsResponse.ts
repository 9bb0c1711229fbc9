// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { VirtioFault as _iommutwin_vmm_v1_VirtioFault, VirtioFault__Output as _iommutwin_vmm_v1_VirtioFault__Output } from '../../../iommutwin/vmm/v1/VirtioFault.js';
import type { GuestInterrupt as _iommutwin_vmm_v1_GuestInterrupt, GuestInterrupt__Output as _iommutwin_vmm_v1_GuestInterrupt__Output } from '../../../iommutwin/vmm/v1/GuestInterrupt.js';
import type { Long } from '@grpc/proto-loader';

export interface EventsResponse {
  'sequence'?: (number | string | Long);
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault | null);
  /**
   * The exact 24-byte struct virtio_iommu_fault for virtio faults.
   */
  'raw'?: (Buffer | Uint8Array | string);
  /**
   * An interrupt a vIOMMU raised (intel-iommu fault / invalidation-completion events).
   */
  'interrupt'?: (_iommutwin_vmm_v1_GuestInterrupt | null);
  'event'?: "virtio_fault"|"interrupt";
}

export interface EventsResponse__Output {
  'sequence': (string);
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault__Output | null);
  /**
   * The exact 24-byte struct virtio_iommu_fault for virtio faults.
   */
  'raw': (Buffer);
  /**
   * An interrupt a vIOMMU raised (intel-iommu fault / invalidation-completion events).
   */
  'interrupt'?: (_iommutwin_vmm_v1_GuestInterrupt__Output | null);
  'event'?: "virtio_fault"|"interrupt";
}
