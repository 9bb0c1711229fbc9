// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One request on the invalidation channel.
 */
export interface InvalidationChannelRequest {
  /**
   * iommufd fd.
   */
  'fd'?: (number);
  /**
   * Caller-chosen, strictly increasing sequence number echoed in the ack.
   */
  'sequence'?: (number | string | Long);
  /**
   * A nested HWPT or a vIOMMU.
   */
  'hwpt_id'?: (number);
  /**
   * Same as HwptInvalidateRequest.data_type.
   */
  'data_type'?: (number);
  /**
   * Size of one entry in bytes.
   */
  'entry_len'?: (number);
  /**
   * Packed entries.
   */
  'entries'?: (Buffer | Uint8Array | string);
}

/**
 * One request on the invalidation channel.
 */
export interface InvalidationChannelRequest__Output {
  /**
   * iommufd fd.
   */
  'fd': (number);
  /**
   * Caller-chosen, strictly increasing sequence number echoed in the ack.
   */
  'sequence': (string);
  /**
   * A nested HWPT or a vIOMMU.
   */
  'hwpt_id': (number);
  /**
   * Same as HwptInvalidateRequest.data_type.
   */
  'data_type': (number);
  /**
   * Size of one entry in bytes.
   */
  'entry_len': (number);
  /**
   * Packed entries.
   */
  'entries': (Buffer);
}
