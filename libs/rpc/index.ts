/** libs/rpc: the gRPC contract at runtime, server bootstrap, handler adapters, errors, clients. */
export * from './proto.js';
export * from './metadata.js';
export * from './errors.js';
export * from './server.js';
export * from './handlers.js';
export * from './client.js';
export * from './metrics.js';
export * from './tls.js';
export * from './auth.js';
export * from './inprocess.js';
