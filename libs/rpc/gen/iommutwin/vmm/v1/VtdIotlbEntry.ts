// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One valid IOTLB entry (QEMU's iotlb hash).
 */
export interface VtdIotlbEntry {
  /**
   * Source-id (bus << 8 | devfn).
   */
  'sid'?: (number);
  /**
   * Domain id.
   */
  'did'?: (number);
  /**
   * Absent for requests without PASID.
   */
  'pasid'?: (number);
  /**
   * First IOVA of the page (page-aligned) and the physical address it maps to.
   */
  'iova'?: (number | string | Long);
  /**
   * Physical (guest-physical) address of the page.
   */
  'pa'?: (number | string | Long);
  /**
   * 12 (4 KiB), 21 (2 MiB) or 30 (1 GiB).
   */
  'page_shift'?: (number);
  /**
   * 1 read, 2 write (bits).
   */
  'perm'?: (number);
  '_pasid'?: "pasid";
}

/**
 * One valid IOTLB entry (QEMU's iotlb hash).
 */
export interface VtdIotlbEntry__Output {
  /**
   * Source-id (bus << 8 | devfn).
   */
  'sid': (number);
  /**
   * Domain id.
   */
  'did': (number);
  /**
   * Absent for requests without PASID.
   */
  'pasid'?: (number);
  /**
   * First IOVA of the page (page-aligned) and the physical address it maps to.
   */
  'iova': (string);
  /**
   * Physical (guest-physical) address of the page.
   */
  'pa': (string);
  /**
   * 12 (4 KiB), 21 (2 MiB) or 30 (1 GiB).
   */
  'page_shift': (number);
  /**
   * 1 read, 2 write (bits).
   */
  'perm': (number);
  '_pasid'?: "pasid";
}
