// Original file: proto/iommutwin/host/v1/platform.proto

import type { Bar as _iommutwin_host_v1_Bar, Bar__Output as _iommutwin_host_v1_Bar__Output } from '../../../iommutwin/host/v1/Bar.js';
import type { ReservedRegion as _iommutwin_host_v1_ReservedRegion, ReservedRegion__Output as _iommutwin_host_v1_ReservedRegion__Output } from '../../../iommutwin/host/v1/ReservedRegion.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A PCI device.
 */
export interface PciDevice {
  /**
   * Bus/device/function, `0000:01:00.0`.
   */
  'bdf'?: (string);
  /**
   * VFIO cdev name (`vfio0`); empty when the device has none.
   */
  'cdev'?: (string);
  /**
   * IOMMU group number.
   */
  'group'?: (number);
  /**
   * IOMMU unit name.
   */
  'unit'?: (string);
  /**
   * What the device is (free text from the profile).
   */
  'description'?: (string);
  /**
   * BARs present.
   */
  'bars'?: (_iommutwin_host_v1_Bar)[];
  /**
   * ATS capability.
   */
  'ats'?: (boolean);
  /**
   * PRI capability.
   */
  'pri'?: (boolean);
  /**
   * PASID capability width in bits (0 = no PASID capability).
   */
  'pasid_bits'?: (number);
  /**
   * Bound driver: "vfio-pci", "host" or "none".
   */
  'driver'?: (string);
  /**
   * Reserved IOVA regions of the device.
   */
  'reserved_regions'?: (_iommutwin_host_v1_ReservedRegion)[];
  /**
   * The device is present (not unplugged).
   */
  'present'?: (boolean);
  /**
   * Memory decode is enabled.
   */
  'bar_decode'?: (boolean);
  /**
   * Requester ID (bus << 8 | devfn), the StreamID / source-id the IOMMU sees.
   */
  'rid'?: (number);
  /**
   * VFIO_DEVICE_FEATURE_MIGRATION flags (VFIO_MIGRATION_STOP_COPY = 1, P2P = 2, PRE_COPY = 4);
   * 0 = the device cannot migrate.
   */
  'migration_flags'?: (number);
  /**
   * Bytes of the device's internal migration state (besides its BAR contents); 0 without migration.
   */
  'migration_state_bytes'?: (number | string | Long);
  /**
   * Device-side DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_*), which QEMU prefers to IOMMU dirty tracking.
   */
  'dma_logging'?: (boolean);
}

/**
 * A PCI device.
 */
export interface PciDevice__Output {
  /**
   * Bus/device/function, `0000:01:00.0`.
   */
  'bdf': (string);
  /**
   * VFIO cdev name (`vfio0`); empty when the device has none.
   */
  'cdev': (string);
  /**
   * IOMMU group number.
   */
  'group': (number);
  /**
   * IOMMU unit name.
   */
  'unit': (string);
  /**
   * What the device is (free text from the profile).
   */
  'description': (string);
  /**
   * BARs present.
   */
  'bars': (_iommutwin_host_v1_Bar__Output)[];
  /**
   * ATS capability.
   */
  'ats': (boolean);
  /**
   * PRI capability.
   */
  'pri': (boolean);
  /**
   * PASID capability width in bits (0 = no PASID capability).
   */
  'pasid_bits': (number);
  /**
   * Bound driver: "vfio-pci", "host" or "none".
   */
  'driver': (string);
  /**
   * Reserved IOVA regions of the device.
   */
  'reserved_regions': (_iommutwin_host_v1_ReservedRegion__Output)[];
  /**
   * The device is present (not unplugged).
   */
  'present': (boolean);
  /**
   * Memory decode is enabled.
   */
  'bar_decode': (boolean);
  /**
   * Requester ID (bus << 8 | devfn), the StreamID / source-id the IOMMU sees.
   */
  'rid': (number);
  /**
   * VFIO_DEVICE_FEATURE_MIGRATION flags (VFIO_MIGRATION_STOP_COPY = 1, P2P = 2, PRE_COPY = 4);
   * 0 = the device cannot migrate.
   */
  'migration_flags': (number);
  /**
   * Bytes of the device's internal migration state (besides its BAR contents); 0 without migration.
   */
  'migration_state_bytes': (string);
  /**
   * Device-side DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_*), which QEMU prefers to IOMMU dirty tracking.
   */
  'dma_logging': (boolean);
}
