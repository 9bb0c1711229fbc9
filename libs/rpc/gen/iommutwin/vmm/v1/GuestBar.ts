// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A guest BAR of an assigned device: where the VM's memory map puts it.
 */
export interface GuestBar {
  /**
   * BAR index (0..5).
   */
  'index'?: (number);
  /**
   * Guest-physical address.
   */
  'gpa'?: (number | string | Long);
  /**
   * Size in bytes.
   */
  'size'?: (number | string | Long);
}

/**
 * A guest BAR of an assigned device: where the VM's memory map puts it.
 */
export interface GuestBar__Output {
  /**
   * BAR index (0..5).
   */
  'index': (number);
  /**
   * Guest-physical address.
   */
  'gpa': (string);
  /**
   * Size in bytes.
   */
  'size': (string);
}
