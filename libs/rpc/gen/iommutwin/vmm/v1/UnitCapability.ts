// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One host IOMMU unit and what it can back.
 */
export interface UnitCapability {
  /**
   * The unit's name (as Platform.Describe names it).
   */
  'unit'?: (string);
  /**
   * The unit's IommuType name (e.g. IOMMU_TYPE_ARM_SMMUV3).
   */
  'type'?: (string);
  /**
   * Supported page sizes: bit n set = 2^n bytes.
   */
  'page_sizes'?: (number | string | Long);
  /**
   * Input (IOVA) address width in bits.
   */
  'input_address_width'?: (number);
  /**
   * PASID width in bits (0 = no PASID).
   */
  'pasid_bits'?: (number);
  /**
   * The unit supports nested translation (NESTED backend).
   */
  'nesting'?: (boolean);
  /**
   * The unit supports dirty tracking.
   */
  'dirty_tracking'?: (boolean);
  /**
   * vIOMMU models this unit can back and how: "VIRTIO_IOMMU: emulated", "INTEL_IOMMU: refused (not modelled)", ...
   */
  'models'?: ({[key: string]: string});
  /**
   * Host BDFs of the devices behind the unit.
   */
  'devices'?: (string)[];
}

/**
 * One host IOMMU unit and what it can back.
 */
export interface UnitCapability__Output {
  /**
   * The unit's name (as Platform.Describe names it).
   */
  'unit': (string);
  /**
   * The unit's IommuType name (e.g. IOMMU_TYPE_ARM_SMMUV3).
   */
  'type': (string);
  /**
   * Supported page sizes: bit n set = 2^n bytes.
   */
  'page_sizes': (string);
  /**
   * Input (IOVA) address width in bits.
   */
  'input_address_width': (number);
  /**
   * PASID width in bits (0 = no PASID).
   */
  'pasid_bits': (number);
  /**
   * The unit supports nested translation (NESTED backend).
   */
  'nesting': (boolean);
  /**
   * The unit supports dirty tracking.
   */
  'dirty_tracking': (boolean);
  /**
   * vIOMMU models this unit can back and how: "VIRTIO_IOMMU: emulated", "INTEL_IOMMU: refused (not modelled)", ...
   */
  'models': ({[key: string]: string});
  /**
   * Host BDFs of the devices behind the unit.
   */
  'devices': (string)[];
}
