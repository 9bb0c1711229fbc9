// Original file: proto/iommutwin/host/v1/platform.proto

import type { DmaFault as _iommutwin_common_v1_DmaFault, DmaFault__Output as _iommutwin_common_v1_DmaFault__Output } from '../../../iommutwin/common/v1/DmaFault.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of DeviceAtsTranslate.
 */
export interface DeviceAtsTranslateResponse {
  /**
   * Translated (physical) address of the page containing iova.
   */
  'translated_addr'?: (number | string | Long);
  /**
   * Size of the translation in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * Granted permissions: READ = 1, WRITE = 2, EXEC = 4, PRIV = 8.
   */
  'perm'?: (number);
  /**
   * Set when the translation failed (the other fields are then 0).
   */
  'fault'?: (_iommutwin_common_v1_DmaFault | null);
}

/**
 * Response of DeviceAtsTranslate.
 */
export interface DeviceAtsTranslateResponse__Output {
  /**
   * Translated (physical) address of the page containing iova.
   */
  'translated_addr': (string);
  /**
   * Size of the translation in bytes.
   */
  'size': (string);
  /**
   * Granted permissions: READ = 1, WRITE = 2, EXEC = 4, PRIV = 8.
   */
  'perm': (number);
  /**
   * Set when the translation failed (the other fields are then 0).
   */
  'fault': (_iommutwin_common_v1_DmaFault__Output | null);
}
