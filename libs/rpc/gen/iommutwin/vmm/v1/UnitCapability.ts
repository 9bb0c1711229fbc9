// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

export interface UnitCapability {
  'unit'?: (string);
  'type'?: (string);
  'page_sizes'?: (number | string | Long);
  'input_address_width'?: (number);
  'pasid_bits'?: (number);
  'nesting'?: (boolean);
  'dirty_tracking'?: (boolean);
  /**
   * vIOMMU models this unit can back and how: "VIRTIO_IOMMU: emulated", "INTEL_IOMMU: refused (not modelled)", ...
   */
  'models'?: ({[key: string]: string});
  'devices'?: (string)[];
}

export interface UnitCapability__Output {
  'unit': (string);
  'type': (string);
  'page_sizes': (string);
  'input_address_width': (number);
  'pasid_bits': (number);
  'nesting': (boolean);
  'dirty_tracking': (boolean);
  /**
   * vIOMMU models this unit can back and how: "VIRTIO_IOMMU: emulated", "INTEL_IOMMU: refused (not modelled)", ...
   */
  'models': ({[key: string]: string});
  'devices': (string)[];
}
