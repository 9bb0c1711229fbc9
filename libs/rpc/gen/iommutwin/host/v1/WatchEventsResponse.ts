// Original file: proto/iommutwin/host/v1/platform.proto

import type { HostEventKind as _iommutwin_host_v1_HostEventKind, HostEventKind__Output as _iommutwin_host_v1_HostEventKind__Output } from '../../../iommutwin/host/v1/HostEventKind.js';
import type { DmaFault as _iommutwin_common_v1_DmaFault, DmaFault__Output as _iommutwin_common_v1_DmaFault__Output } from '../../../iommutwin/common/v1/DmaFault.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One host event.
 */
export interface WatchEventsResponse {
  /**
   * Event sequence (increasing, starting at 1).
   */
  'sequence'?: (number | string | Long);
  /**
   * Kind.
   */
  'kind'?: (_iommutwin_host_v1_HostEventKind);
  /**
   * When it happened (Unix time, milliseconds).
   */
  'time_unix_ms'?: (number | string | Long);
  /**
   * Device (DMA_FAULT, DEVICE_UNPLUGGED, DMABUF_REVOKED).
   */
  'bdf'?: (string);
  /**
   * Process (PROCESS_EXITED, LEASE_EXPIRED; the dma-buf holder for DMABUF_REVOKED).
   */
  'pid'?: (number);
  /**
   * Process name (PROCESS_EXITED, LEASE_EXPIRED).
   */
  'name'?: (string);
  /**
   * The fault (DMA_FAULT).
   */
  'fault'?: (_iommutwin_common_v1_DmaFault | null);
  /**
   * IOMMU unit (DMA_FAULT).
   */
  'unit'?: (string);
  /**
   * The revoked dma-buf's fd in `pid` (DMABUF_REVOKED).
   */
  'dmabuf_fd'?: (number);
  /**
   * Number of events lost (EVENTS_LOST).
   */
  'lost_count'?: (number | string | Long);
  /**
   * Human-readable log line.
   */
  'message'?: (string);
}

/**
 * One host event.
 */
export interface WatchEventsResponse__Output {
  /**
   * Event sequence (increasing, starting at 1).
   */
  'sequence': (string);
  /**
   * Kind.
   */
  'kind': (_iommutwin_host_v1_HostEventKind__Output);
  /**
   * When it happened (Unix time, milliseconds).
   */
  'time_unix_ms': (string);
  /**
   * Device (DMA_FAULT, DEVICE_UNPLUGGED, DMABUF_REVOKED).
   */
  'bdf': (string);
  /**
   * Process (PROCESS_EXITED, LEASE_EXPIRED; the dma-buf holder for DMABUF_REVOKED).
   */
  'pid': (number);
  /**
   * Process name (PROCESS_EXITED, LEASE_EXPIRED).
   */
  'name': (string);
  /**
   * The fault (DMA_FAULT).
   */
  'fault': (_iommutwin_common_v1_DmaFault__Output | null);
  /**
   * IOMMU unit (DMA_FAULT).
   */
  'unit': (string);
  /**
   * The revoked dma-buf's fd in `pid` (DMABUF_REVOKED).
   */
  'dmabuf_fd': (number);
  /**
   * Number of events lost (EVENTS_LOST).
   */
  'lost_count': (string);
  /**
   * Human-readable log line.
   */
  'message': (string);
}
