// Original file: proto/iommutwin/host/v1/vfio.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Request of ReadMigData.
 */
export interface ReadMigDataRequest {
  /**
   * The data fd.
   */
  'data_fd'?: (number);
  /**
   * At most this many bytes (0: until the end of what the session has now).
   */
  'length'?: (number | string | Long);
  /**
   * Bytes per chunk of the response stream (0: 1 MiB).
   */
  'chunk_bytes'?: (number);
}

/**
 * Request of ReadMigData.
 */
export interface ReadMigDataRequest__Output {
  /**
   * The data fd.
   */
  'data_fd': (number);
  /**
   * At most this many bytes (0: until the end of what the session has now).
   */
  'length': (string);
  /**
   * Bytes per chunk of the response stream (0: 1 MiB).
   */
  'chunk_bytes': (number);
}
