// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A range of guest RAM: guest-physical [gpa, gpa + size), backed by the VM's memfd from
 * `memfd_offset` (so in host_pid at ram_va + memfd_offset).
 */
export interface RamRange {
  /**
   * First guest-physical address of the range.
   */
  'gpa'?: (number | string | Long);
  /**
   * Size in bytes (a multiple of 2 MiB, never 0).
   */
  'size'?: (number | string | Long);
  /**
   * Offset of `gpa` in the guest-RAM memfd (ranges are laid out in it in GPA order, back to back).
   */
  'memfd_offset'?: (number | string | Long);
}

/**
 * A range of guest RAM: guest-physical [gpa, gpa + size), backed by the VM's memfd from
 * `memfd_offset` (so in host_pid at ram_va + memfd_offset).
 */
export interface RamRange__Output {
  /**
   * First guest-physical address of the range.
   */
  'gpa': (string);
  /**
   * Size in bytes (a multiple of 2 MiB, never 0).
   */
  'size': (string);
  /**
   * Offset of `gpa` in the guest-RAM memfd (ranges are laid out in it in GPA order, back to back).
   */
  'memfd_offset': (string);
}
