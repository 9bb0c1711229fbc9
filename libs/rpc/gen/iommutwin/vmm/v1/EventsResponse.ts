// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { VirtioFault as _iommutwin_vmm_v1_VirtioFault, VirtioFault__Output as _iommutwin_vmm_v1_VirtioFault__Output } from '../../../iommutwin/vmm/v1/VirtioFault.js';
import type { GuestInterrupt as _iommutwin_vmm_v1_GuestInterrupt, GuestInterrupt__Output as _iommutwin_vmm_v1_GuestInterrupt__Output } from '../../../iommutwin/vmm/v1/GuestInterrupt.js';
import type { DeviceRemoved as _iommutwin_vmm_v1_DeviceRemoved, DeviceRemoved__Output as _iommutwin_vmm_v1_DeviceRemoved__Output } from '../../../iommutwin/vmm/v1/DeviceRemoved.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One guest-visible event.
 */
export interface EventsResponse {
  /**
   * The event's sequence number in the VM (increasing).
   */
  'sequence'?: (number | string | Long);
  /**
   * A virtio-iommu fault report.
   */
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault | null);
  /**
   * The exact 24-byte struct virtio_iommu_fault for virtio faults.
   */
  'raw'?: (Buffer | Uint8Array | string);
  /**
   * An interrupt a vIOMMU raised (intel-iommu fault / invalidation-completion events).
   */
  'interrupt'?: (_iommutwin_vmm_v1_GuestInterrupt | null);
  /**
   * An assigned device left the guest because the host removed it (surprise removal).
   */
  'device_removed'?: (_iommutwin_vmm_v1_DeviceRemoved | null);
  /**
   * The event.
   */
  'event'?: "virtio_fault"|"interrupt"|"device_removed";
}

/**
 * One guest-visible event.
 */
export interface EventsResponse__Output {
  /**
   * The event's sequence number in the VM (increasing).
   */
  'sequence': (string);
  /**
   * A virtio-iommu fault report.
   */
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault__Output | null);
  /**
   * The exact 24-byte struct virtio_iommu_fault for virtio faults.
   */
  'raw': (Buffer);
  /**
   * An interrupt a vIOMMU raised (intel-iommu fault / invalidation-completion events).
   */
  'interrupt'?: (_iommutwin_vmm_v1_GuestInterrupt__Output | null);
  /**
   * An assigned device left the guest because the host removed it (surprise removal).
   */
  'device_removed'?: (_iommutwin_vmm_v1_DeviceRemoved__Output | null);
  /**
   * The event.
   */
  'event'?: "virtio_fault"|"interrupt"|"device_removed";
}
