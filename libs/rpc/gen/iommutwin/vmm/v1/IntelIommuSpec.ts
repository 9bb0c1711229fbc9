// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * Guest-visible intel-iommu settings (refused for now).
 */
export interface IntelIommuSpec {
  'aw_bits'?: (number);
  'caching_mode'?: (boolean);
  'scalable_mode'?: (boolean);
  'flts'?: (boolean);
  'pasid_bits'?: (number);
  'device_iotlb'?: (boolean);
  'dma_drain'?: (boolean);
}

/**
 * Guest-visible intel-iommu settings (refused for now).
 */
export interface IntelIommuSpec__Output {
  'aw_bits': (number);
  'caching_mode': (boolean);
  'scalable_mode': (boolean);
  'flts': (boolean);
  'pasid_bits': (number);
  'device_iotlb': (boolean);
  'dma_drain': (boolean);
}
