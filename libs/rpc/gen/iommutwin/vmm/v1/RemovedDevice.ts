// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * An assigned device the host took away (surprise removal) and the vmm removed from the guest.
 */
export interface RemovedDevice {
  /**
   * DeviceSpec.id it had.
   */
  'id'?: (string);
  /**
   * Its host PCI address.
   */
  'host_bdf'?: (string);
  /**
   * Its guest BDF.
   */
  'guest_bdf'?: (string);
  /**
   * Why (the host event's message).
   */
  'reason'?: (string);
  /**
   * The host event's sequence (DEVICE_UNPLUGGED).
   */
  'host_sequence'?: (number | string | Long);
}

/**
 * An assigned device the host took away (surprise removal) and the vmm removed from the guest.
 */
export interface RemovedDevice__Output {
  /**
   * DeviceSpec.id it had.
   */
  'id': (string);
  /**
   * Its host PCI address.
   */
  'host_bdf': (string);
  /**
   * Its guest BDF.
   */
  'guest_bdf': (string);
  /**
   * Why (the host event's message).
   */
  'reason': (string);
  /**
   * The host event's sequence (DEVICE_UNPLUGGED).
   */
  'host_sequence': (string);
}
