// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A guest interrupt raised by a vIOMMU: an MSI write (intel-iommu) or a wired line (SMMUv3).
 */
export interface GuestInterrupt {
  /**
   * Which interrupt: intel-iommu 'dmar-fault' (fault event: FEADDR/FEDATA) or 'dmar-inv'
   * (invalidation completion event: IEADDR/IEDATA); SMMUv3 'evtq', 'gerror', 'cmdq_sync', 'priq'.
   */
  'source'?: (string);
  /**
   * The MSI address the vIOMMU wrote to (FEADDR / IEADDR, with the upper address register);
   * 0 for a wired line (SMMUv3).
   */
  'msi_addr'?: (number | string | Long);
  /**
   * The MSI data (FEDATA / IEDATA); for a wired line the GIC SPI it raises (SMMUv3 on virt:
   * evtq 74, priq 75, cmdq_sync 76, gerror 77).
   */
  'msi_data'?: (number);
}

/**
 * A guest interrupt raised by a vIOMMU: an MSI write (intel-iommu) or a wired line (SMMUv3).
 */
export interface GuestInterrupt__Output {
  /**
   * Which interrupt: intel-iommu 'dmar-fault' (fault event: FEADDR/FEDATA) or 'dmar-inv'
   * (invalidation completion event: IEADDR/IEDATA); SMMUv3 'evtq', 'gerror', 'cmdq_sync', 'priq'.
   */
  'source': (string);
  /**
   * The MSI address the vIOMMU wrote to (FEADDR / IEADDR, with the upper address register);
   * 0 for a wired line (SMMUv3).
   */
  'msi_addr': (string);
  /**
   * The MSI data (FEDATA / IEDATA); for a wired line the GIC SPI it raises (SMMUv3 on virt:
   * evtq 74, priq 75, cmdq_sync 76, gerror 77).
   */
  'msi_data': (number);
}
