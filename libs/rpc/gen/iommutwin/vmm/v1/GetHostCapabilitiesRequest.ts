// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmSpec as _iommutwin_vmm_v1_VmSpec, VmSpec__Output as _iommutwin_vmm_v1_VmSpec__Output } from '../../../iommutwin/vmm/v1/VmSpec.js';

/**
 * Request of GetHostCapabilities.
 */
export interface GetHostCapabilitiesRequest {
  /**
   * Optional: a VM spec to answer for (iommufd_replacement: could iommufd back its assigned
   * devices on this host instead of the legacy container, and where does each device go).
   */
  'spec'?: (_iommutwin_vmm_v1_VmSpec | null);
}

/**
 * Request of GetHostCapabilities.
 */
export interface GetHostCapabilitiesRequest__Output {
  /**
   * Optional: a VM spec to answer for (iommufd_replacement: could iommufd back its assigned
   * devices on this host instead of the legacy container, and where does each device go).
   */
  'spec': (_iommutwin_vmm_v1_VmSpec__Output | null);
}
