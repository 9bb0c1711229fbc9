// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from '../../../iommutwin/common/v1/IovaRange.js';

/**
 * Request of IoasAllowIovas.
 */
export interface IoasAllowIovasRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * The IOAS.
   */
  'ioas_id'?: (number);
  /**
   * The new allowed list (replaces the old one; empty clears it).
   */
  'allowed_iovas'?: (_iommutwin_common_v1_IovaRange)[];
}

/**
 * Request of IoasAllowIovas.
 */
export interface IoasAllowIovasRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * The IOAS.
   */
  'ioas_id': (number);
  /**
   * The new allowed list (replaces the old one; empty clears it).
   */
  'allowed_iovas': (_iommutwin_common_v1_IovaRange__Output)[];
}
