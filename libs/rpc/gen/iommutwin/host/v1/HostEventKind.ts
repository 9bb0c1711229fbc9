// Original file: proto/iommutwin/host/v1/platform.proto

/**
 * Kind of a host event.
 */
export const HostEventKind = {
  /**
   * Not set.
   */
  HOST_EVENT_KIND_UNSPECIFIED: 'HOST_EVENT_KIND_UNSPECIFIED',
  /**
   * An unrecoverable DMA fault (like a DMAR / SMMU fault log line).
   */
  HOST_EVENT_KIND_DMA_FAULT: 'HOST_EVENT_KIND_DMA_FAULT',
  /**
   * A device was removed (surprise removal).
   */
  HOST_EVENT_KIND_DEVICE_UNPLUGGED: 'HOST_EVENT_KIND_DEVICE_UNPLUGGED',
  /**
   * A process exited (its fds were closed).
   */
  HOST_EVENT_KIND_PROCESS_EXITED: 'HOST_EVENT_KIND_PROCESS_EXITED',
  /**
   * A process's lease expired (it exits; PROCESS_EXITED follows).
   */
  HOST_EVENT_KIND_LEASE_EXPIRED: 'HOST_EVENT_KIND_LEASE_EXPIRED',
  /**
   * A dma-buf was revoked (its exporter's memory decode went off or the device went away).
   */
  HOST_EVENT_KIND_DMABUF_REVOKED: 'HOST_EVENT_KIND_DMABUF_REVOKED',
  /**
   * The subscriber resumed from a sequence older than the retained log: `lost_count` events
   * are gone; the stream continues with the oldest retained event.
   */
  HOST_EVENT_KIND_EVENTS_LOST: 'HOST_EVENT_KIND_EVENTS_LOST',
} as const;

/**
 * Kind of a host event.
 */
export type HostEventKind =
  /**
   * Not set.
   */
  | 'HOST_EVENT_KIND_UNSPECIFIED'
  | 0
  /**
   * An unrecoverable DMA fault (like a DMAR / SMMU fault log line).
   */
  | 'HOST_EVENT_KIND_DMA_FAULT'
  | 1
  /**
   * A device was removed (surprise removal).
   */
  | 'HOST_EVENT_KIND_DEVICE_UNPLUGGED'
  | 2
  /**
   * A process exited (its fds were closed).
   */
  | 'HOST_EVENT_KIND_PROCESS_EXITED'
  | 3
  /**
   * A process's lease expired (it exits; PROCESS_EXITED follows).
   */
  | 'HOST_EVENT_KIND_LEASE_EXPIRED'
  | 4
  /**
   * A dma-buf was revoked (its exporter's memory decode went off or the device went away).
   */
  | 'HOST_EVENT_KIND_DMABUF_REVOKED'
  | 5
  /**
   * The subscriber resumed from a sequence older than the retained log: `lost_count` events
   * are gone; the stream continues with the oldest retained event.
   */
  | 'HOST_EVENT_KIND_EVENTS_LOST'
  | 6

/**
 * Kind of a host event.
 */
export type HostEventKind__Output = typeof HostEventKind[keyof typeof HostEventKind]
