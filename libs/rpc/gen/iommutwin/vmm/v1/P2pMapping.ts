// Original file: proto/iommutwin/vmm/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A peer device's BAR mapped into an assigned device's DMA address space (P2P).
 */
export interface P2pMapping {
  /**
   * The peer device (DeviceSpec.id).
   */
  'peer'?: (string);
  /**
   * The peer's BAR index.
   */
  'bar'?: (number);
  /**
   * Guest-physical address of the BAR (= the IOVA it is mapped at).
   */
  'gpa'?: (number | string | Long);
  /**
   * Size in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * "bar-va" (a type1 container maps the BAR's mmap) or "dma-buf" (IOMMU_IOAS_MAP_FILE).
   */
  'via'?: (string);
}

/**
 * A peer device's BAR mapped into an assigned device's DMA address space (P2P).
 */
export interface P2pMapping__Output {
  /**
   * The peer device (DeviceSpec.id).
   */
  'peer': (string);
  /**
   * The peer's BAR index.
   */
  'bar': (number);
  /**
   * Guest-physical address of the BAR (= the IOVA it is mapped at).
   */
  'gpa': (string);
  /**
   * Size in bytes.
   */
  'size': (string);
  /**
   * "bar-va" (a type1 container maps the BAR's mmap) or "dma-buf" (IOMMU_IOAS_MAP_FILE).
   */
  'via': (string);
}
