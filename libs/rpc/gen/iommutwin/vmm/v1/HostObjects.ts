// Original file: proto/iommutwin/vmm/v1/types.proto

import type { P2pMapping as _iommutwin_vmm_v1_P2pMapping, P2pMapping__Output as _iommutwin_vmm_v1_P2pMapping__Output } from '../../../iommutwin/vmm/v1/P2pMapping.js';

/**
 * Host objects backing one assigned device (for inspection).
 */
export interface HostObjects {
  /**
   * The iommufd fd in the VM's host process (-1 for a legacy_container device).
   */
  'iommufd'?: (number);
  /**
   * The device's VFIO fd in the VM's host process (its cdev, or with legacy_container the fd
   * VFIO_GROUP_GET_DEVICE_FD returned).
   */
  'device_fd'?: (number);
  /**
   * The iommufd device object ID (IOMMU_DEVICE bind).
   */
  'dev_id'?: (number);
  /**
   * The IOAS objects the device's DMA goes through.
   */
  'ioas_ids'?: (number)[];
  /**
   * The HWPT objects allocated for the device.
   */
  'hwpt_ids'?: (number)[];
  /**
   * SMMUv3 accel (NESTED): the host vIOMMU object (IOMMU_VIOMMU_ALLOC) the device's vDEVICE
   * sits on; unset for other backends.
   */
  'viommu_id'?: (number);
  /**
   * SMMUv3 accel (NESTED): the device's vDEVICE (virt_id = the guest StreamID), once the
   * guest's first CFGI_STE for it made one; unset before and for other backends.
   */
  'vdevice_id'?: (number);
  /**
   * legacy_container: the type1 container fd (/dev/vfio/vfio) in the VM's host process.
   */
  'container_fd'?: (number);
  /**
   * legacy_container: the VFIO group fd (/dev/vfio/<group>) in the VM's host process.
   */
  'group_fd'?: (number);
  /**
   * legacy_container: the IOMMU group number.
   */
  'group'?: (number);
  /**
   * legacy_container: the container's IOMMU type (VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3).
   */
  'iommu_type'?: (number);
  /**
   * legacy_container: what serves /dev/vfio/vfio on the host: "native-type1" or "iommufd-compat".
   */
  'container_backend'?: (string);
  /**
   * p2p: the guest BAR ranges of the VM's other assigned devices mapped into this device's DMA
   * address space, and how ("bar-va" through a BAR mmap, "dma-buf").
   */
  'p2p'?: (_iommutwin_vmm_v1_P2pMapping)[];
  '_viommu_id'?: "viommu_id";
  '_vdevice_id'?: "vdevice_id";
  '_container_fd'?: "container_fd";
  '_group_fd'?: "group_fd";
  '_group'?: "group";
  '_iommu_type'?: "iommu_type";
}

/**
 * Host objects backing one assigned device (for inspection).
 */
export interface HostObjects__Output {
  /**
   * The iommufd fd in the VM's host process (-1 for a legacy_container device).
   */
  'iommufd': (number);
  /**
   * The device's VFIO fd in the VM's host process (its cdev, or with legacy_container the fd
   * VFIO_GROUP_GET_DEVICE_FD returned).
   */
  'device_fd': (number);
  /**
   * The iommufd device object ID (IOMMU_DEVICE bind).
   */
  'dev_id': (number);
  /**
   * The IOAS objects the device's DMA goes through.
   */
  'ioas_ids': (number)[];
  /**
   * The HWPT objects allocated for the device.
   */
  'hwpt_ids': (number)[];
  /**
   * SMMUv3 accel (NESTED): the host vIOMMU object (IOMMU_VIOMMU_ALLOC) the device's vDEVICE
   * sits on; unset for other backends.
   */
  'viommu_id'?: (number);
  /**
   * SMMUv3 accel (NESTED): the device's vDEVICE (virt_id = the guest StreamID), once the
   * guest's first CFGI_STE for it made one; unset before and for other backends.
   */
  'vdevice_id'?: (number);
  /**
   * legacy_container: the type1 container fd (/dev/vfio/vfio) in the VM's host process.
   */
  'container_fd'?: (number);
  /**
   * legacy_container: the VFIO group fd (/dev/vfio/<group>) in the VM's host process.
   */
  'group_fd'?: (number);
  /**
   * legacy_container: the IOMMU group number.
   */
  'group'?: (number);
  /**
   * legacy_container: the container's IOMMU type (VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3).
   */
  'iommu_type'?: (number);
  /**
   * legacy_container: what serves /dev/vfio/vfio on the host: "native-type1" or "iommufd-compat".
   */
  'container_backend': (string);
  /**
   * p2p: the guest BAR ranges of the VM's other assigned devices mapped into this device's DMA
   * address space, and how ("bar-va" through a BAR mmap, "dma-buf").
   */
  'p2p': (_iommutwin_vmm_v1_P2pMapping__Output)[];
  '_viommu_id'?: "viommu_id";
  '_vdevice_id'?: "vdevice_id";
  '_container_fd'?: "container_fd";
  '_group_fd'?: "group_fd";
  '_group'?: "group";
  '_iommu_type'?: "iommu_type";
}
