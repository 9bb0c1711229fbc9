// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One IOTLB entry as the model keeps it (QEMU's key: ASID, VMID, IOVA, granule, level).
 */
export interface Smmuv3IotlbEntry {
  /**
   * ASID of a stage-1 / nested entry (-1 = none).
   */
  'asid'?: (number);
  /**
   * VMID of a stage-2 / nested entry (-1 = none).
   */
  'vmid'?: (number);
  /**
   * First input address of the page or block.
   */
  'iova'?: (number | string | Long);
  /**
   * The output address it translates to.
   */
  'pa'?: (number | string | Long);
  /**
   * log2 of the page or block size.
   */
  'page_shift'?: (number);
  /**
   * 1 read, 2 write (bits).
   */
  'perm'?: (number);
  /**
   * "1", "2" or "nested".
   */
  'stage'?: (string);
}

/**
 * One IOTLB entry as the model keeps it (QEMU's key: ASID, VMID, IOVA, granule, level).
 */
export interface Smmuv3IotlbEntry__Output {
  /**
   * ASID of a stage-1 / nested entry (-1 = none).
   */
  'asid': (number);
  /**
   * VMID of a stage-2 / nested entry (-1 = none).
   */
  'vmid': (number);
  /**
   * First input address of the page or block.
   */
  'iova': (string);
  /**
   * The output address it translates to.
   */
  'pa': (string);
  /**
   * log2 of the page or block size.
   */
  'page_shift': (number);
  /**
   * 1 read, 2 write (bits).
   */
  'perm': (number);
  /**
   * "1", "2" or "nested".
   */
  'stage': (string);
}
