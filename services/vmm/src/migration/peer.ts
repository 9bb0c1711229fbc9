/**
 * The vmm → vmm link of a live migration: clients of the destination vmm, with the same TLS
 * options as the vmm's link to its host-iommu (spec: "the vmm → vmm link uses the same TLS and
 * token options as the host link"; `destination_token` is a root token of the destination vmm).
 */
import type * as grpc from '@grpc/grpc-js';
import { DomainError } from '#libs/errno/index.js';
import { createVmmClients, type VmmClients } from '#libs/rpc/client.js';

/** Deadline of one unary call to the destination vmm. */
export const PEER_DEADLINE_MS = 30_000;

/**
 * Clients of the destination vmm at `address` (host:port), authenticated with `token`, over
 * `credentials` (the host link's; plaintext when it has none). The caller picks the token
 * (`destination_token`, else the host link's own, as the proto says). The caller closes them.
 */
export function peerClients(address: string, token: string, credentials?: grpc.ChannelCredentials): VmmClients {
  if (!/^[A-Za-z0-9.\-_[\]:]{1,255}:[0-9]{1,5}$/.test(address)) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_DESTINATION', `destination '${address.slice(0, 80)}': host:port of the destination vmm`, { destination: address.slice(0, 80) });
  }
  return createVmmClients(address, { token, defaultDeadlineMs: PEER_DEADLINE_MS, ...(credentials ? { credentials } : {}) });
}
