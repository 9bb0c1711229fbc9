// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Smmuv3Register as _iommutwin_vmm_v1_Smmuv3Register, Smmuv3Register__Output as _iommutwin_vmm_v1_Smmuv3Register__Output } from '../../../iommutwin/vmm/v1/Smmuv3Register.js';
import type { Smmuv3ConfigCacheEntry as _iommutwin_vmm_v1_Smmuv3ConfigCacheEntry, Smmuv3ConfigCacheEntry__Output as _iommutwin_vmm_v1_Smmuv3ConfigCacheEntry__Output } from '../../../iommutwin/vmm/v1/Smmuv3ConfigCacheEntry.js';
import type { Smmuv3IotlbEntry as _iommutwin_vmm_v1_Smmuv3IotlbEntry, Smmuv3IotlbEntry__Output as _iommutwin_vmm_v1_Smmuv3IotlbEntry__Output } from '../../../iommutwin/vmm/v1/Smmuv3IotlbEntry.js';
import type { Smmuv3StreamView as _iommutwin_vmm_v1_Smmuv3StreamView, Smmuv3StreamView__Output as _iommutwin_vmm_v1_Smmuv3StreamView__Output } from '../../../iommutwin/vmm/v1/Smmuv3StreamView.js';

/**
 * Vmm.InspectViommu of an SMMUv3.
 */
export interface Smmuv3Inspect {
  /**
   * Every latched register, queue index and the last command error, by name.
   */
  'registers'?: (_iommutwin_vmm_v1_Smmuv3Register)[];
  /**
   * Every configuration-cache entry.
   */
  'config_cache'?: (_iommutwin_vmm_v1_Smmuv3ConfigCacheEntry)[];
  /**
   * Every IOTLB entry.
   */
  'iotlb'?: (_iommutwin_vmm_v1_Smmuv3IotlbEntry)[];
  /**
   * With InspectViommuRequest.sid.
   */
  'stream'?: (_iommutwin_vmm_v1_Smmuv3StreamView | null);
}

/**
 * Vmm.InspectViommu of an SMMUv3.
 */
export interface Smmuv3Inspect__Output {
  /**
   * Every latched register, queue index and the last command error, by name.
   */
  'registers': (_iommutwin_vmm_v1_Smmuv3Register__Output)[];
  /**
   * Every configuration-cache entry.
   */
  'config_cache': (_iommutwin_vmm_v1_Smmuv3ConfigCacheEntry__Output)[];
  /**
   * Every IOTLB entry.
   */
  'iotlb': (_iommutwin_vmm_v1_Smmuv3IotlbEntry__Output)[];
  /**
   * With InspectViommuRequest.sid.
   */
  'stream': (_iommutwin_vmm_v1_Smmuv3StreamView__Output | null);
}
