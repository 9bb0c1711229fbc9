// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One valid translation cache entry.
 */
export interface IotlbEntry {
  /**
   * Domain tag (domain ID / ASID / VMID).
   */
  'domain_tag'?: (number);
  /**
   * PASID; absent for a request-without-PASID entry.
   */
  'pasid'?: (number);
  /**
   * Input address (page aligned).
   */
  'iova'?: (number | string | Long);
  /**
   * Output address.
   */
  'addr'?: (number | string | Long);
  /**
   * Translation size in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * READ = 1, WRITE = 2, EXEC = 4, PRIV = 8.
   */
  'perm'?: (number);
  '_pasid'?: "pasid";
}

/**
 * One valid translation cache entry.
 */
export interface IotlbEntry__Output {
  /**
   * Domain tag (domain ID / ASID / VMID).
   */
  'domain_tag': (number);
  /**
   * PASID; absent for a request-without-PASID entry.
   */
  'pasid'?: (number);
  /**
   * Input address (page aligned).
   */
  'iova': (string);
  /**
   * Output address.
   */
  'addr': (string);
  /**
   * Translation size in bytes.
   */
  'size': (string);
  /**
   * READ = 1, WRITE = 2, EXEC = 4, PRIV = 8.
   */
  'perm': (number);
  '_pasid'?: "pasid";
}
