// Original file: proto/iommutwin/host/v1/platform.proto

import type { IotlbEntry as _iommutwin_host_v1_IotlbEntry, IotlbEntry__Output as _iommutwin_host_v1_IotlbEntry__Output } from '../../../iommutwin/host/v1/IotlbEntry.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Statistics of one translation cache (an IOMMU unit's IOTLB or a device's ATC).
 */
export interface IotlbStats {
  /**
   * Cache name (`dmar0/iotlb`, `0000:01:00.0/atc`).
   */
  'cache'?: (string);
  /**
   * Lookups that hit.
   */
  'hits'?: (number | string | Long);
  /**
   * Lookups that missed.
   */
  'misses'?: (number | string | Long);
  /**
   * Page walks performed.
   */
  'walks'?: (number | string | Long);
  /**
   * Memory references made by walks (table entry fetches, including nested stage-2 fetches).
   */
  'memory_references'?: (number | string | Long);
  /**
   * Entries currently valid.
   */
  'valid_entries'?: (number | string | Long);
  /**
   * Capacity in entries (0 = unbounded).
   */
  'capacity'?: (number | string | Long);
  /**
   * Invalidation operations received.
   */
  'invalidations'?: (number | string | Long);
  /**
   * Valid entries (with include_iotlb_entries).
   */
  'entries'?: (_iommutwin_host_v1_IotlbEntry)[];
}

/**
 * Statistics of one translation cache (an IOMMU unit's IOTLB or a device's ATC).
 */
export interface IotlbStats__Output {
  /**
   * Cache name (`dmar0/iotlb`, `0000:01:00.0/atc`).
   */
  'cache': (string);
  /**
   * Lookups that hit.
   */
  'hits': (string);
  /**
   * Lookups that missed.
   */
  'misses': (string);
  /**
   * Page walks performed.
   */
  'walks': (string);
  /**
   * Memory references made by walks (table entry fetches, including nested stage-2 fetches).
   */
  'memory_references': (string);
  /**
   * Entries currently valid.
   */
  'valid_entries': (string);
  /**
   * Capacity in entries (0 = unbounded).
   */
  'capacity': (string);
  /**
   * Invalidation operations received.
   */
  'invalidations': (string);
  /**
   * Valid entries (with include_iotlb_entries).
   */
  'entries': (_iommutwin_host_v1_IotlbEntry__Output)[];
}
