// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of Dma.
 */
export interface DmaRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * The device doing DMA (DeviceSpec.id).
   */
  'device_id'?: (string);
  /**
   * First I/O virtual address.
   */
  'iova'?: (number | string | Long);
  /**
   * Bytes to transfer, in (0, 16 MiB]; a write's data must be exactly this long.
   */
  'length'?: (number | string | Long);
  /**
   * true: write `data` to memory; false: read `length` bytes.
   */
  'write'?: (boolean);
  /**
   * The bytes to write.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * PASID of a request-with-PASID (intel-iommu scalable mode); unset = a request without PASID
   * (RID_PASID for scalable mode). On an SMMUv3 it is the SubstreamID (SSID): allowed only when
   * the unit offers SSIDs (ssidsize > 0) and below 2^ssidsize, else INVALID_ARGUMENT BAD_PASID.
   */
  'pasid'?: (number);
  '_pasid'?: "pasid";
}

/**
 * Request of Dma.
 */
export interface DmaRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * The device doing DMA (DeviceSpec.id).
   */
  'device_id': (string);
  /**
   * First I/O virtual address.
   */
  'iova': (string);
  /**
   * Bytes to transfer, in (0, 16 MiB]; a write's data must be exactly this long.
   */
  'length': (string);
  /**
   * true: write `data` to memory; false: read `length` bytes.
   */
  'write': (boolean);
  /**
   * The bytes to write.
   */
  'data': (Buffer);
  /**
   * PASID of a request-with-PASID (intel-iommu scalable mode); unset = a request without PASID
   * (RID_PASID for scalable mode). On an SMMUv3 it is the SubstreamID (SSID): allowed only when
   * the unit offers SSIDs (ssidsize > 0) and below 2^ssidsize, else INVALID_ARGUMENT BAD_PASID.
   */
  'pasid'?: (number);
  '_pasid'?: "pasid";
}
