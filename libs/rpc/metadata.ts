/** Metadata keys of the iommu-twin gRPC services. */

/** `authorization: Bearer <token>` names the principal. */
export const AUTHORIZATION_KEY = 'authorization';
/** The acting process of a per-process call (decimal pid). */
export const PID_KEY = 'x-iommutwin-pid';
/**
 * Server-internal: the call id the server interceptor writes into the request metadata for the
 * handler adapters (any client-sent value is overwritten; the adapters remove it).
 */
export const CALL_ID_KEY = 'x-iommutwin-call-id';
