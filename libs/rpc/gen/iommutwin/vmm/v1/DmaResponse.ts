// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { VirtioFault as _iommutwin_vmm_v1_VirtioFault, VirtioFault__Output as _iommutwin_vmm_v1_VirtioFault__Output } from '../../../iommutwin/vmm/v1/VirtioFault.js';
import type { DmaFault as _iommutwin_common_v1_DmaFault, DmaFault__Output as _iommutwin_common_v1_DmaFault__Output } from '../../../iommutwin/common/v1/DmaFault.js';
import type { Long } from '@grpc/proto-loader';

export interface DmaResponse {
  'data'?: (Buffer | Uint8Array | string);
  'written'?: (number | string | Long);
  /**
   * A fault seen by an emulated (virtio) device: reported on the guest's eventq too.
   */
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault | null);
  /**
   * A fault of an assigned device's DMA on the host (not guest-visible in EMULATED mode).
   */
  'host_fault'?: (_iommutwin_common_v1_DmaFault | null);
  'result'?: "data"|"written"|"virtio_fault"|"host_fault";
}

export interface DmaResponse__Output {
  'data'?: (Buffer);
  'written'?: (string);
  /**
   * A fault seen by an emulated (virtio) device: reported on the guest's eventq too.
   */
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault__Output | null);
  /**
   * A fault of an assigned device's DMA on the host (not guest-visible in EMULATED mode).
   */
  'host_fault'?: (_iommutwin_common_v1_DmaFault__Output | null);
  'result'?: "data"|"written"|"virtio_fault"|"host_fault";
}
