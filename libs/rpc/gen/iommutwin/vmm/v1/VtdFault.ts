// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A VT-d DMA remapping fault as the device saw it.
 */
export interface VtdFault {
  /**
   * VT-d fault reason, a VtdFr value as a uint32 (QEMU's VTD_FR_*: 0x1 root not present ... 0x5b
   * PGTT invalid).
   */
  'reason'?: (number);
  /**
   * Source-id of the request: bus << 8 | devfn of the guest BDF.
   */
  'sid'?: (number);
  /**
   * The faulting IOVA (the fault recording register keeps its page).
   */
  'address'?: (number | string | Long);
  /**
   * The access was a write.
   */
  'write'?: (boolean);
  /**
   * PASID of the request, when it had one.
   */
  'pasid'?: (number);
  /**
   * false when nothing was recorded: the fault processing disable bit (FPD) of an entry said so,
   * or a cached translation lacked the access right (QEMU then fails the access without a
   * fault record).
   */
  'recordable'?: (boolean);
  '_pasid'?: "pasid";
}

/**
 * A VT-d DMA remapping fault as the device saw it.
 */
export interface VtdFault__Output {
  /**
   * VT-d fault reason, a VtdFr value as a uint32 (QEMU's VTD_FR_*: 0x1 root not present ... 0x5b
   * PGTT invalid).
   */
  'reason': (number);
  /**
   * Source-id of the request: bus << 8 | devfn of the guest BDF.
   */
  'sid': (number);
  /**
   * The faulting IOVA (the fault recording register keeps its page).
   */
  'address': (string);
  /**
   * The access was a write.
   */
  'write': (boolean);
  /**
   * PASID of the request, when it had one.
   */
  'pasid'?: (number);
  /**
   * false when nothing was recorded: the fault processing disable bit (FPD) of an entry said so,
   * or a cached translation lacked the access right (QEMU then fails the access without a
   * fault record).
   */
  'recordable': (boolean);
  '_pasid'?: "pasid";
}
