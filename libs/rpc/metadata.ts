/** Metadata keys of the iommu-twin gRPC services. */

/** `authorization: Bearer <token>` names the principal. */
export const AUTHORIZATION_KEY = 'authorization';
/** The acting process of a per-process call (decimal pid). */
export const PID_KEY = 'x-iommutwin-pid';
/**
 * Optional identity of the process a call names, as /proc gives it (host-iommu): the host's boot
 * id and the process's start time. When present they must match (else ESRCH), so a client that
 * recorded a process at spawn can never act on another process that reuses its pid after a host
 * restart. The start time refers to the acting process (`x-iommutwin-pid`), or, for a call
 * without one, to the process the request names (Exit, Heartbeat, GetStatus, AllowDevice).
 */
export const BOOT_ID_KEY = 'x-iommutwin-boot-id';
export const START_TIME_KEY = 'x-iommutwin-start-time';
/**
 * Server-internal: the call id the server interceptor writes into the request metadata for the
 * handler adapters (any client-sent value is overwritten; the adapters remove it).
 */
export const CALL_ID_KEY = 'x-iommutwin-call-id';
