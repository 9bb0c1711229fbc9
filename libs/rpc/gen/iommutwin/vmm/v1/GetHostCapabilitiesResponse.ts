// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { UnitCapability as _iommutwin_vmm_v1_UnitCapability, UnitCapability__Output as _iommutwin_vmm_v1_UnitCapability__Output } from '../../../iommutwin/vmm/v1/UnitCapability.js';
import type { HostLinkStatus as _iommutwin_vmm_v1_HostLinkStatus, HostLinkStatus__Output as _iommutwin_vmm_v1_HostLinkStatus__Output } from '../../../iommutwin/vmm/v1/HostLinkStatus.js';

/**
 * Response of GetHostCapabilities.
 */
export interface GetHostCapabilitiesResponse {
  /**
   * The host's name.
   */
  'host'?: (string);
  /**
   * Every IOMMU unit of the host.
   */
  'units'?: (_iommutwin_vmm_v1_UnitCapability)[];
  /**
   * This vmm's link to its host-iommu (the host event follower).
   */
  'host_link'?: (_iommutwin_vmm_v1_HostLinkStatus | null);
}

/**
 * Response of GetHostCapabilities.
 */
export interface GetHostCapabilitiesResponse__Output {
  /**
   * The host's name.
   */
  'host': (string);
  /**
   * Every IOMMU unit of the host.
   */
  'units': (_iommutwin_vmm_v1_UnitCapability__Output)[];
  /**
   * This vmm's link to its host-iommu (the host event follower).
   */
  'host_link': (_iommutwin_vmm_v1_HostLinkStatus__Output | null);
}
