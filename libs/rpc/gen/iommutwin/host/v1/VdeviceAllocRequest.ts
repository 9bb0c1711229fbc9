// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of VdeviceAlloc.
 */
export interface VdeviceAllocRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * The vIOMMU.
   */
  'viommu_id'?: (number);
  /**
   * The physical device object.
   */
  'dev_id'?: (number);
  /**
   * The device's virtual ID in the guest (vSID / vRID / vDeviceID).
   */
  'virt_id'?: (number | string | Long);
}

/**
 * Request of VdeviceAlloc.
 */
export interface VdeviceAllocRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * The vIOMMU.
   */
  'viommu_id': (number);
  /**
   * The physical device object.
   */
  'dev_id': (number);
  /**
   * The device's virtual ID in the guest (vSID / vRID / vDeviceID).
   */
  'virt_id': (string);
}
