// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VtdIotlbEntry as _iommutwin_vmm_v1_VtdIotlbEntry, VtdIotlbEntry__Output as _iommutwin_vmm_v1_VtdIotlbEntry__Output } from '../../../iommutwin/vmm/v1/VtdIotlbEntry.js';
import type { VtdContextCacheEntry as _iommutwin_vmm_v1_VtdContextCacheEntry, VtdContextCacheEntry__Output as _iommutwin_vmm_v1_VtdContextCacheEntry__Output } from '../../../iommutwin/vmm/v1/VtdContextCacheEntry.js';
import type { VtdPasidCacheEntry as _iommutwin_vmm_v1_VtdPasidCacheEntry, VtdPasidCacheEntry__Output as _iommutwin_vmm_v1_VtdPasidCacheEntry__Output } from '../../../iommutwin/vmm/v1/VtdPasidCacheEntry.js';
import type { VtdDeviceChain as _iommutwin_vmm_v1_VtdDeviceChain, VtdDeviceChain__Output as _iommutwin_vmm_v1_VtdDeviceChain__Output } from '../../../iommutwin/vmm/v1/VtdDeviceChain.js';
import type { Smmuv3Inspect as _iommutwin_vmm_v1_Smmuv3Inspect, Smmuv3Inspect__Output as _iommutwin_vmm_v1_Smmuv3Inspect__Output } from '../../../iommutwin/vmm/v1/Smmuv3Inspect.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of InspectViommu.
 */
export interface InspectViommuResponse {
  /**
   * GSTS.TES and the latched root table pointer.
   */
  'dmar_enabled'?: (boolean);
  /**
   * RTADDR as latched (the root table address).
   */
  'root'?: (number | string | Long);
  /**
   * The latched root table is in scalable mode (RTADDR.TTM).
   */
  'root_scalable'?: (boolean);
  /**
   * Every valid IOTLB entry.
   */
  'iotlb'?: (_iommutwin_vmm_v1_VtdIotlbEntry)[];
  /**
   * Every valid context-cache entry.
   */
  'context_cache'?: (_iommutwin_vmm_v1_VtdContextCacheEntry)[];
  /**
   * Every PASID-cache slot.
   */
  'pasid_cache'?: (_iommutwin_vmm_v1_VtdPasidCacheEntry)[];
  /**
   * With InspectViommuRequest.sid.
   */
  'device'?: (_iommutwin_vmm_v1_VtdDeviceChain | null);
  /**
   * The SMMUv3 model's view (a VM whose vIOMMU is an SMMUv3; the intel-iommu fields above are
   * then unset).
   */
  'smmuv3'?: (_iommutwin_vmm_v1_Smmuv3Inspect | null);
}

/**
 * Response of InspectViommu.
 */
export interface InspectViommuResponse__Output {
  /**
   * GSTS.TES and the latched root table pointer.
   */
  'dmar_enabled': (boolean);
  /**
   * RTADDR as latched (the root table address).
   */
  'root': (string);
  /**
   * The latched root table is in scalable mode (RTADDR.TTM).
   */
  'root_scalable': (boolean);
  /**
   * Every valid IOTLB entry.
   */
  'iotlb': (_iommutwin_vmm_v1_VtdIotlbEntry__Output)[];
  /**
   * Every valid context-cache entry.
   */
  'context_cache': (_iommutwin_vmm_v1_VtdContextCacheEntry__Output)[];
  /**
   * Every PASID-cache slot.
   */
  'pasid_cache': (_iommutwin_vmm_v1_VtdPasidCacheEntry__Output)[];
  /**
   * With InspectViommuRequest.sid.
   */
  'device': (_iommutwin_vmm_v1_VtdDeviceChain__Output | null);
  /**
   * The SMMUv3 model's view (a VM whose vIOMMU is an SMMUv3; the intel-iommu fields above are
   * then unset).
   */
  'smmuv3': (_iommutwin_vmm_v1_Smmuv3Inspect__Output | null);
}
