// Original file: proto/google/rpc/status.proto

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from '../../google/protobuf/Any.js';

/**
 * The status of a failed call: the canonical gRPC code, a developer-facing message and
 * typed details. iommu-twin always puts exactly one google.rpc.ErrorInfo in `details`.
 */
export interface Status {
  /**
   * The canonical gRPC status code (google.rpc.Code / grpc.status).
   */
  'code'?: (number);
  /**
   * Developer-facing English message.
   */
  'message'?: (string);
  /**
   * Typed error details, each packed in a google.protobuf.Any.
   */
  'details'?: (_google_protobuf_Any)[];
}

/**
 * The status of a failed call: the canonical gRPC code, a developer-facing message and
 * typed details. iommu-twin always puts exactly one google.rpc.ErrorInfo in `details`.
 */
export interface Status__Output {
  /**
   * The canonical gRPC status code (google.rpc.Code / grpc.status).
   */
  'code': (number);
  /**
   * Developer-facing English message.
   */
  'message': (string);
  /**
   * Typed error details, each packed in a google.protobuf.Any.
   */
  'details': (_google_protobuf_Any__Output)[];
}
