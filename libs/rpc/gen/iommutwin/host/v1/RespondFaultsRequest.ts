// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { PageResponse as _iommutwin_host_v1_PageResponse, PageResponse__Output as _iommutwin_host_v1_PageResponse__Output } from '../../../iommutwin/host/v1/PageResponse.js';

/**
 * Request of RespondFaults.
 */
export interface RespondFaultsRequest {
  /**
   * The fault fd.
   */
  'fault_fd'?: (number);
  /**
   * Responses, applied in order.
   */
  'responses'?: (_iommutwin_host_v1_PageResponse)[];
}

/**
 * Request of RespondFaults.
 */
export interface RespondFaultsRequest__Output {
  /**
   * The fault fd.
   */
  'fault_fd': (number);
  /**
   * Responses, applied in order.
   */
  'responses': (_iommutwin_host_v1_PageResponse__Output)[];
}
