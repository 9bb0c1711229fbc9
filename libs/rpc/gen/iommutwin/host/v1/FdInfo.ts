// Original file: proto/iommutwin/host/v1/process.proto

import type { FdKind as _iommutwin_host_v1_FdKind, FdKind__Output as _iommutwin_host_v1_FdKind__Output } from '../../../iommutwin/host/v1/FdKind.js';

/**
 * One open fd of a process.
 */
export interface FdInfo {
  /**
   * The fd number.
   */
  'fd'?: (number);
  /**
   * What it names.
   */
  'kind'?: (_iommutwin_host_v1_FdKind);
  /**
   * The path it was opened from, or the anon-inode / memfd name.
   */
  'path'?: (string);
}

/**
 * One open fd of a process.
 */
export interface FdInfo__Output {
  /**
   * The fd number.
   */
  'fd': (number);
  /**
   * What it names.
   */
  'kind': (_iommutwin_host_v1_FdKind__Output);
  /**
   * The path it was opened from, or the anon-inode / memfd name.
   */
  'path': (string);
}
