// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { PageFault as _iommutwin_host_v1_PageFault, PageFault__Output as _iommutwin_host_v1_PageFault__Output } from '../../../iommutwin/host/v1/PageFault.js';

/**
 * One fault group read from the fault fd.
 */
export interface ReadFaultsResponse {
  /**
   * Cookie to answer the group with (RespondFaults).
   */
  'cookie'?: (number);
  /**
   * The group's faults, the last with LAST_PAGE.
   */
  'faults'?: (_iommutwin_host_v1_PageFault)[];
}

/**
 * One fault group read from the fault fd.
 */
export interface ReadFaultsResponse__Output {
  /**
   * Cookie to answer the group with (RespondFaults).
   */
  'cookie': (number);
  /**
   * The group's faults, the last with LAST_PAGE.
   */
  'faults': (_iommutwin_host_v1_PageFault__Output)[];
}
