/**
 * Typed domain errors. Domain code throws these; libs/rpc maps them once to a gRPC status
 * plus google.rpc.ErrorInfo (reason = errno name or UPPER_SNAKE reason, metadata.errno).
 */

/** Linux errno numbers (x86-64/arm64 generic). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  ESPIPE: 29,
  ERANGE: 34,
  EDEADLOCK: 35,
  ENAMETOOLONG: 36,
  ENOMSG: 42,
  EMSGSIZE: 90,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  EOVERFLOW: 75,
  EBADFD: 77,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** A kernel-model failure: carries the errno name the real kernel would return. */
export class KernelError extends Error {
  readonly errno: ErrnoName;
  readonly metadata: Record<string, string>;
  constructor(errno: ErrnoName, message: string, metadata: Record<string, string> = {}) {
    super(`${errno}: ${message}`);
    this.name = 'KernelError';
    this.errno = errno;
    this.metadata = metadata;
  }
  get errnoNumber(): number {
    return ERRNO[this.errno];
  }
}

/**
 * How a kernel-model call fails: its errno and ErrorInfo metadata, or undefined when it
 * succeeds. Anything thrown that is not a KernelError is rethrown.
 */
export function kernelFailure(f: () => unknown): { errno: ErrnoName; meta: Record<string, string> } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelError) return { errno: e.errno, meta: e.metadata };
    throw e;
  }
  return undefined;
}

export function kerr(errno: ErrnoName, message: string, metadata?: Record<string, string>): KernelError {
  return new KernelError(errno, message, metadata);
}

/** Canonical gRPC status names (the numeric codes live in libs/rpc). */
export type StatusName =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'ABORTED';

/** A non-errno failure (vmm-level reasons, model not built yet, bad request shape). */
export class DomainError extends Error {
  constructor(
    readonly status: StatusName,
    readonly reason: string,
    message: string,
    readonly metadata: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Errno → gRPC status, exactly as host-api.md fixes it. */
export const ERRNO_STATUS: Record<ErrnoName, StatusName> = {
  EINVAL: 'INVALID_ARGUMENT',
  EFAULT: 'INVALID_ARGUMENT',
  EBADF: 'INVALID_ARGUMENT',
  EBADFD: 'INVALID_ARGUMENT',
  ENAMETOOLONG: 'INVALID_ARGUMENT',
  ENXIO: 'INVALID_ARGUMENT',
  ESPIPE: 'INVALID_ARGUMENT',
  E2BIG: 'INVALID_ARGUMENT',
  EMFILE: 'RESOURCE_EXHAUSTED',
  EAGAIN: 'RESOURCE_EXHAUSTED',
  EOPNOTSUPP: 'UNIMPLEMENTED',
  ENOTTY: 'UNIMPLEMENTED',
  ENOENT: 'NOT_FOUND',
  ENODEV: 'NOT_FOUND',
  ESRCH: 'NOT_FOUND',
  EEXIST: 'ALREADY_EXISTS',
  EADDRINUSE: 'ALREADY_EXISTS',
  EBUSY: 'FAILED_PRECONDITION',
  EDEADLOCK: 'FAILED_PRECONDITION',
  ENOMEM: 'RESOURCE_EXHAUSTED',
  ENOSPC: 'RESOURCE_EXHAUSTED',
  EOVERFLOW: 'OUT_OF_RANGE',
  ERANGE: 'OUT_OF_RANGE',
  EMSGSIZE: 'OUT_OF_RANGE',
  ENOMSG: 'OUT_OF_RANGE',
  EPERM: 'PERMISSION_DENIED',
  EACCES: 'PERMISSION_DENIED',
  EIO: 'INTERNAL',
};

/** The refusal for a model that is not built yet: UNIMPLEMENTED with a reason. */
export function notModelled(what: string, why: string): DomainError {
  return new DomainError('UNIMPLEMENTED', 'NOT_MODELLED', `${what} is not modelled yet: ${why}`, { feature: what });
}
