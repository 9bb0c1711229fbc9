// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VtdIotlbEntry as _iommutwin_vmm_v1_VtdIotlbEntry, VtdIotlbEntry__Output as _iommutwin_vmm_v1_VtdIotlbEntry__Output } from '../../../iommutwin/vmm/v1/VtdIotlbEntry.js';
import type { VtdContextCacheEntry as _iommutwin_vmm_v1_VtdContextCacheEntry, VtdContextCacheEntry__Output as _iommutwin_vmm_v1_VtdContextCacheEntry__Output } from '../../../iommutwin/vmm/v1/VtdContextCacheEntry.js';
import type { VtdPasidCacheEntry as _iommutwin_vmm_v1_VtdPasidCacheEntry, VtdPasidCacheEntry__Output as _iommutwin_vmm_v1_VtdPasidCacheEntry__Output } from '../../../iommutwin/vmm/v1/VtdPasidCacheEntry.js';
import type { VtdDeviceChain as _iommutwin_vmm_v1_VtdDeviceChain, VtdDeviceChain__Output as _iommutwin_vmm_v1_VtdDeviceChain__Output } from '../../../iommutwin/vmm/v1/VtdDeviceChain.js';
import type { Smmuv3Inspect as _iommutwin_vmm_v1_Smmuv3Inspect, Smmuv3Inspect__Output as _iommutwin_vmm_v1_Smmuv3Inspect__Output } from '../../../iommutwin/vmm/v1/Smmuv3Inspect.js';
import type { Long } from '@grpc/proto-loader';

export interface InspectViommuResponse {
  /**
   * GSTS.TES and the latched root table pointer.
   */
  'dmar_enabled'?: (boolean);
  'root'?: (number | string | Long);
  'root_scalable'?: (boolean);
  'iotlb'?: (_iommutwin_vmm_v1_VtdIotlbEntry)[];
  'context_cache'?: (_iommutwin_vmm_v1_VtdContextCacheEntry)[];
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

export interface InspectViommuResponse__Output {
  /**
   * GSTS.TES and the latched root table pointer.
   */
  'dmar_enabled': (boolean);
  'root': (string);
  'root_scalable': (boolean);
  'iotlb': (_iommutwin_vmm_v1_VtdIotlbEntry__Output)[];
  'context_cache': (_iommutwin_vmm_v1_VtdContextCacheEntry__Output)[];
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
