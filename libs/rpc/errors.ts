/**
 * Domain errors → gRPC status + google.rpc.Status{ErrorInfo} in `grpc-status-details-bin`,
 * mapped once, here (architecture.md). Every error carries exactly one ErrorInfo with domain
 * "iommutwin.dev"; kernel-model errors use the errno name as reason and `metadata.errno`.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, ERRNO, ERRNO_STATUS, KernelError, type StatusName } from '../errno/index.js';
import { U64FormatError } from '../u64/index.js';
import type { ErrorInfo as ErrorInfoIn, ErrorInfo__Output } from './gen/google/rpc/ErrorInfo.js';
import type { Status as StatusIn, Status__Output } from './gen/google/rpc/Status.js';
import { messageType } from './proto.js';

/** ErrorInfo.domain of every iommu-twin error. */
export const ERROR_DOMAIN = 'iommutwin.dev';
/** The binary trailer carrying the serialized google.rpc.Status. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
/** Any.type_url of google.rpc.ErrorInfo. */
export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

const StatusType = messageType<StatusIn, Status__Output>('google.rpc.Status');
const ErrorInfoType = messageType<ErrorInfoIn, ErrorInfo__Output>('google.rpc.ErrorInfo');

/** The machine-readable part of an error. */
export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/** A google.rpc.Status as a message value (for embedding, e.g. in stream acks). */
export type StatusMessage = StatusIn;

/** Status code number of a canonical status name. */
export function statusCode(name: StatusName | keyof typeof grpc.status): grpc.status {
  return grpc.status[name];
}

/**
 * A gRPC error ready to hand to grpc-js (`callback(err)` / `stream.emit('error', err)`): the
 * status code, the message and trailers holding google.rpc.Status with one ErrorInfo.
 */
export class RpcError extends Error implements grpc.ServiceError {
  readonly code: grpc.status;
  readonly details: string;
  readonly metadata: grpc.Metadata;
  readonly info: ErrorInfo;

  constructor(code: grpc.status, message: string, reason: string, metadata: Record<string, string> = {}) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.details = message;
    this.info = { reason, domain: ERROR_DOMAIN, metadata: { ...metadata } };
    this.metadata = new grpc.Metadata();
    this.metadata.set(STATUS_DETAILS_KEY, encodeStatus(code, message, this.info));
  }

  /** This error as a google.rpc.Status message value. */
  toStatusMessage(): StatusMessage {
    return statusMessage(this.code, this.details, this.info);
  }
}

function statusMessage(code: grpc.status, message: string, info: ErrorInfo): StatusMessage {
  return {
    code,
    message,
    details: [{ type_url: ERROR_INFO_TYPE_URL, value: ErrorInfoType.serialize(info) }],
  };
}

/** google.rpc.Status{code, message, details: [ErrorInfo]} serialized. */
export function encodeStatus(code: grpc.status, message: string, info: ErrorInfo): Buffer {
  return StatusType.serialize(statusMessage(code, message, info));
}

/** An error with a canonical status, a reason and metadata (domain iommutwin.dev). */
export function rpcError(
  status: StatusName | keyof typeof grpc.status,
  reason: string,
  message: string,
  metadata: Record<string, string> = {},
): RpcError {
  return new RpcError(statusCode(status), message, reason, metadata);
}

const MAX_VALUE_IN_METADATA = 64;

/**
 * Maps anything thrown by domain or adapter code to a status:
 *  - RpcError: as is;
 *  - KernelError: ERRNO_STATUS[errno], reason = errno name, metadata.errno = its number;
 *  - DomainError: its status, reason and metadata;
 *  - U64FormatError: INVALID_ARGUMENT, reason BAD_U64, metadata {field, value};
 *  - anything else: INTERNAL, reason INTERNAL, logged with its stack (when a logger is given).
 */
export function toServiceError(e: unknown, logger?: Logger): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof KernelError) {
    return new RpcError(statusCode(ERRNO_STATUS[e.errno]), e.message, e.errno, {
      ...e.metadata,
      errno: String(ERRNO[e.errno]),
    });
  }
  if (e instanceof DomainError) {
    return new RpcError(statusCode(e.status), e.message, e.reason, e.metadata);
  }
  if (e instanceof U64FormatError) {
    let value = String(e.value);
    if (value.length > MAX_VALUE_IN_METADATA) value = `${value.slice(0, MAX_VALUE_IN_METADATA)}…`;
    return new RpcError(grpc.status.INVALID_ARGUMENT, e.message, 'BAD_U64', { field: e.field, value });
  }
  logger?.error({ err: e }, 'internal error in handler');
  const what = e instanceof Error ? e.message : String(e);
  return new RpcError(grpc.status.INTERNAL, `internal error: ${what}`, 'INTERNAL');
}

/** Decodes a serialized google.rpc.Status; undefined if the bytes do not parse. */
export function decodeStatus(bytes: Uint8Array): Status__Output | undefined {
  try {
    return StatusType.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    return undefined;
  }
}

/** The first ErrorInfo of a google.rpc.Status message value (decoded or not). */
export function errorInfoOfStatus(status: Pick<Status__Output, 'details'> | StatusMessage | null | undefined): ErrorInfo | undefined {
  for (const d of status?.details ?? []) {
    const any = d as { type_url?: string; value?: Uint8Array | string };
    if (any.type_url !== ERROR_INFO_TYPE_URL || any.value === undefined) continue;
    const value = typeof any.value === 'string' ? Buffer.from(any.value, 'base64') : Buffer.from(any.value);
    try {
      const info = ErrorInfoType.deserialize(value);
      return { reason: info.reason, domain: info.domain, metadata: { ...info.metadata } };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Client side: the ErrorInfo of a failed call, or undefined when it carries none. */
export function decodeErrorInfo(err: Pick<grpc.ServiceError, 'metadata'> | { metadata?: grpc.Metadata }): ErrorInfo | undefined {
  const md = err.metadata;
  if (!(md instanceof grpc.Metadata)) return undefined;
  const raw = md.get(STATUS_DETAILS_KEY)[0];
  if (raw === undefined || typeof raw === 'string') return undefined;
  return errorInfoOfStatus(decodeStatus(raw));
}
