// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { UnitCapability as _iommutwin_vmm_v1_UnitCapability, UnitCapability__Output as _iommutwin_vmm_v1_UnitCapability__Output } from '../../../iommutwin/vmm/v1/UnitCapability.js';
import type { HostLinkStatus as _iommutwin_vmm_v1_HostLinkStatus, HostLinkStatus__Output as _iommutwin_vmm_v1_HostLinkStatus__Output } from '../../../iommutwin/vmm/v1/HostLinkStatus.js';
import type { VfioPathCapability as _iommutwin_vmm_v1_VfioPathCapability, VfioPathCapability__Output as _iommutwin_vmm_v1_VfioPathCapability__Output } from '../../../iommutwin/vmm/v1/VfioPathCapability.js';
import type { IommufdReplacement as _iommutwin_vmm_v1_IommufdReplacement, IommufdReplacement__Output as _iommutwin_vmm_v1_IommufdReplacement__Output } from '../../../iommutwin/vmm/v1/IommufdReplacement.js';
import type { DescribeResponse as _iommutwin_host_v1_DescribeResponse, DescribeResponse__Output as _iommutwin_host_v1_DescribeResponse__Output } from '../../../iommutwin/host/v1/DescribeResponse.js';

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
  /**
   * The host's VFIO paths (iommufd, the container, P2P).
   */
  'vfio'?: (_iommutwin_vmm_v1_VfioPathCapability | null);
  /**
   * With a spec in the request: whether iommufd can replace the legacy container for it here.
   */
  'iommufd_replacement'?: (_iommutwin_vmm_v1_IommufdReplacement | null);
  /**
   * The host as its Platform.Describe returns it (a source vmm runs its plug and migration checks
   * against this when this vmm is a migration destination: CheckMigration).
   */
  'host_description'?: (_iommutwin_host_v1_DescribeResponse | null);
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
  /**
   * The host's VFIO paths (iommufd, the container, P2P).
   */
  'vfio': (_iommutwin_vmm_v1_VfioPathCapability__Output | null);
  /**
   * With a spec in the request: whether iommufd can replace the legacy container for it here.
   */
  'iommufd_replacement': (_iommutwin_vmm_v1_IommufdReplacement__Output | null);
  /**
   * The host as its Platform.Describe returns it (a source vmm runs its plug and migration checks
   * against this when this vmm is a migration destination: CheckMigration).
   */
  'host_description': (_iommutwin_host_v1_DescribeResponse__Output | null);
}
