// Original file: proto/iommutwin/vmm/v1/types.proto

import type { ViommuSpec as _iommutwin_vmm_v1_ViommuSpec, ViommuSpec__Output as _iommutwin_vmm_v1_ViommuSpec__Output } from '../../../iommutwin/vmm/v1/ViommuSpec.js';
import type { IommufdObjectSpec as _iommutwin_vmm_v1_IommufdObjectSpec, IommufdObjectSpec__Output as _iommutwin_vmm_v1_IommufdObjectSpec__Output } from '../../../iommutwin/vmm/v1/IommufdObjectSpec.js';
import type { DeviceSpec as _iommutwin_vmm_v1_DeviceSpec, DeviceSpec__Output as _iommutwin_vmm_v1_DeviceSpec__Output } from '../../../iommutwin/vmm/v1/DeviceSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface VmSpec {
  'name'?: (string);
  'memory_bytes'?: (number | string | Long);
  /**
   * q35 | virt
   */
  'machine'?: (string);
  'viommu'?: (_iommutwin_vmm_v1_ViommuSpec | null);
  'iommufd_objects'?: (_iommutwin_vmm_v1_IommufdObjectSpec)[];
  'devices'?: (_iommutwin_vmm_v1_DeviceSpec)[];
}

export interface VmSpec__Output {
  'name': (string);
  'memory_bytes': (string);
  /**
   * q35 | virt
   */
  'machine': (string);
  'viommu': (_iommutwin_vmm_v1_ViommuSpec__Output | null);
  'iommufd_objects': (_iommutwin_vmm_v1_IommufdObjectSpec__Output)[];
  'devices': (_iommutwin_vmm_v1_DeviceSpec__Output)[];
}
