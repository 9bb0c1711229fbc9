// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of DeviceAtsTranslate.
 */
export interface DeviceAtsTranslateRequest {
  /**
   * The device (must have ATS).
   */
  'bdf'?: (string);
  /**
   * PASID; absent = a request without PASID.
   */
  'pasid'?: (number);
  /**
   * Untranslated address.
   */
  'iova'?: (number | string | Long);
  /**
   * Request write permission.
   */
  'write'?: (boolean);
  '_pasid'?: "pasid";
}

/**
 * Request of DeviceAtsTranslate.
 */
export interface DeviceAtsTranslateRequest__Output {
  /**
   * The device (must have ATS).
   */
  'bdf': (string);
  /**
   * PASID; absent = a request without PASID.
   */
  'pasid'?: (number);
  /**
   * Untranslated address.
   */
  'iova': (string);
  /**
   * Request write permission.
   */
  'write': (boolean);
  '_pasid'?: "pasid";
}
