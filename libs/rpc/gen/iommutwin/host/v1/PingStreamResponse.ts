// Original file: proto/iommutwin/host/v1/platform.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One message of PingStream.
 */
export interface PingStreamResponse {
  /**
   * 1, 2, ... count.
   */
  'sequence'?: (number | string | Long);
  /**
   * payload_size zero bytes.
   */
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * One message of PingStream.
 */
export interface PingStreamResponse__Output {
  /**
   * 1, 2, ... count.
   */
  'sequence': (string);
  /**
   * payload_size zero bytes.
   */
  'payload': (Buffer);
}
