// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of VdeviceAlloc.
 */
export interface VdeviceAllocResponse {
  /**
   * The new vDEVICE ID.
   */
  'out_vdevice_id'?: (number);
}

/**
 * Response of VdeviceAlloc.
 */
export interface VdeviceAllocResponse__Output {
  /**
   * The new vDEVICE ID.
   */
  'out_vdevice_id': (number);
}
