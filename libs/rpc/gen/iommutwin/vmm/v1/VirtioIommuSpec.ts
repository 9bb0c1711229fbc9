// Original file: proto/iommutwin/vmm/v1/types.proto

import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from '../../../iommutwin/common/v1/IovaRange.js';
import type { VirtioReservedRegion as _iommutwin_vmm_v1_VirtioReservedRegion, VirtioReservedRegion__Output as _iommutwin_vmm_v1_VirtioReservedRegion__Output } from '../../../iommutwin/vmm/v1/VirtioReservedRegion.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Guest-visible virtio-iommu settings. Unset fields take the documented defaults.
 */
export interface VirtioIommuSpec {
  /**
   * Supported page sizes; lowest set bit = granule. Default 0xfffffffffffff000 (4 KiB granule).
   */
  'page_size_mask'?: (number | string | Long);
  /**
   * Input (IOVA) range, inclusive. Default [0, 2^48 - 1].
   */
  'input_range'?: (_iommutwin_common_v1_IovaRange | null);
  /**
   * Domain ID range, inclusive. Default [0, 2^32 - 1].
   */
  'domain_range_start'?: (number);
  /**
   * Last domain ID (inclusive). Default 2^32 - 1.
   */
  'domain_range_end'?: (number);
  /**
   * Default 512 (as QEMU).
   */
  'probe_size'?: (number);
  /**
   * Initial config.bypass. Default true (QEMU boot-bypass).
   */
  'boot_bypass'?: (boolean);
  /**
   * Default per machine: q35 0xfee00000-0xfeefffff T_MSI; virt 0x08000000-0x080fffff T_MSI.
   */
  'reserved_regions'?: (_iommutwin_vmm_v1_VirtioReservedRegion)[];
  /**
   * true when reserved_regions is set explicitly (even empty) instead of the machine default.
   */
  'reserved_regions_set'?: (boolean);
  /**
   * Offered feature bits: a mask with bit (1 << v) per VirtioIommuF value v (VIRTIO_IOMMU_F_*);
   * 0 = the default set (INPUT_RANGE, DOMAIN_RANGE, MAP_UNMAP, PROBE, MMIO, BYPASS_CONFIG).
   */
  'offered_features'?: (number | string | Long);
  '_page_size_mask'?: "page_size_mask";
  '_input_range'?: "input_range";
  '_domain_range_start'?: "domain_range_start";
  '_domain_range_end'?: "domain_range_end";
  '_probe_size'?: "probe_size";
  '_boot_bypass'?: "boot_bypass";
}

/**
 * Guest-visible virtio-iommu settings. Unset fields take the documented defaults.
 */
export interface VirtioIommuSpec__Output {
  /**
   * Supported page sizes; lowest set bit = granule. Default 0xfffffffffffff000 (4 KiB granule).
   */
  'page_size_mask'?: (string);
  /**
   * Input (IOVA) range, inclusive. Default [0, 2^48 - 1].
   */
  'input_range'?: (_iommutwin_common_v1_IovaRange__Output | null);
  /**
   * Domain ID range, inclusive. Default [0, 2^32 - 1].
   */
  'domain_range_start'?: (number);
  /**
   * Last domain ID (inclusive). Default 2^32 - 1.
   */
  'domain_range_end'?: (number);
  /**
   * Default 512 (as QEMU).
   */
  'probe_size'?: (number);
  /**
   * Initial config.bypass. Default true (QEMU boot-bypass).
   */
  'boot_bypass'?: (boolean);
  /**
   * Default per machine: q35 0xfee00000-0xfeefffff T_MSI; virt 0x08000000-0x080fffff T_MSI.
   */
  'reserved_regions': (_iommutwin_vmm_v1_VirtioReservedRegion__Output)[];
  /**
   * true when reserved_regions is set explicitly (even empty) instead of the machine default.
   */
  'reserved_regions_set': (boolean);
  /**
   * Offered feature bits: a mask with bit (1 << v) per VirtioIommuF value v (VIRTIO_IOMMU_F_*);
   * 0 = the default set (INPUT_RANGE, DOMAIN_RANGE, MAP_UNMAP, PROBE, MMIO, BYPASS_CONFIG).
   */
  'offered_features': (string);
  '_page_size_mask'?: "page_size_mask";
  '_input_range'?: "input_range";
  '_domain_range_start'?: "domain_range_start";
  '_domain_range_end'?: "domain_range_end";
  '_probe_size'?: "probe_size";
  '_boot_bypass'?: "boot_bypass";
}
