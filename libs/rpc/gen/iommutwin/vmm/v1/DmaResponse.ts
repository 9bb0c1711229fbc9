// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { VirtioFault as _iommutwin_vmm_v1_VirtioFault, VirtioFault__Output as _iommutwin_vmm_v1_VirtioFault__Output } from '../../../iommutwin/vmm/v1/VirtioFault.js';
import type { DmaFault as _iommutwin_common_v1_DmaFault, DmaFault__Output as _iommutwin_common_v1_DmaFault__Output } from '../../../iommutwin/common/v1/DmaFault.js';
import type { VtdFault as _iommutwin_vmm_v1_VtdFault, VtdFault__Output as _iommutwin_vmm_v1_VtdFault__Output } from '../../../iommutwin/vmm/v1/VtdFault.js';
import type { SmmuFault as _iommutwin_vmm_v1_SmmuFault, SmmuFault__Output as _iommutwin_vmm_v1_SmmuFault__Output } from '../../../iommutwin/vmm/v1/SmmuFault.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of Dma: the data, or the fault the access stopped at.
 */
export interface DmaResponse {
  /**
   * A read: the bytes read.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * A write: bytes written.
   */
  'written'?: (number | string | Long);
  /**
   * A fault seen by an emulated (virtio) device: reported on the guest's eventq too.
   */
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault | null);
  /**
   * A fault of an assigned device's DMA on the host (not guest-visible in EMULATED mode).
   */
  'host_fault'?: (_iommutwin_common_v1_DmaFault | null);
  /**
   * A translation fault of an emulated (virtio) device behind an intel-iommu, at the first
   * faulting page: every page is translated before any byte moves, so nothing was
   * transferred. The model recorded it in FRCD/FSTS and raised the fault event unless it was
   * not recordable (FPD) or the record was dropped (PFO/PPF).
   */
  'vtd_fault'?: (_iommutwin_vmm_v1_VtdFault | null);
  /**
   * A translation fault of an emulated (virtio) device behind an SMMUv3, at the first
   * faulting page: every page is translated before any byte moves, so nothing was
   * transferred. `recorded` says whether the event reached the guest's EVTQ.
   */
  'smmu_fault'?: (_iommutwin_vmm_v1_SmmuFault | null);
  /**
   * What the DMA did.
   */
  'result'?: "data"|"written"|"virtio_fault"|"host_fault"|"vtd_fault"|"smmu_fault";
}

/**
 * Response of Dma: the data, or the fault the access stopped at.
 */
export interface DmaResponse__Output {
  /**
   * A read: the bytes read.
   */
  'data'?: (Buffer);
  /**
   * A write: bytes written.
   */
  'written'?: (string);
  /**
   * A fault seen by an emulated (virtio) device: reported on the guest's eventq too.
   */
  'virtio_fault'?: (_iommutwin_vmm_v1_VirtioFault__Output | null);
  /**
   * A fault of an assigned device's DMA on the host (not guest-visible in EMULATED mode).
   */
  'host_fault'?: (_iommutwin_common_v1_DmaFault__Output | null);
  /**
   * A translation fault of an emulated (virtio) device behind an intel-iommu, at the first
   * faulting page: every page is translated before any byte moves, so nothing was
   * transferred. The model recorded it in FRCD/FSTS and raised the fault event unless it was
   * not recordable (FPD) or the record was dropped (PFO/PPF).
   */
  'vtd_fault'?: (_iommutwin_vmm_v1_VtdFault__Output | null);
  /**
   * A translation fault of an emulated (virtio) device behind an SMMUv3, at the first
   * faulting page: every page is translated before any byte moves, so nothing was
   * transferred. `recorded` says whether the event reached the guest's EVTQ.
   */
  'smmu_fault'?: (_iommutwin_vmm_v1_SmmuFault__Output | null);
  /**
   * What the DMA did.
   */
  'result'?: "data"|"written"|"virtio_fault"|"host_fault"|"vtd_fault"|"smmu_fault";
}
