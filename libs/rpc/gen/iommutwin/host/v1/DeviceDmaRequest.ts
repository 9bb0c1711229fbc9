// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of DeviceDma.
 */
export interface DeviceDmaRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
  /**
   * PASID of the transaction; absent = a request without PASID.
   */
  'pasid'?: (number);
  /**
   * Input address.
   */
  'iova'?: (number | string | Long);
  /**
   * Number of bytes (reads); must equal data.length for writes.
   */
  'length'?: (number | string | Long);
  /**
   * A write (true) or a read (false).
   */
  'write'?: (boolean);
  /**
   * Bytes to write.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * With a PRI-capable device behind an IOPF-capable HWPT: a recoverable fault raises a page
   * request, waits for its response and retries.
   */
  'allow_page_request'?: (boolean);
  '_pasid'?: "pasid";
}

/**
 * Request of DeviceDma.
 */
export interface DeviceDmaRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
  /**
   * PASID of the transaction; absent = a request without PASID.
   */
  'pasid'?: (number);
  /**
   * Input address.
   */
  'iova': (string);
  /**
   * Number of bytes (reads); must equal data.length for writes.
   */
  'length': (string);
  /**
   * A write (true) or a read (false).
   */
  'write': (boolean);
  /**
   * Bytes to write.
   */
  'data': (Buffer);
  /**
   * With a PRI-capable device behind an IOPF-capable HWPT: a recoverable fault raises a page
   * request, waits for its response and retries.
   */
  'allow_page_request': (boolean);
  '_pasid'?: "pasid";
}
