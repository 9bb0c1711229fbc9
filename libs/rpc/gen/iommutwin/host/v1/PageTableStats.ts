// Original file: proto/iommutwin/host/v1/platform.proto

import type { LeafCount as _iommutwin_host_v1_LeafCount, LeafCount__Output as _iommutwin_host_v1_LeafCount__Output } from '../../../iommutwin/host/v1/LeafCount.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Statistics of one page table (one HWPT's domain).
 */
export interface PageTableStats {
  /**
   * HWPT ID in its iommufd (0 for host-internal domains).
   */
  'hwpt_id'?: (number);
  /**
   * IOMMU unit.
   */
  'unit'?: (string);
  /**
   * Table format: `vtd-ss` (VT-d second stage), `lpae-s1-4k`, `lpae-s1-16k`, `lpae-s1-64k`
   * (Arm LPAE stage 1, by granule), `lpae-s2-4k`, `lpae-s2-16k`, `lpae-s2-64k` (stage 2).
   */
  'format'?: (string);
  /**
   * Number of levels.
   */
  'levels'?: (number);
  /**
   * Bytes of table memory.
   */
  'table_bytes'?: (number | string | Long);
  /**
   * Table pages.
   */
  'table_pages'?: (number | string | Long);
  /**
   * Leaf entries by page size, ascending.
   */
  'leaves'?: (_iommutwin_host_v1_LeafCount)[];
}

/**
 * Statistics of one page table (one HWPT's domain).
 */
export interface PageTableStats__Output {
  /**
   * HWPT ID in its iommufd (0 for host-internal domains).
   */
  'hwpt_id': (number);
  /**
   * IOMMU unit.
   */
  'unit': (string);
  /**
   * Table format: `vtd-ss` (VT-d second stage), `lpae-s1-4k`, `lpae-s1-16k`, `lpae-s1-64k`
   * (Arm LPAE stage 1, by granule), `lpae-s2-4k`, `lpae-s2-16k`, `lpae-s2-64k` (stage 2).
   */
  'format': (string);
  /**
   * Number of levels.
   */
  'levels': (number);
  /**
   * Bytes of table memory.
   */
  'table_bytes': (string);
  /**
   * Table pages.
   */
  'table_pages': (string);
  /**
   * Leaf entries by page size, ascending.
   */
  'leaves': (_iommutwin_host_v1_LeafCount__Output)[];
}
