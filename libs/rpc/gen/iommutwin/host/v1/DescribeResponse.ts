// Original file: proto/iommutwin/host/v1/platform.proto

import type { KernelFeatures as _iommutwin_host_v1_KernelFeatures, KernelFeatures__Output as _iommutwin_host_v1_KernelFeatures__Output } from '../../../iommutwin/host/v1/KernelFeatures.js';
import type { IommuUnit as _iommutwin_host_v1_IommuUnit, IommuUnit__Output as _iommutwin_host_v1_IommuUnit__Output } from '../../../iommutwin/host/v1/IommuUnit.js';
import type { PciDevice as _iommutwin_host_v1_PciDevice, PciDevice__Output as _iommutwin_host_v1_PciDevice__Output } from '../../../iommutwin/host/v1/PciDevice.js';
import type { IommuGroup as _iommutwin_host_v1_IommuGroup, IommuGroup__Output as _iommutwin_host_v1_IommuGroup__Output } from '../../../iommutwin/host/v1/IommuGroup.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Response of Describe.
 */
export interface DescribeResponse {
  /**
   * Host name.
   */
  'name'?: (string);
  /**
   * CPU architecture (`x86_64`, `aarch64`).
   */
  'arch'?: (string);
  /**
   * Profile the host was built from.
   */
  'profile'?: (string);
  /**
   * Kernel features.
   */
  'kernel_features'?: (_iommutwin_host_v1_KernelFeatures | null);
  /**
   * IOMMU units.
   */
  'units'?: (_iommutwin_host_v1_IommuUnit)[];
  /**
   * PCI devices.
   */
  'devices'?: (_iommutwin_host_v1_PciDevice)[];
  /**
   * IOMMU groups.
   */
  'groups'?: (_iommutwin_host_v1_IommuGroup)[];
  /**
   * Host RAM in bytes.
   */
  'ram_bytes'?: (number | string | Long);
  /**
   * The host's boot id (as /proc/sys/kernel/random/boot_id): a random UUID made when this
   * host-iommu started; a restarted host has another one.
   */
  'boot_id'?: (string);
}

/**
 * Response of Describe.
 */
export interface DescribeResponse__Output {
  /**
   * Host name.
   */
  'name': (string);
  /**
   * CPU architecture (`x86_64`, `aarch64`).
   */
  'arch': (string);
  /**
   * Profile the host was built from.
   */
  'profile': (string);
  /**
   * Kernel features.
   */
  'kernel_features': (_iommutwin_host_v1_KernelFeatures__Output | null);
  /**
   * IOMMU units.
   */
  'units': (_iommutwin_host_v1_IommuUnit__Output)[];
  /**
   * PCI devices.
   */
  'devices': (_iommutwin_host_v1_PciDevice__Output)[];
  /**
   * IOMMU groups.
   */
  'groups': (_iommutwin_host_v1_IommuGroup__Output)[];
  /**
   * Host RAM in bytes.
   */
  'ram_bytes': (string);
  /**
   * The host's boot id (as /proc/sys/kernel/random/boot_id): a random UUID made when this
   * host-iommu started; a restarted host has another one.
   */
  'boot_id': (string);
}
