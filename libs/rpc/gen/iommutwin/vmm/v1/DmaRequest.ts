// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

export interface DmaRequest {
  'vm'?: (string);
  'device_id'?: (string);
  'iova'?: (number | string | Long);
  'length'?: (number | string | Long);
  'write'?: (boolean);
  'data'?: (Buffer | Uint8Array | string);
  /**
   * PASID of a request-with-PASID (intel-iommu scalable mode); unset = a request without PASID
   * (RID_PASID for scalable mode). On an SMMUv3 it is the SubstreamID (SSID): allowed only when
   * the unit offers SSIDs (ssidsize > 0) and below 2^ssidsize, else INVALID_ARGUMENT BAD_PASID.
   */
  'pasid'?: (number);
  '_pasid'?: "pasid";
}

export interface DmaRequest__Output {
  'vm': (string);
  'device_id': (string);
  'iova': (string);
  'length': (string);
  'write': (boolean);
  'data': (Buffer);
  /**
   * PASID of a request-with-PASID (intel-iommu scalable mode); unset = a request without PASID
   * (RID_PASID for scalable mode). On an SMMUv3 it is the SubstreamID (SSID): allowed only when
   * the unit offers SSIDs (ssidsize > 0) and below 2^ssidsize, else INVALID_ARGUMENT BAD_PASID.
   */
  'pasid'?: (number);
  '_pasid'?: "pasid";
}
